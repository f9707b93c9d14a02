// The block-cache hit path as users meet it: RasterBand::read of small
// windows whose blocks are all cached, with 1 and 2 threads each reading its
// own dataset through one shared cache. Reports block lookups per second.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>

namespace {

constexpr int64_t kSize = 2048, kBlock = 256;  // 64 blocks of 64 KiB

struct Pattern {
  const char* name;
  int64_t width, height;  // window size
  int64_t lookups;        // block lookups per read
};

double run(const rk::Driver& mem, rk::BlockCache& cache, const Pattern& p, int threads,
           double seconds) {
  std::vector<std::unique_ptr<rk::Dataset>> datasets;
  for (int t = 0; t < threads; ++t) {
    rk::CreateParams cp;
    cp.width = cp.height = kSize;
    cp.options = rk::Options{{"BLOCKXSIZE", "256"}, {"BLOCKYSIZE", "256"}};
    cp.cache = &cache;
    datasets.push_back(std::move(mem.create("bench", cp).value()));
    std::vector<uint8_t> all(kSize * kSize, 7);  // warm: every block cached
    (void)datasets.back()->band(1)->read(
        rk::Window{0, 0, kSize, kSize}, all.data(),
        rk::BufferLayout::packed(rk::DataType::kByte, kSize, kSize));
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reads{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      rk::RasterBand* band = datasets[static_cast<size_t>(t)]->band(1);
      std::vector<uint8_t> buf(static_cast<size_t>(p.width * p.height));
      const auto layout = rk::BufferLayout::packed(rk::DataType::kByte, p.width, p.height);
      uint64_t n = 0;
      int64_t x = 0, y = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int k = 0; k < 256; ++k) {
          (void)band->read(rk::Window{x, y, p.width, p.height}, buf.data(), layout);
          x += p.width;
          if (x + p.width > kSize) {
            x = 0;
            y = (y + p.height) % (kSize - p.height + 1);
          }
        }
        n += 256;
      }
      reads += n;
    });
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return static_cast<double>(reads.load()) * static_cast<double>(p.lookups) / s;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  rk::register_all();
  const rk::Driver* mem = rk::DriverManager::global().find("MEM");
  rk::BlockCache cache(size_t{256} << 20);
  const Pattern patterns[] = {
      {"1x1 pixel reads, raster order", 1, 1, 1},
      {"full-width rows (8 blocks each)", kSize, 1, kSize / kBlock},
  };
  std::printf(
      "| read pattern | threads | median block lookups/s | per thread |\n|---|---|---|---|\n");
  for (const Pattern& p : patterns) {
    for (int threads : {1, 2}) {
      std::vector<double> rates;
      for (int r = 0; r < 5; ++r) rates.push_back(run(*mem, cache, p, threads, seconds / 5));
      std::sort(rates.begin(), rates.end());
      const double m = rates[2];
      std::printf("| %s | %d | %.1f M | %.1f M |\n", p.name, threads, m / 1e6, m / 1e6 / threads);
    }
  }
}
