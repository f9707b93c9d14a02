// 16-bit IEEE floats (SampleFormat=3, BitsPerSample=16), written here with
// libtiff itself in both byte orders, read as Float32 bit for bit as GDAL
// reads them: subnormals normalised, NaN payloads kept, signed zeros; and
// NBITS=16 in the band's IMAGE_STRUCTURE metadata. rasterkit's own NBITS=16
// output is checked at the byte level, so a writer and a reader that agree
// with each other but not with the format cannot pass.
#include <catch2/catch.hpp>

#include <tiffio.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/driver_manager.h>

using namespace rk;

namespace {

// Half-precision bit patterns and the single-precision bits they are.
struct Pair {
  uint16_t half;
  uint32_t single;
};
const Pair kPairs[] = {
    {0x3C00, 0x3F800000},  // 1
    {0xC000, 0xC0000000},  // -2
    {0x7BFF, 0x477FE000},  // 65504, the largest
    {0x3555, 0x3EAAA000},  // 0.33325195
    {0x5640, 0x42C80000},  // 100
    {0x0001, 0x33800000},  // smallest subnormal
    {0x03FF, 0x387FC000},  // largest subnormal
    {0x8001, 0xB3800000},  // negative subnormal
    {0x0000, 0x00000000},  // +0
    {0x8000, 0x80000000},  // -0
    {0x7C00, 0x7F800000},  // +inf
    {0xFC00, 0xFF800000},  // -inf
    {0x7E00, 0x7FC00000},  // quiet NaN
    {0x7E01, 0x7FC02000},  // quiet NaN with a payload
    {0x7C01, 0x7F802000},  // signalling NaN, kept so
    {0xFE00, 0xFFC00000},  // negative NaN
};
constexpr int kCount = sizeof(kPairs) / sizeof(kPairs[0]);

void write_half_tiff(const std::string& path, bool big_endian, uint16_t compression,
                     uint16_t predictor) {
  TIFF* t = TIFFOpen(path.c_str(), big_endian ? "wb" : "wl");
  REQUIRE(t != nullptr);
  TIFFSetField(t, TIFFTAG_IMAGEWIDTH, kCount);
  TIFFSetField(t, TIFFTAG_IMAGELENGTH, 2);
  TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 16);
  TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_IEEEFP);
  TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 2);
  TIFFSetField(t, TIFFTAG_COMPRESSION, compression);
  if (predictor != PREDICTOR_NONE) TIFFSetField(t, TIFFTAG_PREDICTOR, predictor);
  for (uint32_t row = 0; row < 2; ++row) {
    std::vector<uint16_t> line(kCount);  // libtiff takes host order
    for (int i = 0; i < kCount; ++i) line[i] = kPairs[row ? kCount - 1 - i : i].half;
    REQUIRE(TIFFWriteScanline(t, line.data(), row, 0) == 1);
  }
  TIFFClose(t);
}

std::vector<uint32_t> read_bits(Dataset& ds) {
  std::vector<float> values(2 * kCount);
  REQUIRE(ds.band(1)
              ->read(Window{0, 0, kCount, 2}, values.data(),
                     BufferLayout::packed(DataType::kFloat32, kCount, 2))
              .ok());
  std::vector<uint32_t> bits(values.size());
  std::memcpy(bits.data(), values.data(), values.size() * 4);
  return bits;
}

}  // namespace

TEST_CASE("GTiff half floats read bit for bit in both byte orders", "[gtiff]") {
  register_all();
  std::vector<uint32_t> want;
  for (int row = 0; row < 2; ++row) {
    for (int i = 0; i < kCount; ++i) want.push_back(kPairs[row ? kCount - 1 - i : i].single);
  }
  struct Case {
    uint16_t compression, predictor;
  };
  for (const Case c :
       {Case{COMPRESSION_NONE, PREDICTOR_NONE}, Case{COMPRESSION_LZW, PREDICTOR_NONE},
        Case{COMPRESSION_ADOBE_DEFLATE, PREDICTOR_HORIZONTAL}}) {
    for (const bool big : {false, true}) {
      INFO("compression " << c.compression << " predictor " << c.predictor
                          << (big ? " big-endian" : " little-endian"));
      const std::string path = "rk_half_raw.tif";
      write_half_tiff(path, big, c.compression, c.predictor);
      auto ds = open(path);
      REQUIRE(ds.ok());
      CHECK((*ds)->band(1)->data_type() == DataType::kFloat32);
      CHECK((*ds)->band(1)->metadata().get("NBITS", "IMAGE_STRUCTURE") == "16");
      CHECK(read_bits(**ds) == want);
      std::remove(path.c_str());
    }
  }
}

TEST_CASE("GTiff NBITS=16 output holds half floats libtiff reads back", "[gtiff][write]") {
  register_all();
  write_half_tiff("rk_half_src.tif", false, COMPRESSION_NONE, PREDICTOR_NONE);
  auto src = open("rk_half_src.tif");
  REQUIRE(src.ok());
  const Driver* gtiff = DriverManager::global().find("GTiff");
  auto out = gtiff->create_copy("rk_half_out.tif", **src, Options{{"NBITS", "16"}});
  REQUIRE(out.ok());
  REQUIRE((*out)->close().ok());
  // libtiff, not rasterkit, reads the words back.
  TIFF* t = TIFFOpen("rk_half_out.tif", "r");
  REQUIRE(t != nullptr);
  uint16_t bps = 0, format = 0;
  TIFFGetField(t, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetField(t, TIFFTAG_SAMPLEFORMAT, &format);
  CHECK(bps == 16);
  CHECK(format == SAMPLEFORMAT_IEEEFP);
  std::vector<uint16_t> line(kCount);
  REQUIRE(TIFFReadScanline(t, line.data(), 0, 0) == 1);
  TIFFClose(t);
  for (int i = 0; i < kCount; ++i) {
    INFO("value " << i);
    // NaN payloads may be quieted on the way through a float; the rest exact.
    if ((kPairs[i].half & 0x7C00) == 0x7C00 && (kPairs[i].half & 0x3FF)) {
      CHECK((line[i] & 0x7C00) == 0x7C00);
      CHECK((line[i] & 0x3FF) != 0);
    } else {
      CHECK(line[i] == kPairs[i].half);
    }
  }
  std::remove("rk_half_src.tif");
  std::remove("rk_half_out.tif");
}
