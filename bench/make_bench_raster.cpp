// Writes the benchmark rasters deterministically: an 8192x8192 UInt16 field
// (smooth hills plus noise), DEFLATE-tiled (256x256, predictor 2) or
// uncompressed striped. Usage: rk_make_bench_raster OUT.tif tiled|striped
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  rk::register_all();
  const int64_t n = 8192;
  rk::CreateParams p;
  p.width = p.height = n;
  p.type = rk::DataType::kUInt16;
  p.options = std::string(argv[2]) == "tiled"
                  ? rk::Options{{"TILED", "YES"}, {"COMPRESS", "DEFLATE"}, {"PREDICTOR", "2"}}
                  : rk::Options{};
  auto ds = rk::DriverManager::global().find("GTiff")->create(argv[1], p);
  if (!ds.ok()) {
    std::fprintf(stderr, "%s\n", ds.status().to_string().c_str());
    return 1;
  }
  std::vector<uint16_t> row(static_cast<size_t>(n) * 256);
  uint32_t noise = 12345;
  for (int64_t y0 = 0; y0 < n; y0 += 256) {
    for (int64_t y = 0; y < 256; ++y) {
      for (int64_t x = 0; x < n; ++x) {
        noise = noise * 1664525u + 1013904223u;
        const double fx = static_cast<double>(x) / n, fy = static_cast<double>(y0 + y) / n;
        const double v = 20000 + 8000 * std::sin(9 * fx) * std::cos(7 * fy) +
                         3000 * std::sin(40 * fx * fy) + static_cast<double>(noise >> 27);
        row[static_cast<size_t>(y * n + x)] = static_cast<uint16_t>(v);
      }
    }
    if (!(*ds)
             ->write(rk::Window{0, y0, n, 256}, row.data(),
                     rk::BufferLayout::packed(rk::DataType::kUInt16, n, 256))
             .ok()) {
      return 1;
    }
  }
  return (*ds)->close().ok() ? 0 : 1;
}
