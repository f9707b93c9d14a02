// GTiff images: layout of a directory, decoding strips and tiles into blocks.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "drivers/gtiff/gtiff_image.h"
#include "gdalcore/convert.h"

namespace rk::gtiff {

namespace {

template <typename T>
T field_or(TIFF* t, ttag_t tag, T fallback) {
  T v{};
  return TIFFGetField(t, tag, &v) ? v : fallback;
}

Result<DataType> data_type_for(uint16_t format, uint16_t bps, const std::string& path) {
  const auto unsupported = [&]() -> Status {
    return Status::not_supported(path, std::to_string(bps) + "-bit samples of sample format " +
                                           std::to_string(format) + " are not supported");
  };
  switch (format) {
    case SAMPLEFORMAT_IEEEFP:
      if (bps == 16 || bps == 24 || bps == 32) return DataType::kFloat32;
      if (bps == 64) return DataType::kFloat64;
      return unsupported();
    case SAMPLEFORMAT_COMPLEXINT:
      if (bps == 32) return DataType::kCInt16;
      if (bps == 64) return DataType::kCInt32;
      return unsupported();
    case SAMPLEFORMAT_COMPLEXIEEEFP:
      if (bps == 64) return DataType::kCFloat32;
      if (bps == 128) return DataType::kCFloat64;
      return unsupported();
    case SAMPLEFORMAT_INT:
      if (bps == 8) return DataType::kInt8;
      if (bps == 16) return DataType::kInt16;
      if (bps == 32) return DataType::kInt32;
      if (bps == 64) return DataType::kInt64;
      break;  // other signed widths are read as unsigned, as GDAL does
    default:
      break;
  }
  if (bps >= 1 && bps <= 8) return DataType::kByte;
  if (bps <= 16) return DataType::kUInt16;
  if (bps <= 32) return DataType::kUInt32;
  if (bps == 64) return DataType::kUInt64;
  return unsupported();
}

// IEEE half precision to single.
float half_to_float(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(frac), -24);
  } else if (exp == 31) {
    v = frac ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    v = std::ldexp(static_cast<float>(frac | 0x400), static_cast<int>(exp) - 25);
  }
  return sign ? -v : v;
}

// The 24-bit float of some scientific TIFFs: 1 sign bit, 7 exponent bits
// (bias 63), 16 mantissa bits.
float float24_to_float(uint32_t f) {
  const uint32_t sign = (f >> 23) & 1, exp = (f >> 16) & 0x7f, frac = f & 0xffff;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(frac), -62 - 16);
  } else if (exp == 0x7f) {
    v = frac ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    v = std::ldexp(static_cast<float>(frac | 0x10000), static_cast<int>(exp) - 63 - 16);
  }
  return sign ? -v : v;
}

}  // namespace

Result<ImageLayout> read_layout(TiffHandle& handle) {
  TIFF* t = handle.tiff();
  const std::string& path = handle.path();
  ImageLayout l;
  if (!TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &l.width) ||
      !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &l.height)) {
    return Status::corrupt(path, "the image size tags are missing");
  }
  if (l.width == 0 || l.height == 0) {
    return Status::corrupt(path, "the image is empty (" + std::to_string(l.width) + "x" +
                                     std::to_string(l.height) + ")");
  }
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &l.samples_per_pixel);
  TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &l.bits_per_sample);
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLEFORMAT, &l.sample_format);
  TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &l.planar_config);
  TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &l.compression);
  TIFFGetFieldDefaulted(t, TIFFTAG_SUBFILETYPE, &l.subfile_type);
  l.big_endian = TIFFIsBigEndian(t) != 0;
  l.photometric = field_or<uint16_t>(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  if (l.samples_per_pixel == 0) return Status::corrupt(path, "SamplesPerPixel is 0");
  if (l.bits_per_sample == 0) return Status::corrupt(path, "BitsPerSample is 0");
  if (!TIFFIsCODECConfigured(l.compression)) {
    return Status::not_supported(path, "compression " + std::to_string(l.compression) +
                                           " is not available in this build of libtiff");
  }
  if (l.compression == COMPRESSION_JPEG && l.photometric == PHOTOMETRIC_YCBCR) {
    // libtiff converts to RGB while decoding, as GDAL asks it to.
    TIFFSetField(t, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
    l.ycbcr_as_rgb = true;
  } else if (l.photometric == PHOTOMETRIC_YCBCR && l.compression != COMPRESSION_OJPEG) {
    uint16_t sub_h = 1, sub_v = 1;
    TIFFGetFieldDefaulted(t, TIFFTAG_YCBCRSUBSAMPLING, &sub_h, &sub_v);
    if (sub_h != 1 || sub_v != 1) {
      return Status::not_supported(path,
                                   "subsampled YCbCr without JPEG compression is not supported");
    }
  }
  l.tiled = TIFFIsTiled(t) != 0;
  if (l.tiled) {
    if (!TIFFGetField(t, TIFFTAG_TILEWIDTH, &l.block_width) ||
        !TIFFGetField(t, TIFFTAG_TILELENGTH, &l.block_height) || l.block_width == 0 ||
        l.block_height == 0) {
      return Status::corrupt(path, "invalid tile size");
    }
  } else {
    uint32_t rows = l.height;
    TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rows);
    l.block_width = l.width;
    l.block_height = rows == 0 ? l.height : std::min(rows, l.height);
  }
  RK_ASSIGN_OR_RETURN(l.type, data_type_for(l.sample_format, l.bits_per_sample, path));
  const double blocks = static_cast<double>(l.blocks_per_band()) *
                        (l.planar_config == PLANARCONFIG_SEPARATE ? l.samples_per_pixel : 1);
  if (blocks != static_cast<double>(TIFFNumberOfStrips(t)) && !l.tiled) {
    return Status::corrupt(path, "the number of strips does not match the image size");
  }
  if (l.tiled && blocks != static_cast<double>(TIFFNumberOfTiles(t))) {
    return Status::corrupt(path, "the number of tiles does not match the image size");
  }
  return l;
}

GTiffImage::GTiffImage(std::shared_ptr<File> file, uint16_t ifd, ImageLayout layout,
                       std::unique_ptr<TiffHandle> handle)
    : file_(std::move(file)), ifd_(ifd), layout_(layout), handle_(std::move(handle)) {}

Result<TiffHandle*> GTiffImage::handle() {
  if (!handle_) {
    RK_ASSIGN_OR_RETURN(std::unique_ptr<TiffHandle> h, TiffHandle::open(file_, "rO"));
    if (!TIFFSetDirectory(h->tiff(), ifd_)) {
      return h->take_error("cannot read directory " + std::to_string(ifd_));
    }
    RK_ASSIGN_OR_RETURN(ImageLayout again, read_layout(*h));
    (void)again;  // also applies per-handle settings (JPEG color mode)
    handle_ = std::move(h);
  }
  return handle_.get();
}

Status GTiffImage::read_block(int sample_index, int64_t bx, int64_t by, std::byte* dst,
                              std::optional<double> sparse_fill) {
  RK_ASSIGN_OR_RETURN(TiffHandle * h, handle());
  const ImageLayout& l = layout_;
  const DataType type = l.type;
  const size_t tsize = data_type_size(type);
  const size_t block_values = static_cast<size_t>(l.block_width) * l.block_height;
  if (static_cast<double>(block_values) * static_cast<double>(tsize) >
      static_cast<double>(TiffHandle::kMaxSingleAlloc)) {
    return Status::out_of_memory(h->path(), "a " + std::to_string(l.block_width) + "x" +
                                                std::to_string(l.block_height) +
                                                " block is larger than the decoding limit");
  }
  std::memset(dst, 0, block_values * tsize);
  const bool separate = l.separate();
  const uint64_t strile =
      (separate ? static_cast<uint64_t>(sample_index) * l.blocks_per_band() : 0) +
      static_cast<uint64_t>(by) * l.blocks_per_row() + static_cast<uint64_t>(bx);
  RK_RETURN_IF_ERROR(decode(*h, strile));
  if (decoded_.empty()) {
    // Sparse block: the fill value (nodata) if any, else 0 (already set).
    if (sparse_fill) {
      std::byte value[16];
      store_double(*sparse_fill, value, type);
      for (size_t i = 0; i < block_values; ++i) std::memcpy(dst + i * tsize, value, tsize);
    }
    return Status();
  }
  const size_t spp = separate ? 1 : (l.ycbcr_as_rgb ? 3 : l.samples_per_pixel);
  const size_t sample = separate ? 0 : static_cast<size_t>(sample_index);
  const uint32_t bps = l.ycbcr_as_rgb ? 8 : l.bits_per_sample;
  const size_t row_bytes = (static_cast<size_t>(l.block_width) * spp * bps + 7) / 8;
  const size_t rows = std::min<size_t>(decoded_rows_, l.block_height);
  if (rows * row_bytes > decoded_.size())
    return Status::internal(h->path(), "decoded size mismatch");

  const bool aligned = bps % 8 == 0 && (bps == 8 * tsize || (is_complex(type) && bps == 8 * tsize));
  if (aligned && !(l.sample_format == SAMPLEFORMAT_IEEEFP && bps != 8 * tsize)) {
    const size_t bytes = bps / 8;
    for (size_t r = 0; r < rows; ++r) {
      convert_values(decoded_.data() + r * row_bytes + sample * bytes, type,
                     static_cast<ptrdiff_t>(spp * bytes), dst + r * l.block_width * tsize, type,
                     static_cast<ptrdiff_t>(tsize), l.block_width);
    }
    return Status();
  }
  // Odd widths: a bit stream per row, most significant bit first; widths
  // that are whole bytes (24, 40, ...) are stored in the file's byte order.
  const bool byte_aligned_le = bps % 8 == 0 && !l.big_endian;
  for (size_t r = 0; r < rows; ++r) {
    const auto* row = reinterpret_cast<const uint8_t*>(decoded_.data() + r * row_bytes);
    for (size_t x = 0; x < l.block_width; ++x) {
      const uint64_t bit = (x * spp + sample) * bps;
      uint64_t v = 0;
      if (byte_aligned_le) {
        for (uint32_t k = 0; k < bps / 8; ++k) v |= uint64_t{row[bit / 8 + k]} << (8 * k);
      } else {
        for (uint32_t k = 0; k < bps; ++k) {
          const uint64_t b = bit + k;
          v = (v << 1) | ((row[b / 8] >> (7 - b % 8)) & 1);
        }
      }
      std::byte* out = dst + (r * l.block_width + x) * tsize;
      if (l.sample_format == SAMPLEFORMAT_IEEEFP) {
        const float f = bps == 16 ? half_to_float(static_cast<uint16_t>(v))
                                  : float24_to_float(static_cast<uint32_t>(v));
        std::memcpy(out, &f, sizeof f);
      } else if (type == DataType::kByte) {
        *reinterpret_cast<uint8_t*>(out) = static_cast<uint8_t>(v);
      } else if (type == DataType::kUInt16) {
        const auto u = static_cast<uint16_t>(v);
        std::memcpy(out, &u, sizeof u);
      } else {
        const auto u = static_cast<uint32_t>(v);
        std::memcpy(out, &u, sizeof u);
      }
    }
  }
  return Status();
}

Status GTiffImage::decode(TiffHandle& h, uint64_t strile) {
  if (strile == decoded_strile_) return Status();
  decoded_strile_ = UINT64_MAX;
  TIFF* t = h.tiff();
  int err = 0;
  const uint64_t bytes = TIFFGetStrileByteCountWithErr(t, static_cast<uint32_t>(strile), &err);
  if (err) return h.take_error("cannot read the strip/tile byte counts");
  if (bytes == 0 || TIFFGetStrileOffset(t, static_cast<uint32_t>(strile)) == 0) {
    decoded_.clear();  // sparse: no data stored
    decoded_rows_ = 0;
    decoded_strile_ = strile;
    return Status();
  }
  const tmsize_t size = layout_.tiled ? TIFFTileSize(t) : TIFFStripSize(t);
  if (size <= 0) return h.take_error("cannot compute the strip/tile size");
  // Refused before allocating: a hostile or absurd file must not make us
  // allocate (or touch) gigabytes. The file still opens; such reads fail.
  if (size > TiffHandle::kMaxSingleAlloc) {
    return Status::out_of_memory(h.path(), std::string(layout_.tiled ? "a tile" : "a strip") +
                                               " of " + std::to_string(size) +
                                               " bytes is larger than the decoding limit");
  }
  decoded_.resize(static_cast<size_t>(size));
  const tmsize_t n =
      layout_.tiled ? TIFFReadEncodedTile(t, static_cast<uint32_t>(strile), decoded_.data(), size)
                    : TIFFReadEncodedStrip(t, static_cast<uint32_t>(strile), decoded_.data(), size);
  if (n < 0) {
    Status st = h.take_error("decoding failed");
    return Status(st.code(), h.path(),
                  std::string(layout_.tiled ? "tile " : "strip ") + std::to_string(strile) + ": " +
                      st.message());
  }
  (void)h.take_error();  // recoverable complaints are not failures
  const tmsize_t row = layout_.tiled ? TIFFTileRowSize(t) : TIFFScanlineSize(t);
  decoded_rows_ = row > 0 ? static_cast<size_t>(n / row) : 0;
  if (layout_.tiled) decoded_rows_ = layout_.block_height;
  decoded_strile_ = strile;
  return Status();
}

}  // namespace rk::gtiff
