// RasterIO decoding a window's blocks on a worker pool (RasterIOOptions::pool)
// through an ordinary GTiff dataset: same pixels as one thread, for tiled and
// striped, pixel- and band-interleaved files (run under ThreadSanitizer).
#include <catch2/catch.hpp>

#include <cstdio>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/driver_manager.h>
#include <rasterkit/gdalcore/worker_pool.h>

namespace rk {
namespace {

std::unique_ptr<Dataset> source(int bands, int64_t w, int64_t h) {
  register_all();
  CreateParams p;
  p.width = w;
  p.height = h;
  p.bands = bands;
  p.type = DataType::kUInt16;
  auto ds = std::move(DriverManager::global().find("MEM")->create("src", p).value());
  std::vector<uint16_t> v(static_cast<size_t>(w * h));
  for (int b = 1; b <= bands; ++b) {
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint16_t>((i * 7 + b * 1000) % 4099);
    REQUIRE(ds->band(b)
                ->write(Window{0, 0, w, h}, v.data(), BufferLayout::packed(DataType::kUInt16, w, h))
                .ok());
  }
  return ds;
}

TEST_CASE("a plain dataset decodes a window's blocks on a pool", "[concurrency][gtiff]") {
  const int64_t w = 700, h = 520;
  auto src = source(3, w, h);
  const Driver* gtiff = DriverManager::global().find("GTiff");
  const std::vector<Options> layouts = {
      {{"COMPRESS", "DEFLATE"}, {"TILED", "YES"}, {"BLOCKXSIZE", "64"}, {"BLOCKYSIZE", "64"}},
      {{"COMPRESS", "LZW"}, {"INTERLEAVE", "BAND"}, {"TILED", "YES"}},
      {{"COMPRESS", "ZSTD"}, {"BLOCKYSIZE", "8"}},
  };
  WorkerPool pool(4);
  for (const Options& o : layouts) {
    INFO(o.get_or("COMPRESS", "") << " " << o.get_or("TILED", "NO") << " "
                                  << o.get_or("INTERLEAVE", "PIXEL"));
    REQUIRE(gtiff->create_copy("rk_parallel_decode.tif", *src, o).ok());
    for (const Window& win : {Window{0, 0, w, h}, Window{33, 71, 400, 300}}) {
      std::vector<uint16_t> serial(static_cast<size_t>(win.width * win.height * 3));
      std::vector<uint16_t> parallel(serial.size());
      const BufferLayout layout = BufferLayout::packed(DataType::kUInt16, win.width, win.height);
      {
        // Separate datasets: nothing cached from the other read.
        auto a = open("rk_parallel_decode.tif").value();
        REQUIRE(a->read(win, serial.data(), layout).ok());
      }
      auto b = open("rk_parallel_decode.tif").value();
      RasterIOOptions io;
      io.pool = &pool;
      REQUIRE(b->read(win, parallel.data(), layout, {}, io).ok());
      CHECK(parallel == serial);
      // Again, now from the cache.
      std::vector<uint16_t> again(serial.size());
      REQUIRE(b->read(win, again.data(), layout, {}, io).ok());
      CHECK(again == serial);
    }
  }
  std::remove("rk_parallel_decode.tif");
}

}  // namespace
}  // namespace rk
