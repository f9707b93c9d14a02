// Opens a GeoTIFF and prints its size, its CRS and the value of band 1 at a
// longitude/latitude. Usage: info_at_point FILE LON LAT
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/coordinate_transform.h>
#include <rasterkit/gdalcore/driver_manager.h>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s FILE LON LAT\n", argv[0]);
    return 2;
  }
  rk::register_all();  // once, from one thread, before anything else
  auto opened = rk::open(argv[1]);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().to_string().c_str());
    return 1;
  }
  rk::Dataset& ds = **opened;
  std::printf("size: %lld x %lld, %d band(s)\n", static_cast<long long>(ds.x_size()),
              static_cast<long long>(ds.y_size()), ds.band_count());
  if (!ds.spatial_ref() || !ds.geo_transform()) {
    std::fprintf(stderr, "%s: not georeferenced\n", argv[1]);
    return 1;
  }
  std::printf("CRS: %s\n", ds.spatial_ref()->name().c_str());

  // Longitude/latitude (WGS 84) to the raster's CRS, then to a pixel.
  auto wgs84 = rk::SpatialRef::from_user_input("OGC:CRS84");
  auto to_raster = rk::CoordinateTransform::create(*wgs84, *ds.spatial_ref());
  if (!to_raster.ok()) {
    std::fprintf(stderr, "%s\n", to_raster.status().to_string().c_str());
    return 1;
  }
  double x = std::atof(argv[2]), y = std::atof(argv[3]);
  if (rk::Status st = to_raster->transform(x, y); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    return 1;
  }
  const rk::GeoTransform& gt = *ds.geo_transform();
  const auto col = static_cast<int64_t>(std::floor((x - gt.c[0]) / gt.c[1]));
  const auto row = static_cast<int64_t>(std::floor((y - gt.c[3]) / gt.c[5]));
  if (col < 0 || row < 0 || col >= ds.x_size() || row >= ds.y_size()) {
    std::fprintf(stderr, "(%s, %s) is outside the raster\n", argv[2], argv[3]);
    return 1;
  }
  double value = 0;
  rk::Status st = ds.band(1)->read(rk::Window{col, row, 1, 1}, &value,
                                   rk::BufferLayout::packed(rk::DataType::kFloat64, 1, 1));
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    return 1;
  }
  std::printf("pixel (%lld, %lld) = %g\n", static_cast<long long>(col), static_cast<long long>(row),
              value);
  return 0;
}
