// Parsing gdal_*-style argument lists (private to rk_utilities): a table of
// flags, each with the values it takes and what it does with them, and
// value parsing whose errors say which flag was wrong and why.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/result.h>

namespace rk::cli {

// "unknown option '-sacle' (did you mean '-scale'?)".
std::string unknown_flag_message(const std::string& given, const std::vector<std::string>& known);

// Numbers as flags take them; the error names the flag and the text.
Result<double> parse_double(const std::string& flag, const std::string& text);
Result<long long> parse_int(const std::string& flag, const std::string& text);
// True if all of `text` is a number (strtod's syntax, "nan" and "inf" too).
bool is_number(const std::string& text);

// "NAME=VALUE" split at the first '='; an error if there is none.
Result<std::pair<std::string, std::string>> parse_key_value(const std::string& flag,
                                                            const std::string& text);

// "-scale_3" with prefix "-scale" -> 3; 0 when `arg` is not "<prefix>_N".
int band_suffix(const std::string& arg, const std::string& prefix);

// The flags of one command. Each handler gets the flag as written and its
// values; a handler's error is the parse's error.
class ArgTable {
 public:
  using Values = std::vector<std::string>;
  using Handler = std::function<Status(const std::string& flag, const Values& values)>;

  // A flag taking `count` values (0: a switch). Aliases share the handler.
  void add(std::vector<std::string> names, int count, Handler handler);
  // A switch that sets `*target` to `value`.
  void add_switch(std::vector<std::string> names, bool* target, bool value = true);
  // A flag taking one value stored as is.
  void add_string(std::vector<std::string> names, std::string* target);
  // A flag repeated at will, each value appended (checked as NAME=VALUE
  // when `key_value`).
  void add_list(std::vector<std::string> names, std::vector<std::string>* target,
                bool key_value = false);
  // A flag followed by as many numbers as follow it, at most `max`
  // (gdal_translate's -scale takes 0, 2 or 4). The handler checks the count.
  void add_numbers(std::vector<std::string> names, size_t max, Handler handler);
  // "<prefix>_N" flags (-scale_2): the handler gets N through the flag
  // (band_suffix). `count` as for add(); a negative count takes numbers as
  // add_numbers() does, at most -count of them.
  void add_numbered(std::string prefix, int count, Handler handler);

  // Applies `args` in order. Arguments that are not flags go to
  // `positional`; without it they are errors (a library caller passes
  // files directly).
  Status parse(const std::vector<std::string>& args, std::vector<std::string>* positional) const;

  // Every flag name (for suggestions and usage checks).
  std::vector<std::string> names() const;

 private:
  struct Entry {
    std::vector<std::string> names;
    int count = 0;           // values taken; -1: numbers up to max_numbers
    size_t max_numbers = 0;  // for count -1
    Handler handler;
    bool numbered = false;  // names[0] is a "<prefix>" of "<prefix>_N"
  };
  const Entry* find(const std::string& arg) const;
  std::vector<Entry> entries_;
};

}  // namespace rk::cli
