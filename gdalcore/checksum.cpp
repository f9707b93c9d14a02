#include "gdalcore/checksum.h"

#include <climits>
#include <cmath>
#include <vector>

#include "gdalcore/dataset.h"
#include "gdalcore/worker_pool.h"

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

namespace {

// The checksum terms of `n` values whose first one takes prime index `p0`:
// the sum of v % prime, primes cycling. Whole cycles of 11 divide by
// constants (the compiler turns them into multiplications); a division by a
// variable per pixel was the cost of -checksum.
uint32_t sum_terms(const int32_t* v, size_t n, int p0) {
  uint32_t sum = 0;
  size_t i = 0;
  int p = p0;
  for (; i < n && p != 0; ++i) {
    sum += static_cast<uint32_t>(v[i] % kPrimes[p]);
    if (++p == kPrimeCount) p = 0;
  }
  for (; i + kPrimeCount <= n; i += kPrimeCount) {
    const int32_t* c = v + i;
    sum += static_cast<uint32_t>(c[0] % 7) + static_cast<uint32_t>(c[1] % 11) +
           static_cast<uint32_t>(c[2] % 13) + static_cast<uint32_t>(c[3] % 17) +
           static_cast<uint32_t>(c[4] % 19) + static_cast<uint32_t>(c[5] % 23) +
           static_cast<uint32_t>(c[6] % 29) + static_cast<uint32_t>(c[7] % 31) +
           static_cast<uint32_t>(c[8] % 37) + static_cast<uint32_t>(c[9] % 41) +
           static_cast<uint32_t>(c[10] % 43);
  }
  for (p = 0; i < n; ++i, ++p) sum += static_cast<uint32_t>(v[i] % kPrimes[p]);
  return sum;
}

}  // namespace

Result<int> compute_checksum(RasterBand& band, const Window& requested, WorkerPool* pool) {
  Window w = requested;
  if (w.width == 0 && w.height == 0) w = Window{0, 0, band.x_size(), band.y_size()};
  const bool floating = is_floating(band.data_type());
  const bool complex = is_complex(band.data_type());
  const int per_pixel = complex ? 2 : 1;
  const size_t n = static_cast<size_t>(w.width) * static_cast<size_t>(per_pixel);
  // Rows are read a block row at a time to go through each block once. The
  // sum is additive, so chunks can be summed separately (in parallel when
  // the band may be shared by threads) if each starts at the right prime.
  const int64_t rows_per_chunk = std::max<int64_t>(1, band.block_y_size());
  const int64_t chunks = (w.height + rows_per_chunk - 1) / rows_per_chunk;
  std::vector<uint32_t> partial(static_cast<size_t>(chunks), 0);
  std::vector<Status> errors(static_cast<size_t>(chunks));
  auto run = [&](int64_t k) {
    const int64_t y0 = w.y + k * rows_per_chunk;
    const int64_t rows = std::min(rows_per_chunk, w.y + w.height - y0);
    const Window chunk{w.x, y0, w.width, rows};
    const size_t total = n * static_cast<size_t>(rows);
    std::vector<int32_t> ivalues(total);
    Status st;
    if (floating) {
      std::vector<double> fvalues(total);
      st = band.read(
          chunk, fvalues.data(),
          BufferLayout::packed(complex ? DataType::kCFloat64 : DataType::kFloat64, w.width, rows));
      for (size_t i = 0; st.ok() && i < total; ++i) ivalues[i] = float_to_checksum_int(fvalues[i]);
    } else {
      st = band.read(
          chunk, ivalues.data(),
          BufferLayout::packed(complex ? DataType::kCInt32 : DataType::kInt32, w.width, rows));
    }
    if (!st.ok()) {
      errors[static_cast<size_t>(k)] = std::move(st);
      return;
    }
    const uint64_t before = static_cast<uint64_t>(k * rows_per_chunk) * n;
    partial[static_cast<size_t>(k)] =
        sum_terms(ivalues.data(), total, static_cast<int>(before % kPrimeCount));
  };
  const bool parallel =
      pool && pool->thread_count() > 1 && band.dataset() && band.dataset()->is_thread_safe();
  if (parallel) {
    pool->parallel_for(chunks, run);
  } else {
    for (int64_t k = 0; k < chunks; ++k) run(k);
  }
  uint32_t sum = 0;
  for (int64_t k = 0; k < chunks; ++k) {
    RK_RETURN_IF_ERROR(errors[static_cast<size_t>(k)]);
    sum += partial[static_cast<size_t>(k)];
  }
  return static_cast<int>(sum & 0xFFFF);
}

}  // namespace rk
