// What a Cloud Optimized GeoTIFF written by GDAL declares about its layout
// in the "ghost area" after the TIFF header (GDAL_STRUCTURAL_METADATA):
// here, whether each tile's mask tile follows it in the file, which lets a
// remote read fetch both in one request.
#pragma once

#include <string>

#include <rasterkit/gdalcore/file.h>

namespace rk::gtiff {

struct CogLayout {
  bool declared = false;          // a ghost area was found
  bool mask_interleaved = false;  // MASK_INTERLEAVED_WITH_IMAGERY=YES
  bool block_leader = false;      // BLOCK_LEADER=SIZE_AS_UINT4
  bool block_trailer = false;     // BLOCK_TRAILER=LAST_4_BYTES_REPEATED
};

// Reads the ghost area of `file`, if any. A file edited since it was
// written (KNOWN_INCOMPATIBLE_EDITION=YES) declares nothing we can rely on:
// it is reported as undeclared. Never fails: a malformed area is ignored.
CogLayout read_cog_layout(const File& file);

}  // namespace rk::gtiff
