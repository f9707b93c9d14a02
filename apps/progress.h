// Progress on standard output for the command line, as GDAL's utilities
// print it, and Ctrl-C handling.
#pragma once

#include <functional>

#include <rasterkit/gdalcore/raster_types.h>

namespace rk::cli {

// Installs a SIGINT/SIGTERM handler that only records the interrupt; the
// progress functions below then return false, so the running operation
// cancels cleanly (and removes its partial output) instead of dying
// mid-write.
void install_interrupt_handler();
bool interrupted();

// GDAL's "0...10...20...30...40...50...60...70...80...90...100 - done." on
// standard output, or a bar with the rate and the time left when standard
// output is a terminal. `before_first` runs at the first call (it prints
// "Input file size is ..."), so nothing appears before the operation has
// really started. With `quiet` nothing is printed but Ctrl-C still cancels.
ProgressFn make_progress(bool quiet, std::function<void()> before_first = nullptr);

}  // namespace rk::cli
