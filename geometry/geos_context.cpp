#include <rasterkit/geometry/geos_context.h>

namespace rk::geos {

Context::Context() : handle_(GEOS_init_r()) {
  GEOSContext_setErrorMessageHandler_r(handle_, &Context::on_error, this);
  // Notices (e.g. "Self-intersection at ...") only repeat what the calls
  // return; they are dropped rather than printed.
  GEOSContext_setNoticeMessageHandler_r(handle_, nullptr, nullptr);
}

Context::~Context() { GEOS_finish_r(handle_); }

void Context::on_error(const char* message, void* self) {
  static_cast<Context*>(self)->last_error_ = message ? message : "";
}

std::string Context::take_error() {
  std::string e = std::move(last_error_);
  last_error_.clear();
  return e;
}

Context& thread_context() {
  thread_local Context context;
  return context;
}

Status error(const std::string& subject, const std::string& what) {
  std::string message = thread_context().take_error();
  if (message.empty()) message = "GEOS reported a failure";
  return Status::invalid_argument(subject, what + ": " + message);
}

}  // namespace rk::geos
