#include <rasterkit/gdalcore/resample.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rasterkit/gdalcore/convert.h>
#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/mask_band.h>
#include <rasterkit/gdalcore/resample_rows.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk {

namespace {

using detail::column_taps;
using detail::least_first_from;
using detail::row_taps;
using detail::RowSource;
using detail::SourceWindow;
using detail::Taps;

Status nearest(RasterBand& src, const SourceWindow& sw, std::byte* data, const BufferLayout& l,
               const ProgressFn& progress) {
  const DataType t = src.data_type();
  const size_t tsize = data_type_size(t);
  const double rx = sw.x_ratio(), ry = sw.y_ratio();
  std::vector<int64_t> cols(static_cast<size_t>(l.width));
  for (int64_t i = 0; i < l.width; ++i) {
    const auto c = static_cast<int64_t>(
        std::floor(sw.x + (static_cast<double>(i + sw.piece_x) + 0.5) * rx + 1e-10));
    cols[static_cast<size_t>(i)] = std::clamp<int64_t>(c, 0, src.x_size() - 1);
  }
  const int64_t c0 = cols.front(), c1 = cols.back();
  std::vector<std::byte> row(static_cast<size_t>(c1 - c0 + 1) * tsize);
  std::vector<std::byte> gathered(static_cast<size_t>(l.width) * tsize);
  int64_t last = -1;
  for (int64_t j = 0; j < l.height; ++j) {
    const int64_t r = std::clamp<int64_t>(
        static_cast<int64_t>(
            std::floor(sw.y + (static_cast<double>(j + sw.piece_y) + 0.5) * ry + 1e-10)),
        0, src.y_size() - 1);
    if (r != last) {
      RK_RETURN_IF_ERROR(src.read(Window{c0, r, c1 - c0 + 1, 1}, row.data(),
                                  BufferLayout::packed(t, c1 - c0 + 1, 1)));
      for (int64_t i = 0; i < l.width; ++i) {
        std::memcpy(gathered.data() + static_cast<size_t>(i) * tsize,
                    row.data() + static_cast<size_t>(cols[static_cast<size_t>(i)] - c0) * tsize,
                    tsize);
      }
      last = r;
    }
    convert_values(gathered.data(), t, static_cast<ptrdiff_t>(tsize), data + j * l.line_spacing,
                   l.type, l.pixel_spacing, static_cast<size_t>(l.width));
    if (progress && !progress(static_cast<double>(j + 1) / static_cast<double>(l.height), "")) {
      return Status::cancelled(src.dataset()->description());
    }
  }
  return Status();
}

// The value written where no valid source pixel contributes.
double empty_value(const RasterBand& band) { return band.nodata().value_or(0.0); }

// How a kernel's results become the caller's values, as in GDAL's
// resampling: convolutions (and averages of Int16 and floating-point bands)
// go through single precision, and on a band with nodata a result that
// would read as nodata is moved off it, so resampling never creates holes.
// 32- and 64-bit integer and Float64 bands keep double precision, where
// GDAL 3.6 rounds them through float, and later GDAL does not (the
// deliberate difference kernel-32bit-double, doc/cli.md). Complex bands are
// left in double. (Where GDAL's single-band path rounds results to the
// source's type before converting them, the translate view does too.)
class KernelResults {
 public:
  KernelResults(const RasterBand& band, Resampling m)
      : type_(band.data_type()), nodata_(band.nodata()) {
    const bool small_int = type_ == DataType::kByte || type_ == DataType::kUInt16;
    const bool wide = type_ == DataType::kInt32 || type_ == DataType::kUInt32 ||
                      type_ == DataType::kInt64 || type_ == DataType::kUInt64 ||
                      type_ == DataType::kFloat64;
    through_float_ = !wide && !(small_int && m == Resampling::kAverage);
    // GDAL averages other integer bands in floating point and moves a
    // result off nodata only when it equals nodata there: an Int16 average
    // of 182.53 with nodata 183 is written as 183 (measured), where a
    // convolution's, or a Byte or UInt16 average's, is moved to 184.
    compare_unrounded_ = m == Resampling::kAverage && is_integer(type_) && !small_int;
    complex_ = is_complex(type_);
    set_range();
    if (nodata_) replacement_ = replacement_for(*nodata_);
  }

  // Converts `n` results (a row) into `dst`, laid out as `l`.
  // `empty[i]` marks a pixel no valid source pixel reached: it holds the
  // fill value, nodata included, as is.
  void write(std::vector<double>& values, const std::vector<char>& empty, size_t n, std::byte* dst,
             const BufferLayout& l) {
    if (complex_) {
      // GDAL's warper, which resamples complex bands in their own type,
      // rounds each part half up into an integer one (-11.5 becomes -11),
      // whatever the buffer's type (measured into CFloat32 and Int16).
      if (type_ == DataType::kCInt16 || type_ == DataType::kCInt32) {
        for (size_t i = 0; i < 2 * n; ++i) values[i] = std::floor(values[i] + 0.5);
      }
      convert_values(values.data(), DataType::kCFloat64, sizeof(double) * 2, dst, l.type,
                     l.pixel_spacing, n);
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      if (!empty[i]) values[i] = adjust(values[i]);
    }
    convert_values(values.data(), DataType::kFloat64, sizeof(double), dst, l.type, l.pixel_spacing,
                   n);
  }

 private:
  // The type's range, from the conversion rules (infinities clamp to it).
  void set_range() {
    if (is_integer(type_)) {
      std::byte edge[8];
      store_double(-std::numeric_limits<double>::infinity(), edge, type_);
      lo_ = value_as_double(edge, type_);
      store_double(std::numeric_limits<double>::infinity(), edge, type_);
      hi_ = value_as_double(edge, type_);
    } else if (type_ == DataType::kFloat32) {
      lo_ = -std::numeric_limits<float>::max(), hi_ = std::numeric_limits<float>::max();
    }
  }

  double replacement_for(double nodata) const {
    if (is_floating(type_)) {
      if (nodata == 0) return std::numeric_limits<float>::min();
      return static_cast<float>(nodata + 1e-7 * nodata);
    }
    return nodata >= hi_ ? nodata - 1 : nodata + 1;
  }

  double adjust(double v) const {
    if (through_float_) v = static_cast<float>(v);
    if (!nodata_ || std::isnan(v)) return v;
    const double clamped = std::clamp(v, lo_, hi_);
    // Integer types compare the value they would store.
    const double stored = is_floating(type_) || compare_unrounded_ ? clamped : std::round(clamped);
    return is_nodata_value(stored, *nodata_, type_) ? replacement_ : clamped;
  }

  DataType type_;
  std::optional<double> nodata_;
  bool through_float_ = false;
  bool compare_unrounded_ = false;
  bool complex_ = false;
  double lo_ = -std::numeric_limits<double>::infinity();
  double hi_ = std::numeric_limits<double>::infinity();
  double replacement_ = 0;
};

// Average and the interpolating kernels: separable weights (taps) along
// each axis, output rows one at a time.
class WeightedPass {
 public:
  WeightedPass(RasterBand& src, Resampling m, const SourceWindow& sw, const BufferLayout& l)
      : m_(m),
        hx_(column_taps(m, sw, src, l.width)),
        vy_(row_taps(m, sw, src, l.height)),
        cols_(column_span(hx_)),
        c0_(cols_.first),
        rows_(src, cols_.first, cols_.second, /*use_mask=*/true),
        nc_(static_cast<size_t>(rows_.components())),
        out_n_(static_cast<size_t>(l.width)),
        out_(out_n_ * nc_),
        num_(out_n_ * nc_),
        den_(out_n_),
        empty_(out_n_, 0),
        fill_(empty_value(src)),
        hx_sum_(out_n_, 0.0),
        column_(static_cast<size_t>(cols_.second - cols_.first + 1)) {
    for (size_t i = 0; i < out_n_; ++i) {
      for (double w : hx_[i].weights) hx_sum_[i] += w;
    }
    pairs_ = m == Resampling::kAverage && nc_ == 1 && src.mask_flags() == kMaskAllValid &&
             columns_in_pairs(hx_);
    pair_in_double_ = src.data_type() == DataType::kFloat64 ||
                      src.data_type() == DataType::kInt32 || src.data_type() == DataType::kUInt32;
  }

  Status run(RasterBand& src, std::byte* data, const BufferLayout& l, const ProgressFn& progress) {
    KernelResults results(src, m_);
    const std::vector<int64_t> keep = least_first_from(vy_);
    for (int64_t j = 0; j < l.height; ++j) {
      const Taps& ty = vy_[static_cast<size_t>(j)];
      RK_RETURN_IF_ERROR(rows_.ensure(ty.first, ty.last(), keep[static_cast<size_t>(j)]));
      bool all_valid = nc_ == 1;
      for (int64_t r = ty.first; all_valid && r <= ty.last(); ++r) all_valid = rows_.all_valid(r);
      if (pairs_ && all_valid && ty.weights.size() == 2) {
        average_of_pairs(ty);
      } else if (m_ == Resampling::kAverage) {
        average_row(ty, all_valid);
      } else if (all_valid) {
        all_valid_row(ty);
      } else {
        convolve_with_invalid(ty);
      }
      results.write(out_, empty_, out_n_, data + j * l.line_spacing, l);
      if (progress && !progress(static_cast<double>(j + 1) / static_cast<double>(l.height), "")) {
        return Status::cancelled(src.dataset()->description());
      }
    }
    return Status();
  }

 private:
  static std::pair<int64_t, int64_t> column_span(const std::vector<Taps>& hx) {
    int64_t c0 = hx.front().first, c1 = hx.front().last();
    for (const Taps& t : hx) {
      c0 = std::min(c0, t.first);
      c1 = std::max(c1, t.last());
    }
    return {c0, c1};
  }

  // Every pixel counts: rows first (a contiguous pass the compiler
  // vectorises), then one short sum per output pixel; the weights
  // normalise to the products of their sums.
  void all_valid_row(const Taps& ty) {
    std::fill(column_.begin(), column_.end(), 0.0);
    double wy_sum = 0;
    for (size_t k = 0; k < ty.weights.size(); ++k) {
      const double wy = ty.weights[k];
      wy_sum += wy;
      const double* row = rows_.row(ty.first + static_cast<int64_t>(k)).data();
      for (size_t c = 0; c < column_.size(); ++c) column_[c] += wy * row[c];
    }
    for (size_t i = 0; i < out_n_; ++i) {
      const Taps& tx = hx_[i];
      const double* v = column_.data() + (tx.first - c0_);
      double sum = 0;
      for (size_t q = 0; q < tx.weights.size(); ++q) sum += tx.weights[q] * v[q];
      const double d = wy_sum * hx_sum_[i];
      empty_[i] = std::fabs(d) <= 1e-12;
      out_[i] = empty_[i] ? fill_ : sum / d;
    }
  }

  // An average over the valid pixels of each footprint, weighted by their
  // overlap, as GDAL's: row by row, in GDAL's order of operations, so
  // results halfway between two integers round the same way.
  void average_row(const Taps& ty, bool all_valid) {
    if (nc_ == 2) return average_complex_row(ty);
    for (size_t i = 0; i < out_n_; ++i) {
      const Taps& tx = hx_[i];
      double total = 0, weight = 0;
      for (size_t k = 0; k < ty.weights.size(); ++k) {
        double line[2] = {0, 0};
        const double line_weight = row_sum(ty.first + static_cast<int64_t>(k), tx, line);
        total += line[0] * ty.weights[k];
        weight += line_weight * ty.weights[k];
      }
      if (all_valid) weight = full_weight(tx) * full_weight(ty);
      const bool ok = weight > 1e-12;
      empty_[i] = !ok;
      out_[i] = ok ? total / weight : fill_;
    }
  }

  // GDAL averages complex bands in its warper: each valid pixel weighs the
  // product of its row's and its column's overlap, summed row by row, so
  // results near a half round as there (x.4999999, not x.5).
  void average_complex_row(const Taps& ty) {
    for (size_t i = 0; i < out_n_; ++i) {
      const Taps& tx = hx_[i];
      double re = 0, im = 0, weight = 0;
      for (size_t k = 0; k < ty.weights.size(); ++k) {
        const int64_t r = ty.first + static_cast<int64_t>(k);
        const std::vector<double>& row = rows_.row(r);
        const std::vector<uint8_t>& valid = rows_.valid(r);
        for (size_t q = 0; q < tx.weights.size(); ++q) {
          const size_t c = static_cast<size_t>(tx.first - c0_) + q;
          if (!valid[c]) continue;
          const double w = ty.weights[k] * tx.weights[q];
          weight += w;
          re += row[2 * c] * w;
          im += row[2 * c + 1] * w;
        }
      }
      const bool ok = weight > 1e-12;
      empty_[i] = !ok;
      out_[2 * i] = ok ? re / weight : fill_;
      out_[2 * i + 1] = ok ? im / weight : 0.0;
    }
  }

  // Whether each column's footprint is two pixels, each pair starting
  // where the previous one ends (GDAL's "source spacing is two").
  static bool columns_in_pairs(const std::vector<Taps>& hx) {
    for (size_t i = 0; i < hx.size(); ++i) {
      if (hx[i].weights.size() != 2) return false;
      if (i > 0 && hx[i].first != hx[i - 1].first + 2) return false;
    }
    return true;
  }

  // GDAL's shortcut for a band without nodata or mask whose columns go in
  // pairs: a footprint of 2 x 2 pixels is their plain mean, whatever part
  // of the end rows it covers (measured: -tr 5 4.8875 -r average of a
  // 2.5 m Int16 band, rows whose footprint spans two source rows). Summed
  // in GDAL's work type.
  void average_of_pairs(const Taps& ty) {
    const double* r0 = rows_.row(ty.first).data();
    const double* r1 = rows_.row(ty.first + 1).data();
    for (size_t i = 0; i < out_n_; ++i) {
      const size_t c = static_cast<size_t>(hx_[i].first - c0_);
      if (pair_in_double_) {
        out_[i] = (r0[c] + r0[c + 1] + r1[c] + r1[c + 1]) * 0.25;
      } else {
        float sum = static_cast<float>(r0[c]) + static_cast<float>(r0[c + 1]);
        sum += static_cast<float>(r1[c]);
        sum += static_cast<float>(r1[c + 1]);
        out_[i] = sum * 0.25f;
      }
      empty_[i] = 0;
    }
  }

  // GDAL's sum of a footprint's weights: the ends, and 1 for each pixel
  // between them.
  static double full_weight(const Taps& t) {
    double w = t.weights.front();
    if (t.weights.size() > 1) {
      w += static_cast<double>(t.weights.size() - 2);
      w += t.weights.back();
    }
    return w;
  }

  // GDAL's convolution where some source pixels do not count: each source
  // row is filtered over its valid pixels and renormalised; a row with none
  // (or, for kernels with negative lobes, whose longest run of valid pixels
  // covers less than half the kernel's support) drops out of the vertical
  // pass, which does the same over the rows. A row with one valid pixel
  // weighs as much as a full one: this is not a 2-D renormalisation.
  void convolve_with_invalid(const Taps& ty) {
    const bool negative_lobes = m_ == Resampling::kCubic || m_ == Resampling::kLanczos;
    std::fill(num_.begin(), num_.end(), 0.0);
    std::fill(den_.begin(), den_.end(), 0.0);
    run_.assign(out_n_, 0);
    best_run_.assign(out_n_, 0);
    for (size_t k = 0; k < ty.weights.size(); ++k) {
      const double wy = ty.weights[k];
      const int64_t r = ty.first + static_cast<int64_t>(k);
      for (size_t i = 0; i < out_n_; ++i) {
        const Taps& tx = hx_[i];
        double vsum[2] = {0, 0};
        bool ok = !negative_lobes || longest_valid_run(r, tx) >= tx.weights.size() / 2;
        double wsum = 0;
        if (ok) wsum = row_sum(r, tx, vsum);
        ok = ok && wsum > 0;
        if (!ok) {
          run_[i] = 0;
          continue;
        }
        best_run_[i] = std::max(best_run_[i], ++run_[i]);
        den_[i] += wy;
        for (size_t p = 0; p < nc_; ++p) num_[i * nc_ + p] += wy * (vsum[p] / wsum);
      }
    }
    for (size_t i = 0; i < out_n_; ++i) {
      bool ok = den_[i] > 0;
      if (negative_lobes && best_run_[i] < ty.weights.size() / 2) ok = false;
      empty_[i] = !ok;
      for (size_t p = 0; p < nc_; ++p) {
        out_[i * nc_ + p] = ok ? num_[i * nc_ + p] / den_[i] : (p == 0 ? fill_ : 0.0);
      }
    }
  }

  // Sums of weights and weighted values over the valid pixels of row r.
  // Under a mask band, a kernel's weights are multiplied by the mask's
  // value, as GDAL's horizontal pass does (an alpha of 128 counts half);
  // average counts every pixel whose mask is not 0 fully, as GDAL's.
  double row_sum(int64_t r, const Taps& tx, double vsum[2]) const {
    const std::vector<double>& row = rows_.row(r);
    const std::vector<uint8_t>& valid = rows_.valid(r);
    const bool by_mask = rows_.masked() && m_ != Resampling::kAverage;
    double wsum = 0;
    for (size_t q = 0; q < tx.weights.size(); ++q) {
      const size_t c = static_cast<size_t>(tx.first - c0_) + q;
      if (!valid[c]) continue;
      const double w = by_mask ? tx.weights[q] * valid[c] : tx.weights[q];
      wsum += w;
      for (size_t p = 0; p < nc_; ++p) vsum[p] += w * row[c * nc_ + p];
    }
    return wsum;
  }

  size_t longest_valid_run(int64_t r, const Taps& tx) const {
    const std::vector<uint8_t>& valid = rows_.valid(r);
    size_t run = 0, best = 0;
    for (size_t q = 0; q < tx.weights.size(); ++q) {
      run = valid[static_cast<size_t>(tx.first - c0_) + q] ? run + 1 : 0;
      best = std::max(best, run);
    }
    return best;
  }

  Resampling m_;
  std::vector<Taps> hx_, vy_;
  std::pair<int64_t, int64_t> cols_;  // first and last source column read
  int64_t c0_;
  RowSource rows_;
  size_t nc_, out_n_;
  std::vector<double> out_, num_, den_;
  std::vector<char> empty_;
  double fill_;
  std::vector<double> hx_sum_, column_;
  std::vector<size_t> run_, best_run_;
  bool pairs_ = false;           // average_of_pairs() applies to 2-row footprints
  bool pair_in_double_ = false;  // its sums in double (else single) precision
};

Status weighted(RasterBand& src, Resampling m, const SourceWindow& sw, std::byte* data,
                const BufferLayout& l, const ProgressFn& progress) {
  WeightedPass pass(src, m, sw, l);
  return pass.run(src, data, l, progress);
}

// A footprint's values for mode, in raster order.
struct ModeCandidate {
  double re, im;
  size_t order;  // position in raster order
};

// The most frequent value; a tie goes to the value that reached the
// winning count first in raster order (its last occurrence comes first),
// as in GDAL, whose scan changes its pick only when a count overtakes the
// pick's. NaN equals nothing, so each NaN counts once (at `first_nan`,
// the position of the first; npos: none). False: no value at all.
bool pick_mode(std::vector<ModeCandidate>& values, size_t first_nan, double* re, double* im) {
  std::sort(values.begin(), values.end(), [](const ModeCandidate& a, const ModeCandidate& b) {
    if (a.re != b.re) return a.re < b.re;
    if (a.im != b.im) return a.im < b.im;
    return a.order < b.order;
  });
  size_t best_count = 0, best_order = 0;
  for (size_t s = 0; s < values.size();) {
    size_t e = s;
    while (e < values.size() && values[e].re == values[s].re && values[e].im == values[s].im) ++e;
    const size_t count = e - s, reached = values[e - 1].order;
    if (count > best_count || (count == best_count && reached < best_order)) {
      best_count = count;
      best_order = reached;
      *re = values[s].re;
      *im = values[s].im;
    }
    s = e;
  }
  if (first_nan != std::string::npos &&
      (best_count == 0 || (best_count == 1 && first_nan < best_order))) {
    *re = std::numeric_limits<double>::quiet_NaN();
    *im = 0;
    return true;
  }
  return best_count > 0;
}

// GDAL stores a single-precision result into a 32-bit integer band adding
// 0.5 in single precision: odd values between 2^23 and 2^24 round up to the
// next even one (12,344,317 becomes 12,344,318).
double to_int32_like_gdal(float v) {
  const float r = v >= 0 ? v + 0.5f : v - 0.5f;
  return std::trunc(static_cast<double>(r));
}

// GDAL's mode: over each footprint's pixels, in single precision (its
// working type; exact for 8- and 16-bit values); NaN pixels count unless
// NaN is the band's nodata value.
Status mode(RasterBand& src, const SourceWindow& sw, std::byte* data, const BufferLayout& l,
            const ProgressFn& progress) {
  const std::vector<Taps> hx = column_taps(Resampling::kMode, sw, src, l.width);
  const std::vector<Taps> vy = row_taps(Resampling::kMode, sw, src, l.height);
  const int64_t c0 = hx.front().first, c1 = hx.back().last();
  // Measured: GDAL's mode of a Byte band looks at its nodata value only,
  // counting pixels an alpha band makes transparent (a footprint of 3, 4,
  // 3, 1 with alpha 0 on the first 3 gives 3); of other types it leaves
  // out pixels whose mask is 0.
  RowSource rows(src, c0, c1, /*use_mask=*/src.data_type() != DataType::kByte);
  const size_t nc = static_cast<size_t>(rows.components());
  const size_t out_n = static_cast<size_t>(l.width);
  std::vector<double> out(out_n * nc);
  const double fill = empty_value(src);
  const bool nan_counts = !(src.nodata() && std::isnan(*src.nodata()));
  const bool single = nc == 1;
  const bool int32 = src.data_type() == DataType::kInt32 || src.data_type() == DataType::kUInt32;
  std::vector<ModeCandidate> values;
  const std::vector<int64_t> keep = least_first_from(vy);
  for (int64_t j = 0; j < l.height; ++j) {
    const Taps& ty = vy[static_cast<size_t>(j)];
    RK_RETURN_IF_ERROR(rows.ensure(ty.first, ty.last(), keep[static_cast<size_t>(j)]));
    for (size_t i = 0; i < out_n; ++i) {
      const Taps& tx = hx[i];
      values.clear();
      size_t position = 0, first_nan = std::string::npos;
      for (size_t k = 0; k < ty.weights.size(); ++k) {
        const int64_t r = ty.first + static_cast<int64_t>(k);
        const std::vector<double>& row = rows.row(r);
        const std::vector<uint8_t>& valid = rows.valid(r);
        for (size_t q = 0; q < tx.weights.size(); ++q, ++position) {
          const size_t c = static_cast<size_t>(tx.first - c0) + q;
          double re = row[c * nc];
          if (std::isnan(re)) {
            if (nan_counts && first_nan == std::string::npos) first_nan = position;
            continue;
          }
          if (!valid[c]) continue;
          if (single) re = static_cast<float>(re);
          values.push_back({re, nc == 2 ? row[c * nc + 1] : 0.0, position});
        }
      }
      double best_re = fill, best_im = 0;
      if (!pick_mode(values, first_nan, &best_re, &best_im)) {
        best_re = fill, best_im = 0;
      } else if (int32 && !std::isnan(best_re)) {
        best_re = to_int32_like_gdal(static_cast<float>(best_re));
      }
      out[i * nc] = best_re;
      if (nc == 2) out[i * nc + 1] = best_im;
    }
    convert_values(out.data(), nc == 2 ? DataType::kCFloat64 : DataType::kFloat64,
                   static_cast<ptrdiff_t>(sizeof(double) * nc), data + j * l.line_spacing, l.type,
                   l.pixel_spacing, out_n);
    if (progress && !progress(static_cast<double>(j + 1) / static_cast<double>(l.height), "")) {
      return Status::cancelled(src.dataset()->description());
    }
  }
  return Status();
}

}  // namespace

namespace {

// Along one axis: the fractional window [off, off + len) moved onto an
// overview `factor` times smaller; its first pixel there when it is whole
// pixels inside the overview, buffer_n of them.
std::optional<int64_t> whole_on_overview(double off, double len, int64_t ov_n, double factor,
                                         int64_t buffer_n) {
  const double a = off / factor, b = (off + len) / factor;
  const double first = std::round(a), end = std::round(b);
  if (std::fabs(a - first) > 1e-9 || std::fabs(b - end) > 1e-9) return std::nullopt;
  if (first < 0 || end > static_cast<double>(ov_n)) return std::nullopt;
  if (static_cast<int64_t>(end - first) != buffer_n) return std::nullopt;
  return static_cast<int64_t>(first);
}

// Where a fractional read of `band` through its overview `ov` is, in
// GDAL, a plain copy of the overview: the copy's first column and row for
// this piece of the read; none when GDAL resamples.
std::optional<Window> overview_copy_window(const RasterBand& band, const RasterBand& ov,
                                           const detail::SourceWindow& sw) {
  const double fx = static_cast<double>(band.x_size()) / static_cast<double>(ov.x_size());
  const double fy = static_cast<double>(band.y_size()) / static_cast<double>(ov.y_size());
  const auto x = whole_on_overview(sw.x, sw.width, ov.x_size(), fx, sw.whole_width);
  const auto y = whole_on_overview(sw.y, sw.height, ov.y_size(), fy, sw.whole_height);
  if (!x || !y) return std::nullopt;
  return Window{*x + sw.piece_x, *y + sw.piece_y, 0, 0};
}

}  // namespace

namespace {

// How many source pixels per buffer pixel a read counts when choosing an
// overview (RasterBand::overview_reduction): from the caller's whole-pixel
// request when it gives one.
double overview_factor(const detail::SourceWindow& sw, const RasterIOOptions& options) {
  const double rx = options.request_width > 0 ? static_cast<double>(options.request_width) /
                                                    static_cast<double>(sw.whole_width)
                                              : sw.x_ratio();
  const double ry = options.request_height > 0 ? static_cast<double>(options.request_height) /
                                                     static_cast<double>(sw.whole_height)
                                               : sw.y_ratio();
  return RasterBand::overview_reduction(rx, ry, sw.whole_height);
}

}  // namespace

RasterBand* best_overview(RasterBand& band, double factor) {
  RasterBand* best = nullptr;
  double best_factor = 1.0;
  for (int i = 0; i < band.overview_count(); ++i) {
    RasterBand* ov = band.overview(i);
    if (!ov || ov->x_size() <= 0) continue;
    // GDAL's rule: the coarsest overview less than 1.2x coarser than asked,
    // an overview's coarseness being that of its less reduced axis (a
    // 38x26 overview of a 150x101 band is 3.88 times coarser, not 3.95).
    const double f =
        std::min(static_cast<double>(band.x_size()) / static_cast<double>(ov->x_size()),
                 static_cast<double>(band.y_size()) / static_cast<double>(ov->y_size()));
    if (f < factor * 1.2 && f > best_factor) {
      best = ov;
      best_factor = f;
    }
  }
  return best;
}

Status resampled_read(RasterBand& band, const Window& w, std::byte* data, const BufferLayout& l,
                      const RasterIOOptions& options) {
  RasterBand* src = &band;
  SourceWindow sw{static_cast<double>(w.x),
                  static_cast<double>(w.y),
                  static_cast<double>(w.width),
                  static_cast<double>(w.height),
                  l.width,
                  l.height};
  if (options.source_window) {
    const WindowF& f = *options.source_window;
    sw = SourceWindow{f.x, f.y, f.width, f.height, l.width, l.height};
    if (const auto& p = options.piece) {
      sw.whole_width = p->width;
      sw.whole_height = p->height;
      sw.piece_x = p->x;
      sw.piece_y = p->y;
    }
  }
  sw.base_x = std::clamp<int64_t>(static_cast<int64_t>(std::floor(sw.x)), 0, band.x_size() - 1);
  sw.base_y = std::clamp<int64_t>(static_cast<int64_t>(std::floor(sw.y)), 0, band.y_size() - 1);
  const double factor = overview_factor(sw, options);
  if (factor > 1) {
    if (RasterBand* ov = best_overview(band, factor)) {
      const double fx = static_cast<double>(band.x_size()) / static_cast<double>(ov->x_size());
      const double fy = static_cast<double>(band.y_size()) / static_cast<double>(ov->y_size());
      if (options.source_window) {
        // Where the read's window, moved onto the overview, is whole
        // pixels, as many as the buffer's, GDAL's overview read is a plain
        // copy (its whole-pixel path); resampling at a ratio of 1 would
        // differ in the last bits (measured: the last column of -outsize
        // 50% -r cubicspline of a 700-pixel band, 1 DN off before
        // -scale). A window reaching past the band is left to the kernels:
        // GDAL copies it on some of its code paths only.
        if (std::optional<Window> copy = overview_copy_window(band, *ov, sw)) {
          copy->width = l.width;
          copy->height = l.height;
          RasterIOOptions plain;
          plain.progress = options.progress;
          return ov->read(*copy, data, l, plain);
        }
      }
      sw.x /= fx;
      sw.y /= fy;
      // GDAL rounds the window's first pixel onto the overview.
      sw.base_x = std::min(ov->x_size() - 1,
                           static_cast<int64_t>(static_cast<double>(sw.base_x) / fx + 0.5));
      sw.base_y = std::min(ov->y_size() - 1,
                           static_cast<int64_t>(static_cast<double>(sw.base_y) / fy + 0.5));
      sw.width /= fx;
      sw.height /= fy;
      src = ov;
    }
  }
  std::string warning;
  const Resampling m = band.applied_resampling(options.resampling, &warning);
  // A piece's caller warns once for the whole read.
  if (!warning.empty() && !options.piece) emit_warning(band.dataset()->description(), warning);
  const ColorTable* palette = band.color_table() ? &*band.color_table() : nullptr;
  if (palette && m == Resampling::kAverage) {
    return detail::palette_average(*src, *palette, sw, data, l, options.progress);
  }
  switch (m) {
    case Resampling::kNearest:
      return nearest(*src, sw, data, l, options.progress);
    case Resampling::kMode:
      return mode(*src, sw, data, l, options.progress);
    case Resampling::kBilinear:
    case Resampling::kCubic:
    case Resampling::kCubicSpline:
    case Resampling::kLanczos:
    case Resampling::kAverage:
      return weighted(*src, m, sw, data, l, options.progress);
  }
  return Status::invalid_argument(band.dataset()->description(), "unknown resampling method");
}

}  // namespace rk
