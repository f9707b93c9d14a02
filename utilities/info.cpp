// rk::info: gathers the report; info_text.cpp and info_json.cpp render it.
#include <rasterkit/utilities/info.h>

#include <rasterkit/utilities/info_render.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include <rasterkit/gdalcore/checksum.h>
#include <rasterkit/gdalcore/coordinate_transform.h>
#include <rasterkit/gdalcore/driver.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/pam.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/gdalcore/worker_pool.h>

namespace rk {

namespace {

using info_render::rounded;

// A transform from the dataset's CRS to its geographic CRS (for the corner
// longitudes/latitudes) or to WGS 84 (for wgs84Extent); none if either is
// unavailable.
std::optional<CoordinateTransform> transform_to(const Dataset& ds, bool wgs84) {
  if (!ds.geo_transform() || !ds.spatial_ref()) return std::nullopt;
  const SpatialRef& srs = *ds.spatial_ref();
  Result<SpatialRef> target =
      wgs84 ? SpatialRef::from_user_input("OGC:CRS84") : srs.geographic_crs();
  if (!target.ok()) return std::nullopt;
  auto t = CoordinateTransform::create(srs, *target);
  if (!t.ok()) return std::nullopt;
  return std::move(t).value();
}

void gather_corners(const Dataset& ds, InfoReport* r) {
  const double w = static_cast<double>(ds.x_size()), h = static_cast<double>(ds.y_size());
  r->corners = {{"Upper Left", "upperLeft", 0, 0, 0, 0, std::nullopt},
                {"Lower Left", "lowerLeft", 0, h, 0, 0, std::nullopt},
                {"Upper Right", "upperRight", w, 0, 0, 0, std::nullopt},
                {"Lower Right", "lowerRight", w, h, 0, 0, std::nullopt},
                {"Center", "center", w / 2, h / 2, 0, 0, std::nullopt}};
  std::optional<CoordinateTransform> to_geo = transform_to(ds, false);
  for (InfoCorner& c : r->corners) {
    c.x = c.pixel;
    c.y = c.line;
    if (const auto& gt = ds.geo_transform()) {
      c.x = gt->c[0] + c.pixel * gt->c[1] + c.line * gt->c[2];
      c.y = gt->c[3] + c.pixel * gt->c[4] + c.line * gt->c[5];
    }
    double lon = c.x, lat = c.y;
    if (to_geo && to_geo->transform(lon, lat).ok()) c.geographic = std::make_pair(lon, lat);
  }
  std::optional<CoordinateTransform> to_wgs84 = transform_to(ds, true);
  if (!to_wgs84) return;
  // gdalinfo transforms the corners as it printed them (rounded).
  std::vector<std::pair<double, double>> ring;
  for (int k : {0, 1, 3, 2, 0}) {
    const InfoCorner& c = r->corners[static_cast<size_t>(k)];
    const int digits = std::fabs(c.x) < 181 && std::fabs(c.y) < 91 ? 7 : 3;
    double x = rounded(c.x, digits), y = rounded(c.y, digits);
    if (!to_wgs84->transform(x, y).ok()) return;
    ring.emplace_back(rounded(x, 7), rounded(y, 7));
  }
  r->wgs84_extent = std::move(ring);
}

// GDAL lists, in the DERIVED_SUBDATASETS domain of every file dataset,
// the views its "derived" driver offers; shown with -mdd all (or by name).
void add_derived_subdatasets(const Dataset& ds, const InfoOptions& o, Metadata* md) {
  const auto& d = o.extra_domains;
  const bool asked = std::find(d.begin(), d.end(), "all") != d.end() ||
                     std::find(d.begin(), d.end(), "DERIVED_SUBDATASETS") != d.end();
  if (!asked || ds.band_count() == 0 || !ds.driver() || !ds.driver()->keeps_side_cars()) return;
  bool complex = false;
  for (int b = 1; b <= ds.band_count(); ++b)
    complex = complex || is_complex(ds.band(b)->data_type());
  static const std::pair<const char*, const char*> kComplex[] = {
      {"AMPLITUDE", "Amplitude"},
      {"PHASE", "Phase"},
      {"REAL", "Real part"},
      {"IMAG", "Imaginary part"},
      {"CONJ", "Conjugate"},
      {"INTENSITY", "Intensity (squared amplitude)"},
      {"LOGAMPLITUDE", "log10 of amplitude"}};
  Metadata::Items items;
  int n = 0;
  for (const auto& [name, desc] : kComplex) {
    if (!complex && std::string(name) != "LOGAMPLITUDE") continue;
    const std::string k = "DERIVED_SUBDATASET_" + std::to_string(++n);
    items.emplace_back(k + "_NAME",
                       "DERIVED_SUBDATASET:" + std::string(name) + ":" + ds.description());
    items.emplace_back(k + "_DESC", std::string(desc) + " of input bands from " + ds.description());
  }
  md->set_items(std::move(items), "DERIVED_SUBDATASETS");
}

Status gather_dataset(const Dataset& ds, const InfoOptions& o, InfoReport* r) {
  r->options = o;
  r->description = ds.description();
  if (const Driver* d = ds.driver()) {
    r->driver_short_name = d->short_name();
    r->driver_long_name = d->long_name();
  }
  r->files = ds.file_list();
  if (!o.all_files) r->files.resize(1);
  r->x_size = ds.x_size();
  r->y_size = ds.y_size();
  r->spatial_ref = ds.spatial_ref();
  if (const auto& srs = ds.spatial_ref()) {
    RK_ASSIGN_OR_RETURN(r->srs_wkt, srs->to_wkt(o.wkt_format));
    if (o.proj4) {
      // As OGRSpatialReference::exportToProj4: PROJ's "+type=crs" left out.
      r->srs_proj4 = srs->to_proj4();
      const std::string suffix = " +type=crs";
      const size_t at = r->srs_proj4.rfind(suffix);
      if (at != std::string::npos && at + suffix.size() == r->srs_proj4.size()) {
        r->srs_proj4.erase(at);
      }
    }
    r->axis_mapping = srs->data_axis_to_srs_axis_mapping();
  }
  r->geo_transform = ds.geo_transform();
  if (o.show_gcps) {
    r->gcps = ds.gcps();
    if (const auto& gsrs = ds.gcp_spatial_ref(); gsrs && !r->gcps.empty()) {
      RK_ASSIGN_OR_RETURN(r->gcp_srs_wkt, gsrs->to_wkt(o.wkt_format));
      r->gcp_axis_mapping = gsrs->data_axis_to_srs_axis_mapping();
    }
  }
  r->metadata = ds.metadata();
  add_derived_subdatasets(ds, o, &r->metadata);
  gather_corners(ds, r);
  return Status();
}

// Statistics kept with the file (STATISTICS_* metadata, from its tags or
// its side-car). gdalinfo reports them as they are — without -stats, and
// with -stats too unless they are approximate and -stats wants exact ones.
struct StoredStatistics {
  std::optional<BandStatistics> values;  // all four of min, max, mean, stddev
  bool approximate = false;
};

StoredStatistics stored_statistics(const RasterBand& band, InfoBand* b) {
  const Metadata& md = band.metadata();
  const auto min_max = stored_min_max(band);
  const auto mean = metadata_number(md, "STATISTICS_MEAN");
  const auto sd = metadata_number(md, "STATISTICS_STDDEV");
  b->stored_min_max = min_max;
  StoredStatistics s;
  if (min_max && mean && sd) {
    s.values = BandStatistics{min_max->first, min_max->second, *mean, *sd, 0, 0};
  }
  s.approximate = iequals(md.get("STATISTICS_APPROXIMATE").value_or(""), "YES");
  return s;
}

// Computes statistics as gdalinfo does and records them in the band's
// metadata and in `save` (for the side-car). Approximate is said only when
// pixels were really skipped. A band without a valid pixel gets
// STATISTICS_VALID_PERCENT=0 and a warning, as with GDAL.
Result<std::optional<BandStatistics>> compute_and_record(RasterBand& band, StatisticsOptions so,
                                                         InfoBand* b, PamBandUpdate* save) {
  Result<BandStatistics> s = compute_statistics(band, so);
  Metadata::Items items;
  std::optional<BandStatistics> out;
  if (s.ok()) {
    const uint64_t pixels = static_cast<uint64_t>(band.x_size()) * band.y_size();
    items = statistics_metadata_items(*s, so.approx && s->sample_count < pixels);
    out = *s;
  } else if (s.status().code() == StatusCode::kNotFound) {
    emit_warning(s.status().subject(), "failed to compute statistics: no valid pixel");
    items.emplace_back("STATISTICS_VALID_PERCENT", "0");
  } else {
    return s.status();
  }
  Metadata::Items all = without_statistics(b->metadata.items(""));
  all.insert(all.end(), items.begin(), items.end());
  b->metadata.set_items(std::move(all), "");
  // GDAL keeps a domain's items sorted, new ones included.
  const std::string default_domain;
  b->metadata.sort_items(&default_domain);
  save->statistics = std::move(items);
  return out;
}

// What gdalinfo 3.6 -hist leaves of statistics it computed on an overview
// for the histogram's range: the overview's STATISTICS_VALID_PERCENT
// (measured: GDALGetDefaultHistogram keeps no other item then).
void keep_only_valid_percent(InfoBand* b, PamBandUpdate* save) {
  auto only = [](const Metadata::Items& items) {
    Metadata::Items out;
    for (const auto& kv : items) {
      if (kv.first.rfind("STATISTICS_", 0) != 0 || kv.first == "STATISTICS_VALID_PERCENT") {
        out.push_back(kv);
      }
    }
    return out;
  };
  b->metadata.set_items(only(b->metadata.items("")), "");
  if (save->statistics) save->statistics = only(*save->statistics);
}

// -hist: the histogram kept with the file, else 256 buckets computed over
// gdalinfo's range, from statistics it computes (approximately) and
// records when none are at hand.
Status band_histogram(RasterBand& band, const StatisticsOptions& so,
                      std::optional<BandStatistics> stats, InfoBand* b, PamBandUpdate* save) {
  if (band.default_histogram()) {
    // One kept with the file; if it cannot be read, none (as gdalinfo).
    if (!band.default_histogram()->counts.empty()) b->histogram = band.default_histogram();
    return Status();
  }
  const bool fixed = band.data_type() == DataType::kByte || band.data_type() == DataType::kInt8;
  if (!fixed && !stats) {
    StatisticsOptions approx = so;
    approx.approx = true;
    RK_ASSIGN_OR_RETURN(stats, compute_and_record(band, approx, b, save));
    if (!stats) return Status();  // no valid pixel: no histogram, as GDAL
    if (stats->from_overview) keep_only_valid_percent(b, save);
  }
  Result<std::pair<double, double>> range =
      default_histogram_range(band, stats ? &*stats : nullptr);
  if (!range.ok()) {
    b->histogram_failed = true;
    emit_warning(range.status().subject(), range.status().message());
    return Status();
  }
  StatisticsOptions exact = so;
  exact.approx = false;
  RK_ASSIGN_OR_RETURN(Histogram h,
                      compute_histogram(band, range->first, range->second, 256, exact, true));
  b->histogram = h;
  b->histogram_computed = true;
  save->histogram = PamHistogram{std::move(h), true, false};
  return Status();
}

Status compute_band_statistics(RasterBand& band, const InfoOptions& o, WorkerPool* pool,
                               InfoBand* b, PamBandUpdate* save) {
  StatisticsOptions so;
  so.approx = o.approx_stats;
  so.pool = pool;
  const StoredStatistics stored = stored_statistics(band, b);
  // What the "Minimum=..." line shows without -stats.
  if (stored.values && (!stored.approximate || o.approx_stats)) b->statistics = stored.values;
  std::optional<BandStatistics> computed_exactly;
  if (o.compute_stats && !b->statistics) {
    RK_ASSIGN_OR_RETURN(b->statistics, compute_and_record(band, so, b, save));
    if (!o.approx_stats) computed_exactly = b->statistics;
  }
  if (o.compute_min_max) {
    std::optional<BandStatistics> mm = computed_exactly;
    if (!mm) {
      StatisticsOptions all = so;
      all.approx = false;
      Result<BandStatistics> s = compute_statistics(band, all);
      if (s.ok())
        mm = *s;
      else if (s.status().code() != StatusCode::kNotFound)
        return s.status();
    }
    if (mm) b->computed_min_max = std::make_pair(mm->min, mm->max);
  }
  if (o.histogram) {
    // The range comes from any statistics at hand, approximate ones too;
    // ones computed just now as gdalinfo reads them back, from their
    // metadata items (%.14g).
    std::optional<BandStatistics> for_range = b->statistics ? b->statistics : stored.values;
    if (for_range && b->statistics && !stored.values) {
      for (double* v : {&for_range->min, &for_range->max}) {
        char text[64];
        std::snprintf(text, sizeof text, "%.14g", *v);
        *v = std::strtod(text, nullptr);
      }
    }
    RK_RETURN_IF_ERROR(band_histogram(band, so, for_range, b, save));
  }
  return Status();
}

// As gdalinfo: a band that cannot be read gets checksum -1 and a warning;
// the rest of the report still comes out.
int checksum_or_minus_one(RasterBand& band, WorkerPool* pool) {
  Result<int> c = compute_checksum(band, Window{}, pool);
  if (c.ok()) return *c;
  emit_warning(c.status().subject(), c.status().message());
  return -1;
}

std::vector<InfoOverview> overviews_of(RasterBand& band, bool checksum, WorkerPool* pool) {
  std::vector<InfoOverview> out;
  for (int i = 0; i < band.overview_count(); ++i) {
    RasterBand* ov = band.overview(i);
    InfoOverview o{ov->x_size(), ov->y_size(), std::nullopt};
    if (checksum) o.checksum = checksum_or_minus_one(*ov, pool);
    out.push_back(o);
  }
  return out;
}

Result<InfoBand> gather_band(RasterBand& band, const InfoOptions& o, WorkerPool* pool,
                             PamBandUpdate* save) {
  InfoBand b;
  b.number = band.number();
  b.block_x = band.block_x_size();
  b.block_y = band.block_y_size();
  b.type = band.data_type();
  b.color_interp = band.color_interp();
  b.description = band.description();
  b.metadata = band.metadata();
  RK_RETURN_IF_ERROR(compute_band_statistics(band, o, pool, &b, save));
  if (o.checksum) b.checksum = checksum_or_minus_one(band, pool);
  b.nodata = band.nodata();
  if (band.data_type() == DataType::kInt64) b.nodata_int64 = band.nodata_int64();
  if (band.data_type() == DataType::kUInt64) b.nodata_uint64 = band.nodata_uint64();
  b.overviews = overviews_of(band, o.checksum, pool);
  b.mask_flags = band.mask_flags();
  if ((b.mask_flags & (kMaskAllValid | kMaskNoData)) == 0) {
    if (RasterBand* mask = band.mask_band()) b.mask_overviews = overviews_of(*mask, false, pool);
  }
  b.offset = band.offset();
  b.scale = band.scale();
  b.unit = band.unit();
  b.color_table = band.color_table();
  b.category_names = band.category_names();
  return b;
}

// Saves what was computed in the dataset's side-car, as gdalinfo does; a
// failure is a warning.
void save_side_car(const Dataset& ds, const InfoOptions& o, std::vector<PamBandUpdate> updates) {
  updates.erase(
      std::remove_if(updates.begin(), updates.end(),
                     [](const PamBandUpdate& u) { return !u.statistics && !u.histogram; }),
      updates.end());
  if (updates.empty() || !o.save_statistics || !ds.driver() || !ds.driver()->keeps_side_cars()) {
    return;
  }
  Status st = save_pam_statistics(ds.description(), ds.band_count(), updates);
  if (!st.ok()) {
    emit_warning(pam_path(ds.description()),
                 "unable to save auxiliary information: " + st.message());
  }
}

Result<InfoReport> gather(const Dataset& ds, const InfoOptions& o) {
  InfoReport r;
  RK_RETURN_IF_ERROR(gather_dataset(ds, o, &r));
  const bool reads = o.compute_stats || o.compute_min_max || o.histogram || o.checksum;
  std::unique_ptr<WorkerPool> pool;
  if (reads) {
    pool = std::make_unique<WorkerPool>(o.threads > 0 ? o.threads
                                                      : WorkerPool::default_thread_count());
  }
  std::vector<PamBandUpdate> updates;
  for (int n = 1; n <= ds.band_count(); ++n) {
    PamBandUpdate save;
    save.number = n;
    save.description = ds.band(n)->description();
    RK_ASSIGN_OR_RETURN(InfoBand b, gather_band(*ds.band(n), o, pool.get(), &save));
    r.bands.push_back(std::move(b));
    updates.push_back(std::move(save));
  }
  save_side_car(ds, o, std::move(updates));
  return r;
}

}  // namespace

std::string format_dms(double degrees, const char* axis) {
  const bool lon = std::string(axis) == "Long";
  const char* hemisphere = lon ? (degrees < 0 ? "W" : "E") : (degrees < 0 ? "S" : "N");
  constexpr int kPrecision = 2;
  const double epsilon = (0.5 / 3600.0) * std::pow(0.1, kPrecision);
  const double a = std::fabs(degrees) + epsilon;
  const int d = static_cast<int>(a);
  const int m = static_cast<int>((a - d) * 60);
  double s = a * 3600 - d * 3600.0 - m * 60.0;
  if (s > epsilon * 3600.0) s -= epsilon * 3600.0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%3dd%2d'%5.2f\"%s", d, m, s, hemisphere);
  return buf;
}

Result<InfoReport> info(const Dataset& dataset, const InfoOptions& options) {
  return no_exceptions(dataset.description(), [&] { return gather(dataset, options); });
}

}  // namespace rk
