#include <rasterkit/gdalcore/statistics.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <mutex>

#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/mask_band.h>
#include <rasterkit/gdalcore/scratch_buffers.h>
#include <rasterkit/gdalcore/worker_pool.h>

namespace rk {

namespace {

// GDAL's GDALSTAT_APPROX_NUMSAMPLES: approximate statistics use the smallest
// overview with more pixels than this.
constexpr double kApproxSamples = 2500;

// Running moments of one piece (Welford), merged with Chan's formula so that
// the result does not depend on how the band was cut up.
struct Moments {
  uint64_t count = 0;
  uint64_t seen = 0;
  double mean = 0;
  double m2 = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  void merge(const Moments& o) {
    seen += o.seen;
    if (o.count == 0) return;
    if (count == 0) {
      const uint64_t s = seen;
      *this = o;
      seen = s;
      return;
    }
    const double n = static_cast<double>(count), m = static_cast<double>(o.count);
    const double d = o.mean - mean;
    mean += d * m / (n + m);
    m2 += o.m2 + d * d * n * m / (n + m);
    count += o.count;
    min = std::min(min, o.min);
    max = std::max(max, o.max);
  }
};

// The pixels a pass reads: the band itself or the overview approximate
// statistics use, cut into windows of at most kMaxPiecePixels. Pieces are
// computed from their index, never listed: a band of two billion rows must
// not need gigabytes of bookkeeping.
constexpr int64_t kMaxPiecePixels = int64_t{1} << 22;

struct Plan {
  RasterBand* band = nullptr;
  // Cells: bands of whole block rows, or (approximate statistics without an
  // overview) every rate-th block; each cut into sub_rows x sub_cols pieces
  // of step_rows x step_cols pixels (fewer at the edges).
  bool sampled = false;
  int64_t rate = 1;
  int64_t cells = 0;
  int64_t cell_rows = 0;
  int64_t step_rows = 1, step_cols = 1, sub_rows = 1, sub_cols = 1;

  int64_t count() const { return cells * sub_rows * sub_cols; }
  size_t largest_piece() const { return static_cast<size_t>(step_rows * step_cols); }

  Window cell(int64_t c) const {
    const RasterBand& b = *band;
    if (!sampled) {
      const int64_t y = c * cell_rows;
      return Window{0, y, b.x_size(), std::min(cell_rows, b.y_size() - y)};
    }
    const int64_t i = c * rate, bw = b.block_x_size(), bh = b.block_y_size();
    const int64_t bx = i % b.blocks_per_row(), by = i / b.blocks_per_row();
    return Window{bx * bw, by * bh, std::min(bw, b.x_size() - bx * bw),
                  std::min(bh, b.y_size() - by * bh)};
  }
  // Piece k; empty (width or height 0) for the pieces an edge cell lacks.
  Window piece(int64_t k) const {
    const int64_t per_cell = sub_rows * sub_cols;
    const Window c = cell(k / per_cell);
    const int64_t r = (k % per_cell) / sub_cols, q = (k % per_cell) % sub_cols;
    const int64_t x = c.x + q * step_cols, y = c.y + r * step_rows;
    return Window{x, y, std::max<int64_t>(0, std::min(step_cols, c.x + c.width - x)),
                  std::max<int64_t>(0, std::min(step_rows, c.y + c.height - y))};
  }
};

// Cuts cells of (at most) `w` x `h` pixels into pieces within the budget.
void set_steps(Plan& plan, int64_t w, int64_t h) {
  plan.step_cols = std::min(w, kMaxPiecePixels);
  plan.step_rows = std::max<int64_t>(1, std::min(h, kMaxPiecePixels / plan.step_cols));
  plan.sub_cols = (w + plan.step_cols - 1) / plan.step_cols;
  plan.sub_rows = (h + plan.step_rows - 1) / plan.step_rows;
}

Plan make_plan(RasterBand& band, bool approx) {
  Plan plan;
  plan.band = &band;
  // GDAL's nodata mask band has no overviews of its own (rasterkit's lends
  // its parent's to reduced reads): its approximate statistics, -scale's
  // range of -b mask, sample its blocks.
  if (approx && !band.resampled_as_nearest()) {
    double best = static_cast<double>(band.x_size()) * static_cast<double>(band.y_size());
    for (int i = 0; i < band.overview_count(); ++i) {
      RasterBand* ov = band.overview(i);
      if (!ov) continue;
      const double n = static_cast<double>(ov->x_size()) * static_cast<double>(ov->y_size());
      if (n < best && n > kApproxSamples) {
        best = n;
        plan.band = ov;
      }
    }
  }
  RasterBand& b = *plan.band;
  const int64_t bw = b.block_x_size(), bh = b.block_y_size();
  if (approx && plan.band == &band) {
    // No overview: every k-th block in raster order.
    const int64_t nblocks = b.blocks_per_row() * b.blocks_per_column();
    plan.sampled = true;
    plan.rate = static_cast<int64_t>(std::max(1.0, std::sqrt(static_cast<double>(nblocks))));
    // As GDAL (its #6378): a rate equal to the blocks per row would sample
    // only the first column of blocks, often padding; step one further.
    if (plan.rate == b.blocks_per_row() && plan.rate > 1) ++plan.rate;
    plan.cells = (nblocks + plan.rate - 1) / plan.rate;
    set_steps(plan, std::min(bw, b.x_size()), std::min(bh, b.y_size()));
    return plan;
  }
  // Whole rows of blocks, about a million pixels at a time.
  int64_t rows = bh;
  while (rows * b.x_size() < (int64_t{1} << 20) && rows < b.y_size()) rows += bh;
  plan.cell_rows = std::min(rows, b.y_size());
  plan.cells = (b.y_size() + plan.cell_rows - 1) / plan.cell_rows;
  set_steps(plan, b.x_size(), plan.cell_rows);
  return plan;
}

// Pieces run in batches: in parallel when the band may be shared by
// threads, one at a time otherwise.
int64_t batch_size(const Plan& plan, const StatisticsOptions& options) {
  RasterBand& band = *plan.band;
  const bool parallel = options.pool && options.pool->thread_count() > 1 && band.dataset() &&
                        band.dataset()->is_thread_safe();
  return parallel ? 4 * options.pool->thread_count() : 1;
}

// Runs piece(i, slot) for every piece i of `plan`, batch by batch (`slot`:
// the piece's place in its batch, below batch_size()), then merge(count) in
// the calling thread so results are combined in piece order whatever the
// threads. Progress is reported between batches; the first error wins.
template <typename Piece, typename Merge>
Status run_pieces(const Plan& plan, const StatisticsOptions& options, Piece piece, Merge merge) {
  RasterBand& band = *plan.band;
  const int64_t total = plan.count();
  const int64_t batch = batch_size(plan, options);
  std::mutex error_mu;
  Status error;  // guarded by error_mu
  auto run = [&](int64_t i, int64_t slot) {
    Status st = piece(i, static_cast<size_t>(slot));
    if (!st.ok()) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (error.ok()) error = std::move(st);
    }
  };
  for (int64_t first = 0; first < total; first += batch) {
    const int64_t count = std::min(batch, total - first);
    if (batch > 1) {
      options.pool->parallel_for(count, [&](int64_t k) { run(first + k, k); });
    } else {
      for (int64_t k = 0; k < count; ++k) run(first + k, k);
    }
    {
      std::lock_guard<std::mutex> lock(error_mu);
      if (!error.ok()) return error;
    }
    merge(static_cast<size_t>(count));
    if (options.progress &&
        !options.progress(static_cast<double>(first + count) / static_cast<double>(total), "")) {
      return Status::cancelled(band.dataset() ? band.dataset()->description() : "band");
    }
  }
  return Status();
}

// Reads of one piece: when pieces run one at a time (a dataset used by one
// thread), the pool decodes each piece's blocks instead.
RasterIOOptions piece_io(const RasterBand& band, const StatisticsOptions& options) {
  RasterIOOptions io;
  if (band.dataset() && !band.dataset()->is_thread_safe()) io.pool = options.pool;
  return io;
}

// Runs visit(slot, values, count) over every piece of `plan`, the piece read
// as `T` (the band's own type, so no conversion pass): count values at
// `values` (a scratch buffer visit may overwrite), nodata and NaN included;
// then merge(count) after each batch (see run_pieces).
template <typename T, typename Visit, typename Merge>
Status for_each_typed_piece(const Plan& plan, const StatisticsOptions& options, DataType type,
                            Visit visit, Merge merge) {
  RasterBand& band = *plan.band;
  // Sized for the type read, which for complex types is two T per pixel.
  ScratchBuffers scratch(plan.largest_piece() * data_type_size(type));
  const RasterIOOptions io = piece_io(band, options);
  auto piece = [&](int64_t i, size_t slot) {
    const Window w = plan.piece(i);
    if (w.width <= 0 || w.height <= 0) {
      visit(slot, static_cast<T*>(nullptr), size_t{0});
      return Status();
    }
    const size_t n = static_cast<size_t>(w.width * w.height);
    std::unique_ptr<std::byte[]> buf = scratch.take();
    Status st = band.read(w, buf.get(), BufferLayout::packed(type, w.width, w.height), io);
    if (st.ok()) visit(slot, reinterpret_cast<T*>(buf.get()), n);
    scratch.give_back(std::move(buf));
    return st;
  };
  return run_pieces(plan, options, piece, merge);
}

// What stands for a complex pixel: GDAL's statistics take its real part,
// its histograms its magnitude.
enum class ComplexValue { kReal, kMagnitude };

// Runs visit(slot, values, count) over every piece of `plan`: the valid
// pixels of that piece as doubles; then merge(count) after each batch.
template <typename Visit, typename Merge>
Status for_each_piece(const Plan& plan, const StatisticsOptions& options, uint64_t* seen,
                      Visit visit, Merge merge, ComplexValue as = ComplexValue::kReal) {
  RasterBand& band = *plan.band;
  const std::optional<double> nodata = band.nodata();
  const bool complex = is_complex(band.data_type());
  const DataType work = complex ? DataType::kCFloat64 : DataType::kFloat64;
  const DataType band_type = band.data_type();
  std::atomic<uint64_t> seen_count{0};
  auto valid_values = [&](size_t slot, double* values, size_t n) {
    // The valid values, compacted to the front of the buffer.
    size_t valid = 0;
    for (size_t k = 0; k < n; ++k) {
      const double v = values[complex ? 2 * k : k];
      if (std::isnan(v) || (nodata && is_nodata_value(v, *nodata, band_type))) continue;
      values[valid++] =
          complex && as == ComplexValue::kMagnitude ? std::hypot(v, values[2 * k + 1]) : v;
    }
    seen_count += n;
    visit(slot, values, valid);
  };
  const Status st = for_each_typed_piece<double>(plan, options, work, valid_values, merge);
  if (!st.ok()) return st;
  if (seen) *seen = seen_count.load();
  return Status();
}

// Counts values into `lanes` interleaved tables of `bins` counters: pixels
// next to each other often hold the same value, and one table would make
// each increment wait for the one before it.
template <typename T, size_t kLanes>
void count_values(const T* v, size_t n, uint32_t* counts, size_t bins) {
  constexpr int64_t kLow = std::numeric_limits<T>::min();
  auto bin = [](T x) { return static_cast<size_t>(static_cast<int64_t>(x) - kLow); };
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (size_t k = 0; k < kLanes; ++k) ++counts[k * bins + bin(v[i + k])];
  }
  for (; i < n; ++i) ++counts[bin(v[i])];
}

// Byte, Int8, UInt16 and Int16 bands: a count per possible value, from which
// the moments follow exactly, with no conversion to double and no
// floating-point work per pixel (GDAL takes a similar shortcut).
template <typename T>
Result<BandStatistics> small_integer_statistics(const Plan& plan,
                                                const StatisticsOptions& options) {
  RasterBand& band = *plan.band;
  constexpr int64_t kLow = std::numeric_limits<T>::min();
  constexpr size_t kBins = size_t{1} << (8 * sizeof(T));
  // Four 1 KiB tables for 8-bit values; two 256 KiB ones for 16-bit values
  // (more would no longer fit the core's cache).
  constexpr size_t kLanes = sizeof(T) == 1 ? 4 : 2;
  std::vector<std::vector<uint32_t>> parts(static_cast<size_t>(batch_size(plan, options)));
  std::vector<uint64_t> counts(kBins, 0);
  auto count_piece = [&](size_t slot, T* values, size_t n) {
    std::vector<uint32_t>& c = parts[slot];
    c.assign(kLanes * kBins, 0);
    count_values<T, kLanes>(values, n, c.data(), kBins);
    for (size_t k = 1; k < kLanes; ++k) {
      for (size_t b = 0; b < kBins; ++b) c[b] += c[k * kBins + b];
    }
  };
  auto merge = [&](size_t count) {
    for (size_t k = 0; k < count; ++k) {
      for (size_t b = 0; b < kBins; ++b) counts[b] += parts[k][b];
    }
  };
  RK_RETURN_IF_ERROR(for_each_typed_piece<T>(plan, options, band.data_type(), count_piece, merge));
  uint64_t seen = 0;
  for (uint64_t c : counts) seen += c;
  if (const auto nd = band.nodata()) {
    const double k = *nd - static_cast<double>(kLow);
    if (k >= 0 && k < static_cast<double>(kBins) && k == std::floor(k)) {
      counts[static_cast<size_t>(k)] = 0;
    }
  }
  BandStatistics s;
  long double sum = 0, sum_sq = 0;
  bool first = true;
  for (size_t b = 0; b < kBins; ++b) {
    if (!counts[b]) continue;
    const long double v = static_cast<long double>(static_cast<int64_t>(b) + kLow);
    const long double c = static_cast<long double>(counts[b]);
    sum += v * c;
    sum_sq += v * v * c;
    s.valid_count += counts[b];
    if (first) s.min = static_cast<double>(v);
    s.max = static_cast<double>(v);
    first = false;
  }
  s.sample_count = seen;
  if (s.valid_count == 0) return s;
  const long double n = static_cast<long double>(s.valid_count);
  const long double mean = sum / n;
  s.mean = static_cast<double>(mean);
  const long double var = sum_sq / n - mean * mean;
  s.stddev = static_cast<double>(std::sqrt(var > 0 ? var : 0));
  return s;
}

// Moments of the valid values among `n` of type T, in one pass with no
// conversion buffer: four interleaved running sums (shifted by the first
// valid value so that squares do not cancel) keep the additions from
// waiting on one another.
template <typename T>
Moments typed_moments(const T* v, size_t n, std::optional<double> nodata) {
  constexpr size_t kLanes = 4;
  const bool nodata_nan = nodata && std::isnan(*nodata);
  const bool has_nodata = nodata && !nodata_nan;
  // Float32 nodata compares in single precision, as GDAL does.
  const T nd = has_nodata ? static_cast<T>(*nodata) : T{};
  auto valid = [&](T x) { return !std::isnan(x) && !(has_nodata && x == nd); };
  Moments m;
  m.seen = n;
  size_t start = 0;
  while (start < n && !valid(v[start])) ++start;
  if (start == n) return m;
  const double shift = static_cast<double>(v[start]);
  double sum[kLanes] = {}, sum_sq[kLanes] = {};
  double lo = shift, hi = shift;
  uint64_t count = 0;
  auto add = [&](size_t lane, T value) {
    const double x = static_cast<double>(value);
    const double d = x - shift;
    sum[lane] += d;
    sum_sq[lane] += d * d;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  };
  size_t i = start;
  for (; i + kLanes <= n; i += kLanes) {
    bool all_valid = true;
    for (size_t k = 0; k < kLanes; ++k) all_valid &= valid(v[i + k]);
    if (all_valid) {  // the common case: no test per lane
      for (size_t k = 0; k < kLanes; ++k) add(k, v[i + k]);
      count += kLanes;
      continue;
    }
    for (size_t k = 0; k < kLanes; ++k) {
      if (!valid(v[i + k])) continue;
      add(k, v[i + k]);
      ++count;
    }
  }
  for (; i < n; ++i) {
    if (!valid(v[i])) continue;
    add(0, v[i]);
    ++count;
  }
  const double s = (sum[0] + sum[1]) + (sum[2] + sum[3]);
  const double sq = (sum_sq[0] + sum_sq[1]) + (sum_sq[2] + sum_sq[3]);
  const double c = static_cast<double>(count);
  m.count = count;
  m.mean = shift + s / c;
  m.m2 = std::max(0.0, sq - s * s / c);
  m.min = lo;
  m.max = hi;
  return m;
}

// Float32 and Float64 bands: moments straight from the band's values.
template <typename T>
Result<Moments> floating_point_moments(const Plan& plan, const StatisticsOptions& options) {
  RasterBand& band = *plan.band;
  const std::optional<double> nodata = band.nodata();
  std::vector<Moments> parts(static_cast<size_t>(batch_size(plan, options)));
  Moments all;
  RK_RETURN_IF_ERROR(for_each_typed_piece<T>(
      plan, options, band.data_type(),
      [&](size_t slot, T* values, size_t n) { parts[slot] = typed_moments<T>(values, n, nodata); },
      [&](size_t count) {
        for (size_t k = 0; k < count; ++k) all.merge(parts[k]);  // in piece order: deterministic
      }));
  return all;
}

std::string subject_of(const RasterBand& band) {
  return band.dataset() ? band.dataset()->description() : "band";
}

}  // namespace

Metadata::Items statistics_metadata_items(const BandStatistics& s, bool approximate) {
  auto g14 = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.14g", v);
    return std::string(buf);
  };
  std::string valid = "0";
  if (s.valid_count == s.sample_count) {
    valid = "100";
  } else if (s.valid_count > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g",
                  100.0 * static_cast<double>(s.valid_count) / static_cast<double>(s.sample_count));
    // Rounded to 100 although some pixel was invalid: say so.
    valid = std::string(buf) == "100" ? "99.999" : buf;
  }
  Metadata::Items items;
  if (approximate) items.emplace_back("STATISTICS_APPROXIMATE", "YES");
  items.emplace_back("STATISTICS_MAXIMUM", g14(s.max));
  items.emplace_back("STATISTICS_MEAN", g14(s.mean));
  items.emplace_back("STATISTICS_MINIMUM", g14(s.min));
  items.emplace_back("STATISTICS_STDDEV", g14(s.stddev));
  items.emplace_back("STATISTICS_VALID_PERCENT", valid);
  return items;
}

std::optional<double> metadata_number(const Metadata& md, std::string_view key) {
  const auto v = md.get(key);
  if (!v) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (end == v->c_str()) return std::nullopt;
  return d;
}

std::optional<std::pair<double, double>> stored_min_max(const RasterBand& band) {
  const auto mn = metadata_number(band.metadata(), "STATISTICS_MINIMUM");
  const auto mx = metadata_number(band.metadata(), "STATISTICS_MAXIMUM");
  if (!mn || !mx) return std::nullopt;
  return std::make_pair(*mn, *mx);
}

Metadata::Items without_statistics(const Metadata::Items& items) {
  Metadata::Items out;
  for (const auto& kv : items) {
    if (kv.first.rfind("STATISTICS_", 0) != 0) out.push_back(kv);
  }
  return out;
}

Result<BandStatistics> compute_statistics(RasterBand& band, const StatisticsOptions& options) {
  return no_exceptions(subject_of(band), [&]() -> Result<BandStatistics> {
    const Plan plan = make_plan(band, options.approx);
    std::optional<Result<BandStatistics>> exact;
    switch (plan.band->data_type()) {
      case DataType::kByte:
        exact = small_integer_statistics<uint8_t>(plan, options);
        break;
      case DataType::kInt8:
        exact = small_integer_statistics<int8_t>(plan, options);
        break;
      case DataType::kUInt16:
        exact = small_integer_statistics<uint16_t>(plan, options);
        break;
      case DataType::kInt16:
        exact = small_integer_statistics<int16_t>(plan, options);
        break;
      default:
        break;
    }
    if (exact) {
      if (exact->ok() && (*exact)->valid_count == 0) {
        return Status::not_found(subject_of(band),
                                 "band " + std::to_string(band.number()) +
                                     " has no valid pixels to compute statistics from");
      }
      if (exact->ok()) (*exact)->from_overview = plan.band != &band;
      return std::move(*exact);
    }
    Moments all;
    uint64_t seen = 0;
    const DataType type = plan.band->data_type();
    if (type == DataType::kFloat32 || type == DataType::kFloat64) {
      Result<Moments> m = type == DataType::kFloat32
                              ? floating_point_moments<float>(plan, options)
                              : floating_point_moments<double>(plan, options);
      if (!m.ok()) return m.status();
      all = *m;
      seen = all.seen;
    } else {
      std::vector<Moments> parts(static_cast<size_t>(batch_size(plan, options)));
      RK_RETURN_IF_ERROR(for_each_piece(
          plan, options, &seen,
          [&](size_t slot, const double* values, size_t n) {
            parts[slot] = typed_moments<double>(values, n, std::nullopt);
          },
          [&](size_t count) {
            for (size_t k = 0; k < count; ++k) all.merge(parts[k]);  // in piece order
          }));
    }
    if (all.count == 0) {
      return Status::not_found(subject_of(band),
                               "band " + std::to_string(band.number()) +
                                   " has no valid pixels to compute statistics from");
    }
    BandStatistics s;
    s.min = all.min;
    s.max = all.max;
    s.mean = all.mean;
    s.stddev = std::sqrt(std::max(0.0, all.m2 / static_cast<double>(all.count)));
    if (std::isinf(s.min) || std::isinf(s.max)) {
      // Infinite values count, as with GDAL: the mean is that infinity when
      // every value is it, else undefined, and so is the deviation (GDAL's
      // running sums give inf - inf: a NaN with its sign bit set).
      const double nan = -std::numeric_limits<double>::quiet_NaN();
      s.mean = s.min == s.max ? s.min : nan;
      s.stddev = nan;
    }
    s.valid_count = all.count;
    s.sample_count = seen;
    s.from_overview = plan.band != &band;
    return s;
  });
}

Result<Histogram> compute_histogram(RasterBand& band, double min, double max, int buckets,
                                    const StatisticsOptions& options, bool include_out_of_range) {
  return no_exceptions(subject_of(band), [&]() -> Result<Histogram> {
    if (buckets <= 0 || buckets > (1 << 24) || !(max > min)) {
      return Status::invalid_argument(subject_of(band),
                                      "a histogram needs 1 to 2^24 buckets and min < max");
    }
    const Plan plan = make_plan(band, options.approx);
    std::vector<std::vector<uint64_t>> parts(static_cast<size_t>(batch_size(plan, options)));
    Histogram h;
    h.min = min;
    h.max = max;
    h.counts.assign(static_cast<size_t>(buckets), 0);
    const double scale = buckets / (max - min);
    const int64_t last = buckets - 1;
    auto count = [&](size_t slot, const double* values, size_t n) {
      std::vector<uint64_t>& counts = parts[slot];
      counts.assign(static_cast<size_t>(buckets), 0);
      for (size_t j = 0; j < n; ++j) {
        const double v = values[j];
        if (std::isnan(v)) continue;
        int64_t k;
        if (v < min || v > max) {
          if (!include_out_of_range) continue;
          k = v < min ? 0 : last;
        } else {
          k = std::min(last, static_cast<int64_t>(std::floor((v - min) * scale)));
        }
        ++counts[static_cast<size_t>(k)];
      }
    };
    auto merge = [&](size_t n) {
      for (size_t p = 0; p < n; ++p) {
        for (size_t k = 0; k < h.counts.size(); ++k) h.counts[k] += parts[p][k];
      }
    };
    RK_RETURN_IF_ERROR(
        for_each_piece(plan, options, nullptr, count, merge, ComplexValue::kMagnitude));
    return h;
  });
}

Result<std::pair<double, double>> default_histogram_range(const RasterBand& band,
                                                          const BandStatistics* stats) {
  constexpr int kBuckets = 256;
  if (band.data_type() == DataType::kByte) return std::make_pair(-0.5, 255.5);
  if (band.data_type() == DataType::kInt8) return std::make_pair(-128.5, 127.5);
  if (!stats) return Status::invalid_argument(subject_of(band), "no statistics for the range");
  if (!std::isfinite(stats->min) || !std::isfinite(stats->max)) {
    return Status::invalid_argument(subject_of(band),
                                    "no histogram: the minimum and maximum must be finite");
  }
  if (!(stats->max > stats->min)) {
    return Status::invalid_argument(subject_of(band),
                                    "no histogram: the maximum must be strictly greater than "
                                    "the minimum");
  }
  const double half = (stats->max - stats->min) / (2 * (kBuckets - 1));
  return std::make_pair(stats->min - half, stats->max + half);
}

Result<Histogram> compute_default_histogram(RasterBand& band, const StatisticsOptions& options,
                                            const BandStatistics* known) {
  std::optional<BandStatistics> computed;
  const bool fixed = band.data_type() == DataType::kByte || band.data_type() == DataType::kInt8;
  if (!known && !fixed) {
    StatisticsOptions approx = options;
    approx.approx = true;
    approx.progress = nullptr;
    RK_ASSIGN_OR_RETURN(computed, compute_statistics(band, approx));
    known = &*computed;
  }
  RK_ASSIGN_OR_RETURN(auto range, default_histogram_range(band, known));
  StatisticsOptions exact = options;
  exact.approx = false;
  return compute_histogram(band, range.first, range.second, 256, exact, true);
}

}  // namespace rk
