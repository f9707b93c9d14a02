#include <rasterkit/gdalcore/metadata.h>

#include <rasterkit/gdalcore/options.h>

#include <algorithm>
#include <cctype>

namespace rk {

std::vector<std::string> Metadata::domains() const {
  std::vector<std::string> out;
  for (const auto& [name, items] : domains_) {
    if (!items.empty()) out.push_back(name);
  }
  return out;
}

const Metadata::Items& Metadata::items(std::string_view domain) const {
  static const Items kEmpty;
  for (const auto& [name, items] : domains_) {
    if (name == domain) return items;
  }
  return kEmpty;
}

Metadata::Items* Metadata::find_domain(std::string_view domain) {
  for (auto& [name, items] : domains_) {
    if (name == domain) return &items;
  }
  return nullptr;
}

std::optional<std::string> Metadata::get(std::string_view key, std::string_view domain) const {
  for (const auto& [k, v] : items(domain)) {
    if (iequals(k, key)) return v;
  }
  return std::nullopt;
}

void Metadata::set(std::string_view key, std::string_view value, std::string_view domain) {
  Items* items = find_domain(domain);
  if (!items) {
    domains_.emplace_back(std::string(domain), Items{});
    items = &domains_.back().second;
  }
  for (auto& [k, v] : *items) {
    if (iequals(k, key)) {
      v = std::string(value);
      return;
    }
  }
  items->emplace_back(std::string(key), std::string(value));
}

bool Metadata::erase(std::string_view key, std::string_view domain) {
  Items* items = find_domain(domain);
  if (!items) return false;
  for (auto it = items->begin(); it != items->end(); ++it) {
    if (iequals(it->first, key)) {
      items->erase(it);
      return true;
    }
  }
  return false;
}

void Metadata::set_items(Items new_items, std::string_view domain) {
  Items* items = find_domain(domain);
  if (!items) {
    domains_.emplace_back(std::string(domain), std::move(new_items));
  } else {
    *items = std::move(new_items);
  }
}

bool Metadata::empty() const {
  for (const auto& [name, items] : domains_) {
    if (!items.empty()) return false;
  }
  return true;
}

void Metadata::sort_items(const std::string* domain) {
  auto less = [](const std::pair<std::string, std::string>& a,
                 const std::pair<std::string, std::string>& b) {
    return std::lexicographical_compare(a.first.begin(), a.first.end(), b.first.begin(),
                                        b.first.end(), [](char x, char y) {
                                          return std::tolower(static_cast<unsigned char>(x)) <
                                                 std::tolower(static_cast<unsigned char>(y));
                                        });
  };
  for (auto& [name, items] : domains_) {
    if ((domain && name != *domain) || is_xml_domain(name)) continue;
    std::stable_sort(items.begin(), items.end(), less);
  }
}

bool Metadata::is_xml_domain(std::string_view domain) { return domain.substr(0, 4) == "xml:"; }

std::optional<std::string> Metadata::xml_document(std::string_view domain) const {
  const Items& docs = items(domain);
  if (docs.empty()) return std::nullopt;
  return docs.front().second;
}

void Metadata::set_xml_document(std::string_view domain, std::string document) {
  Items docs;
  docs.emplace_back(std::string(), std::move(document));
  set_items(std::move(docs), domain);
}

}  // namespace rk
