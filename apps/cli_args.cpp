#include "apps/cli_args.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace rk::cli {

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest_flag(const std::string& given, const std::vector<std::string>& known) {
  std::string best;
  size_t best_distance = 4;
  for (const std::string& k : known) {
    const size_t d = edit_distance(given, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

std::string unknown_flag_message(const std::string& given, const std::vector<std::string>& known) {
  std::string message = "unknown option '" + given + "'";
  const std::string suggestion = closest_flag(given, known);
  if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
  return message;
}

Result<std::string> ArgCursor::value(const std::string& flag) {
  if (done()) return Status::invalid_argument(flag, "option " + flag + " needs a value");
  return next();
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

Result<std::unique_ptr<Dataset>> open_source(const std::string& path, OpenParams params,
                                             int threads) {
  if (threads > 1) {
    params.flags = OpenFlags::kReadOnly | OpenFlags::kThreadSafe;
    auto opened = open(path, params);
    if (opened.ok()) return opened;
  }
  params.flags = OpenFlags::kReadOnly;
  return open(path, params);
}

}  // namespace rk::cli
