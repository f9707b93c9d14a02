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

struct Args {
  std::string path;
  int threads = 1;
  int64_t wx = 0, wy = 0, ww = -1, wh = -1;  // the window (-1: the whole image)
  std::string encode;
  bool encode_predictor = false;
};

Args parse_args(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s FILE THREADS [--window X Y W H] [--encode DEFLATE|ZSTD] "
                 "[--encode-predictor]\n",
                 argv[0]);
    std::exit(2);
  }
  Args a;
  a.path = argv[1];
  a.threads = std::max(1, std::atoi(argv[2]));
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--window" && i + 4 < argc) {
      a.wx = std::atoll(argv[++i]);
      a.wy = std::atoll(argv[++i]);
      a.ww = std::atoll(argv[++i]);
      a.wh = std::atoll(argv[++i]);
    } else if (arg == "--encode" && i + 1 < argc) {
      a.encode = argv[++i];
    } else if (arg == "--encode-predictor") {
      a.encode_predictor = true;
    } else {
      fail("unknown argument " + arg);
    }
  }
  return a;
}

Image describe(TIFF* t) {
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
  return im;
}

// The strips/tiles the window touches, their compressed bytes read once
// (not timed: the page-cache read is its own column of the table).
std::vector<Strile> read_striles(TIFF* t, const Image& im, const Args& a) {
  std::vector<Strile> striles;
  const uint32_t across = (im.width + im.block_w - 1) / im.block_w;
  const uint32_t down = (im.height + im.block_h - 1) / im.block_h;
  for (uint32_t by = 0; by < down; ++by) {
    for (uint32_t bx = 0; bx < across; ++bx) {
      const int64_t x0 = int64_t{bx} * im.block_w, y0 = int64_t{by} * im.block_h;
      if (x0 >= a.wx + a.ww || x0 + im.block_w <= a.wx || y0 >= a.wy + a.wh ||
          y0 + im.block_h <= a.wy) {
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
  return striles;
}

void decode_one(const Image& im, Strile& s, libdeflate_decompressor* inflater, ZSTD_DCtx* zstd,
                TIFF* lzw) {
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
      const auto n = static_cast<tmsize_t>(s.decoded.size());
      const tmsize_t got = im.tiled ? TIFFReadEncodedTile(lzw, s.index, s.decoded.data(), n)
                                    : TIFFReadEncodedStrip(lzw, s.index, s.decoded.data(), n);
      if (got < 0) fail("libtiff cannot decode strip/tile " + std::to_string(s.index));
      break;
    }
    default:
      fail("compression " + std::to_string(im.compression) + " is not measured");
  }
}

double decode_floor(const Args& a, const Image& im, std::vector<Strile>& striles) {
  return best_of_3([&] {
    std::vector<std::thread> pool;
    std::atomic<size_t> next{0};
    for (int k = 0; k < a.threads; ++k) {
      pool.emplace_back([&] {
        libdeflate_decompressor* inflater = libdeflate_alloc_decompressor();
        ZSTD_DCtx* zstd = ZSTD_createDCtx();
        // LZW: libtiff's decoder, with the predictor off (the floor is the
        // codec alone) on the thread's own handle.
        TIFF* lzw = nullptr;
        if (im.compression == COMPRESSION_LZW) {
          lzw = TIFFOpen(a.path.c_str(), "r");
          TIFFSetField(lzw, TIFFTAG_PREDICTOR, PREDICTOR_NONE);
        }
        for (size_t i = next++; i < striles.size(); i = next++) {
          decode_one(im, striles[i], inflater, zstd, lzw);
        }
        if (lzw) TIFFClose(lzw);
        ZSTD_freeDCtx(zstd);
        libdeflate_free_decompressor(inflater);
      });
    }
    for (auto& th : pool) th.join();
  });
}

// One pass over the decoded pixels.
double memory_floor(const Args& a, const std::vector<Strile>& striles) {
  std::vector<std::vector<uint8_t>> copies(striles.size());
  for (size_t i = 0; i < striles.size(); ++i) copies[i].resize(striles[i].decoded.size());
  return best_of_3([&] {
    share(a.threads, striles.size(), [&](size_t i) {
      std::memcpy(copies[i].data(), striles[i].decoded.data(), striles[i].decoded.size());
    });
  });
}

// The window's pixels as 256x256 tiles, cut out of the decoded blocks (not
// timed), differenced when the output uses the horizontal predictor.
std::vector<std::vector<uint8_t>> cut_tiles(const Args& a, const Image& im,
                                            const std::vector<Strile>& striles) {
  const size_t px = static_cast<size_t>(im.spp) * im.bps / 8;
  const uint32_t tile = 256;
  std::vector<std::vector<uint8_t>> tiles;
  for (int64_t ty = a.wy; ty < a.wy + a.wh; ty += tile) {
    for (int64_t tx = a.wx; tx < a.wx + a.ww; tx += tile) {
      std::vector<uint8_t> out(size_t{tile} * tile * px, 0);
      for (const Strile& s : striles) {
        for (uint32_t r = 0; r < im.block_h; ++r) {
          const int64_t y = int64_t{s.y0} + r;
          if (y < ty || y >= ty + tile || y >= a.wy + a.wh) continue;
          const int64_t x0 = std::max<int64_t>(tx, s.x0);
          const int64_t x1 =
              std::min<int64_t>({tx + tile, int64_t{s.x0} + im.block_w, a.wx + a.ww});
          if (x1 <= x0) continue;
          std::memcpy(
              out.data() + (static_cast<size_t>(y - ty) * tile + static_cast<size_t>(x0 - tx)) * px,
              s.decoded.data() + (size_t{r} * im.block_w + static_cast<size_t>(x0 - s.x0)) * px,
              static_cast<size_t>(x1 - x0) * px);
        }
      }
      if (a.encode_predictor) {
        if (im.bps == 8) difference<uint8_t>(out.data(), tile, tile, im.spp);
        if (im.bps == 16) difference<uint16_t>(out.data(), tile, tile, im.spp);
        if (im.bps == 32) difference<uint32_t>(out.data(), tile, tile, im.spp);
      }
      tiles.push_back(std::move(out));
    }
  }
  return tiles;
}

// Each tile compressed on its own: libdeflate level 6 or zstd level 9.
double encode_floor(const Args& a, const std::vector<std::vector<uint8_t>>& tiles) {
  std::vector<std::vector<uint8_t>> compressed(tiles.size());
  for (size_t i = 0; i < tiles.size(); ++i) {
    compressed[i].resize(std::max(ZSTD_compressBound(tiles[i].size()),
                                  tiles[i].size() + tiles[i].size() / 8 + 1024));
  }
  return best_of_3([&] {
    std::vector<std::thread> pool;
    std::atomic<size_t> next{0};
    for (int k = 0; k < a.threads; ++k) {
      pool.emplace_back([&] {
        libdeflate_compressor* deflater = libdeflate_alloc_compressor(6);
        ZSTD_CCtx* zstd = ZSTD_createCCtx();
        for (size_t i = next++; i < tiles.size(); i = next++) {
          size_t n = 0;
          if (a.encode == "DEFLATE") {
            n = libdeflate_zlib_compress(deflater, tiles[i].data(), tiles[i].size(),
                                         compressed[i].data(), compressed[i].size());
          } else if (a.encode == "ZSTD") {
            n = ZSTD_compressCCtx(zstd, compressed[i].data(), compressed[i].size(), tiles[i].data(),
                                  tiles[i].size(), 9);
            if (ZSTD_isError(n)) n = 0;
          }
          if (n == 0) fail("cannot encode tile " + std::to_string(i) + " as " + a.encode);
        }
        ZSTD_freeCCtx(zstd);
        libdeflate_free_compressor(deflater);
      });
    }
    for (auto& th : pool) th.join();
  });
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse_args(argc, argv);
  TIFFSetWarningHandler(nullptr);
  std::unique_ptr<TIFF, void (*)(TIFF*)> tif(TIFFOpen(a.path.c_str(), "r"), TIFFClose);
  if (!tif) fail("cannot open " + a.path);
  const Image im = describe(tif.get());
  if (a.ww < 0) {
    a.ww = im.width;
    a.wh = im.height;
  }
  std::vector<Strile> striles = read_striles(tif.get(), im, a);
  tif.reset();
  const double decode_s = decode_floor(a, im, striles);
  const double memory_s = memory_floor(a, striles);
  const double encode_s = a.encode.empty() ? 0 : encode_floor(a, cut_tiles(a, im, striles));
  std::printf("%.4f %.4f %.4f\n", decode_s, memory_s, encode_s);
  return 0;
}
