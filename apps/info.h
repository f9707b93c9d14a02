// The report printed by `rasterkit info`, built as a string so that tests can
// compare it without running a process.
#pragma once

#include <string>

#include "gdalcore/dataset.h"

namespace rk {

struct InfoOptions {
  bool show_metadata = true;  // -nomd turns it off
};

// gdalinfo-style text: driver, files, size, coordinate system, origin and
// pixel size, metadata, and per band its block size, type, color
// interpretation, description, nodata, overviews and mask flags.
std::string build_info_report(Dataset& ds, const InfoOptions& options);

}  // namespace rk
