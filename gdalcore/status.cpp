#include <rasterkit/gdalcore/status.h>

#include <rasterkit/gdalcore/file.h>

namespace rk {

Status::Status(StatusCode code, std::string subject, std::string message)
    : code_(code),
      subject_(is_remote_path(subject) ? display_path(subject) : std::move(subject)),
      message_(std::move(message)) {}

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kNotSupported:
      return "not supported";
    case StatusCode::kCorrupt:
      return "corrupt data";
    case StatusCode::kIOError:
      return "I/O error";
    case StatusCode::kOutOfRange:
      return "out of range";
    case StatusCode::kOutOfMemory:
      return "out of memory";
    case StatusCode::kReadOnly:
      return "read-only";
    case StatusCode::kCancelled:
      return "cancelled";
    case StatusCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

Status Status::with_subject(std::string_view subject) const {
  if (ok() || !subject_.empty()) return *this;  // the constructor redacts
  return Status(code_, std::string(subject), message_);
}

std::string Status::to_string() const {
  if (ok()) return "OK";
  if (subject_.empty()) return message_;
  return subject_ + ": " + message_;
}

}  // namespace rk
