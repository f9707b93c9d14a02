// The calling thread's PROJ context, shared by everything in rasterkit that
// talks to PROJ on that thread (CRS definitions, the GeoTIFF driver's
// GeoKey lookups). Private to rasterkit (not installed).
//
// PROJ's rule is one context per thread; a context opens PROJ's database,
// which costs more than most lookups, so each thread keeps one from its
// first use to its end. Network access is off and PROJ prints nothing.
#pragma once

#include <rasterkit/blockcache/export.h>

struct pj_ctx;

namespace rk {

RK_API pj_ctx* proj_thread_context();

}  // namespace rk
