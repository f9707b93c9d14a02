#include <rasterkit/gdalcore/geo_transform.h>

#include <algorithm>
#include <cmath>

namespace rk {

std::optional<GeoTransform> GeoTransform::inverse() const {
  const double det = c[1] * c[5] - c[2] * c[4];
  const double scale = std::max(std::max(std::fabs(c[1]), std::fabs(c[2])),
                                std::max(std::fabs(c[4]), std::fabs(c[5])));
  // Relative test: pixel sizes of 1e-9 degrees are legitimate.
  if (det == 0 || std::fabs(det) < 1e-20 * scale * scale) return std::nullopt;
  GeoTransform inv;
  inv.c[1] = c[5] / det;
  inv.c[2] = -c[2] / det;
  inv.c[4] = -c[4] / det;
  inv.c[5] = c[1] / det;
  inv.c[0] = (c[2] * c[3] - c[0] * c[5]) / det;
  inv.c[3] = (-c[1] * c[3] + c[0] * c[4]) / det;
  return inv;
}

}  // namespace rk
