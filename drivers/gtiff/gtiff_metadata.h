// GDAL's private metadata tags and the baseline TIFF text tags.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tiffio.h>

namespace rk::gtiff {

// One <Item> of a GDAL_METADATA (tag 42112) document:
//   <Item name="N" [domain="D"] [sample="S"] [role="R"]>value</Item>
// `sample` is the 0-based band, or -1 for the dataset. Roles carry band
// properties: offset, scale, unittype, description, colorinterp.
struct MetadataItem {
  std::string name;
  std::string domain;
  std::string role;
  int sample = -1;
  std::string value;
};

// Parses the document; malformed items are skipped (GDAL is lenient too).
std::vector<MetadataItem> parse_gdal_metadata(std::string_view xml);
// The inverse, for writing: items in order, entities escaped.
std::string format_gdal_metadata(const std::vector<MetadataItem>& items);

// An ASCII tag's value, if present.
std::optional<std::string> read_ascii_tag(TIFF* tif, ttag_t tag);

// The baseline text and resolution tags as GDAL names them in the default
// metadata domain (TIFFTAG_SOFTWARE=..., TIFFTAG_XRESOLUTION=72, ...).
std::vector<std::pair<std::string, std::string>> read_baseline_tags(TIFF* tif);

}  // namespace rk::gtiff
