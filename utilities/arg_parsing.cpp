#include <rasterkit/utilities/arg_parsing.h>

#include <rasterkit/utilities/command_line.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace rk::cli {

namespace {

// An argument that is a flag rather than a value: "-x", but not "-5" or
// "-1e3" (negative numbers are values).
bool looks_like_flag(const std::string& a) { return a.size() > 1 && a[0] == '-' && !is_number(a); }

}  // namespace

std::string unknown_flag_message(const std::string& given, const std::vector<std::string>& known) {
  std::string message = "unknown option '" + given + "'";
  const std::string suggestion = closest_name(given, known);
  if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
  return message;
}

bool is_number(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

Result<double> parse_double(const std::string& flag, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v)) {
    return Status::invalid_argument(flag, "'" + text + "' is not a number");
  }
  return v;
}

Result<long long> parse_int(const std::string& flag, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE) {
    return Status::invalid_argument(flag, "'" + text + "' is not a whole number");
  }
  return v;
}

Result<std::pair<std::string, std::string>> parse_key_value(const std::string& flag,
                                                            const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::invalid_argument(flag, "'" + text + "' is not NAME=VALUE");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

int band_suffix(const std::string& arg, const std::string& prefix) {
  if (arg.rfind(prefix + "_", 0) != 0) return 0;
  const std::string n = arg.substr(prefix.size() + 1);
  if (n.empty() || n.size() > 6 || n.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::atoi(n.c_str());
}

void ArgTable::add(std::vector<std::string> names, int count, Handler handler) {
  entries_.push_back(Entry{std::move(names), count, 0, std::move(handler), false});
}

void ArgTable::add_switch(std::vector<std::string> names, bool* target, bool value) {
  add(std::move(names), 0, [target, value](const std::string&, const Values&) {
    *target = value;
    return Status();
  });
}

void ArgTable::add_string(std::vector<std::string> names, std::string* target) {
  add(std::move(names), 1, [target](const std::string&, const Values& v) {
    *target = v[0];
    return Status();
  });
}

void ArgTable::add_list(std::vector<std::string> names, std::vector<std::string>* target,
                        bool key_value) {
  add(std::move(names), 1, [target, key_value](const std::string& flag, const Values& v) {
    if (key_value) RK_RETURN_IF_ERROR(parse_key_value(flag, v[0]).status());
    target->push_back(v[0]);
    return Status();
  });
}

void ArgTable::add_numbers(std::vector<std::string> names, size_t max, Handler handler) {
  entries_.push_back(Entry{std::move(names), -1, max, std::move(handler), false});
}

void ArgTable::add_numbered(std::string prefix, int count, Handler handler) {
  Entry e{{std::move(prefix)}, count < 0 ? -1 : count, 0, std::move(handler), true};
  if (count < 0) e.max_numbers = static_cast<size_t>(-count);
  entries_.push_back(std::move(e));
}

const ArgTable::Entry* ArgTable::find(const std::string& arg) const {
  for (const Entry& e : entries_) {
    if (e.numbered) {
      if (band_suffix(arg, e.names[0]) > 0) return &e;
      continue;
    }
    if (std::find(e.names.begin(), e.names.end(), arg) != e.names.end()) return &e;
  }
  return nullptr;
}

std::vector<std::string> ArgTable::names() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) {
    for (const std::string& n : e.names) out.push_back(e.numbered ? n + "_N" : n);
  }
  return out;
}

Status ArgTable::parse(const std::vector<std::string>& args,
                       std::vector<std::string>* positional) const {
  size_t i = 0;
  while (i < args.size()) {
    const std::string& a = args[i++];
    const Entry* e = find(a);
    if (!e) {
      if (looks_like_flag(a)) {
        return Status::invalid_argument("", unknown_flag_message(a, names()));
      }
      if (!positional) {
        return Status::invalid_argument(
            "", "unexpected argument '" + a + "' (files are passed to the call itself)");
      }
      positional->push_back(a);
      continue;
    }
    Values values;
    if (e->count < 0) {
      while (i < args.size() && values.size() < e->max_numbers && is_number(args[i])) {
        values.push_back(args[i++]);
      }
    } else {
      for (int k = 0; k < e->count; ++k) {
        if (i >= args.size()) {
          return Status::invalid_argument(
              a, e->count == 1 ? "option " + a + " needs a value"
                               : "option " + a + " needs " + std::to_string(e->count) + " values");
        }
        values.push_back(args[i++]);
      }
    }
    RK_RETURN_IF_ERROR(e->handler(a, values));
  }
  return Status();
}

}  // namespace rk::cli
