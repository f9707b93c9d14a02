#include <rasterkit/gdalcore/resample_rows.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include <rasterkit/gdalcore/mask_band.h>

namespace rk {
namespace detail {

std::vector<int64_t> least_first_from(const std::vector<Taps>& taps) {
  std::vector<int64_t> out(taps.size());
  int64_t least = std::numeric_limits<int64_t>::max();
  for (size_t j = taps.size(); j-- > 0;) {
    least = std::min(least, taps[j].first);
    out[j] = least;
  }
  return out;
}

namespace {

double kernel_radius(Resampling m) {
  switch (m) {
    case Resampling::kCubic:
    case Resampling::kCubicSpline:
      return 2.0;
    case Resampling::kLanczos:
      return 3.0;
    default:
      return 1.0;
  }
}

// The kernels' weights at signed distance x (in source pixels, scaled by
// the reduction factor), each computed as GDAL's warp kernels compute it:
// the weights are renormalised by their sum, but rounding at distances
// where a kernel is 0 in exact arithmetic decides results (a Lanczos
// weight of 1.5e-33 at x = 3, where the other taps cancel exactly, keeps a
// row beside nodata in GDAL's pass), so the operations are GDAL's, in its
// order. The cubic B-spline is left unscaled by 1/6, as GDAL leaves it.
double kernel(Resampling m, double x) {
  const double ax = std::fabs(x);
  switch (m) {
    case Resampling::kCubic: {
      // Keys' cubic convolution with a = -0.5 (Catmull-Rom).
      const double x2 = x * x;
      if (ax <= 1) return x2 * (1.5 * ax - 2.5) + 1;
      if (ax <= 2) return x2 * (-0.5 * ax + 2.5) - 4 * ax + 2;
      return 0;
    }
    case Resampling::kCubicSpline: {
      // The cubic B-spline (smoothing, not interpolating).
      const double xp2 = x + 2, xp1 = x + 1, xm1 = x - 1;
      if (!(xp2 > 0)) return 0;
      double v = xp2 * xp2 * xp2;
      if (xp1 > 0) {
        double inner = 0;
        if (x > 0) inner = (xm1 > 0 ? -4.0 * xm1 * xm1 * xm1 : 0.0) + 6.0 * x * x * x;
        v = (inner + -4.0 * xp1 * xp1 * xp1) + v;
      }
      return v;
    }
    case Resampling::kLanczos: {
      // Windowed sinc, a = 3; no cut-off at |x| = 3 (taps stop there).
      if (x == 0) return 1;
      const double px = M_PI * x;
      const double px3 = px / 3;
      return std::sin(px) * std::sin(px3) / (px * px3);
    }
    default:
      return ax <= 1 ? 1 - ax : 0;  // bilinear: the triangle
  }
}

// Average's and mode's pixels for the footprint [a, b) (relative to
// source column or row `base`), as GDAL's: from trunc(a + 1e-8) to
// ceil(b - 1e-8), at least one, inside the raster; the end pixels weigh
// what the footprint covers of them, measured from the pixel kept — so
// where the footprint reaches past the raster's edge the edge pixel weighs
// more than 1 — and a lone pixel weighs 1.
void footprint_taps(double a, double b, int64_t base, int64_t src_n, Taps* t) {
  int64_t k0 = std::max<int64_t>(static_cast<int64_t>(a + 1e-8), -base);
  int64_t k1 = static_cast<int64_t>(std::ceil(b - 1e-8));
  if (k1 == k0) ++k1;
  k1 = std::min(k1, src_n - base);
  if (k1 <= k0) {
    k0 = std::clamp<int64_t>(k1 - 1, -base, src_n - base - 1);
    k1 = k0 + 1;
  }
  t->first = base + k0;
  t->weights.assign(static_cast<size_t>(k1 - k0), 1.0);
  if (k1 - k0 == 1) return;
  t->weights.front() = 1 - (a - static_cast<double>(k0));
  t->weights.back() = 1 - (static_cast<double>(k1) - b);
}

// Source coordinates of output coordinates along one axis, computed as
// GDAL computes them, since footprint edges and kernel centres that land
// on a pixel edge in exact arithmetic fall on either side of it by the
// last bit: where the origin is a whole number of output pixels into the
// band, from the band's edge ((virtual + t) * ratio); otherwise relative
// to the read window's first pixel (delta + t * ratio, delta = origin -
// that pixel).
class AxisCoordinates {
 public:
  AxisCoordinates(double origin, double ratio, int64_t window_first) : ratio_(ratio) {
    const double virt = origin / ratio;
    if (std::fabs(virt - std::round(virt)) < 1e-8) {
      virtual_ = std::round(virt);
    } else {
      base_ = window_first;
      delta_ = origin - static_cast<double>(window_first);
    }
  }
  int64_t base() const { return base_; }
  // The coordinate of output pixel i's left (or top) edge, relative to base().
  double edge(int64_t i) const {
    if (virtual_) return (*virtual_ + static_cast<double>(i)) * ratio_;
    return delta_ + static_cast<double>(i) * ratio_;
  }
  double centre(int64_t i) const {
    if (virtual_) return (*virtual_ + static_cast<double>(i) + 0.5) * ratio_;
    return (static_cast<double>(i) + 0.5) * ratio_ + delta_;
  }

 private:
  double ratio_;
  std::optional<double> virtual_;
  int64_t base_ = 0;
  double delta_ = 0;
};

}  // namespace

std::vector<Taps> axis_taps(Resampling m, double origin, double length, int64_t whole_n,
                            int64_t src_n, int64_t window_first, int64_t piece_first,
                            int64_t piece_n) {
  const double ratio = length / static_cast<double>(whole_n);
  const AxisCoordinates at(origin, ratio, window_first);
  const int64_t base = at.base();
  // GDAL reads the window with a margin of the kernel's radius times the
  // ratio rounded to a whole number (at least 1), and its kernels take no
  // pixel outside that: at ratios just above a whole number the scaled
  // support reaches a pixel past the margin, which is left out (measured:
  // Lanczos at 13/9 leaves out output column 0's first tap).
  const auto margin = static_cast<int64_t>(kernel_radius(m)) *
                      std::max<int64_t>(1, static_cast<int64_t>(0.5 + ratio));
  const int64_t chunk_lo = std::max<int64_t>(0, window_first - margin);
  const int64_t chunk_hi = std::min<int64_t>(
      src_n, window_first + 1 +
                 static_cast<int64_t>(std::ceil(static_cast<double>(whole_n) * ratio)) + margin);
  std::vector<Taps> taps(static_cast<size_t>(piece_n));
  for (int64_t i = piece_first; i < piece_first + piece_n; ++i) {
    Taps& t = taps[static_cast<size_t>(i - piece_first)];
    if (m == Resampling::kAverage || m == Resampling::kMode) {
      footprint_taps(at.edge(i), at.edge(i + 1), base, src_n, &t);
      continue;
    }
    // A kernel centred on the footprint, stretched by the downsampling
    // factor so every source pixel contributes (no aliasing). The support
    // is GDAL's, zero weights at its ends included: nodata handling counts
    // them (see convolve_with_invalid).
    const double center = at.centre(i);
    const double s = std::max(1.0, ratio);
    const double r = kernel_radius(m) * s;
    int64_t k0 = static_cast<int64_t>(std::floor(center - r + 0.5));
    int64_t k1 = static_cast<int64_t>(std::floor(center + r + 0.5)) - 1;
    k0 = std::max<int64_t>(k0, chunk_lo - base);
    k1 = std::min<int64_t>(k1, chunk_hi - base - 1);
    if (k1 < k0) {
      k0 = k1 = std::clamp<int64_t>(static_cast<int64_t>(std::floor(at.edge(i))), -base,
                                    src_n - base - 1);
    }
    t.first = base + k0;
    // Distances as GDAL steps them: from the first tap, one scaled pixel
    // at a time.
    const double step = s > 1 ? 1.0 / s : 1.0;
    double x = step * (static_cast<double>(k0) - center + 0.5);
    for (int64_t k = k0; k <= k1; ++k, x += step) t.weights.push_back(kernel(m, x));
    if (std::all_of(t.weights.begin(), t.weights.end(), [](double w) { return w == 0; })) {
      t.weights[0] = 1;
    }
  }
  return taps;
}

std::vector<Taps> column_taps(Resampling m, const SourceWindow& sw, const RasterBand& src,
                              int64_t n) {
  return axis_taps(m, sw.x, sw.width, sw.whole_width, src.x_size(), sw.base_x, sw.piece_x, n);
}

std::vector<Taps> row_taps(Resampling m, const SourceWindow& sw, const RasterBand& src, int64_t n) {
  return axis_taps(m, sw.y, sw.height, sw.whole_height, src.y_size(), sw.base_y, sw.piece_y, n);
}

RowSource::RowSource(RasterBand& band, int64_t col0, int64_t col1, bool use_mask)
    : band_(band),
      col0_(col0),
      width_(col1 - col0 + 1),
      ncomp_(is_complex(band.data_type()) ? 2 : 1),
      nodata_(band.nodata()) {
  // GDAL's resampled reads weigh pixels by the band's mask unless it is
  // all valid or derived from nodata (handled by value, below): an alpha
  // band, or a mask the driver holds.
  const int flags = band.mask_flags();
  if (use_mask && !(flags & (kMaskAllValid | kMaskNoData))) mask_ = band.mask_band();
  // Only these can hold pixels that do not count.
  may_be_invalid_ = nodata_.has_value() || is_floating(band.data_type()) || mask_;
}

Status RowSource::ensure(int64_t r0, int64_t r1, int64_t keep_from) {
  keep_from = std::min(keep_from, r0);
  if (!rows_.empty() && keep_from < first_) {
    // Rows already dropped are wanted again: start afresh from there.
    for (Row& row : rows_) spare_.push_back(std::move(row));
    rows_.clear();
  }
  while (!rows_.empty() && first_ < keep_from) {
    spare_.push_back(std::move(rows_.front()));
    rows_.pop_front();
    ++first_;
  }
  if (rows_.empty()) first_ = keep_from;
  int64_t next = first_ + static_cast<int64_t>(rows_.size());
  const size_t row_values = static_cast<size_t>(width_ * ncomp_);
  while (next <= r1) {
    const int64_t count =
        std::min<int64_t>(std::max<int64_t>(r1 - next + 1, 16), band_.y_size() - next);
    const DataType work = ncomp_ == 2 ? DataType::kCFloat64 : DataType::kFloat64;
    batch_.resize(static_cast<size_t>(count) * row_values);
    const Window window{col0_, next, width_, count};
    RK_RETURN_IF_ERROR(
        band_.read(window, batch_.data(), BufferLayout::packed(work, width_, count)));
    if (mask_) {
      mask_batch_.resize(static_cast<size_t>(width_ * count));
      RK_RETURN_IF_ERROR(mask_->read(window, mask_batch_.data(),
                                     BufferLayout::packed(DataType::kByte, width_, count)));
    }
    for (int64_t r = 0; r < count; ++r) {
      Row row = take_spare();
      const double* begin = batch_.data() + static_cast<size_t>(r) * row_values;
      row.values.assign(begin, begin + row_values);
      row.all_valid = true;
      if (may_be_invalid_) {
        const uint8_t* mask = mask_ ? mask_batch_.data() + r * width_ : nullptr;
        row.valid.assign(static_cast<size_t>(width_), 255);
        for (int64_t c = 0; c < width_; ++c) {
          const double v = row.values[static_cast<size_t>(c * ncomp_)];
          uint8_t& weight = row.valid[static_cast<size_t>(c)];
          if (std::isnan(v) || (nodata_ && is_nodata_value(v, *nodata_, band_.data_type()))) {
            weight = 0;
          } else if (mask) {
            weight = mask[c];
          }
          row.all_valid = row.all_valid && weight == 255;
        }
      }
      rows_.push_back(std::move(row));
    }
    next += count;
  }
  return Status();
}

}  // namespace detail
}  // namespace rk
