// rk::footprint_document and gdal_footprint's flags.
#include <rasterkit/utilities/footprint_tool.h>

#include <cctype>
#include <memory>

#include <nlohmann/json.hpp>

#include <rasterkit/gdalcore/file.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/gdalcore/worker_pool.h>
#include <rasterkit/utilities/arg_parsing.h>

namespace rk {

namespace {

using cli::ArgTable;
using Values = ArgTable::Values;

bool ends_with_ci(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

Result<double> non_negative(const std::string& flag, const std::string& text) {
  RK_ASSIGN_OR_RETURN(double v, cli::parse_double(flag, text));
  if (!(v >= 0)) return Status::invalid_argument(flag, "'" + text + "' must be >= 0");
  return v;
}

void add_pixel_flags(ArgTable& t, FootprintToolOptions& o) {
  FootprintOptions& g = o.geometry;
  t.add({"-b"}, 1, [&g](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(long long n, cli::parse_int(f, v[0]));
    if (n < 1) return Status::invalid_argument(f, "band '" + v[0] + "' must be >= 1");
    g.bands.push_back(static_cast<int>(n));
    return Status();
  });
  t.add({"-combine", "-combine_bands"}, 1, [&g](const std::string& f, const Values& v) {
    if (v[0] != "union" && v[0] != "intersection") {
      return Status::invalid_argument(f, "'" + v[0] + "' is not union or intersection");
    }
    g.combine = v[0] == "union" ? BandCombine::kUnion : BandCombine::kIntersection;
    return Status();
  });
  t.add({"-srcnodata"}, 1, [&g](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(g.src_nodata, cli::parse_double(f, v[0]));
    return Status();
  });
  t.add({"-ovr"}, 1, [&g](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(long long n, cli::parse_int(f, v[0]));
    if (n < 0) return Status::invalid_argument(f, "overview index '" + v[0] + "' must be >= 0");
    g.overview = static_cast<int>(n);
    return Status();
  });
}

void add_shape_flags(ArgTable& t, FootprintToolOptions& o) {
  FootprintOptions& g = o.geometry;
  t.add({"-t_cs"}, 1, [&g](const std::string& f, const Values& v) {
    if (v[0] != "georef" && v[0] != "pixel") {
      return Status::invalid_argument(f, "'" + v[0] + "' is not georef or pixel");
    }
    g.coordinates =
        v[0] == "pixel" ? FootprintCoordinates::kPixel : FootprintCoordinates::kGeoreferenced;
    return Status();
  });
  t.add_string({"-t_srs"}, &o.target_srs);
  for (auto [flag, target] :
       {std::make_pair("-densify", &g.densify), std::make_pair("-simplify", &g.simplify),
        std::make_pair("-min_ring_area", &g.min_ring_area)}) {
    double* field = target;
    t.add({flag}, 1, [field](const std::string& f, const Values& v) {
      RK_ASSIGN_OR_RETURN(*field, non_negative(f, v[0]));
      return Status();
    });
  }
  t.add({"-max_points"}, 1, [&g](const std::string& f, const Values& v) {
    if (v[0] == "unlimited") {
      g.max_points = 0;
      return Status();
    }
    RK_ASSIGN_OR_RETURN(long long n, cli::parse_int(f, v[0]));
    // A polygon needs at least four points (closing point included).
    if (n < 4) return Status::invalid_argument(f, "'" + v[0] + "' must be >= 4 or unlimited");
    g.max_points = static_cast<size_t>(n);
    return Status();
  });
  t.add_switch({"-convex_hull"}, &g.convex_hull);
  t.add_switch({"-no_holes"}, &g.keep_holes, false);
}

void add_output_flags(ArgTable& t, FootprintToolOptions& o) {
  t.add_switch({"-split_polys"}, &o.split_polys);
  t.add({"-of", "-f"}, 1, [&o](const std::string& f, const Values& v) {
    if (!iequals(v[0], "GeoJSON") && !iequals(v[0], "WKT")) {
      return Status::invalid_argument(f, "unknown format '" + v[0] + "' (GeoJSON or WKT)");
    }
    o.format = iequals(v[0], "WKT") ? "WKT" : "GeoJSON";
    return Status();
  });
  t.add_string({"-lyr_name"}, &o.layer_name);
  t.add({"--threads"}, 1, [&o](const std::string& f, const Values& v) {
    o.threads = WorkerPool::parse_thread_count(v[0]);
    if (o.threads == 0) {
      return Status::invalid_argument(f, "'" + v[0] + "' is not a thread count (N or ALL_CPUS)");
    }
    return Status();
  });
}

// GeoJSON's (pre-RFC 7946) "crs" member for `srs`, or null when it is
// WGS 84 (the default) or has no EPSG code to name it by.
nlohmann::ordered_json crs_member(const SpatialRef& srs) {
  const std::optional<int> code = srs.epsg_code();
  if (!code || *code == 4326) return nullptr;
  return {{"type", "name"},
          {"properties", {{"name", "urn:ogc:def:crs:EPSG::" + std::to_string(*code)}}}};
}

std::string render(const FootprintToolOptions& o, const std::string& location, const Geometry& g,
                   const std::optional<SpatialRef>& srs) {
  std::vector<Geometry> parts;
  if (!g.is_empty()) parts = o.split_polys ? g.parts() : std::vector<Geometry>{g};
  if (o.format == "WKT") {
    std::string out;
    for (const Geometry& p : parts) out += p.to_wkt() + "\n";
    if (parts.empty()) out = g.to_wkt() + "\n";
    return out;
  }
  nlohmann::ordered_json doc = {{"type", "FeatureCollection"}, {"name", o.layer_name}};
  if (srs) {
    nlohmann::ordered_json crs = crs_member(*srs);
    if (!crs.is_null()) doc["crs"] = crs;
  }
  doc["features"] = nlohmann::ordered_json::array();
  for (const Geometry& p : parts) {
    doc["features"].push_back({{"type", "Feature"},
                               {"properties", {{"location", location}}},
                               {"geometry", nlohmann::ordered_json::parse(p.to_geojson())}});
  }
  // A path need not be UTF-8: invalid bytes become U+FFFD, not an exception.
  return doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Result<std::string> document(const Dataset& src, const FootprintToolOptions& o,
                             const ProgressFn& progress) {
  FootprintOptions fo = o.geometry;
  std::optional<SpatialRef> out_srs;
  if (!o.target_srs.empty()) {
    if (fo.coordinates == FootprintCoordinates::kPixel) {
      return Status::invalid_argument("-t_srs", "-t_srs and -t_cs pixel cannot be used together");
    }
    auto srs = SpatialRef::from_user_input(o.target_srs);
    if (!srs.ok()) return Status::invalid_argument("-t_srs", srs.status().message());
    fo.target_srs = *srs;
    out_srs = *srs;
  } else if (fo.coordinates == FootprintCoordinates::kGeoreferenced && src.geo_transform()) {
    out_srs = src.spatial_ref();
  }
  WorkerPool pool(o.threads > 0 ? o.threads : WorkerPool::default_thread_count());
  fo.pool = &pool;
  fo.progress = progress;
  RK_ASSIGN_OR_RETURN(Geometry g, footprint(src, fo));
  if (g.is_empty()) emit_warning(src.description(), "no valid pixel: the footprint is empty");
  return render(o, o.location.empty() ? src.description() : o.location, g, out_srs);
}

}  // namespace

Result<FootprintToolOptions> parse_footprint_options(const std::vector<std::string>& args,
                                                     CommandLineExtras* extras) {
  FootprintToolOptions o;
  ArgTable t;
  add_pixel_flags(t, o);
  add_shape_flags(t, o);
  add_output_flags(t, o);
  if (extras) {
    t.add_list({"-oo"}, &extras->open_options, true);
    t.add_list({"-if"}, &extras->input_formats, true);
    t.add_switch({"-q", "-quiet"}, &extras->quiet);
  }
  RK_RETURN_IF_ERROR(t.parse(args, extras ? &extras->files : nullptr));
  if (o.geometry.coordinates == FootprintCoordinates::kPixel && !o.target_srs.empty()) {
    return Status::invalid_argument("", "-t_srs and -t_cs pixel cannot be used together");
  }
  return o;
}

Result<std::string> footprint_document(const Dataset& src, const FootprintToolOptions& options,
                                       const ProgressFn& progress) {
  return no_exceptions(src.description(), [&] { return document(src, options, progress); });
}

Status write_footprint(const Dataset& src, const std::string& destination,
                       const FootprintToolOptions& options, const ProgressFn& progress) {
  FootprintToolOptions o = options;
  if (o.format.empty()) o.format = ends_with_ci(destination, ".wkt") ? "WKT" : "GeoJSON";
  RK_ASSIGN_OR_RETURN(std::string text, footprint_document(src, o, progress));
  return write_file_atomically(destination, text);
}

}  // namespace rk
