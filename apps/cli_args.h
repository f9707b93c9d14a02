// Helpers shared by the command-line tools: flag suggestions and value
// parsing with errors that say which flag was wrong and why.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gdalcore/driver_manager.h"
#include "gdalcore/result.h"

namespace rk::cli {

// The known flag closest to `given` (edit distance, at most 3 edits, or
// "" when none is close).
std::string closest_flag(const std::string& given, const std::vector<std::string>& known);

// "unknown option '-sacle' (did you mean '-scale'?)".
std::string unknown_flag_message(const std::string& given, const std::vector<std::string>& known);

// Walks argv, handing out a flag's values with a clear error when missing.
class ArgCursor {
 public:
  explicit ArgCursor(std::vector<std::string> args) : args_(std::move(args)) {}
  bool done() const { return pos_ >= args_.size(); }
  const std::string& next() { return args_[pos_++]; }
  // The value after `flag`, or an error "option -flag needs a value".
  Result<std::string> value(const std::string& flag);

 private:
  std::vector<std::string> args_;
  size_t pos_ = 0;
};

// Numbers as flags take them; the error names the flag and the text.
Result<double> parse_double(const std::string& flag, const std::string& text);
Result<long long> parse_int(const std::string& flag, const std::string& text);

// "NAME=VALUE" split at the first '='; an error if there is none.
Result<std::pair<std::string, std::string>> parse_key_value(const std::string& flag,
                                                            const std::string& text);

// Opens `path` read-only: as a thread-safe dataset when `threads` > 1 and the
// driver allows it (several threads then read at once), else ordinarily.
Result<std::unique_ptr<Dataset>> open_source(const std::string& path, OpenParams params,
                                             int threads);

}  // namespace rk::cli
