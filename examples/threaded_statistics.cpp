// Computes band statistics of one raster from several threads at once:
// every thread reads its own rows through one ThreadSafeDataset (no mutex,
// no per-thread open in user code), and the partial sums are merged.
// Usage: threaded_statistics FILE [THREADS]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <thread>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/driver_manager.h>

namespace {

struct Partial {
  double sum = 0, sum_sq = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  int64_t count = 0;
  bool failed = false;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [THREADS]\n", argv[0]);
    return 2;
  }
  const int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  rk::register_all();
  auto opened = rk::open(argv[1], rk::OpenFlags::kReadOnly | rk::OpenFlags::kThreadSafe);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().to_string().c_str());
    return 1;
  }
  rk::Dataset& ds = **opened;  // shared by every thread below
  rk::RasterBand& band = *ds.band(1);
  const int64_t rows_per_task = band.block_y_size();
  std::vector<Partial> partials(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Partial& p = partials[static_cast<size_t>(t)];
      std::vector<double> buf(static_cast<size_t>(band.x_size() * rows_per_task));
      // Block rows dealt round-robin: thread t takes rows t, t+threads, ...
      for (int64_t y = t * rows_per_task; y < band.y_size(); y += threads * rows_per_task) {
        const int64_t h = std::min(rows_per_task, band.y_size() - y);
        rk::Status st =
            band.read(rk::Window{0, y, band.x_size(), h}, buf.data(),
                      rk::BufferLayout::packed(rk::DataType::kFloat64, band.x_size(), h));
        if (!st.ok()) {
          std::fprintf(stderr, "%s\n", st.to_string().c_str());
          p.failed = true;
          return;
        }
        for (int64_t i = 0; i < band.x_size() * h; ++i) {
          const double v = buf[static_cast<size_t>(i)];
          p.sum += v;
          p.sum_sq += v * v;
          p.min = std::min(p.min, v);
          p.max = std::max(p.max, v);
          ++p.count;
        }
      }
    });
  }
  for (std::thread& th : pool) th.join();
  Partial all;
  for (const Partial& p : partials) {
    if (p.failed) return 1;
    all.sum += p.sum;
    all.sum_sq += p.sum_sq;
    all.min = std::min(all.min, p.min);
    all.max = std::max(all.max, p.max);
    all.count += p.count;
  }
  const double mean = all.sum / static_cast<double>(all.count);
  const double stddev = std::sqrt(all.sum_sq / static_cast<double>(all.count) - mean * mean);
  std::printf("%d threads: min %g max %g mean %.3f stddev %.3f over %lld pixels\n", threads,
              all.min, all.max, mean, stddev, static_cast<long long>(all.count));
  return 0;
}
