// Type conversion throughput for the common pairs (contiguous runs, the
// vectorised path) against the per-value strided path, in values per second.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/convert.h>

namespace {

double rate(rk::DataType st, rk::DataType dt, bool contiguous) {
  constexpr size_t n = 1 << 22;
  const size_t ss = rk::data_type_size(st), ds = rk::data_type_size(dt);
  std::vector<std::byte> src(n * ss), dst(n * ds * 2);
  for (size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>((i * 2654435761u) % 70000) - 1000.5;
    rk::store_double(v, src.data() + i * ss, st);
  }
  const ptrdiff_t dstride = static_cast<ptrdiff_t>(contiguous ? ds : 2 * ds);
  std::vector<double> times;
  for (int r = 0; r < 7; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    rk::convert_values(src.data(), st, static_cast<ptrdiff_t>(ss), dst.data(), dt, dstride, n);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return static_cast<double>(n) / times[times.size() / 2];
}

}  // namespace

int main() {
  using rk::DataType;
  const std::pair<DataType, DataType> pairs[] = {
      {DataType::kByte, DataType::kUInt16},     {DataType::kByte, DataType::kFloat32},
      {DataType::kUInt16, DataType::kByte},     {DataType::kUInt16, DataType::kFloat32},
      {DataType::kInt16, DataType::kFloat32},   {DataType::kInt16, DataType::kUInt16},
      {DataType::kFloat32, DataType::kByte},    {DataType::kFloat32, DataType::kUInt16},
      {DataType::kFloat32, DataType::kInt16},   {DataType::kFloat32, DataType::kFloat64},
      {DataType::kFloat64, DataType::kFloat32}, {DataType::kByte, DataType::kByte},
  };
  std::printf("| from | to | contiguous (M values/s) | strided (M values/s) | speed-up |\n");
  std::printf("|---|---|---|---|---|\n");
  for (const auto& [s, d] : pairs) {
    const double fast = rate(s, d, true), slow = rate(s, d, false);
    std::printf("| %s | %s | %.0f | %.0f | %.1fx |\n", std::string(rk::data_type_name(s)).c_str(),
                std::string(rk::data_type_name(d)).c_str(), fast / 1e6, slow / 1e6, fast / slow);
  }
}
