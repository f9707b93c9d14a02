// Reads all of band 1 of a raster in 512x512 windows and reports MPix/s and
// peak RSS: rasterkit with 1 thread on a plain dataset, or N threads on one
// ThreadSafeDataset (windows dealt round-robin, or every thread reading the
// whole raster: "same"). One mode per process, so caches start empty.
// Usage: rk_threaded_read_bench FILE threads [same]   (RK_BENCH_PASSES=N: best of N)
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <rasterkit/blockcache/block_cache.h>
#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/threadsafe/thread_safe_dataset.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FILE threads [same]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const int threads = std::atoi(argv[2]);
  const bool same = argc > 3 && std::string(argv[3]) == "same";
  // RK_BENCH_PASSES=N: N passes, each on a freshly opened dataset (cold
  // blocks), and the fastest reported: a shared VM's slow moments then miss
  // at least one pass.
  const char* passes_env = std::getenv("RK_BENCH_PASSES");
  const int passes = std::max(1, passes_env ? std::atoi(passes_env) : 1);
  rk::register_all();
  const auto flags = threads > 1 ? rk::OpenFlags::kReadOnly | rk::OpenFlags::kThreadSafe
                                 : rk::OpenFlags::kReadOnly;
  double best = 1e30;
  int64_t w = 0, h = 0;
  std::atomic<int> failures{0};
  rk::BlockCacheStats cs;
  for (int pass = 0; pass < passes; ++pass) {
    auto opened = rk::open(path, flags);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().to_string().c_str());
      return 1;
    }
    rk::Dataset& ds = **opened;
    w = ds.x_size();
    h = ds.y_size();
    const int64_t win = 512;
    std::vector<rk::Window> windows;
    for (int64_t y = 0; y < h; y += win) {
      for (int64_t x = 0; x < w; x += win)
        windows.push_back({x, y, std::min(win, w - x), std::min(win, h - y)});
    }
    rk::BlockCache::global().reset_stats();
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        std::vector<uint16_t> buf(static_cast<size_t>(win * win));
        for (size_t i = same ? 0 : static_cast<size_t>(t); i < windows.size();
             i += same ? 1 : threads) {
          const rk::Window& wd = windows[i];
          if (!ds.band(1)
                   ->read(wd, buf.data(),
                          rk::BufferLayout::packed(rk::DataType::kUInt16, wd.width, wd.height))
                   .ok()) {
            ++failures;
          }
        }
      });
    }
    for (auto& th : pool) th.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < best) {
      best = s;
      // Decodes: block-cache misses (each a block read from the file by one
      // thread); shared: fetches that waited for another thread's decode of
      // the same block instead of decoding it again.
      cs = rk::BlockCache::global().stats();
    }
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double pixels = static_cast<double>(w * h) * (same ? threads : 1);
  std::printf("%.1f MPix/s %.0f MiB %d %llu %llu %.3f\n", pixels / best / 1e6,
              static_cast<double>(ru.ru_maxrss) / 1024.0, failures.load(),
              static_cast<unsigned long long>(cs.misses),
              static_cast<unsigned long long>(cs.shared_loads), best);
  return failures ? 1 : 0;
}
