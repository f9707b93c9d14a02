// Options: ordered KEY=VALUE lists with case-insensitive keys (open options,
// creation options), and the per-driver tables that validate them.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rasterkit/gdalcore/result.h>

namespace rk {

class RK_API Options {
 public:
  Options() = default;
  Options(std::initializer_list<std::pair<std::string, std::string>> items);

  // Parses "KEY=VALUE" strings (as given to -co / -oo). A string without '='
  // is an error naming it.
  static Result<Options> parse(const std::vector<std::string>& key_values);

  // Sets a value, replacing an existing key (compared case-insensitively).
  void set(std::string_view key, std::string_view value);
  bool erase(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  std::optional<std::string> get(std::string_view key) const;
  std::string get_or(std::string_view key, std::string_view fallback) const;
  bool empty() const { return items_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  // "KEY=VALUE" strings, in insertion order.
  std::vector<std::string> to_strings() const;

 private:
  const std::string* find(std::string_view key) const;
  std::vector<std::pair<std::string, std::string>> items_;
};

// GDAL-style booleans: YES/TRUE/ON/1 and NO/FALSE/OFF/0, any case.
RK_API std::optional<bool> parse_bool(std::string_view text);
RK_API bool iequals(std::string_view a, std::string_view b);

enum class OptionType { kBoolean, kInteger, kFloat, kString, kChoice };

// One row of a driver's option table.
struct RK_API OptionSpec {
  std::string name;
  OptionType type = OptionType::kString;
  std::string help;
  std::vector<std::string> choices;  // for kChoice (compared case-insensitively)
  std::optional<double> min_value;   // for kInteger and kFloat
  std::optional<double> max_value;
  std::string default_value;  // informational, shown by --formats
};

// Checks `options` against `specs`. An unknown key is a warning (sent to the
// calling thread's warning handler); a bad value is a kInvalidArgument error
// naming the option and saying what is allowed. `what` says whose options
// these are, e.g. "GTiff creation option".
RK_API Status validate_options(const Options& options, const std::vector<OptionSpec>& specs,
                               std::string_view what);

}  // namespace rk
