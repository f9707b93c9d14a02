// Metadata: KEY=VALUE items grouped in named domains ("" is the default
// domain), as GDAL keeps them. Keys compare case-insensitively; items keep
// their insertion order.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rk {

class RK_API Metadata {
 public:
  using Items = std::vector<std::pair<std::string, std::string>>;

  // Domain names in first-use order; the default domain is "".
  std::vector<std::string> domains() const;
  // The items of `domain`; empty if the domain does not exist.
  const Items& items(std::string_view domain = "") const;
  std::optional<std::string> get(std::string_view key, std::string_view domain = "") const;
  void set(std::string_view key, std::string_view value, std::string_view domain = "");
  bool erase(std::string_view key, std::string_view domain = "");
  // Replaces all items of `domain`.
  void set_items(Items items, std::string_view domain = "");
  bool empty() const;

  // Sorts the items of `domain` by key ignoring case (GDAL's order for what
  // it reads from a file); every domain but the XML ones when `domain` is
  // null.
  void sort_items(const std::string* domain = nullptr);

  // Domains whose name starts with "xml:" (xml:XMP, ...) hold one XML
  // document instead of KEY=VALUE items, as in GDAL. It is kept as a
  // single item with an empty key.
  static bool is_xml_domain(std::string_view domain);
  std::optional<std::string> xml_document(std::string_view domain) const;
  void set_xml_document(std::string_view domain, std::string document);

  friend bool operator==(const Metadata& a, const Metadata& b) { return a.domains_ == b.domains_; }

 private:
  Items* find_domain(std::string_view domain);
  std::vector<std::pair<std::string, Items>> domains_;
};

}  // namespace rk
