#include <rasterkit/gdalcore/spatial_ref.h>

#include <rasterkit/gdalcore/proj_context.h>

#include <proj.h>
#include <proj_experimental.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace rk {

namespace {

// RAII handles for PROJ objects.
struct ContextDeleter {
  void operator()(PJ_CONTEXT* c) const { proj_context_destroy(c); }
};
struct PjDeleter {
  void operator()(PJ* p) const { proj_destroy(p); }
};
using ContextPtr = std::unique_ptr<PJ_CONTEXT, ContextDeleter>;
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

ContextPtr make_context() {
  ContextPtr ctx(proj_context_create());
  // Never reach for network grids behind the caller's back.
  if (ctx) {
    proj_context_set_enable_network(ctx.get(), 0);
    // Errors are read from the context and returned; PROJ must not print.
    proj_log_level(ctx.get(), PJ_LOG_NONE);
  }
  return ctx;
}

}  // namespace

PJ_CONTEXT* proj_thread_context() {
  thread_local ContextPtr ctx = make_context();
  return ctx.get();
}

namespace {

PJ_CONTEXT* thread_context() { return proj_thread_context(); }

// CRSs already described, by what they were built from (an EPSG code, or
// the WKT/PROJJSON/PROJ text): a batch job opening thousands of files in
// the same CRS describes it once. Definitions are immutable, so sharing
// them needs no lock; `mu` guards only the map.
}  // namespace

struct SpatialRef::Cache {
  static Cache& global() {
    static Cache* cache = new Cache();  // never destroyed
    return *cache;
  }

  std::shared_ptr<const SpatialRef::Definition> find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : it->second;
  }
  void add(const std::string& key, std::shared_ptr<const SpatialRef::Definition> def) {
    if (key.size() > kMaxKey) return;  // huge definitions are not worth keeping
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.size() >= kMaxEntries) map_.clear();
    map_.emplace(key, std::move(def));
  }

 private:
  static constexpr size_t kMaxEntries = 512;
  static constexpr size_t kMaxKey = 64 << 10;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const SpatialRef::Definition>> map_;
};

namespace {

std::string context_error(PJ_CONTEXT* ctx) {
  const int err = proj_context_errno(ctx);
  if (err == 0) return "PROJ could not parse it";
  const char* text = proj_context_errno_string(ctx, err);
  return text ? text : "PROJ error";
}

CrsKind kind_of(PJ_TYPE t) {
  switch (t) {
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
    case PJ_TYPE_GEOGRAPHIC_CRS:
      return CrsKind::kGeographic;
    case PJ_TYPE_PROJECTED_CRS:
      return CrsKind::kProjected;
    case PJ_TYPE_GEOCENTRIC_CRS:
      return CrsKind::kGeocentric;
    case PJ_TYPE_VERTICAL_CRS:
      return CrsKind::kVertical;
    case PJ_TYPE_COMPOUND_CRS:
      return CrsKind::kCompound;
    case PJ_TYPE_ENGINEERING_CRS:
      return CrsKind::kEngineering;
    default:
      return CrsKind::kOther;
  }
}

bool is_crs_type(PJ_TYPE t) {
  switch (t) {
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
    case PJ_TYPE_GEOGRAPHIC_CRS:
    case PJ_TYPE_GEODETIC_CRS:
    case PJ_TYPE_GEOCENTRIC_CRS:
    case PJ_TYPE_PROJECTED_CRS:
    case PJ_TYPE_VERTICAL_CRS:
    case PJ_TYPE_COMPOUND_CRS:
    case PJ_TYPE_ENGINEERING_CRS:
    case PJ_TYPE_BOUND_CRS:
    case PJ_TYPE_TEMPORAL_CRS:
    case PJ_TYPE_OTHER_CRS:
      return true;
    default:
      return false;
  }
}

std::string as_string(const char* s) { return s ? std::string(s) : std::string(); }

}  // namespace

// Everything is computed once at construction, so the object is immutable
// and needs no lock.
struct SpatialRef::Definition {
  std::string name;
  CrsKind kind = CrsKind::kOther;
  std::optional<int> epsg;
  std::string wkt2;
  std::string projjson;
  std::string wkt1;
  std::string proj4;
  std::string geodetic_name, datum, ellipsoid, prime_meridian;
  std::vector<int> axis_mapping;
  std::string geographic_projjson;  // the geodetic CRS; empty if none
};

namespace {

// GDAL's "traditional GIS order" mapping: data x is longitude/easting even
// when the CRS lists latitude/northing first.
std::vector<int> traditional_axis_mapping(PJ_CONTEXT* ctx, PJ* crs) {
  PjPtr horizontal;
  PJ* h = crs;
  if (proj_get_type(crs) == PJ_TYPE_BOUND_CRS) {
    horizontal.reset(proj_get_source_crs(ctx, crs));
    h = horizontal.get();
  }
  if (h && proj_get_type(h) == PJ_TYPE_COMPOUND_CRS) {
    horizontal.reset(proj_crs_get_sub_crs(ctx, h, 0));
    h = horizontal.get();
  }
  if (!h) return {};
  PjPtr cs(proj_crs_get_coordinate_system(ctx, h));
  if (!cs) return {};
  const int n = proj_cs_get_axis_count(ctx, cs.get());
  if (n <= 0) return {};
  std::vector<int> mapping;
  for (int i = 1; i <= n; ++i) mapping.push_back(i);
  // GDAL's rule (OSR's north-east test): swapped when the first axis points
  // north and the second east, or, both pointing north or both south (polar
  // CRSs), when they are named northing then easting.
  const char *name0 = nullptr, *name1 = nullptr, *dir0 = nullptr, *dir1 = nullptr;
  if (n >= 2 &&
      proj_cs_get_axis_info(ctx, cs.get(), 0, &name0, nullptr, &dir0, nullptr, nullptr, nullptr,
                            nullptr) &&
      proj_cs_get_axis_info(ctx, cs.get(), 1, &name1, nullptr, &dir1, nullptr, nullptr, nullptr,
                            nullptr) &&
      dir0 && dir1) {
    auto lower = [](const char* t) {
      std::string out(t ? t : "");
      for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return out;
    };
    const std::string d0 = lower(dir0), d1 = lower(dir1);
    const bool north_east = d0 == "north" && d1 == "east";
    const bool polar_named = d0 == d1 && (d0 == "north" || d0 == "south") &&
                             lower(name0).rfind("northing", 0) == 0 &&
                             lower(name1).rfind("easting", 0) == 0;
    if (north_east || polar_named) std::swap(mapping[0], mapping[1]);
  }
  int total = n;
  if (h != crs && proj_get_type(crs) == PJ_TYPE_COMPOUND_CRS) {
    // The vertical part adds one axis after the horizontal ones.
    total = n + 1;
    mapping.push_back(total);
  }
  return mapping;
}

}  // namespace

Result<SpatialRef> SpatialRef::build(std::string_view what, std::string_view text, int epsg) {
  const std::string key = epsg > 0 ? "EPSG:" + std::to_string(epsg) : std::string(text);
  if (auto def = Cache::global().find(key)) return SpatialRef(std::move(def));
  RK_ASSIGN_OR_RETURN(SpatialRef built, build_uncached(what, text, epsg));
  Cache::global().add(key, built.def_);
  return built;
}

Result<SpatialRef> SpatialRef::build_uncached(std::string_view what, std::string_view text,
                                              int epsg) {
  PJ_CONTEXT* ctx = thread_context();
  if (!ctx) return Status::out_of_memory("PROJ", "cannot create a PROJ context");
  PjPtr pj;
  if (epsg > 0) {
    const std::string code = std::to_string(epsg);
    pj.reset(proj_create_from_database(ctx, "EPSG", code.c_str(), PJ_CATEGORY_CRS, 0, nullptr));
    if (!pj) return Status::not_found("EPSG:" + code, "no such CRS in the PROJ database");
  } else {
    const std::string input(text);
    pj.reset(proj_create(ctx, input.c_str()));
    if (!pj) {
      std::string shown = input.size() > 60 ? input.substr(0, 60) + "..." : input;
      return Status::invalid_argument(std::string(what),
                                      "cannot parse CRS '" + shown + "': " + context_error(ctx));
    }
  }
  return describe(ctx, pj.get(), what);
}

// `ctx` and `pj` stay owned by the caller.
Result<SpatialRef> SpatialRef::describe(PJ_CONTEXT* ctx, PJ* pj, std::string_view what) {
  const PJ_TYPE type = proj_get_type(pj);
  if (!is_crs_type(type)) {
    return Status::invalid_argument(std::string(what), "the definition is not a CRS");
  }
  auto def = std::make_shared<Definition>();
  def->name = as_string(proj_get_name(pj));
  def->kind = kind_of(type);
  if (type == PJ_TYPE_BOUND_CRS) {
    PjPtr base(proj_get_source_crs(ctx, pj));
    if (base) def->kind = kind_of(proj_get_type(base.get()));
  }
  const char* auth = proj_get_id_auth_name(pj, 0);
  const char* code = proj_get_id_code(pj, 0);
  if (auth && code && std::string(auth) == "EPSG") {
    try {
      def->epsg = std::stoi(code);
    } catch (...) {
    }
  }
  def->axis_mapping = traditional_axis_mapping(ctx, pj);
  if (PjPtr geodetic{proj_crs_get_geodetic_crs(ctx, pj)}) {
    def->geodetic_name = as_string(proj_get_name(geodetic.get()));
    def->geographic_projjson = as_string(proj_as_projjson(ctx, geodetic.get(), nullptr));
    PjPtr datum(proj_crs_get_datum(ctx, geodetic.get()));
    if (!datum) datum.reset(proj_crs_get_datum_ensemble(ctx, geodetic.get()));
    if (datum) def->datum = as_string(proj_get_name(datum.get()));
    if (PjPtr e{proj_get_ellipsoid(ctx, geodetic.get())})
      def->ellipsoid = as_string(proj_get_name(e.get()));
    if (PjPtr pm{proj_get_prime_meridian(ctx, geodetic.get())}) {
      def->prime_meridian = as_string(proj_get_name(pm.get()));
    }
  }
  const char* wkt2_options[] = {"MULTILINE=YES", "INDENTATION_WIDTH=4", nullptr};
  def->wkt2 = as_string(proj_as_wkt(ctx, pj, PJ_WKT2_2019, wkt2_options));
  def->projjson = as_string(proj_as_projjson(ctx, pj, nullptr));
  const char* wkt1_options[] = {"MULTILINE=NO", nullptr};
  def->wkt1 = as_string(proj_as_wkt(ctx, pj, PJ_WKT1_GDAL, wkt1_options));
  def->proj4 = as_string(proj_as_proj_string(ctx, pj, PJ_PROJ_5, nullptr));
  if (def->wkt2.empty()) {
    return Status::invalid_argument(std::string(what), "PROJ cannot export this CRS as WKT2");
  }
  return SpatialRef(std::move(def));
}

Result<SpatialRef> SpatialRef::make_compound(const SpatialRef& horizontal,
                                             const SpatialRef& vertical) {
  PJ_CONTEXT* ctx = thread_context();
  if (!ctx) return Status::out_of_memory("PROJ", "cannot create a PROJ context");
  PjPtr h(proj_create(ctx, horizontal.to_wkt2().c_str()));
  PjPtr v(proj_create(ctx, vertical.to_wkt2().c_str()));
  if (!h || !v) return Status::invalid_argument("CRS", "cannot rebuild the component CRSs");
  const std::string name = horizontal.name() + " + " + vertical.name();
  PjPtr compound(proj_create_compound_crs(ctx, name.c_str(), h.get(), v.get()));
  if (!compound) {
    return Status::invalid_argument("CRS", "cannot combine '" + horizontal.name() + "' and '" +
                                               vertical.name() + "': " + context_error(ctx));
  }
  return describe(ctx, compound.get(), "compound CRS");
}

Result<SpatialRef> SpatialRef::from_epsg(int code) {
  if (code <= 0) return Status::invalid_argument("EPSG:" + std::to_string(code), "invalid code");
  return build("EPSG", "", code);
}

Result<SpatialRef> SpatialRef::from_wkt(std::string_view wkt) { return build("WKT", wkt, 0); }

Result<SpatialRef> SpatialRef::from_projjson(std::string_view json) {
  return build("PROJJSON", json, 0);
}

Result<SpatialRef> SpatialRef::from_user_input(std::string_view text) {
  return build("CRS", text, 0);
}

const std::string& SpatialRef::name() const { return def_->name; }
CrsKind SpatialRef::kind() const { return def_->kind; }
std::optional<int> SpatialRef::epsg_code() const { return def_->epsg; }
const std::string& SpatialRef::to_wkt2() const { return def_->wkt2; }
const std::string& SpatialRef::geodetic_crs_name() const { return def_->geodetic_name; }
const std::string& SpatialRef::datum_name() const { return def_->datum; }
const std::string& SpatialRef::ellipsoid_name() const { return def_->ellipsoid; }
const std::string& SpatialRef::prime_meridian_name() const { return def_->prime_meridian; }
const std::string& SpatialRef::to_projjson() const { return def_->projjson; }
const std::string& SpatialRef::to_wkt1() const { return def_->wkt1; }
const std::string& SpatialRef::to_proj4() const { return def_->proj4; }
const std::vector<int>& SpatialRef::data_axis_to_srs_axis_mapping() const {
  return def_->axis_mapping;
}

Result<SpatialRef> SpatialRef::geographic_crs() const {
  if (def_->geographic_projjson.empty()) {
    return Status::not_found(name(), "the CRS has no geographic (geodetic) part");
  }
  return from_projjson(def_->geographic_projjson);
}

Result<std::string> SpatialRef::to_wkt(std::string_view format) const {
  std::string f;
  for (char c : format) f += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  PJ_WKT_TYPE type;
  if (f == "WKT1") {
    type = PJ_WKT1_GDAL;
  } else if (f == "WKT1_ESRI") {
    type = PJ_WKT1_ESRI;
  } else if (f == "WKT2_2015") {
    type = PJ_WKT2_2015;
  } else if (f == "WKT2" || f == "WKT2_2018" || f == "WKT2_2019") {
    return def_->wkt2;
  } else {
    return Status::invalid_argument(std::string(format),
                                    "unknown WKT format (WKT1, WKT1_ESRI, WKT2, WKT2_2015, "
                                    "WKT2_2018 or WKT2_2019)");
  }
  PJ_CONTEXT* ctx = thread_context();
  if (!ctx) return Status::out_of_memory("PROJ", "cannot create a PROJ context");
  PjPtr pj(proj_create(ctx, def_->projjson.c_str()));
  if (!pj) return Status::internal(name(), "PROJ cannot re-read its own PROJJSON");
  // PROJJSON keeps the identifiers of the CRS only, not of its datum,
  // ellipsoid and so on, which WKT1 prints (AUTHORITY[...]) as GDAL does:
  // write the registry's definition when it is the same CRS.
  const char* auth = proj_get_id_auth_name(pj.get(), 0);
  const char* code = proj_get_id_code(pj.get(), 0);
  if (auth && code) {
    PjPtr registered(proj_create_from_database(ctx, auth, code, PJ_CATEGORY_CRS, 0, nullptr));
    if (registered && proj_is_equivalent_to(registered.get(), pj.get(), PJ_COMP_EQUIVALENT)) {
      pj = std::move(registered);
    }
  }
  // GDAL writes a geographic CRS's axes in WKT1 (PROJ leaves them out by
  // default); a projected CRS's inner geographic one stays without.
  const PJ_TYPE t = proj_get_type(pj.get());
  const bool geographic = t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS;
  const char* options[] = {"MULTILINE=YES", "INDENTATION_WIDTH=4",
                           geographic && type == PJ_WKT1_GDAL ? "OUTPUT_AXIS=YES" : nullptr,
                           nullptr};
  const char* out = proj_as_wkt(ctx, pj.get(), type, options);
  if (!out) return Status::not_supported(name(), "this CRS cannot be written as " + f);
  return std::string(out);
}

std::vector<SpatialRef> SpatialRef::sub_crs() const {
  std::vector<SpatialRef> out;
  if (def_->kind != CrsKind::kCompound) return out;
  PJ_CONTEXT* ctx = thread_context();
  if (!ctx) return out;
  PjPtr pj(proj_create(ctx, def_->wkt2.c_str()));
  if (!pj) return out;
  for (int i = 0; i < 2; ++i) {
    PjPtr part(proj_crs_get_sub_crs(ctx, pj.get(), i));
    if (!part) break;
    auto r = describe(ctx, part.get(), "sub-CRS");
    if (r.ok()) out.push_back(*r);
  }
  return out;
}

bool SpatialRef::is_equivalent_to(const SpatialRef& other) const {
  if (def_ == other.def_) return true;
  PJ_CONTEXT* ctx = thread_context();
  if (!ctx) return false;
  PjPtr a(proj_create(ctx, def_->wkt2.c_str()));
  PjPtr b(proj_create(ctx, other.def_->wkt2.c_str()));
  if (!a || !b) return false;
  return proj_is_equivalent_to_with_ctx(ctx, a.get(), b.get(),
                                        PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS) != 0;
}

}  // namespace rk
