// Status: the outcome of a fallible call, returned by value.
//
// Every fallible rasterkit call returns a Status or a Result<T> (result.h).
// The error travels with the call that failed: there is no "last error" and no
// process-global error buffer, so concurrent callers never see each other's
// errors. No exception crosses the public API. The rules are in doc/errors.md.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <string>
#include <string_view>

namespace rk {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller passed something wrong (bad window, bad option value)
  kNotFound,         // a file, band, driver or key does not exist
  kNotSupported,     // valid input that this driver or build cannot handle
  kCorrupt,          // the data is malformed (truncated file, bad tag)
  kIOError,          // the operating system reported a read/write failure
  kOutOfRange,       // a value or window lies outside what is allowed
  kOutOfMemory,      // an allocation failed or would exceed a safety limit
  kReadOnly,         // a write was attempted on something opened read-only
  kCancelled,        // a progress callback asked to stop
  kInternal,         // a rasterkit bug: an invariant did not hold
};

// GDAL-style short name of a code, e.g. "invalid argument".
RK_API std::string_view status_code_name(StatusCode code);

class [[nodiscard]] RK_API Status {
 public:
  // Success.
  Status() = default;
  // `subject` names what the error is about: usually the file path, or an
  // object such as "band 2" or "option COMPRESS". It may be empty. A URL
  // subject is kept without its credentials (display_path(), file.h), so no
  // error can carry them, whoever builds it.
  Status(StatusCode code, std::string subject, std::string message);

  static Status ok_status() { return Status(); }
  static Status invalid_argument(std::string subject, std::string message) {
    return Status(StatusCode::kInvalidArgument, std::move(subject), std::move(message));
  }
  static Status not_found(std::string subject, std::string message) {
    return Status(StatusCode::kNotFound, std::move(subject), std::move(message));
  }
  static Status not_supported(std::string subject, std::string message) {
    return Status(StatusCode::kNotSupported, std::move(subject), std::move(message));
  }
  static Status corrupt(std::string subject, std::string message) {
    return Status(StatusCode::kCorrupt, std::move(subject), std::move(message));
  }
  static Status io_error(std::string subject, std::string message) {
    return Status(StatusCode::kIOError, std::move(subject), std::move(message));
  }
  static Status out_of_range(std::string subject, std::string message) {
    return Status(StatusCode::kOutOfRange, std::move(subject), std::move(message));
  }
  static Status out_of_memory(std::string subject, std::string message) {
    return Status(StatusCode::kOutOfMemory, std::move(subject), std::move(message));
  }
  static Status read_only(std::string subject, std::string message) {
    return Status(StatusCode::kReadOnly, std::move(subject), std::move(message));
  }
  static Status cancelled(std::string subject, std::string message = "cancelled") {
    return Status(StatusCode::kCancelled, std::move(subject), std::move(message));
  }
  static Status internal(std::string subject, std::string message) {
    return Status(StatusCode::kInternal, std::move(subject), std::move(message));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& subject() const { return subject_; }
  const std::string& message() const { return message_; }

  // A copy with `subject` filled in if it was empty: lets a layer that knows
  // the file name add it to an error raised below it.
  Status with_subject(std::string_view subject) const;

  // One line: "subject: message" (or just the message when there is no
  // subject); "OK" for success.
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string subject_;
  std::string message_;
};

// Returns from the enclosing function if `expr` (a Status) is not ok.
#define RK_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::rk::Status rk_status_ = (expr);        \
    if (!rk_status_.ok()) return rk_status_; \
  } while (0)

}  // namespace rk
