#include <rasterkit/drivers/gtiff/gtiff_rpc.h>

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include <rasterkit/drivers/gtiff/gtiff_tags.h>
#include <rasterkit/gdalcore/file.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk::gtiff {

namespace {

constexpr int kCoefficients = 20;
constexpr size_t kTagValues = 92;
constexpr size_t kMaxSideCar = size_t{1} << 20;

// The tag's order: ERR_BIAS, ERR_RAND, the offsets and scales, then the
// four coefficient lists.
const char* const kScalars[] = {"ERR_BIAS",   "ERR_RAND",  "LINE_OFF",   "SAMP_OFF",
                                "LAT_OFF",    "LONG_OFF",  "HEIGHT_OFF", "LINE_SCALE",
                                "SAMP_SCALE", "LAT_SCALE", "LONG_SCALE", "HEIGHT_SCALE"};
const char* const kLists[] = {"LINE_NUM_COEFF", "LINE_DEN_COEFF", "SAMP_NUM_COEFF",
                              "SAMP_DEN_COEFF"};
// The .RPB names of the same values, in the same order.
const char* const kRpbScalars[] = {"errBias",   "errRand",    "lineOffset",   "sampOffset",
                                   "latOffset", "longOffset", "heightOffset", "lineScale",
                                   "sampScale", "latScale",   "longScale",    "heightScale"};
const char* const kRpbLists[] = {"lineNumCoef", "lineDenCoef", "sampNumCoef", "sampDenCoef"};

std::string g15(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

Metadata::Items sorted(Metadata::Items items) {
  std::sort(items.begin(), items.end());
  return items;
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n\"");
  const size_t b = s.find_last_not_of(" \t\r\n\"");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::optional<std::string> small_file(const std::string& path) {
  Result<std::string> text = read_small_file(path, kMaxSideCar);
  if (!text.ok()) return std::nullopt;
  return std::move(text).value();
}

// The value of "name = value;" in an .RPB: as written, or for a list
// "( a, b, ... )" its values joined by single spaces.
std::optional<std::string> rpb_value(const std::string& text, const std::string& name) {
  size_t pos = 0;
  while ((pos = text.find(name, pos)) != std::string::npos) {
    const bool starts = pos == 0 || !std::isalnum(static_cast<unsigned char>(text[pos - 1]));
    size_t p = pos + name.size();
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    if (!starts || p >= text.size() || text[p] != '=') {
      pos += name.size();
      continue;
    }
    const size_t end = text.find(';', p);
    if (end == std::string::npos) return std::nullopt;
    std::string value = trim(text.substr(p + 1, end - p - 1));
    if (value.empty() || value[0] != '(') return value;
    std::string joined;
    for (char& c : value) {
      if (c == '(' || c == ')' || c == ',') c = ' ';
    }
    std::istringstream in(value);
    for (std::string token; in >> token;) joined += (joined.empty() ? "" : " ") + token;
    return joined;
  }
  return std::nullopt;
}

std::optional<Metadata::Items> parse_rpb(const std::string& text, const std::string& path) {
  Metadata::Items items;
  for (size_t i = 0; i < std::size(kRpbScalars) + std::size(kRpbLists); ++i) {
    const bool scalar = i < std::size(kRpbScalars);
    const char* name = scalar ? kRpbScalars[i] : kRpbLists[i - std::size(kRpbScalars)];
    const char* key = scalar ? kScalars[i] : kLists[i - std::size(kRpbScalars)];
    std::optional<std::string> v = rpb_value(text, name);
    if (!v) {
      if (i < 2) continue;  // the error terms are optional
      emit_warning(path, std::string("RPB file found, but missing IMAGE.") + name +
                             " (and possibly others); not used");
      return std::nullopt;
    }
    items.emplace_back(key, *v);
  }
  return sorted(std::move(items));
}

std::optional<Metadata::Items> parse_rpc_txt(const std::string& text, const std::string& path) {
  Metadata::Items found;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    found.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  auto get = [&found](const std::string& key) -> std::optional<std::string> {
    for (const auto& [k, v] : found) {
      if (iequals(k, key)) return v;
    }
    return std::nullopt;
  };
  Metadata::Items items;
  for (size_t i = 0; i < std::size(kScalars); ++i) {
    if (auto v = get(kScalars[i])) {
      items.emplace_back(kScalars[i], *v);
    } else if (i >= 2) {
      emit_warning(path, std::string("RPC file found, but missing ") + kScalars[i] + "; not used");
      return std::nullopt;
    }
  }
  for (const char* list : kLists) {
    std::string joined;
    for (int k = 1; k <= kCoefficients; ++k) {
      auto v = get(std::string(list) + "_" + std::to_string(k));
      if (!v) {
        emit_warning(path, std::string("RPC file found, but missing ") + list + "_" +
                               std::to_string(k) + "; not used");
        return std::nullopt;
      }
      joined += *v + " ";  // GDAL keeps a space after each value
    }
    items.emplace_back(list, joined);
  }
  return sorted(std::move(items));
}

// The entry of `dir` named `name` ignoring case, if any.
std::optional<std::string> find_ignoring_case(const std::string& dir, const std::string& name) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return std::nullopt;
  while (const dirent* e = ::readdir(d.get())) {
    if (iequals(e->d_name, name)) return std::string(e->d_name);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Metadata::Items> read_rpc_tag(TIFF* t) {
  uint16_t count = 0;
  double* values = nullptr;
  if (!TIFFGetField(t, kTagRpcCoefficient, &count, &values) || count != kTagValues || !values) {
    return std::nullopt;
  }
  Metadata::Items items;
  for (size_t i = 0; i < std::size(kScalars); ++i) items.emplace_back(kScalars[i], g15(values[i]));
  for (size_t l = 0; l < std::size(kLists); ++l) {
    std::string joined;
    for (int k = 0; k < kCoefficients; ++k) {
      joined += (k ? " " : "") + g15(values[std::size(kScalars) + l * kCoefficients + k]);
    }
    items.emplace_back(kLists[l], joined);
  }
  return sorted(std::move(items));
}

void write_rpc_tag(TIFF* t, const Metadata::Items& rpc) {
  auto get = [&rpc](const char* key) -> std::optional<std::string> {
    for (const auto& [k, v] : rpc) {
      if (iequals(k, key)) return v;
    }
    return std::nullopt;
  };
  std::vector<double> values(kTagValues, 0.0);
  for (size_t i = 0; i < std::size(kScalars); ++i) {
    const auto v = get(kScalars[i]);
    values[i] = v ? std::strtod(v->c_str(), nullptr) : (i < 2 ? -1.0 : 0.0);
  }
  for (size_t l = 0; l < std::size(kLists); ++l) {
    std::vector<double> list;
    if (const auto v = get(kLists[l])) {
      std::istringstream in(*v);
      for (double d; in >> d;) list.push_back(d);
    }
    if (list.size() != kCoefficients) continue;  // GDAL writes zeros then
    std::copy(list.begin(), list.end(), values.begin() + std::size(kScalars) + l * kCoefficients);
  }
  TIFFSetField(t, kTagRpcCoefficient, static_cast<uint16_t>(kTagValues), values.data());
}

namespace {

// A server has no directory listing: the usual spellings are asked for, one
// request each (only when side-cars of remote files are wanted).
std::optional<RpcSideCar> find_remote_rpc_side_car(const std::string& prefix,
                                                   const std::string& stem) {
  for (const char* ext : {".RPB", ".rpb"}) {
    if (auto text = small_file(prefix + stem + ext)) {
      return RpcSideCar{prefix + stem + ext, "DG", parse_rpb(*text, prefix + stem + ext)};
    }
  }
  for (const char* ext : {"_RPC.TXT", "_rpc.txt"}) {
    if (auto text = small_file(prefix + stem + ext)) {
      return RpcSideCar{prefix + stem + ext, "GE", parse_rpc_txt(*text, prefix + stem + ext)};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<RpcSideCar> find_rpc_side_car(const std::string& tiff_path) {
  const size_t slash = tiff_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : tiff_path.substr(0, slash);
  const std::string file = slash == std::string::npos ? tiff_path : tiff_path.substr(slash + 1);
  const size_t dot = file.rfind('.');
  const std::string stem = dot == std::string::npos ? file : file.substr(0, dot);
  const std::string prefix = slash == std::string::npos ? "" : dir + "/";
  if (is_remote_path(tiff_path)) return find_remote_rpc_side_car(prefix, stem);
  if (auto rpb = find_ignoring_case(dir, stem + ".RPB")) {
    RpcSideCar s{prefix + *rpb, "DG", std::nullopt};
    if (auto text = small_file(s.path)) s.rpc = parse_rpb(*text, s.path);
    return s;
  }
  if (auto txt = find_ignoring_case(dir, stem + "_RPC.TXT")) {
    // gdalinfo lists this one with "./" when the TIFF's path has no folder.
    RpcSideCar s{(prefix.empty() ? "./" : prefix) + *txt, "GE", std::nullopt};
    if (auto text = small_file(s.path)) s.rpc = parse_rpc_txt(*text, s.path);
    return s;
  }
  return std::nullopt;
}

}  // namespace rk::gtiff
