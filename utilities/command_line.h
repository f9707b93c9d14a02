// What a utility's command line holds besides the utility's own options:
// the files it names and how to open them (gdal_*'s "options for binary").
//
// The options parsers (parse_translate_options(), parse_info_options(), ...)
// take a utility's flags as an argv-like list, as GDAL's
// GDALTranslateOptionsNew() does, so a program can pass a user's flag string
// through. A program that opens its datasets itself passes no
// CommandLineExtras; file names and -oo in the list are then errors.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <string>
#include <vector>

namespace rk {

struct RK_API CommandLineExtras {
  std::vector<std::string> files;          // the arguments that are not flags, in order
  std::vector<std::string> open_options;   // -oo NAME=VALUE, for opening the source
  std::vector<std::string> input_formats;  // -if FORMAT: the drivers that may open it
  bool quiet = false;                      // -q / -quiet: no progress, no "Input file size"
};

// The name in `known` closest to `given` (at most 3 edits away), or "" when
// none is: for "did you mean ...?" in a program's own messages.
RK_API std::string closest_name(const std::string& given, const std::vector<std::string>& known);

}  // namespace rk
