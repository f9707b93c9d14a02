// Callbacks that call back into the library: doc/threading.md promises a
// warning handler or a progress callback may read from the very dataset
// being read, a thread-safe one included, at every point where rasterkit
// calls it. And a proxy answers exactly what a plain dataset answers (mask
// overviews). Label concurrency: also run under ThreadSanitizer; a
// regression here is a hang, which the test's timeout turns into a failure.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/checksum.h>
#include <rasterkit/gdalcore/statistics.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/gdalcore/worker_pool.h>
#include <rasterkit/threadsafe/thread_safe_dataset.h>

namespace rk {
namespace {

std::string make_file(const std::string& name) {
  register_all();
  CreateParams p;
  p.width = 300;
  p.height = 200;
  p.type = DataType::kUInt16;
  auto src = std::move(DriverManager::global().find("MEM")->create("src", p).value());
  std::vector<uint16_t> v(300 * 200);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint16_t>(i % 5000);
  REQUIRE(src->band(1)
              ->write(Window{0, 0, 300, 200}, v.data(),
                      BufferLayout::packed(DataType::kUInt16, 300, 200))
              .ok());
  auto out = DriverManager::global().find("GTiff")->create_copy(
      name, *src, Options{{"TILED", "YES"}, {"BLOCKXSIZE", "64"}, {"BLOCKYSIZE", "64"}});
  REQUIRE(out.ok());
  return name;
}

uint16_t pixel(Dataset& ds, int64_t x, int64_t y) {
  uint16_t v = 0;
  Status st =
      ds.band(1)->read(Window{x, y, 1, 1}, &v, BufferLayout::packed(DataType::kUInt16, 1, 1));
  REQUIRE(st.ok());
  return v;
}

TEST_CASE("a warning handler reading the block being loaded does not deadlock",
          "[concurrency][threadsafe][callbacks]") {
  const std::string path = make_file("rk_cb_warning.tif");
  OpenParams params;
  params.flags = OpenFlags::kReadOnly | OpenFlags::kThreadSafe;
  // An open option GTiff does not know: every per-thread open warns.
  params.open_options = Options{{"NO_SUCH_OPTION", "1"}};
  std::vector<std::string> seen;
  auto ds = [&] {
    ScopedWarningHandler quiet([](const Warning&) {});
    return std::move(open(path, params).value());
  }();
  for (int64_t round = 0; round < 3; ++round) {
    // A fresh thread, and a block no one has read: the thread's first read
    // opens its own dataset inside the load of that block, and the warning
    // reaches a handler that reads the very same block.
    const int64_t x = 64 * round + 5, y = 70;
    const uint16_t expected = static_cast<uint16_t>((y * 300 + x) % 5000);
    std::thread t([&] {
      int reentered = 0;
      ScopedWarningHandler h([&](const Warning& w) {
        seen.push_back(w.message);
        if (reentered++ == 0) CHECK(pixel(*ds, x, y) == expected);
      });
      CHECK(pixel(*ds, x, y) == expected);
    });
    t.join();
  }
  CHECK(seen.size() >= 3);
  std::remove(path.c_str());
}

TEST_CASE("progress callbacks may read from the dataset they report on",
          "[concurrency][threadsafe][callbacks]") {
  const std::string path = make_file("rk_cb_progress.tif");
  auto ds = std::move(open(path, OpenFlags::kReadOnly | OpenFlags::kThreadSafe).value());
  WorkerPool pool(3);
  int calls = 0;
  ProgressFn reads = [&](double, std::string_view) {
    ++calls;
    return pixel(*ds, 299, 199) == (199 * 300 + 299) % 5000;
  };
  StatisticsOptions so;
  so.pool = &pool;
  so.progress = reads;
  REQUIRE(compute_statistics(*ds->band(1), so).ok());
  so.approx = true;
  REQUIRE(compute_histogram(*ds->band(1), 0, 5000, 10, so).ok());
  std::vector<float> small(30 * 20);
  RasterIOOptions io;
  io.resampling = Resampling::kCubic;
  io.progress = reads;
  REQUIRE(ds->band(1)
              ->read(Window{0, 0, 300, 200}, small.data(),
                     BufferLayout::packed(DataType::kFloat32, 30, 20), io)
              .ok());
  CHECK(calls > 3);
  std::remove(path.c_str());
}

TEST_CASE("a proxy's mask bands have the plain dataset's overviews",
          "[concurrency][threadsafe][callbacks]") {
  const std::string file = std::string(RK_CORPUS_DIR) + "/gtiff/files/rasterio__cogeo.tif";
  if (!std::ifstream(file).good()) {
    WARN("shared corpus absent (" << file << "): skipped");
    return;
  }
  register_all();
  auto plain = std::move(open(file).value());
  auto proxy = std::move(open(file, OpenFlags::kReadOnly | OpenFlags::kThreadSafe).value());
  RasterBand* pm = plain->band(1)->mask_band();
  RasterBand* tm = proxy->band(1)->mask_band();
  REQUIRE(pm->overview_count() > 0);
  REQUIRE(tm->overview_count() == pm->overview_count());
  for (int i = 0; i < pm->overview_count(); ++i) {
    RasterBand* a = pm->overview(i);
    RasterBand* b = tm->overview(i);
    REQUIRE(b->x_size() == a->x_size());
    REQUIRE(b->y_size() == a->y_size());
    std::vector<uint8_t> va(static_cast<size_t>(a->x_size() * a->y_size()));
    std::vector<uint8_t> vb(va.size());
    const BufferLayout l = BufferLayout::packed(DataType::kByte, a->x_size(), a->y_size());
    REQUIRE(a->read(Window{0, 0, a->x_size(), a->y_size()}, va.data(), l).ok());
    // Read from another thread: the proxy resolves the overview of the mask.
    std::thread([&] {
      REQUIRE(b->read(Window{0, 0, b->x_size(), b->y_size()}, vb.data(), l).ok());
    }).join();
    CHECK(va == vb);
  }
  // Downsampled mask reads and approximate mask statistics agree too.
  StatisticsOptions approx;
  approx.approx = true;
  auto sa = compute_statistics(*pm, approx);
  auto sb = compute_statistics(*tm, approx);
  REQUIRE(sa.ok());
  REQUIRE(sb.ok());
  CHECK(sa->mean == sb->mean);
  CHECK(sa->sample_count == sb->sample_count);
}

}  // namespace
}  // namespace rk
