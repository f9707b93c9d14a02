#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/checksum.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST_CASE("GTiff reads the bundled sample as GDAL does", "[gtiff]") {
  register_all();
  auto ds = open(RK_SAMPLE_TIFF);
  REQUIRE(ds.ok());
  Dataset& d = **ds;
  CHECK(d.driver()->short_name() == "GTiff");
  CHECK(d.x_size() == 512);
  CHECK(d.y_size() == 384);
  REQUIRE(d.band_count() == 1);
  RasterBand* b = d.band(1);
  CHECK(b->data_type() == DataType::kUInt16);
  CHECK(b->block_x_size() == 128);
  CHECK(b->block_y_size() == 128);
  CHECK(b->color_interp() == ColorInterp::kGray);
  CHECK(d.metadata().get("COMPRESSION", "IMAGE_STRUCTURE") == "DEFLATE");
  // GDAL 3.6.2: gdalinfo -checksum build/sample/sample.tif -> 31903.
  auto checksum = compute_checksum(*b);
  REQUIRE(checksum.ok());
  CHECK(*checksum == 31903);
  // A downsampled read averages the same pixels.
  std::vector<uint16_t> full(512 * 384), quarter(128 * 96);
  REQUIRE(b->read(Window{0, 0, 512, 384}, full.data(),
                  BufferLayout::packed(DataType::kUInt16, 512, 384))
              .ok());
  REQUIRE(b->read(Window{0, 0, 512, 384}, quarter.data(),
                  BufferLayout::packed(DataType::kUInt16, 128, 96),
                  RasterIOOptions{Resampling::kAverage, nullptr, {}})
              .ok());
  double sum = 0;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) sum += full[static_cast<size_t>(y * 512 + x)];
  CHECK(quarter[0] == static_cast<uint16_t>(std::lround(sum / 16)));
}

TEST_CASE("GTiff refuses corrupt files with an error naming the file", "[gtiff]") {
  register_all();
  ScopedWarningHandler quiet([](const Warning&) {});
  const std::string garbage = "rk_garbage.tif";
  write_file(garbage, std::string("II*\0", 4) + std::string(200, '\x7f'));
  auto r = open(garbage);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().subject() == garbage);
  CHECK_FALSE(r.status().message().empty());
  std::remove(garbage.c_str());

  // A truncated file: opening may work, reading the missing tiles must fail
  // cleanly, never crash.
  const std::string bytes = read_file(RK_SAMPLE_TIFF);
  REQUIRE(bytes.size() > 4000);
  const std::string truncated = "rk_truncated.tif";
  write_file(truncated, bytes.substr(0, bytes.size() / 2));
  auto t = open(truncated);
  if (t.ok()) {
    std::vector<uint16_t> buf(512 * 384);
    Status s = (*t)->read(Window{0, 0, 512, 384}, buf.data(),
                          BufferLayout::packed(DataType::kUInt16, 512, 384));
    CHECK_FALSE(s.ok());
    CHECK(s.subject() == truncated);
  } else {
    CHECK(t.status().subject() == truncated);
  }
  std::remove(truncated.c_str());
}

TEST_CASE("GTiff reads corpus files with GDAL's checksums", "[gtiff][corpus]") {
  const std::string dir = RK_CORPUS_DIR "/gtiff/files/";
  if (!std::ifstream(dir + "gdal__gcore__byte.tif")) {
    WARN("corpus not found at " << dir << ": skipping");
    return;
  }
  register_all();
  struct Case {
    const char* file;
    std::vector<int> checksums;  // from the corpus manifest (GDAL 3.6.2)
  };
  const Case cases[] = {
      {"gdal__gcore__byte.tif", {4672}},
      {"gdal__gcore__1bit_2bands.tif", {200, 824}},
  };
  for (const Case& c : cases) {
    auto ds = open(dir + c.file);
    INFO(c.file);
    REQUIRE(ds.ok());
    REQUIRE((*ds)->band_count() == static_cast<int>(c.checksums.size()));
    for (size_t b = 0; b < c.checksums.size(); ++b) {
      auto sum = compute_checksum(*(*ds)->band(static_cast<int>(b + 1)));
      REQUIRE(sum.ok());
      CHECK(*sum == c.checksums[b]);
    }
  }
}

}  // namespace
}  // namespace rk
