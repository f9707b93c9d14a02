// GTiff creation options: GDAL's names and meanings, the table that
// validates them, and their interpretation for one dataset to create.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/driver.h>

namespace rk::gtiff {

const std::vector<OptionSpec>& creation_option_specs();

// What the options mean for a dataset of `params`' size, bands and type.
struct CreationSettings {
  uint16_t compression = 1;  // libtiff COMPRESSION_* code
  int predictor = 1;
  int zlevel = 6;         // DEFLATE: 1-9 (zlib) or 1-12 (libdeflate)
  int zstd_level = 9;     // 1-22
  int jpeg_quality = 75;  // 1-100
  int webp_level = 75;    // 1-100
  bool webp_lossless = false;
  double max_z_error = 0;  // LERC
  bool tiled = false;
  uint32_t block_x = 256;  // tiles only
  uint32_t block_y = 0;    // tile height, or rows per strip (0: libtiff's default)
  bool pixel_interleaved = true;
  bool bigtiff = false;
  int nbits = 0;             // 0: the type's full width
  uint16_t photometric = 1;  // PHOTOMETRIC_*
  bool photometric_explicit = false;
  bool alpha = false;  // last band is alpha (ExtraSamples = unassociated alpha)
  bool sparse_ok = false;
  int threads = 0;  // NUM_THREADS; 0: RK_NUM_THREADS or every core
};

// Interprets validated options. Combinations that cannot work (PREDICTOR=3
// on integers, JPEG on non-Byte data, NBITS out of range for the type,
// a BLOCKXSIZE that is not a multiple of 16 for tiles...) are errors naming
// the option, reported before any file is created.
Result<CreationSettings> interpret_creation_options(const std::string& path,
                                                    const CreateParams& params);

}  // namespace rk::gtiff
