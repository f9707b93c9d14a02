// GTiff write path: creating a file, writing blocks (through the block
// cache's write-back), and the tags written when the dataset is flushed.
#include <cmath>
#include <cstdio>
#include <cstring>

#include <rasterkit/drivers/gtiff/gtiff_dataset.h>
#include <rasterkit/drivers/gtiff/gtiff_encode.h>
#include <rasterkit/drivers/gtiff/gtiff_georef_write.h>
#include <rasterkit/drivers/gtiff/gtiff_metadata.h>
#include <rasterkit/drivers/gtiff/gtiff_rpc.h>
#include <rasterkit/drivers/gtiff/gtiff_tags.h>
#include <rasterkit/gdalcore/convert.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/gdalcore/worker_pool.h>

namespace rk::gtiff {

namespace {

uint16_t float_to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000;
  const int exp = static_cast<int>((x >> 23) & 0xff) - 127 + 15;
  uint32_t mant = x & 0x7fffff;
  if (((x >> 23) & 0xff) == 0xff) return static_cast<uint16_t>(sign | 0x7c00 | (mant ? 0x200 : 0));
  if (exp >= 31) return static_cast<uint16_t>(sign | 0x7c00);
  if (exp <= 0) {
    if (exp < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000;
    const int shift = 14 - exp;
    uint32_t h = mant >> shift;
    if ((mant >> (shift - 1)) & 1) ++h;  // round half up
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = sign | (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
  if (mant & 0x1000) ++h;  // round half up (may carry into the exponent, as it should)
  return static_cast<uint16_t>(h);
}

std::string format_nodata(const RasterBand& b) {
  if (b.data_type() == DataType::kInt64 && b.nodata_int64())
    return std::to_string(*b.nodata_int64());
  if (b.data_type() == DataType::kUInt64 && b.nodata_uint64()) {
    return std::to_string(*b.nodata_uint64());
  }
  const double v = *b.nodata();
  // A 64-bit integer band's value as the integer it stands for: GDAL reads
  // these tags as integers ("1.8446744073709552e+19" would read as 1).
  if (b.data_type() == DataType::kUInt64 && !std::isnan(v)) {
    if (v >= 18446744073709551615.0) return "18446744073709551615";
    return std::to_string(v <= 0 ? uint64_t{0} : static_cast<uint64_t>(v));
  }
  if (b.data_type() == DataType::kInt64 && !std::isnan(v)) {
    if (v >= 9223372036854775807.0) return "9223372036854775807";
    if (v <= -9223372036854775808.0) return "-9223372036854775808";
    return std::to_string(static_cast<int64_t>(v));
  }
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // The shortest form that reads back exactly, as GDAL writes it.
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[64];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v) return shorter;
  }
  return buf;
}

}  // namespace

Result<std::unique_ptr<Dataset>> GTiffDataset::create(const std::string& path,
                                                      const CreateParams& params,
                                                      const Driver* driver) {
  RK_ASSIGN_OR_RETURN(CreationSettings s, interpret_creation_options(path, params));
  register_tiff_tags();
  OpenInfo info;
  info.path = path;
  info.access = Access::kUpdate;
  info.cache = params.cache;
  std::unique_ptr<GTiffDataset> ds(new GTiffDataset(info, driver));
  RK_ASSIGN_OR_RETURN(std::unique_ptr<File> file, File::create(path));
  ds->file_ = std::move(file);
  RK_ASSIGN_OR_RETURN(std::unique_ptr<TiffHandle> h,
                      TiffHandle::open(ds->file_, s.bigtiff ? "w8" : "w"));
  set_image_tags(h->tiff(), s, ImageShape{params.width, params.height, params.bands, params.type});
  const int bands = params.bands;
  Result<ImageLayout> layout = read_layout(*h);
  if (!layout.ok()) return layout.status();
  ImageLayout l = *layout;
  if (l.split) {  // never for files we write: blocks are the strips
    l.split = false;
    l.block_height = l.strip_rows;
  }
  ds->settings_ = s;
  // Strips and tiles are compressed on a pool when there is work to share
  // (its threads start with the first batch of more than one).
  const int threads = s.threads > 0 ? s.threads : WorkerPool::default_thread_count();
  if (threads > 1 && can_encode_in_parallel(s)) {
    ds->encoder_ = std::make_unique<ParallelEncoder>(
        path, s, ImageShape{params.width, params.height, params.bands, params.type}, threads);
  }
  ds->images_.push_back(std::make_unique<GTiffImage>(ds->file_, 0, l, std::move(h)));
  GTiffImage* main = ds->images_.front().get();
  ds->set_raster_size(params.width, params.height);
  for (int b = 1; b <= bands; ++b) {
    ds->add_band(std::make_unique<GTiffBand>(ds.get(), main, b, b - 1, 0, false));
  }
  ds->read_band_properties(*main->handle().value());
  ds->clear_properties_changed();
  return std::unique_ptr<Dataset>(std::move(ds));
}

Status GTiffBand::write_block_impl(int64_t bx, int64_t by, const void* src) {
  auto* ds = static_cast<GTiffDataset*>(dataset());
  if (!ds->settings_ || is_mask_ || overview_index_ >= 0)
    return RasterBand::write_block_impl(bx, by, src);
  return ds->write_band_block(number(), bx, by, static_cast<const std::byte*>(src));
}

bool GTiffDataset::read_pending(int band, int64_t bx, int64_t by, std::byte* dst) const {
  auto it = pending_.find({bx, by});
  if (it == pending_.end() || it->second.bands[static_cast<size_t>(band - 1)].empty()) return false;
  const auto& data = it->second.bands[static_cast<size_t>(band - 1)];
  std::memcpy(dst, data.data(), data.size());
  return true;
}

Status GTiffDataset::write_band_block(int band, int64_t bx, int64_t by, const std::byte* data) {
  const ImageLayout& l = images_.front()->layout();
  const size_t block_bytes =
      static_cast<size_t>(l.block_width) * l.block_height * data_type_size(l.type);
  if (l.separate() || band_count() == 1) {
    return write_strile(l.strile_of(band - 1, bx, by), by, data, 1);
  }
  PendingTile& p = pending_[{bx, by}];
  if (p.bands.empty()) p.bands.resize(static_cast<size_t>(band_count()));
  auto& slot = p.bands[static_cast<size_t>(band - 1)];
  if (slot.empty()) ++p.present;
  slot.assign(data, data + block_bytes);
  if (p.present < band_count()) return Status();
  // Every band is here: interleave and write the tile.
  const size_t tsize = data_type_size(l.type);
  const size_t n = static_cast<size_t>(l.block_width) * l.block_height;
  std::vector<std::byte> interleaved(n * tsize * static_cast<size_t>(band_count()));
  for (int b = 0; b < band_count(); ++b) {
    convert_values(p.bands[static_cast<size_t>(b)].data(), l.type, static_cast<ptrdiff_t>(tsize),
                   interleaved.data() + static_cast<size_t>(b) * tsize, l.type,
                   static_cast<ptrdiff_t>(tsize * static_cast<size_t>(band_count())), n);
  }
  pending_.erase({bx, by});
  return write_strile(l.strile_of(0, bx, by), by, interleaved.data(), band_count());
}

bool GTiffDataset::block_is_empty(uint64_t strile, int64_t block_row, const std::byte* values,
                                  int samples) const {
  const ImageLayout& l = images_.front()->layout();
  // Only the part inside the image counts (edge tiles are padded).
  const uint32_t rows = std::min<uint32_t>(
      l.block_height, l.height - static_cast<uint32_t>(block_row) * l.block_height);
  const uint64_t column = (strile % l.blocks_per_band()) % l.blocks_per_row();
  const uint64_t valid_width = std::min<uint64_t>(l.block_width, l.width - column * l.block_width);
  const std::optional<double> nodata = band(1)->nodata();
  const double empty = nodata.value_or(0.0);
  const size_t tsize = data_type_size(l.type);
  const size_t row_values = static_cast<size_t>(l.block_width) * static_cast<size_t>(samples);
  const size_t valid_values = static_cast<size_t>(valid_width) * static_cast<size_t>(samples);
  std::vector<double> row(valid_values * (is_complex(l.type) ? 2 : 1));
  const DataType as = is_complex(l.type) ? DataType::kCFloat64 : DataType::kFloat64;
  for (uint32_t r = 0; r < rows; ++r) {
    convert_values(values + r * row_values * tsize, l.type, static_cast<ptrdiff_t>(tsize),
                   row.data(), as, static_cast<ptrdiff_t>(data_type_size(as)), valid_values);
    for (double v : row) {
      if (!(v == empty || (std::isnan(v) && std::isnan(empty)))) return false;
    }
  }
  return true;
}

Status GTiffDataset::write_strile(uint64_t strile, int64_t block_row, const std::byte* values,
                                  int samples) {
  write_tags_before_pixels();
  GTiffImage& img = *images_.front();
  const ImageLayout& l = img.layout();
  RK_ASSIGN_OR_RETURN(TiffHandle * h, img.handle());
  TIFF* t = h->tiff();
  const size_t tsize = data_type_size(l.type);
  // Strips hold only the rows inside the image; tiles are always whole.
  const uint32_t rows =
      l.tiled ? l.block_height
              : std::min<uint32_t>(l.block_height,
                                   l.height - static_cast<uint32_t>(block_row) * l.block_height);
  const size_t values_per_row = static_cast<size_t>(l.block_width) * static_cast<size_t>(samples);
  if (settings_->sparse_ok && block_is_empty(strile, block_row, values, samples)) {
    // SPARSE_OK: as GDAL, a block holding only nodata (or 0) is left out
    // of the file; readers fill it in.
    if (strile >= written_.size()) written_.resize(strile + 1, false);
    written_[strile] = true;
    return Status();
  }
  std::vector<std::byte> packed;
  const std::byte* buffer = values;
  size_t size = values_per_row * rows * tsize;
  if (settings_->nbits != 0) {
    // Pack each row as a bit stream, most significant bit first.
    const int bits = settings_->nbits;
    const size_t row_bytes = (values_per_row * static_cast<size_t>(bits) + 7) / 8;
    packed.assign(row_bytes * rows, std::byte{0});
    auto* out = reinterpret_cast<uint8_t*>(packed.data());
    for (uint32_t r = 0; r < rows; ++r) {
      uint64_t bitpos = 0;
      for (size_t i = 0; i < values_per_row; ++i) {
        const std::byte* v = values + (r * values_per_row + i) * tsize;
        uint64_t word = 0;
        if (l.type == DataType::kFloat32) {
          float f;
          std::memcpy(&f, v, 4);
          word = float_to_half(f);
        } else {
          uint32_t u = 0;
          std::memcpy(&u, v, tsize);
          word = u & ((uint64_t{1} << bits) - 1);
        }
        if (bits == 16) {
          // Whole 16-bit words go to libtiff in the host's order (it swaps
          // them for a big-endian file), as readers expect.
          const auto w16 = static_cast<uint16_t>(word);
          std::memcpy(out + r * row_bytes + bitpos / 8, &w16, 2);
          bitpos += 16;
          continue;
        }
        for (int k = bits - 1; k >= 0; --k, ++bitpos) {
          if ((word >> k) & 1)
            out[r * row_bytes + bitpos / 8] |= static_cast<uint8_t>(0x80 >> (bitpos % 8));
        }
      }
    }
    buffer = packed.data();
    size = packed.size();
  }
  if (strile >= written_.size()) written_.resize(strile + 1, false);
  if (encoder_) {
    // Queued, and compressed with others on the encoder's pool.
    EncodeJob job;
    job.strile = strile;
    job.raw.assign(buffer, buffer + size);
    queued_bytes_ += size;
    encode_queue_.push_back(std::move(job));
    written_[strile] = true;
    if (queued_bytes_ >= kMaxQueuedBytes) return drain_encode_queue();
    return Status();
  }
  const tmsize_t written =
      l.tiled ? TIFFWriteEncodedTile(t, static_cast<uint32_t>(strile),
                                     const_cast<std::byte*>(buffer), static_cast<tmsize_t>(size))
              : TIFFWriteEncodedStrip(t, static_cast<uint32_t>(strile),
                                      const_cast<std::byte*>(buffer), static_cast<tmsize_t>(size));
  if (written < 0) return h->take_error("cannot write strip/tile " + std::to_string(strile));
  written_[strile] = true;
  return h->take_error();
}

void GTiffDataset::write_tags_before_pixels() {
  if (wrote_tags_before_pixels_) return;
  wrote_tags_before_pixels_ = true;
  Result<TiffHandle*> h = images_.front()->handle();
  if (!h.ok()) return;
  if (std::optional<std::string> xmp = metadata().xml_document("xml:XMP"); xmp && !xmp->empty()) {
    TIFFSetField((*h)->tiff(), TIFFTAG_XMLPACKET, static_cast<uint32_t>(xmp->size()), xmp->data());
  }
}

Status GTiffDataset::drain_encode_queue() {
  if (encode_queue_.empty()) return Status();
  write_tags_before_pixels();
  std::vector<EncodeJob> jobs;
  jobs.swap(encode_queue_);
  queued_bytes_ = 0;
  RK_RETURN_IF_ERROR(encoder_->encode(jobs));
  RK_ASSIGN_OR_RETURN(TiffHandle * h, images_.front()->handle());
  TIFF* t = h->tiff();
  const bool tiled = images_.front()->layout().tiled;
  // In the order the blocks came, as a single thread would have written them.
  for (EncodeJob& job : jobs) {
    const auto index = static_cast<uint32_t>(job.strile);
    const auto size = static_cast<tmsize_t>(job.encoded.size());
    const tmsize_t n = tiled ? TIFFWriteRawTile(t, index, job.encoded.data(), size)
                             : TIFFWriteRawStrip(t, index, job.encoded.data(), size);
    if (n < 0) return h->take_error("cannot write strip/tile " + std::to_string(job.strile));
  }
  return h->take_error();
}

Status GTiffDataset::complete_pending() {
  // Tiles where some bands were never written back: the missing bands come
  // from their current contents (cache, or what the file holds).
  while (!pending_.empty()) {
    const auto [bx, by] = pending_.begin()->first;
    // The missing bands, listed first: writing the last one completes the
    // tile, which erases its entry (so no reference into pending_ is kept).
    std::vector<int> missing;
    const auto& present = pending_.begin()->second.bands;
    for (int b = 1; b <= band_count(); ++b) {
      if (present[static_cast<size_t>(b - 1)].empty()) missing.push_back(b);
    }
    const ImageLayout& l = images_.front()->layout();
    std::vector<std::byte> block(static_cast<size_t>(l.block_width) * l.block_height *
                                 data_type_size(l.type));
    for (int b : missing) {
      RK_RETURN_IF_ERROR(band(b)->read_block(bx, by, block.data()));
      RK_RETURN_IF_ERROR(write_band_block(b, bx, by, block.data()));
    }
  }
  return Status();
}

Status GTiffDataset::fill_empty_blocks() {
  // Blocks never written are written as nodata (or 0), unless SPARSE_OK
  // asks to leave them out, as GDAL does.
  GTiffImage& img = *images_.front();
  const ImageLayout& l = img.layout();
  const int samples = l.separate() ? 1 : band_count();
  const uint64_t planes = l.separate() ? static_cast<uint64_t>(band_count()) : 1;
  const size_t tsize = data_type_size(l.type);
  const size_t n =
      static_cast<size_t>(l.block_width) * l.block_height * static_cast<size_t>(samples);
  std::vector<std::byte> fill;
  for (uint64_t plane = 0; plane < planes; ++plane) {
    for (uint64_t i = 0; i < l.blocks_per_band(); ++i) {
      const uint64_t strile = plane * l.blocks_per_band() + i;
      if (is_written(strile)) continue;
      if (fill.empty()) {
        fill.assign(n * tsize, std::byte{0});
        if (std::optional<double> nd = band(1)->nodata()) {
          std::byte v[16];
          store_double(*nd, v, l.type);
          for (size_t k = 0; k < n; ++k) std::memcpy(fill.data() + k * tsize, v, tsize);
        }
      }
      RK_RETURN_IF_ERROR(
          write_strile(strile, static_cast<int64_t>(i / l.blocks_per_row()), fill.data(), samples));
    }
  }
  return Status();
}

Status GTiffDataset::write_tags() {
  GTiffImage& img = *images_.front();
  RK_ASSIGN_OR_RETURN(TiffHandle * h, img.handle());
  TIFF* t = h->tiff();
  const ImageLayout& l = img.layout();

  // Nodata: GeoTIFF holds one value per file (GDAL's tag): the first band's
  // that has one. Bands asking for another value are warned about.
  const RasterBand* with_nodata = nullptr;
  for (int b = 1; b <= band_count() && !with_nodata; ++b) {
    if (band(b)->nodata()) with_nodata = band(b);
  }
  if (with_nodata) {
    const std::string text = format_nodata(*with_nodata);
    TIFFSetField(t, kTagGdalNodata, text.c_str());
    for (int b = 1; b <= band_count(); ++b) {
      if (band(b)->nodata() && format_nodata(*band(b)) != text) {
        emit_warning(description(), "band " + std::to_string(b) + "'s nodata value differs from " +
                                        text + "; GeoTIFF stores one value for all bands");
      }
    }
  }

  // Palette.
  const auto& ct = band(1)->color_table();
  if (ct && l.photometric != PHOTOMETRIC_PALETTE) {
    emit_warning(description(),
                 "the color table is not written: create the file with "
                 "PHOTOMETRIC=PALETTE to store one");
  } else if (ct && band_count() <= 2 && l.bits_per_sample <= 16) {
    const size_t n = size_t{1} << l.bits_per_sample;
    std::vector<uint16_t> r(n, 0), g(n, 0), b(n, 0);
    for (size_t i = 0; i < n && i < ct->entries.size(); ++i) {
      r[i] = static_cast<uint16_t>(ct->entries[i].c1 * 257);
      g[i] = static_cast<uint16_t>(ct->entries[i].c2 * 257);
      b[i] = static_cast<uint16_t>(ct->entries[i].c3 * 257);
    }
    TIFFSetField(t, TIFFTAG_COLORMAP, r.data(), g.data(), b.data());
  }

  // GDAL_METADATA: dataset and band metadata, band properties by role.
  std::vector<MetadataItem> items;
  for (const std::string& domain : metadata().domains()) {
    // RPCs and XMP have tags of their own (below).
    if (domain == "IMAGE_STRUCTURE" || domain == "RPC" || domain == "xml:XMP") continue;
    for (const auto& [k, v] : metadata().items(domain)) {
      if (domain.empty() && (k == "AREA_OR_POINT" || k.rfind("TIFFTAG_", 0) == 0)) continue;
      items.push_back(MetadataItem{k, domain, "", -1, v});
    }
  }
  for (int b = 1; b <= band_count(); ++b) {
    RasterBand* band_b = band(b);
    const int sample = b - 1;
    for (const std::string& domain : band_b->metadata().domains()) {
      if (domain == "IMAGE_STRUCTURE") continue;
      for (const auto& [k, v] : band_b->metadata().items(domain)) {
        items.push_back(MetadataItem{k, domain, "", sample, v});
      }
    }
    char buf[64];
    // As GDAL: both, and only when they change the values (1 and 0 are
    // what a reader assumes anyway).
    const double scale = band_b->scale().value_or(1.0), offset = band_b->offset().value_or(0.0);
    if (scale != 1.0 || offset != 0.0) {
      std::snprintf(buf, sizeof buf, "%.17g", offset);
      items.push_back(MetadataItem{"OFFSET", "", "offset", sample, buf});
      std::snprintf(buf, sizeof buf, "%.17g", scale);
      items.push_back(MetadataItem{"SCALE", "", "scale", sample, buf});
    }
    if (!band_b->unit().empty())
      items.push_back(MetadataItem{"", "", "unittype", sample, band_b->unit()});
    if (!band_b->description().empty()) {
      items.push_back(MetadataItem{"", "", "description", sample, band_b->description()});
    }
  }
  // Color interpretations the TIFF tags would not give back. As GDAL 3.6,
  // when any band differs from what the tags imply, every band's is written
  // (role "colorinterp", which GDAL 3.6 reads). GDAL itself puts a gray or
  // undefined band the tags cannot express in a .aux.xml side-car instead;
  // kept in the file, it survives without one (doc/cli.md).
  const auto implied = [&](int b) {
    if (l.photometric == PHOTOMETRIC_RGB && b <= 3) {
      return b == 1 ? ColorInterp::kRed : b == 2 ? ColorInterp::kGreen : ColorInterp::kBlue;
    }
    if (b == 1 && l.photometric != PHOTOMETRIC_RGB) {
      return ct ? ColorInterp::kPalette : ColorInterp::kGray;
    }
    if (b == band_count() && settings_->alpha) return ColorInterp::kAlpha;
    return ColorInterp::kUndefined;
  };
  // An undefined first band of a min-is-black file is gray to GDAL, which
  // keeps nothing for it.
  bool all_implied = true;
  for (int b = 1; b <= band_count(); ++b) {
    const ColorInterp have = band(b)->color_interp(), want = implied(b);
    const bool gray_first = b == 1 && want == ColorInterp::kGray && have == ColorInterp::kUndefined;
    all_implied &= have == want || gray_first;
  }
  for (int b = 1; b <= band_count() && !all_implied; ++b) {
    items.push_back(MetadataItem{"COLORINTERP", "", "colorinterp", b - 1,
                                 std::string(color_interp_name(band(b)->color_interp()))});
  }
  if (!items.empty()) TIFFSetField(t, kTagGdalMetadata, format_gdal_metadata(items).c_str());
  if (!metadata().items("RPC").empty()) write_rpc_tag(t, metadata().items("RPC"));

  // Baseline text tags from TIFFTAG_* metadata.
  const std::pair<const char*, ttag_t> text_tags[] = {
      {"TIFFTAG_DOCUMENTNAME", TIFFTAG_DOCUMENTNAME},
      {"TIFFTAG_IMAGEDESCRIPTION", TIFFTAG_IMAGEDESCRIPTION},
      {"TIFFTAG_SOFTWARE", TIFFTAG_SOFTWARE},
      {"TIFFTAG_DATETIME", TIFFTAG_DATETIME},
      {"TIFFTAG_ARTIST", TIFFTAG_ARTIST},
      {"TIFFTAG_HOSTCOMPUTER", TIFFTAG_HOSTCOMPUTER},
      {"TIFFTAG_COPYRIGHT", TIFFTAG_COPYRIGHT}};
  for (const auto& [name, tag] : text_tags) {
    if (std::optional<std::string> v = metadata().get(name)) TIFFSetField(t, tag, v->c_str());
  }

  const bool point = metadata().get("AREA_OR_POINT").value_or("Area") == "Point";
  return write_georeferencing(*h, geo_transform(), gcps(),
                              geo_transform() || gcps().empty() ? spatial_ref() : gcp_spatial_ref(),
                              point);
}

// For a file being created, the TIFF directory is written once, when it is
// closed (libtiff starts a new directory after writing one); flushing writes
// the pixel data.
Status GTiffDataset::flush_impl() {
  if (!settings_) return Status();
  RK_RETURN_IF_ERROR(complete_pending());
  RK_RETURN_IF_ERROR(drain_encode_queue());
  RK_ASSIGN_OR_RETURN(TiffHandle * h, images_.front()->handle());
  if (!TIFFFlushData(h->tiff())) return h->take_error("cannot write pixel data");
  return h->take_error();
}

Status GTiffDataset::close_impl() {
  if (!settings_) {
    images_.clear();
    return Status();
  }
  Status st;
  if (!settings_->sparse_ok) st = fill_empty_blocks();
  if (st.ok()) st = drain_encode_queue();
  encode_queue_.clear();
  encoder_.reset();
  write_tags_before_pixels();
  if (st.ok()) st = write_tags();
  Result<TiffHandle*> h = images_.front()->handle();
  if (h.ok() && settings_->sparse_ok) {
    // A sparse file may have had no block written at all: libtiff then has
    // no offset arrays yet, and a directory without them is invalid. This
    // sets them up (all 0: every block absent).
    TIFF* t = (*h)->tiff();
    TIFFWriteCheck(t, TIFFIsTiled(t), "sparse file");
  }
  if (h.ok()) {
    Status closed = (*h)->close();  // writes the directory
    if (st.ok()) st = closed;
  }
  images_.clear();
  if (st.ok() && file_) st = file_->sync();
  file_.reset();
  return st;
}

}  // namespace rk::gtiff
