#include <rasterkit/gdalcore/options.h>

#include <strings.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include <rasterkit/gdalcore/warning.h>

namespace rk {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

Options::Options(std::initializer_list<std::pair<std::string, std::string>> items) {
  for (const auto& [k, v] : items) set(k, v);
}

Result<Options> Options::parse(const std::vector<std::string>& key_values) {
  Options out;
  for (const std::string& kv : key_values) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::invalid_argument(kv, "expected KEY=VALUE");
    }
    out.set(std::string_view(kv).substr(0, eq), std::string_view(kv).substr(eq + 1));
  }
  return out;
}

const std::string* Options::find(std::string_view key) const {
  for (const auto& [k, v] : items_) {
    if (iequals(k, key)) return &v;
  }
  return nullptr;
}

void Options::set(std::string_view key, std::string_view value) {
  for (auto& [k, v] : items_) {
    if (iequals(k, key)) {
      v = std::string(value);
      return;
    }
  }
  items_.emplace_back(std::string(key), std::string(value));
}

bool Options::erase(std::string_view key) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (iequals(it->first, key)) {
      items_.erase(it);
      return true;
    }
  }
  return false;
}

std::optional<std::string> Options::get(std::string_view key) const {
  const std::string* v = find(key);
  if (!v) return std::nullopt;
  return *v;
}

std::string Options::get_or(std::string_view key, std::string_view fallback) const {
  const std::string* v = find(key);
  return v ? *v : std::string(fallback);
}

std::vector<std::string> Options::to_strings() const {
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [k, v] : items_) out.push_back(k + "=" + v);
  return out;
}

std::optional<bool> parse_bool(std::string_view text) {
  for (const char* t : {"YES", "TRUE", "ON", "1"}) {
    if (iequals(text, t)) return true;
  }
  for (const char* f : {"NO", "FALSE", "OFF", "0"}) {
    if (iequals(text, f)) return false;
  }
  return std::nullopt;
}

namespace {

std::string range_text(const OptionSpec& spec) {
  std::ostringstream s;
  if (spec.min_value && spec.max_value) {
    s << " between " << *spec.min_value << " and " << *spec.max_value;
  } else if (spec.min_value) {
    s << " >= " << *spec.min_value;
  } else if (spec.max_value) {
    s << " <= " << *spec.max_value;
  }
  return s.str();
}

Status check_value(const OptionSpec& spec, const std::string& value, std::string_view what) {
  const std::string subject = std::string(what) + " " + spec.name;
  switch (spec.type) {
    case OptionType::kString:
      return Status();
    case OptionType::kBoolean:
      if (parse_bool(value)) return Status();
      return Status::invalid_argument(subject, "'" + value + "' is not a boolean (use YES or NO)");
    case OptionType::kChoice: {
      for (const std::string& c : spec.choices) {
        if (iequals(c, value)) return Status();
      }
      std::string allowed;
      for (const std::string& c : spec.choices) allowed += (allowed.empty() ? "" : ", ") + c;
      return Status::invalid_argument(subject, "'" + value + "' is not one of: " + allowed);
    }
    case OptionType::kInteger:
    case OptionType::kFloat: {
      errno = 0;
      char* end = nullptr;
      const double d = std::strtod(value.c_str(), &end);
      const bool integral = spec.type == OptionType::kInteger;
      // Integers must also fit in 64 bits (callers parse them with stoll).
      if (value.empty() || *end != '\0' || errno != 0 || !std::isfinite(d) ||
          (integral && (d != std::floor(d) || std::fabs(d) >= 9.2e18))) {
        return Status::invalid_argument(
            subject,
            "'" + value + "' is not " + (integral ? "an integer" : "a number") + range_text(spec));
      }
      if ((spec.min_value && d < *spec.min_value) || (spec.max_value && d > *spec.max_value)) {
        return Status::invalid_argument(
            subject, "'" + value + "' is out of range: must be" + range_text(spec));
      }
      return Status();
    }
  }
  return Status();
}

}  // namespace

Status validate_options(const Options& options, const std::vector<OptionSpec>& specs,
                        std::string_view what) {
  for (const auto& [key, value] : options.items()) {
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& s : specs) {
      if (iequals(s.name, key)) spec = &s;
    }
    if (!spec) {
      emit_warning(std::string(what) + " " + key, "unknown option, ignored");
      continue;
    }
    RK_RETURN_IF_ERROR(check_value(*spec, value, what));
  }
  return Status();
}

}  // namespace rk
