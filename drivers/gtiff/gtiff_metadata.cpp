#include <rasterkit/drivers/gtiff/gtiff_metadata.h>

#include <cstdio>
#include <cstdlib>

namespace rk::gtiff {

namespace {

std::string decode_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out += s[i];
      continue;
    }
    const std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") {
      out += '&';
    } else if (ent == "lt") {
      out += '<';
    } else if (ent == "gt") {
      out += '>';
    } else if (ent == "quot") {
      out += '"';
    } else if (ent == "apos") {
      out += '\'';
    } else if (!ent.empty() && ent[0] == '#') {
      const std::string num(ent.substr(1));
      const long code = num.size() > 1 && (num[0] == 'x' || num[0] == 'X')
                            ? std::strtol(num.c_str() + 1, nullptr, 16)
                            : std::strtol(num.c_str(), nullptr, 10);
      // UTF-8 encode.
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | ((code >> 12) & 0x0F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      }
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The value of attribute `name` in an element's attribute text.
std::optional<std::string> attribute(std::string_view attrs, std::string_view name) {
  size_t pos = 0;
  while ((pos = attrs.find(name, pos)) != std::string_view::npos) {
    const bool starts = pos == 0 || attrs[pos - 1] == ' ' || attrs[pos - 1] == '\t' ||
                        attrs[pos - 1] == '\n' || attrs[pos - 1] == '\r';
    size_t p = pos + name.size();
    while (p < attrs.size() && attrs[p] == ' ') ++p;
    if (starts && p < attrs.size() && attrs[p] == '=') {
      ++p;
      while (p < attrs.size() && attrs[p] == ' ') ++p;
      if (p < attrs.size() && (attrs[p] == '"' || attrs[p] == '\'')) {
        const char quote = attrs[p];
        const size_t end = attrs.find(quote, p + 1);
        if (end == std::string_view::npos) return std::nullopt;
        return decode_entities(attrs.substr(p + 1, end - p - 1));
      }
    }
    pos += name.size();
  }
  return std::nullopt;
}

}  // namespace

std::vector<MetadataItem> parse_gdal_metadata(std::string_view xml) {
  std::vector<MetadataItem> items;
  size_t pos = 0;
  while ((pos = xml.find("<Item", pos)) != std::string_view::npos) {
    const size_t tag_end = xml.find('>', pos);
    if (tag_end == std::string_view::npos) break;
    const std::string_view attrs = xml.substr(pos + 5, tag_end - pos - 5);
    MetadataItem item;
    const std::optional<std::string> name = attribute(attrs, "name");
    item.domain = attribute(attrs, "domain").value_or("");
    item.role = attribute(attrs, "role").value_or("");
    if (std::optional<std::string> sample = attribute(attrs, "sample")) {
      item.sample = std::atoi(sample->c_str());
    }
    if (!attrs.empty() && attrs.back() == '/') {  // <Item ... /> : empty value
      pos = tag_end + 1;
    } else {
      const size_t close = xml.find("</Item>", tag_end);
      if (close == std::string_view::npos) break;
      item.value = decode_entities(xml.substr(tag_end + 1, close - tag_end - 1));
      pos = close + 7;
    }
    if (name || !item.role.empty()) {
      item.name = name.value_or("");
      items.push_back(std::move(item));
    }
  }
  return items;
}

std::string format_gdal_metadata(const std::vector<MetadataItem>& items) {
  std::string out = "<GDALMetadata>\n";
  for (const MetadataItem& it : items) {
    out += "  <Item name=\"" + escape(it.name) + "\"";
    if (!it.domain.empty()) out += " domain=\"" + escape(it.domain) + "\"";
    if (it.sample >= 0) out += " sample=\"" + std::to_string(it.sample) + "\"";
    if (!it.role.empty()) out += " role=\"" + escape(it.role) + "\"";
    out += ">" + escape(it.value) + "</Item>\n";
  }
  out += "</GDALMetadata>\n";
  return out;
}

std::optional<std::string> read_ascii_tag(TIFF* tif, ttag_t tag) {
  char* text = nullptr;
  if (!TIFFGetField(tif, tag, &text) || !text) return std::nullopt;
  return std::string(text);
}

std::vector<std::pair<std::string, std::string>> read_baseline_tags(TIFF* tif) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::pair<ttag_t, const char*> text_tags[] = {
      {TIFFTAG_DOCUMENTNAME, "TIFFTAG_DOCUMENTNAME"},
      {TIFFTAG_IMAGEDESCRIPTION, "TIFFTAG_IMAGEDESCRIPTION"},
      {TIFFTAG_SOFTWARE, "TIFFTAG_SOFTWARE"},
      {TIFFTAG_DATETIME, "TIFFTAG_DATETIME"},
      {TIFFTAG_ARTIST, "TIFFTAG_ARTIST"},
      {TIFFTAG_HOSTCOMPUTER, "TIFFTAG_HOSTCOMPUTER"},
      {TIFFTAG_COPYRIGHT, "TIFFTAG_COPYRIGHT"},
  };
  for (const auto& [tag, name] : text_tags) {
    if (std::optional<std::string> v = read_ascii_tag(tif, tag)) out.emplace_back(name, *v);
  }
  float xres = 0, yres = 0;
  uint16_t unit = 0;
  char buf[64];
  if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres)) {
    std::snprintf(buf, sizeof buf, "%.8g", static_cast<double>(xres));
    out.emplace_back("TIFFTAG_XRESOLUTION", buf);
  }
  if (TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yres)) {
    std::snprintf(buf, sizeof buf, "%.8g", static_cast<double>(yres));
    out.emplace_back("TIFFTAG_YRESOLUTION", buf);
  }
  if (TIFFGetField(tif, TIFFTAG_RESOLUTIONUNIT, &unit)) {
    const char* names[] = {"", "1 (unitless)", "2 (pixels/inch)", "3 (pixels/cm)"};
    out.emplace_back("TIFFTAG_RESOLUTIONUNIT",
                     unit >= 1 && unit <= 3 ? names[unit] : std::to_string(unit) + " (unknown)");
  }
  return out;
}

}  // namespace rk::gtiff
