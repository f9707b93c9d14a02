// Reading and writing GDAL's .aux.xml side-cars. The layout written is
// GDAL's own (element order, number formats, sorted metadata), checked
// against GDAL 3.6 by the oracle tests.
#include <rasterkit/gdalcore/pam.h>

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <rasterkit/gdalcore/file.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk {

namespace {

std::atomic<bool> g_pam_enabled{true};

constexpr size_t kMaxSideCar = size_t{64} << 20;

std::optional<double> number(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  const std::string t = *text;
  if (iequals(t, "nan")) return std::nan("");
  if (iequals(t, "inf") || iequals(t, "+inf")) return HUGE_VAL;
  if (iequals(t, "-inf")) return -HUGE_VAL;
  return std::strtod(t.c_str(), nullptr);  // GDAL reads garbage as 0, as atof
}

std::string g16(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.16g", v);
  return buf;
}

// <NoDataValue le_hex_equiv="...">: the 8 little-endian bytes of the
// double, which GDAL prefers to the text when valid.
std::optional<double> nodata_value(const XmlNode& n) {
  if (auto hex = n.attribute("le_hex_equiv"); hex && hex->size() == 16) {
    unsigned char bytes[8];
    bool ok = true;
    for (int i = 0; i < 8 && ok; ++i) {
      char* end = nullptr;
      const std::string pair = hex->substr(static_cast<size_t>(2 * i), 2);
      bytes[i] = static_cast<unsigned char>(std::strtoul(pair.c_str(), &end, 16));
      ok = end == pair.c_str() + 2;
    }
    if (ok) {
      uint64_t bits = 0;
      for (int i = 7; i >= 0; --i) bits = (bits << 8) | bytes[i];
      double v;
      std::memcpy(&v, &bits, sizeof v);
      return v;
    }
  }
  if (n.text.empty()) return std::nullopt;
  return number(n.text);
}

void read_metadata(const XmlNode& node, const std::string& source, Metadata* md) {
  const std::string domain = node.attribute("domain").value_or("");
  if (Metadata::is_xml_domain(domain) || iequals(node.attribute("format").value_or(""), "xml")) {
    // GDAL keeps the document as it re-serializes it: from column 0, two
    // spaces per level. Text that is not XML is kept as written.
    std::string doc;
    for (const XmlNode& c : node.children) doc += serialize_xml(c);
    if (node.children.empty()) {
      doc = source.substr(node.inner_begin, node.inner_end - node.inner_begin);
    }
    md->set_xml_document(domain, doc);
    return;
  }
  for (const XmlNode* mdi : node.children_named("MDI")) {
    const auto key = mdi->attribute("key");
    if (!key || mdi->text.empty()) continue;  // GDAL drops both
    // GDAL joins key and value as "KEY=VALUE" and splits at the first '='.
    const size_t eq = key->find('=');
    if (eq == std::string::npos) {
      md->set(*key, mdi->text, domain);
    } else {
      md->set(key->substr(0, eq), key->substr(eq + 1) + "=" + mdi->text, domain);
    }
  }
}

std::optional<PamHistogram> read_histogram(const XmlNode& item) {
  PamHistogram h;
  const auto lo = number(item.child_text("HistMin"));
  const auto hi = number(item.child_text("HistMax"));
  const auto count = number(item.child_text("BucketCount"));
  const auto counts = item.child_text("HistCounts");
  if (!lo || !hi || !count || !counts || *count < 1 || *count > (1 << 24)) return std::nullopt;
  h.histogram.min = *lo;
  h.histogram.max = *hi;
  std::stringstream in(*counts);
  std::string part;
  while (std::getline(in, part, '|')) {
    h.histogram.counts.push_back(std::strtoull(part.c_str(), nullptr, 10));
  }
  if (h.histogram.counts.size() != static_cast<size_t>(*count)) return std::nullopt;
  h.include_out_of_range = number(item.child_text("IncludeOutOfRange")).value_or(0) != 0;
  h.approximate = number(item.child_text("Approximate")).value_or(0) != 0;
  return h;
}

std::optional<ColorTable> read_color_table(const XmlNode& node) {
  ColorTable ct;
  for (const XmlNode* e : node.children_named("Entry")) {
    auto c = [&](const char* name, int16_t dflt) {
      const auto v = e->attribute(name);
      return v ? static_cast<int16_t>(std::atoi(v->c_str())) : dflt;
    };
    ct.entries.push_back({c("c1", 0), c("c2", 0), c("c3", 0), c("c4", 255)});
  }
  return ct;
}

PamBand read_band(const XmlNode& node, int number_of_band, const std::string& source) {
  PamBand b;
  b.number = number_of_band;
  for (const XmlNode& c : node.children) {
    const std::string& n = c.name;
    if (iequals(n, "Description")) {
      b.description = c.text;
    } else if (iequals(n, "NoDataValue")) {
      b.nodata = nodata_value(c);
    } else if (iequals(n, "UnitType")) {
      b.unit = c.text;
    } else if (iequals(n, "Offset")) {
      b.offset = number(c.text);
    } else if (iequals(n, "Scale")) {
      b.scale = number(c.text);
    } else if (iequals(n, "ColorInterp")) {
      b.color_interp = parse_color_interp(c.text);
      if (b.color_interp == ColorInterp::kUndefined) b.color_interp.reset();
    } else if (iequals(n, "ColorTable")) {
      b.color_table = read_color_table(c);
    } else if (iequals(n, "Histograms")) {
      for (const XmlNode* item : c.children_named("HistItem")) {
        if (auto h = read_histogram(*item)) {
          b.histograms.push_back(std::move(*h));
        } else if (b.histograms.empty()) {
          b.unreadable_histogram = true;
        }
      }
    } else if (iequals(n, "CategoryNames")) {
      for (const XmlNode* cat : c.children_named("Category")) b.category_names.push_back(cat->text);
    } else if (iequals(n, "Metadata")) {
      read_metadata(c, source, &b.metadata);
    } else {
      b.other.push_back(c);
    }
  }
  return b;
}

std::optional<GeoTransform> read_geo_transform(const XmlNode& node, const std::string& subject) {
  std::vector<double> v;
  std::stringstream in(node.text);
  std::string part;
  while (std::getline(in, part, ',')) v.push_back(std::strtod(part.c_str(), nullptr));
  if (v.size() != 6) {
    emit_warning(subject, "GeoTransform does not have six values; ignored");
    return std::nullopt;
  }
  GeoTransform gt;
  for (size_t i = 0; i < 6; ++i) gt.c[i] = v[i];
  return gt;
}

// GDAL's metadata order in side-cars: by key, ignoring case.
Metadata::Items sorted(Metadata::Items items) {
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    return std::lexicographical_compare(a.first.begin(), a.first.end(), b.first.begin(),
                                        b.first.end(), [](char x, char y) {
                                          return std::tolower(static_cast<unsigned char>(x)) <
                                                 std::tolower(static_cast<unsigned char>(y));
                                        });
  });
  return items;
}

void write_metadata(const Metadata& md, XmlNode* parent) {
  std::vector<std::string> domains = md.domains();
  std::stable_partition(domains.begin(), domains.end(),
                        [](const std::string& d) { return d.empty(); });
  for (const std::string& d : domains) {
    XmlNode& m = parent->add_child("Metadata");
    if (!d.empty()) m.set_attribute("domain", d);
    if (Metadata::is_xml_domain(d)) {
      m.set_attribute("format", "xml");
      const std::string doc = md.xml_document(d).value_or("");
      Result<XmlNode> tree = parse_xml(doc, d);
      if (tree.ok()) {
        m.children.push_back(std::move(tree).value());
      } else {
        m.raw_content = doc;  // not XML: kept as it is
      }
      continue;
    }
    for (const auto& [k, v] : sorted(md.items(d))) m.add_child("MDI", v).set_attribute("key", k);
  }
}

std::string nodata_text(double v, bool* need_hex) {
  char buf[64];
  if (std::isnan(v)) {
    *need_hex = true;
    return "nan";
  }
  if (std::isinf(v)) {
    *need_hex = false;
    return v > 0 ? "INF" : "-INF";
  }
  std::snprintf(buf, sizeof buf, "%.14E", v);
  *need_hex = v != std::floor(v) || std::strtod(buf, nullptr) != v;
  return buf;
}

std::string le_hex(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  std::string out;
  char buf[4];
  for (int i = 0; i < 8; ++i) {
    std::snprintf(buf, sizeof buf, "%02X", static_cast<unsigned>((bits >> (8 * i)) & 0xFF));
    out += buf;
  }
  return out;
}

void write_histograms(const std::vector<PamHistogram>& hs, XmlNode* band) {
  if (hs.empty()) return;
  XmlNode& list = band->add_child("Histograms");
  for (const PamHistogram& h : hs) {
    XmlNode& item = list.add_child("HistItem");
    item.add_child("HistMin", g16(h.histogram.min));
    item.add_child("HistMax", g16(h.histogram.max));
    item.add_child("BucketCount", std::to_string(h.histogram.counts.size()));
    item.add_child("IncludeOutOfRange", h.include_out_of_range ? "1" : "0");
    item.add_child("Approximate", h.approximate ? "1" : "0");
    std::string counts;
    for (size_t i = 0; i < h.histogram.counts.size(); ++i) {
      counts += (i ? "|" : "") + std::to_string(h.histogram.counts[i]);
    }
    item.add_child("HistCounts", counts);
  }
}

XmlNode band_element(const PamBand& b) {
  XmlNode n;
  n.name = "PAMRasterBand";
  n.set_attribute("band", std::to_string(b.number));
  if (b.description) n.add_child("Description", *b.description);
  if (b.nodata) {
    bool hex = false;
    XmlNode& nd = n.add_child("NoDataValue", nodata_text(*b.nodata, &hex));
    if (hex) nd.set_attribute("le_hex_equiv", le_hex(*b.nodata));
  }
  if (b.unit) n.add_child("UnitType", *b.unit);
  if (b.offset && *b.offset != 0) n.add_child("Offset", g16(*b.offset));
  if (b.scale && *b.scale != 1) n.add_child("Scale", g16(*b.scale));
  // A side-car colour table makes the band a palette band, which GDAL says.
  const std::optional<ColorInterp> interp =
      b.color_table ? std::optional<ColorInterp>(ColorInterp::kPalette) : b.color_interp;
  if (interp) n.add_child("ColorInterp", std::string(color_interp_name(*interp)));
  if (!b.category_names.empty()) {
    XmlNode& names = n.add_child("CategoryNames");
    for (const std::string& c : b.category_names) names.add_child("Category", c).empty_pair = true;
  }
  if (b.color_table) {
    XmlNode& ct = n.add_child("ColorTable");
    for (const ColorEntry& e : b.color_table->entries) {
      ct.add_child("Entry")
          .set_attribute("c1", std::to_string(e.c1))
          .set_attribute("c2", std::to_string(e.c2))
          .set_attribute("c3", std::to_string(e.c3))
          .set_attribute("c4", std::to_string(e.c4));
    }
  }
  write_histograms(b.histograms, &n);
  for (const XmlNode& o : b.other) n.children.push_back(o);
  write_metadata(b.metadata, &n);
  return n;
}

}  // namespace

PamBand* PamDataset::band(int number) {
  for (PamBand& b : bands) {
    if (b.number == number) return &b;
  }
  return nullptr;
}

const PamBand* PamDataset::band(int number) const {
  return const_cast<PamDataset*>(this)->band(number);
}

PamBand& PamDataset::band_or_new(int number) {
  if (PamBand* b = band(number)) return *b;
  bands.emplace_back();
  bands.back().number = number;
  std::sort(bands.begin(), bands.end(),
            [](const PamBand& a, const PamBand& b) { return a.number < b.number; });
  return *band(number);
}

std::string pam_path(const std::string& dataset_path) { return dataset_path + ".aux.xml"; }

Result<PamDataset> parse_pam(std::string_view text, const std::string& subject) {
  const std::string source(text);
  RK_ASSIGN_OR_RETURN(XmlNode root, parse_xml(source, subject));
  PamDataset pam;
  for (const XmlNode& c : root.children) {
    if (iequals(c.name, "SRS")) {
      Result<SpatialRef> srs = SpatialRef::from_user_input(c.text);
      pam.srs = srs.ok() && !c.text.empty() ? std::optional<SpatialRef>(*srs) : std::nullopt;
      // Rewritten only when it holds a CRS, with its axis mapping (GDAL's).
      if (*pam.srs) {
        pam.srs_element = c;
        if (!c.attribute("dataAxisToSRSAxisMapping")) {
          std::string mapping;
          for (int a : (*pam.srs)->data_axis_to_srs_axis_mapping()) {
            mapping += (mapping.empty() ? "" : ",") + std::to_string(a);
          }
          pam.srs_element->set_attribute("dataAxisToSRSAxisMapping", mapping);
        }
      }
    } else if (iequals(c.name, "GeoTransform")) {
      pam.geo_transform = read_geo_transform(c, subject);
    } else if (iequals(c.name, "Metadata")) {
      read_metadata(c, source, &pam.metadata);
    } else if (iequals(c.name, "PAMRasterBand")) {
      const int n = std::atoi(c.attribute("band").value_or("0").c_str());
      if (n < 1) continue;  // GDAL ignores such bands, and drops them on rewrite
      if (PamBand* old = pam.band(n))
        *old = read_band(c, n, source);  // the last one wins
      else
        pam.bands.push_back(read_band(c, n, source));
    } else {
      pam.other.push_back(c);
    }
  }
  return pam;
}

std::string format_pam(const PamDataset& pam) {
  XmlNode root;
  root.name = "PAMDataset";
  if (pam.srs_element) root.children.push_back(*pam.srs_element);
  if (const auto& gt = pam.geo_transform) {
    std::string text;
    for (int i = 0; i < 6; ++i) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%24.16e", gt->c[static_cast<size_t>(i)]);
      text += (i ? "," : "") + std::string(buf);
    }
    root.add_child("GeoTransform").raw_content = text;
  }
  write_metadata(pam.metadata, &root);
  for (const PamBand& b : pam.bands) root.children.push_back(band_element(b));
  for (const XmlNode& o : pam.other) root.children.push_back(o);
  return serialize_xml(root);
}

std::optional<PamDataset> load_pam(const std::string& dataset_path) {
  if (!pam_enabled() || !side_cars_allowed(dataset_path)) return std::nullopt;
  const std::string path = pam_path(dataset_path);
  if (!file_exists(path)) return std::nullopt;
  Result<std::string> text = read_small_file(path, kMaxSideCar);
  if (!text.ok()) {
    emit_warning(display_path(path),
                 "cannot read the side-car: " + text.status().message() + "; ignored");
    return std::nullopt;
  }
  Result<PamDataset> pam = parse_pam(*text, path);
  if (!pam.ok()) {
    emit_warning(path, pam.status().message() + "; side-car ignored");
    return std::nullopt;
  }
  return std::move(pam).value();
}

Status save_pam_statistics(const std::string& dataset_path, int band_count,
                           const std::vector<PamBandUpdate>& updates) {
  // Remote files have no folder of ours to write into: nothing is saved.
  if (!pam_enabled() || updates.empty() || is_remote_path(dataset_path)) return Status();
  const std::string path = pam_path(dataset_path);
  PamDataset pam = load_pam(dataset_path).value_or(PamDataset{});
  pam.bands.erase(std::remove_if(pam.bands.begin(), pam.bands.end(),
                                 [band_count](const PamBand& b) { return b.number > band_count; }),
                  pam.bands.end());
  for (const PamBandUpdate& u : updates) {
    PamBand& b = pam.band_or_new(u.number);
    if (!u.description.empty()) b.description = u.description;
    if (u.statistics) {
      Metadata::Items items = without_statistics(b.metadata.items(""));
      items.insert(items.end(), u.statistics->begin(), u.statistics->end());
      b.metadata.set_items(std::move(items), "");
    }
    if (u.histogram) {
      // The new default histogram goes first, replacing one over the same
      // buckets (as GDAL's SetDefaultHistogram).
      const Histogram& h = u.histogram->histogram;
      auto same = [&h](const PamHistogram& o) {
        return o.histogram.min == h.min && o.histogram.max == h.max &&
               o.histogram.counts.size() == h.counts.size();
      };
      b.histograms.erase(std::remove_if(b.histograms.begin(), b.histograms.end(), same),
                         b.histograms.end());
      b.histograms.insert(b.histograms.begin(), *u.histogram);
    }
  }
  return write_file_atomically(path, format_pam(pam));
}

bool pam_enabled() { return g_pam_enabled.load(std::memory_order_relaxed); }

void set_pam_enabled(bool enabled) { g_pam_enabled.store(enabled, std::memory_order_relaxed); }

}  // namespace rk
