// TIFF tags beyond baseline that the GTiff driver reads and writes.
#pragma once

#include <tiffio.h>

namespace rk::gtiff {

// GeoTIFF tags.
constexpr ttag_t kTagModelPixelScale = 33550;
constexpr ttag_t kTagModelTiepoint = 33922;
constexpr ttag_t kTagModelTransformation = 34264;
constexpr ttag_t kTagGeoKeyDirectory = 34735;
constexpr ttag_t kTagGeoDoubleParams = 34736;
constexpr ttag_t kTagGeoAsciiParams = 34737;
// GDAL's private tags: an XML metadata document, and the nodata value.
constexpr ttag_t kTagGdalMetadata = 42112;
constexpr ttag_t kTagGdalNodata = 42113;
// Rational polynomial coefficients (92 doubles).
constexpr ttag_t kTagRpcCoefficient = 50844;

// Teaches libtiff the tags above. libtiff keeps its tag extender in process
// state, so this installs it exactly once (std::call_once); it runs when the
// driver is made, i.e. during rk::register_all(), from one thread.
void register_tiff_tags();

}  // namespace rk::gtiff
