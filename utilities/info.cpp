// rk::info: gathers the report; info_text.cpp and info_json.cpp render it.
#include <rasterkit/utilities/info.h>

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <new>

#include <rasterkit/gdalcore/checksum.h>
#include <rasterkit/gdalcore/coordinate_transform.h>
#include <rasterkit/gdalcore/driver.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/gdalcore/worker_pool.h>

namespace rk {

namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> file_list(const Dataset& ds, bool all) {
  std::vector<std::string> files{ds.description()};
  if (!all) return files;
  for (const char* ext : {".ovr", ".msk", ".aux.xml"}) {
    if (file_exists(ds.description() + ext)) files.push_back(ds.description() + ext);
  }
  return files;
}

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

// Rounds as gdalinfo -json does for extents: 7 decimals for what looks
// like longitude/latitude, 3 for anything else.
double rounded(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
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

Status gather_dataset(const Dataset& ds, const InfoOptions& o, InfoReport* r) {
  r->options = o;
  r->description = ds.description();
  if (const Driver* d = ds.driver()) {
    r->driver_short_name = d->short_name();
    r->driver_long_name = d->long_name();
  }
  r->files = file_list(ds, o.all_files);
  r->x_size = ds.x_size();
  r->y_size = ds.y_size();
  r->spatial_ref = ds.spatial_ref();
  if (const auto& srs = ds.spatial_ref()) {
    RK_ASSIGN_OR_RETURN(r->srs_wkt, srs->to_wkt(o.wkt_format));
    if (o.proj4) r->srs_proj4 = srs->to_proj4();
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
  gather_corners(ds, r);
  return Status();
}

std::optional<double> metadata_number(const Metadata& md, const char* key) {
  const auto v = md.get(key);
  if (!v) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (end == v->c_str()) return std::nullopt;
  return d;
}

// Statistics kept in the band's metadata (STATISTICS_*), as GDAL reports
// them without -stats.
void stored_statistics(const RasterBand& band, InfoBand* b) {
  const auto mn = metadata_number(band.metadata(), "STATISTICS_MINIMUM");
  const auto mx = metadata_number(band.metadata(), "STATISTICS_MAXIMUM");
  const auto mean = metadata_number(band.metadata(), "STATISTICS_MEAN");
  const auto sd = metadata_number(band.metadata(), "STATISTICS_STDDEV");
  if (mn && mx) b->stored_min_max = std::make_pair(*mn, *mx);
  if (mn && mx && mean && sd) b->statistics = BandStatistics{*mn, *mx, *mean, *sd, 0, 0};
}

// A missing result (every pixel nodata) is no error: the report just has
// no statistics, as with gdalinfo.
template <typename T>
Status keep_if_found(Result<T> r, std::optional<T>* out) {
  if (r.ok()) {
    *out = std::move(r).value();
    return Status();
  }
  return r.status().code() == StatusCode::kNotFound ? Status() : r.status();
}

Status compute_band_statistics(RasterBand& band, const InfoOptions& o, WorkerPool* pool,
                               InfoBand* b) {
  StatisticsOptions so;
  so.approx = o.approx_stats;
  so.pool = pool;
  if (o.compute_stats) {
    b->statistics.reset();
    RK_RETURN_IF_ERROR(keep_if_found(compute_statistics(band, so), &b->statistics));
    if (b->statistics) {
      Metadata::Items items = without_statistics(b->metadata.items(""));
      for (auto& kv : statistics_metadata_items(*b->statistics, o.approx_stats)) {
        items.push_back(std::move(kv));
      }
      b->metadata.set_items(std::move(items), "");
    }
  }
  // One pass serves -stats and -mm when -mm's exact pixels were read.
  const bool exact = o.compute_stats && !o.approx_stats && b->statistics;
  if (o.compute_min_max) {
    std::optional<BandStatistics> mm = exact ? b->statistics : std::nullopt;
    if (!mm) {
      StatisticsOptions all = so;
      all.approx = false;
      RK_RETURN_IF_ERROR(keep_if_found(compute_statistics(band, all), &mm));
    }
    if (mm) b->computed_min_max = std::make_pair(mm->min, mm->max);
  }
  if (o.histogram) {
    const BandStatistics* known = o.compute_stats && b->statistics ? &*b->statistics : nullptr;
    RK_RETURN_IF_ERROR(keep_if_found(compute_default_histogram(band, so, known), &b->histogram));
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

Result<InfoBand> gather_band(RasterBand& band, const InfoOptions& o, WorkerPool* pool) {
  InfoBand b;
  b.number = band.number();
  b.block_x = band.block_x_size();
  b.block_y = band.block_y_size();
  b.type = band.data_type();
  b.color_interp = band.color_interp();
  b.description = band.description();
  b.metadata = band.metadata();
  stored_statistics(band, &b);
  RK_RETURN_IF_ERROR(compute_band_statistics(band, o, pool, &b));
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
  return b;
}

Result<InfoReport> gather(const Dataset& ds, const InfoOptions& o) {
  InfoReport r;
  RK_RETURN_IF_ERROR(gather_dataset(ds, o, &r));
  const bool reads = o.compute_stats || o.compute_min_max || o.histogram || o.checksum;
  std::unique_ptr<WorkerPool> pool;
  if (reads)
    pool = std::make_unique<WorkerPool>(o.threads > 0 ? o.threads
                                                      : WorkerPool::default_thread_count());
  for (int n = 1; n <= ds.band_count(); ++n) {
    RK_ASSIGN_OR_RETURN(InfoBand b, gather_band(*ds.band(n), o, pool.get()));
    r.bands.push_back(std::move(b));
  }
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
  try {
    return gather(dataset, options);
  } catch (const std::bad_alloc&) {
    return Status::out_of_memory(dataset.description(), "out of memory while describing it");
  }
}

}  // namespace rk
