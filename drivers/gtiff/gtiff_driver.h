// The GeoTIFF driver ("GTiff"), on libtiff.
#pragma once

#include <memory>

#include <rasterkit/gdalcore/driver.h>

namespace rk::gtiff {

std::unique_ptr<Driver> make_driver();

}  // namespace rk::gtiff
