// Progress on stderr for the command-line tools, and Ctrl-C handling.
#pragma once

#include "gdalcore/raster_types.h"

namespace rk::cli {

// Installs a SIGINT handler that only records the interrupt; the progress
// functions below then return false, so the running operation cancels
// cleanly (and removes its partial output) instead of dying mid-write.
void install_interrupt_handler();
bool interrupted();

// GDAL's "0...10...20...30...40...50...60...70...80...90...100 - done." on
// stderr, or, when stderr is a terminal, a bar with the rate and the time
// left. With `quiet` nothing is printed but Ctrl-C still cancels.
ProgressFn make_progress(bool quiet);

}  // namespace rk::cli
