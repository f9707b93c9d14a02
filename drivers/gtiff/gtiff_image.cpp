// GTiff images: layout of a directory, decoding strips and tiles into blocks.
#include <algorithm>
#include <cmath>
#include <cstring>

#include <rasterkit/drivers/gtiff/gtiff_image.h>

#include <rasterkit/gdalcore/convert.h>
#include <atomic>

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

// As GDAL: colour spaces other than grey, palette and RGB are presented as
// RGB(A) through libtiff's RGBA interface when their samples are at most 8
// bits and libtiff can convert them (for CMYK: InkSet CMYK, or absent, and
// at least 4 samples); otherwise the raw samples are the bands.
bool rgba_interface_accepts(TIFF* t, const ImageLayout& l) {
  if (l.bits_per_sample > 8 || (l.samples_per_pixel == 1 && l.bits_per_sample == 1)) return false;
  char message[1024] = {0};
  return TIFFRGBAImageOK(t, message) != 0;
}

// IEEE half precision to single, bit for bit: subnormals normalised, a
// NaN's payload kept (not quieted), as GDAL converts.
float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h >> 15) << 31;
  uint32_t exp = (h >> 10) & 0x1f, frac = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0 && frac == 0) {
    bits = sign;
  } else if (exp == 0) {
    int e = -14;
    while (!(frac & 0x400u)) {
      frac <<= 1;
      --e;
    }
    bits = sign | static_cast<uint32_t>(e + 127) << 23 | (frac & 0x3ffu) << 13;
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | frac << 13;
  } else {
    bits = sign | (exp - 15 + 127) << 23 | frac << 13;
  }
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
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

// Decodes strip/tile `strile` into `buf` (at most `wanted` bytes), with
// horizontal differencing undone; the number of bytes decoded, or
// libtiff's complaint naming the strip/tile.
Result<size_t> read_encoded(TiffHandle& h, PredictorTakeover& predictor, const ImageLayout& l,
                            uint64_t strile, std::byte* buf, tmsize_t wanted) {
  TIFF* t = h.tiff();
  const bool undo = predictor.before_decode(t);
  const tmsize_t n = l.tiled ? TIFFReadEncodedTile(t, static_cast<uint32_t>(strile), buf, wanted)
                             : TIFFReadEncodedStrip(t, static_cast<uint32_t>(strile), buf, wanted);
  if (n < 0) {
    Status st = h.take_error("decoding failed");
    return Status(
        st.code(), h.path(),
        std::string(l.tiled ? "tile " : "strip ") + std::to_string(strile) + ": " + st.message());
  }
  (void)h.take_error();  // recoverable complaints are not failures
  if (undo) {
    const uint32_t stride = l.separate() ? 1 : l.samples_per_pixel;
    const size_t row_bytes = static_cast<size_t>(l.block_width) * stride * l.bits_per_sample / 8;
    undo_horizontal_differencing(buf, static_cast<size_t>(n), row_bytes, l.bits_per_sample, stride);
  }
  return static_cast<size_t>(n);
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
  } else if (l.compression == COMPRESSION_OJPEG) {
    l.rgba = true;
  } else if (l.photometric == PHOTOMETRIC_YCBCR) {
    uint16_t sub_h = 1, sub_v = 1;
    TIFFGetFieldDefaulted(t, TIFFTAG_YCBCRSUBSAMPLING, &sub_h, &sub_v);
    if ((sub_h != 1 || sub_v != 1) && l.bits_per_sample > 8) {
      return Status::not_supported(path,
                                   "Cannot open TIFF file with YCbCr, subsampling and "
                                   "BitsPerSample > 8 that is not JPEG compressed");
    }
    l.rgba = rgba_interface_accepts(t, l);
  } else if (l.photometric == PHOTOMETRIC_CIELAB || l.photometric == PHOTOMETRIC_SEPARATED ||
             l.photometric == PHOTOMETRIC_LOGL || l.photometric == PHOTOMETRIC_LOGLUV) {
    l.rgba = rgba_interface_accepts(t, l);
  }
  l.tiled = TIFFIsTiled(t) != 0;
  if (l.tiled) {
    if (!TIFFGetField(t, TIFFTAG_TILEWIDTH, &l.block_width) ||
        !TIFFGetField(t, TIFFTAG_TILELENGTH, &l.block_height) || l.block_width == 0 ||
        l.block_height == 0) {
      return Status::corrupt(path, "invalid tile size");
    }
    l.strip_rows = l.block_height;
  } else {
    uint32_t rows = l.height;
    TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rows);
    l.block_width = l.width;
    l.strip_rows = rows == 0 ? l.height : std::min(rows, l.height);
    l.block_height = l.strip_rows;
  }
  // GDAL's limits, with GDAL's wording: blocks it could not address.
  if (l.block_width > INT32_MAX || l.block_height > INT32_MAX) {
    return Status::out_of_range(path, "Too large block size: " + std::to_string(l.block_width) +
                                          " x " + std::to_string(l.block_height));
  }
  const uint64_t planes = l.planar_config == PLANARCONFIG_SEPARATE ? l.samples_per_pixel : 1;
  if (static_cast<double>(l.blocks_per_band()) * static_cast<double>(planes) > INT32_MAX) {
    std::string what =
        std::to_string(l.blocks_per_row()) + " x " + std::to_string(l.blocks_per_column());
    if (planes > 1) what += " x " + std::to_string(planes) + " bands";
    return Status::out_of_range(path, "Too many blocks: " + what);
  }
  if (l.rgba) {
    l.type = DataType::kByte;
  } else {
    RK_ASSIGN_OR_RETURN(l.type, data_type_for(l.sample_format, l.bits_per_sample, path));
  }
  const double blocks = static_cast<double>(l.blocks_per_band()) * static_cast<double>(planes);
  if (blocks != static_cast<double>(TIFFNumberOfStrips(t)) && !l.tiled) {
    return Status::corrupt(path, "the number of strips does not match the image size");
  }
  if (l.tiled && blocks != static_cast<double>(TIFFNumberOfTiles(t))) {
    return Status::corrupt(path, "the number of tiles does not match the image size");
  }
  if (!l.tiled && l.strip_rows == l.height && l.height > 2000 && !l.rgba) {
    l.split = true;
    l.block_height = 1;
  }
  return l;
}

namespace {
std::atomic<uint64_t> next_image_id{1};
}  // namespace

GTiffImage::GTiffImage(std::shared_ptr<File> file, uint64_t dir_offset, ImageLayout layout,
                       std::unique_ptr<TiffHandle> handle)
    : file_(std::move(file)),
      dir_offset_(dir_offset),
      layout_(layout),
      id_(next_image_id.fetch_add(1)),
      main_(std::make_unique<Decoder>()) {
  main_->handle = std::move(handle);
}

Result<std::unique_ptr<TiffHandle>> GTiffImage::open_handle() const {
  RK_ASSIGN_OR_RETURN(std::unique_ptr<TiffHandle> h, TiffHandle::open(file_, "rO"));
  if (!TIFFSetSubDirectory(h->tiff(), dir_offset_)) {
    return h->take_error("cannot read the directory at offset " + std::to_string(dir_offset_));
  }
  RK_ASSIGN_OR_RETURN(ImageLayout again, read_layout(*h));
  (void)again;  // also applies per-handle settings (JPEG color mode)
  return h;
}

Result<TiffHandle*> GTiffImage::handle() {
  if (!main_->handle) {
    RK_ASSIGN_OR_RETURN(main_->handle, open_handle());
  }
  return main_->handle.get();
}

Result<GTiffImage::Decoder*> GTiffImage::acquire() {
  // The decoder this thread used last most likely holds the strip/tile a
  // sibling band is about to ask for.
  thread_local uint64_t last_image = 0;
  thread_local Decoder* last_decoder = nullptr;
  Decoder* d = nullptr;
  if (last_image == id_ && last_decoder->mu.try_lock()) {
    d = last_decoder;
  } else if (main_->mu.try_lock()) {
    d = main_.get();
  } else {
    std::lock_guard<std::mutex> lock(spares_mu_);
    for (auto& spare : spares_) {
      if (spare->mu.try_lock()) {
        d = spare.get();
        break;
      }
    }
    if (!d) {
      spares_.push_back(std::make_unique<Decoder>());
      d = spares_.back().get();
      d->mu.lock();
    }
  }
  if (!d->handle) {
    Result<std::unique_ptr<TiffHandle>> h = open_handle();
    if (!h.ok()) {
      d->mu.unlock();
      return h.status();
    }
    d->handle = std::move(h).value();
  }
  last_image = id_;
  last_decoder = d;
  return d;
}

uint64_t GTiffImage::strile_of_block(int sample, int64_t bx, int64_t by) const {
  // Blocks map to strips/tiles one to one, except in split mode, where
  // block row `by` is line `by` of the image's single strip.
  const ImageLayout& l = layout_;
  const bool separate = l.separate() && !l.rgba;
  const uint64_t first_row = static_cast<uint64_t>(by) * l.block_height;
  const uint64_t strile_rows = (l.height + l.strip_rows - 1) / l.strip_rows;
  return (separate ? static_cast<uint64_t>(sample) * l.blocks_per_row() * strile_rows : 0) +
         first_row / l.strip_rows * l.blocks_per_row() + static_cast<uint64_t>(bx);
}

Status GTiffImage::block_ranges(int sample, const std::vector<std::pair<int64_t, int64_t>>& blocks,
                                std::vector<ByteRange>* out) {
  RK_ASSIGN_OR_RETURN(Decoder * d, acquire());
  std::lock_guard<std::mutex> hold(d->mu, std::adopt_lock);
  TIFF* t = d->handle->tiff();
  // TIFFNumberOfStrips() counts strips from RowsPerStrip even in a tiled
  // image (one strip there): tiles are counted by TIFFNumberOfTiles().
  const uint64_t count = TIFFIsTiled(t) ? TIFFNumberOfTiles(t) : TIFFNumberOfStrips(t);
  uint64_t previous = UINT64_MAX;
  for (const auto& [bx, by] : blocks) {
    const uint64_t strile = strile_of_block(sample, bx, by);
    if (strile >= count || strile == previous) continue;  // split mode: one strip, many lines
    previous = strile;
    int err = 0;
    const uint64_t offset = TIFFGetStrileOffsetWithErr(t, static_cast<uint32_t>(strile), &err);
    const uint64_t bytes =
        err ? 0 : TIFFGetStrileByteCountWithErr(t, static_cast<uint32_t>(strile), &err);
    if (err) return d->handle->take_error("cannot read the strip/tile offsets");
    if (offset != 0 && bytes != 0) out->push_back({offset, bytes});
  }
  return Status();
}

Status GTiffImage::read_block(int sample_index, int64_t bx, int64_t by, std::byte* dst,
                              std::optional<double> sparse_fill) {
  RK_ASSIGN_OR_RETURN(Decoder * d, acquire());
  std::lock_guard<std::mutex> hold(d->mu, std::adopt_lock);
  TiffHandle* h = d->handle.get();
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
  const bool separate = l.separate() && !l.rgba;
  // One sample per strip/tile stored as whole values: libtiff can decode
  // straight into the block, with no scratch buffer and no copy.
  const bool direct = !l.rgba && !l.split && !l.ycbcr_as_rgb &&
                      (separate || l.samples_per_pixel == 1) && l.bits_per_sample == 8 * tsize;
  if (direct) {
    TIFF* t = h->tiff();
    const uint64_t strile = l.strile_of(sample_index, bx, by);
    int err = 0;
    const uint64_t bytes = TIFFGetStrileByteCountWithErr(t, static_cast<uint32_t>(strile), &err);
    if (err) return h->take_error("cannot read the strip/tile byte counts");
    if (bytes != 0 && TIFFGetStrileOffset(t, static_cast<uint32_t>(strile)) != 0) {
      const uint32_t first_row = static_cast<uint32_t>(by) * l.block_height;
      // Only the rows inside the image (a short last row of tiles decodes).
      const uint32_t rows = std::min(l.block_height, l.height - first_row);
      const tmsize_t wanted =
          static_cast<tmsize_t>(static_cast<size_t>(l.block_width) * rows * tsize);
      RK_ASSIGN_OR_RETURN(const size_t filled,
                          read_encoded(*h, d->predictor, l, strile, dst, wanted));
      if (filled < block_values * tsize)
        std::memset(dst + filled, 0, block_values * tsize - filled);
      return Status();
    }
  }
  const uint32_t first_row = static_cast<uint32_t>(by) * l.block_height;
  const uint64_t strile_row = first_row / l.strip_rows;
  const uint32_t row_in_strile = first_row % l.strip_rows;
  const uint64_t strile = strile_of_block(sample_index, bx, by);
  RK_RETURN_IF_ERROR(decode(*d, strile, static_cast<uint32_t>(strile_row * l.strip_rows)));
  if (d->decoded.empty()) {
    // Sparse block: the fill value (nodata) if any, else 0.
    if (sparse_fill) {
      std::byte value[16];
      store_double(*sparse_fill, value, type);
      for (size_t i = 0; i < block_values; ++i) std::memcpy(dst + i * tsize, value, tsize);
    } else {
      std::memset(dst, 0, block_values * tsize);
    }
    return Status();
  }
  const size_t spp = l.rgba ? 4 : separate ? 1 : (l.ycbcr_as_rgb ? 3 : l.samples_per_pixel);
  const size_t sample = separate ? 0 : static_cast<size_t>(sample_index);
  const uint32_t bps = l.rgba || l.ycbcr_as_rgb ? 8 : l.bits_per_sample;
  const size_t row_bytes = (static_cast<size_t>(l.block_width) * spp * bps + 7) / 8;
  const size_t available = d->decoded_rows > row_in_strile ? d->decoded_rows - row_in_strile : 0;
  const size_t rows = std::min<size_t>(available, l.block_height);
  const std::byte* src = d->decoded.data() + row_in_strile * row_bytes;
  if ((row_in_strile + rows) * row_bytes > d->decoded.size()) {
    return Status::internal(h->path(), "decoded size mismatch");
  }
  // Rows past the decoded ones (past the image's end, or a short strip)
  // are 0; the rest is overwritten below.
  std::memset(dst + rows * l.block_width * tsize, 0,
              (l.block_height - rows) * l.block_width * tsize);

  const bool aligned = bps % 8 == 0 && bps == 8 * tsize;
  if (aligned && !(l.sample_format == SAMPLEFORMAT_IEEEFP && bps != 8 * tsize)) {
    const size_t bytes = bps / 8;
    for (size_t r = 0; r < rows; ++r) {
      convert_values(src + r * row_bytes + sample * bytes, type,
                     static_cast<ptrdiff_t>(spp * bytes), dst + r * l.block_width * tsize, type,
                     static_cast<ptrdiff_t>(tsize), l.block_width);
    }
    return Status();
  }
  // Odd widths: a bit stream per row, most significant bit first. Two
  // exceptions for 24-bit samples, which libtiff swaps from a big-endian
  // file into the (little-endian) host's order while decoding: any 24-bit
  // sample of a big-endian file, and 24-bit floats, which writers store in
  // the file's byte order to begin with.
  const bool host_order_24 = bps == 24 && (l.big_endian || l.sample_format == SAMPLEFORMAT_IEEEFP);
  // 16-bit samples (half floats) come from libtiff in the host's order too,
  // whatever the file's.
  const bool host_order_16 = bps == 16 && bps != 8 * tsize;
  for (size_t r = 0; r < rows; ++r) {
    const auto* row = reinterpret_cast<const uint8_t*>(src + r * row_bytes);
    for (size_t x = 0; x < l.block_width; ++x) {
      const uint64_t bit = (x * spp + sample) * bps;
      uint64_t v = 0;
      if (host_order_16) {
        uint16_t u = 0;
        std::memcpy(&u, row + bit / 8, 2);
        v = u;
      } else if (host_order_24) {
        uint32_t u = 0;
        std::memcpy(&u, row + bit / 8, 3);  // little-endian host
        v = u;
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

Status GTiffImage::decode(Decoder& d, uint64_t strile, uint32_t first_row) {
  if (strile == d.decoded_strile) return Status();
  d.decoded_strile = UINT64_MAX;
  TiffHandle& h = *d.handle;
  TIFF* t = h.tiff();
  int err = 0;
  const uint64_t bytes = TIFFGetStrileByteCountWithErr(t, static_cast<uint32_t>(strile), &err);
  if (err) return h.take_error("cannot read the strip/tile byte counts");
  if (bytes == 0 || TIFFGetStrileOffset(t, static_cast<uint32_t>(strile)) == 0) {
    d.decoded.clear();  // sparse: no data stored
    d.decoded_rows = 0;
    d.decoded_strile = strile;
    return Status();
  }
  if (layout_.rgba) return decode_rgba(d, strile, first_row);
  const tmsize_t full = layout_.tiled ? TIFFTileSize(t) : TIFFStripSize(t);
  const tmsize_t row = layout_.tiled ? TIFFTileRowSize(t) : TIFFScanlineSize(t);
  if (full <= 0 || row <= 0) return h.take_error("cannot compute the strip/tile size");
  // Refused before allocating: a hostile or absurd file must not make us
  // allocate (or touch) gigabytes. The file still opens; such reads fail.
  if (full > TiffHandle::kMaxSingleAlloc) {
    return Status::out_of_memory(h.path(), std::string(layout_.tiled ? "a tile" : "a strip") +
                                               " of " + std::to_string(full) +
                                               " bytes is larger than the decoding limit");
  }
  // Ask only for the rows inside the image: the last row of tiles or strips
  // may be stored short (GDAL does the same, and some writers rely on it).
  const uint32_t rows_in_image = std::min(layout_.strip_rows, layout_.height - first_row);
  const tmsize_t wanted = std::min<tmsize_t>(full, row * static_cast<tmsize_t>(rows_in_image));
  d.decoded.resize(static_cast<size_t>(full));
  RK_ASSIGN_OR_RETURN(const size_t n,
                      read_encoded(h, d.predictor, layout_, strile, d.decoded.data(), wanted));
  d.decoded_rows = n / static_cast<size_t>(row);
  d.decoded_strile = strile;
  return Status();
}

// libtiff's RGBA interface returns the strip or tile bottom-up as packed
// ABGR words; the decoder holds it top-down as R, G, B, A bytes.
Status GTiffImage::decode_rgba(Decoder& d, uint64_t strile, uint32_t first_row) {
  TiffHandle& h = *d.handle;
  TIFF* t = h.tiff();
  const uint32_t w = layout_.block_width;
  const uint32_t strile_h = layout_.strip_rows;
  const double bytes = static_cast<double>(w) * strile_h * 4;
  if (bytes > static_cast<double>(TiffHandle::kMaxSingleAlloc)) {
    return Status::out_of_memory(h.path(), "a strip or tile is larger than the decoding limit");
  }
  std::vector<uint32_t> raster(static_cast<size_t>(w) * strile_h);
  int ok;
  uint32_t rows;
  if (layout_.tiled) {
    const uint32_t x = static_cast<uint32_t>(strile % layout_.blocks_per_row()) * w;
    ok = TIFFReadRGBATile(t, x, first_row, raster.data());
    rows = strile_h;  // a full tile, bottom-aligned
  } else {
    ok = TIFFReadRGBAStrip(t, first_row, raster.data());
    rows = std::min(strile_h, layout_.height - first_row);
  }
  if (!ok) {
    Status st = h.take_error("RGBA decoding failed");
    return Status(st.code(), h.path(),
                  "strip/tile " + std::to_string(strile) + ": " + st.message());
  }
  (void)h.take_error();
  d.decoded.assign(static_cast<size_t>(w) * rows * 4, std::byte{0});
  for (uint32_t r = 0; r < rows; ++r) {
    const uint32_t* in = raster.data() + static_cast<size_t>(rows - 1 - r) * w;
    auto* out = reinterpret_cast<uint8_t*>(d.decoded.data()) + static_cast<size_t>(r) * w * 4;
    for (uint32_t x = 0; x < w; ++x) {
      out[4 * x] = static_cast<uint8_t>(TIFFGetR(in[x]));
      out[4 * x + 1] = static_cast<uint8_t>(TIFFGetG(in[x]));
      out[4 * x + 2] = static_cast<uint8_t>(TIFFGetB(in[x]));
      out[4 * x + 3] = static_cast<uint8_t>(TIFFGetA(in[x]));
    }
  }
  d.decoded_rows = rows;
  d.decoded_strile = strile;
  return Status();
}

namespace {

// Values stored in the other byte order, turned around in place.
void swap_bytes(std::byte* data, size_t count, size_t size) {
  switch (size) {
    case 2:
      TIFFSwabArrayOfShort(reinterpret_cast<uint16_t*>(data), static_cast<tmsize_t>(count));
      break;
    case 4:
      TIFFSwabArrayOfLong(reinterpret_cast<uint32_t*>(data), static_cast<tmsize_t>(count));
      break;
    case 8:
      TIFFSwabArrayOfLong8(reinterpret_cast<uint64_t*>(data), static_cast<tmsize_t>(count));
      break;
    default:
      break;
  }
}

}  // namespace

Status GTiffImage::read_row_piece(int sample, const Window& w, std::byte* dst,
                                  std::optional<double> sparse_fill) {
  const ImageLayout& l = layout_;
  const size_t tsize = data_type_size(l.type);
  const size_t component = data_type_size(component_type(l.type));
  const bool plain = l.compression == COMPRESSION_NONE && !l.rgba && !l.ycbcr_as_rgb &&
                     l.bits_per_sample == 8 * component;
  if (!plain) {
    return Status::not_supported("", "a " + std::to_string(l.block_width) + "x" +
                                         std::to_string(l.block_height) +
                                         " strip or tile is larger than the decoding limit and "
                                         "its data is compressed or bit-packed");
  }
  const int samples = l.separate() ? 1 : l.samples_per_pixel;
  const size_t pixel_bytes = tsize * static_cast<size_t>(samples);
  RK_ASSIGN_OR_RETURN(Decoder * d, acquire());
  std::lock_guard<std::mutex> hold(d->mu, std::adopt_lock);
  TIFF* t = d->handle->tiff();
  const int64_t by = w.y / l.block_height, row_in_block = w.y % l.block_height;
  std::vector<std::byte> pixels;
  for (int64_t x = w.x; x < w.x + w.width;) {
    const int64_t bx = x / l.block_width;
    const int64_t x_end = std::min<int64_t>({w.x + w.width, (bx + 1) * l.block_width, l.width});
    const int64_t n = x_end - x;
    std::byte* out = dst + static_cast<size_t>(x - w.x) * tsize;
    const auto strile = static_cast<uint32_t>(l.strile_of(sample, bx, by));
    int err = 0;
    const uint64_t offset = TIFFGetStrileOffsetWithErr(t, strile, &err);
    const uint64_t bytes = err ? 0 : TIFFGetStrileByteCountWithErr(t, strile, &err);
    if (err) return d->handle->take_error("cannot read the strip/tile offsets");
    const uint64_t start = (static_cast<uint64_t>(row_in_block) * l.block_width +
                            static_cast<uint64_t>(x - bx * l.block_width)) *
                           pixel_bytes;
    const uint64_t length = static_cast<uint64_t>(n) * pixel_bytes;
    if (offset == 0 || bytes == 0) {  // sparse: nothing stored
      std::byte v[16] = {};
      if (sparse_fill) store_double(*sparse_fill, v, l.type);
      for (int64_t i = 0; i < n; ++i) std::memcpy(out + i * static_cast<int64_t>(tsize), v, tsize);
    } else {
      if (start + length > bytes) {
        return Status::corrupt(
            "", "strip/tile " + std::to_string(strile) + " holds fewer bytes than its pixels need");
      }
      pixels.resize(static_cast<size_t>(length));
      RK_ASSIGN_OR_RETURN(size_t got, file_->read_at(offset + start, pixels.data(), pixels.size()));
      if (got != pixels.size()) {
        return Status::corrupt("", "strip/tile " + std::to_string(strile) + " is truncated");
      }
      if (TIFFIsByteSwapped(t)) swap_bytes(pixels.data(), pixels.size() / component, component);
      const int s = l.separate() ? 0 : sample;
      convert_values(pixels.data() + static_cast<size_t>(s) * tsize, l.type,
                     static_cast<ptrdiff_t>(pixel_bytes), out, l.type,
                     static_cast<ptrdiff_t>(tsize), static_cast<size_t>(n));
    }
    x = x_end;
  }
  return Status();
}

}  // namespace rk::gtiff
