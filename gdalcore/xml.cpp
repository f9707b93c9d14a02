#include <rasterkit/gdalcore/xml.h>

#include <cctype>
#include <cstdlib>

#include <rasterkit/gdalcore/options.h>

namespace rk {

namespace {

constexpr int kMaxDepth = 256;
constexpr size_t kMaxDocument = size_t{64} << 20;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '-' ||
         c == '.' || static_cast<unsigned char>(c) >= 0x80;
}

void append_utf8(std::string& out, unsigned long code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x110000) {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// Entities decoded; an unknown or unterminated one is kept as written (GDAL
// accepts a bare '&' too).
std::string decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const size_t semi = s[i] == '&' ? s.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos || semi - i > 12) {
      out += s[i];
      continue;
    }
    const std::string_view e = s.substr(i + 1, semi - i - 1);
    if (e == "amp") {
      out += '&';
    } else if (e == "lt") {
      out += '<';
    } else if (e == "gt") {
      out += '>';
    } else if (e == "quot") {
      out += '"';
    } else if (e == "apos") {
      out += '\'';
    } else if (e.size() > 1 && e[0] == '#') {
      const bool hex = e[1] == 'x' || e[1] == 'X';
      const std::string digits(e.substr(hex ? 2 : 1));
      append_utf8(out, std::strtoul(digits.c_str(), nullptr, hex ? 16 : 10));
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && is_space(s[a])) ++a;
  while (b > a && is_space(s[b - 1])) --b;
  return std::string(s.substr(a, b - a));
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& subject) : s_(text), subject_(subject) {}

  Result<XmlNode> document() {
    if (s_.size() > kMaxDocument) return error("the document is larger than 64 MiB");
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
    RK_RETURN_IF_ERROR(skip_misc());
    if (pos_ >= s_.size() || s_[pos_] != '<') return error("no root element");
    XmlNode root;
    RK_RETURN_IF_ERROR(element(root, 0));
    return root;
  }

 private:
  Status error(const std::string& what) const {
    return Status::corrupt(subject_,
                           "not valid XML: " + what + " (at byte " + std::to_string(pos_) + ")");
  }

  // Comments, processing instructions (the XML declaration) and DOCTYPE.
  Status skip_misc() {
    while (true) {
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (s_.compare(pos_, 4, "<!--") == 0) {
        RK_RETURN_IF_ERROR(skip_past("-->"));
      } else if (s_.compare(pos_, 2, "<?") == 0) {
        RK_RETURN_IF_ERROR(skip_past("?>"));
      } else if (s_.compare(pos_, 9, "<!DOCTYPE") == 0) {
        RK_RETURN_IF_ERROR(skip_past(">"));
      } else {
        return Status();
      }
    }
  }

  Status skip_past(std::string_view end) {
    const size_t e = s_.find(end, pos_);
    if (e == std::string_view::npos) return error("unterminated '" + std::string(end) + "'");
    pos_ = e + end.size();
    return Status();
  }

  std::string name() {
    const size_t start = pos_;
    while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  Status attributes(XmlNode& node) {
    while (true) {
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size()) return error("unterminated tag <" + node.name);
      if (s_[pos_] == '>' || s_[pos_] == '/') return Status();
      std::string key = name();
      if (key.empty()) return error("bad attribute in <" + node.name + ">");
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || s_[pos_] != '=') return error("attribute " + key + " has no value");
      ++pos_;
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
        return error("attribute " + key + " is not quoted");
      }
      const char quote = s_[pos_++];
      const size_t end = s_.find(quote, pos_);
      if (end == std::string_view::npos) return error("unterminated attribute " + key);
      node.attributes.emplace_back(std::move(key), decode(s_.substr(pos_, end - pos_)));
      pos_ = end + 1;
    }
  }

  Status element(XmlNode& node, int depth) {
    if (depth >= kMaxDepth) return error("elements nested deeper than 256");
    ++pos_;  // '<'
    node.name = name();
    if (node.name.empty()) return error("bad element name");
    RK_RETURN_IF_ERROR(attributes(node));
    if (s_[pos_] == '/') {
      if (s_.compare(pos_, 2, "/>") != 0) return error("bad end of <" + node.name + ">");
      pos_ += 2;
      node.inner_begin = node.inner_end = pos_;
      return Status();
    }
    ++pos_;  // '>'
    node.inner_begin = pos_;
    return content(node, depth);
  }

  Status content(XmlNode& node, int depth) {
    std::string text;
    while (true) {
      const size_t lt = s_.find('<', pos_);
      if (lt == std::string_view::npos) return error("<" + node.name + "> is not closed");
      text += decode(s_.substr(pos_, lt - pos_));
      pos_ = lt;
      if (s_.compare(pos_, 2, "</") == 0) {
        node.inner_end = pos_;
        pos_ += 2;
        if (name() != node.name) return error("</...> does not close <" + node.name + ">");
        while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
        if (pos_ >= s_.size() || s_[pos_] != '>') return error("bad end tag of " + node.name);
        ++pos_;
        node.text = trim(text);
        return Status();
      }
      if (s_.compare(pos_, 9, "<![CDATA[") == 0) {
        const size_t end = s_.find("]]>", pos_ + 9);
        if (end == std::string_view::npos) return error("unterminated CDATA");
        text.append(s_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
      } else if (s_.compare(pos_, 4, "<!--") == 0 || s_.compare(pos_, 2, "<?") == 0) {
        RK_RETURN_IF_ERROR(s_[pos_ + 1] == '?' ? skip_past("?>") : skip_past("-->"));
      } else {
        node.children.emplace_back();
        RK_RETURN_IF_ERROR(element(node.children.back(), depth + 1));
      }
    }
  }

  std::string_view s_;
  const std::string& subject_;
  size_t pos_ = 0;
};

std::string escape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"' && attribute) {
      out += "&quot;";
    } else {
      out += c;
    }
  }
  return out;
}

void write(const XmlNode& n, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  out += pad + "<" + n.name;
  for (const auto& [k, v] : n.attributes) out += " " + k + "=\"" + escape(v, true) + "\"";
  if (!n.raw_content.empty()) {
    out += ">" + n.raw_content + "</" + n.name + ">\n";
  } else if (n.children.empty() && n.text.empty() && !n.empty_pair) {
    out += " />\n";
  } else if (n.children.empty()) {
    out += ">" + escape(n.text, false) + "</" + n.name + ">\n";
  } else {
    out += ">";
    if (!n.text.empty()) out += escape(n.text, false);
    out += "\n";
    for (const XmlNode& c : n.children) write(c, indent + 2, out);
    out += pad + "</" + n.name + ">\n";
  }
}

}  // namespace

const XmlNode* XmlNode::child(std::string_view child_name) const {
  for (const XmlNode& c : children) {
    if (iequals(c.name, child_name)) return &c;
  }
  return nullptr;
}

std::vector<const XmlNode*> XmlNode::children_named(std::string_view child_name) const {
  std::vector<const XmlNode*> out;
  for (const XmlNode& c : children) {
    if (iequals(c.name, child_name)) out.push_back(&c);
  }
  return out;
}

std::optional<std::string> XmlNode::child_text(std::string_view child_name) const {
  const XmlNode* c = child(child_name);
  if (!c) return std::nullopt;
  return c->text;
}

std::optional<std::string> XmlNode::attribute(std::string_view attribute_name) const {
  for (const auto& [k, v] : attributes) {
    if (iequals(k, attribute_name)) return v;
  }
  return std::nullopt;
}

XmlNode& XmlNode::add_child(std::string child_name, std::string child_text) {
  XmlNode c;
  c.name = std::move(child_name);
  c.text = std::move(child_text);
  children.push_back(std::move(c));
  return children.back();
}

XmlNode& XmlNode::set_attribute(std::string attribute_name, std::string value) {
  for (auto& [k, v] : attributes) {
    if (k == attribute_name) {
      v = std::move(value);
      return *this;
    }
  }
  attributes.emplace_back(std::move(attribute_name), std::move(value));
  return *this;
}

Result<XmlNode> parse_xml(std::string_view text, const std::string& subject) {
  return Parser(text, subject).document();
}

std::string serialize_xml(const XmlNode& node, int indent) {
  std::string out;
  write(node, indent, out);
  return out;
}

}  // namespace rk
