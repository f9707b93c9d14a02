// Full-file read of one band through an ordinary (not thread-safe) dataset,
// 512-row windows, with blocks decoded by the calling thread alone or on a
// WorkerPool (RasterIOOptions::pool). Each read opens the file afresh, so
// every block is decoded. Prints the best of `reps` reads per thread count,
// alternating, and the ratio.
//
// usage: rk_pool_decode_bench FILE [reps=3] [pairs=7]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/driver_manager.h>
#include <rasterkit/gdalcore/worker_pool.h>

namespace {

// Seconds for the best of `reps` full reads.
double best_read(const char* path, rk::WorkerPool* pool, int reps) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto ds = rk::open(path);
    if (!ds.ok()) {
      std::fprintf(stderr, "%s\n", ds.status().to_string().c_str());
      std::exit(1);
    }
    rk::RasterBand* band = (*ds)->band(1);
    const int64_t w = band->x_size(), h = band->y_size();
    const rk::DataType t = band->data_type();
    std::vector<std::byte> buf(static_cast<size_t>(w * 512) * rk::data_type_size(t));
    rk::RasterIOOptions io;
    io.pool = pool;
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t y = 0; y < h; y += 512) {
      const int64_t n = std::min<int64_t>(512, h - y);
      const rk::Status st =
          band->read(rk::Window{0, y, w, n}, buf.data(), rk::BufferLayout::packed(t, w, n), io);
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.to_string().c_str());
        std::exit(1);
      }
    }
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: rk_pool_decode_bench FILE [reps] [pairs]\n");
    return 2;
  }
  const int reps = argc > 2 ? std::atoi(argv[2]) : 3;
  const int pairs = argc > 3 ? std::atoi(argv[3]) : 7;
  rk::register_all();
  rk::WorkerPool pool(2);
  std::vector<double> ratios;
  std::printf("| pair | 1 thread (s) | pool of 2 (s) | ratio |\n|---|---|---|---|\n");
  for (int p = 1; p <= pairs; ++p) {
    const double one = best_read(argv[1], nullptr, reps);
    const double two = best_read(argv[1], &pool, reps);
    ratios.push_back(one / two);
    std::printf("| %d | %.3f | %.3f | %.2f |\n", p, one, two, one / two);
  }
  std::sort(ratios.begin(), ratios.end());
  std::printf("\nmedian ratio: %.2f\n", ratios[ratios.size() / 2]);
  return 0;
}
