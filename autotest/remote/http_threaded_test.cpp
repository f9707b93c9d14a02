// Reading over HTTP from many threads (run under ThreadSanitizer): nginx,
// started by the test, serves GeoTIFFs written here; a thread-safe dataset
// over the URL is read by 8 threads at random windows and overview windows,
// each checked against the same window of the local file read by one
// thread. The range cache's single flight shows in the bytes fetched: the
// threads together fetch each file about once.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include <support/server_process.h>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/driver_manager.h>
#include <rasterkit/remote/remote_options.h>

namespace rk {
namespace {

std::string make_dir() {
  char tmpl[] = "/tmp/rk-http-threads-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  return tmpl;
}

// A 3-band UInt16 raster with a recognisable pattern, written as GTiff.
void write_raster(const std::string& path, const Options& options) {
  register_all();
  CreateParams p;
  p.width = 1100;
  p.height = 900;
  p.bands = 3;
  p.type = DataType::kUInt16;
  auto src = std::move(DriverManager::global().find("MEM")->create("src", p).value());
  std::vector<uint16_t> v(static_cast<size_t>(p.width * p.height));
  for (int b = 1; b <= 3; ++b) {
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint16_t>((i * 31 + b * 977) % 65521);
    REQUIRE(src->band(b)
                ->write(Window{0, 0, p.width, p.height}, v.data(),
                        BufferLayout::packed(DataType::kUInt16, p.width, p.height))
                .ok());
  }
  REQUIRE(DriverManager::global().find("GTiff")->create_copy(path, *src, options).ok());
}

struct Probe {
  int band;
  int overview;  // -1: full resolution
  Window window;
};

std::vector<uint16_t> read_probe(Dataset& ds, const Probe& p) {
  RasterBand* band = ds.band(p.band);
  if (p.overview >= 0) band = band->overview(p.overview);
  std::vector<uint16_t> out(static_cast<size_t>(p.window.width * p.window.height));
  const Status st =
      band->read(p.window, out.data(),
                 BufferLayout::packed(DataType::kUInt16, p.window.width, p.window.height));
  if (!st.ok()) out.clear();  // threads call this: no Catch macros here
  return out;
}

TEST_CASE("remote: threads reading one URL see the local pixels and share fetches",
          "[concurrency][remote]") {
  const std::string dir = make_dir();
  const std::vector<std::pair<std::string, Options>> files = {
      {"tiled.tif",
       {{"COMPRESS", "DEFLATE"}, {"TILED", "YES"}, {"BLOCKXSIZE", "128"}, {"BLOCKYSIZE", "128"}}},
      {"band.tif", {{"COMPRESS", "LZW"}, {"TILED", "YES"}, {"INTERLEAVE", "BAND"}}},
      {"striped.tif", {{"COMPRESS", "ZSTD"}, {"BLOCKYSIZE", "16"}}},
  };
  for (const auto& [name, options] : files) write_raster(dir + "/" + name, options);
  std::string error;
  auto server = test::ServerProcess::start({"nginx", "--root", dir}, &error);
  REQUIRE(server);

  for (const auto& [name, options] : files) {
    INFO(name);
    clear_remote_cache();
    const std::string url = server->url() + "/" + name;
    auto local = open(dir + "/" + name).value();
    auto remote = open(url, OpenFlags::kThreadSafe);
    REQUIRE(remote.ok());
    Dataset& shared = **remote;
    std::mt19937 rng(42);
    std::vector<Probe> probes;
    for (int i = 0; i < 64; ++i) {
      const int64_t w = 1 + rng() % 300, h = 1 + rng() % 300;
      probes.push_back({1 + static_cast<int>(rng() % 3), -1,
                        Window{static_cast<int64_t>(rng() % (1100 - w)),
                               static_cast<int64_t>(rng() % (900 - h)), w, h}});
    }
    std::vector<std::vector<uint16_t>> expected;
    for (const Probe& p : probes) expected.push_back(read_probe(*local, p));
    for (const auto& e : expected) REQUIRE(!e.empty());

    const RemoteStats before = remote_stats();
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        // Every thread reads every probe, in its own order.
        for (size_t k = 0; k < probes.size(); ++k) {
          const size_t i = (k * 7 + static_cast<size_t>(t) * 13) % probes.size();
          if (read_probe(shared, probes[i]) != expected[i]) mismatches++;
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(mismatches == 0);
    const RemoteStats after = remote_stats();
    const uint64_t file_size = [&] {
      std::FILE* f = std::fopen((dir + "/" + name).c_str(), "rb");
      std::fseek(f, 0, SEEK_END);
      const long n = std::ftell(f);
      std::fclose(f);
      return static_cast<uint64_t>(n);
    }();
    // 8 threads x 64 windows: about one copy of the file in all (plus the
    // bytes between merged ranges), not eight.
    CHECK(after.bytes_received - before.bytes_received <= file_size + file_size / 4);
    CHECK(after.requests - before.requests < 64 * 3);
  }
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace rk
