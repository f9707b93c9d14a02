// The affine transform from pixel/line to georeferenced coordinates, in
// GDAL's coefficient order:
//   x = c[0] + pixel * c[1] + line * c[2]
//   y = c[3] + pixel * c[4] + line * c[5]
// (pixel, line) = (0, 0) is the top-left corner of the top-left pixel.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <array>
#include <optional>
#include <utility>

namespace rk {

struct RK_API GeoTransform {
  std::array<double, 6> c{0, 1, 0, 0, 0, 1};

  std::pair<double, double> apply(double pixel, double line) const {
    return {c[0] + pixel * c[1] + line * c[2], c[3] + pixel * c[4] + line * c[5]};
  }
  // The inverse transform; nullopt if the matrix is singular.
  std::optional<GeoTransform> inverse() const;
  bool is_north_up() const { return c[2] == 0 && c[4] == 0; }

  friend bool operator==(const GeoTransform& a, const GeoTransform& b) { return a.c == b.c; }
};

}  // namespace rk
