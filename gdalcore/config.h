// Library-wide settings read from the environment once, at
// rk::register_all(). Every variable also has an API equivalent; both are
// listed in doc/configuration.md. Nothing deeper in the library reads the
// environment.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstddef>
#include <string_view>

#include <rasterkit/gdalcore/result.h>

namespace rk {

// Parses a block cache size as RK_CACHEMAX accepts it: a whole number of
// megabytes ("512"), a percentage of physical memory ("10%"), or a number
// with a unit ("256MB", "2GB", "1048576B"; units KB, MB, GB, TB, B, any case).
RK_API Result<size_t> parse_cache_size(std::string_view text, size_t physical_memory_bytes);

// Physical memory in bytes (0 if unknown).
RK_API size_t physical_memory_bytes();

// Reads RK_CACHEMAX, RK_NUM_THREADS and RK_PAM_ENABLED (if set) and applies
// them to BlockCache::global(), WorkerPool::set_default_thread_count() and
// set_pam_enabled(). An invalid value leaves the default in place and is
// reported as a warning.
RK_API void configure_from_environment();

// Reads RK_PAM_ENABLED (or GDAL_PAM_ENABLED): NO, FALSE, OFF or 0 turns
// .aux.xml side-cars off (set_pam_enabled, pam.h). Part of
// configure_from_environment().
RK_API void configure_side_cars();

}  // namespace rk
