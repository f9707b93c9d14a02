#include "apps/footprint.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "apps/cli_args.h"
#include "apps/progress.h"
#include "gdalcore/driver_manager.h"
#include "gdalcore/options.h"
#include "gdalcore/warning.h"
#include "gdalcore/worker_pool.h"
#include "geometry/footprint.h"

namespace rk {

const char kFootprintUsage[] =
    "Usage: rasterkit footprint [options] SRC [DST]\n"
    "  -b N (repeatable)  -combine union|intersection  -srcnodata VALUE  -ovr INDEX\n"
    "  -t_cs georef|pixel  -t_srs SRS  -densify DIST\n"
    "  -simplify TOL  -min_ring_area AREA  -max_points N|unlimited (default 100)\n"
    "  -convex_hull  -no_holes  -split_polys\n"
    "  -of GeoJSON|WKT  -lyr_name NAME  -oo NAME=VALUE  -q  --threads N\n"
    "  DST absent or '-': standard output\n";

namespace {

const std::vector<std::string> kFlags = {"-b",
                                         "-combine",
                                         "-combine_bands",
                                         "-srcnodata",
                                         "-ovr",
                                         "-t_cs",
                                         "-t_srs",
                                         "-densify",
                                         "-simplify",
                                         "-min_ring_area",
                                         "-max_points",
                                         "-convex_hull",
                                         "-no_holes",
                                         "-split_polys",
                                         "-of",
                                         "-f",
                                         "-lyr_name",
                                         "-oo",
                                         "-q",
                                         "-quiet",
                                         "--threads",
                                         "--help"};

bool ends_with(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) {
      return false;
    }
  }
  return true;
}

bool to_stdout(const FootprintArgs& a) { return a.destination.empty() || a.destination == "-"; }

}  // namespace

Result<FootprintArgs> parse_footprint_args(const std::vector<std::string>& raw) {
  FootprintArgs o;
  std::vector<std::string> positional;
  cli::ArgCursor args(raw);
  auto non_negative = [](const std::string& flag, const std::string& text) -> Result<double> {
    RK_ASSIGN_OR_RETURN(double v, cli::parse_double(flag, text));
    if (!(v >= 0)) return Status::invalid_argument(flag, "'" + text + "' must be >= 0");
    return v;
  };
  while (!args.done()) {
    const std::string a = args.next();
    if (a == "-b") {
      RK_ASSIGN_OR_RETURN(std::string v, args.value(a));
      RK_ASSIGN_OR_RETURN(long long n, cli::parse_int(a, v));
      if (n < 1) return Status::invalid_argument(a, "band '" + v + "' must be >= 1");
      o.bands.push_back(static_cast<int>(n));
    } else if (a == "-combine" || a == "-combine_bands") {
      RK_ASSIGN_OR_RETURN(o.combine, args.value(a));
      if (o.combine != "union" && o.combine != "intersection") {
        return Status::invalid_argument(a, "'" + o.combine + "' is not union or intersection");
      }
    } else if (a == "-srcnodata") {
      RK_ASSIGN_OR_RETURN(std::string v, args.value(a));
      RK_ASSIGN_OR_RETURN(o.src_nodata, cli::parse_double(a, v));
    } else if (a == "-ovr") {
      RK_ASSIGN_OR_RETURN(std::string v, args.value(a));
      RK_ASSIGN_OR_RETURN(long long n, cli::parse_int(a, v));
      if (n < 0) return Status::invalid_argument(a, "overview index '" + v + "' must be >= 0");
      o.overview = static_cast<int>(n);
    } else if (a == "-t_cs") {
      RK_ASSIGN_OR_RETURN(o.coordinates, args.value(a));
      if (o.coordinates != "georef" && o.coordinates != "pixel") {
        return Status::invalid_argument(a, "'" + o.coordinates + "' is not georef or pixel");
      }
    } else if (a == "-t_srs") {
      RK_ASSIGN_OR_RETURN(o.target_srs, args.value(a));
    } else if (a == "-densify") {
      RK_ASSIGN_OR_RETURN(std::string v, args.value(a));
      RK_ASSIGN_OR_RETURN(o.densify, non_negative(a, v));
    } else if (a == "-simplify") {
      RK_ASSIGN_OR_RETURN(std::string v, args.value(a));
      RK_ASSIGN_OR_RETURN(o.simplify, non_negative(a, v));
    } else if (a == "-min_ring_area") {
      RK_ASSIGN_OR_RETURN(std::string v, args.value(a));
      RK_ASSIGN_OR_RETURN(o.min_ring_area, non_negative(a, v));
    } else if (a == "-max_points") {
      RK_ASSIGN_OR_RETURN(std::string v, args.value(a));
      if (v == "unlimited") {
        o.max_points = 0;
      } else {
        RK_ASSIGN_OR_RETURN(long long n, cli::parse_int(a, v));
        // A polygon needs at least four points (closing point included).
        if (n < 4) return Status::invalid_argument(a, "'" + v + "' must be >= 4 or unlimited");
        o.max_points = static_cast<size_t>(n);
      }
    } else if (a == "-convex_hull") {
      o.convex_hull = true;
    } else if (a == "-no_holes") {
      o.no_holes = true;
    } else if (a == "-split_polys") {
      o.split_polys = true;
    } else if (a == "-of" || a == "-f") {
      RK_ASSIGN_OR_RETURN(o.format, args.value(a));
      if (iequals(o.format, "GeoJSON")) {
        o.format = "GeoJSON";
      } else if (iequals(o.format, "WKT")) {
        o.format = "WKT";
      } else {
        return Status::invalid_argument(a, "unknown format '" + o.format + "' (GeoJSON or WKT)");
      }
    } else if (a == "-lyr_name") {
      RK_ASSIGN_OR_RETURN(o.layer_name, args.value(a));
    } else if (a == "-oo") {
      RK_ASSIGN_OR_RETURN(std::string kv, args.value(a));
      RK_RETURN_IF_ERROR(cli::parse_key_value(a, kv).status());
      o.open_options.push_back(kv);
    } else if (a == "-q" || a == "-quiet") {
      o.quiet = true;
    } else if (a == "--threads") {
      RK_ASSIGN_OR_RETURN(std::string count, args.value(a));
      o.threads = WorkerPool::parse_thread_count(count);
      if (o.threads == 0) {
        return Status::invalid_argument(a, "'" + count + "' is not a thread count (N or ALL_CPUS)");
      }
    } else if (a.size() > 1 && a[0] == '-') {
      return Status::invalid_argument("footprint", cli::unknown_flag_message(a, kFlags));
    } else {
      positional.push_back(a);
    }
  }
  if (positional.empty()) return Status::invalid_argument("footprint", "no source given");
  if (positional.size() > 2) {
    return Status::invalid_argument("footprint", "unexpected argument '" + positional[2] + "'");
  }
  o.source = positional[0];
  if (positional.size() == 2) o.destination = positional[1];
  if (o.coordinates == "pixel" && !o.target_srs.empty()) {
    return Status::invalid_argument("footprint", "-t_srs and -t_cs pixel cannot be used together");
  }
  if (o.format.empty()) {
    o.format = !to_stdout(o) && ends_with(o.destination, ".wkt") ? "WKT" : "GeoJSON";
  }
  return o;
}

namespace {

// GeoJSON's (pre-RFC 7946) "crs" member for `srs`, or null when it is
// WGS 84 (the default) or has no EPSG code to name it by.
nlohmann::ordered_json crs_member(const SpatialRef& srs) {
  const std::optional<int> code = srs.epsg_code();
  if (!code || *code == 4326) return nullptr;
  return {{"type", "name"},
          {"properties", {{"name", "urn:ogc:def:crs:EPSG::" + std::to_string(*code)}}}};
}

std::vector<Geometry> parts_of(const Geometry& g, bool split) {
  if (g.is_empty()) return {};
  if (split) return g.parts();
  return {g};
}

std::string render(const FootprintArgs& a, const Geometry& g,
                   const std::optional<SpatialRef>& srs) {
  const std::vector<Geometry> parts = parts_of(g, a.split_polys);
  if (a.format == "WKT") {
    std::string out;
    for (const Geometry& p : parts) out += p.to_wkt() + "\n";
    if (parts.empty()) out = g.to_wkt() + "\n";
    return out;
  }
  nlohmann::ordered_json doc = {{"type", "FeatureCollection"}, {"name", a.layer_name}};
  if (srs) {
    nlohmann::ordered_json crs = crs_member(*srs);
    if (!crs.is_null()) doc["crs"] = crs;
  }
  doc["features"] = nlohmann::ordered_json::array();
  for (const Geometry& p : parts) {
    doc["features"].push_back({{"type", "Feature"},
                               {"properties", {{"location", a.source}}},
                               {"geometry", nlohmann::ordered_json::parse(p.to_geojson())}});
  }
  return doc.dump() + "\n";
}

Status write_atomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".rk-" + std::to_string(::getpid()) + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::io_error(path, "cannot create the output file");
    out << text;
    out.close();
    if (!out) {
      std::remove(temp.c_str());
      return Status::io_error(path, "cannot write the output file");
    }
  }
  if (cli::interrupted()) {
    std::remove(temp.c_str());
    return Status::cancelled(path, "interrupted");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return Status::io_error(path, "cannot move the finished file into place");
  }
  return Status();
}

}  // namespace

Status run_footprint(const FootprintArgs& a) {
  cli::install_interrupt_handler();
  const int threads = a.threads > 0 ? a.threads : WorkerPool::default_thread_count();
  OpenParams params;
  RK_ASSIGN_OR_RETURN(params.open_options, Options::parse(a.open_options));
  // Swaths are read once, in order: a private cache of a few swaths keeps
  // the peak memory small instead of filling the global budget.
  BlockCache cache(std::min<size_t>(BlockCache::global().capacity(), size_t{64} << 20));
  params.cache = &cache;
  RK_ASSIGN_OR_RETURN(std::unique_ptr<Dataset> ds, cli::open_source(a.source, params, threads));

  FootprintOptions fo;
  fo.bands = a.bands;
  fo.combine = a.combine == "intersection" ? BandCombine::kIntersection : BandCombine::kUnion;
  fo.src_nodata = a.src_nodata;
  fo.overview = a.overview;
  fo.coordinates = a.coordinates == "pixel" ? FootprintCoordinates::kPixel
                                            : FootprintCoordinates::kGeoreferenced;
  std::optional<SpatialRef> out_srs;
  if (!a.target_srs.empty()) {
    auto srs = SpatialRef::from_user_input(a.target_srs);
    if (!srs.ok()) return Status::invalid_argument("-t_srs", srs.status().message());
    fo.target_srs = *srs;
    out_srs = *srs;
  } else if (fo.coordinates == FootprintCoordinates::kGeoreferenced && ds->geo_transform()) {
    out_srs = ds->spatial_ref();
  }
  fo.densify = a.densify;
  fo.keep_holes = !a.no_holes;
  fo.min_ring_area = a.min_ring_area;
  fo.convex_hull = a.convex_hull;
  fo.simplify = a.simplify;
  fo.max_points = a.max_points;
  WorkerPool pool(threads);
  fo.pool = &pool;
  // Progress would mix with the footprint on standard output.
  fo.progress = cli::make_progress(a.quiet || to_stdout(a));
  auto result = footprint(*ds, fo);
  if (!result.ok()) {
    if (cli::interrupted()) return Status::cancelled(a.source, "interrupted");
    return result.status();
  }
  if (result->is_empty()) emit_warning(a.source, "no valid pixel: the footprint is empty");
  const std::string text = render(a, *result, out_srs);
  if (to_stdout(a)) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout)) {
      return Status::io_error("stdout", "cannot write the footprint");
    }
    return Status();
  }
  return write_atomically(a.destination, text);
}

}  // namespace rk
