#include "gdalcore/checksum.h"

#include <climits>
#include <cmath>
#include <vector>

namespace rk {

namespace {

constexpr int kPrimes[] = {7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43};
constexpr int kPrimeCount = 11;

// Floating values: NaN and infinities count as INT_MIN; others are
// floor(v + 0.5) after clamping to +/-INT_MAX.
int32_t float_to_checksum_int(double v) {
  if (!std::isfinite(v)) return INT_MIN;
  v += 0.5;
  if (v < -2147483647.0) v = -2147483647.0;
  if (v > 2147483647.0) v = 2147483647.0;
  return static_cast<int32_t>(std::floor(v));
}

}  // namespace

void ChecksumAccumulator::add(int32_t v) {
  sum_ += static_cast<uint32_t>(v % kPrimes[prime_]);  // C remainder: sign of v
  if (++prime_ == kPrimeCount) prime_ = 0;
}

Result<int> compute_checksum(RasterBand& band, const Window& requested) {
  Window w = requested;
  if (w.width == 0 && w.height == 0) w = Window{0, 0, band.x_size(), band.y_size()};
  const bool floating = is_floating(band.data_type());
  const bool complex = is_complex(band.data_type());
  const int per_pixel = complex ? 2 : 1;
  const size_t n = static_cast<size_t>(w.width) * static_cast<size_t>(per_pixel);
  // Rows are read a block row at a time to go through each block once.
  const int64_t rows_per_chunk = std::max<int64_t>(1, band.block_y_size());
  std::vector<double> fvalues;
  std::vector<int32_t> ivalues;
  ChecksumAccumulator sum;
  for (int64_t y0 = w.y; y0 < w.y + w.height; y0 += rows_per_chunk) {
    const int64_t rows = std::min(rows_per_chunk, w.y + w.height - y0);
    const Window chunk{w.x, y0, w.width, rows};
    if (floating) {
      fvalues.resize(n * static_cast<size_t>(rows));
      RK_RETURN_IF_ERROR(band.read(
          chunk, fvalues.data(),
          BufferLayout::packed(complex ? DataType::kCFloat64 : DataType::kFloat64, w.width, rows)));
    } else {
      ivalues.resize(n * static_cast<size_t>(rows));
      RK_RETURN_IF_ERROR(band.read(
          chunk, ivalues.data(),
          BufferLayout::packed(complex ? DataType::kCInt32 : DataType::kInt32, w.width, rows)));
    }
    const size_t total = n * static_cast<size_t>(rows);
    for (size_t i = 0; i < total; ++i) {
      sum.add(floating ? float_to_checksum_int(fvalues[i]) : ivalues[i]);
    }
  }
  return sum.value();
}

}  // namespace rk
