// Creates a DEFLATE-compressed, tiled GeoTIFF from a computed gradient, with
// a CRS and a geotransform. Usage: create_gradient OUT.tif
#include <cstdio>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/driver.h>
#include <rasterkit/gdalcore/driver_manager.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.tif\n", argv[0]);
    return 2;
  }
  rk::register_all();
  const rk::Driver* gtiff = rk::DriverManager::global().find("GTiff");
  rk::CreateParams params;
  params.width = 1000;
  params.height = 600;
  params.bands = 1;
  params.type = rk::DataType::kFloat32;
  params.options = rk::Options{{"COMPRESS", "DEFLATE"}, {"PREDICTOR", "3"}, {"TILED", "YES"}};
  auto created = gtiff->create(argv[1], params);
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.status().to_string().c_str());
    return 1;
  }
  rk::Dataset& ds = **created;
  // 30 m pixels in UTM zone 31N.
  rk::Status st = ds.set_geo_transform(rk::GeoTransform{{500000, 30, 0, 4600000, 0, -30}});
  if (st.ok()) st = ds.set_spatial_ref(*rk::SpatialRef::from_epsg(32631));
  std::vector<float> row(static_cast<size_t>(params.width));
  for (int64_t y = 0; st.ok() && y < params.height; ++y) {
    for (int64_t x = 0; x < params.width; ++x) row[static_cast<size_t>(x)] = float(x + 2 * y);
    st = ds.band(1)->write(rk::Window{0, y, params.width, 1}, row.data(),
                           rk::BufferLayout::packed(rk::DataType::kFloat32, params.width, 1));
  }
  if (st.ok()) st = ds.close();  // close() reports what the destructor cannot
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    return 1;
  }
  std::printf("wrote %s\n", argv[1]);
  return 0;
}
