// CoordinateTransform: transforms points between two CRSs through PROJ, in
// GDAL's traditional GIS order on both sides (x = longitude/easting,
// y = latitude/northing), so geotransform coordinates go in as they are.
//
// A transform owns its PROJ context and is not thread-safe: use one per
// thread (they are cheap to make from the same two SpatialRefs).
#pragma once

#include <rasterkit/blockcache/export.h>

#include <memory>

#include <rasterkit/gdalcore/result.h>
#include <rasterkit/gdalcore/spatial_ref.h>

namespace rk {

class RK_API CoordinateTransform {
 public:
  static Result<CoordinateTransform> create(const SpatialRef& source, const SpatialRef& target);

  CoordinateTransform(CoordinateTransform&&) noexcept;
  CoordinateTransform& operator=(CoordinateTransform&&) noexcept;
  ~CoordinateTransform();

  // Transforms (x, y) in place. Fails (leaving it unchanged) when the point
  // cannot be transformed (outside the projection's domain).
  Status transform(double& x, double& y) const;

 private:
  struct Handles;
  explicit CoordinateTransform(std::unique_ptr<Handles> h);
  std::unique_ptr<Handles> handles_;
};

}  // namespace rk
