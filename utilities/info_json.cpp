// InfoReport::to_json(): gdalinfo -json's document, key for key.
#include <cctype>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include <rasterkit/utilities/info.h>
#include <rasterkit/utilities/info_render.h>

namespace rk {

namespace {

using info_render::rounded;

using Json = nlohmann::ordered_json;

Json metadata_json(const Metadata& md, const InfoOptions& o, bool band) {
  Json out = Json::object();
  for (const auto& [domain, asked] : info_render::shown_domains(md, o, band)) {
    if (md.items(domain).empty() || out.contains(domain)) continue;
    if (Metadata::is_xml_domain(domain)) {
      out[domain] = *md.xml_document(domain);
      continue;
    }
    Json items = Json::object();
    for (const auto& [k, v] : md.items(domain)) items[k] = v;
    out[domain] = items;
  }
  return out;
}

Json double_or_special(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

Json transform_json(const GeoTransform& gt) {
  Json out = Json::array();
  for (double c : gt.c) out.push_back(info_render::decimals16(c));
  return out;
}

Json stat_json(double v) { return std::isfinite(v) ? Json(rounded(v, 3)) : double_or_special(v); }

// The value gdalinfo prints (its shortest round-trip text, which for a
// Float32 band may differ from the double kept in the file).
Json nodata_json(const InfoBand& b) {
  if (b.nodata_int64) return *b.nodata_int64;
  if (b.nodata_uint64) return *b.nodata_uint64;
  if (!std::isfinite(*b.nodata)) return double_or_special(*b.nodata);
  return std::strtod(info_render::nodata_text(b)->c_str(), nullptr);
}

Json histogram_json(const Histogram& h) {
  return Json{{"count", h.counts.size()}, {"min", h.min}, {"max", h.max}, {"buckets", h.counts}};
}

bool has_nodata(const InfoBand& b) { return b.nodata || b.nodata_int64 || b.nodata_uint64; }

Json overviews_json(const std::vector<InfoOverview>& ovs) {
  Json out = Json::array();
  for (const InfoOverview& ov : ovs) {
    Json jo = Json::object();
    jo["size"] = Json::array({ov.x_size, ov.y_size});
    if (ov.checksum) jo["checksum"] = *ov.checksum;
    out.push_back(jo);
  }
  return out;
}

void add_values(const InfoBand& b, Json& jb) {
  if (b.stored_min_max) {
    jb["min"] = rounded(b.stored_min_max->first, 3);
    jb["max"] = rounded(b.stored_min_max->second, 3);
  }
  if (b.computed_min_max) {
    jb["computedMin"] = rounded(b.computed_min_max->first, 3);
    jb["computedMax"] = rounded(b.computed_min_max->second, 3);
  }
  if (b.statistics) {
    jb["minimum"] = stat_json(b.statistics->min);
    jb["maximum"] = stat_json(b.statistics->max);
    jb["mean"] = stat_json(b.statistics->mean);
    jb["stdDev"] = stat_json(b.statistics->stddev);
  }
  if (b.histogram) jb["histogram"] = histogram_json(*b.histogram);
  if (b.checksum) jb["checksum"] = *b.checksum;
  if (has_nodata(b)) jb["noDataValue"] = nodata_json(b);
}

Json band_json(const InfoBand& b, const InfoOptions& o) {
  Json jb = Json::object();
  jb["band"] = b.number;
  jb["block"] = Json::array({b.block_x, b.block_y});
  jb["type"] = std::string(data_type_name(b.type));
  jb["colorInterpretation"] = std::string(color_interp_name(b.color_interp));
  if (!b.description.empty()) jb["description"] = b.description;
  add_values(b, jb);
  if (!b.overviews.empty()) jb["overviews"] = overviews_json(b.overviews);
  if ((b.mask_flags & (kMaskAllValid | kMaskNoData)) == 0) {
    jb["mask"] = Json{{"flags", info_render::mask_flag_names(b.mask_flags)},
                      {"overviews", overviews_json(b.mask_overviews)}};
  }
  if (!b.unit.empty()) jb["unit"] = b.unit;
  if (!b.category_names.empty()) jb["categories"] = b.category_names;
  if (b.offset) jb["offset"] = *b.offset;
  if (b.scale) jb["scale"] = *b.scale;
  if (o.show_metadata) jb["metadata"] = metadata_json(b.metadata, o, true);
  if (b.color_table && o.show_color_table && b.color_interp == ColorInterp::kPalette) {
    Json entries = Json::array();
    for (const ColorEntry& e : b.color_table->entries) {
      entries.push_back(Json::array({e.c1, e.c2, e.c3, e.c4}));
    }
    jb["colorTable"] =
        Json{{"palette", "RGB"}, {"count", b.color_table->entries.size()}, {"entries", entries}};
  }
  return jb;
}

Json polygon(const std::vector<std::pair<double, double>>& ring) {
  Json r = Json::array();
  for (const auto& [x, y] : ring) r.push_back(Json::array({x, y}));
  return Json{{"type", "Polygon"}, {"coordinates", Json::array({r})}};
}

void add_georeferencing(const InfoReport& r, Json& j) {
  if (r.srs_wkt) {
    Json cs = Json::object();
    cs["wkt"] = *r.srs_wkt;
    if (r.options.proj4) cs["proj4"] = r.srs_proj4;
    cs["dataAxisToSRSAxisMapping"] = r.axis_mapping;
    j["coordinateSystem"] = cs;
  }
  if (const auto& gt = r.geo_transform) {
    j["geoTransform"] = transform_json(*gt);
  }
  if (r.gcps.empty()) return;
  Json g = Json::object();
  if (r.gcp_srs_wkt) {
    g["coordinateSystem"] =
        Json{{"wkt", *r.gcp_srs_wkt}, {"dataAxisToSRSAxisMapping", r.gcp_axis_mapping}};
  }
  Json list = Json::array();
  for (const Gcp& p : r.gcps) {
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

void add_corners(const InfoReport& r, Json& j) {
  Json cc = Json::object();
  for (const InfoCorner& c : r.corners) {
    const int digits = std::fabs(c.x) < 181 && std::fabs(c.y) < 91 ? 7 : 3;
    cc[c.json_name] = Json::array({rounded(c.x, digits), rounded(c.y, digits)});
  }
  j["cornerCoordinates"] = cc;
  if (r.wgs84_extent) {
    j["wgs84Extent"] = polygon(*r.wgs84_extent);
  } else {
    j["extent"] = Json{{"type", "Polygon"}, {"coordinates", Json::array({Json::array()})}};
  }
}

// gdalinfo -json's STAC block (projection, raster and eo extensions).
// Two departures from GDAL 3.6.2, both bugs fixed in later GDAL
// (doc/cli.md): proj:shape is [rows, columns], and a band's nodata, scale
// and offset are their values instead of null.
Json stac(const InfoReport& r) {
  Json s = Json::object();
  s["proj:shape"] = Json::array({r.y_size, r.x_size});
  if (r.spatial_ref) {
    // gdalinfo 3.6 writes proj:wkt2 only when the WKT asked for is WKT2
    // itself (its default), not for WKT1 or a dated WKT2 edition.
    if (r.options.wkt_format == "WKT2") {
      if (auto wkt = r.spatial_ref->to_wkt("WKT2_2019"); wkt.ok()) s["proj:wkt2"] = *wkt;
    }
    if (auto code = r.spatial_ref->epsg_code()) s["proj:epsg"] = *code;
    Json projjson = Json::parse(r.spatial_ref->to_projjson(), nullptr, false);
    if (!projjson.is_discarded()) s["proj:projjson"] = projjson;
  }
  if (const auto& gt = r.geo_transform) {
    s["proj:transform"] = transform_json(*gt);
  }
  Json raster = Json::array(), eo = Json::array();
  for (const InfoBand& b : r.bands) {
    // STAC's raster extension names types by width: Byte is "uint8".
    std::string type(b.type == DataType::kByte ? "uint8" : data_type_name(b.type));
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Json rb = Json{{"data_type", type}};
    if (b.statistics) {
      rb["stats"] = Json{{"minimum", stat_json(b.statistics->min)},
                         {"maximum", stat_json(b.statistics->max)},
                         {"mean", stat_json(b.statistics->mean)},
                         {"stddev", stat_json(b.statistics->stddev)}};
    }
    if (has_nodata(b)) rb["nodata"] = nodata_json(b);
    if (b.histogram) rb["histogram"] = histogram_json(*b.histogram);
    if (!b.unit.empty()) rb["unit"] = b.unit;
    if (b.scale || b.offset) {
      rb["scale"] = b.scale.value_or(1.0);
      rb["offset"] = b.offset.value_or(0.0);
    }
    raster.push_back(rb);
    eo.push_back(
        Json{{"name", "b" + std::to_string(b.number)},
             {"description", b.description.empty() ? std::string(color_interp_name(b.color_interp))
                                                   : b.description}});
  }
  s["raster:bands"] = raster;
  s["eo:bands"] = eo;
  return s;
}

}  // namespace

std::string InfoReport::to_json() const {
  Json j = Json::object();
  j["description"] = description;
  if (!driver_short_name.empty()) {
    j["driverShortName"] = driver_short_name;
    j["driverLongName"] = driver_long_name;
  }
  if (options.all_files) j["files"] = files;  // gdalinfo -json -nofl leaves the list out
  j["size"] = Json::array({x_size, y_size});
  add_georeferencing(*this, j);
  if (options.show_metadata) j["metadata"] = metadata_json(metadata, options, false);
  add_corners(*this, j);
  Json jbands = Json::array();
  for (const InfoBand& b : bands) jbands.push_back(band_json(b, options));
  j["bands"] = jbands;
  j["stac"] = stac(*this);
  // Metadata from a file need not be UTF-8: invalid bytes become U+FFFD
  // instead of an exception (gdalinfo writes them through as they are).
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace rk
