#include <rasterkit/gdalcore/warning.h>

#include <rasterkit/gdalcore/file.h>

#include <cstdio>

namespace rk {

namespace {

// The calling thread's handler: a per-thread setting by design (each thread
// chooses where its warnings go). It owns nothing but the std::function.
thread_local WarningHandler t_handler;

}  // namespace

WarningHandler set_thread_warning_handler(WarningHandler handler) {
  WarningHandler previous = std::move(t_handler);
  t_handler = std::move(handler);
  return previous;
}

void emit_warning(std::string subject, std::string message) {
  // A URL subject loses its credentials here, as a Status's does.
  if (is_remote_path(subject)) subject = display_path(subject);
  Warning w{std::move(subject), std::move(message)};
  if (t_handler) {
    t_handler(w);
    return;
  }
  std::fprintf(stderr, "rasterkit: warning: %s\n", w.to_string().c_str());
}

DeferredWarnings::DeferredWarnings()
    : previous_(set_thread_warning_handler([this](const Warning& w) { held_.push_back(w); })) {}

void DeferredWarnings::release() {
  if (released_) return;
  released_ = true;
  set_thread_warning_handler(std::move(previous_));
  std::vector<Warning> held;
  held.swap(held_);
  for (Warning& w : held) emit_warning(std::move(w.subject), std::move(w.message));
}

}  // namespace rk
