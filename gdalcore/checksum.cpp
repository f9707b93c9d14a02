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

namespace {

// The value type a band is read as for its checksum: small integers as
// they are (no widening pass), other integers as Int32 (clamped as GDAL
// does), Float32 as it is and widened value by value (GDAL rounds in double
// precision), complex types in pairs.
DataType checksum_read_type(DataType type) {
  const bool floating = is_floating(type), complex = is_complex(type);
  if (type == DataType::kByte || type == DataType::kInt8 || type == DataType::kUInt16 ||
      type == DataType::kInt16) {
    return type;
  }
  if (complex) return floating ? DataType::kCFloat64 : DataType::kCInt32;
  if (!floating) return DataType::kInt32;
  return type == DataType::kFloat32 ? DataType::kFloat32 : DataType::kFloat64;
}

// The window cut into pieces of at most kMaxValues values: block rows (each
// block read once), fewer rows when a row is long, and pieces of a row when
// one row alone is too long (a 2,100,000,000-pixel strip).
struct ChecksumPieces {
  static constexpr int64_t kMaxValues = int64_t{1} << 22;
  Window w;
  int per_pixel;
  int64_t rows, cols;            // of one piece (pixels)
  int64_t row_steps, col_steps;  // pieces down and across

  ChecksumPieces(const Window& window, int64_t block_rows, int values_per_pixel)
      : w(window), per_pixel(values_per_pixel) {
    const int64_t row_values = w.width * per_pixel;
    cols = std::min(w.width, std::max<int64_t>(1, kMaxValues / per_pixel));
    rows =
        std::max<int64_t>(1, std::min(block_rows, kMaxValues / std::max<int64_t>(1, row_values)));
    row_steps = (w.height + rows - 1) / rows;
    col_steps = (w.width + cols - 1) / cols;
  }
  int64_t count() const { return row_steps * col_steps; }
  Window piece(int64_t k) const {
    const int64_t y = w.y + (k / col_steps) * rows, x = w.x + (k % col_steps) * cols;
    return Window{x, y, std::min(cols, w.x + w.width - x), std::min(rows, w.y + w.height - y)};
  }
  // Index (mod 11) of the first value of row `y`, column `x` in the window.
  int first_prime(int64_t x, int64_t y) const {
    const uint64_t index = (static_cast<uint64_t>(y - w.y) * static_cast<uint64_t>(w.width) +
                            static_cast<uint64_t>(x - w.x)) *
                           static_cast<uint64_t>(per_pixel);
    return static_cast<int>(index % kPrimeCount);
  }
};

}  // namespace

Result<int> compute_checksum(RasterBand& band, const Window& requested, WorkerPool* pool) {
  return no_exceptions(
      band.dataset() ? band.dataset()->description() : "band", [&]() -> Result<int> {
        Window w = requested;
        if (w.width == 0 && w.height == 0) w = Window{0, 0, band.x_size(), band.y_size()};
        const bool floating = is_floating(band.data_type());
        const int per_pixel = is_complex(band.data_type()) ? 2 : 1;
        const DataType read_type = checksum_read_type(band.data_type());
        const ChecksumPieces pieces(w, std::max<int64_t>(1, band.block_y_size()), per_pixel);
        const size_t max_values = static_cast<size_t>(pieces.rows * pieces.cols * per_pixel);
        ScratchBuffers read_buffers(max_values * data_type_size(read_type) /
                                    static_cast<size_t>(per_pixel));
        ScratchBuffers int_buffers(floating ? max_values * sizeof(int32_t) : 0);
        const bool parallel =
            pool && pool->thread_count() > 1 && band.dataset() && band.dataset()->is_thread_safe();
        // Pieces one at a time: the pool decodes each piece's blocks instead.
        RasterIOOptions io;
        if (!parallel) io.pool = pool;
        // A piece's sum (each started at its own prime: the sum is additive).
        auto sum_of = [&](const Window& p, uint32_t* sum) -> Status {
          const size_t total = static_cast<size_t>(p.width * p.height * per_pixel);
          std::unique_ptr<std::byte[]> buf = read_buffers.take();
          Status st =
              band.read(p, buf.get(), BufferLayout::packed(read_type, p.width, p.height), io);
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
          if (st.ok()) {
            const DataType summed = floating ? DataType::kInt32 : read_type;
            const size_t value_bytes =
                floating ? sizeof(int32_t)
                         : data_type_size(read_type) / static_cast<size_t>(per_pixel);
            const size_t row_values = static_cast<size_t>(p.width * per_pixel);
            *sum = 0;
            // Row by row: a piece's rows need not follow one another in the window.
            for (int64_t r = 0; r < p.height; ++r) {
              *sum += sum_terms_of(values + static_cast<size_t>(r) * row_values * value_bytes,
                                   summed, row_values, pieces.first_prime(p.x, p.y + r));
            }
          }
          read_buffers.give_back(std::move(buf));
          if (ints) int_buffers.give_back(std::move(ints));
          return st;
        };
        // In batches, so that the bookkeeping stays small whatever the window,
        // and the first error ends the pass.
        constexpr int64_t kBatch = 256;
        uint32_t sum = 0;
        std::vector<uint32_t> partial(kBatch);
        std::vector<Status> errors(kBatch);
        for (int64_t first = 0; first < pieces.count(); first += kBatch) {
          const int64_t n = std::min(kBatch, pieces.count() - first);
          auto run = [&](int64_t k) {
            errors[static_cast<size_t>(k)] =
                sum_of(pieces.piece(first + k), &partial[static_cast<size_t>(k)]);
          };
          if (parallel) {
            pool->parallel_for(n, run);
          } else {
            for (int64_t k = 0; k < n; ++k) run(k);
          }
          for (int64_t k = 0; k < n; ++k) {
            RK_RETURN_IF_ERROR(errors[static_cast<size_t>(k)]);
            sum += partial[static_cast<size_t>(k)];
          }
        }
        return static_cast<int>(sum & 0xFFFF);
      });
}

}  // namespace rk
