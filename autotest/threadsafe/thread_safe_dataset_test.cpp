// ThreadSafeDataset: many threads reading one logical dataset at once.
// Label concurrency: also run under ThreadSanitizer in CI.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/threadsafe/thread_safe_dataset.h>

namespace rk {
namespace {

constexpr int64_t kW = 400, kH = 300;

// A 3-band UInt16 tiled DEFLATE GeoTIFF with a pattern and georeferencing.
std::string make_file(const std::string& name, int64_t w = kW, int64_t h = kH) {
  register_all();
  CreateParams p;
  p.width = w;
  p.height = h;
  p.bands = 3;
  p.type = DataType::kUInt16;
  auto src = std::move(DriverManager::global().find("MEM")->create("src", p).value());
  std::vector<uint16_t> v(static_cast<size_t>(w * h));
  for (int b = 1; b <= 3; ++b) {
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = static_cast<uint16_t>((i * 31 + static_cast<size_t>(b) * 1000) % 60000);
    REQUIRE(src->band(b)
                ->write(Window{0, 0, w, h}, v.data(), BufferLayout::packed(DataType::kUInt16, w, h))
                .ok());
  }
  REQUIRE(src->set_geo_transform(GeoTransform{{1000, 10, 0, 2000, 0, -10}}).ok());
  REQUIRE(src->set_metadata_item("KEY", "value").ok());
  REQUIRE(src->band(2)->set_nodata(7).ok());
  auto out = DriverManager::global().find("GTiff")->create_copy(
      name, *src,
      Options{
          {"TILED", "YES"}, {"BLOCKXSIZE", "64"}, {"BLOCKYSIZE", "64"}, {"COMPRESS", "DEFLATE"}});
  REQUIRE(out.ok());
  return name;
}

std::unique_ptr<Dataset> open_ts(const std::string& path) {
  auto ds = open(path, OpenFlags::kReadOnly | OpenFlags::kThreadSafe);
  INFO(ds.status().to_string());
  REQUIRE(ds.ok());
  return std::move(ds).value();
}

TEST_CASE("metadata is answered from the snapshot, without opening anything",
          "[concurrency][threadsafe]") {
  const std::string path = make_file("rk_ts_meta.tif");
  auto ds = open_ts(path);
  CHECK(ds->is_thread_safe());
  CHECK(ds->x_size() == kW);
  CHECK(ds->band_count() == 3);
  CHECK(ds->geo_transform()->c[0] == 1000);
  CHECK(ds->metadata().get("KEY") == "value");
  CHECK(ds->band(2)->nodata() == 7);
  CHECK(ds->band(1)->block_x_size() == 64);
  std::thread([&] {
    // Another thread reads metadata only: no dataset is opened for it.
    CHECK(ds->band(3)->data_type() == DataType::kUInt16);
    CHECK(ds->metadata().get("KEY") == "value");
  }).join();
  const ThreadSafeStats s = thread_safe_stats(*ds);
  CHECK(s.total_opens == 0);  // the creating thread uses the dataset it opened
  CHECK(s.open_datasets == 1);
  std::remove(path.c_str());
}

TEST_CASE("16 threads read random windows exactly as one thread does",
          "[concurrency][threadsafe]") {
  const std::string path = make_file("rk_ts_random.tif");
  auto ts = open_ts(path);
  struct Request {
    Window w;
    BufferLayout layout;
    Resampling r;
    std::vector<std::byte> result;
  };
  constexpr int kThreads = 16, kReads = 25;
  std::vector<std::vector<Request>> requests(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t + 1));
      auto uni = [&](int64_t lo, int64_t hi) {
        return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
      };
      const DataType types[] = {DataType::kByte, DataType::kUInt16, DataType::kFloat32,
                                DataType::kFloat64};
      for (int i = 0; i < kReads; ++i) {
        Request q;
        q.w.x = uni(0, kW - 1);
        q.w.y = uni(0, kH - 1);
        q.w.width = uni(1, std::min<int64_t>(kW - q.w.x, 150));
        q.w.height = uni(1, std::min<int64_t>(kH - q.w.y, 150));
        const bool resample = uni(0, 1) == 1;
        const int64_t bw = resample ? std::max<int64_t>(1, q.w.width / 3) : q.w.width;
        const int64_t bh = resample ? std::max<int64_t>(1, q.w.height / 3) : q.w.height;
        q.layout = BufferLayout::pixel_interleaved(types[uni(0, 3)], bw, bh, 3);
        q.r = uni(0, 1) ? Resampling::kAverage : Resampling::kNearest;
        q.result.resize(static_cast<size_t>(bw * bh * 3) * data_type_size(q.layout.type));
        if (!ts->read(q.w, q.result.data(), q.layout, {}, RasterIOOptions{q.r, nullptr, {}}).ok())
          ++failures;
        requests[static_cast<size_t>(t)].push_back(std::move(q));
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  // The same reads, one thread, one plain dataset.
  auto plain = std::move(open(path).value());
  int compared = 0;
  for (auto& per_thread : requests) {
    for (Request& q : per_thread) {
      std::vector<std::byte> expected(q.result.size());
      REQUIRE(
          plain->read(q.w, expected.data(), q.layout, {}, RasterIOOptions{q.r, nullptr, {}}).ok());
      CHECK(std::memcmp(expected.data(), q.result.data(), expected.size()) == 0);
      ++compared;
    }
  }
  CHECK(compared == kThreads * kReads);
  std::remove(path.c_str());
}

TEST_CASE("threads reading the same region share decoded blocks", "[concurrency][threadsafe]") {
  const std::string path = make_file("rk_ts_shared.tif");
  BlockCache cache(size_t{64} << 20);
  OpenParams params;
  params.cache = &cache;
  auto plain = open(path, params);
  REQUIRE(plain.ok());
  auto ts = std::move(make_thread_safe(std::move(plain).value()).value());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<uint16_t> buf(static_cast<size_t>(kW * kH * 3));
      if (!ts->read(Window{0, 0, kW, kH}, buf.data(),
                    BufferLayout::packed(DataType::kUInt16, kW, kH))
               .ok()) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  // 7 x 5 tiles x 3 bands: each decoded and stored once, however many
  // threads read it (single-flight loading: a thread that misses a block
  // another is decoding waits for it).
  const BlockCacheStats stats = cache.stats();
  CHECK(stats.insertions == 7 * 5 * 3);
  CHECK(stats.misses == 7 * 5 * 3);
  // Every other read found the block cached or being decoded (the file is
  // pixel-interleaved: decoding one band's tile also offers the sibling
  // bands' blocks, and those offers are counted as lookups too).
  CHECK(stats.hits + stats.shared_loads >= 3 * 7 * 5 * 3);
  std::remove(path.c_str());
}

TEST_CASE("1000 short-lived threads: per-thread datasets are freed as threads exit",
          "[concurrency][threadsafe]") {
  const std::string path = make_file("rk_ts_churn.tif");
  auto ts =
      std::move(make_thread_safe(std::move(open(path).value()), ThreadSafeOptions{8}).value());
  std::atomic<int> failures{0};
  for (int round = 0; round < 100; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 10; ++t) {
      threads.emplace_back([&] {
        uint16_t v = 0;
        if (!ts->band(1)
                 ->read(Window{5, 5, 1, 1}, &v, BufferLayout::packed(DataType::kUInt16, 1, 1))
                 .ok())
          ++failures;
      });
    }
    for (auto& th : threads) th.join();
    CHECK(thread_safe_stats(*ts).open_datasets <= 1 + 10);
  }
  CHECK(failures == 0);
  const ThreadSafeStats s = thread_safe_stats(*ts);
  CHECK(s.open_datasets == 1);  // only the creating thread's is left
  CHECK(s.total_opens >= 1);
  std::remove(path.c_str());
}

TEST_CASE("the open-dataset bound evicts idle per-thread datasets", "[concurrency][threadsafe]") {
  const std::string path = make_file("rk_ts_bound.tif");
  auto ts =
      std::move(make_thread_safe(std::move(open(path).value()), ThreadSafeOptions{3}).value());
  std::mutex m;
  std::condition_variable cv;
  int done_reading = 0;
  bool release = false;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      uint16_t v = 0;
      if (!ts->band(1)
               ->read(Window{100, 100, 1, 1}, &v, BufferLayout::packed(DataType::kUInt16, 1, 1))
               .ok())
        ++failures;
      std::unique_lock<std::mutex> lock(m);
      ++done_reading;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    });
  }
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return done_reading == 6; });
  }
  CHECK(thread_safe_stats(*ts).open_datasets <= 3);
  {
    std::lock_guard<std::mutex> lock(m);
    release = true;
  }
  cv.notify_all();
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  std::remove(path.c_str());
}

TEST_CASE("the proxy can be destroyed while the threads that used it live on",
          "[concurrency][threadsafe]") {
  const std::string path = make_file("rk_ts_lifetime.tif");
  auto ts = open_ts(path);
  std::mutex m;
  std::condition_variable cv;
  int ready = 0;
  bool proxy_gone = false;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      uint16_t v = 0;
      (void)ts->band(2)->read(Window{1, 1, 1, 1}, &v,
                              BufferLayout::packed(DataType::kUInt16, 1, 1));
      std::unique_lock<std::mutex> lock(m);
      ++ready;
      cv.notify_all();
      cv.wait(lock, [&] { return proxy_gone; });
      // Exiting now runs the thread's exit notifier against a dead proxy.
    });
  }
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return ready == 4; });
  }
  ts.reset();  // frees every per-thread dataset, with their threads alive
  {
    std::lock_guard<std::mutex> lock(m);
    proxy_gone = true;
  }
  cv.notify_all();
  for (auto& th : threads) th.join();
  std::remove(path.c_str());
}

TEST_CASE("thread-safe datasets refuse every mutation", "[concurrency][threadsafe]") {
  const std::string path = make_file("rk_ts_readonly.tif");
  auto ts = open_ts(path);
  const uint16_t v = 1;
  for (Status s :
       {ts->band(1)->write(Window{0, 0, 1, 1}, &v, BufferLayout::packed(DataType::kUInt16, 1, 1)),
        ts->band(1)->set_nodata(0), ts->set_geo_transform(GeoTransform{}),
        ts->set_metadata_item("A", "B"), ts->band(1)->set_description("x")}) {
    CHECK(s.code() == StatusCode::kReadOnly);
    CHECK(s.message().find("thread-safe datasets are read-only") != std::string::npos);
  }
  auto both = open(path, OpenFlags::kUpdate | OpenFlags::kThreadSafe);
  CHECK(both.status().code() == StatusCode::kInvalidArgument);
  CHECK(both.status().message().find("mutually exclusive") != std::string::npos);
  // Wrapping a thread-safe dataset again returns it unchanged.
  Dataset* raw = ts.get();
  auto again = make_thread_safe(std::move(ts));
  REQUIRE(again.ok());
  CHECK(again->get() == raw);
  std::remove(path.c_str());
}

TEST_CASE("datasets that cannot be re-opened are refused with the reason",
          "[concurrency][threadsafe]") {
  register_all();
  CreateParams p;
  p.width = 10;
  p.height = 10;
  auto mem = DriverManager::global().find("MEM")->create("in-memory", p);
  REQUIRE(mem.ok());
  auto r = make_thread_safe(std::move(mem).value());
  CHECK_FALSE(r.ok());
  CHECK(r.status().message().find("cannot be made thread-safe") != std::string::npos);
}

TEST_CASE("a file changed after wrapping gives an error at the next thread's read",
          "[concurrency][threadsafe]") {
  const std::string path = make_file("rk_ts_changed.tif");
  auto ts = open_ts(path);
  make_file(path, 200, 100);  // rewritten in place (renamed over) with another size
  Status st;
  std::thread([&] {
    uint16_t v = 0;
    st = ts->band(1)->read(Window{390, 290, 1, 1}, &v,
                           BufferLayout::packed(DataType::kUInt16, 1, 1));
  }).join();
  CHECK(st.code() == StatusCode::kCorrupt);
  CHECK(st.message().find("changed since it was opened thread-safe") != std::string::npos);
  // The creating thread still reads its own (original) file.
  uint16_t v = 0;
  CHECK(ts->band(1)
            ->read(Window{390, 290, 1, 1}, &v, BufferLayout::packed(DataType::kUInt16, 1, 1))
            .ok());
  std::remove(path.c_str());
}

// A one-row-per-strip UInt16 file whose pixels depend on `seed`.
std::string make_striped(const std::string& name, uint16_t seed) {
  register_all();
  CreateParams p;
  p.width = 300;
  p.height = 200;
  p.bands = 1;
  p.type = DataType::kUInt16;
  auto src = std::move(DriverManager::global().find("MEM")->create("src", p).value());
  std::vector<uint16_t> v(300 * 200);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint16_t>(i * 13 + seed);
  REQUIRE(src->band(1)
              ->write(Window{0, 0, 300, 200}, v.data(),
                      BufferLayout::packed(DataType::kUInt16, 300, 200))
              .ok());
  REQUIRE(DriverManager::global()
              .find("GTiff")
              ->create_copy(name, *src, Options{{"BLOCKYSIZE", "1"}})
              .ok());
  return name;
}

std::vector<uint16_t> read_all(Dataset& ds) {
  std::vector<uint16_t> out(static_cast<size_t>(ds.x_size() * ds.y_size()));
  REQUIRE(ds.band(1)
              ->read(Window{0, 0, ds.x_size(), ds.y_size()}, out.data(),
                     BufferLayout::packed(DataType::kUInt16, ds.x_size(), ds.y_size()))
              .ok());
  return out;
}

// Reads the windows dealt to thread `t` of `threads` (round-robin), each
// twice (the second time from the thread's memo of recent blocks).
bool read_windows(Dataset& ds, int t, int threads, std::vector<uint16_t>& out) {
  const int64_t w = ds.x_size(), h = ds.y_size(), win = 50;
  bool ok = true;
  int k = 0;
  for (int64_t y = 0; y < h; y += win) {
    for (int64_t x = 0; x < w; x += win, ++k) {
      if (k % threads != t) continue;
      const int64_t ww = std::min(win, w - x), wh = std::min(win, h - y);
      BufferLayout l = BufferLayout::packed(DataType::kUInt16, ww, wh);
      l.line_spacing = w * 2;
      for (int again = 0; again < 2; ++again) {
        ok = ok && ds.band(1)->read(Window{x, y, ww, wh}, out.data() + y * w + x, l).ok();
      }
    }
  }
  return ok;
}

// The whole raster in windows, by `threads` threads (1: the calling thread).
std::vector<uint16_t> read_in_windows(Dataset& ds, int threads) {
  std::vector<uint16_t> out(static_cast<size_t>(ds.x_size() * ds.y_size()));
  if (threads == 1) {
    REQUIRE(read_windows(ds, 0, 1, out));
    return out;
  }
  std::atomic<bool> ok{true};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      if (!read_windows(ds, t, threads, out)) ok = false;
    });
  }
  for (auto& th : pool) th.join();
  REQUIRE(ok);
  return out;
}

TEST_CASE("threads sharing a striped file's rows read exactly what one thread reads",
          "[concurrency][threadsafe]") {
  const std::string path = make_striped("rk_ts_striped.tif", 5);
  auto plain = open(path);
  REQUIRE(plain.ok());
  const std::vector<uint16_t> expected = read_all(**plain);
  auto ts = open_ts(path);
  CHECK(read_in_windows(*ts, 2) == expected);
  CHECK(read_in_windows(*ts, 3) == expected);
  std::remove(path.c_str());
}

TEST_CASE("a thread's memo of blocks never serves a later dataset on the same path",
          "[concurrency][threadsafe]") {
  const std::string path = "rk_ts_rewritten.tif";
  // One thread throughout, so its memo outlives the first proxy.
  std::thread reader([&] {
    make_striped(path, 1);
    {
      auto first = open_ts(path);
      auto plain = open(path);
      REQUIRE(plain.ok());
      CHECK(read_in_windows(*first, 1) == read_all(**plain));
    }
    make_striped(path, 2);  // same size and layout, other pixels
    auto second = open_ts(path);
    auto plain = open(path);
    REQUIRE(plain.ok());
    const std::vector<uint16_t> expected = read_all(**plain);
    CHECK(expected[0] == 2);
    CHECK(read_in_windows(*second, 1) == expected);
  });
  reader.join();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace rk
