// GeoKeys -> CRS. libgeotiff normalises the keys into a GTIFDefn (codes
// looked up in PROJ's EPSG database, parameters in degrees and metres); this
// file turns that into a PROJ CRS, as GDAL would describe it:
//  - EPSG projected/geographic codes are used as they are, with a linear
//    unit key that overrides the code's unit applied;
//  - user-defined CRSs are built from their parts: the base geodetic CRS
//    from a GCS code, a datum code or the ellipsoid's parameters, and the
//    conversion from a conversion code or the projection method with its
//    parameters, named from the citation keys;
//  - a vertical key makes a compound CRS, except GeoTIFF 1.1's ellipsoidal
//    heights (a geographic 3D code, or a legacy 5001-5033 ellipsoid code),
//    which make the CRS 3D.
#include <geo_normalize.h>
#include <geotiff.h>
#include <geovalues.h>
#include <proj.h>
#include <proj_experimental.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include <rasterkit/drivers/gtiff/gtiff_georef.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk::gtiff {

namespace {

struct PjDeleter {
  void operator()(PJ* p) const { proj_destroy(p); }
};
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

std::optional<int> key_short(GTIF* g, geokey_t key) {
  unsigned short v = 0;
  if (GTIFKeyGetSHORT(g, key, &v, 0, 1) != 1) return std::nullopt;
  return v;
}

std::string key_ascii(GTIF* g, geokey_t key) {
  char buf[2048] = {0};
  if (GTIFKeyGetASCII(g, key, buf, sizeof buf) <= 0) return std::string();
  std::string s(buf);
  while (!s.empty() && (s.back() == '|' || s.back() == ' ')) s.pop_back();
  return s;
}

bool is_code(int v) { return v > 0 && v != KvUserDefined; }

std::optional<SpatialRef> to_spatial_ref(PJ_CONTEXT* ctx, PJ* pj) {
  if (!pj) return std::nullopt;
  const char* json = proj_as_projjson(ctx, pj, nullptr);
  if (!json) return std::nullopt;
  auto r = SpatialRef::from_projjson(json);
  if (!r.ok()) return std::nullopt;
  return *r;
}

// GDAL names CRSs from citations, which some writers fill with descriptions.
std::string name_from_citation(const std::string& citation) {
  const std::string imagine = "Projection Name = ";
  const size_t p = citation.find(imagine);
  if (p != std::string::npos) {
    std::string rest = citation.substr(p + imagine.size());
    const size_t units = rest.find(" Units");
    return units == std::string::npos ? rest : rest.substr(0, units);
  }
  return citation;
}

// GeogCitationGeoKey in the form writers (ESRI, GDAL) use:
//   "GCS Name = X|Datum = Y|Ellipsoid = Z|Primem = W|AUnits = ..."
// A plain citation is the GCS name.
struct GeogNames {
  std::string gcs, datum, ellipsoid, primem;
};

GeogNames parse_geog_citation(const std::string& citation) {
  GeogNames n;
  if (citation.find(" = ") == std::string::npos) {
    n.gcs = citation;
    return n;
  }
  size_t start = 0;
  while (start < citation.size()) {
    size_t end = citation.find('|', start);
    if (end == std::string::npos) end = citation.size();
    const std::string part = citation.substr(start, end - start);
    const size_t eq = part.find(" = ");
    if (eq != std::string::npos) {
      const std::string key = part.substr(0, eq), value = part.substr(eq + 3);
      if (key == "GCS Name") n.gcs = value;
      if (key == "Datum") n.datum = value;
      if (key == "Ellipsoid") n.ellipsoid = value;
      if (key == "Primem") n.primem = value;
    }
    start = end + 1;
  }
  return n;
}

// The PROJ-string name and parameters of a GeoTIFF projection method.
std::string proj_string_for(const GTIFDefn& d) {
  std::map<int, double> p;
  for (int i = 0; i < d.nParms; ++i) {
    if (d.ProjParmId[i] != 0) p[d.ProjParmId[i]] = d.ProjParm[i];
  }
  auto get = [&](std::initializer_list<int> keys, double fallback) {
    for (int k : keys) {
      auto it = p.find(k);
      if (it != p.end()) return it->second;
    }
    return fallback;
  };
  auto has = [&](int key) { return p.count(key) > 0; };
  const double lat0 =
      get({ProjNatOriginLatGeoKey, ProjFalseOriginLatGeoKey, ProjCenterLatGeoKey}, 0);
  const double lon0 = get({ProjNatOriginLongGeoKey, ProjFalseOriginLongGeoKey, ProjCenterLongGeoKey,
                           ProjStraightVertPoleLongGeoKey},
                          0);
  const double x0 =
      get({ProjFalseEastingGeoKey, ProjFalseOriginEastingGeoKey, ProjCenterEastingGeoKey}, 0);
  const double y0 =
      get({ProjFalseNorthingGeoKey, ProjFalseOriginNorthingGeoKey, ProjCenterNorthingGeoKey}, 0);
  const double k = get({ProjScaleAtNatOriginGeoKey, ProjScaleAtCenterGeoKey}, 1);
  const double lat1 = get({ProjStdParallel1GeoKey}, lat0);
  const double lat2 = get({ProjStdParallel2GeoKey}, lat1);
  char buf[512];
  auto fmt = [&](const char* f, auto... args) {
    std::snprintf(buf, sizeof buf, f, args...);
    return std::string(buf);
  };
  const std::string false_origin = fmt(" +x_0=%.17g +y_0=%.17g", x0, y0);
  switch (d.CTProjection) {
    case CT_TransverseMercator:
      return fmt("+proj=tmerc +lat_0=%.17g +lon_0=%.17g +k=%.17g", lat0, lon0, k) + false_origin;
    case CT_TransvMercator_SouthOrientated:
      return fmt("+proj=tmerc +axis=wsu +lat_0=%.17g +lon_0=%.17g +k=%.17g", lat0, lon0, k) +
             false_origin;
    case CT_Mercator:
      if (has(ProjStdParallel1GeoKey)) {
        return fmt("+proj=merc +lat_ts=%.17g +lon_0=%.17g", lat1, lon0) + false_origin;
      }
      return fmt("+proj=merc +lon_0=%.17g +k=%.17g", lon0, k) + false_origin;
    case CT_LambertConfConic_1SP:
      return fmt("+proj=lcc +lat_1=%.17g +lat_0=%.17g +lon_0=%.17g +k_0=%.17g", lat0, lat0, lon0,
                 k) +
             false_origin;
    case CT_LambertConfConic_2SP:
      return fmt("+proj=lcc +lat_0=%.17g +lon_0=%.17g +lat_1=%.17g +lat_2=%.17g", lat0, lon0, lat1,
                 lat2) +
             false_origin;
    case CT_AlbersEqualArea:
      return fmt("+proj=aea +lat_0=%.17g +lon_0=%.17g +lat_1=%.17g +lat_2=%.17g", lat0, lon0, lat1,
                 lat2) +
             false_origin;
    case CT_LambertAzimEqualArea:
      return fmt("+proj=laea +lat_0=%.17g +lon_0=%.17g", lat0, lon0) + false_origin;
    case CT_AzimuthalEquidistant:
      return fmt("+proj=aeqd +lat_0=%.17g +lon_0=%.17g", lat0, lon0) + false_origin;
    case CT_EquidistantConic:
      return fmt("+proj=eqdc +lat_0=%.17g +lon_0=%.17g +lat_1=%.17g +lat_2=%.17g", lat0, lon0, lat1,
                 lat2) +
             false_origin;
    case CT_Stereographic:
      return fmt("+proj=stere +lat_0=%.17g +lon_0=%.17g +k=%.17g", lat0, lon0, k) + false_origin;
    case CT_ObliqueStereographic:
      return fmt("+proj=sterea +lat_0=%.17g +lon_0=%.17g +k=%.17g", lat0, lon0, k) + false_origin;
    case CT_PolarStereographic:
      if (has(ProjStdParallel1GeoKey) && !has(ProjScaleAtNatOriginGeoKey)) {
        return fmt("+proj=stere +lat_0=%d +lat_ts=%.17g +lon_0=%.17g", lat1 < 0 ? -90 : 90, lat1,
                   lon0) +
               false_origin;
      }
      return fmt("+proj=stere +lat_0=%d +lat_ts=%.17g +lon_0=%.17g +k=%.17g", lat0 < 0 ? -90 : 90,
                 lat0, lon0, k) +
             false_origin;
    case CT_Equirectangular:
      return fmt("+proj=eqc +lat_ts=%.17g +lat_0=%.17g +lon_0=%.17g", lat1, lat0, lon0) +
             false_origin;
    case CT_CassiniSoldner:
      return fmt("+proj=cass +lat_0=%.17g +lon_0=%.17g", lat0, lon0) + false_origin;
    case CT_Gnomonic:
      return fmt("+proj=gnom +lat_0=%.17g +lon_0=%.17g", lat0, lon0) + false_origin;
    case CT_MillerCylindrical:
      return fmt("+proj=mill +lat_0=%.17g +lon_0=%.17g", lat0, lon0) + false_origin;
    case CT_Orthographic:
      return fmt("+proj=ortho +lat_0=%.17g +lon_0=%.17g", lat0, lon0) + false_origin;
    case CT_Polyconic:
      return fmt("+proj=poly +lat_0=%.17g +lon_0=%.17g", lat0, lon0) + false_origin;
    case CT_Robinson:
      return fmt("+proj=robin +lon_0=%.17g", lon0) + false_origin;
    case CT_Sinusoidal:
      return fmt("+proj=sinu +lon_0=%.17g", lon0) + false_origin;
    case CT_VanDerGrinten:
      return fmt("+proj=vandg +lon_0=%.17g", lon0) + false_origin;
    case CT_NewZealandMapGrid:
      return fmt("+proj=nzmg +lat_0=%.17g +lon_0=%.17g", lat0, lon0) + false_origin;
    case CT_CylindricalEqualArea:
      return fmt("+proj=cea +lat_ts=%.17g +lon_0=%.17g", lat1, lon0) + false_origin;
    case CT_ObliqueMercator:                       // Hotine, variant A
    case CT_HotineObliqueMercatorAzimuthCenter: {  // variant B
      const double alpha = get({ProjAzimuthAngleGeoKey}, 0);
      const double gamma = get({ProjRectifiedGridAngleGeoKey}, alpha);
      return fmt("+proj=omerc%s +lat_0=%.17g +lonc=%.17g +alpha=%.17g +gamma=%.17g +k=%.17g",
                 d.CTProjection == CT_ObliqueMercator ? " +no_uoff" : "", lat0, lon0, alpha, gamma,
                 k) +
             false_origin;
    }
    default:
      return std::string();
  }
}

// The base geodetic CRS of a user-defined definition.
PjPtr geodetic_crs(PJ_CONTEXT* ctx, GTIF* g, const GTIFDefn& d) {
  if (is_code(d.GCS)) {
    return PjPtr(proj_create_from_database(ctx, "EPSG", std::to_string(d.GCS).c_str(),
                                           PJ_CATEGORY_CRS, 0, nullptr));
  }
  const GeogNames names = parse_geog_citation(key_ascii(g, GeogCitationGeoKey));
  const std::string name = names.gcs.empty() ? "unknown" : names.gcs;
  const double angle_to_rad = (d.UOMAngleInDegrees > 0 ? d.UOMAngleInDegrees : 1.0) * M_PI / 180.0;
  const char* angle_name = d.UOMAngle == Angular_Grad ? "grad" : "degree";
  PjPtr cs(
      proj_create_ellipsoidal_2D_cs(ctx, PJ_ELLPS2D_LATITUDE_LONGITUDE, angle_name, angle_to_rad));
  if (is_code(d.Datum)) {
    PjPtr datum(proj_create_from_database(ctx, "EPSG", std::to_string(d.Datum).c_str(),
                                          PJ_CATEGORY_DATUM, 0, nullptr));
    if (datum)
      return PjPtr(proj_create_geographic_crs_from_datum(ctx, name.c_str(), datum.get(), cs.get()));
  }
  if (d.SemiMajor <= 0) return nullptr;
  double a = d.SemiMajor;
  double inv_flattening = d.SemiMinor > 0 && d.SemiMinor != d.SemiMajor
                              ? d.SemiMajor / (d.SemiMajor - d.SemiMinor)
                              : 0.0;
  std::string ellps_name = names.ellipsoid.empty() ? "unknown" : names.ellipsoid;
  if (is_code(d.Ellipsoid)) {
    // The EPSG ellipsoid's exact parameters (an inverse flattening derived
    // from a rounded semi-minor axis would not compare equal).
    PjPtr e(proj_create_from_database(ctx, "EPSG", std::to_string(d.Ellipsoid).c_str(),
                                      PJ_CATEGORY_ELLIPSOID, 0, nullptr));
    if (e) {
      if (proj_get_name(e.get())) ellps_name = proj_get_name(e.get());
      double b = 0, rf = 0;
      int b_computed = 0;
      if (proj_ellipsoid_get_parameters(ctx, e.get(), &a, &b, &b_computed, &rf)) {
        inv_flattening = rf;
      }
    }
  }
  const std::string datum_name = names.datum.empty() ? "unnamed" : names.datum;
  std::string pm_name = names.primem;
  if (pm_name.empty() && is_code(d.PM)) {
    PjPtr pm(proj_create_from_database(ctx, "EPSG", std::to_string(d.PM).c_str(),
                                       PJ_CATEGORY_PRIME_MERIDIAN, 0, nullptr));
    if (pm && proj_get_name(pm.get())) pm_name = proj_get_name(pm.get());
  }
  if (pm_name.empty()) pm_name = d.PMLongToGreenwich == 0 ? "Greenwich" : "unknown";
  return PjPtr(proj_create_geographic_crs(ctx, name.c_str(), datum_name.c_str(), ellps_name.c_str(),
                                          a, inv_flattening, pm_name.c_str(), d.PMLongToGreenwich,
                                          "degree", M_PI / 180.0, cs.get()));
}

std::string linear_unit_name(int code) {
  switch (code) {
    case Linear_Meter:
      return "metre";
    case Linear_Foot:
      return "foot";
    case Linear_Foot_US_Survey:
      return "US survey foot";
    default:
      return "unknown";
  }
}

// GDAL 3.6 describes an EPSG projected CRS whose GeoKeys carry a
// GTCitationGeoKey (every GeoTIFF GDAL writes has one) with a plain datum
// where PROJ's database has a datum ensemble (WGS 84, ETRS89, ...): the
// ensemble's name without " ensemble" and its ellipsoid; everything else
// (IDs, usage) as the database has it. Done on the CRS's PROJJSON, which
// keeps all of that. Other CRSs are returned as they are.
PjPtr ensemble_as_datum(PJ_CONTEXT* ctx, PjPtr crs) {
  const char* text = proj_as_projjson(ctx, crs.get(), nullptr);
  if (!text) return crs;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("base_crs") || !j["base_crs"].contains("datum_ensemble")) {
    return crs;
  }
  nlohmann::json& base = j["base_crs"];
  const nlohmann::json& ensemble = base["datum_ensemble"];
  if (!ensemble.contains("ellipsoid") || !ensemble.contains("name")) return crs;
  std::string name = ensemble["name"].get<std::string>();
  const std::string suffix = " ensemble";
  if (name.size() > suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    name.resize(name.size() - suffix.size());
  }
  nlohmann::json datum = {
      {"type", "GeodeticReferenceFrame"}, {"name", name}, {"ellipsoid", ensemble["ellipsoid"]}};
  nlohmann::json rebuilt = nlohmann::json::object();
  for (auto it = base.begin(); it != base.end(); ++it) {  // the datum where the ensemble was
    if (it.key() == "datum_ensemble") {
      rebuilt["datum"] = datum;
    } else {
      rebuilt[it.key()] = it.value();
    }
  }
  base = rebuilt;
  // Names come from the file's citations and need not be UTF-8.
  const std::string json = j.dump(-1, ' ', false, decltype(j)::error_handler_t::replace);
  PjPtr plain(proj_create(ctx, json.c_str()));
  return plain ? std::move(plain) : std::move(crs);
}

// GDAL's polar coordinate system: both axes point south (north pole) or
// north (south pole) along fixed meridians, as EPSG's polar CRSs do.
std::string polar_cs_wkt(bool north_pole) {
  const char* dir = north_pole ? "south" : "north";
  auto axis = [&](const char* name, int meridian, int order) {
    return std::string("AXIS[\"") + name + "\"," + dir + ",MERIDIAN[" + std::to_string(meridian) +
           ",ANGLEUNIT[\"degree\",0.0174532925199433]],ORDER[" + std::to_string(order) +
           "],LENGTHUNIT[\"metre\",1]]";
  };
  return "CS[Cartesian,2]," + axis("(E)", 90, 1) + "," + axis("(N)", north_pole ? 180 : 0, 2);
}

// Replaces the coordinate system of a projected CRS (WKT text surgery: the
// C API cannot make axes with a MERIDIAN).
PjPtr with_cs_wkt(PJ_CONTEXT* ctx, PJ* crs, const std::string& cs) {
  const char* options[] = {"MULTILINE=NO", nullptr};
  const char* text = proj_as_wkt(ctx, crs, PJ_WKT2_2019, options);
  if (!text) return nullptr;
  std::string wkt(text);
  const size_t at = wkt.find(",CS[Cartesian,2]");
  const size_t usage = wkt.find(",USAGE[", at);
  if (at == std::string::npos) return nullptr;
  wkt = wkt.substr(0, at + 1) + cs + (usage == std::string::npos ? "]" : wkt.substr(usage));
  return PjPtr(proj_create(ctx, wkt.c_str()));
}

// User-defined Polar Stereographic and Laborde Oblique Mercator, which GDAL
// builds with EPSG's methods (a PROJ string would give PROJ's "unknown"
// conversion and, for the polar ones, ordinary east/north axes). Parameters
// are picked as libgeotiff hands them to GDAL; angles are in degrees.
PjPtr special_projected_crs(PJ_CONTEXT* ctx, GTIF* g, const GTIFDefn& d, PJ* base) {
  if (d.CTProjection != CT_PolarStereographic && d.CTProjection != CT_ObliqueMercator_Laborde) {
    return nullptr;
  }
  std::map<int, double> p;
  for (int i = 0; i < d.nParms; ++i) {
    if (d.ProjParmId[i] != 0) p[d.ProjParmId[i]] = d.ProjParm[i];
  }
  auto get = [&](std::initializer_list<int> keys, double fallback) {
    for (int k : keys) {
      if (p.count(k)) return p[k];
    }
    return fallback;
  };
  const double lat =
      get({ProjNatOriginLatGeoKey, ProjFalseOriginLatGeoKey, ProjCenterLatGeoKey}, 0);
  const double k = get({ProjScaleAtNatOriginGeoKey, ProjScaleAtCenterGeoKey}, 1);
  const double fe =
      get({ProjFalseEastingGeoKey, ProjFalseOriginEastingGeoKey, ProjCenterEastingGeoKey}, 0);
  const double fn =
      get({ProjFalseNorthingGeoKey, ProjFalseOriginNorthingGeoKey, ProjCenterNorthingGeoKey}, 0);
  const double deg = M_PI / 180.0;
  const double unit = d.UOMLengthInMeters > 0 ? d.UOMLengthInMeters : 1.0;
  const std::string unit_name = is_code(d.UOMLength) ? linear_unit_name(d.UOMLength) : "metre";
  std::string name = name_from_citation(key_ascii(g, PCSCitationGeoKey));
  if (name.empty()) name = name_from_citation(key_ascii(g, GTCitationGeoKey));
  if (name.empty()) name = "unnamed";
  PjPtr conversion;
  const bool polar = d.CTProjection == CT_PolarStereographic;
  if (polar) {
    const double lon = get({ProjStraightVertPoleLongGeoKey, ProjNatOriginLongGeoKey,
                            ProjFalseOriginLongGeoKey, ProjCenterLongGeoKey},
                           0);
    conversion.reset(k == 1 && std::fabs(lat) != 90
                         ? proj_create_conversion_polar_stereographic_variant_b(
                               ctx, lat, lon, fe, fn, "degree", deg, unit_name.c_str(), unit)
                         : proj_create_conversion_polar_stereographic_variant_a(
                               ctx, lat, lon, k, fe, fn, "degree", deg, unit_name.c_str(), unit));
  } else {
    const double lon = get({ProjCenterLongGeoKey, ProjNatOriginLongGeoKey}, 0);
    const double azimuth = get({ProjAzimuthAngleGeoKey}, 0);
    conversion.reset(proj_create_conversion_laborde_oblique_mercator(
        ctx, lat, lon, azimuth, k, fe, fn, "degree", deg, unit_name.c_str(), unit));
  }
  if (!conversion) return nullptr;
  // Axes named as GDAL names those of CRSs it builds from keys.
  char easting[] = "easting", northing[] = "northing", none[] = "", east[] = "east",
       north[] = "north";
  std::string unit_buf = unit_name;
  PJ_AXIS_DESCRIPTION axes[2] = {{easting, none, east, unit_buf.data(), unit, PJ_UT_LINEAR},
                                 {northing, none, north, unit_buf.data(), unit, PJ_UT_LINEAR}};
  PjPtr cs(proj_create_cs(ctx, PJ_CS_TYPE_CARTESIAN, 2, axes));
  PjPtr crs(proj_create_projected_crs(ctx, name.c_str(), base, conversion.get(), cs.get()));
  if (!crs) return nullptr;
  crs = ensemble_as_datum(ctx, std::move(crs));
  if (!polar || unit != 1.0) return crs;
  PjPtr polar_crs = with_cs_wkt(ctx, crs.get(), polar_cs_wkt(lat > 0));
  return polar_crs ? std::move(polar_crs) : std::move(crs);
}

PjPtr horizontal_crs(PJ_CONTEXT* ctx, GTIF* g, const GTIFDefn& d) {
  const double unit_factor = d.UOMLengthInMeters > 0 ? d.UOMLengthInMeters : 1.0;
  if (d.Model == ModelTypeProjected && is_code(d.PCS)) {
    PjPtr crs(proj_create_from_database(ctx, "EPSG", std::to_string(d.PCS).c_str(), PJ_CATEGORY_CRS,
                                        0, nullptr));
    if (crs && !key_ascii(g, GTCitationGeoKey).empty())
      crs = ensemble_as_datum(ctx, std::move(crs));
    // A ProjLinearUnits key that differs from the code's unit wins, as in
    // GDAL; parameters are converted into the new unit.
    const std::optional<int> units = key_short(g, ProjLinearUnitsGeoKey);
    if (crs && units && is_code(*units)) {
      PjPtr cs(proj_crs_get_coordinate_system(ctx, crs.get()));
      double factor = 1;
      if (cs &&
          proj_cs_get_axis_info(ctx, cs.get(), 0, nullptr, nullptr, nullptr, &factor, nullptr,
                                nullptr, nullptr) &&
          std::fabs(factor - unit_factor) > 1e-12) {
        const std::string code = std::to_string(d.UOMLength);
        const std::string name = linear_unit_name(d.UOMLength);
        PjPtr altered(proj_crs_alter_parameters_linear_unit(ctx, crs.get(), name.c_str(),
                                                            unit_factor, "EPSG", code.c_str(), 1));
        if (altered) {
          PjPtr with_cs(proj_crs_alter_cs_linear_unit(ctx, altered.get(), name.c_str(), unit_factor,
                                                      "EPSG", code.c_str()));
          if (with_cs) return with_cs;
        }
      }
    }
    return crs;
  }
  if (d.Model == ModelTypeGeographic && is_code(d.GCS)) {
    PjPtr crs(proj_create_from_database(ctx, "EPSG", std::to_string(d.GCS).c_str(), PJ_CATEGORY_CRS,
                                        0, nullptr));
    // GDAL 3.6 describes a geographic 3D code given as the GCS in 2D.
    if (crs && proj_get_type(crs.get()) == PJ_TYPE_GEOGRAPHIC_3D_CRS) {
      PjPtr flat(proj_crs_demote_to_2D(ctx, nullptr, crs.get()));
      if (flat) return flat;
    }
    return crs;
  }
  if (d.Model != ModelTypeProjected && d.Model != ModelTypeGeographic) return nullptr;
  PjPtr base = geodetic_crs(ctx, g, d);
  if (!base) return nullptr;
  if (d.Model == ModelTypeGeographic) return base;

  if (!is_code(d.ProjCode)) {
    if (PjPtr special = special_projected_crs(ctx, g, d, base.get())) return special;
  }
  PjPtr conversion;
  PJ_CARTESIAN_CS_2D_TYPE axes = PJ_CART2D_EASTING_NORTHING;
  if (!is_code(d.ProjCode) && d.CTProjection == CT_TransvMercator_SouthOrientated) {
    // EPSG method 9808, with westing/southing axes (a PROJ string would
    // give ordinary TM with flipped axes, which is not the same CRS).
    std::map<int, double> p;
    for (int i = 0; i < d.nParms; ++i) p[d.ProjParmId[i]] = d.ProjParm[i];
    conversion.reset(proj_create_conversion_transverse_mercator_south_oriented(
        ctx, p[ProjNatOriginLatGeoKey], p[ProjNatOriginLongGeoKey],
        p.count(ProjScaleAtNatOriginGeoKey) ? p[ProjScaleAtNatOriginGeoKey] : 1.0,
        p[ProjFalseEastingGeoKey], p[ProjFalseNorthingGeoKey], "degree", M_PI / 180.0, "metre",
        1.0));
    axes = PJ_CART2D_WESTING_SOUTHING;
  }
  if (!conversion && is_code(d.ProjCode)) {
    conversion.reset(proj_create_from_database(ctx, "EPSG", std::to_string(d.ProjCode).c_str(),
                                               PJ_CATEGORY_COORDINATE_OPERATION, 0, nullptr));
  }
  if (!conversion) {
    const std::string proj = proj_string_for(d);
    if (proj.empty()) return nullptr;
    PjPtr tmp(proj_create(ctx, (proj + " +ellps=WGS84 +units=m +type=crs").c_str()));
    if (!tmp) return nullptr;
    conversion.reset(proj_crs_get_coordoperation(ctx, tmp.get()));
    if (!conversion) return nullptr;
  }
  std::string name = name_from_citation(key_ascii(g, PCSCitationGeoKey));
  if (name.empty()) name = name_from_citation(key_ascii(g, GTCitationGeoKey));
  if (name.empty()) name = "unknown";
  const std::string unit_name = is_code(d.UOMLength) ? linear_unit_name(d.UOMLength) : "metre";
  PjPtr cs(proj_create_cartesian_2D_cs(ctx, axes, unit_name.c_str(), unit_factor));
  return PjPtr(
      proj_create_projected_crs(ctx, name.c_str(), base.get(), conversion.get(), cs.get()));
}

// GDAL's local (engineering) CRS for keys that name no projection: "unnamed",
// or the citation (from "Projection Name = " for IMAGINE's, newlines as
// spaces).
std::optional<SpatialRef> local_crs(GTIF* g) {
  std::string name = key_ascii(g, GTCitationGeoKey);
  const size_t p = name.find("Projection Name = ");
  if (p != std::string::npos) name = name.substr(p);
  for (char& c : name) {
    if (c == '\n') c = ' ';
  }
  if (name.empty()) name = "unnamed";
  std::string quoted;
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  const std::string wkt = "ENGCRS[\"" + quoted +
                          "\",EDATUM[\"\"],CS[Cartesian,2],AXIS[\"(E)\",east,ORDER[1],LENGTHUNIT["
                          "\"metre\",1]],AXIS[\"(N)\",north,ORDER[2],LENGTHUNIT[\"metre\",1]]]";
  auto r = SpatialRef::from_wkt(wkt);
  if (!r.ok()) return std::nullopt;
  return *r;
}

// A vertical CRS from VerticalCSTypeGeoKey, or from VerticalDatumGeoKey with
// units and a citation ("VCS Name = X|Datum Name = ...|" or a plain name).
PjPtr vertical_crs(PJ_CONTEXT* ctx, GTIF* g) {
  const std::optional<int> code = key_short(g, VerticalCSTypeGeoKey);
  if (code && is_code(*code)) {
    return PjPtr(proj_create_from_database(ctx, "EPSG", std::to_string(*code).c_str(),
                                           PJ_CATEGORY_CRS, 0, nullptr));
  }
  const std::optional<int> datum = key_short(g, VerticalDatumGeoKey);
  if (!datum || !is_code(*datum)) return nullptr;
  PjPtr d(proj_create_from_database(ctx, "EPSG", std::to_string(*datum).c_str(), PJ_CATEGORY_DATUM,
                                    0, nullptr));
  if (!d) return nullptr;
  std::string name = key_ascii(g, VerticalCitationGeoKey);
  const std::string vcs = "VCS Name = ";
  if (name.rfind(vcs, 0) == 0) name = name.substr(vcs.size(), name.find('|') - vcs.size());
  if (name.empty()) name = "unknown";
  const std::optional<int> units = key_short(g, VerticalUnitsGeoKey);
  double factor = 1.0;
  std::string unit_name = "metre";
  if (units && is_code(*units) && *units != Linear_Meter) {
    char* uname = nullptr;
    if (GTIFGetUOMLengthInfoEx(ctx, *units, &uname, &factor)) {
      if (uname) unit_name = uname;
    }
    if (uname) GTIFFreeMemory(uname);
  }
  return PjPtr(proj_create_vertical_crs(ctx, name.c_str(), proj_get_name(d.get()),
                                        unit_name.c_str(), factor));
}

// GeogTOWGS84GeoKey: the CRS bound to WGS 84 by a Helmert transformation
// (3 parameters: geocentric translations; 7: position vector), as GDAL
// reports TOWGS84.
PjPtr bind_to_wgs84(PJ_CONTEXT* ctx, PJ* crs, GTIF* g, bool from_epsg_code) {
  // From the key itself: libgeotiff's normalised definition also carries
  // EPSG's default transformations, which GDAL does not report.
  struct {
    double TOWGS84[7] = {0, 0, 0, 0, 0, 0, 0};
    int TOWGS84Count = 0;
  } d;
  int size = 0;
  tagtype_t type;
  const int count = GTIFKeyInfo(g, GeogTOWGS84GeoKey, &size, &type);
  if (count != 3 && count != 7) return nullptr;
  if (GTIFKeyGetDOUBLE(g, GeogTOWGS84GeoKey, d.TOWGS84, 0, count) != count) return nullptr;
  d.TOWGS84Count = count;
  // Only user-defined CRSs are bound: for a CRS from an EPSG code, GDAL
  // 3.6 compares the key with EPSG's own transformations, which is not
  // reproduced here (left as a known difference).
  if (from_epsg_code) return nullptr;
  PjPtr wgs84(proj_create_from_database(ctx, "EPSG", "4326", PJ_CATEGORY_CRS, 0, nullptr));
  PjPtr source(proj_crs_get_geodetic_crs(ctx, crs));
  if (!wgs84 || !source) return nullptr;
  const double arcsec = M_PI / 180.0 / 3600.0;
  PJ_PARAM_DESCRIPTION params[7] = {
      {"X-axis translation", "EPSG", "8605", d.TOWGS84[0], "metre", 1.0, PJ_UT_LINEAR},
      {"Y-axis translation", "EPSG", "8606", d.TOWGS84[1], "metre", 1.0, PJ_UT_LINEAR},
      {"Z-axis translation", "EPSG", "8607", d.TOWGS84[2], "metre", 1.0, PJ_UT_LINEAR},
      {"X-axis rotation", "EPSG", "8608", d.TOWGS84Count == 7 ? d.TOWGS84[3] : 0, "arc-second",
       arcsec, PJ_UT_ANGULAR},
      {"Y-axis rotation", "EPSG", "8609", d.TOWGS84Count == 7 ? d.TOWGS84[4] : 0, "arc-second",
       arcsec, PJ_UT_ANGULAR},
      {"Z-axis rotation", "EPSG", "8610", d.TOWGS84Count == 7 ? d.TOWGS84[5] : 0, "arc-second",
       arcsec, PJ_UT_ANGULAR},
      {"Scale difference", "EPSG", "8611", d.TOWGS84Count == 7 ? d.TOWGS84[6] : 0,
       "parts per million", 1e-6, PJ_UT_SCALE},
  };
  const bool helmert7 = d.TOWGS84Count == 7;
  PjPtr transformation(proj_create_transformation(
      ctx, "Transformation to WGS84", nullptr, nullptr, source.get(), wgs84.get(), nullptr,
      helmert7 ? "Position Vector transformation (geog2D domain)"
               : "Geocentric translations (geog2D domain)",
      "EPSG", helmert7 ? "9606" : "9603", helmert7 ? 7 : 3, params, -1));
  if (!transformation) return nullptr;
  return PjPtr(proj_crs_create_bound_crs(ctx, crs, wgs84.get(), transformation.get()));
}

}  // namespace

std::optional<SpatialRef> crs_from_geokeys(PJ_CONTEXT* ctx, GTIF* g, const GTIFDefn& d,
                                           const std::string& path) {
  // A citation holding an ESRI WKT describes the CRS completely.
  const std::string citation = key_ascii(g, PCSCitationGeoKey).empty()
                                   ? key_ascii(g, GTCitationGeoKey)
                                   : key_ascii(g, PCSCitationGeoKey);
  const std::string esri = "ESRI PE String = ";
  if (citation.rfind(esri, 0) == 0) {
    auto r = SpatialRef::from_wkt(citation.substr(esri.size()));
    if (r.ok()) return *r;
  }
  GTIFDefn defn = d;
  // A CRS code without GTModelTypeGeoKey still says which model it is.
  const std::optional<int> model_key = key_short(g, GTModelTypeGeoKey);
  if (!model_key) defn.Model = KvUserDefined;  // libgeotiff's default is no evidence
  if (defn.Model != ModelTypeProjected && defn.Model != ModelTypeGeographic &&
      defn.Model != ModelTypeGeocentric) {
    // (Judged from the keys present: libgeotiff fills in defaults.)
    const std::optional<int> pcs_key = key_short(g, ProjectedCSTypeGeoKey);
    const std::optional<int> gcs_key = key_short(g, GeographicTypeGeoKey);
    if (pcs_key) {  // even user-defined: the file claims a projected CRS
      defn.Model = ModelTypeProjected;
    } else if (gcs_key && is_code(*gcs_key)) {
      defn.Model = ModelTypeGeographic;
    } else if (!key_ascii(g, GTCitationGeoKey).empty()) {
      return local_crs(g);
    }
  }
  // A projected model that names no projection at all: GDAL's local CS.
  if (defn.Model == ModelTypeProjected && !is_code(defn.PCS) && !is_code(defn.ProjCode) &&
      (defn.CTProjection == 0 || defn.CTProjection == KvUserDefined)) {
    return local_crs(g);
  }
  PjPtr crs = horizontal_crs(ctx, g, defn);
  if (!crs) {
    if (d.Model == ModelTypeProjected || d.Model == ModelTypeGeographic) {
      emit_warning(path, "the GeoKeys describe a CRS rasterkit cannot build; ignoring it");
    }
    return std::nullopt;
  }
  // Vertical keys: GDAL 3.6 reports them only for GeoTIFF 1.1 files (key
  // revision 1.1); in 1.0 files it ignores them.
  int versions[3] = {0, 0, 0};
  int key_count = 0;
  GTIFDirectoryInfo(g, versions, &key_count);
  const bool geotiff_1_1 = versions[1] > 1 || (versions[1] == 1 && versions[2] >= 1);
  const std::optional<int> vertical = key_short(g, VerticalCSTypeGeoKey);
  // GeoTIFF 1.0's VertCS_*_ellipsoid codes (5001-5033) are not CRS codes.
  const bool legacy_ellipsoidal = geotiff_1_1 && vertical && *vertical >= 5001 && *vertical <= 5033;
  PjPtr v = geotiff_1_1 && !legacy_ellipsoidal ? vertical_crs(ctx, g) : nullptr;
  if (v || legacy_ellipsoidal) {
    const PJ_TYPE vt = v ? proj_get_type(v.get()) : PJ_TYPE_UNKNOWN;
    if (legacy_ellipsoidal || vt == PJ_TYPE_GEOGRAPHIC_3D_CRS) {
      PjPtr promoted(proj_crs_promote_to_3D(ctx, nullptr, crs.get()));
      if (promoted) crs = std::move(promoted);
    } else if (vt == PJ_TYPE_VERTICAL_CRS) {
      const std::string name =
          std::string(proj_get_name(crs.get())) + " + " + proj_get_name(v.get());
      PjPtr compound(proj_create_compound_crs(ctx, name.c_str(), crs.get(), v.get()));
      if (compound) crs = std::move(compound);
    }
  }
  const bool from_epsg_code =
      (defn.Model == ModelTypeProjected && is_code(defn.PCS)) || is_code(defn.GCS);
  if (PjPtr bound = bind_to_wgs84(ctx, crs.get(), g, from_epsg_code)) crs = std::move(bound);
  return to_spatial_ref(ctx, crs.get());
}

}  // namespace rk::gtiff
