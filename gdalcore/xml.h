// A small XML tree for the documents rasterkit reads and writes beside
// rasters: GDAL's .aux.xml side-cars (PAM) and metadata packets. Elements,
// attributes and text; comments, processing instructions, the XML
// declaration and DOCTYPE are skipped when reading.
//
// Parsing is bounded: nesting deeper than 256 elements and documents over
// 64 MiB are errors, so a hostile file cannot exhaust the stack or memory.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rasterkit/gdalcore/result.h>

namespace rk {

struct RK_API XmlNode {
  std::string name;  // element name
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // the element's own text, entities decoded, trimmed
  std::vector<XmlNode> children;
  // Where the element's content lies in the parsed document: offsets of its
  // first and one past its last character (an embedded document, such as
  // an XMP packet, is taken from there as written).
  size_t inner_begin = 0, inner_end = 0;
  // When set, written as the element's content verbatim instead of text
  // and children (an embedded XML document).
  std::string raw_content;
  // Written as <a></a> rather than <a /> when empty (as GDAL writes an
  // empty category name).
  bool empty_pair = false;

  // The first child element named `child` (ASCII case-insensitive, as
  // GDAL matches PAM elements); null if none.
  const XmlNode* child(std::string_view child_name) const;
  std::vector<const XmlNode*> children_named(std::string_view child_name) const;
  // The text of child `child_name`, if that child exists.
  std::optional<std::string> child_text(std::string_view child_name) const;
  std::optional<std::string> attribute(std::string_view attribute_name) const;

  XmlNode& add_child(std::string child_name, std::string child_text = {});
  XmlNode& set_attribute(std::string attribute_name, std::string value);
};

// Parses `text` (one root element). `subject` names the document in errors.
RK_API Result<XmlNode> parse_xml(std::string_view text, const std::string& subject);

// The element and its children, indented two spaces per level, one element
// per line, "<a />" for an empty element, ending with a newline. Text is
// escaped (&amp; &lt; &gt;; quotes in attributes).
RK_API std::string serialize_xml(const XmlNode& node, int indent = 0);

}  // namespace rk
