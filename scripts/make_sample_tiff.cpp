// Writes the bundled sample raster used by the README and the tests: a
// 512x384 UInt16 "elevation" field (smooth hills plus deterministic noise),
// tiled 128x128, DEFLATE with horizontal predictor, georeferenced in
// EPSG:32631 through the standard GeoTIFF tags. Built and run by CMake.
#include <tiffio.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace {

constexpr uint32_t kWidth = 512, kHeight = 384, kTile = 128;

// GeoTIFF tags are not known to libtiff: declare them for writing.
const TIFFFieldInfo kGeoTiffFields[] = {
    {33550, -1, -1, TIFF_DOUBLE, FIELD_CUSTOM, 1, 1, const_cast<char*>("ModelPixelScale")},
    {33922, -1, -1, TIFF_DOUBLE, FIELD_CUSTOM, 1, 1, const_cast<char*>("ModelTiepoint")},
    {34735, -1, -1, TIFF_SHORT, FIELD_CUSTOM, 1, 1, const_cast<char*>("GeoKeyDirectory")},
    {42113, -1, -1, TIFF_ASCII, FIELD_CUSTOM, 1, 0, const_cast<char*>("GDALNoData")},
};

uint16_t elevation(uint32_t x, uint32_t y) {
  const double fx = x / double(kWidth), fy = y / double(kHeight);
  double h = 800 + 300 * std::sin(6.0 * fx) * std::cos(4.0 * fy) +
             150 * std::exp(-((fx - 0.6) * (fx - 0.6) + (fy - 0.3) * (fy - 0.3)) * 20);
  // Deterministic noise: a small integer hash of the position.
  uint32_t n = x * 73856093u ^ y * 19349663u;
  n = (n ^ (n >> 13)) * 1274126177u;
  h += static_cast<double>(n % 21) - 10;
  return static_cast<uint16_t>(h);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.tif\n", argv[0]);
    return 2;
  }
  TIFF* t = TIFFOpen(argv[1], "w");
  if (!t) return 1;
  TIFFMergeFieldInfo(t, kGeoTiffFields, sizeof kGeoTiffFields / sizeof kGeoTiffFields[0]);
  TIFFSetField(t, TIFFTAG_IMAGEWIDTH, kWidth);
  TIFFSetField(t, TIFFTAG_IMAGELENGTH, kHeight);
  TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 16);
  TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
  TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
  TIFFSetField(t, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
  TIFFSetField(t, TIFFTAG_TILEWIDTH, kTile);
  TIFFSetField(t, TIFFTAG_TILELENGTH, kTile);
  const double scale[3] = {30.0, 30.0, 0.0};
  const double tiepoint[6] = {0, 0, 0, 500000.0, 4649776.0, 0};
  // Version 1.1.0, 3 keys: projected model, pixel-is-area, EPSG:32631.
  const uint16_t keys[16] = {1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, 32631};
  TIFFSetField(t, 33550, 3, scale);
  TIFFSetField(t, 33922, 6, tiepoint);
  TIFFSetField(t, 34735, 16, keys);
  TIFFSetField(t, 42113, "0");
  std::vector<uint16_t> tile(kTile * kTile);
  for (uint32_t ty = 0; ty < kHeight; ty += kTile) {
    for (uint32_t tx = 0; tx < kWidth; tx += kTile) {
      for (uint32_t y = 0; y < kTile; ++y) {
        for (uint32_t x = 0; x < kTile; ++x) tile[y * kTile + x] = elevation(tx + x, ty + y);
      }
      if (TIFFWriteTile(t, tile.data(), tx, ty, 0, 0) < 0) {
        TIFFClose(t);
        return 1;
      }
    }
  }
  TIFFClose(t);
  return 0;
}
