// Warnings: problems that do not stop an operation (an unknown creation
// option, a tag that had to be ignored). They go to a handler chosen per
// thread, so concurrent callers each see their own. The default handler
// prints "rasterkit: warning: subject: message" to stderr.
//
// A handler is never called while rasterkit holds an internal lock, so it
// may call back into the library.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <functional>
#include <string>
#include <vector>

namespace rk {

struct RK_API Warning {
  std::string subject;  // usually a file path or an option name; may be empty
  std::string message;

  std::string to_string() const { return subject.empty() ? message : subject + ": " + message; }
};

using WarningHandler = std::function<void(const Warning&)>;

// Installs `handler` for the calling thread and returns the previous one. An
// empty handler restores the default (stderr).
RK_API WarningHandler set_thread_warning_handler(WarningHandler handler);

// Sends a warning to the calling thread's handler.
RK_API void emit_warning(std::string subject, std::string message);

// Installs a handler for the lifetime of the object, restoring the previous
// one afterwards. Handy for collecting warnings in a test or a batch job.
// Holds back the warnings the calling thread emits while it lives, then
// hands them, in order, to the handler that was in place, at release() or
// destruction. For places where a handler must not run yet: while this
// thread holds a block it claimed in the block cache, a handler reading the
// same block (or any thread needing it) would wait for it forever.
class RK_API DeferredWarnings {
 public:
  DeferredWarnings();
  ~DeferredWarnings() { release(); }
  DeferredWarnings(const DeferredWarnings&) = delete;
  DeferredWarnings& operator=(const DeferredWarnings&) = delete;
  // Restores the previous handler and sends it the held warnings (once).
  void release();

 private:
  WarningHandler previous_;
  std::vector<Warning> held_;
  bool released_ = false;
};

class RK_API ScopedWarningHandler {
 public:
  explicit ScopedWarningHandler(WarningHandler handler)
      : previous_(set_thread_warning_handler(std::move(handler))) {}
  ~ScopedWarningHandler() { set_thread_warning_handler(std::move(previous_)); }
  ScopedWarningHandler(const ScopedWarningHandler&) = delete;
  ScopedWarningHandler& operator=(const ScopedWarningHandler&) = delete;

 private:
  WarningHandler previous_;
};

}  // namespace rk
