// Soak (label soak, not in the default run: `cd build && ctest -L soak`):
// many threads repeatedly open a GeoTIFF — half of them plain, half through
// one shared ThreadSafeDataset — read it downsampled, write a new GeoTIFF,
// and verify it, for a fixed number of iterations. RK_SOAK_ITERATIONS
// overrides the count (default 40 per thread).
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/threadsafe/thread_safe_dataset.h>

namespace rk {
namespace {

constexpr int64_t kW = 1024, kH = 768, kOutW = 256, kOutH = 192;

TEST_CASE("soak: threads open, downsample, write and verify GeoTIFFs", "[soak]") {
  register_all();
  const Driver* gtiff = DriverManager::global().find("GTiff");
  const Driver* mem = DriverManager::global().find("MEM");
  CreateParams p;
  p.width = kW;
  p.height = kH;
  p.bands = 3;
  p.type = DataType::kUInt16;
  auto src = std::move(mem->create("soak-src", p).value());
  std::vector<uint16_t> v(static_cast<size_t>(kW * kH));
  for (int b = 1; b <= 3; ++b) {
    for (int64_t y = 0; y < kH; ++y) {
      for (int64_t x = 0; x < kW; ++x) {
        v[static_cast<size_t>(y * kW + x)] =
            static_cast<uint16_t>(1000 * b + x + 3 * y + (x * y) % 17);
      }
    }
    REQUIRE(
        src->band(b)
            ->write(Window{0, 0, kW, kH}, v.data(), BufferLayout::packed(DataType::kUInt16, kW, kH))
            .ok());
  }
  const std::string input = "rk_soak_input.tif";
  REQUIRE(gtiff->create_copy(input, *src, Options{{"TILED", "YES"}, {"COMPRESS", "DEFLATE"}}).ok());
  // The expected downsampled result, computed once, single-threaded.
  std::vector<uint16_t> expected(static_cast<size_t>(kOutW * kOutH * 3));
  {
    auto in = std::move(open(input).value());
    REQUIRE(in->read(Window{0, 0, kW, kH}, expected.data(),
                     BufferLayout::packed(DataType::kUInt16, kOutW, kOutH), {},
                     RasterIOOptions{Resampling::kAverage, nullptr, {}})
                .ok());
  }
  auto shared = std::move(open(input, OpenFlags::kReadOnly | OpenFlags::kThreadSafe).value());
  const char* env = std::getenv("RK_SOAK_ITERATIONS");
  const int iterations = env ? std::atoi(env) : 40;
  constexpr int kThreads = 8;
  std::atomic<int> failures{0}, mismatches{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string out = "rk_soak_out_" + std::to_string(t) + ".tif";
      std::vector<uint16_t> buf(expected.size()), back(expected.size());
      for (int i = 0; i < iterations; ++i) {
        std::unique_ptr<Dataset> own;
        Dataset* in = shared.get();
        if (t % 2 == 0) {
          auto opened = open(input);
          if (!opened.ok()) {
            ++failures;
            continue;
          }
          own = std::move(opened).value();
          in = own.get();
        }
        if (!in->read(Window{0, 0, kW, kH}, buf.data(),
                      BufferLayout::packed(DataType::kUInt16, kOutW, kOutH), {},
                      RasterIOOptions{Resampling::kAverage, nullptr, {}})
                 .ok()) {
          ++failures;
          continue;
        }
        CreateParams q;
        q.width = kOutW;
        q.height = kOutH;
        q.bands = 3;
        q.type = DataType::kUInt16;
        auto small = mem->create("soak-small", q);
        if (!small.ok() || !(*small)
                                ->write(Window{0, 0, kOutW, kOutH}, buf.data(),
                                        BufferLayout::packed(DataType::kUInt16, kOutW, kOutH))
                                .ok()) {
          ++failures;
          continue;
        }
        auto written =
            gtiff->create_copy(out, **small, Options{{"COMPRESS", "ZSTD"}, {"PREDICTOR", "2"}});
        if (!written.ok() || !(*written)
                                  ->read(Window{0, 0, kOutW, kOutH}, back.data(),
                                         BufferLayout::packed(DataType::kUInt16, kOutW, kOutH))
                                  .ok()) {
          ++failures;
          continue;
        }
        if (back != expected) ++mismatches;
        ++done;
      }
      std::remove(out.c_str());
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(mismatches == 0);
  CHECK(done == kThreads * iterations);
  std::remove(input.c_str());
}

}  // namespace
}  // namespace rk
