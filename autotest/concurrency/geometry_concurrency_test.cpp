// Footprints and cutline masks from several threads at once (run under
// ThreadSanitizer by scripts/test.sh): each thread has its own dataset and
// its own GEOS context; they share one worker pool.
#include <catch2/catch.hpp>

#include <cmath>
#include <thread>
#include <vector>

#include <rasterkit/gdalcore/worker_pool.h>
#include <rasterkit/geometry/cutline.h>
#include <rasterkit/geometry/footprint.h>
#include "support/test_dataset.h"

namespace rk {
namespace {

TEST_CASE("footprints of different datasets in parallel threads", "[concurrency][footprint]") {
  constexpr int kThreads = 4;
  WorkerPool pool(3);
  std::vector<double> areas(kThreads), expected(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const double radius = 40.0 + 15.0 * t;
      test::TestDataset ds(400, 900, 1, DataType::kByte, 64, 64, nullptr);
      int64_t valid = 0;
      test::fill_band<uint8_t>(ds.test_band(1), [&](int64_t x, int64_t y) {
        const bool in = std::hypot(static_cast<double>(x) + 0.5 - 200,
                                   static_cast<double>(y % 300) + 0.5 - 150) < radius;
        valid += in;
        return in ? 1 : 0;
      });
      ds.test_band(1)->init_nodata_value(0);
      FootprintOptions o;
      o.coordinates = FootprintCoordinates::kPixel;
      o.pool = &pool;
      Result<Geometry> fp = footprint(ds, o);
      areas[t] = fp.ok() ? fp->area() : -1;
      expected[t] = static_cast<double>(valid);
      // And a cutline mask of this thread's footprint, filled on the pool.
      if (fp.ok()) {
        auto cut = CutlineMask::create(*fp);
        if (cut.ok()) {
          std::vector<uint8_t> m(400 * 900);
          pool.parallel_for(9, [&](int64_t k) {
            (void)cut->fill(Window{0, k * 100, 400, 100}, m.data() + k * 100 * 400, 400);
          });
          int64_t inside = 0;
          for (uint8_t v : m) inside += v == 255;
          if (inside != valid) areas[t] = -2;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK(areas[t] == expected[t]);
}

}  // namespace
}  // namespace rk
