// The one explicit list of built-in drivers, and library start-up.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <rasterkit/gdalcore/driver_manager.h>

namespace rk {

// Registers every built-in driver with `manager` (skipping any already
// registered under the same name).
RK_API void register_builtin_drivers(DriverManager& manager);

// Library start-up: reads the environment settings (doc/configuration.md),
// registers the built-in drivers with DriverManager::global(), enables
// OpenFlags::kThreadSafe and remote paths (doc/remote.md). Call it
// once, from one thread, before any other rasterkit call; later calls do
// nothing.
RK_API void register_all();

}  // namespace rk
