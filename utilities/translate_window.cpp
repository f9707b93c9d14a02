// rk::translate's source window and output grid: -srcwin, -projwin,
// -projwin_srs, -cutline/-crop_to_cutline, -epo/-eco, -outsize and -tr.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <tuple>

#include <rasterkit/gdalcore/coordinate_transform.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/geometry/cutline.h>
#include <rasterkit/utilities/translate_steps.h>

namespace rk::translate_steps {

namespace {

// -projwin's corners in the source's CRS.
struct Corners {
  double ulx, uly, lrx, lry;
};

Result<Corners> projwin_corners(const Dataset& src, const TranslateOptions& o) {
  Corners c{(*o.projwin)[0], (*o.projwin)[1], (*o.projwin)[2], (*o.projwin)[3]};
  if (o.projwin_srs.empty()) return c;
  RK_ASSIGN_OR_RETURN(SpatialRef from, SpatialRef::from_user_input(o.projwin_srs));
  if (!src.spatial_ref()) {
    return Status::invalid_argument(src.description(), "-projwin_srs needs a source with a CRS");
  }
  RK_ASSIGN_OR_RETURN(CoordinateTransform t, CoordinateTransform::create(from, *src.spatial_ref()));
  // GDAL 3.6 transforms the upper-left and lower-right corners only (not
  // the envelope of all four, as later versions do): the same grid.
  RK_RETURN_IF_ERROR(t.transform(c.ulx, c.uly));
  RK_RETURN_IF_ERROR(t.transform(c.lrx, c.lry));
  return c;
}

Result<WindowF> projwin_window(const Dataset& src, const TranslateOptions& o,
                               Resampling resampling) {
  const auto& gt = src.geo_transform();
  if (!gt)
    return Status::invalid_argument(src.description(), "-projwin needs a georeferenced source");
  if (gt->c[2] != 0 || gt->c[4] != 0) {
    return Status::not_supported(src.description(),
                                 "-projwin on a rotated geotransform (use -srcwin)");
  }
  RK_ASSIGN_OR_RETURN(Corners c, projwin_corners(src, o));
  WindowF w{(c.ulx - gt->c[0]) / gt->c[1], (c.uly - gt->c[3]) / gt->c[5],
            (c.lrx - c.ulx) / gt->c[1], (c.lry - c.uly) / gt->c[5]};
  if (resampling == Resampling::kNearest) {
    // GDAL aligns the window on whole source pixels for nearest.
    w.x = std::floor(w.x + 0.001);
    w.y = std::floor(w.y + 0.001);
    w.width = std::floor(w.width + 0.5);
    w.height = std::floor(w.height + 0.5);
  }
  if (!(w.width > 0) || !(w.height > 0)) {
    return Status::invalid_argument("-projwin",
                                    "the window is empty (check the corner order: "
                                    "upper left, then lower right)");
  }
  return w;
}

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

// -crop_to_cutline: the cutline's bounding box in whole source pixels,
// inside the raster and the asked window.
Result<WindowF> crop_to(const Geometry& cutline, const Dataset& src, const WindowChoice& w,
                        const std::string& subject) {
  const Envelope e = *cutline.envelope();
  double x0 = std::max(0.0, std::floor(e.min_x + 1e-9));
  double y0 = std::max(0.0, std::floor(e.min_y + 1e-9));
  double x1 = std::min(static_cast<double>(src.x_size()), std::ceil(e.max_x - 1e-9));
  double y1 = std::min(static_cast<double>(src.y_size()), std::ceil(e.max_y - 1e-9));
  if (w.windowed) {
    x0 = std::max(x0, w.window.x);
    y0 = std::max(y0, w.window.y);
    x1 = std::min(x1, w.window.x + w.window.width);
    y1 = std::min(y1, w.window.y + w.window.height);
  }
  if (x1 <= x0 || y1 <= y0) {
    return Status::invalid_argument(subject, "the cutline does not intersect the source window");
  }
  return WindowF{x0, y0, x1 - x0, y1 - y0};
}

Status check_outside(const Dataset& src, const TranslateOptions& o, const WindowF& w) {
  const double sxs = static_cast<double>(src.x_size()), sys = static_cast<double>(src.y_size());
  const bool completely = w.x >= sxs || w.y >= sys || w.x + w.width <= 0 || w.y + w.height <= 0;
  // gdal_translate's test, a pixel's slack on each side: a window less
  // than one pixel past an edge (a -projwin corner 5e-8 pixel outside, or
  // -srcwin -0.5 ...) is not "outside", and is read with the edge filled.
  const bool partially =
      w.x <= -1 || w.y <= -1 || w.x + w.width >= sxs + 1 || w.y + w.height >= sys + 1;
  if (!partially) return Status();
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "the window %g %g %g %g (pixels) falls %s outside the %lldx%lld raster", w.x, w.y,
                w.width, w.height, completely ? "completely" : "partially",
                static_cast<long long>(src.x_size()), static_cast<long long>(src.y_size()));
  if (completely && (o.error_completely_outside || o.error_partially_outside)) {
    return Status::out_of_range(src.description(), buf);
  }
  if (o.error_partially_outside) return Status::out_of_range(src.description(), buf);
  if (!o.quiet) emit_warning(src.description(), std::string(buf) + "; going on however");
  return Status();
}

// -outsize's "X[%]" for a window side of `base` pixels.
int64_t size_from(const std::string& s, double base) {
  if (!s.empty() && s.back() == '%') {
    // gdal_translate truncates percentage sizes (97 at 50% is 48), and
    // divides first: 114% of 150 is 1.14 * 150 = 170.99999999999997, so 170.
    const double pct = std::strtod(s.substr(0, s.size() - 1).c_str(), nullptr);
    return static_cast<int64_t>(pct / 100.0 * base);
  }
  return static_cast<int64_t>(std::llround(std::strtod(s.c_str(), nullptr)));
}

}  // namespace

Result<WindowChoice> choose_window(const Dataset& src, const TranslateOptions& o,
                                   Resampling resampling) {
  WindowChoice w;
  w.window = WindowF{0, 0, static_cast<double>(src.x_size()), static_cast<double>(src.y_size())};
  if (o.srcwin) {
    w.window = WindowF{(*o.srcwin)[0], (*o.srcwin)[1], (*o.srcwin)[2], (*o.srcwin)[3]};
    w.windowed = true;
  } else if (o.projwin) {
    RK_ASSIGN_OR_RETURN(w.window, projwin_window(src, o, resampling));
    w.windowed = true;
  }
  if (!o.cutline.empty()) {
    RK_ASSIGN_OR_RETURN(w.cutline, load_cutline(o, src));
    if (o.crop_to_cutline) {
      RK_ASSIGN_OR_RETURN(w.window, crop_to(*w.cutline, src, w, o.cutline));
      w.windowed = true;
    }
  }
  if (o.srcwin || o.projwin) RK_RETURN_IF_ERROR(check_outside(src, o, w.window));
  return w;
}

Result<Grid> output_grid(const Dataset& src, const TranslateOptions& o, const WindowChoice& w,
                         Resampling resampling) {
  Grid g;
  g.window = w.window;
  g.windowed = w.windowed;
  const double ww = w.window.width, wh = w.window.height;
  g.width = static_cast<int64_t>(std::ceil(ww - 0.001));
  g.height = static_cast<int64_t>(std::ceil(wh - 0.001));
  if (o.outsize) {
    g.width = size_from(o.outsize->first, ww);
    g.height = size_from(o.outsize->second, wh);
    // A percentage that leaves less than a pixel is an error in
    // gdal_translate (only a literal 0 means "keep the aspect ratio").
    for (const auto& [text, base, size, what] :
         {std::make_tuple(o.outsize->first, ww, g.width, "width"),
          std::make_tuple(o.outsize->second, wh, g.height, "height")}) {
      if (size == 0 && !text.empty() && text.back() == '%') {
        char buf[96];
        std::snprintf(buf, sizeof buf, "Invalid output %s: %g", what,
                      base * std::strtod(text.c_str(), nullptr) / 100.0);
        return Status::invalid_argument("-outsize", buf);
      }
    }
    if (g.width == 0 && g.height == 0) {
      return Status::invalid_argument("-outsize", "both sizes cannot be 0");
    }
    if (g.width == 0) g.width = std::llround(static_cast<double>(g.height) * ww / wh);
    if (g.height == 0) g.height = std::llround(static_cast<double>(g.width) * wh / ww);
  } else if (o.target_resolution) {
    const auto& gt = src.geo_transform();
    if (!gt) return Status::invalid_argument(src.description(), "-tr needs a georeferenced source");
    g.width = static_cast<int64_t>(ww * std::fabs(gt->c[1]) / o.target_resolution->first + 0.5);
    g.height = static_cast<int64_t>(wh * std::fabs(gt->c[5]) / o.target_resolution->second + 0.5);
    if (resampling != Resampling::kNearest) {
      g.dest_width = ww * std::fabs(gt->c[1]) / o.target_resolution->first;
      g.dest_height = wh * std::fabs(gt->c[5]) / o.target_resolution->second;
    }
  }
  if (g.width <= 0 || g.height <= 0 || g.width > (int64_t{1} << 31) ||
      g.height > (int64_t{1} << 31)) {
    return Status::invalid_argument(src.description(), "output size " + std::to_string(g.width) +
                                                           "x" + std::to_string(g.height) +
                                                           " is not valid");
  }
  if (!(g.dest_width > 0)) g.dest_width = static_cast<double>(g.width);
  if (!(g.dest_height > 0)) g.dest_height = static_cast<double>(g.height);
  return g;
}

}  // namespace rk::translate_steps
