// GEOS handles for rasterkit's geometry code (private to rk_geometry).
//
// GEOS's re-entrant C API takes a context handle on every call; a context
// holds the error and notice handlers and must not be used by two threads at
// once. rasterkit keeps one context per thread (thread_context()), created on
// first use in that thread, so geometry code is re-entrant without locks and
// never touches GEOS's global, non-re-entrant API.
//
// GEOS geometries themselves belong to no context: one made in a worker
// thread may be handed to another thread and used there, one thread at a
// time.
#pragma once

#include <geos_c.h>

#include <memory>
#include <string>

#include <rasterkit/gdalcore/status.h>

namespace rk::geos {

// One thread's GEOS context and the last error GEOS reported through it.
class Context {
 public:
  Context();
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  GEOSContextHandle_t handle() const { return handle_; }
  // The last error message GEOS reported (empty if none); cleared by
  // take_error().
  std::string take_error();

 private:
  static void on_error(const char* message, void* self);
  GEOSContextHandle_t handle_;
  std::string last_error_;
};

// The calling thread's context.
Context& thread_context();
inline GEOSContextHandle_t ctx() { return thread_context().handle(); }

// Owns a GEOSGeometry (destroyed through the destroying thread's context).
struct GeometryDeleter {
  void operator()(GEOSGeometry* g) const {
    if (g) GEOSGeom_destroy_r(ctx(), g);
  }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeometryDeleter>;

struct PreparedDeleter {
  void operator()(const GEOSPreparedGeometry* p) const {
    if (p) GEOSPreparedGeom_destroy_r(ctx(), p);
  }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

// A failed GEOS call as a Status: `what` names the operation, the message
// is GEOS's own.
Status error(const std::string& subject, const std::string& what);

}  // namespace rk::geos
