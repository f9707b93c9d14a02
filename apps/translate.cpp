#include "apps/translate.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

#include "apps/cli_args.h"
#include "apps/progress.h"
#include "apps/translate_view.h"
#include "gdalcore/convert.h"
#include "gdalcore/coordinate_transform.h"
#include "gdalcore/driver.h"
#include "gdalcore/driver_manager.h"
#include "gdalcore/options.h"
#include "gdalcore/statistics.h"
#include "gdalcore/warning.h"
#include "gdalcore/worker_pool.h"
#include "geometry/cutline.h"

namespace rk {

const char kTranslateUsage[] =
    "Usage: rasterkit translate [options] SRC DST\n"
    "  -of FORMAT  -ot TYPE  -b N|mask|mask,N (repeatable)  -expand gray|rgb|rgba\n"
    "  -srcwin XOFF YOFF XSIZE YSIZE  -projwin ULX ULY LRX LRY  -projwin_srs SRS  -epo  -eco\n"
    "  -outsize X[%] Y[%]  -tr XRES YRES\n"
    "  -r nearest|bilinear|cubic|cubicspline|lanczos|average|mode\n"
    "  -scale[_N] [SRC_MIN SRC_MAX [DST_MIN DST_MAX]]  -exponent[_N] E  -unscale\n"
    "  -a_srs SRS  -a_ullr ULX ULY LRX LRY  -a_nodata VALUE|none  -a_scale S  -a_offset O\n"
    "  -cutline FILE|WKT  -cutline_srs SRS  -crop_to_cutline\n"
    "  -mo KEY=VALUE  -co NAME=VALUE  -oo NAME=VALUE  -stats  -q  --threads N\n"
    "  --config KEY VALUE\n";

namespace {

const std::vector<std::string> kFlags = {
    "-of",       "-ot",      "-b",           "-mask",
    "-expand",   "-srcwin",  "-projwin",     "-projwin_srs",
    "-epo",      "-eco",     "-outsize",     "-tr",
    "-r",        "-scale",   "-exponent",    "-unscale",
    "-a_srs",    "-a_ullr",  "-a_nodata",    "-a_scale",
    "-a_offset", "-mo",      "-co",          "-oo",
    "-q",        "-quiet",   "-stats",       "--threads",
    "--help",    "-cutline", "-cutline_srs", "-crop_to_cutline"};

bool is_number(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

Result<std::vector<double>> numbers(cli::ArgCursor& args, const std::string& flag, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    if (args.done()) {
      return Status::invalid_argument(flag,
                                      "option " + flag + " needs " + std::to_string(n) + " values");
    }
    RK_ASSIGN_OR_RETURN(double v, cli::parse_double(flag, args.next()));
    out.push_back(v);
  }
  return out;
}

// -scale's 0, 2 or 4 optional numbers.
Result<ScaleParams> scale_params(const std::vector<std::string>& raw, size_t* pos,
                                 const std::string& flag) {
  ScaleParams p;
  p.given = true;
  std::vector<double> v;
  while (*pos < raw.size() && v.size() < 4 && is_number(raw[*pos])) {
    v.push_back(std::strtod(raw[(*pos)++].c_str(), nullptr));
  }
  if (v.size() == 1 || v.size() == 3) {
    return Status::invalid_argument(flag, "option " + flag +
                                              " takes 0, 2 or 4 values (src_min src_max "
                                              "[dst_min dst_max])");
  }
  if (v.size() >= 2) p.src = std::make_pair(v[0], v[1]);
  if (v.size() == 4) {
    p.dst_min = v[2];
    p.dst_max = v[3];
  }
  return p;
}

// "-scale_3" -> 3; 0 when `arg` is not "<prefix>_N".
int band_suffix(const std::string& arg, const std::string& prefix) {
  if (arg.rfind(prefix + "_", 0) != 0) return 0;
  const std::string n = arg.substr(prefix.size() + 1);
  if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::atoi(n.c_str());
}

}  // namespace

Result<TranslateOptions> parse_translate_args(const std::vector<std::string>& raw) {
  TranslateOptions o;
  std::vector<std::string> positional;
  size_t i = 0;
  auto value = [&](const std::string& flag) -> Result<std::string> {
    if (i >= raw.size()) return Status::invalid_argument(flag, "option " + flag + " needs a value");
    return raw[i++];
  };
  auto values = [&](const std::string& flag, int n) -> Result<std::vector<double>> {
    std::vector<std::string> rest(raw.begin() + static_cast<ptrdiff_t>(i), raw.end());
    cli::ArgCursor c(rest);
    RK_ASSIGN_OR_RETURN(std::vector<double> v, numbers(c, flag, n));
    i += static_cast<size_t>(n);
    return v;
  };
  while (i < raw.size()) {
    const std::string a = raw[i++];
    if (a == "-of") {
      RK_ASSIGN_OR_RETURN(o.format, value(a));
    } else if (a == "-ot") {
      RK_ASSIGN_OR_RETURN(o.output_type, value(a));
      if (!parse_data_type(o.output_type)) {
        return Status::invalid_argument(a, "unknown data type '" + o.output_type + "'");
      }
    } else if (a == "-b") {
      RK_ASSIGN_OR_RETURN(std::string b, value(a));
      o.bands.push_back(b);
    } else if (a == "-mask") {
      RK_ASSIGN_OR_RETURN(o.mask, value(a));
    } else if (a == "-expand") {
      RK_ASSIGN_OR_RETURN(o.expand, value(a));
      if (o.expand != "gray" && o.expand != "rgb" && o.expand != "rgba") {
        return Status::invalid_argument(a, "'" + o.expand + "' is not gray, rgb or rgba");
      }
    } else if (a == "-srcwin") {
      RK_ASSIGN_OR_RETURN(auto v, values(a, 4));
      if (v[2] <= 0 || v[3] <= 0) {
        return Status::invalid_argument(a, "the window size must be positive");
      }
      o.srcwin = v;
    } else if (a == "-projwin") {
      RK_ASSIGN_OR_RETURN(auto v, values(a, 4));
      o.projwin = v;
    } else if (a == "-projwin_srs") {
      RK_ASSIGN_OR_RETURN(o.projwin_srs, value(a));
    } else if (a == "-epo") {
      o.error_partially_outside = true;
    } else if (a == "-eco") {
      o.error_completely_outside = true;
    } else if (a == "-outsize") {
      RK_ASSIGN_OR_RETURN(std::string x, value(a));
      RK_ASSIGN_OR_RETURN(std::string y, value(a));
      for (const std::string& s : {x, y}) {
        const std::string n = !s.empty() && s.back() == '%' ? s.substr(0, s.size() - 1) : s;
        if (!is_number(n) || std::strtod(n.c_str(), nullptr) < 0) {
          return Status::invalid_argument(a, "'" + s + "' is not a size (N or N%)");
        }
      }
      o.outsize = std::make_pair(x, y);
    } else if (a == "-tr") {
      RK_ASSIGN_OR_RETURN(auto v, values(a, 2));
      if (v[0] <= 0 || v[1] == 0) {
        return Status::invalid_argument(a, "the resolution must be positive");
      }
      o.target_resolution = std::make_pair(v[0], std::fabs(v[1]));
    } else if (a == "-r") {
      RK_ASSIGN_OR_RETURN(o.resampling, value(a));
      if (!parse_resampling(o.resampling)) {
        return Status::invalid_argument(
            a, "unknown resampling '" + o.resampling +
                   "' (nearest, bilinear, cubic, cubicspline, lanczos, average, mode)");
      }
    } else if (a == "-scale") {
      RK_ASSIGN_OR_RETURN(o.scale, scale_params(raw, &i, a));
    } else if (int scale_band = band_suffix(a, "-scale")) {
      RK_ASSIGN_OR_RETURN(ScaleParams p, scale_params(raw, &i, a));
      o.band_scales.emplace_back(scale_band, p);
    } else if (a == "-exponent") {
      RK_ASSIGN_OR_RETURN(auto v, values(a, 1));
      o.exponent = v[0];
    } else if (int exponent_band = band_suffix(a, "-exponent")) {
      RK_ASSIGN_OR_RETURN(auto v, values(a, 1));
      o.band_exponents.emplace_back(exponent_band, v[0]);
    } else if (a == "-unscale") {
      o.unscale = true;
    } else if (a == "-a_srs") {
      RK_ASSIGN_OR_RETURN(o.assign_srs, value(a));
    } else if (a == "-a_ullr") {
      RK_ASSIGN_OR_RETURN(auto v, values(a, 4));
      o.assign_ullr = v;
    } else if (a == "-a_nodata") {
      RK_ASSIGN_OR_RETURN(o.assign_nodata, value(a));
      if (o.assign_nodata != "none" && o.assign_nodata != "None" && !is_number(o.assign_nodata) &&
          o.assign_nodata != "nan" && o.assign_nodata != "NaN") {
        return Status::invalid_argument(a, "'" + o.assign_nodata + "' is not a number or none");
      }
    } else if (a == "-a_scale") {
      RK_ASSIGN_OR_RETURN(auto v, values(a, 1));
      o.assign_scale = v[0];
    } else if (a == "-a_offset") {
      RK_ASSIGN_OR_RETURN(auto v, values(a, 1));
      o.assign_offset = v[0];
    } else if (a == "-mo") {
      RK_ASSIGN_OR_RETURN(std::string kv, value(a));
      RK_RETURN_IF_ERROR(cli::parse_key_value(a, kv).status());
      o.metadata_items.push_back(kv);
    } else if (a == "-co") {
      RK_ASSIGN_OR_RETURN(std::string kv, value(a));
      RK_RETURN_IF_ERROR(cli::parse_key_value(a, kv).status());
      o.creation_options.push_back(kv);
    } else if (a == "-oo") {
      RK_ASSIGN_OR_RETURN(std::string kv, value(a));
      RK_RETURN_IF_ERROR(cli::parse_key_value(a, kv).status());
      o.open_options.push_back(kv);
    } else if (a == "-cutline") {
      RK_ASSIGN_OR_RETURN(o.cutline, value(a));
    } else if (a == "-cutline_srs") {
      RK_ASSIGN_OR_RETURN(o.cutline_srs, value(a));
    } else if (a == "-crop_to_cutline") {
      o.crop_to_cutline = true;
    } else if (a == "-q" || a == "-quiet") {
      o.quiet = true;
    } else if (a == "-stats") {
      o.stats = true;
    } else if (a == "--threads") {
      RK_ASSIGN_OR_RETURN(std::string count, value(a));
      o.threads = WorkerPool::parse_thread_count(count);
      if (o.threads == 0) {
        return Status::invalid_argument(a, "'" + count + "' is not a thread count (N or ALL_CPUS)");
      }
    } else if (a.size() > 1 && a[0] == '-' && !is_number(a)) {
      return Status::invalid_argument("translate", cli::unknown_flag_message(a, kFlags));
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() < 2) {
    return Status::invalid_argument("translate", positional.empty()
                                                     ? "no source and destination given"
                                                     : "no destination given");
  }
  if (positional.size() > 2) {
    return Status::invalid_argument("translate", "unexpected argument '" + positional[2] + "'");
  }
  if (o.srcwin && o.projwin) {
    return Status::invalid_argument("translate", "-srcwin and -projwin cannot be used together");
  }
  if (o.outsize && o.target_resolution) {
    return Status::invalid_argument("translate", "-outsize and -tr cannot be used together");
  }
  if (o.cutline.empty() && (o.crop_to_cutline || !o.cutline_srs.empty())) {
    return Status::invalid_argument("translate", o.crop_to_cutline
                                                     ? "-crop_to_cutline needs -cutline"
                                                     : "-cutline_srs needs -cutline");
  }
  o.source = positional[0];
  o.destination = positional[1];
  return o;
}

namespace {

struct OutputFile {
  std::string temp;
  bool keep = false;
  ~OutputFile() {
    if (!keep && !temp.empty()) std::remove(temp.c_str());
  }
};

const Driver* output_driver(const TranslateOptions& o, Status* error) {
  DriverManager& dm = DriverManager::global();
  std::string name = o.format;
  if (name.empty()) {
    const size_t dot = o.destination.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : o.destination.substr(dot + 1);
    for (const Driver* d : dm.drivers()) {
      for (const std::string& e : d->extensions()) {
        if (!ext.empty() && iequals(e, ext) && d->can_create()) return d;
      }
    }
    name = "GTiff";
  }
  for (const Driver* d : dm.drivers()) {
    if (iequals(d->short_name(), name)) {
      if (!d->can_create()) {
        *error = Status::not_supported(name, "the driver cannot create files");
        return nullptr;
      }
      return d;
    }
  }
  std::string known;
  for (const Driver* d : dm.drivers()) {
    if (d->can_create()) known += (known.empty() ? "" : ", ") + std::string(d->short_name());
  }
  *error =
      Status::invalid_argument("-of", "unknown format '" + name + "' (can write: " + known + ")");
  return nullptr;
}

std::string format_g14(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.14g", v);
  return buf;
}

// Computes pixel size for -outsize "X[%]".
Result<int64_t> size_from(const std::string& s, double base) {
  if (!s.empty() && s.back() == '%') {
    // gdal_translate truncates percentage sizes (97 at 50% is 48).
    const double pct = std::strtod(s.substr(0, s.size() - 1).c_str(), nullptr);
    return static_cast<int64_t>(base * pct / 100.0);
  }
  return static_cast<int64_t>(std::llround(std::strtod(s.c_str(), nullptr)));
}

ScaleParams scale_for(const TranslateOptions& o, int out_band) {
  for (const auto& [n, p] : o.band_scales) {
    if (n == out_band) return p;
  }
  return o.scale;
}

std::optional<double> exponent_for(const TranslateOptions& o, int out_band) {
  for (const auto& [n, e] : o.band_exponents) {
    if (n == out_band) return e;
  }
  return o.exponent;
}

}  // namespace

// The cutline in the source's pixel/line coordinates: read from a file or
// the text itself, in -cutline_srs (or the CRS its GeoJSON names, or the
// source's), repaired if invalid. An error when it misses the raster.
Result<Geometry> load_cutline(const TranslateOptions& o, const Dataset& src) {
  // Messages name the file, or the flag when the cutline is inline text.
  const bool is_file = std::ifstream(o.cutline).good();
  const std::string subject = is_file ? o.cutline : "-cutline";
  Result<GeometrySource> read = read_geometry(o.cutline);
  if (!read.ok()) {
    if (read.status().code() == StatusCode::kNotFound) return read.status();
    return Status(read.status().code(), subject, read.status().message());
  }
  GeometrySource given = std::move(read).value();
  CutlineOptions co;
  co.srs = given.srs;
  if (!o.cutline_srs.empty()) {
    auto srs = SpatialRef::from_user_input(o.cutline_srs);
    if (!srs.ok()) return Status::invalid_argument("-cutline_srs", srs.status().message());
    co.srs = std::move(srs).value();
  }
  RK_ASSIGN_OR_RETURN(Geometry pixels, cutline_to_pixels(given.geometry, src, co, subject));
  const Geometry raster = Geometry::rectangle(
      {0, 0, static_cast<double>(src.x_size()), static_cast<double>(src.y_size())});
  RK_ASSIGN_OR_RETURN(Geometry inside, pixels.intersection(raster));
  if (inside.is_empty() || inside.area() <= 0) {
    return Status::invalid_argument(
        subject, "the cutline does not intersect the raster " + src.description());
  }
  return pixels;
}

Status run_translate(const TranslateOptions& o) {
  cli::install_interrupt_handler();
  const int threads = o.threads > 0 ? o.threads : WorkerPool::default_thread_count();
  int effective_threads = threads;
  Options creation;
  {
    RK_ASSIGN_OR_RETURN(creation, Options::parse(o.creation_options));
    // GDAL's NUM_THREADS creation option sets the worker count too.
    if (auto n = creation.get("NUM_THREADS")) {
      if (o.threads == 0) {
        if (const int t = WorkerPool::parse_thread_count(*n)) effective_threads = t;
      }
    }
  }
  Status driver_error;
  const Driver* driver = output_driver(o, &driver_error);
  if (!driver) return driver_error;

  OpenParams params;
  RK_ASSIGN_OR_RETURN(params.open_options, Options::parse(o.open_options));
  // A translate streams: source blocks are read about once, in row order,
  // and the view's computed blocks exactly once. Private caches sized for
  // that keep the peak memory near one swath instead of the whole raster.
  const size_t budget = BlockCache::global().capacity();
  BlockCache source_cache(std::min<size_t>(budget, size_t{64} << 20));
  BlockCache view_cache(std::min<size_t>(budget, size_t{16} << 20));
  BlockCache output_cache(std::min<size_t>(budget, size_t{32} << 20));
  params.cache = &source_cache;
  RK_ASSIGN_OR_RETURN(std::unique_ptr<Dataset> src,
                      cli::open_source(o.source, params, effective_threads));
  if (o.source == o.destination) {
    return Status::invalid_argument(o.destination, "the source and destination must differ");
  }
  if (!o.quiet) {
    std::fprintf(stderr, "Input file size is %lld, %lld\n", static_cast<long long>(src->x_size()),
                 static_cast<long long>(src->y_size()));
  }

  // The source window, in (fractional) source pixels.
  const Resampling resampling = *parse_resampling(o.resampling);
  double wx = 0, wy = 0, ww = static_cast<double>(src->x_size()),
         wh = static_cast<double>(src->y_size());
  if (o.srcwin) {
    wx = (*o.srcwin)[0];
    wy = (*o.srcwin)[1];
    ww = (*o.srcwin)[2];
    wh = (*o.srcwin)[3];
  } else if (o.projwin) {
    const auto& gt = src->geo_transform();
    if (!gt) {
      return Status::invalid_argument(o.source, "-projwin needs a georeferenced source");
    }
    if (gt->c[2] != 0 || gt->c[4] != 0) {
      return Status::not_supported(o.source, "-projwin on a rotated geotransform (use -srcwin)");
    }
    double ulx = (*o.projwin)[0], uly = (*o.projwin)[1], lrx = (*o.projwin)[2],
           lry = (*o.projwin)[3];
    if (!o.projwin_srs.empty()) {
      RK_ASSIGN_OR_RETURN(SpatialRef from, SpatialRef::from_user_input(o.projwin_srs));
      if (!src->spatial_ref()) {
        return Status::invalid_argument(o.source, "-projwin_srs needs a source with a CRS");
      }
      RK_ASSIGN_OR_RETURN(CoordinateTransform t,
                          CoordinateTransform::create(from, *src->spatial_ref()));
      // The four corners, then their bounding box.
      double xs[4] = {ulx, lrx, ulx, lrx}, ys[4] = {uly, uly, lry, lry};
      for (int k = 0; k < 4; ++k) RK_RETURN_IF_ERROR(t.transform(xs[k], ys[k]));
      ulx = std::min({xs[0], xs[1], xs[2], xs[3]});
      lrx = std::max({xs[0], xs[1], xs[2], xs[3]});
      const bool north_up = gt->c[5] < 0;
      uly = north_up ? std::max({ys[0], ys[1], ys[2], ys[3]})
                     : std::min({ys[0], ys[1], ys[2], ys[3]});
      lry = north_up ? std::min({ys[0], ys[1], ys[2], ys[3]})
                     : std::max({ys[0], ys[1], ys[2], ys[3]});
    }
    wx = (ulx - gt->c[0]) / gt->c[1];
    wy = (uly - gt->c[3]) / gt->c[5];
    ww = (lrx - ulx) / gt->c[1];
    wh = (lry - uly) / gt->c[5];
    if (resampling == Resampling::kNearest) {
      // GDAL aligns the window on whole source pixels for nearest.
      wx = std::floor(wx + 0.001);
      wy = std::floor(wy + 0.001);
      ww = std::floor(ww + 0.5);
      wh = std::floor(wh + 0.5);
    }
    if (ww <= 0 || wh <= 0) {
      return Status::invalid_argument("-projwin",
                                      "the window is empty (check the corner order: "
                                      "upper left, then lower right)");
    }
  }
  const double sxs = static_cast<double>(src->x_size()), sys = static_cast<double>(src->y_size());

  // The cutline, in source pixels; with -crop_to_cutline the window shrinks
  // to its bounding box (whole source pixels, inside the raster).
  std::optional<Geometry> cutline;
  if (!o.cutline.empty()) {
    RK_ASSIGN_OR_RETURN(cutline, load_cutline(o, *src));
    if (o.crop_to_cutline) {
      const Envelope e = *cutline->envelope();
      double x0 = std::max(0.0, std::floor(e.min_x + 1e-9));
      double y0 = std::max(0.0, std::floor(e.min_y + 1e-9));
      double x1 = std::min(sxs, std::ceil(e.max_x - 1e-9));
      double y1 = std::min(sys, std::ceil(e.max_y - 1e-9));
      if (o.srcwin || o.projwin) {
        x0 = std::max(x0, wx);
        y0 = std::max(y0, wy);
        x1 = std::min(x1, wx + ww);
        y1 = std::min(y1, wy + wh);
      }
      if (x1 <= x0 || y1 <= y0) {
        return Status::invalid_argument(o.cutline,
                                        "the cutline does not intersect the source window");
      }
      wx = x0;
      wy = y0;
      ww = x1 - x0;
      wh = y1 - y0;
    }
  }
  const bool completely_outside = wx >= sxs || wy >= sys || wx + ww <= 0 || wy + wh <= 0;
  const bool partially_outside = wx < 0 || wy < 0 || wx + ww > sxs || wy + wh > sys;
  if (o.srcwin || o.projwin) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "the window %g %g %g %g (pixels) falls %s outside the %lldx%lld raster", wx, wy,
                  ww, wh, completely_outside ? "completely" : "partially",
                  static_cast<long long>(src->x_size()), static_cast<long long>(src->y_size()));
    if (completely_outside && (o.error_completely_outside || o.error_partially_outside)) {
      return Status::out_of_range(o.source, buf);
    }
    if (partially_outside && o.error_partially_outside) return Status::out_of_range(o.source, buf);
    if (partially_outside) emit_warning(o.source, std::string(buf) + "; going on however");
  }

  // The output size.
  int64_t out_w = static_cast<int64_t>(std::ceil(ww - 0.001));
  int64_t out_h = static_cast<int64_t>(std::ceil(wh - 0.001));
  if (o.outsize) {
    RK_ASSIGN_OR_RETURN(out_w, size_from(o.outsize->first, ww));
    RK_ASSIGN_OR_RETURN(out_h, size_from(o.outsize->second, wh));
    if (out_w == 0 && out_h == 0) {
      return Status::invalid_argument("-outsize", "both sizes cannot be 0");
    }
    if (out_w == 0)
      out_w = static_cast<int64_t>(std::llround(static_cast<double>(out_h) * ww / wh));
    if (out_h == 0)
      out_h = static_cast<int64_t>(std::llround(static_cast<double>(out_w) * wh / ww));
  } else if (o.target_resolution) {
    const auto& gt = src->geo_transform();
    if (!gt) return Status::invalid_argument(o.source, "-tr needs a georeferenced source");
    out_w = static_cast<int64_t>(ww * std::fabs(gt->c[1]) / o.target_resolution->first + 0.5);
    out_h = static_cast<int64_t>(wh * std::fabs(gt->c[5]) / o.target_resolution->second + 0.5);
  }
  if (out_w <= 0 || out_h <= 0 || out_w > (int64_t{1} << 31) || out_h > (int64_t{1} << 31)) {
    return Status::invalid_argument("translate", "output size " + std::to_string(out_w) + "x" +
                                                     std::to_string(out_h) + " is not valid");
  }

  ViewSpec spec;
  spec.width = out_w;
  spec.height = out_h;
  spec.source_window = WindowF{wx, wy, ww, wh};
  spec.resampling = resampling;
  const double rx = ww / static_cast<double>(out_w), ry = wh / static_cast<double>(out_h);
  const bool same_pixels =
      !o.srcwin && !o.projwin && out_w == src->x_size() && out_h == src->y_size();

  // Bands.
  struct Pick {
    ViewBandSpec::Source kind;
    int band;
    int component;
  };
  std::vector<Pick> picks;
  if (!o.expand.empty()) {
    RasterBand* b1 = src->band(1);
    if (!b1 || !b1->color_table()) {
      return Status::invalid_argument(o.source, "-expand needs a first band with a color table");
    }
    const int n = o.expand == "gray" ? 1 : o.expand == "rgb" ? 3 : 4;
    const int bandno = o.bands.empty() ? 1 : std::atoi(o.bands[0].c_str());
    for (int k = 0; k < n; ++k) picks.push_back({ViewBandSpec::Source::kPaletteEntry, bandno, k});
  } else if (o.bands.empty()) {
    for (int b = 1; b <= src->band_count(); ++b)
      picks.push_back({ViewBandSpec::Source::kBand, b, 0});
  } else {
    for (const std::string& s : o.bands) {
      if (s == "mask") {
        picks.push_back({ViewBandSpec::Source::kMask, 1, 0});
      } else if (s.rfind("mask,", 0) == 0) {
        picks.push_back({ViewBandSpec::Source::kMask, std::atoi(s.c_str() + 5), 0});
      } else {
        RK_ASSIGN_OR_RETURN(long long n, cli::parse_int("-b", s));
        picks.push_back({ViewBandSpec::Source::kBand, static_cast<int>(n), 0});
      }
    }
  }
  for (const Pick& p : picks) {
    if (p.band < 1 || p.band > src->band_count()) {
      return Status::invalid_argument(o.source, "band " + std::to_string(p.band) +
                                                    " does not exist (the file has " +
                                                    std::to_string(src->band_count()) + ")");
    }
  }
  for (size_t k = 0; k < picks.size(); ++k) {
    const Pick& p = picks[k];
    const int out_band = static_cast<int>(k + 1);
    RasterBand* sb = src->band(p.band);
    ViewBandSpec b;
    b.source = p.kind;
    b.src_band = p.band;
    b.component = p.component;
    b.type = p.kind == ViewBandSpec::Source::kBand ? sb->data_type() : DataType::kByte;
    if (!o.output_type.empty()) b.type = *parse_data_type(o.output_type);
    if (p.kind == ViewBandSpec::Source::kBand) {
      const ScaleParams sp = scale_for(o, out_band);
      if (sp.given) {
        b.scale = true;
        if (sp.src) {
          b.src_min = sp.src->first;
          b.src_max = sp.src->second;
        } else {
          StatisticsOptions so;
          RK_ASSIGN_OR_RETURN(BandStatistics st, compute_statistics(*sb, so));
          b.src_min = st.min;
          b.src_max = st.max;
        }
        b.dst_min = sp.dst_min;
        b.dst_max = sp.dst_max;
        // With the source range computed, gdal_translate maps it onto
        // [dst_min, dst_max + 1) so that every output value gets an equal
        // share of it (measured against GDAL 3.6: 0..199 -> 0..256).
        if (!sp.src) b.dst_max += 1;
        b.exponent = exponent_for(o, out_band);
      } else if (exponent_for(o, out_band)) {
        return Status::invalid_argument("-exponent", "-exponent needs -scale");
      }
      if (o.unscale && (sb->scale() || sb->offset())) {
        b.unscale = std::make_pair(sb->scale().value_or(1.0), sb->offset().value_or(0.0));
      }
      if (sb->nodata()) b.nodata = sb->nodata();
      b.color_interp = sb->color_interp();
      if (sb->color_table() && !b.scale &&
          (b.type == DataType::kByte || b.type == DataType::kUInt16)) {
        b.color_table = sb->color_table();
      }
      if (!o.unscale) {
        b.value_scale = sb->scale();
        b.value_offset = sb->offset();
      }
      b.unit = sb->unit();
      b.description = sb->description();
      for (const std::string& d : sb->metadata().domains()) {
        if (d == "IMAGE_STRUCTURE") continue;
        Metadata::Items items;
        for (const auto& kv : sb->metadata().items(d)) {
          const bool stats = kv.first.rfind("STATISTICS_", 0) == 0;
          if (stats && (!same_pixels || b.scale || b.unscale || b.type != sb->data_type()))
            continue;
          items.push_back(kv);
        }
        if (!items.empty()) b.metadata.set_items(std::move(items), d);
      }
    } else if (p.kind == ViewBandSpec::Source::kPaletteEntry) {
      static const ColorInterp kInterp[4] = {ColorInterp::kRed, ColorInterp::kGreen,
                                             ColorInterp::kBlue, ColorInterp::kAlpha};
      b.color_interp = o.expand == "gray" ? ColorInterp::kGray : kInterp[p.component];
    }
    if (!o.assign_nodata.empty()) {
      if (o.assign_nodata == "none" || o.assign_nodata == "None") {
        b.nodata.reset();
      } else {
        b.nodata = std::strtod(o.assign_nodata.c_str(), nullptr);
      }
    }
    if (b.nodata && !is_floating(b.type) && !std::isnan(*b.nodata)) {
      // As GDAL: a nodata value the output type cannot hold is clamped
      // (and rounded) into its range.
      double converted = 0;
      const double v = *b.nodata;
      std::vector<std::byte> one(data_type_size(b.type));
      convert_values(&v, DataType::kFloat64, 8, one.data(), b.type, 0, 1);
      converted = value_as_double(one.data(), b.type);
      b.nodata = converted;
    }
    if (o.assign_scale) b.value_scale = o.assign_scale;
    if (o.assign_offset) b.value_offset = o.assign_offset;
    spec.bands.push_back(std::move(b));
  }
  if (spec.bands.empty()) return Status::invalid_argument(o.source, "no band to write");

  // Pixels outside the cutline become nodata; bands without nodata get 0
  // there, and an alpha band (0 outside) tells those pixels apart unless
  // the output has one already.
  if (cutline) {
    RK_ASSIGN_OR_RETURN(Geometry in_output, cutline->map_points([&](double& x, double& y) {
      x = (x - wx) / rx;
      y = (y - wy) / ry;
      return true;
    }));
    RK_ASSIGN_OR_RETURN(CutlineMask mask, CutlineMask::create(in_output));
    spec.cutline = std::make_shared<const CutlineMask>(std::move(mask));
    bool has_alpha = false, all_nodata = true;
    for (const ViewBandSpec& b : spec.bands) {
      has_alpha = has_alpha || b.color_interp == ColorInterp::kAlpha;
      all_nodata = all_nodata && b.nodata.has_value();
    }
    if (!has_alpha && !all_nodata) {
      ViewBandSpec alpha;
      alpha.source = ViewBandSpec::Source::kCutlineAlpha;
      alpha.type = spec.bands[0].type;
      alpha.color_interp = ColorInterp::kAlpha;
      spec.bands.push_back(std::move(alpha));
    }
  }

  // Georeferencing.
  if (const auto& gt = src->geo_transform()) {
    GeoTransform g;
    g.c[0] = gt->c[0] + wx * gt->c[1] + wy * gt->c[2];
    g.c[1] = gt->c[1] * rx;
    g.c[2] = gt->c[2] * ry;
    g.c[3] = gt->c[3] + wx * gt->c[4] + wy * gt->c[5];
    g.c[4] = gt->c[4] * rx;
    g.c[5] = gt->c[5] * ry;
    if (o.target_resolution) {
      // The asked resolution is written as given (the pixels are resampled
      // to the rounded output size).
      g.c[1] = std::copysign(o.target_resolution->first, g.c[1]);
      g.c[5] = std::copysign(o.target_resolution->second, g.c[5]);
    }
    spec.geo_transform = g;
  }
  if (o.assign_ullr) {
    const auto& u = *o.assign_ullr;
    GeoTransform g;
    g.c = {u[0], (u[2] - u[0]) / static_cast<double>(out_w), 0, u[1],
           0,    (u[3] - u[1]) / static_cast<double>(out_h)};
    spec.geo_transform = g;
  }
  spec.spatial_ref = src->spatial_ref();
  if (!o.assign_srs.empty()) {
    if (o.assign_srs == "None" || o.assign_srs == "none") {
      spec.spatial_ref.reset();
    } else {
      RK_ASSIGN_OR_RETURN(SpatialRef s, SpatialRef::from_user_input(o.assign_srs));
      spec.spatial_ref = s;
    }
  }
  if (!src->gcps().empty() && !o.assign_ullr) {
    for (Gcp g : src->gcps()) {
      g.pixel = (g.pixel - wx) / rx;
      g.line = (g.line - wy) / ry;
      spec.gcps.push_back(g);
    }
    spec.gcp_spatial_ref = src->gcp_spatial_ref();
    if (!o.assign_srs.empty()) spec.gcp_spatial_ref = spec.spatial_ref;
  }
  for (const std::string& d : src->metadata().domains()) {
    if (d == "IMAGE_STRUCTURE" || d == "DERIVED_SUBDATASETS") continue;
    spec.metadata.set_items(src->metadata().items(d), d);
  }
  for (const std::string& kv : o.metadata_items) {
    auto parsed = cli::parse_key_value("-mo", kv);
    Metadata::Items items = spec.metadata.items("");
    bool replaced = false;
    for (auto& item : items) {
      if (item.first == parsed->first) {
        item.second = parsed->second;
        replaced = true;
      }
    }
    if (!replaced) items.emplace_back(parsed->first, parsed->second);
    spec.metadata.set_items(std::move(items), "");
  }
  if (!o.mask.empty() && o.mask != "none" && o.mask != "auto") {
    return Status::not_supported(o.destination,
                                 "-mask " + o.mask +
                                     ": writing a mask band is not implemented by rasterkit's "
                                     "writers yet (use -b mask to write it as a band)");
  }

  WorkerPool pool(effective_threads);
  TranslateView view(*src, std::move(spec), &pool, &view_cache);
  if (o.stats) {
    for (int b = 1; b <= view.band_count(); ++b) {
      StatisticsOptions so;
      Result<BandStatistics> st = compute_statistics(*view.band(b), so);
      if (!st.ok()) continue;  // all nodata: no statistics, as GDAL
      Metadata md = view.band(b)->metadata();
      Metadata::Items items = md.items("");
      items.emplace_back("STATISTICS_MAXIMUM", format_g14(st->max));
      items.emplace_back("STATISTICS_MEAN", format_g14(st->mean));
      items.emplace_back("STATISTICS_MINIMUM", format_g14(st->min));
      items.emplace_back("STATISTICS_STDDEV", format_g14(st->stddev));
      md.set_items(std::move(items), "");
      view.set_band_metadata(b, std::move(md));
    }
  }

  // Written beside the destination and renamed when complete.
  OutputFile out;
  out.temp = o.destination + ".rk-" + std::to_string(::getpid()) + ".tmp";
  ProgressFn progress = cli::make_progress(o.quiet);
  auto copied = driver->create_copy(out.temp, view, creation, progress, &output_cache);
  if (!copied.ok()) {
    if (cli::interrupted()) return Status::cancelled(o.destination, "interrupted");
    return copied.status();
  }
  RK_RETURN_IF_ERROR((*copied)->close());
  copied->reset();
  if (cli::interrupted()) return Status::cancelled(o.destination, "interrupted");
  if (std::rename(out.temp.c_str(), o.destination.c_str()) != 0) {
    return Status::io_error(o.destination, "cannot move the finished file into place");
  }
  out.keep = true;
  return Status();
}

}  // namespace rk
