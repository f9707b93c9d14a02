#include <rasterkit/utilities/info_render.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rk::info_render {

std::string printf_string(const char* format, double v) {
  char buf[128];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string g15(double v) { return printf_string("%.15g", v); }

bool is_xml_domain(const std::string& domain) { return Metadata::is_xml_domain(domain); }

double rounded(double v, int digits) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return std::strtod(buf, nullptr);
}

namespace {

// Whether the `count` characters of `s` that end `back` characters before
// its end are all `c`.
bool run_of(const std::string& s, char c, size_t count, size_t back) {
  if (s.size() < count + back) return false;
  const auto end = s.end() - static_cast<ptrdiff_t>(back);
  return std::all_of(end - static_cast<ptrdiff_t>(count), end, [c](char x) { return x == c; });
}

}  // namespace

double decimals16(double v) {
  if (!std::isfinite(v)) return v;
  int precision = 16;
  std::string s;
  for (;;) {
    s = printf_string(("%." + std::to_string(precision) + "f").c_str(), v);
    const size_t dot = s.find('.');
    if (dot == std::string::npos || s.size() <= 10) break;
    // At least eight characters after the point.
    const bool long_fraction = s.size() - 8 > dot;
    // A run of nines just before the last digit or two is the binary
    // fraction's noise: print fewer decimals, which rounds it away.
    if (precision > 1 && run_of(s, '9', 5, 1)) {
      precision -= 1;
      continue;
    }
    if (precision > 3 && long_fraction && run_of(s, '9', 6, 2)) {
      precision -= 3;
      continue;
    }
    // Likewise zeros followed by a digit or two of noise: cut the noise.
    if (run_of(s, '0', 5, 1)) {
      s.pop_back();
    } else if (long_fraction && run_of(s, '0', 6, 2)) {
      s.resize(s.size() - 2);
    }
    break;
  }
  return std::strtod(s.c_str(), nullptr);
}

std::vector<ShownDomain> shown_domains(const Metadata& md, const InfoOptions& o, bool band) {
  std::vector<ShownDomain> out{{"", false}};
  const auto& extra = o.extra_domains;
  if (extra.size() == 1 && extra[0] == "all") {
    for (const std::string& d : md.domains()) {
      static const char* const kNamed[] = {
          "", "IMAGE_STRUCTURE", "TILING_SCHEME", "SUBDATASETS", "GEOLOCATION", "RPC"};
      if (std::find(std::begin(kNamed), std::end(kNamed), d) == std::end(kNamed)) {
        out.push_back({d, true});
      }
    }
  } else {
    for (const std::string& d : extra) out.push_back({d, true});
  }
  out.push_back({"IMAGE_STRUCTURE", false});
  if (!band) out.push_back({"RPC", false});
  return out;
}

std::optional<std::string> nodata_text(const InfoBand& b) {
  if (b.nodata_int64) return std::to_string(*b.nodata_int64);
  if (b.nodata_uint64) return std::to_string(*b.nodata_uint64);
  if (!b.nodata) return std::nullopt;
  if (std::isnan(*b.nodata)) return "nan";
  // gdalinfo 3.6 prints the shortest %.Ng that reads back as the same value
  // (as a float for Float32 bands): 50 is "5e+01", 0.1 is "0.1".
  const double v = *b.nodata;
  const bool single = b.type == DataType::kFloat32 || b.type == DataType::kCFloat32;
  for (int digits = 1; digits <= 17; ++digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    const double back = std::strtod(buf, nullptr);
    if (single ? static_cast<float>(back) == static_cast<float>(v) : back == v) return buf;
  }
  return printf_string("%.18g", v);
}

std::vector<std::string> mask_flag_names(int flags) {
  std::vector<std::string> out;
  const std::pair<int, const char*> names[] = {{kMaskAllValid, "ALL_VALID"},
                                               {kMaskPerDataset, "PER_DATASET"},
                                               {kMaskAlpha, "ALPHA"},
                                               {kMaskNoData, "NODATA"}};
  for (const auto& [bit, name] : names) {
    if (flags & bit) out.push_back(name);
  }
  return out;
}

}  // namespace rk::info_render
