#include <rasterkit/drivers/gtiff/gtiff_options.h>

#include <rasterkit/gdalcore/worker_pool.h>

#include <tiffio.h>

#include <cstdlib>

namespace rk::gtiff {

const std::vector<OptionSpec>& creation_option_specs() {
  static const std::vector<OptionSpec> specs = {
      {"COMPRESS",
       OptionType::kChoice,
       "Compression",
       {"NONE", "LZW", "PACKBITS", "DEFLATE", "ZSTD", "LZMA", "JPEG", "WEBP", "LERC", "CCITTRLE",
        "CCITTFAX3", "CCITTFAX4"},
       {},
       {},
       "NONE"},
      {"PREDICTOR",
       OptionType::kChoice,
       "1: none, 2: horizontal differencing, 3: floating point",
       {"1", "2", "3"},
       {},
       {},
       "1"},
      {"ZLEVEL", OptionType::kInteger, "DEFLATE level", {}, 1, 12, "6"},
      {"ZSTD_LEVEL", OptionType::kInteger, "ZSTD level", {}, 1, 22, "9"},
      {"JPEG_QUALITY", OptionType::kInteger, "JPEG quality", {}, 1, 100, "75"},
      {"WEBP_LEVEL", OptionType::kInteger, "WEBP quality", {}, 1, 100, "75"},
      {"WEBP_LOSSLESS", OptionType::kBoolean, "Lossless WEBP", {}, {}, {}, "NO"},
      {"MAX_Z_ERROR", OptionType::kFloat, "LERC maximum error", {}, 0, {}, "0"},
      {"TILED", OptionType::kBoolean, "Tiles instead of strips", {}, {}, {}, "NO"},
      {"BLOCKXSIZE", OptionType::kInteger, "Tile width", {}, 1, 1 << 30, "256"},
      {"BLOCKYSIZE",
       OptionType::kInteger,
       "Tile height, or rows per strip",
       {},
       1,
       1 << 30,
       "256 for tiles, about 8 KiB per strip"},
      {"INTERLEAVE",
       OptionType::kChoice,
       "Pixel or band interleaving",
       {"PIXEL", "BAND"},
       {},
       {},
       "PIXEL"},
      {"BIGTIFF",
       OptionType::kChoice,
       "BigTIFF format",
       {"YES", "NO", "IF_NEEDED", "IF_SAFER"},
       {},
       {},
       "IF_NEEDED"},
      {"PHOTOMETRIC",
       OptionType::kChoice,
       "Photometric interpretation",
       {"MINISBLACK", "MINISWHITE", "RGB", "CMYK", "YCBCR", "CIELAB", "ICCLAB", "ITULAB",
        "PALETTE"},
       {},
       {},
       "MINISBLACK (RGB for 3 or 4 Byte bands)"},
      {"ALPHA",
       OptionType::kChoice,
       "The last band is alpha",
       {"YES", "NO", "NON-PREMULTIPLIED", "PREMULTIPLIED", "UNSPECIFIED"},
       {},
       {},
       "NO"},
      {"NBITS", OptionType::kInteger, "Bits per sample for sub-byte or odd widths", {}, 1, 32, ""},
      {"SPARSE_OK",
       OptionType::kBoolean,
       "Leave unwritten blocks out of the file",
       {},
       {},
       {},
       "NO"},
      {"NUM_THREADS",
       OptionType::kString,
       "Compression threads (default: RK_NUM_THREADS, else every core)",
       {},
       {},
       {},
       "1"},
      {"PROFILE",
       OptionType::kChoice,
       "Which tags to write",
       {"GDALGeoTIFF", "GeoTIFF", "BASELINE"},
       {},
       {},
       "GDALGeoTIFF"},
  };
  return specs;
}

namespace {

uint16_t compression_code(const std::string& name) {
  const std::pair<const char*, uint16_t> codes[] = {
      {"NONE", COMPRESSION_NONE},           {"LZW", COMPRESSION_LZW},
      {"PACKBITS", COMPRESSION_PACKBITS},   {"DEFLATE", COMPRESSION_ADOBE_DEFLATE},
      {"ZSTD", COMPRESSION_ZSTD},           {"LZMA", COMPRESSION_LZMA},
      {"JPEG", COMPRESSION_JPEG},           {"WEBP", COMPRESSION_WEBP},
      {"LERC", COMPRESSION_LERC},           {"CCITTRLE", COMPRESSION_CCITTRLE},
      {"CCITTFAX3", COMPRESSION_CCITTFAX3}, {"CCITTFAX4", COMPRESSION_CCITTFAX4},
  };
  for (const auto& [n, c] : codes) {
    if (iequals(n, name)) return c;
  }
  return COMPRESSION_NONE;
}

int to_int(const Options& o, const char* key, int fallback) {
  const std::optional<std::string> v = o.get(key);
  return v ? std::atoi(v->c_str()) : fallback;
}

}  // namespace

Result<CreationSettings> interpret_creation_options(const std::string& path,
                                                    const CreateParams& p) {
  const Options& o = p.options;
  CreationSettings s;
  auto bad = [&](const std::string& option, const std::string& why) {
    return Status::invalid_argument(path, "creation option " + option + ": " + why);
  };
  const std::string compress = o.get_or("COMPRESS", "NONE");
  s.compression = compression_code(compress);
  if (!TIFFIsCODECConfigured(s.compression)) {
    return bad("COMPRESS", compress + " is not available in this build of libtiff");
  }
  const bool is_float = is_floating(p.type) && !is_complex(p.type);
  s.predictor = to_int(o, "PREDICTOR", 1);
  if (s.predictor != 1) {
    if (s.compression != COMPRESSION_LZW && s.compression != COMPRESSION_ADOBE_DEFLATE &&
        s.compression != COMPRESSION_ZSTD && s.compression != COMPRESSION_LZMA) {
      return bad("PREDICTOR", "only applies with LZW, DEFLATE, ZSTD or LZMA compression");
    }
    if (s.predictor == 3 && !is_float) return bad("PREDICTOR", "3 is for floating-point data");
    if (is_complex(p.type)) return bad("PREDICTOR", "not supported for complex data");
  }
  s.zlevel = to_int(o, "ZLEVEL", 6);
  s.zstd_level = to_int(o, "ZSTD_LEVEL", 9);
  s.jpeg_quality = to_int(o, "JPEG_QUALITY", 75);
  s.webp_level = to_int(o, "WEBP_LEVEL", 75);
  s.webp_lossless = parse_bool(o.get_or("WEBP_LOSSLESS", "NO")).value_or(false);
  s.max_z_error = std::atof(o.get_or("MAX_Z_ERROR", "0").c_str());
  if ((s.compression == COMPRESSION_JPEG || s.compression == COMPRESSION_WEBP) &&
      p.type != DataType::kByte) {
    return bad("COMPRESS",
               compress + " needs Byte data, not " + std::string(data_type_name(p.type)));
  }
  if (s.compression == COMPRESSION_LERC &&
      (is_complex(p.type) || p.type == DataType::kInt64 || p.type == DataType::kUInt64)) {
    return bad("COMPRESS",
               "LERC does not support " + std::string(data_type_name(p.type)) + " data");
  }
  if (s.compression == COMPRESSION_WEBP && p.bands != 3 && p.bands != 4) {
    return bad("COMPRESS", "WEBP needs 3 (RGB) or 4 (RGBA) bands");
  }
  const bool ccitt = s.compression == COMPRESSION_CCITTRLE ||
                     s.compression == COMPRESSION_CCITTFAX3 ||
                     s.compression == COMPRESSION_CCITTFAX4;
  s.tiled = parse_bool(o.get_or("TILED", "NO")).value_or(false);
  if (s.tiled) {
    s.block_x = static_cast<uint32_t>(to_int(o, "BLOCKXSIZE", 256));
    s.block_y = static_cast<uint32_t>(to_int(o, "BLOCKYSIZE", 256));
    if (s.block_x % 16 != 0) return bad("BLOCKXSIZE", "tile width must be a multiple of 16");
    if (s.block_y % 16 != 0) return bad("BLOCKYSIZE", "tile height must be a multiple of 16");
  } else {
    s.block_y = static_cast<uint32_t>(to_int(o, "BLOCKYSIZE", 0));
  }
  s.pixel_interleaved = iequals(o.get_or("INTERLEAVE", "PIXEL"), "PIXEL");
  if (s.compression == COMPRESSION_JPEG || s.compression == COMPRESSION_WEBP) {
    s.pixel_interleaved = s.pixel_interleaved || s.compression == COMPRESSION_WEBP;
  }
  // NBITS: sub-byte and odd widths for unsigned integers; 16 for Float32.
  const int full_bits = static_cast<int>(8 * data_type_size(component_type(p.type)));
  s.nbits = to_int(o, "NBITS", 0);
  if (ccitt) s.nbits = s.nbits == 0 ? 1 : s.nbits;
  if (s.nbits != 0) {
    const bool ok = (p.type == DataType::kByte && s.nbits >= 1 && s.nbits <= 8) ||
                    (p.type == DataType::kUInt16 && s.nbits >= 9 && s.nbits <= 16) ||
                    (p.type == DataType::kUInt32 && s.nbits >= 17 && s.nbits <= 32) ||
                    (p.type == DataType::kFloat32 && (s.nbits == 16 || s.nbits == 32));
    if (!ok) {
      return bad("NBITS", std::to_string(s.nbits) + " does not fit " +
                              std::string(data_type_name(p.type)) + " data");
    }
    if (s.nbits == full_bits) s.nbits = 0;
  }
  if (ccitt && (p.bands != 1 || s.nbits != 1)) {
    return bad("COMPRESS", "CCITT compression needs one 1-bit band (NBITS=1)");
  }
  // Photometric: RGB(A) for 3 or 4 Byte bands unless told otherwise.
  const std::string photo = o.get_or("PHOTOMETRIC", "");
  s.photometric_explicit = !photo.empty();
  const std::pair<const char*, uint16_t> photometrics[] = {{"MINISBLACK", PHOTOMETRIC_MINISBLACK},
                                                           {"MINISWHITE", PHOTOMETRIC_MINISWHITE},
                                                           {"RGB", PHOTOMETRIC_RGB},
                                                           {"CMYK", PHOTOMETRIC_SEPARATED},
                                                           {"YCBCR", PHOTOMETRIC_YCBCR},
                                                           {"CIELAB", PHOTOMETRIC_CIELAB},
                                                           {"ICCLAB", PHOTOMETRIC_ICCLAB},
                                                           {"ITULAB", PHOTOMETRIC_ITULAB},
                                                           {"PALETTE", PHOTOMETRIC_PALETTE}};
  if (s.photometric_explicit) {
    for (const auto& [n, c] : photometrics) {
      if (iequals(n, photo)) s.photometric = c;
    }
  } else if (p.type == DataType::kByte && (p.bands == 3 || p.bands == 4)) {
    s.photometric = PHOTOMETRIC_RGB;
  }
  if (s.photometric == PHOTOMETRIC_RGB && p.bands < 3)
    return bad("PHOTOMETRIC", "RGB needs 3 bands");
  if (s.photometric == PHOTOMETRIC_YCBCR) {
    if (s.compression != COMPRESSION_JPEG || p.bands != 3) {
      return bad("PHOTOMETRIC", "YCBCR needs JPEG compression and 3 bands");
    }
    s.pixel_interleaved = true;
  }
  const std::string alpha = o.get_or("ALPHA", "");
  if (!alpha.empty() && !iequals(alpha, "NO")) {
    s.alpha = true;
  } else if (alpha.empty() && !s.photometric_explicit && p.type == DataType::kByte &&
             p.bands == 4) {
    s.alpha = true;  // RGBA, as GDAL
  }
  s.sparse_ok = parse_bool(o.get_or("SPARSE_OK", "NO")).value_or(false);
  if (std::optional<std::string> n = o.get("NUM_THREADS")) {
    s.threads = WorkerPool::parse_thread_count(*n);
    if (s.threads == 0) return bad("NUM_THREADS", "'" + *n + "' is not a count or ALL_CPUS");
  }

  // BigTIFF: classic TIFF offsets stop at 4 GiB.
  const double raw = static_cast<double>(p.width) * static_cast<double>(p.height) *
                     static_cast<double>(p.bands) * static_cast<double>(data_type_size(p.type));
  const std::string big = o.get_or("BIGTIFF", "IF_NEEDED");
  const double limit = 4294967295.0 - 65536.0 * 16;  // room for the directory and offsets
  if (iequals(big, "YES")) {
    s.bigtiff = true;
  } else if (iequals(big, "IF_NEEDED")) {
    s.bigtiff = s.compression == COMPRESSION_NONE && raw > limit;
  } else if (iequals(big, "IF_SAFER")) {
    s.bigtiff = raw > limit / 2;  // compression may not shrink the data enough
  }
  return s;
}

}  // namespace rk::gtiff
