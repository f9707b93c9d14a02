// ThreadSafeDataset: one logical dataset read from any number of threads at
// once, for read-only raster access.
//
//   auto ds = rk::open(path, rk::OpenFlags::kReadOnly | rk::OpenFlags::kThreadSafe);
//   // any thread, concurrently:
//   (*ds)->band(1)->read(window, buffer, layout);
//
// How it works (design notes in doc/design/thread-safe-dataset.md):
//  - The proxy answers every metadata query (size, georeferencing, CRS,
//    GCPs, metadata, band properties, color tables, overview and mask
//    structure) from an immutable snapshot taken when it is made. Nothing a
//    caller holds can dangle when per-thread datasets come and go.
//  - Pixels: a proxy band reads through the process-wide block cache under
//    the proxy's own identity, so all threads share decoded blocks (N threads
//    reading one region decode each block once). On a miss, the block is
//    decoded by the calling thread's own dataset, opened lazily on its first
//    read (same path, driver and open options), checked against the snapshot
//    (size, bands, types, block sizes, overview count).
//  - Per-thread datasets are owned by the proxy, at most
//    ThreadSafeOptions::max_open_datasets at once (least recently used idle
//    ones are closed first). A thread's dataset is freed when the thread
//    exits; all are freed when the proxy is destroyed, in either order.
//  - Every mutating call fails with "thread-safe datasets are read-only".
//
// The proxy itself must outlive the threads' calls on it (destroying it while
// a thread is inside one of its methods is a bug, as for any object).
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstddef>
#include <memory>

#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/driver_manager.h>

namespace rk {

struct RK_API ThreadSafeOptions {
  // Bound on per-thread datasets (open file handles) held at once.
  size_t max_open_datasets = 64;
};

// Wraps `dataset` for concurrent read-only use. It must have been opened
// from a path by a driver that can open it again (same path, driver and open
// options); a dataset opened for update, or one that cannot be re-opened (a
// MEM dataset made in memory), is refused with an error saying why. A
// dataset that is already thread-safe is returned as it is.
RK_API Result<std::unique_ptr<Dataset>> make_thread_safe(std::unique_ptr<Dataset> dataset,
                                                         const ThreadSafeOptions& options = {});

// Counters of a thread-safe dataset (for tests and monitoring); zeros for
// any other dataset.
struct RK_API ThreadSafeStats {
  size_t open_datasets = 0;  // per-thread datasets currently held
  size_t total_opens = 0;    // per-thread datasets opened so far
  size_t evictions = 0;      // closed to respect max_open_datasets
};
RK_API ThreadSafeStats thread_safe_stats(const Dataset& dataset);

}  // namespace rk
