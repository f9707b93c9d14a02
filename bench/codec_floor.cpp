// The least work an operation on a GeoTIFF can do, measured on this machine:
// the codec alone, called directly on the file's own strips/tiles
// (libdeflate for DEFLATE, libzstd for ZSTD; LZW has no library of its own,
// so libtiff's decoder stands in), one pass over the decoded pixels in
// memory, and optionally the encoding of those pixels as 256x256 tiles
// (libdeflate level 6 / zstd level 9: GDAL's defaults). Work is shared by
// THREADS threads; each phase is timed on its own, best of 3.
//
// usage: rk_codec_floor FILE THREADS [--window X Y W H] [--encode DEFLATE|ZSTD]
//                       [--encode-predictor]
// prints: "decode_s memory_s encode_s" (encode_s is 0 without --encode).
#include <libdeflate.h>
#include <tiffio.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Image {
  uint32_t width = 0, height = 0, block_w = 0, block_h = 0;
  uint16_t spp = 1, bps = 8, compression = COMPRESSION_NONE, planar = PLANARCONFIG_CONTIG;
  bool tiled = false;
};

struct Strile {
  uint32_t index = 0;
  uint32_t x0 = 0, y0 = 0;  // position of the block in the image
  std::vector<uint8_t> raw;
  std::vector<uint8_t> decoded;
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "rk_codec_floor: %s\n", what.c_str());
  std::exit(1);
}

// Runs job(i) for i in [0, n) on `threads` threads, interleaved.
void share(int threads, size_t n, const std::function<void(size_t)>& job) {
  std::vector<std::thread> pool;
  std::atomic<size_t> next{0};
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) job(i);
    });
  }
  for (auto& th : pool) th.join();
}

double best_of_3(const std::function<void()>& run) {
  double best = 1e30;
  for (int k = 0; k < 3; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

size_t block_bytes(const Image& im) {
  const size_t spp = im.planar == PLANARCONFIG_SEPARATE ? 1 : im.spp;
  return static_cast<size_t>(im.block_w) * im.block_h * spp * im.bps / 8;
}

// Horizontal differencing in place (rows of `width` pixels of `spp` samples).
template <typename T>
void difference(uint8_t* data, size_t rows, size_t width, size_t spp) {
  for (size_t r = 0; r < rows; ++r) {
    T* row = reinterpret_cast<T*>(data) + r * width * spp;
    for (size_t i = width * spp; i-- > spp;) row[i] = static_cast<T>(row[i] - row[i - spp]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s FILE THREADS [--window X Y W H] [--encode DEFLATE|ZSTD] "
                 "[--encode-predictor]\n",
                 argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const int threads = std::max(1, std::atoi(argv[2]));
  int64_t wx = 0, wy = 0, ww = -1, wh = -1;
  std::string encode;
  bool encode_predictor = false;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--window" && i + 4 < argc) {
      wx = std::atoll(argv[++i]);
      wy = std::atoll(argv[++i]);
      ww = std::atoll(argv[++i]);
      wh = std::atoll(argv[++i]);
    } else if (a == "--encode" && i + 1 < argc) {
      encode = argv[++i];
    } else if (a == "--encode-predictor") {
      encode_predictor = true;
    } else {
      fail("unknown argument " + a);
    }
  }
  TIFFSetWarningHandler(nullptr);
  std::unique_ptr<TIFF, void (*)(TIFF*)> tif(TIFFOpen(path.c_str(), "r"), TIFFClose);
  if (!tif) fail("cannot open " + path);
  TIFF* t = tif.get();
  Image im;
  TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &im.width);
  TIFFGetField(t, TIFFTAG_IMAGELENGTH, &im.height);
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &im.spp);
  TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &im.bps);
  TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &im.compression);
  TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &im.planar);
  im.tiled = TIFFIsTiled(t) != 0;
  if (im.tiled) {
    TIFFGetField(t, TIFFTAG_TILEWIDTH, &im.block_w);
    TIFFGetField(t, TIFFTAG_TILELENGTH, &im.block_h);
  } else {
    uint32_t rows = im.height;
    TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rows);
    im.block_w = im.width;
    im.block_h = std::min(rows, im.height);
  }
  if (im.planar == PLANARCONFIG_SEPARATE && im.spp > 1) fail("planar images are not measured");
  if (ww < 0) {
    ww = im.width;
    wh = im.height;
  }
  // The strips/tiles the window touches, their compressed bytes read once
  // (not timed: the page-cache read is its own column of the table).
  std::vector<Strile> striles;
  const uint32_t across = (im.width + im.block_w - 1) / im.block_w;
  const uint32_t down = (im.height + im.block_h - 1) / im.block_h;
  for (uint32_t by = 0; by < down; ++by) {
    for (uint32_t bx = 0; bx < across; ++bx) {
      const int64_t x0 = int64_t{bx} * im.block_w, y0 = int64_t{by} * im.block_h;
      if (x0 >= wx + ww || x0 + im.block_w <= wx || y0 >= wy + wh || y0 + im.block_h <= wy) {
        continue;
      }
      Strile s;
      s.index = by * across + bx;
      s.x0 = static_cast<uint32_t>(x0);
      s.y0 = static_cast<uint32_t>(y0);
      const uint64_t size = TIFFGetStrileByteCount(t, s.index);
      s.raw.resize(size);
      const auto want = static_cast<tmsize_t>(size);
      const tmsize_t got = im.tiled ? TIFFReadRawTile(t, s.index, s.raw.data(), want)
                                    : TIFFReadRawStrip(t, s.index, s.raw.data(), want);
      if (got != want) fail("cannot read strip/tile " + std::to_string(s.index));
      s.decoded.resize(block_bytes(im));
      striles.push_back(std::move(s));
    }
  }
  tif.reset();

  // Decode.
  auto decode_one = [&](Strile& s, libdeflate_decompressor* inflater, ZSTD_DCtx* zstd, TIFF* lzw) {
    switch (im.compression) {
      case COMPRESSION_NONE:
        std::memcpy(s.decoded.data(), s.raw.data(), std::min(s.raw.size(), s.decoded.size()));
        break;
      case COMPRESSION_ADOBE_DEFLATE:
      case COMPRESSION_DEFLATE: {
        size_t out = 0;
        if (libdeflate_zlib_decompress(inflater, s.raw.data(), s.raw.size(), s.decoded.data(),
                                       s.decoded.size(), &out) != LIBDEFLATE_SUCCESS) {
          fail("libdeflate cannot decode strip/tile " + std::to_string(s.index));
        }
        break;
      }
      case COMPRESSION_ZSTD:
        if (ZSTD_isError(ZSTD_decompressDCtx(zstd, s.decoded.data(), s.decoded.size(), s.raw.data(),
                                             s.raw.size()))) {
          fail("zstd cannot decode strip/tile " + std::to_string(s.index));
        }
        break;
      case COMPRESSION_LZW: {
        const tmsize_t n = im.tiled ? TIFFReadEncodedTile(lzw, s.index, s.decoded.data(),
                                                          static_cast<tmsize_t>(s.decoded.size()))
                                    : TIFFReadEncodedStrip(lzw, s.index, s.decoded.data(),
                                                           static_cast<tmsize_t>(s.decoded.size()));
        if (n < 0) fail("libtiff cannot decode strip/tile " + std::to_string(s.index));
        break;
      }
      default:
        fail("compression " + std::to_string(im.compression) + " is not measured");
    }
  };
  const double decode_s = best_of_3([&] {
    std::vector<std::thread> pool;
    std::atomic<size_t> next{0};
    for (int k = 0; k < threads; ++k) {
      pool.emplace_back([&] {
        libdeflate_decompressor* inflater = libdeflate_alloc_decompressor();
        ZSTD_DCtx* zstd = ZSTD_createDCtx();
        // LZW: libtiff's decoder, with the predictor off (the floor is the
        // codec alone) on the thread's own handle.
        TIFF* lzw = nullptr;
        if (im.compression == COMPRESSION_LZW) {
          lzw = TIFFOpen(path.c_str(), "r");
          TIFFSetField(lzw, TIFFTAG_PREDICTOR, PREDICTOR_NONE);
        }
        for (size_t i = next++; i < striles.size(); i = next++) {
          decode_one(striles[i], inflater, zstd, lzw);
        }
        if (lzw) TIFFClose(lzw);
        ZSTD_freeDCtx(zstd);
        libdeflate_free_decompressor(inflater);
      });
    }
    for (auto& th : pool) th.join();
  });

  // One pass over the decoded pixels.
  std::vector<std::vector<uint8_t>> copies(striles.size());
  for (size_t i = 0; i < striles.size(); ++i) copies[i].resize(striles[i].decoded.size());
  const double memory_s = best_of_3([&] {
    share(threads, striles.size(), [&](size_t i) {
      std::memcpy(copies[i].data(), striles[i].decoded.data(), striles[i].decoded.size());
    });
  });
  copies.clear();

  double encode_s = 0;
  if (!encode.empty()) {
    // The window's pixels as 256x256 tiles, cut out of the decoded blocks
    // (not timed), each compressed on its own.
    const size_t px = static_cast<size_t>(im.spp) * im.bps / 8;
    const uint32_t tile = 256;
    std::vector<std::vector<uint8_t>> tiles;
    for (int64_t ty = wy; ty < wy + wh; ty += tile) {
      for (int64_t tx = wx; tx < wx + ww; tx += tile) {
        std::vector<uint8_t> out(size_t{tile} * tile * px, 0);
        for (const Strile& s : striles) {
          for (uint32_t r = 0; r < im.block_h; ++r) {
            const int64_t y = int64_t{s.y0} + r;
            if (y < ty || y >= ty + tile || y >= wy + wh) continue;
            const int64_t x0 = std::max<int64_t>(tx, s.x0);
            const int64_t x1 = std::min<int64_t>({tx + tile, int64_t{s.x0} + im.block_w, wx + ww});
            if (x1 <= x0) continue;
            std::memcpy(
                out.data() +
                    (static_cast<size_t>(y - ty) * tile + static_cast<size_t>(x0 - tx)) * px,
                s.decoded.data() + (size_t{r} * im.block_w + static_cast<size_t>(x0 - s.x0)) * px,
                static_cast<size_t>(x1 - x0) * px);
          }
        }
        if (encode_predictor) {
          if (im.bps == 8) difference<uint8_t>(out.data(), tile, tile, im.spp);
          if (im.bps == 16) difference<uint16_t>(out.data(), tile, tile, im.spp);
          if (im.bps == 32) difference<uint32_t>(out.data(), tile, tile, im.spp);
        }
        tiles.push_back(std::move(out));
      }
    }
    std::vector<std::vector<uint8_t>> compressed(tiles.size());
    for (size_t i = 0; i < tiles.size(); ++i) {
      compressed[i].resize(std::max(ZSTD_compressBound(tiles[i].size()),
                                    tiles[i].size() + tiles[i].size() / 8 + 1024));
    }
    encode_s = best_of_3([&] {
      std::vector<std::thread> pool;
      std::atomic<size_t> next{0};
      for (int k = 0; k < threads; ++k) {
        pool.emplace_back([&] {
          libdeflate_compressor* deflater = libdeflate_alloc_compressor(6);
          ZSTD_CCtx* zstd = ZSTD_createCCtx();
          for (size_t i = next++; i < tiles.size(); i = next++) {
            size_t n = 0;
            if (encode == "DEFLATE") {
              n = libdeflate_zlib_compress(deflater, tiles[i].data(), tiles[i].size(),
                                           compressed[i].data(), compressed[i].size());
            } else if (encode == "ZSTD") {
              n = ZSTD_compressCCtx(zstd, compressed[i].data(), compressed[i].size(),
                                    tiles[i].data(), tiles[i].size(), 9);
              if (ZSTD_isError(n)) n = 0;
            }
            if (n == 0) fail("cannot encode tile " + std::to_string(i) + " as " + encode);
          }
          ZSTD_freeCCtx(zstd);
          libdeflate_free_compressor(deflater);
        });
      }
      for (auto& th : pool) th.join();
    });
  }
  std::printf("%.4f %.4f %.4f\n", decode_s, memory_s, encode_s);
  return 0;
}
