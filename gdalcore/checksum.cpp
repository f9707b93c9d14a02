#include <rasterkit/gdalcore/checksum.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/scratch_buffers.h>
#include <rasterkit/gdalcore/worker_pool.h>

namespace rk {

namespace {

constexpr int kPrimes[] = {7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43};
constexpr int kPrimeCount = 11;

// Floating values: NaN and infinities count as INT_MIN; others are
// floor(v + 0.5) after clamping to +/-INT_MAX. The floor is taken by
// truncating and stepping down, which needs no call into libm.
int32_t float_to_checksum_int(double v) {
  if (!std::isfinite(v)) return INT_MIN;
  v += 0.5;
  if (v < -2147483647.0) v = -2147483647.0;
  if (v > 2147483647.0) v = 2147483647.0;
  auto t = static_cast<int64_t>(v);
  if (static_cast<double>(t) > v) --t;
  return static_cast<int32_t>(t);
}

}  // namespace

void ChecksumAccumulator::add(int32_t v) {
  sum_ += static_cast<uint32_t>(v % kPrimes[prime_]);  // C remainder: sign of v
  if (++prime_ == kPrimeCount) prime_ = 0;
}

namespace {

// v % P with C's sign rule; unsigned values take the cheaper unsigned form.
template <uint32_t P, typename T>
uint32_t term(T v) {
  if constexpr (std::is_unsigned_v<T>) {
    return static_cast<uint32_t>(v) % P;
  } else {
    return static_cast<uint32_t>(static_cast<int32_t>(v) % static_cast<int32_t>(P));
  }
}

// The checksum terms of `n` values whose first one takes prime index `p0`:
// the sum of v % prime, primes cycling. Whole cycles of 11 divide by
// constants (the compiler turns them into multiplications); a division by a
// variable per pixel was the cost of -checksum.
template <typename T>
uint32_t sum_terms(const T* v, size_t n, int p0) {
  uint32_t sum = 0;
  size_t i = 0;
  int p = p0;
  for (; i < n && p != 0; ++i) {
    sum += static_cast<uint32_t>(static_cast<int32_t>(v[i]) % kPrimes[p]);
    if (++p == kPrimeCount) p = 0;
  }
  for (; i + kPrimeCount <= n; i += kPrimeCount) {
    const T* c = v + i;
    sum += term<7>(c[0]) + term<11>(c[1]) + term<13>(c[2]) + term<17>(c[3]) + term<19>(c[4]) +
           term<23>(c[5]) + term<29>(c[6]) + term<31>(c[7]) + term<37>(c[8]) + term<41>(c[9]) +
           term<43>(c[10]);
  }
  for (p = 0; i < n; ++i, ++p) {
    sum += static_cast<uint32_t>(static_cast<int32_t>(v[i]) % kPrimes[p]);
  }
  return sum;
}

uint32_t sum_terms_of(const std::byte* values, DataType type, size_t n, int p0) {
  switch (type) {
    case DataType::kByte:
      return sum_terms(reinterpret_cast<const uint8_t*>(values), n, p0);
    case DataType::kInt8:
      return sum_terms(reinterpret_cast<const int8_t*>(values), n, p0);
    case DataType::kUInt16:
      return sum_terms(reinterpret_cast<const uint16_t*>(values), n, p0);
    case DataType::kInt16:
      return sum_terms(reinterpret_cast<const int16_t*>(values), n, p0);
    default:
      return sum_terms(reinterpret_cast<const int32_t*>(values), n, p0);
  }
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
  // Small integers are read as they are (no widening pass), other integers
  // as Int32, clamped as GDAL does. Float32 values are read as they are and
  // widened one by one: GDAL rounds in double precision.
  const DataType type = band.data_type();
  const bool small_integer = type == DataType::kByte || type == DataType::kInt8 ||
                             type == DataType::kUInt16 || type == DataType::kInt16;
  const DataType read_type = small_integer ? type
                             : complex     ? (floating ? DataType::kCFloat64 : DataType::kCInt32)
                             : !floating   ? DataType::kInt32
                             : band.data_type() == DataType::kFloat32 ? DataType::kFloat32
                                                                      : DataType::kFloat64;
  const size_t max_values = n * static_cast<size_t>(std::min(rows_per_chunk, w.height));
  ScratchBuffers read_buffers(max_values * data_type_size(read_type) /
                              static_cast<size_t>(per_pixel));
  ScratchBuffers int_buffers(floating ? max_values * sizeof(int32_t) : 0);
  const bool parallel =
      pool && pool->thread_count() > 1 && band.dataset() && band.dataset()->is_thread_safe();
  // Chunks one at a time: the pool decodes each chunk's blocks instead.
  RasterIOOptions io;
  if (!parallel) io.pool = pool;
  auto run = [&](int64_t k) {
    const int64_t y0 = w.y + k * rows_per_chunk;
    const int64_t rows = std::min(rows_per_chunk, w.y + w.height - y0);
    const Window chunk{w.x, y0, w.width, rows};
    const size_t total = n * static_cast<size_t>(rows);
    std::unique_ptr<std::byte[]> buf = read_buffers.take();
    Status st = band.read(chunk, buf.get(), BufferLayout::packed(read_type, w.width, rows), io);
    const std::byte* values = buf.get();
    std::unique_ptr<std::byte[]> ints;
    if (st.ok() && floating) {
      ints = int_buffers.take();
      auto* out = reinterpret_cast<int32_t*>(ints.get());
      if (read_type == DataType::kFloat32) {
        const auto* f = reinterpret_cast<const float*>(buf.get());
        for (size_t i = 0; i < total; ++i) out[i] = float_to_checksum_int(f[i]);
      } else {
        const auto* d = reinterpret_cast<const double*>(buf.get());
        for (size_t i = 0; i < total; ++i) out[i] = float_to_checksum_int(d[i]);
      }
      values = ints.get();
    }
    if (!st.ok()) {
      read_buffers.give_back(std::move(buf));
      errors[static_cast<size_t>(k)] = std::move(st);
      return;
    }
    const uint64_t before = static_cast<uint64_t>(k * rows_per_chunk) * n;
    partial[static_cast<size_t>(k)] = sum_terms_of(values, floating ? DataType::kInt32 : read_type,
                                                   total, static_cast<int>(before % kPrimeCount));
    read_buffers.give_back(std::move(buf));
    if (ints) int_buffers.give_back(std::move(ints));
  };
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
