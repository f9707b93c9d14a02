// libFuzzer target for RasterIO parameters: the input chooses a raster
// (size, block size, type, band count, nodata, a pattern) held in memory,
// and then a series of reads — windows (inside, partly outside, fractional
// source windows), buffer sizes, buffer types, spacings, resampling kernels,
// overviews — each checked against what must hold whatever the parameters:
// an out-of-range window is an error, never a crash; a read of the whole
// raster at its own size in its own type gives back the pattern exactly;
// every output value lies within the pattern's range for kernels that do
// not overshoot.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <rasterkit/drivers/mem/mem_driver.h>
#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/driver_manager.h>
#include <rasterkit/gdalcore/warning.h>

namespace {

// Reads the fuzzer's bytes as small numbers.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint32_t next(uint32_t below) {
    if (below == 0) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 3; ++i) v = (v << 8) | (pos_ < size_ ? data_[pos_++] : 0);
    return v % below;
  }
  int32_t signed_next(int32_t span) { return static_cast<int32_t>(next(2 * span + 1)) - span; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

const rk::DataType kTypes[] = {
    rk::DataType::kByte,   rk::DataType::kInt8,    rk::DataType::kUInt16,  rk::DataType::kInt16,
    rk::DataType::kUInt32, rk::DataType::kInt32,   rk::DataType::kFloat32, rk::DataType::kFloat64,
    rk::DataType::kCInt16, rk::DataType::kCFloat32};
const rk::Resampling kKernels[] = {rk::Resampling::kNearest, rk::Resampling::kBilinear,
                                   rk::Resampling::kCubic,   rk::Resampling::kCubicSpline,
                                   rk::Resampling::kLanczos, rk::Resampling::kAverage,
                                   rk::Resampling::kMode};

void fail(const char* what) {
  __builtin_trap();  // libFuzzer reports the input
  (void)what;
}

void one_read(rk::Dataset& ds, Bytes& in, double lo, double hi) {
  rk::RasterBand& band =
      *ds.band(1 + static_cast<int>(in.next(static_cast<uint32_t>(ds.band_count()))));
  const int64_t W = band.x_size(), H = band.y_size();
  auto below = [](int64_t n) { return static_cast<uint32_t>(std::min<int64_t>(n, 1 << 20)); };
  rk::Window w{in.signed_next(8) + in.next(below(W)), in.signed_next(8) + in.next(below(H)),
               1 + in.next(below(W + 8)), 1 + in.next(below(H + 8))};
  const int64_t bw = 1 + in.next(below(std::max<int64_t>(2, 2 * w.width)));
  const int64_t bh = 1 + in.next(below(std::max<int64_t>(2, 2 * w.height)));
  const rk::DataType type = kTypes[in.next(static_cast<uint32_t>(std::size(kTypes)))];
  const rk::Resampling kernel = kKernels[in.next(static_cast<uint32_t>(std::size(kKernels)))];
  rk::RasterIOOptions io{kernel, nullptr, {}};
  if (in.next(4) == 0) {  // a fractional source window inside the read window
    const double fx = in.next(100) / 100.0, fy = in.next(100) / 100.0;
    const auto d = [](int64_t v) { return static_cast<double>(v); };
    io.source_window =
        rk::WindowF{d(w.x) + fx * 0.5, d(w.y) + fy * 0.5, std::max(0.01, d(w.width) - fx),
                    std::max(0.01, d(w.height) - fy)};
  }
  std::vector<double> out(static_cast<size_t>(bw * bh) * 2);
  const rk::Status st = band.read(w, out.data(), rk::BufferLayout::packed(type, bw, bh), io);
  const bool inside = w.x >= 0 && w.y >= 0 && w.x + w.width <= W && w.y + w.height <= H;
  if (!inside && st.ok()) fail("a window outside the raster was read");
  if (!st.ok() || type != rk::DataType::kFloat64) return;
  const bool bounded = kernel == rk::Resampling::kNearest || kernel == rk::Resampling::kBilinear ||
                       kernel == rk::Resampling::kAverage || kernel == rk::Resampling::kMode;
  if (!bounded || rk::is_complex(band.data_type())) return;
  for (int64_t i = 0; i < bw * bh; ++i) {
    const double v = out[static_cast<size_t>(i)];
    if (!std::isnan(v) && (v < lo - 1e-6 || v > hi + 1e-6) && v != 0) fail("value out of range");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialised = [] {
    rk::register_all();
    rk::BlockCache::global().set_capacity(size_t{16} << 20);
    return true;
  }();
  (void)initialised;
  rk::ScopedWarningHandler quiet([](const rk::Warning&) {});
  Bytes in(data, size);
  rk::CreateParams p;
  p.width = 1 + in.next(300);
  p.height = 1 + in.next(300);
  p.bands = 1 + static_cast<int>(in.next(3));
  p.type = kTypes[in.next(static_cast<uint32_t>(std::size(kTypes)))];
  auto created = rk::DriverManager::global().find("MEM")->create("fuzz", p);
  if (!created.ok()) return 0;
  rk::Dataset& ds = **created;
  // The pattern: a ramp with a step, in the band's type.
  const double step = 1 + in.next(50);
  std::vector<double> values(static_cast<size_t>(p.width * p.height));
  double lo = 1e300, hi = -1e300;
  for (int64_t y = 0; y < p.height; ++y) {
    for (int64_t x = 0; x < p.width; ++x) {
      const double v = std::fmod(static_cast<double>(x * 3 + y * 7) * step, 120.0);
      values[static_cast<size_t>(y * p.width + x)] = v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  for (int b = 1; b <= p.bands; ++b) {
    if (!ds.band(b)
             ->write(rk::Window{0, 0, p.width, p.height}, values.data(),
                     rk::BufferLayout::packed(rk::DataType::kFloat64, p.width, p.height))
             .ok()) {
      fail("write");
    }
    if (in.next(3) == 0) {
      (void)ds.band(b)->set_nodata(values[in.next(static_cast<uint32_t>(values.size()))]);
    }
  }
  // The whole raster at its size and in its own type: exactly the pattern.
  std::vector<double> back(values.size());
  if (!ds.band(1)
           ->read(rk::Window{0, 0, p.width, p.height}, back.data(),
                  rk::BufferLayout::packed(rk::DataType::kFloat64, p.width, p.height))
           .ok() ||
      back != values) {
    fail("round trip");
  }
  for (int k = 0; k < 12 && !in.done(); ++k) one_read(ds, in, lo, hi);
  return 0;
}
