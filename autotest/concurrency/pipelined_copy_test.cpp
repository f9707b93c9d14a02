// create_copy reads the next swath in another thread while it writes the
// current one: same pixels as the source, a cancelled copy leaves nothing
// behind, and a read error in a later swath is reported (run under
// ThreadSanitizer).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string_view>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/checksum.h>
#include <rasterkit/gdalcore/driver_manager.h>

namespace rk {
namespace {

// 2 bands of 3000x3000 UInt16: 18 MB a band, so copies take two swaths.
std::unique_ptr<Dataset> big_source() {
  register_all();
  CreateParams p;
  p.width = 3000;
  p.height = 3000;
  p.bands = 2;
  p.type = DataType::kUInt16;
  auto ds = std::move(DriverManager::global().find("MEM")->create("src", p).value());
  std::vector<uint16_t> v(3000 * 3000);
  for (int b = 1; b <= 2; ++b) {
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint16_t>((i * 7 + b * 333) % 50021);
    REQUIRE(ds->band(b)
                ->write(Window{0, 0, 3000, 3000}, v.data(),
                        BufferLayout::packed(DataType::kUInt16, 3000, 3000))
                .ok());
  }
  return ds;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

TEST_CASE("a copy of several swaths has the source's pixels", "[concurrency][gtiff]") {
  auto src = big_source();
  const Driver* gtiff = DriverManager::global().find("GTiff");
  int swaths_seen = 0;
  auto out = gtiff->create_copy("rk_pipelined.tif", *src,
                                Options{{"TILED", "YES"}, {"COMPRESS", "DEFLATE"}},
                                [&](double, std::string_view) {
                                  ++swaths_seen;
                                  return true;
                                });
  REQUIRE(out.ok());
  CHECK(swaths_seen >= 2);
  for (int b = 1; b <= 2; ++b) {
    CHECK(compute_checksum(*(*out)->band(b)).value() == compute_checksum(*src->band(b)).value());
  }
  out->reset();
  std::remove("rk_pipelined.tif");
}

TEST_CASE("a copy cancelled after its first swath leaves no file", "[concurrency][gtiff]") {
  auto src = big_source();
  const Driver* gtiff = DriverManager::global().find("GTiff");
  auto out = gtiff->create_copy("rk_pipelined_cancel.tif", *src, Options{},
                                [](double, std::string_view) { return false; });
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().code() == StatusCode::kCancelled);
  CHECK_FALSE(exists("rk_pipelined_cancel.tif"));
}

TEST_CASE("a read error in a later swath fails the copy and leaves no file",
          "[concurrency][gtiff]") {
  // A DEFLATE file with garbage over tiles near its end (tiles are stored in
  // order and the directory after them): the first swath reads, a later
  // one fails.
  auto src = big_source();
  const Driver* gtiff = DriverManager::global().find("GTiff");
  REQUIRE(gtiff
              ->create_copy("rk_pipelined_src.tif", *src,
                            Options{{"TILED", "YES"}, {"COMPRESS", "DEFLATE"}})
              .ok());
  struct stat st;
  REQUIRE(::stat("rk_pipelined_src.tif", &st) == 0);
  {
    std::FILE* f = std::fopen("rk_pipelined_src.tif", "r+b");
    REQUIRE(f);
    REQUIRE(std::fseek(f, static_cast<long>(st.st_size) * 97 / 100, SEEK_SET) == 0);
    const std::vector<unsigned char> garbage(4096, 0xA5);
    REQUIRE(std::fwrite(garbage.data(), 1, garbage.size(), f) == garbage.size());
    std::fclose(f);
  }
  auto damaged = open("rk_pipelined_src.tif");
  REQUIRE(damaged.ok());
  // The first rows still read.
  std::vector<uint16_t> row(3000);
  REQUIRE((*damaged)
              ->band(1)
              ->read(Window{0, 0, 3000, 1}, row.data(),
                     BufferLayout::packed(DataType::kUInt16, 3000, 1))
              .ok());
  double reached = 0;
  auto out = gtiff->create_copy("rk_pipelined_out.tif", **damaged, Options{},
                                [&](double done, std::string_view) {
                                  reached = done;
                                  return true;
                                });
  REQUIRE_FALSE(out.ok());
  INFO(out.status().to_string());
  CHECK(out.status().message().find("tile") != std::string::npos);
  CHECK(reached > 0);  // failed in a later swath
  CHECK_FALSE(exists("rk_pipelined_out.tif"));
  std::remove("rk_pipelined_src.tif");
}

}  // namespace
}  // namespace rk
