#include <rasterkit/gdalcore/resample.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/convert.h>
#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/mask_band.h>

namespace rk {

namespace {

// A source window in (possibly fractional) pixel coordinates of the band
// actually read: fractional once a window is mapped onto an overview.
// The buffer holds output pixels [piece_x, piece_x + buffer width) x
// [piece_y, ...) of the read of this window into whole_width x
// whole_height pixels.
struct SourceWindow {
  double x, y, width, height;
  int64_t whole_width, whole_height;
  int64_t piece_x = 0, piece_y = 0;
  // The whole read's first source column and row (of the band read:
  // GDAL rounds them onto an overview), which coordinates count from.
  int64_t base_x = 0, base_y = 0;
  double x_ratio() const { return width / static_cast<double>(whole_width); }
  double y_ratio() const { return height / static_cast<double>(whole_height); }
};

// Contributions of a run of source pixels to one output pixel.
struct Taps {
  int64_t first = 0;
  std::vector<double> weights;
  int64_t last() const { return first + static_cast<int64_t>(weights.size()) - 1; }
};

// For each output row j, the least first source row of rows j, j+1, ...:
// what a row cache must keep.
std::vector<int64_t> least_first_from(const std::vector<Taps>& taps) {
  std::vector<int64_t> out(taps.size());
  int64_t least = std::numeric_limits<int64_t>::max();
  for (size_t j = taps.size(); j-- > 0;) {
    least = std::min(least, taps[j].first);
    out[j] = least;
  }
  return out;
}

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

double sinc(double x) {
  if (x == 0) return 1;
  const double px = M_PI * x;
  return std::sin(px) / px;
}

double kernel(Resampling m, double d) {
  d = std::fabs(d);
  switch (m) {
    case Resampling::kCubic:
      // Keys' cubic convolution with a = -0.5 (Catmull-Rom), as GDAL's "cubic".
      if (d < 1) return (1.5 * d - 2.5) * d * d + 1;
      if (d < 2) return ((-0.5 * d + 2.5) * d - 4) * d + 2;
      return 0;
    case Resampling::kCubicSpline:
      // The cubic B-spline (smoothing, not interpolating), as GDAL's "cubicspline".
      if (d < 1) return (3 * d * d * d - 6 * d * d + 4) / 6;
      if (d < 2) return (2 - d) * (2 - d) * (2 - d) / 6;
      return 0;
    case Resampling::kLanczos:
      // Lanczos windowed sinc with a = 3, as GDAL's "lanczos".
      return d < 3 ? sinc(d) * sinc(d / 3) : 0;
    default:
      return d < 1 ? 1 - d : 0;  // bilinear: the triangle
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

// Taps along one axis for output pixels [piece_first, piece_first +
// piece_n) of `whole_n`; output pixel i covers source coordinates
// [origin + i * ratio, origin + (i + 1) * ratio). Source pixels outside
// [0, src_n) are left out; the weights are renormalised later, over the
// pixels actually valid.
std::vector<Taps> axis_taps(Resampling m, double origin, double length, int64_t whole_n,
                            int64_t src_n, int64_t window_first, int64_t piece_first,
                            int64_t piece_n) {
  const double ratio = length / static_cast<double>(whole_n);
  const AxisCoordinates at(origin, ratio, window_first);
  const int64_t base = at.base();
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
    k0 = std::max<int64_t>(k0, -base);
    k1 = std::min<int64_t>(k1, src_n - base - 1);
    if (k1 < k0) {
      k0 = k1 = std::clamp<int64_t>(static_cast<int64_t>(std::floor(at.edge(i))), -base,
                                    src_n - base - 1);
    }
    t.first = base + k0;
    for (int64_t k = k0; k <= k1; ++k) {
      t.weights.push_back(kernel(m, (static_cast<double>(k) + 0.5 - center) / s));
    }
    if (std::all_of(t.weights.begin(), t.weights.end(), [](double w) { return w == 0; })) {
      t.weights[0] = 1;
    }
  }
  return taps;
}

// Source rows, read in batches and converted to doubles, kept while output
// rows still need them. Row buffers are recycled: allocating one per source
// row showed up as page faults in resampling profiles.
class RowSource {
 public:
  RowSource(RasterBand& band, int64_t col0, int64_t col1)
      : band_(band),
        col0_(col0),
        width_(col1 - col0 + 1),
        ncomp_(is_complex(band.data_type()) ? 2 : 1),
        nodata_(band.nodata()),
        // Only these can hold pixels that do not count.
        may_be_invalid_(nodata_.has_value() || is_floating(band.data_type())) {}

  int components() const { return ncomp_; }
  int64_t width() const { return width_; }

  // Makes rows [r0, r1] available. Rows before `keep_from` (<= r0) are
  // dropped: the caller will not ask for them again. (A kernel's first row
  // does not always grow with the output row — trimming zero weights can
  // move it back — so the caller passes the least first row still to come.)
  Status ensure(int64_t r0, int64_t r1, int64_t keep_from) {
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
      RK_RETURN_IF_ERROR(band_.read(Window{col0_, next, width_, count}, batch_.data(),
                                    BufferLayout::packed(work, width_, count)));
      for (int64_t r = 0; r < count; ++r) {
        Row row = take_spare();
        const double* begin = batch_.data() + static_cast<size_t>(r) * row_values;
        row.values.assign(begin, begin + row_values);
        row.all_valid = true;
        if (may_be_invalid_) {
          row.valid.assign(static_cast<size_t>(width_), 1);
          for (int64_t c = 0; c < width_; ++c) {
            const double v = row.values[static_cast<size_t>(c * ncomp_)];
            if (std::isnan(v) || (nodata_ && is_nodata_value(v, *nodata_, band_.data_type()))) {
              row.valid[static_cast<size_t>(c)] = 0;
              row.all_valid = false;
            }
          }
        }
        rows_.push_back(std::move(row));
      }
      next += count;
    }
    return Status();
  }

  // Values of source row r, column col0 + c at index c * components().
  const std::vector<double>& row(int64_t r) const { return at(r).values; }
  // Whether column col0 + c of row r counts (valid(r)[c] != 0); only
  // meaningful when !all_valid(r).
  const std::vector<char>& valid(int64_t r) const {
    const Row& row = at(r);
    if (row.all_valid && row.valid.size() != static_cast<size_t>(width_)) {
      row.valid.assign(static_cast<size_t>(width_), 1);
    }
    return row.valid;
  }
  bool all_valid(int64_t r) const { return at(r).all_valid; }
  int64_t col0() const { return col0_; }

 private:
  struct Row {
    std::vector<double> values;
    mutable std::vector<char> valid;  // filled lazily for all-valid rows
    bool all_valid = true;
  };
  const Row& at(int64_t r) const { return rows_[static_cast<size_t>(r - first_)]; }
  Row take_spare() {
    if (spare_.empty()) return Row();
    Row row = std::move(spare_.back());
    spare_.pop_back();
    return row;
  }

  RasterBand& band_;
  int64_t col0_;
  int64_t width_;
  int ncomp_;
  std::optional<double> nodata_;
  bool may_be_invalid_;
  int64_t first_ = 0;
  std::deque<Row> rows_;
  std::vector<Row> spare_;
  std::vector<double> batch_;
};

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
// GDAL 3.6 rounds them through float (doc/raster-io.md). Complex bands are
// left in double. (GDAL's single-band path also rounds results to the
// source's type before converting them; its multi-band path does not:
// issue 16's item 6, open.)
class KernelResults {
 public:
  KernelResults(const RasterBand& band, Resampling m)
      : type_(band.data_type()), nodata_(band.nodata()) {
    const bool small_int = type_ == DataType::kByte || type_ == DataType::kUInt16;
    const bool wide = type_ == DataType::kInt32 || type_ == DataType::kUInt32 ||
                      type_ == DataType::kInt64 || type_ == DataType::kUInt64 ||
                      type_ == DataType::kFloat64;
    through_float_ = !wide && !(small_int && m == Resampling::kAverage);
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
    const double stored = is_floating(type_) ? clamped : std::round(clamped);
    return is_nodata_value(stored, *nodata_, type_) ? replacement_ : clamped;
  }

  DataType type_;
  std::optional<double> nodata_;
  bool through_float_ = false;
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
        hx_(axis_taps(m, sw.x, sw.width, sw.whole_width, src.x_size(), sw.base_x, sw.piece_x,
                      l.width)),
        vy_(axis_taps(m, sw.y, sw.height, sw.whole_height, src.y_size(), sw.base_y, sw.piece_y,
                      l.height)),
        cols_(column_span(hx_)),
        c0_(cols_.first),
        rows_(src, cols_.first, cols_.second),
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
  }

  Status run(RasterBand& src, std::byte* data, const BufferLayout& l, const ProgressFn& progress) {
    KernelResults results(src, m_);
    const std::vector<int64_t> keep = least_first_from(vy_);
    for (int64_t j = 0; j < l.height; ++j) {
      const Taps& ty = vy_[static_cast<size_t>(j)];
      RK_RETURN_IF_ERROR(rows_.ensure(ty.first, ty.last(), keep[static_cast<size_t>(j)]));
      bool all_valid = nc_ == 1;
      for (int64_t r = ty.first; all_valid && r <= ty.last(); ++r) all_valid = rows_.all_valid(r);
      if (m_ == Resampling::kAverage) {
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
    for (size_t i = 0; i < out_n_; ++i) {
      const Taps& tx = hx_[i];
      double total[2] = {0, 0}, weight = 0;
      for (size_t k = 0; k < ty.weights.size(); ++k) {
        double line[2] = {0, 0};
        const double line_weight = row_sum(ty.first + static_cast<int64_t>(k), tx, line);
        for (size_t p = 0; p < nc_; ++p) total[p] += line[p] * ty.weights[k];
        weight += line_weight * ty.weights[k];
      }
      if (all_valid) weight = full_weight(tx) * full_weight(ty);
      const bool ok = weight > 1e-12;
      empty_[i] = !ok;
      for (size_t p = 0; p < nc_; ++p) {
        out_[i * nc_ + p] = ok ? total[p] / weight : (p == 0 ? fill_ : 0.0);
      }
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
  double row_sum(int64_t r, const Taps& tx, double vsum[2]) const {
    const std::vector<double>& row = rows_.row(r);
    const std::vector<char>& valid = rows_.valid(r);
    double wsum = 0;
    for (size_t q = 0; q < tx.weights.size(); ++q) {
      const size_t c = static_cast<size_t>(tx.first - c0_) + q;
      if (!valid[c]) continue;
      const double w = tx.weights[q];
      wsum += w;
      for (size_t p = 0; p < nc_; ++p) vsum[p] += w * row[c * nc_ + p];
    }
    return wsum;
  }

  size_t longest_valid_run(int64_t r, const Taps& tx) const {
    const std::vector<char>& valid = rows_.valid(r);
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
  const std::vector<Taps> hx = axis_taps(Resampling::kMode, sw.x, sw.width, sw.whole_width,
                                         src.x_size(), sw.base_x, sw.piece_x, l.width);
  const std::vector<Taps> vy = axis_taps(Resampling::kMode, sw.y, sw.height, sw.whole_height,
                                         src.y_size(), sw.base_y, sw.piece_y, l.height);
  const int64_t c0 = hx.front().first, c1 = hx.back().last();
  RowSource rows(src, c0, c1);
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
        const std::vector<char>& valid = rows.valid(r);
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

RasterBand* best_overview(RasterBand& band, double factor) {
  RasterBand* best = nullptr;
  double best_factor = 1.0;
  for (int i = 0; i < band.overview_count(); ++i) {
    RasterBand* ov = band.overview(i);
    if (!ov || ov->x_size() <= 0) continue;
    const double f = static_cast<double>(band.x_size()) / static_cast<double>(ov->x_size());
    // GDAL's rule: the coarsest overview not more than 1.2x coarser than asked.
    if (f <= factor * 1.2 && f > best_factor) {
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
  const double factor = std::min(sw.x_ratio(), sw.y_ratio());
  if (factor > 1) {
    if (RasterBand* ov = best_overview(band, factor)) {
      const double fx = static_cast<double>(band.x_size()) / static_cast<double>(ov->x_size());
      const double fy = static_cast<double>(band.y_size()) / static_cast<double>(ov->y_size());
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
  const Resampling m = band.resampled_as_nearest() ? Resampling::kNearest : options.resampling;
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
