#include <rasterkit/utilities/translate_view.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>

#include <rasterkit/gdalcore/convert.h>
#include <rasterkit/gdalcore/worker_pool.h>

namespace rk {

namespace {

// Output rows per block: whole rows, about four million pixels.
int64_t block_rows(int64_t width, int64_t height) {
  const int64_t rows = std::max<int64_t>(1, (int64_t{4} << 20) / std::max<int64_t>(1, width));
  return std::min(rows, std::max<int64_t>(1, height));
}

// Where one axis of the output holds data and which source it is computed
// from, as in gdal_translate's VRT (whose last bits decide pixels halfway
// between two values, so the arithmetic is GDAL's, step for step):
// the source window, clipped to the raster, maps onto a destination
// window of the output, both snapped to whole pixels within 1e-3; an
// output pixel the destination window covers by more than 1e-3 is
// computed whole, from a source window widened to cover it (past the
// raster's edge if need be).
struct AxisSpan {
  int64_t first = 0, end = 0;  // output pixels [first, end) hold data
  double src_off = 0;          // source coordinate of output pixel `first`'s edge
  double src_len = 0;          // source length of output pixels [first, end)
  // The whole-pixel request GDAL's VRT hands the source with it: the first
  // source pixel and a count rounded from the length before it is widened.
  int64_t req_off = 0, req_len = 0;
  // Whether that request is as many pixels as the span and unshifted:
  // GDAL's dataset read then samples it with nearest neighbour whatever
  // the kernel (see ViewSpec::nearest_for_aligned_requests).
  bool aligned() const { return req_len == end - first && src_off == static_cast<double>(req_off); }
  double ratio() const { return src_len / static_cast<double>(end - first); }
  double source_of(int64_t k) const { return src_off + static_cast<double>(k - first) * ratio(); }
};

double snap(double v) {
  const double r = std::round(v);
  return std::fabs(v - r) < 1e-3 ? r : v;
}

// A VRT source's windows along one axis.
struct SourceRects {
  double src_off, src_len, dst_off, dst_len;
};

// gdal_translate's clipping of the source window to the raster, and of
// the destination window with it. False: nothing of the raster is read.
bool clip_to_raster(double src_off, double src_len, double dst_len, int64_t raster_n,
                    SourceRects* r) {
  const auto n = static_cast<double>(raster_n);
  double off = src_off, len = src_len;
  bool modified = false;
  if (off < 0) {
    len += off;
    off = 0;
    modified = true;
  }
  if (off + len > n) {
    len = n - off;
    modified = true;
  }
  if (off >= n || len <= 0) return false;
  *r = SourceRects{off, len, 0, dst_len};
  if (modified) {
    const double ul = (off - src_off) / src_len * dst_len;
    const double lr = (off + len - src_off) / src_len * dst_len;
    r->dst_off = std::max(0.0, ul);
    r->dst_len = lr - ul;
    if (r->dst_off + r->dst_len > dst_len) r->dst_len = dst_len - r->dst_off;
    if (r->dst_len <= 0) return false;
  }
  *r = SourceRects{snap(r->src_off), snap(r->src_len), snap(r->dst_off), snap(r->dst_len)};
  return true;
}

// The VRT source's answer to a read of the whole output axis (`out_n`
// pixels).
AxisSpan data_span(double src_off, double src_len, double dest_len, int64_t out_n,
                   int64_t raster_n) {
  if (!(dest_len > 0)) dest_len = static_cast<double>(out_n);
  AxisSpan a;
  SourceRects s{};
  if (!clip_to_raster(src_off, src_len, dest_len, raster_n, &s)) return a;
  const auto n = static_cast<double>(raster_n);
  double r_off = 0, r_len = static_cast<double>(out_n);
  bool modified = false;
  if (r_off < s.dst_off) {
    r_len += r_off - s.dst_off;
    r_off = s.dst_off;
    modified = true;
  }
  if (r_off + r_len > s.dst_off + s.dst_len) {
    r_len = s.dst_off + s.dst_len - r_off;
    modified = true;
  }
  if (!(r_len > 0)) return a;
  const double scale = s.src_len / s.dst_len;
  double off = (r_off - s.dst_off) * scale + s.src_off;
  double len = r_len * scale;
  if (off < 0) {
    len += off;
    off = 0;
    modified = true;
  }
  a.req_off = static_cast<int64_t>(std::floor(off));
  a.req_len = std::max<int64_t>(1, static_cast<int64_t>(std::floor(len + 0.5)));
  a.req_len = std::min(a.req_len, raster_n - a.req_off);
  if (off + len > n) {
    len = n - off;
    modified = true;
  }
  a.first = 0;
  a.end = out_n;
  if (modified) {
    // Back to output pixels, then out to whole ones.
    const double ul = (off - s.src_off) / s.src_len * s.dst_len + s.dst_off;
    const double lr = (off + len - s.src_off) / s.src_len * s.dst_len + s.dst_off;
    a.first = ul <= 0 ? 0 : static_cast<int64_t>(ul + 0.001);
    const double left = (ul - static_cast<double>(a.first)) / s.dst_len * s.src_len;
    off -= left;
    len += left;
    if (lr < ul) return AxisSpan{};
    a.end = std::min<int64_t>(out_n, static_cast<int64_t>(std::ceil(lr - 0.001)));
    len += (static_cast<double>(a.end) - lr) / s.dst_len * s.src_len;
  }
  if (a.end <= a.first) return AxisSpan{};
  // As the VRT source's request, rounded when within 1e-3 of whole pixels:
  // a window 1e-7 short of the raster's edge, widened to whole output
  // pixels, reads at the exact ratio (measured: mode at ratio 2 from column
  // 70.9999999 takes columns 71, 73, ..., 79, not 78).
  a.src_off = snap(off);
  a.src_len = snap(len);
  return a;
}

// The data span as GDAL's dataset read takes it
// (ViewSpec::nearest_for_aligned_requests): the band it samples with
// nearest neighbour and the span's source on that band.
struct NearestRead {
  RasterBand* band;
  AxisSpan xs, ys;
};

// The span moved onto an overview `ov_n` pixels long where the band is
// `n`, its whole-pixel request rounded there as GDAL rounds it.
AxisSpan on_overview(const AxisSpan& a, int64_t n, int64_t ov_n) {
  const double f = static_cast<double>(n) / static_cast<double>(ov_n);
  AxisSpan o = a;
  o.src_off = a.src_off / f;
  o.src_len = a.src_len / f;
  o.req_off = std::min(ov_n - 1, static_cast<int64_t>(static_cast<double>(a.req_off) / f + 0.5));
  o.req_len = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(a.req_len) / f + 0.5));
  o.req_len = std::min(o.req_len, ov_n - o.req_off);
  return o;
}

// Where GDAL's dataset read samples the span with nearest neighbour: its
// request, aligned (AxisSpan::aligned) on the band or, reduced along both
// axes, on the overview the read takes (GTiff's dataset read moves it
// there first; measured: -tr 0.002 of a 150x101 band with a 75x51
// overview writes the overview unchanged for -r average, the window
// reaching half a row past the band). None: GDAL resamples.
std::optional<NearestRead> aligned_read(RasterBand& src, const AxisSpan& xs, const AxisSpan& ys) {
  const int64_t nx = xs.end - xs.first, ny = ys.end - ys.first;
  if (nx < xs.req_len && ny < ys.req_len) {
    const double factor = RasterBand::overview_reduction(
        static_cast<double>(xs.req_len) / static_cast<double>(nx),
        static_cast<double>(ys.req_len) / static_cast<double>(ny), ny);
    if (RasterBand* ov = src.overview_for(factor)) {
      const AxisSpan ox = on_overview(xs, src.x_size(), ov->x_size());
      const AxisSpan oy = on_overview(ys, src.y_size(), ov->y_size());
      if (ox.aligned() && oy.aligned()) return NearestRead{ov, ox, oy};
      return std::nullopt;
    }
  }
  if (xs.aligned() && ys.aligned()) return NearestRead{&src, xs, ys};
  return std::nullopt;
}

class ViewBand : public RasterBand {
 public:
  ViewBand(TranslateView* view, int number, const ViewBandSpec& spec)
      : RasterBand(view, number, view->spec().width, view->spec().height, spec.type,
                   view->spec().width, block_rows(view->spec().width, view->spec().height)),
        view_(view),
        spec_(spec) {
    if (spec.nodata) init_nodata(*spec.nodata);
    init_color_interp(spec.color_interp);
    init_color_table(spec.color_table);
    init_scale_offset(spec.value_scale, spec.value_offset);
    init_unit(spec.unit);
    init_description(spec.description);
    mutable_metadata() = spec.metadata;
  }

  void replace_metadata(Metadata md) { mutable_metadata() = std::move(md); }

 protected:
  Status read_block_impl(int64_t /*bx*/, int64_t by, void* dst) override {
    const int64_t rows = block_y_size();
    const int64_t r0 = by * rows;
    const int64_t r1 = std::min(y_size(), r0 + rows);
    const size_t row_bytes = static_cast<size_t>(x_size()) * data_type_size(data_type());
    auto* out = static_cast<std::byte*>(dst);
    std::memset(out + (r1 - r0) * static_cast<int64_t>(row_bytes), 0,
                static_cast<size_t>(rows - (r1 - r0)) * row_bytes);
    WorkerPool* pool = view_->pool();
    const bool parallel = pool && pool->thread_count() > 1 && view_->source().is_thread_safe();
    if (!parallel) return fill_rows(r0, r1, out);
    // Pieces small enough to keep every thread busy, large enough to amortise
    // the per-read overhead.
    const int64_t pieces = std::min<int64_t>(r1 - r0, 4 * pool->thread_count());
    const int64_t step = (r1 - r0 + pieces - 1) / pieces;
    std::mutex mu;
    Status first_error;  // guarded by mu
    pool->parallel_for((r1 - r0 + step - 1) / step, [&](int64_t k) {
      const int64_t a = r0 + k * step, b = std::min(r1, a + step);
      Status st = fill_rows(a, b, out + (a - r0) * static_cast<int64_t>(row_bytes));
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = std::move(st);
      }
    });
    return first_error;
  }

 private:
  RasterBand* source_band() const {
    RasterBand* b = view_->source().band(spec_.src_band);
    if (b && spec_.source == ViewBandSpec::Source::kMask) return b->mask_band();
    return b;
  }

  double fill_value() const { return spec_.nodata.value_or(0.0); }

  // Output rows [r0, r1) into `out` (packed rows of the output type), the
  // cutline applied.
  Status fill_rows(int64_t r0, int64_t r1, std::byte* out) {
    const CutlineMask* cutline = view_->spec().cutline.get();
    if (spec_.source == ViewBandSpec::Source::kCutlineAlpha) {
      return fill_alpha(*cutline, r0, r1, out);
    }
    RK_RETURN_IF_ERROR(compute_rows(r0, r1, out));
    if (!cutline) return Status();
    return apply_cutline(*cutline, r0, r1, out);
  }

  Status fill_alpha(const CutlineMask& cutline, int64_t r0, int64_t r1, std::byte* out) const {
    const int64_t w = x_size();
    std::vector<uint8_t> mask(static_cast<size_t>(w * (r1 - r0)));
    RK_RETURN_IF_ERROR(cutline.fill(Window{0, r0, w, r1 - r0}, mask.data(), w));
    const DataType type = data_type();
    // GDAL reads a UInt16 alpha band rescaled (value / 257): opaque is 65535.
    if (type == DataType::kUInt16) {
      std::vector<uint16_t> wide(mask.size());
      for (size_t i = 0; i < mask.size(); ++i) wide[i] = mask[i] ? 65535 : 0;
      std::memcpy(out, wide.data(), wide.size() * sizeof(uint16_t));
      return Status();
    }
    convert_values(mask.data(), DataType::kByte, 1, out, type,
                   static_cast<ptrdiff_t>(data_type_size(type)), mask.size());
    return Status();
  }

  Status apply_cutline(const CutlineMask& cutline, int64_t r0, int64_t r1, std::byte* out) const {
    const int64_t w = x_size();
    std::vector<uint8_t> mask(static_cast<size_t>(w * (r1 - r0)));
    RK_RETURN_IF_ERROR(cutline.fill(Window{0, r0, w, r1 - r0}, mask.data(), w));
    const DataType type = data_type();
    const size_t tsize = data_type_size(type);
    std::byte fill[16] = {};
    const double fv = fill_value();
    convert_values(&fv, DataType::kFloat64, 8, fill, type, static_cast<ptrdiff_t>(tsize), 1);
    for (size_t i = 0; i < mask.size(); ++i) {
      if (!mask[i]) std::memcpy(out + i * tsize, fill, tsize);
    }
    return Status();
  }

  // The source values a transform (-scale, -unscale, -expand) starts
  // from, as `buffer_type` (Float64, or CFloat64 pairs). A kernel's results
  // on an integer band are first rounded and clamped to the band's type, as
  // GDAL's per-band read delivers them to its scaling (item 6 of issue 16:
  // measured, a lanczos overshoot below 0 of a Byte band is 0 before
  // -scale).
  static Status read_for_transform(RasterBand& src, const Window& window, const RasterIOOptions& io,
                                   int64_t w, int64_t h, DataType buffer_type, double* values) {
    const DataType st = src.data_type();
    const bool kernel = io.source_window && io.resampling != Resampling::kNearest;
    if (!kernel || !is_integer(st)) {
      return src.read(window, values, BufferLayout::packed(buffer_type, w, h), io);
    }
    const size_t n = static_cast<size_t>(w * h), size = data_type_size(st);
    std::vector<std::byte> raw(n * size);
    RK_RETURN_IF_ERROR(src.read(window, raw.data(), BufferLayout::packed(st, w, h), io));
    convert_values(raw.data(), st, static_cast<ptrdiff_t>(size), values, buffer_type,
                   static_cast<ptrdiff_t>(data_type_size(buffer_type)), n);
    return Status();
  }

  // A read without transform. A kernel's results on an integer band go
  // through the band's type first when GDAL reads the band on its own
  // (item 6 of issue 16: a Byte band's bilinear into Float32 has whole
  // values, its lanczos into Int16 no value below 0).
  // `in_source_type`: whether GDAL reads it so (ViewBandSpec::
  // kernel_in_source_type, or a request as large as the output).
  Status read_direct(RasterBand& src, const Window& window, const RasterIOOptions& io,
                     bool in_source_type, std::byte* region, const BufferLayout& out_layout) const {
    const DataType st = src.data_type();
    const bool kernel = io.source_window && io.resampling != Resampling::kNearest;
    if (!kernel || !in_source_type || !is_integer(st) || st == out_layout.type) {
      return src.read(window, region, out_layout, io);
    }
    const BufferLayout l = out_layout.resolved();
    const int64_t w = l.width, h = l.height;
    const size_t size = data_type_size(st);
    std::vector<std::byte> raw(static_cast<size_t>(w * h) * size);
    RK_RETURN_IF_ERROR(src.read(window, raw.data(), BufferLayout::packed(st, w, h), io));
    for (int64_t r = 0; r < h; ++r) {
      convert_values(raw.data() + static_cast<size_t>(r * w) * size, st,
                     static_cast<ptrdiff_t>(size), region + r * l.line_spacing, l.type,
                     l.pixel_spacing, static_cast<size_t>(w));
    }
    return Status();
  }

  Status compute_rows(int64_t r0, int64_t r1, std::byte* out) {
    const ViewSpec& vs = view_->spec();
    const DataType type = data_type();
    const size_t tsize = data_type_size(type);
    const int64_t w = x_size();
    const int64_t nrows = r1 - r0;
    RasterBand* src = source_band();
    if (!src) return Status::internal(view_->description(), "source band missing");
    const AxisSpan xs =
        data_span(vs.source_window.x, vs.source_window.width, vs.dest_width, w, src->x_size());
    const AxisSpan ys = data_span(vs.source_window.y, vs.source_window.height, vs.dest_height,
                                  y_size(), src->y_size());
    const int64_t c0 = xs.first, c1 = xs.end;
    const int64_t q0 = std::clamp(ys.first, r0, r1), q1 = std::clamp(ys.end, q0, r1);

    // Pixels outside the data span get the fill value (nodata or 0; a mask
    // is 0 there, "not valid", whatever the output's nodata, as
    // gdal_translate fills it); only windows reaching outside pay for it.
    if (c0 > 0 || c1 < w || q0 > r0 || q1 < r1) {
      const double fv = spec_.source == ViewBandSpec::Source::kMask ? 0.0 : fill_value();
      convert_values(&fv, DataType::kFloat64, 0, out, type, static_cast<ptrdiff_t>(tsize),
                     static_cast<size_t>(nrows * w));
    }
    if (c1 <= c0 || q1 <= q0) return Status();

    const int64_t iw = c1 - c0, ih = q1 - q0;
    std::byte* region = out + ((q0 - r0) * w + c0) * static_cast<int64_t>(tsize);
    const BufferLayout out_layout{
        type, iw, ih, static_cast<int64_t>(tsize), w * static_cast<int64_t>(tsize), 0};
    RasterIOOptions io;
    // gdal_translate's mask-band sources (-b mask) carry no resampling:
    // a mask, an alpha band's included, is sampled with nearest whatever
    // -r says (measured for every kernel, mode too).
    io.resampling = spec_.source == ViewBandSpec::Source::kMask
                        ? Resampling::kNearest
                        : view_->source().band(spec_.src_band)->applied_resampling(vs.resampling);
    NearestRead from{src, xs, ys};
    if (vs.nearest_for_aligned_requests) {
      if (std::optional<NearestRead> n = aligned_read(*src, xs, ys)) {
        from = *n;
        io.resampling = Resampling::kNearest;
      }
    }
    RasterBand* band = from.band;
    const AxisSpan &fx = from.xs, &fy = from.ys;
    // The source of this piece of the data span (whole-pixel window); the
    // piece is resampled as part of the whole span.
    const WindowF f{fx.src_off, fy.source_of(q0), fx.src_len, static_cast<double>(ih) * fy.ratio()};
    const auto x0 =
        std::clamp<int64_t>(static_cast<int64_t>(std::floor(f.x + 1e-9)), 0, band->x_size() - 1);
    const auto y0 =
        std::clamp<int64_t>(static_cast<int64_t>(std::floor(f.y + 1e-9)), 0, band->y_size() - 1);
    const auto x1 = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(f.x + f.width - 1e-9)),
                                        x0 + 1, band->x_size());
    const auto y1 = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(f.y + f.height - 1e-9)),
                                        y0 + 1, band->y_size());
    const Window window{x0, y0, x1 - x0, y1 - y0};
    const bool exact = window.width == iw && window.height == ih &&
                       f.width == static_cast<double>(iw) && f.height == static_cast<double>(ih) &&
                       f.x == static_cast<double>(x0) && f.y == static_cast<double>(y0);
    if (!exact) {
      io.source_window = WindowF{fx.src_off, fy.src_off, fx.src_len, fy.src_len};
      io.piece = RasterIOOptions::Piece{0, q0 - ys.first, iw, ys.end - ys.first};
      io.request_width = fx.req_len;
      io.request_height = fy.req_len;
    }
    const bool transform =
        spec_.scale || spec_.unscale || spec_.source == ViewBandSpec::Source::kPaletteEntry;
    // (Transformed bands are never read through aligned_read: band is src.)
    // GDAL's dataset read resamples in the output type only a request
    // whose size differs from the output's; one as large goes band by band,
    // in each band's type (measured: a Byte band's Lanczos into UInt16 at
    // -srcwin 34.98 9.903 20.98 16.67, a 21x17 request, stops at 255).
    const bool same_size = xs.req_len == xs.end - xs.first && ys.req_len == ys.end - ys.first;
    const bool in_source_type = spec_.kernel_in_source_type || same_size;
    if (!transform) return read_direct(*band, window, io, in_source_type, region, out_layout);

    if (is_complex(type)) return transform_complex(*src, window, io, iw, ih, region, w);
    return transform_real(*src, window, io, iw, ih, region, w);
  }

  // -scale, -unscale and -expand into a real type: GDAL's VRT arithmetic
  // on the source's real part.
  Status transform_real(RasterBand& src, const Window& window, const RasterIOOptions& io,
                        int64_t iw, int64_t ih, std::byte* region, int64_t w) const {
    const DataType type = data_type();
    const size_t tsize = data_type_size(type);
    std::vector<double> values(static_cast<size_t>(iw * ih));
    RK_RETURN_IF_ERROR(
        read_for_transform(src, window, io, iw, ih, DataType::kFloat64, values.data()));
    const std::optional<double> src_nodata = src.nodata();
    const ColorTable* ct = src.color_table() ? &*src.color_table() : nullptr;
    const double span = spec_.src_max - spec_.src_min;
    const double ratio = span == 0 ? 0 : (spec_.dst_max - spec_.dst_min) / span;
    const double offset = spec_.dst_min - spec_.src_min * ratio;
    // GDAL 3.6's VRT works in double precision only for Int32, UInt32,
    // Float64 and CFloat64 outputs; for any other it takes the source value
    // as a float, scales it in double and rounds the result to a float
    // (measured: Float64 -> Int64 or CInt32 rounds 123456789 / 3 to
    // 41152264). Rounding there decides some values, so do the same.
    const bool single_precision = type != DataType::kInt32 && type != DataType::kUInt32 &&
                                  type != DataType::kFloat64 && type != DataType::kCFloat64;
    for (double& v : values) {
      // Nodata pixels stay nodata (the output's, else 0), expanded or not.
      if (src_nodata && (v == *src_nodata || (std::isnan(v) && std::isnan(*src_nodata)))) {
        v = fill_value();
        continue;
      }
      if (spec_.source == ViewBandSpec::Source::kPaletteEntry) {
        // The colour, then -scale as on any value (gdal_translate scales
        // expanded bands too); an index the table does not hold is 0.
        const std::optional<double> c = palette_component(ct, v);
        v = c.value_or(0);
        if (!c) continue;
      }
      if (single_precision) v = static_cast<float>(v);
      if (spec_.unscale) v = v * spec_.unscale->first + spec_.unscale->second;
      if (spec_.scale) {
        if (spec_.exponent) {
          const double t = span == 0 ? 0 : std::clamp((v - spec_.src_min) / span, 0.0, 1.0);
          v = spec_.dst_min + std::pow(t, *spec_.exponent) * (spec_.dst_max - spec_.dst_min);
        } else {
          v = v * ratio + offset;
        }
      }
      // GDAL's VRT works in single precision when both types fit in it;
      // rounding there decides some half-way values, so do the same.
      if (single_precision) v = static_cast<float>(v);
    }
    for (int64_t r = 0; r < ih; ++r) {
      convert_values(values.data() + r * iw, DataType::kFloat64, 8,
                     region + r * w * static_cast<int64_t>(tsize), type,
                     static_cast<ptrdiff_t>(tsize), static_cast<size_t>(iw));
    }
    return Status();
  }

  // The same into a complex type. GDAL's VRT then works on (real,
  // imaginary) pairs: both parts get v * ratio + offset (or the -unscale
  // pair), no value is compared with nodata, and -exponent leaves the
  // values as they are (all measured on gdal_translate 3.6.2: -scale 0 100
  // 10 20 of 5+5i is 10.5+10.5i, of a Byte 3 with nodata 3 it is
  // 10.03+10i).
  Status transform_complex(RasterBand& src, const Window& window, const RasterIOOptions& io,
                           int64_t iw, int64_t ih, std::byte* region, int64_t w) const {
    const DataType type = data_type();
    const size_t tsize = data_type_size(type);
    const size_t n = static_cast<size_t>(iw * ih);
    std::vector<double> values(2 * n);
    RK_RETURN_IF_ERROR(
        read_for_transform(src, window, io, iw, ih, DataType::kCFloat64, values.data()));
    const ColorTable* ct = src.color_table() ? &*src.color_table() : nullptr;
    const double span = spec_.src_max - spec_.src_min;
    const double ratio = span == 0 ? 0 : (spec_.dst_max - spec_.dst_min) / span;
    const double offset = spec_.dst_min - spec_.src_min * ratio;
    // Double precision for CInt32 and CFloat64, as the real path's Int32
    // and Float64 (measured: CInt32 results agree with double arithmetic
    // on every pixel, not with float).
    const bool single_precision = type != DataType::kCFloat64 && type != DataType::kCInt32;
    for (size_t i = 0; i < n; ++i) {
      double* v = &values[2 * i];
      if (spec_.source == ViewBandSpec::Source::kPaletteEntry) {
        v[0] = palette_component(ct, v[0]).value_or(0);
        v[1] = 0;
      }
      for (int part = 0; part < 2; ++part) {
        double& x = v[part];
        if (single_precision) x = static_cast<float>(x);
        if (spec_.unscale) x = x * spec_.unscale->first + spec_.unscale->second;
        if (spec_.scale && !spec_.exponent) x = x * ratio + offset;
        if (single_precision) x = static_cast<float>(x);
      }
    }
    for (int64_t r = 0; r < ih; ++r) {
      convert_values(values.data() + 2 * r * iw, DataType::kCFloat64, 16,
                     region + r * w * static_cast<int64_t>(tsize), type,
                     static_cast<ptrdiff_t>(tsize), static_cast<size_t>(iw));
    }
    return Status();
  }

  // The colour component an -expand band takes from palette index `v`
  // (none for an index the table does not hold).
  std::optional<double> palette_component(const ColorTable* ct, double v) const {
    const auto idx = static_cast<int64_t>(v);
    if (!ct || idx < 0 || idx >= static_cast<int64_t>(ct->entries.size())) return std::nullopt;
    const ColorEntry& e = ct->entries[static_cast<size_t>(idx)];
    const int16_t comps[4] = {e.c1, e.c2, e.c3, e.c4};
    return comps[spec_.component];
  }

  TranslateView* view_;
  ViewBandSpec spec_;
};

}  // namespace

TranslateView::TranslateView(const Dataset& source, ViewSpec spec, WorkerPool* pool,
                             BlockCache* cache)
    : Dataset(source.description(), Access::kReadOnly, nullptr, cache),
      source_(source),
      spec_(std::move(spec)),
      pool_(pool) {
  set_raster_size(spec_.width, spec_.height);
  for (size_t i = 0; i < spec_.bands.size(); ++i) {
    add_band(std::make_unique<ViewBand>(this, static_cast<int>(i + 1), spec_.bands[i]));
  }
  init_geo_transform(spec_.geo_transform);
  init_spatial_ref(spec_.spatial_ref);
  init_gcps(spec_.gcps, spec_.gcp_spatial_ref);
  mutable_metadata() = spec_.metadata;
}

TranslateView::~TranslateView() = default;

void TranslateView::set_band_metadata(int band, Metadata md) {
  static_cast<ViewBand*>(this->band(band))->replace_metadata(std::move(md));
}

}  // namespace rk
