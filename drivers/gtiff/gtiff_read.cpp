// GTiff read path: opening an image, decoding strips and tiles into blocks.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "drivers/gtiff/gtiff_dataset.h"
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
  // Refuse blocks that could not be decoded in one allocation before any
  // allocation is made (hostile or absurd files).
  const double samples = l.contiguous() ? l.samples_per_pixel : 1;
  const double block_bytes =
      static_cast<double>(l.block_width) * l.block_height * samples *
      std::max<double>(l.bits_per_sample / 8.0, static_cast<double>(data_type_size(l.type)));
  if (block_bytes > static_cast<double>(TiffHandle::kMaxSingleAlloc)) {
    return Status::out_of_memory(path, "a " + std::to_string(l.block_width) + "x" +
                                           std::to_string(l.block_height) +
                                           " block is too large to decode");
  }
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

GTiffBand::GTiffBand(GTiffDataset* ds, int number, const ImageLayout& l)
    : RasterBand(ds, number, l.width, l.height, l.type, l.block_width, l.block_height),
      gtiff_(ds) {}

Status GTiffBand::read_block_impl(int64_t bx, int64_t by, void* dst) {
  return gtiff_->read_band_block(number(), bx, by, static_cast<std::byte*>(dst));
}

GTiffDataset::GTiffDataset(const OpenInfo& info, const Driver* driver)
    : Dataset(info.path, info.access, driver, info.cache) {
  set_open_options(info.open_options);
}

GTiffDataset::~GTiffDataset() { close_in_destructor(); }

Result<std::unique_ptr<Dataset>> GTiffDataset::open(const OpenInfo& info, const Driver* driver) {
  if (info.access == Access::kUpdate) {
    return Status::not_supported(info.path, "the GTiff driver opens files read-only");
  }
  std::unique_ptr<GTiffDataset> ds(new GTiffDataset(info, driver));
  RK_ASSIGN_OR_RETURN(std::unique_ptr<File> file, File::open(info.path, info.access));
  ds->file_ = std::move(file);
  RK_ASSIGN_OR_RETURN(ds->handle_, TiffHandle::open(ds->file_, "r"));
  RK_RETURN_IF_ERROR(ds->init());
  return std::unique_ptr<Dataset>(std::move(ds));
}

Status GTiffDataset::init() {
  RK_ASSIGN_OR_RETURN(layout_, read_layout(*handle_));
  const ImageLayout& l = layout_;
  set_raster_size(l.width, l.height);
  const int bands = l.ycbcr_as_rgb ? 3 : l.samples_per_pixel;
  for (int b = 1; b <= bands; ++b) add_band(std::make_unique<GTiffBand>(this, b, l));

  // Color interpretation from the photometric interpretation and the extra
  // samples, as GDAL assigns it.
  TIFF* t = handle_->tiff();
  uint16_t extra_count = 0;
  uint16_t* extra = nullptr;
  TIFFGetField(t, TIFFTAG_EXTRASAMPLES, &extra_count, &extra);
  auto band_at = [this](int i) { return static_cast<GTiffBand*>(band(i)); };
  int base = 1;  // bands described by the photometric interpretation
  const uint16_t photometric = l.ycbcr_as_rgb ? PHOTOMETRIC_RGB : l.photometric;
  switch (photometric) {
    case PHOTOMETRIC_RGB:
      if (bands >= 3) {
        base = 3;
        band_at(1)->init_color_interp(ColorInterp::kRed);
        band_at(2)->init_color_interp(ColorInterp::kGreen);
        band_at(3)->init_color_interp(ColorInterp::kBlue);
      }
      break;
    case PHOTOMETRIC_YCBCR:
      if (bands >= 3) {
        base = 3;
        band_at(1)->init_color_interp(ColorInterp::kYCbCr_Y);
        band_at(2)->init_color_interp(ColorInterp::kYCbCr_Cb);
        band_at(3)->init_color_interp(ColorInterp::kYCbCr_Cr);
      }
      break;
    case PHOTOMETRIC_SEPARATED:
      if (bands >= 4) {
        base = 4;
        band_at(1)->init_color_interp(ColorInterp::kCyan);
        band_at(2)->init_color_interp(ColorInterp::kMagenta);
        band_at(3)->init_color_interp(ColorInterp::kYellow);
        band_at(4)->init_color_interp(ColorInterp::kBlack);
      }
      break;
    case PHOTOMETRIC_PALETTE: {
      band_at(1)->init_color_interp(ColorInterp::kPalette);
      uint16_t *r = nullptr, *g = nullptr, *b = nullptr;
      if (l.bits_per_sample <= 16 && TIFFGetField(t, TIFFTAG_COLORMAP, &r, &g, &b)) {
        const size_t n = size_t{1} << l.bits_per_sample;
        // 16-bit palette entries; files written with 8-bit values are used as is.
        bool eight_bit = true;
        for (size_t i = 0; i < n; ++i)
          eight_bit = eight_bit && r[i] < 256 && g[i] < 256 && b[i] < 256;
        const int div = eight_bit ? 1 : 257;
        ColorTable ct;
        for (size_t i = 0; i < n; ++i) {
          ct.entries.push_back(ColorEntry{static_cast<int16_t>(r[i] / div),
                                          static_cast<int16_t>(g[i] / div),
                                          static_cast<int16_t>(b[i] / div), 255});
        }
        band_at(1)->init_color_table(std::move(ct));
      }
      break;
    }
    default:
      band_at(1)->init_color_interp(ColorInterp::kGray);
      break;
  }
  for (int b = base + 1; b <= bands; ++b) {
    const int e = b - base - 1;
    if (extra && e < extra_count &&
        (extra[e] == EXTRASAMPLE_ASSOCALPHA || extra[e] == EXTRASAMPLE_UNASSALPHA)) {
      band_at(b)->init_color_interp(ColorInterp::kAlpha);
    }
  }

  Metadata& md = mutable_metadata();
  md.set("INTERLEAVE", l.planar_config == PLANARCONFIG_SEPARATE || bands == 1 ? "BAND" : "PIXEL",
         "IMAGE_STRUCTURE");
  const char* names[][2] = {{"5", "LZW"},          {"8", "DEFLATE"},       {"32946", "DEFLATE"},
                            {"32773", "PACKBITS"}, {"7", "JPEG"},          {"6", "OJPEG"},
                            {"50000", "ZSTD"},     {"34925", "LZMA"},      {"50001", "WEBP"},
                            {"34887", "LERC"},     {"2", "CCITTRLE"},      {"3", "CCITTFAX3"},
                            {"4", "CCITTFAX4"},    {"32771", "CCITTRLEW"}, {"32766", "NEXT"},
                            {"34676", "SGILOG"},   {"34677", "SGILOG24"},  {"32809", "THUNDER"},
                            {"32946", "DEFLATE"},  {"32908", "PIXARFILM"}, {"32909", "PIXARLOG"}};
  for (const auto& [code, name] : names) {
    if (std::to_string(l.compression) == code) {
      md.set("COMPRESSION", l.ycbcr_as_rgb ? "YCbCr JPEG" : name, "IMAGE_STRUCTURE");
    }
  }
  const bool standard_width =
      l.bits_per_sample == 8 * data_type_size(component_type(l.type)) ||
      (is_complex(l.type) && l.bits_per_sample == 8 * data_type_size(l.type));
  if (!standard_width && l.sample_format != SAMPLEFORMAT_IEEEFP) {
    for (int b = 1; b <= bands; ++b) {
      band_at(b)->mutable_metadata().set("NBITS", std::to_string(l.bits_per_sample),
                                         "IMAGE_STRUCTURE");
    }
  }
  return Status();
}

Status GTiffDataset::decode(uint64_t strile) {
  if (strile == decoded_strile_) return Status();
  decoded_strile_ = UINT64_MAX;
  TIFF* t = handle_->tiff();
  int err = 0;
  const uint64_t bytes = TIFFGetStrileByteCountWithErr(t, static_cast<uint32_t>(strile), &err);
  if (err) return handle_->take_error("cannot read the strip/tile byte counts");
  if (bytes == 0 || TIFFGetStrileOffset(t, static_cast<uint32_t>(strile)) == 0) {
    decoded_.clear();  // sparse: no data stored
    decoded_rows_ = 0;
    decoded_strile_ = strile;
    return Status();
  }
  const tmsize_t size = layout_.tiled ? TIFFTileSize(t) : TIFFStripSize(t);
  if (size <= 0) return handle_->take_error("cannot compute the strip/tile size");
  decoded_.resize(static_cast<size_t>(size));
  const tmsize_t n =
      layout_.tiled ? TIFFReadEncodedTile(t, static_cast<uint32_t>(strile), decoded_.data(), size)
                    : TIFFReadEncodedStrip(t, static_cast<uint32_t>(strile), decoded_.data(), size);
  if (n < 0) {
    Status st = handle_->take_error("decoding failed");
    return Status(st.code(), description(),
                  std::string(layout_.tiled ? "tile " : "strip ") + std::to_string(strile) + ": " +
                      st.message());
  }
  (void)handle_->take_error();  // recoverable complaints are not failures
  const tmsize_t row = layout_.tiled ? TIFFTileRowSize(t) : TIFFScanlineSize(t);
  decoded_rows_ = row > 0 ? static_cast<size_t>(n / row) : 0;
  if (layout_.tiled) decoded_rows_ = layout_.block_height;
  decoded_strile_ = strile;
  return Status();
}

Status GTiffDataset::read_band_block(int band_number, int64_t bx, int64_t by, std::byte* dst) {
  const ImageLayout& l = layout_;
  const DataType type = l.type;
  const size_t tsize = data_type_size(type);
  const size_t block_values = static_cast<size_t>(l.block_width) * l.block_height;
  std::memset(dst, 0, block_values * tsize);
  const bool separate = l.planar_config == PLANARCONFIG_SEPARATE && l.samples_per_pixel > 1;
  const uint64_t strile =
      (separate ? static_cast<uint64_t>(band_number - 1) * l.blocks_per_band() : 0) +
      static_cast<uint64_t>(by) * l.blocks_per_row() + static_cast<uint64_t>(bx);
  RK_RETURN_IF_ERROR(decode(strile));
  if (decoded_.empty()) {
    // Sparse block: nodata if the band has one, else 0 (already set).
    if (std::optional<double> nd = band(band_number)->nodata()) {
      std::byte value[16];
      store_double(*nd, value, type);
      for (size_t i = 0; i < block_values; ++i) std::memcpy(dst + i * tsize, value, tsize);
    }
    return Status();
  }
  const size_t spp = separate ? 1 : (l.ycbcr_as_rgb ? 3 : l.samples_per_pixel);
  const size_t sample = separate ? 0 : static_cast<size_t>(band_number - 1);
  const uint32_t bps = l.ycbcr_as_rgb ? 8 : l.bits_per_sample;
  const size_t row_bytes = (static_cast<size_t>(l.block_width) * spp * bps + 7) / 8;
  const size_t rows = std::min<size_t>(decoded_rows_, l.block_height);
  if (rows * row_bytes > decoded_.size())
    return Status::internal(description(), "decoded size mismatch");

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
  const bool byte_aligned_le = bps % 8 == 0 && !(TIFFIsBigEndian(handle_->tiff()));
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

}  // namespace rk::gtiff
