// Reads a window of band 1 into a Float32 buffer half its size, averaging
// (the type is converted and the pixels resampled by the read itself).
// Usage: read_window FILE
#include <cstdio>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/driver_manager.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  rk::register_all();
  auto opened = rk::open(argv[1]);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().to_string().c_str());
    return 1;
  }
  rk::RasterBand& band = *(*opened)->band(1);
  const rk::Window window{0, 0, band.x_size(), band.y_size()};
  const int64_t w = window.width / 2, h = window.height / 2;
  std::vector<float> buffer(static_cast<size_t>(w * h));
  rk::RasterIOOptions options;
  options.resampling = rk::Resampling::kAverage;
  rk::Status st = band.read(window, buffer.data(),
                            rk::BufferLayout::packed(rk::DataType::kFloat32, w, h), options);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    return 1;
  }
  double sum = 0;
  for (float v : buffer) sum += v;
  std::printf("read %lldx%lld as %lldx%lld Float32, mean %.3f\n",
              static_cast<long long>(window.width), static_cast<long long>(window.height),
              static_cast<long long>(w), static_cast<long long>(h),
              sum / static_cast<double>(buffer.size()));
  return 0;
}
