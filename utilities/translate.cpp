// rk::translate: resolve the window, build the view, choose the writer,
// write.
#include <rasterkit/utilities/translate.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <rasterkit/gdalcore/driver.h>
#include <rasterkit/gdalcore/driver_manager.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/statistics.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/gdalcore/worker_pool.h>
#include <rasterkit/geometry/cutline.h>
#include <rasterkit/utilities/arg_parsing.h>
#include <rasterkit/utilities/translate_steps.h>

namespace rk {

namespace translate_steps {

namespace {

// The source's RPCs for the output: when the window or size changes (any
// -outsize or -tr counts, as with GDAL), the sample and line offsets and
// scales follow the pixels, rewritten with %.15g.
Metadata::Items adjusted_rpc(const Dataset& src, const TranslateOptions& o, const Grid& grid) {
  Metadata::Items items = src.metadata().items("RPC");
  const WindowF& w = grid.window;
  const bool full = w.x == 0 && w.y == 0 && w.width == static_cast<double>(src.x_size()) &&
                    w.height == static_cast<double>(src.y_size());
  if (items.empty() || (full && !o.outsize && !o.target_resolution)) return items;
  const double rx = static_cast<double>(grid.width) / w.width;
  const double ry = static_cast<double>(grid.height) / w.height;
  for (auto& [key, value] : items) {
    const double v = std::strtod(value.c_str(), nullptr);
    double out;
    if (key == "SAMP_OFF") {
      out = (v - w.x) * rx;
    } else if (key == "LINE_OFF") {
      out = (v - w.y) * ry;
    } else if (key == "SAMP_SCALE") {
      out = v * rx;
    } else if (key == "LINE_SCALE") {
      out = v * ry;
    } else {
      continue;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", out);
    value = buf;
  }
  return items;
}

}  // namespace

Status describe_dataset(const Dataset& src, const TranslateOptions& o, const Grid& grid,
                        ViewSpec* spec) {
  const WindowF& w = grid.window;
  const double rx = grid.x_ratio(), ry = grid.y_ratio();
  if (const auto& gt = src.geo_transform()) {
    GeoTransform g;
    g.c = {gt->c[0] + w.x * gt->c[1] + w.y * gt->c[2], gt->c[1] * rx, gt->c[2] * ry,
           gt->c[3] + w.x * gt->c[4] + w.y * gt->c[5], gt->c[4] * rx, gt->c[5] * ry};
    if (o.target_resolution) {
      // The asked resolution is written as given (the pixels are resampled
      // to the rounded output size).
      g.c[1] = std::copysign(o.target_resolution->first, g.c[1]);
      g.c[5] = std::copysign(o.target_resolution->second, g.c[5]);
    }
    spec->geo_transform = g;
  }
  if (o.assign_ullr) {
    const auto& u = *o.assign_ullr;
    GeoTransform g;
    g.c = {u[0], (u[2] - u[0]) / static_cast<double>(grid.width), 0, u[1],
           0,    (u[3] - u[1]) / static_cast<double>(grid.height)};
    spec->geo_transform = g;
  }
  spec->spatial_ref = src.spatial_ref();
  if (!o.assign_srs.empty()) {
    if (o.assign_srs == "None" || o.assign_srs == "none") {
      spec->spatial_ref.reset();
    } else {
      RK_ASSIGN_OR_RETURN(SpatialRef s, SpatialRef::from_user_input(o.assign_srs));
      spec->spatial_ref = s;
    }
  }
  if (!src.gcps().empty() && !o.assign_ullr && !o.no_gcps) {
    for (Gcp g : src.gcps()) {
      g.pixel = (g.pixel - w.x) / rx;
      g.line = (g.line - w.y) / ry;
      spec->gcps.push_back(g);
    }
    spec->gcp_spatial_ref = o.assign_srs.empty() ? src.gcp_spatial_ref() : spec->spatial_ref;
  }
  // gdal_translate carries the default domain, the RPCs (adjusted to the
  // window and size) and the XMP packet (unless -noxmp); no other domain.
  // METADATATYPE only says which RPC side-car was read: not carried.
  Metadata::Items items = src.metadata().items("");
  items.erase(std::remove_if(items.begin(), items.end(),
                             [](const auto& kv) { return kv.first == "METADATATYPE"; }),
              items.end());
  spec->metadata.set_items(std::move(items), "");
  if (!o.no_xmp) spec->metadata.set_items(src.metadata().items("xml:XMP"), "xml:XMP");
  spec->metadata.set_items(adjusted_rpc(src, o, grid), "RPC");
  for (const std::string& kv : o.metadata_items) {
    RK_ASSIGN_OR_RETURN(auto item, cli::parse_key_value("-mo", kv));
    spec->metadata.set(item.first, item.second);
  }
  return Status();
}

Status add_cutline(const Geometry& cutline, const Grid& grid, ViewSpec* spec) {
  const double rx = grid.x_ratio(), ry = grid.y_ratio();
  RK_ASSIGN_OR_RETURN(Geometry in_output, cutline.map_points([&](double& x, double& y) {
    x = (x - grid.window.x) / rx;
    y = (y - grid.window.y) / ry;
    return true;
  }));
  RK_ASSIGN_OR_RETURN(CutlineMask mask, CutlineMask::create(in_output));
  spec->cutline = std::make_shared<const CutlineMask>(std::move(mask));
  // Bands without nodata get 0 outside; an alpha band (0 outside) tells
  // those pixels apart unless the output has one already.
  bool has_alpha = false, all_nodata = true;
  for (const ViewBandSpec& b : spec->bands) {
    has_alpha = has_alpha || b.color_interp == ColorInterp::kAlpha;
    all_nodata = all_nodata && b.nodata.has_value();
  }
  if (!has_alpha && !all_nodata) {
    ViewBandSpec alpha;
    alpha.source = ViewBandSpec::Source::kCutlineAlpha;
    alpha.type = spec->bands[0].type;
    alpha.color_interp = ColorInterp::kAlpha;
    spec->bands.push_back(std::move(alpha));
  }
  return Status();
}

}  // namespace translate_steps

namespace {

namespace steps = translate_steps;

Result<const Driver*> output_driver(const TranslateOptions& o, const std::string& destination) {
  DriverManager& dm = DriverManager::global();
  std::string name = o.format;
  if (name.empty()) {
    const size_t dot = destination.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : destination.substr(dot + 1);
    for (const Driver* d : dm.drivers()) {
      for (const std::string& e : d->extensions()) {
        if (!ext.empty() && iequals(e, ext) && d->can_create()) return d;
      }
    }
    name = "GTiff";
  }
  if (const Driver* d = dm.find(name)) {
    if (!d->can_create()) return Status::not_supported(name, "the driver cannot create files");
    return d;
  }
  std::string known;
  for (const Driver* d : dm.drivers()) {
    if (d->can_create()) known += (known.empty() ? "" : ", ") + std::string(d->short_name());
  }
  return Status::invalid_argument("-of",
                                  "unknown format '" + name + "' (can write: " + known + ")");
}

// Fails, naming the destination and the operating system's reason, when
// its folder cannot take a new file — before any pixel is read.
Status check_destination(const std::string& destination) {
  const size_t slash = destination.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : destination.substr(0, slash + 1);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status::io_error(destination,
                            std::string("cannot create the file: ") + std::strerror(errno));
  }
  return Status();
}

// A GeoTIFF holds one data type for all its bands: gdal_translate writes
// every band in band 1's type, with a warning. The view computes them in
// that type from the start, since GDAL's scaling works at the precision of
// the type it is read into (measured: -b mask -b 1 -scale_2 of a UInt32
// band rounds 73.4999998 through single precision to 74, as for a Byte
// output, where UInt32's double precision gives 73).
void one_type_per_file(const std::string& destination, ViewSpec* spec) {
  const DataType first = spec->bands.front().type;
  bool mixed = false;
  for (ViewBandSpec& b : spec->bands) {
    mixed = mixed || b.type != first;
    b.type = first;
  }
  if (mixed) {
    emit_warning(destination,
                 "bands of different data types: a GeoTIFF holds one, so all are "
                 "written as " +
                     std::string(data_type_name(first)) + ", band 1's type");
  }
}

// A paletted band read with an interpolating kernel is read with nearest
// (RasterBand::applied_resampling); gdal_translate warns once, when a read
// is resampled at all, and so does this (the view's reads are pieces that
// do not warn themselves).
void warn_of_fallback(const Dataset& src, const ViewSpec& spec) {
  const WindowF& w = spec.source_window;
  const bool resampled = w.x != std::floor(w.x) || w.y != std::floor(w.y) ||
                         w.width != spec.dest_width || w.height != spec.dest_height;
  if (!resampled) return;
  for (const ViewBandSpec& b : spec.bands) {
    if (b.source != ViewBandSpec::Source::kBand &&
        b.source != ViewBandSpec::Source::kPaletteEntry) {
      continue;
    }
    const RasterBand* band = src.band(b.src_band);
    if (!band) continue;
    std::string warning;
    band->applied_resampling(spec.resampling, &warning);
    if (!warning.empty()) {
      emit_warning(src.description(), warning);
      return;
    }
  }
}

Result<ViewSpec> view_spec(const Dataset& src, const TranslateOptions& o, bool pixel_output) {
  const Resampling resampling = *parse_resampling(o.resampling);
  RK_ASSIGN_OR_RETURN(steps::WindowChoice choice, steps::choose_window(src, o, resampling));
  RK_ASSIGN_OR_RETURN(steps::Grid grid, steps::output_grid(src, o, choice, resampling));
  ViewSpec spec;
  spec.width = grid.width;
  spec.height = grid.height;
  spec.source_window = grid.window;
  spec.dest_width = grid.dest_width;
  spec.dest_height = grid.dest_height;
  spec.resampling = resampling;
  RK_ASSIGN_OR_RETURN(spec.bands, steps::band_specs(src, o, grid));
  steps::choose_kernel_types(src, o, grid, pixel_output, &spec.bands);
  spec.nearest_for_aligned_requests = steps::nearest_for_aligned_requests(src, spec.bands);
  RK_RETURN_IF_ERROR(steps::describe_dataset(src, o, grid, &spec));
  if (choice.cutline) RK_RETURN_IF_ERROR(steps::add_cutline(*choice.cutline, grid, &spec));
  warn_of_fallback(src, spec);
  return spec;
}

// -stats: the output's statistics, kept in its band metadata (a GeoTIFF
// writes them into its own GDAL_METADATA tag). A band with no valid pixel
// gets STATISTICS_VALID_PERCENT=0 only, and a warning, as with GDAL.
Status add_statistics(TranslateView& view) {
  for (int b = 1; b <= view.band_count(); ++b) {
    Result<BandStatistics> st = compute_statistics(*view.band(b), StatisticsOptions{});
    Metadata::Items computed;
    if (st.ok()) {
      computed = statistics_metadata_items(*st, false);
    } else if (st.status().code() == StatusCode::kNotFound) {
      emit_warning(st.status().subject(), "failed to compute statistics: no valid pixel");
      computed.emplace_back("STATISTICS_VALID_PERCENT", "0");
    } else {
      return st.status();
    }
    Metadata md = view.band(b)->metadata();
    Metadata::Items items = without_statistics(md.items(""));
    for (auto& kv : computed) items.push_back(std::move(kv));
    md.set_items(std::move(items), "");
    view.set_band_metadata(b, std::move(md));
  }
  return Status();
}

Result<std::unique_ptr<Dataset>> run(const Dataset& src, const std::string& destination,
                                     const TranslateOptions& o, const ProgressFn& progress) {
  RK_ASSIGN_OR_RETURN(Options creation, Options::parse(o.creation_options));
  RK_ASSIGN_OR_RETURN(const Driver* driver, output_driver(o, destination));
  if (src.description() == destination) {
    return Status::invalid_argument(destination, "the source and destination must differ");
  }
  const bool in_memory = iequals(driver->short_name(), "MEM");
  if (!in_memory) RK_RETURN_IF_ERROR(check_destination(destination));
  // As gdal_translate into GTiff (measured against GDAL 3.6): an
  // uncompressed output keeps the source's band interleaving (a one-band
  // source counts as BAND) unless INTERLEAVE is given; compressed outputs
  // default to PIXEL.
  const bool gtiff = iequals(driver->short_name(), "GTiff");
  const std::string compress = creation.get_or("COMPRESS", "");
  if (gtiff && creation.get_or("INTERLEAVE", "").empty() &&
      (compress.empty() || iequals(compress, "NONE")) &&
      iequals(src.metadata().get("INTERLEAVE", "IMAGE_STRUCTURE").value_or(""), "BAND")) {
    creation.set("INTERLEAVE", "BAND");
  }
  const bool pixel_output =
      iequals(creation.get_or("INTERLEAVE", gtiff ? "PIXEL" : "BAND"), "PIXEL");
  RK_ASSIGN_OR_RETURN(ViewSpec spec, view_spec(src, o, pixel_output));
  if (gtiff) one_type_per_file(destination, &spec);
  // The view's computed blocks and the output's are each used once, in
  // row order: small private caches keep the peak memory near a swath.
  const size_t budget = BlockCache::global().capacity();
  BlockCache view_cache(std::min<size_t>(budget, size_t{16} << 20));
  BlockCache output_cache(std::min<size_t>(budget, size_t{32} << 20));
  WorkerPool pool(translate_thread_count(o));
  TranslateView view(src, std::move(spec), &pool, &view_cache);
  if (o.stats) RK_RETURN_IF_ERROR(add_statistics(view));
  // A MEM result outlives this call: it keeps to the global cache.
  return driver->create_copy(destination, view, creation, progress,
                             in_memory ? nullptr : &output_cache);
}

}  // namespace

int translate_thread_count(const TranslateOptions& o) {
  if (o.threads > 0) return o.threads;
  // GDAL's NUM_THREADS creation option sets the worker count too.
  for (const std::string& kv : o.creation_options) {
    if (kv.size() > 12 && iequals(kv.substr(0, 12), "NUM_THREADS=")) {
      if (const int t = WorkerPool::parse_thread_count(kv.substr(12))) return t;
    }
  }
  return WorkerPool::default_thread_count();
}

Result<std::unique_ptr<Dataset>> translate(const Dataset& src, const std::string& destination,
                                           const TranslateOptions& options,
                                           const ProgressFn& progress) {
  return no_exceptions(destination, [&] { return run(src, destination, options, progress); });
}

}  // namespace rk
