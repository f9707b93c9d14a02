// The same access pattern with GDAL (benchmark peer only; rasterkit never
// links GDAL): 1 thread, N threads each with its own dataset ("own"), or N
// threads sharing one dataset behind a mutex ("mutex"), or every thread
// reading the whole raster with its own dataset ("same").
// Usage: gdal_threaded_read FILE threads own|mutex|same   (RK_BENCH_PASSES=N: best of N)
#include <gdal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  const std::string path = argv[1], mode = argv[3];
  const int threads = std::atoi(argv[2]);
  GDALAllRegister();
  // RK_BENCH_PASSES=N: N passes, each on freshly opened datasets (GDAL drops
  // a dataset's blocks when it is closed), the fastest reported.
  const char* passes_env = std::getenv("RK_BENCH_PASSES");
  const int passes = std::max(1, passes_env ? std::atoi(passes_env) : 1);
  double best = 1e30;
  int w = 0, h = 0;
  std::atomic<int> failures{0};
  const bool same = mode == "same";
  for (int pass = 0; pass < passes; ++pass) {
    GDALDatasetH shared = GDALOpen(path.c_str(), GA_ReadOnly);
    if (!shared) return 1;
    w = GDALGetRasterXSize(shared);
    h = GDALGetRasterYSize(shared);
    const int win = 512;
    struct Win {
      int x, y, w, h;
    };
    std::vector<Win> windows;
    for (int y = 0; y < h; y += win) {
      for (int x = 0; x < w; x += win)
        windows.push_back({x, y, std::min(win, w - x), std::min(win, h - y)});
    }
    std::mutex mu;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        GDALDatasetH ds =
            mode == "mutex" || threads == 1 ? shared : GDALOpen(path.c_str(), GA_ReadOnly);
        GDALRasterBandH band = GDALGetRasterBand(ds, 1);
        std::vector<uint16_t> buf(static_cast<size_t>(win) * win);
        for (size_t i = same ? 0 : static_cast<size_t>(t); i < windows.size();
             i += same ? 1 : threads) {
          const Win& wd = windows[i];
          std::unique_lock<std::mutex> lock(mu, std::defer_lock);
          if (mode == "mutex") lock.lock();
          if (GDALRasterIO(band, GF_Read, wd.x, wd.y, wd.w, wd.h, buf.data(), wd.w, wd.h,
                           GDT_UInt16, 0, 0) != CE_None) {
            ++failures;
          }
        }
        if (ds != shared) GDALClose(ds);
      });
    }
    for (auto& th : pool) th.join();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    GDALClose(shared);
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double pixels = static_cast<double>(w) * h * (same ? threads : 1);
  std::printf("%.1f MPix/s %.0f MiB %d\n", pixels / best / 1e6,
              static_cast<double>(ru.ru_maxrss) / 1024.0, failures.load());
  return 0;
}
