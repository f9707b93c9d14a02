#include "apps/info.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gdalcore/checksum.h"
#include "gdalcore/coordinate_transform.h"
#include "gdalcore/driver.h"
#include "gdalcore/statistics.h"
#include "gdalcore/warning.h"

namespace rk {

namespace {

using Json = nlohmann::ordered_json;

std::string printf_string(const char* format, double v) {
  char buf[128];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// GDAL prints doubles with %.15g in most places, nodata with %.18g.
std::string g15(double v) { return printf_string("%.15g", v); }
std::string g18(double v) { return std::isnan(v) ? "nan" : printf_string("%.18g", v); }

// Rounds as GDAL's JSON does for statistics (3 decimals) and extents (7).
double rounded(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

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

std::string mask_flags_text(int flags, std::vector<std::string>* list) {
  std::string out;
  const std::pair<int, const char*> names[] = {{kMaskAllValid, "ALL_VALID"},
                                               {kMaskPerDataset, "PER_DATASET"},
                                               {kMaskAlpha, "ALPHA"},
                                               {kMaskNoData, "NODATA"}};
  for (const auto& [bit, name] : names) {
    if (flags & bit) {
      out += std::string(out.empty() ? "" : " ") + name;
      if (list) list->push_back(name);
    }
  }
  return out;
}

// Domains shown: the default one, IMAGE_STRUCTURE (GDAL always shows it),
// and those asked for with -mdd.
std::vector<std::string> shown_domains(const Metadata& md, const InfoOptions& o) {
  std::vector<std::string> out;
  const bool all =
      std::find(o.extra_domains.begin(), o.extra_domains.end(), "all") != o.extra_domains.end();
  std::vector<std::string> domains = md.domains();
  // gdalinfo's order: the default domain, image structure, then the rest.
  std::stable_sort(domains.begin(), domains.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& d) { return d.empty() ? 0 : d == "IMAGE_STRUCTURE" ? 1 : 2; };
    return rank(a) < rank(b);
  });
  for (const std::string& d : domains) {
    if (d.empty() || d == "IMAGE_STRUCTURE" || all ||
        std::find(o.extra_domains.begin(), o.extra_domains.end(), d) != o.extra_domains.end()) {
      out.push_back(d);
    }
  }
  return out;
}

void print_metadata(std::ostringstream& out, const Metadata& md, const InfoOptions& o,
                    const char* indent) {
  for (const std::string& domain : shown_domains(md, o)) {
    if (md.items(domain).empty()) continue;
    if (domain.empty()) {
      out << indent << "Metadata:\n";
    } else if (domain == "IMAGE_STRUCTURE") {
      out << indent << "Image Structure Metadata:\n";
    } else {
      out << indent << "Metadata (" << domain << "):\n";
    }
    for (const auto& [k, v] : md.items(domain)) out << indent << "  " << k << "=" << v << "\n";
  }
}

Json metadata_json(const Metadata& md, const InfoOptions& o) {
  Json out = Json::object();
  for (const std::string& domain : shown_domains(md, o)) {
    Json items = Json::object();
    for (const auto& [k, v] : md.items(domain)) items[k] = v;
    out[domain] = items;
  }
  return out;
}

struct Corner {
  const char* text_name;
  const char* json_name;
  double px, py;
};

// The five corners gdalinfo reports, in its order.
std::vector<Corner> corners(const Dataset& ds) {
  const double w = static_cast<double>(ds.x_size()), h = static_cast<double>(ds.y_size());
  return {{"Upper Left", "upperLeft", 0, 0},
          {"Lower Left", "lowerLeft", 0, h},
          {"Upper Right", "upperRight", w, 0},
          {"Lower Right", "lowerRight", w, h},
          {"Center", "center", w / 2, h / 2}};
}

void georef(const Dataset& ds, double px, double py, double* x, double* y) {
  if (const auto& gt = ds.geo_transform()) {
    *x = gt->c[0] + px * gt->c[1] + py * gt->c[2];
    *y = gt->c[3] + px * gt->c[4] + py * gt->c[5];
  } else {
    *x = px;
    *y = py;
  }
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
  if (!wgs84 && srs.is_geographic()) {
    // Already longitude/latitude: GDAL prints them as DMS too.
  }
  auto t = CoordinateTransform::create(srs, *target);
  if (!t.ok()) return std::nullopt;
  return std::move(t).value();
}

std::string dms_pair(std::optional<CoordinateTransform>& t, double x, double y) {
  if (!t || !t->transform(x, y).ok()) return "";
  return "(" + format_dms(x, "Long") + "," + format_dms(y, "Lat") + ")";
}

struct BandReport {
  std::optional<BandStatistics> stats;  // computed (-stats) or from metadata
  bool stats_from_metadata = false;
  std::optional<std::pair<double, double>> computed_min_max;
  std::optional<Histogram> histogram;
  std::optional<int> checksum;
  std::vector<int> overview_checksums;
  Metadata metadata;  // with STATISTICS_* added when computed
};

std::optional<double> metadata_number(const Metadata& md, const char* key) {
  const auto v = md.get(key);
  if (!v) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (end == v->c_str()) return std::nullopt;
  return d;
}

Result<BandReport> gather(RasterBand& band, const InfoOptions& o) {
  BandReport r;
  r.metadata = band.metadata();
  StatisticsOptions so;
  so.approx = o.approx_stats;
  so.pool = o.pool;
  if (o.compute_stats) {
    Result<BandStatistics> s = compute_statistics(band, so);
    if (s.ok()) {
      r.stats = *s;
      auto items = r.metadata.items("");
      Metadata::Items updated;
      for (const auto& kv : items) {
        if (kv.first.rfind("STATISTICS_", 0) != 0) updated.push_back(kv);
      }
      if (o.approx_stats) updated.emplace_back("STATISTICS_APPROXIMATE", "YES");
      // GDAL writes statistics with %.14g.
      updated.emplace_back("STATISTICS_MAXIMUM", printf_string("%.14g", s->max));
      updated.emplace_back("STATISTICS_MEAN", printf_string("%.14g", s->mean));
      updated.emplace_back("STATISTICS_MINIMUM", printf_string("%.14g", s->min));
      updated.emplace_back("STATISTICS_STDDEV", printf_string("%.14g", s->stddev));
      const double pct = s->sample_count ? 100.0 * static_cast<double>(s->valid_count) /
                                               static_cast<double>(s->sample_count)
                                         : 0.0;
      updated.emplace_back("STATISTICS_VALID_PERCENT", g15(pct));
      r.metadata.set_items(std::move(updated), "");
    } else if (s.status().code() != StatusCode::kNotFound) {
      return s.status();
    }
  } else {
    const auto mn = metadata_number(band.metadata(), "STATISTICS_MINIMUM");
    const auto mx = metadata_number(band.metadata(), "STATISTICS_MAXIMUM");
    const auto mean = metadata_number(band.metadata(), "STATISTICS_MEAN");
    const auto sd = metadata_number(band.metadata(), "STATISTICS_STDDEV");
    if (mn && mx && mean && sd) {
      r.stats = BandStatistics{*mn, *mx, *mean, *sd, 0, 0};
      r.stats_from_metadata = true;
    }
  }
  // One pass serves -stats, -mm and -hist when their pixel choice agrees
  // (-mm is always exact).
  const BandStatistics* exact =
      r.stats && !r.stats_from_metadata && !o.approx_stats ? &*r.stats : nullptr;
  if (o.compute_min_max) {
    if (exact) {
      r.computed_min_max = std::make_pair(exact->min, exact->max);
    } else {
      StatisticsOptions mm = so;
      mm.approx = false;
      Result<BandStatistics> s = compute_statistics(band, mm);
      if (s.ok()) {
        r.computed_min_max = std::make_pair(s->min, s->max);
      } else if (s.status().code() != StatusCode::kNotFound) {
        return s.status();
      }
    }
  }
  if (o.histogram) {
    const BandStatistics* known = r.stats && !r.stats_from_metadata ? &*r.stats : nullptr;
    Result<Histogram> h = compute_default_histogram(band, so, known);
    if (h.ok()) {
      r.histogram = std::move(h).value();
    } else if (h.status().code() != StatusCode::kNotFound) {
      return h.status();
    }
  }
  if (o.checksum) {
    // As gdalinfo: a band that cannot be read gets checksum -1 and a
    // warning; the rest of the report still comes out.
    auto checksum_or_minus_one = [&o](RasterBand& b) {
      Result<int> c = compute_checksum(b, Window{}, o.pool);
      if (c.ok()) return *c;
      emit_warning(c.status().subject(), c.status().message());
      return -1;
    };
    r.checksum = checksum_or_minus_one(band);
    for (int i = 0; i < band.overview_count(); ++i) {
      r.overview_checksums.push_back(checksum_or_minus_one(*band.overview(i)));
    }
  }
  return r;
}

std::optional<std::string> nodata_text(RasterBand& band) {
  if (band.nodata_int64() && band.data_type() == DataType::kInt64) {
    return std::to_string(*band.nodata_int64());
  }
  if (band.nodata_uint64() && band.data_type() == DataType::kUInt64) {
    return std::to_string(*band.nodata_uint64());
  }
  if (band.nodata()) return g18(*band.nodata());
  return std::nullopt;
}

Json nodata_json(RasterBand& band) {
  if (band.nodata_int64() && band.data_type() == DataType::kInt64) return *band.nodata_int64();
  if (band.nodata_uint64() && band.data_type() == DataType::kUInt64) return *band.nodata_uint64();
  const double v = *band.nodata();
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

Result<std::string> text_report(Dataset& ds, const InfoOptions& o) {
  std::ostringstream out;
  if (const Driver* d = ds.driver()) {
    out << "Driver: " << d->short_name() << "/" << d->long_name() << "\n";
  }
  const std::vector<std::string> files = file_list(ds, o.all_files);
  out << "Files: " << files[0] << "\n";
  for (size_t i = 1; i < files.size(); ++i) out << "       " << files[i] << "\n";
  out << "Size is " << ds.x_size() << ", " << ds.y_size() << "\n";
  if (const auto& srs = ds.spatial_ref()) {
    RK_ASSIGN_OR_RETURN(std::string wkt, srs->to_wkt(o.wkt_format));
    out << "Coordinate System is:\n" << wkt << "\n";
    if (o.proj4 && !srs->to_proj4().empty()) {
      out << "PROJ.4 string is:\n'" << srs->to_proj4() << "'\n";
    }
    const auto& mapping = srs->data_axis_to_srs_axis_mapping();
    if (!mapping.empty()) {
      out << "Data axis to CRS axis mapping: ";
      for (size_t i = 0; i < mapping.size(); ++i) out << (i ? "," : "") << mapping[i];
      out << "\n";
    }
  } else {
    out << "Coordinate System is `'\n";
  }
  if (const auto& gt = ds.geo_transform()) {
    if (gt->c[2] == 0 && gt->c[4] == 0) {
      out << "Origin = (" << printf_string("%.15f", gt->c[0]) << ","
          << printf_string("%.15f", gt->c[3]) << ")\n";
      out << "Pixel Size = (" << printf_string("%.15f", gt->c[1]) << ","
          << printf_string("%.15f", gt->c[5]) << ")\n";
    } else {
      out << "GeoTransform =\n  " << g15(gt->c[0]) << ", " << g15(gt->c[1]) << ", " << g15(gt->c[2])
          << "\n  " << g15(gt->c[3]) << ", " << g15(gt->c[4]) << ", " << g15(gt->c[5]) << "\n";
    }
  }
  if (o.show_gcps && !ds.gcps().empty()) {
    if (const auto& gsrs = ds.gcp_spatial_ref()) {
      RK_ASSIGN_OR_RETURN(std::string wkt, gsrs->to_wkt(o.wkt_format));
      out << "GCP Projection = \n" << wkt << "\n";
    }
    for (size_t i = 0; i < ds.gcps().size(); ++i) {
      const Gcp& g = ds.gcps()[i];
      char head[64];
      std::snprintf(head, sizeof head, "GCP[%3zu]: ", i);
      out << head << "Id=" << g.id << ", Info=" << g.info << "\n          (" << g15(g.pixel) << ","
          << g15(g.line) << ") -> (" << g15(g.x) << "," << g15(g.y) << "," << g15(g.z) << ")\n";
    }
  }
  if (o.show_metadata) print_metadata(out, ds.metadata(), o, "");
  out << "Corner Coordinates:\n";
  std::optional<CoordinateTransform> to_geo = transform_to(ds, false);
  for (const Corner& c : corners(ds)) {
    char name[16];
    std::snprintf(name, sizeof name, "%-11s ", c.text_name);
    out << name;
    if (!ds.geo_transform()) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "(%7.1f,%7.1f)", c.px, c.py);
      out << buf << "\n";
      continue;
    }
    double x, y;
    georef(ds, c.px, c.py, &x, &y);
    char buf[96];
    if (std::fabs(x) < 181 && std::fabs(y) < 91) {
      std::snprintf(buf, sizeof buf, "(%12.7f,%12.7f) ", x, y);
    } else {
      std::snprintf(buf, sizeof buf, "(%12.3f,%12.3f) ", x, y);
    }
    out << buf << dms_pair(to_geo, x, y) << "\n";
  }
  for (int b = 1; b <= ds.band_count(); ++b) {
    RasterBand* band = ds.band(b);
    RK_ASSIGN_OR_RETURN(BandReport r, gather(*band, o));
    out << "Band " << b << " Block=" << band->block_x_size() << "x" << band->block_y_size()
        << " Type=" << data_type_name(band->data_type())
        << ", ColorInterp=" << color_interp_name(band->color_interp()) << "\n";
    if (!band->description().empty()) out << "  Description = " << band->description() << "\n";
    if (r.stats) {
      char buf[160];
      if (r.stats_from_metadata) {
        std::snprintf(buf, sizeof buf, "  Min=%.3f Max=%.3f\n", r.stats->min, r.stats->max);
        out << buf;
      }
    }
    if (r.computed_min_max) {
      char buf[128];
      std::snprintf(buf, sizeof buf, "    Computed Min/Max=%.3f,%.3f\n", r.computed_min_max->first,
                    r.computed_min_max->second);
      out << buf;
    }
    if (r.stats) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "  Minimum=%.3f, Maximum=%.3f, Mean=%.3f, StdDev=%.3f\n",
                    r.stats->min, r.stats->max, r.stats->mean, r.stats->stddev);
      out << buf;
    }
    if (r.histogram) {
      out << "  " << r.histogram->counts.size() << " buckets from "
          << printf_string("%g", r.histogram->min) << " to "
          << printf_string("%g", r.histogram->max) << ":\n  ";
      for (uint64_t c : r.histogram->counts) out << c << " ";
      out << "\n";
    }
    if (r.checksum) out << "  Checksum=" << *r.checksum << "\n";
    if (auto nd = nodata_text(*band)) out << "  NoData Value=" << *nd << "\n";
    if (band->overview_count() > 0) {
      out << "  Overviews: ";
      for (int i = 0; i < band->overview_count(); ++i) {
        RasterBand* ov = band->overview(i);
        out << (i ? ", " : "") << ov->x_size() << "x" << ov->y_size();
      }
      out << "\n";
      if (!r.overview_checksums.empty()) {
        out << "  Overviews checksum: ";
        for (size_t i = 0; i < r.overview_checksums.size(); ++i) {
          out << (i ? ", " : "") << r.overview_checksums[i];
        }
        out << "\n";
      }
    }
    // As gdalinfo: only masks that are neither all-valid nor nodata-derived.
    if ((band->mask_flags() & (kMaskAllValid | kMaskNoData)) == 0) {
      out << "  Mask Flags: " << mask_flags_text(band->mask_flags(), nullptr) << "\n";
    }
    if (band->offset() || band->scale()) {
      out << "  Offset: " << g15(band->offset().value_or(0))
          << ",   Scale:" << g15(band->scale().value_or(1)) << "\n";
    }
    if (!band->unit().empty()) out << "  Unit Type: " << band->unit() << "\n";
    if (o.show_metadata) print_metadata(out, r.metadata, o, "  ");
    if (const auto& ct = band->color_table()) {
      out << "  Color Table (RGB with " << ct->entries.size() << " entries)\n";
      if (o.show_color_table) {
        for (size_t i = 0; i < ct->entries.size(); ++i) {
          const ColorEntry& e = ct->entries[i];
          out << "    " << i << ": " << e.c1 << "," << e.c2 << "," << e.c3 << "," << e.c4 << "\n";
        }
      }
    }
  }
  return out.str();
}

Json polygon(const std::vector<std::pair<double, double>>& ring) {
  Json coords = Json::array();
  Json r = Json::array();
  for (const auto& [x, y] : ring) r.push_back(Json::array({x, y}));
  coords.push_back(r);
  Json p = Json::object();
  p["type"] = "Polygon";
  p["coordinates"] = coords;
  return p;
}

Result<std::string> json_report(Dataset& ds, const InfoOptions& o) {
  Json j = Json::object();
  j["description"] = ds.description();
  if (const Driver* d = ds.driver()) {
    j["driverShortName"] = std::string(d->short_name());
    j["driverLongName"] = std::string(d->long_name());
  }
  j["files"] = file_list(ds, o.all_files);
  j["size"] = Json::array({ds.x_size(), ds.y_size()});
  if (const auto& srs = ds.spatial_ref()) {
    RK_ASSIGN_OR_RETURN(std::string wkt, srs->to_wkt(o.wkt_format));
    Json cs = Json::object();
    cs["wkt"] = wkt;
    if (o.proj4) cs["proj4"] = srs->to_proj4();
    cs["dataAxisToSRSAxisMapping"] = srs->data_axis_to_srs_axis_mapping();
    j["coordinateSystem"] = cs;
  }
  if (const auto& gt = ds.geo_transform()) {
    j["geoTransform"] = Json::array({gt->c[0], gt->c[1], gt->c[2], gt->c[3], gt->c[4], gt->c[5]});
  }
  if (o.show_gcps && !ds.gcps().empty()) {
    Json g = Json::object();
    if (const auto& gsrs = ds.gcp_spatial_ref()) {
      RK_ASSIGN_OR_RETURN(std::string wkt, gsrs->to_wkt(o.wkt_format));
      g["coordinateSystem"] =
          Json{{"wkt", wkt}, {"dataAxisToSRSAxisMapping", gsrs->data_axis_to_srs_axis_mapping()}};
    }
    Json list = Json::array();
    for (const Gcp& p : ds.gcps()) {
      list.push_back(Json{{"id", p.id},
                          {"info", p.info},
                          {"pixel", p.pixel},
                          {"line", p.line},
                          {"x", p.x},
                          {"y", p.y},
                          {"z", p.z}});
    }
    g["gcpList"] = list;
    j["gcps"] = g;
  }
  j["metadata"] = o.show_metadata ? metadata_json(ds.metadata(), o) : Json::object();
  Json cc = Json::object();
  std::vector<std::pair<double, double>> ring;
  for (const Corner& c : corners(ds)) {
    double x, y;
    georef(ds, c.px, c.py, &x, &y);
    // gdalinfo rounds as it prints: 7 decimals for what looks like
    // longitude/latitude, 3 for anything else.
    const int digits = std::fabs(x) < 181 && std::fabs(y) < 91 ? 7 : 3;
    cc[c.json_name] = Json::array({rounded(x, digits), rounded(y, digits)});
  }
  j["cornerCoordinates"] = cc;
  std::optional<CoordinateTransform> to_wgs84 = transform_to(ds, true);
  if (to_wgs84) {
    bool ok = true;
    for (const char* name : {"upperLeft", "lowerLeft", "lowerRight", "upperRight", "upperLeft"}) {
      double x = cc[name][0], y = cc[name][1];
      if (!to_wgs84->transform(x, y).ok()) ok = false;
      ring.emplace_back(rounded(x, 7), rounded(y, 7));
    }
    if (ok) j["wgs84Extent"] = polygon(ring);
  } else {
    Json p = Json::object();
    p["type"] = "Polygon";
    p["coordinates"] = Json::array({Json::array()});
    j["extent"] = p;
  }
  Json bands = Json::array();
  for (int b = 1; b <= ds.band_count(); ++b) {
    RasterBand* band = ds.band(b);
    RK_ASSIGN_OR_RETURN(BandReport r, gather(*band, o));
    Json jb = Json::object();
    jb["band"] = b;
    jb["block"] = Json::array({band->block_x_size(), band->block_y_size()});
    jb["type"] = std::string(data_type_name(band->data_type()));
    jb["colorInterpretation"] = std::string(color_interp_name(band->color_interp()));
    if (!band->description().empty()) jb["description"] = band->description();
    if (r.stats && r.stats_from_metadata) {
      jb["min"] = rounded(r.stats->min, 3);
      jb["max"] = rounded(r.stats->max, 3);
    }
    if (r.computed_min_max) {
      jb["computedMin"] = rounded(r.computed_min_max->first, 3);
      jb["computedMax"] = rounded(r.computed_min_max->second, 3);
    }
    if (r.stats) {
      jb["minimum"] = rounded(r.stats->min, 3);
      jb["maximum"] = rounded(r.stats->max, 3);
      jb["mean"] = rounded(r.stats->mean, 3);
      jb["stdDev"] = rounded(r.stats->stddev, 3);
    }
    if (r.histogram) {
      jb["histogram"] = Json{{"count", r.histogram->counts.size()},
                             {"min", r.histogram->min},
                             {"max", r.histogram->max},
                             {"buckets", r.histogram->counts}};
    }
    if (r.checksum) jb["checksum"] = *r.checksum;
    if (band->nodata() || band->nodata_int64() || band->nodata_uint64()) {
      jb["noDataValue"] = nodata_json(*band);
    }
    if (band->overview_count() > 0) {
      Json ovs = Json::array();
      for (int i = 0; i < band->overview_count(); ++i) {
        RasterBand* ov = band->overview(i);
        Json jo = Json::object();
        jo["size"] = Json::array({ov->x_size(), ov->y_size()});
        if (!r.overview_checksums.empty())
          jo["checksum"] = r.overview_checksums[static_cast<size_t>(i)];
        ovs.push_back(jo);
      }
      jb["overviews"] = ovs;
    }
    if ((band->mask_flags() & (kMaskAllValid | kMaskNoData)) == 0) {
      std::vector<std::string> flags;
      mask_flags_text(band->mask_flags(), &flags);
      jb["mask"] = Json{{"flags", flags}, {"overviews", Json::array()}};
    }
    if (band->offset()) jb["offset"] = *band->offset();
    if (band->scale()) jb["scale"] = *band->scale();
    if (!band->unit().empty()) jb["unit"] = band->unit();
    jb["metadata"] = o.show_metadata ? metadata_json(r.metadata, o) : Json::object();
    if (const auto& ct = band->color_table(); ct && o.show_color_table) {
      Json entries = Json::array();
      for (const ColorEntry& e : ct->entries)
        entries.push_back(Json::array({e.c1, e.c2, e.c3, e.c4}));
      jb["colorTable"] =
          Json{{"palette", "RGB"}, {"count", ct->entries.size()}, {"entries", entries}};
    }
    bands.push_back(jb);
  }
  j["bands"] = bands;
  return j.dump(2) + "\n";
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

Result<std::string> build_info_report(Dataset& ds, const InfoOptions& options) {
  return options.json ? json_report(ds, options) : text_report(ds, options);
}

}  // namespace rk
