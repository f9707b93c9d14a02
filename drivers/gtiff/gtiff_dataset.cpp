// GTiff datasets: opening a file, its overviews and masks, and the
// properties GDAL reads from it.
#include <rasterkit/drivers/gtiff/gtiff_dataset.h>

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <rasterkit/drivers/gtiff/gtiff_georef.h>
#include <rasterkit/drivers/gtiff/gtiff_metadata.h>
#include <rasterkit/drivers/gtiff/gtiff_rpc.h>
#include <rasterkit/drivers/gtiff/gtiff_tags.h>
#include <rasterkit/gdalcore/convert.h>
#include <rasterkit/gdalcore/pam.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk::gtiff {

namespace {

// More directories than this is not a raster anyone wrote on purpose.
constexpr int kMaxDirectories = 4096;

const char* compression_name(uint16_t c) {
  switch (c) {
    case COMPRESSION_LZW:
      return "LZW";
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE:
      return "DEFLATE";
    case COMPRESSION_PACKBITS:
      return "PACKBITS";
    case COMPRESSION_JPEG:
      return "JPEG";
    case COMPRESSION_OJPEG:
      return "OJPEG";
    case COMPRESSION_ZSTD:
      return "ZSTD";
    case COMPRESSION_LZMA:
      return "LZMA";
    case COMPRESSION_WEBP:
      return "WEBP";
    case COMPRESSION_LERC:
      return "LERC";
    case COMPRESSION_CCITTRLE:
      return "CCITTRLE";
    case COMPRESSION_CCITTFAX3:
      return "CCITTFAX3";
    case COMPRESSION_CCITTFAX4:
      return "CCITTFAX4";
    case COMPRESSION_CCITTRLEW:
      return "CCITTRLEW";
    case COMPRESSION_NEXT:
      return "NEXT";
    case COMPRESSION_SGILOG:
      return "SGILOG";
    case COMPRESSION_SGILOG24:
      return "SGILOG24";
    case COMPRESSION_THUNDERSCAN:
      return "THUNDER";
    case COMPRESSION_PIXARLOG:
      return "PIXARLOG";
    case COMPRESSION_JBIG:
      return "JBIG";
    default:
      return nullptr;
  }
}

// GDAL_NODATA holds one value for every band, as text, read as GDAL reads
// it: MSVC's spellings of infinity and NaN ("1.#INF", "-1.#IND", ...) as
// prefixes, a comma accepted as the decimal mark, and text that is not a
// number read as 0 (GDAL sets nodata 0 then). Only an empty tag means none.
std::optional<double> parse_nodata(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t i = text.find_first_not_of(' ');
  const std::string s = i == std::string::npos ? std::string() : text.substr(i);
  auto starts = [&s](const char* p) { return s.compare(0, std::strlen(p), p) == 0; };
  auto starts_nocase = [&s](const char* p) {
    const size_t n = std::strlen(p);
    if (s.size() < n) return false;
    for (size_t k = 0; k < n; ++k) {
      if (std::toupper(static_cast<unsigned char>(s[k])) != p[k]) return false;
    }
    return true;
  };
  if (starts("-1.#QNAN") || starts("-1.#IND") || starts("1.#QNAN") || starts("1.#SNAN")) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (starts_nocase("1.#INF")) return std::numeric_limits<double>::infinity();
  if (starts_nocase("-1.#INF")) return -std::numeric_limits<double>::infinity();
  std::string number = s;
  const size_t comma = number.find(',');
  if (comma != std::string::npos && number.find('.') == std::string::npos) number[comma] = '.';
  char* end = nullptr;
  const double v = std::strtod(number.c_str(), &end);
  return end == number.c_str() ? 0.0 : v;
}

// What the RGB(A) view was converted from (GDAL's SOURCE_COLOR_SPACE).
const char* source_color_space(const ImageLayout& l) {
  if (!l.rgba || l.compression == COMPRESSION_OJPEG) return nullptr;
  switch (l.photometric) {
    case PHOTOMETRIC_SEPARATED:
      return "CMYK";
    case PHOTOMETRIC_YCBCR:
      return "YCbCr";
    case PHOTOMETRIC_CIELAB:
      return "CIELAB";
    case PHOTOMETRIC_LOGL:
      return "LOGL";
    case PHOTOMETRIC_LOGLUV:
      return "LOGLUV";
    default:
      return nullptr;
  }
}

}  // namespace

// ---- Bands ------------------------------------------------------------------

GTiffBand::GTiffBand(GTiffDataset* ds, GTiffImage* image, int number, int sample,
                     int32_t cache_level, bool is_mask)
    : RasterBand(ds, number, image->layout().width, image->layout().height,
                 is_mask ? DataType::kByte : image->layout().type, image->layout().block_width,
                 image->layout().block_height),
      image_(image),
      sample_(sample),
      is_mask_(is_mask) {
  set_cache_level(cache_level);
}

RasterBand* GTiffBand::overview(int index) {
  if (index < 0 || index >= overview_count()) return nullptr;
  return overviews_[static_cast<size_t>(index)].get();
}

bool GTiffBand::can_decode_concurrently() const {
  return !static_cast<const GTiffDataset*>(dataset())->settings_;
}

int GTiffBand::mask_flags() const {
  if (is_mask_) return kMaskAllValid;
  if (per_dataset_mask_) return kMaskPerDataset;
  if (base_) return base_->mask_flags();
  return RasterBand::mask_flags();
}

RasterBand* GTiffBand::mask_band() {
  if (is_mask_) return RasterBand::mask_band();
  if (per_dataset_mask_) return per_dataset_mask_;
  if (base_ && !nodata() && (base_->mask_flags() & kMaskAlpha)) {
    // The alpha band's overview at the same level masks this overview.
    if (RasterBand* alpha = base_->mask_band()) {
      if (RasterBand* ov = alpha->overview(overview_index_)) return ov;
    }
  }
  return RasterBand::mask_band();
}

bool GTiffBand::wants_prefetch() const {
  return !static_cast<const GTiffDataset*>(dataset())->settings_ && image_->file().is_remote();
}

Status GTiffBand::prefetch_blocks(const std::vector<std::pair<int64_t, int64_t>>& blocks) {
  std::vector<ByteRange> ranges;
  RK_RETURN_IF_ERROR(image_->block_ranges(sample_, blocks, &ranges));
  const GTiffBand* mask = per_dataset_mask_;
  if (static_cast<GTiffDataset*>(dataset())->cog_.mask_interleaved && !is_mask_ && mask &&
      mask->block_x_size() == block_x_size() && mask->block_y_size() == block_y_size()) {
    RK_RETURN_IF_ERROR(mask->image_->block_ranges(mask->sample_, blocks, &ranges));
  }
  return image_->file().prefetch(ranges);
}

Status GTiffBand::read_block_impl(int64_t bx, int64_t by, void* dst) {
  auto* out = static_cast<std::byte*>(dst);
  // A block written back into a tile still being assembled is newer than
  // what the file holds.
  auto* ds = static_cast<GTiffDataset*>(dataset());
  if (!is_mask_ && overview_index_ < 0 && ds->read_pending(number(), bx, by, out)) return Status();
  if (ds->settings_) {
    // Blocks still queued for compression reach the file first.
    RK_RETURN_IF_ERROR(ds->drain_encode_queue());
    // A file being created: a block never written holds nodata (or 0).
    const ImageLayout& l = image_->layout();
    if (!ds->is_written(l.strile_of(sample_, bx, by))) {
      const size_t tsize = data_type_size(data_type());
      const size_t n = static_cast<size_t>(block_x_size() * block_y_size());
      std::memset(out, 0, n * tsize);
      if (nodata()) {
        std::byte v[16];
        store_double(*nodata(), v, data_type());
        for (size_t i = 0; i < n; ++i) std::memcpy(out + i * tsize, v, tsize);
      }
      return Status();
    }
  }
  RK_RETURN_IF_ERROR(image_->read_block(sample_, bx, by, out, is_mask_ ? std::nullopt : nodata()));
  if (is_mask_ && image_->layout().bits_per_sample == 1) {
    // 1-bit internal masks are exposed as 0/255, as GDAL does.
    const size_t n = static_cast<size_t>(block_x_size() * block_y_size());
    auto* p = reinterpret_cast<uint8_t*>(out);
    for (size_t i = 0; i < n; ++i) p[i] = p[i] ? 255 : 0;
  }
  return Status();
}

Status GTiffBand::read_window_impl(const Window& window, void* dst) {
  auto* ds = static_cast<GTiffDataset*>(dataset());
  if (ds->settings_ || (is_mask_ && image_->layout().bits_per_sample == 1)) {
    return Status::not_supported(ds->description(), "no direct window reads");
  }
  auto* out = static_cast<std::byte*>(dst);
  const size_t row_bytes = static_cast<size_t>(window.width) * data_type_size(data_type());
  for (int64_t r = 0; r < window.height; ++r) {
    RK_RETURN_IF_ERROR(image_->read_row_piece(
        sample_, Window{window.x, window.y + r, window.width, 1},
        out + static_cast<size_t>(r) * row_bytes, is_mask_ ? std::nullopt : nodata()));
  }
  return Status();
}

void GTiffBand::block_loaded(int64_t bx, int64_t by) {
  const ImageLayout& l = image_->layout();
  const auto* ds = static_cast<const GTiffDataset*>(dataset());
  if (is_mask_ || ds->settings_ || l.separate() || l.samples_per_pixel < 2) return;
  for (int k = 1; k <= ds->band_count(); ++k) {
    if (k == number()) continue;
    auto* sibling = static_cast<GTiffBand*>(ds->band(k));
    if (overview_index_ >= 0) sibling = static_cast<GTiffBand*>(sibling->overview(overview_index_));
    if (!sibling || sibling->image_ != image_) continue;
    offer_block(*sibling, bx, by, [&](void* dst) {
      // The strip/tile is the one just decoded: this only copies.
      return image_->read_block(sibling->sample_, bx, by, static_cast<std::byte*>(dst),
                                sibling->nodata());
    });
  }
}

// ---- Dataset ----------------------------------------------------------------

GTiffDataset::GTiffDataset(const OpenInfo& info, const Driver* driver)
    : Dataset(info.path, info.access, driver, info.cache) {
  set_open_options(info.open_options);
}

GTiffDataset::~GTiffDataset() { close_in_destructor(); }

Result<std::unique_ptr<Dataset>> GTiffDataset::open(const OpenInfo& info, const Driver* driver) {
  if (info.access == Access::kUpdate) {
    return Status::not_supported(info.path, "the GTiff driver opens files read-only");
  }
  register_tiff_tags();
  std::unique_ptr<GTiffDataset> ds(new GTiffDataset(info, driver));
  RK_ASSIGN_OR_RETURN(std::unique_ptr<File> file, File::open(info.path, info.access));
  ds->file_ = std::move(file);
  ds->cog_ = read_cog_layout(*ds->file_);
  // "O": strip and tile offsets are loaded on demand, so opening a file with
  // millions of tiles reads none of their offsets.
  RK_ASSIGN_OR_RETURN(std::unique_ptr<TiffHandle> handle, TiffHandle::open(ds->file_, "rO"));
  RK_RETURN_IF_ERROR(ds->init(std::move(handle)));
  if (ds->mask_bands_.empty()) ds->attach_sidecar_mask(info, driver);
  // GDAL lists what it reads from a file sorted by key.
  ds->mutable_metadata().sort_items();
  for (int b = 1; b <= ds->band_count(); ++b) {
    static_cast<GTiffBand*>(ds->band(b))->mutable_metadata().sort_items();
  }
  ds->load_side_cars(info);
  return std::unique_ptr<Dataset>(std::move(ds));
}

void GTiffDataset::load_side_cars(const OpenInfo& info) {
  // GDAL's order: an RPC side-car wins over the tag, and the tag hides the
  // .aux.xml's RPCs, which otherwise fill in what a side-car lacks.
  const bool rpc_in_tag = !metadata().items("RPC").empty();
  const bool probe = info.is_file && side_cars_allowed(info.path);
  std::optional<RpcSideCar> rpc = probe ? find_rpc_side_car(info.path) : std::nullopt;
  if (rpc) {
    rpc_side_car_ = rpc->path;
    mutable_metadata().set("METADATATYPE", rpc->metadata_type);
    if (rpc->rpc) mutable_metadata().set_items(*rpc->rpc, "RPC");
  }
  std::optional<PamDataset> pam = load_pam(info.path);
  if (!pam) return;
  Metadata::Items pam_rpc;
  const bool from_side_car = rpc && rpc->rpc;
  if (from_side_car || !rpc_in_tag) {
    for (const auto& kv : pam->metadata.items("RPC")) {
      if (!from_side_car || !metadata().get(kv.first, "RPC")) pam_rpc.push_back(kv);
    }
  }
  pam->metadata.set_items(std::move(pam_rpc), "RPC");
  apply_pam(*pam);
}

std::vector<std::string> GTiffDataset::file_list() const {
  std::vector<std::string> files{description()};
  if (!side_cars_allowed(description())) return files;
  if (file_exists(description() + ".ovr")) files.push_back(description() + ".ovr");
  if (sidecar_mask_) files.push_back(sidecar_mask_->description());
  if (pam_enabled() && file_exists(pam_path(description()))) {
    files.push_back(pam_path(description()));
  }
  if (!rpc_side_car_.empty()) files.push_back(rpc_side_car_);
  return files;
}

void GTiffDataset::attach_sidecar_mask(const OpenInfo& info, const Driver* driver) {
  const std::string& p = info.path;
  if (p.size() >= 4 && iequals(std::string_view(p).substr(p.size() - 4), ".msk")) return;
  OpenInfo msk = info;
  msk.path = p + ".msk";
  if (!side_cars_allowed(p) || !file_exists(msk.path)) return;
  msk.open_options = Options();
  Result<std::unique_ptr<Dataset>> opened = open(msk, driver);
  if (!opened.ok()) {
    emit_warning(msk.path, "mask file ignored: " + opened.status().message());
    return;
  }
  Dataset& m = **opened;
  // One band masks every band (per-dataset); or one mask band per band.
  const bool size_ok = m.x_size() == x_size() && m.y_size() == y_size();
  const bool bands_ok = m.band_count() == 1 || m.band_count() == band_count();
  if (!size_ok || !bands_ok || m.band(1)->data_type() != DataType::kByte) {
    emit_warning(msk.path, "mask file ignored: its size, band count or type does not match");
    return;
  }
  for (int b = 1; b <= band_count(); ++b) {
    static_cast<GTiffBand*>(band(b))->per_dataset_mask_ =
        static_cast<GTiffBand*>(m.band(m.band_count() == 1 ? 1 : b));
  }
  sidecar_mask_ = std::move(opened).value();
}

Status GTiffDataset::init(std::unique_ptr<TiffHandle> handle) {
  RK_ASSIGN_OR_RETURN(ImageLayout l, read_layout(*handle));
  TiffHandle& h = *handle;
  // Everything that reads tags goes before the handle moves into the image.
  read_overviews_and_masks(h);
  if (!TIFFSetDirectory(h.tiff(), 0)) return h.take_error("cannot return to the first directory");
  const uint64_t main_offset = TIFFCurrentDirOffset(h.tiff());
  RK_ASSIGN_OR_RETURN(l, read_layout(h));  // re-applies per-directory settings
  const Georeferencing georef = read_georeferencing(h);

  // The full-resolution image goes first in images_; overview and mask
  // images were appended by read_overviews_and_masks, so insert at the front.
  images_.insert(images_.begin(),
                 std::make_unique<GTiffImage>(file_, main_offset, l, std::move(handle)));
  GTiffImage* main = images_.front().get();
  set_raster_size(l.width, l.height);
  for (int b = 1; b <= l.band_count(); ++b) {
    add_band(std::make_unique<GTiffBand>(this, main, b, b - 1, 0, false));
  }
  TiffHandle& mh = *main->handle().value();
  read_band_properties(mh);

  // Overview bands and masks, now that the bands exist.
  int32_t level = 1;
  std::vector<GTiffImage*> overview_images, mask_overview_images;
  GTiffImage* mask_image = nullptr;
  for (size_t i = 1; i < images_.size(); ++i) {
    GTiffImage* img = images_[i].get();
    const bool is_mask = img->layout().subfile_type & FILETYPE_MASK;
    const bool reduced = img->layout().subfile_type & FILETYPE_REDUCEDIMAGE;
    if (is_mask && !reduced) {
      mask_image = img;
    } else if (is_mask) {
      mask_overview_images.push_back(img);
    } else {
      overview_images.push_back(img);
    }
  }
  for (GTiffImage* img : overview_images) {
    for (int b = 1; b <= band_count(); ++b) {
      auto* base = static_cast<GTiffBand*>(band(b));
      auto ov = std::make_unique<GTiffBand>(this, img, b, b - 1, level, false);
      ov->base_ = base;
      ov->overview_index_ = level - 1;
      ov->init_nodata(base->nodata());
      if (base->nodata_int64()) ov->init_nodata_int64(*base->nodata_int64());
      if (base->nodata_uint64()) ov->init_nodata_uint64(*base->nodata_uint64());
      ov->init_color_interp(base->color_interp());
      ov->init_color_table(base->color_table());
      base->overviews_.push_back(std::move(ov));
    }
    ++level;
  }
  if (mask_image) {
    auto mask = std::make_unique<GTiffBand>(this, mask_image, 0, 0, -1, true);
    for (int b = 1; b <= band_count(); ++b)
      static_cast<GTiffBand*>(band(b))->per_dataset_mask_ = mask.get();
    // Mask overviews pair with the overviews of the same size.
    for (size_t k = 0; k < overview_images.size(); ++k) {
      for (GTiffImage* mimg : mask_overview_images) {
        if (mimg->layout().width != overview_images[k]->layout().width ||
            mimg->layout().height != overview_images[k]->layout().height) {
          continue;
        }
        auto mov =
            std::make_unique<GTiffBand>(this, mimg, 0, 0, -2 - static_cast<int32_t>(k), true);
        for (int b = 1; b <= band_count(); ++b) {
          auto* base = static_cast<GTiffBand*>(band(b));
          base->overviews_[k]->per_dataset_mask_ = mov.get();
        }
        mask->overviews_.push_back(std::move(mov));
        break;
      }
    }
    mask_bands_.push_back(std::move(mask));
  }

  // Georeferencing.
  if (georef.geo_transform) {
    init_geo_transform(georef.geo_transform);
    init_spatial_ref(georef.srs);
  } else if (!georef.gcps.empty()) {
    init_gcps(georef.gcps, georef.srs);
  } else {
    init_spatial_ref(georef.srs);
  }
  if (georef.area_or_point) mutable_metadata().set("AREA_OR_POINT", *georef.area_or_point);
  return Status();
}

void GTiffDataset::read_overviews_and_masks(TiffHandle& h) {
  TIFF* t = h.tiff();
  const ImageLayout main = read_layout(h).value();
  // Overviews and masks are either further directories of the main chain or
  // SubIFDs of the first directory; both are addressed by their offset.
  std::vector<uint64_t> offsets;
  uint16_t sub_count = 0;
  uint64_t* sub_offsets = nullptr;
  if (TIFFGetField(t, TIFFTAG_SUBIFD, &sub_count, &sub_offsets)) {
    offsets.assign(sub_offsets, sub_offsets + sub_count);
  }
  for (int d = 1; d < kMaxDirectories; ++d) {
    if (!TIFFSetDirectory(t, static_cast<tdir_t>(d))) break;
    offsets.push_back(TIFFCurrentDirOffset(t));
  }
  (void)h.take_error();
  for (size_t i = 0; i < offsets.size() && i < kMaxDirectories; ++i) {
    if (!TIFFSetSubDirectory(t, offsets[i])) {
      (void)h.take_error();
      continue;
    }
    Result<ImageLayout> l = read_layout(h);
    (void)h.take_error();
    if (!l.ok()) {
      emit_warning(description(), "directory at offset " + std::to_string(offsets[i]) +
                                      " ignored: " + l.status().message());
      continue;
    }
    const bool reduced = l->subfile_type & FILETYPE_REDUCEDIMAGE;
    const bool mask = l->subfile_type & FILETYPE_MASK;
    const bool smaller_or_same = l->width <= main.width && l->height <= main.height;
    if (mask) {
      if (l->samples_per_pixel != 1 || !smaller_or_same) continue;
      if (!reduced && (l->width != main.width || l->height != main.height)) continue;
    } else if (reduced) {
      if (l->band_count() != main.band_count() || l->type != main.type || !smaller_or_same)
        continue;
    } else {
      continue;  // another full image: a subdataset, not part of this one
    }
    images_.push_back(std::make_unique<GTiffImage>(file_, offsets[i], *l, nullptr));
  }
}

void GTiffDataset::init_grey_interp(TIFF* t, const ImageLayout& l) {
  GTiffBand* first = static_cast<GTiffBand*>(band(1));
  const bool white = l.photometric == PHOTOMETRIC_MINISWHITE;
  if (white) mutable_metadata().set("MINISWHITE", "YES", "IMAGE_STRUCTURE");
  uint16_t *r = nullptr, *g = nullptr, *b = nullptr;
  const bool has_map = TIFFGetField(t, TIFFTAG_COLORMAP, &r, &g, &b) != 0;
  const bool one_band = l.samples_per_pixel == 1;
  // (MINISWHITE: whatever the band count, as GDAL.)
  if (!has_map && ((one_band && l.bits_per_sample == 1) || (white && l.bits_per_sample <= 16))) {
    // GDAL invents the table; the pixel values stay as stored.
    const int n = 1 << l.bits_per_sample;
    ColorTable ct;
    for (int i = 0; i < n; ++i) {
      const int k = white ? n - 1 - i : i;
      const auto v = static_cast<int16_t>(255 * k / (n - 1));
      ct.entries.push_back(ColorEntry{v, v, v, 255});
    }
    first->init_color_table(std::move(ct));
    first->init_color_interp(ColorInterp::kPalette);
    return;
  }
  // MINISWHITE samples wider than 16 bits have no grey scale GDAL names.
  if (!(white && l.bits_per_sample > 16)) first->init_color_interp(ColorInterp::kGray);
}

void GTiffDataset::read_nodata(TIFF* t, bool palette) {
  const int bands = band_count();
  auto band_at = [this](int i) { return static_cast<GTiffBand*>(band(i)); };
  // GDAL_NODATA: one value for all bands. Float32 bands hold it as a float.
  if (std::optional<std::string> text = read_ascii_tag(t, kTagGdalNodata)) {
    if (std::optional<double> v = parse_nodata(*text)) {
      for (int b = 1; b <= bands; ++b) {
        GTiffBand* band = band_at(b);
        const DataType type = band->data_type();
        if (type == DataType::kInt64) {
          band->init_nodata_int64(std::strtoll(text->c_str(), nullptr, 10));
        } else if (type == DataType::kUInt64) {
          band->init_nodata_uint64(std::strtoull(text->c_str(), nullptr, 10));
        } else if (component_type(type) == DataType::kFloat32) {
          band->init_nodata(static_cast<double>(static_cast<float>(*v)));
        } else {
          band->init_nodata(*v);
        }
      }
    } else {
      emit_warning(description(), "ignoring GDAL_NODATA value '" + *text + "'");
    }
  }
  // GDAL makes the palette entry of the nodata value transparent.
  const std::optional<double> nodata = band_at(1)->nodata();
  if (palette && nodata && band_at(1)->color_table()) {
    ColorTable ct = *band_at(1)->color_table();
    const double index = *nodata;
    if (index >= 0 && index < static_cast<double>(ct.entries.size())) {
      ct.entries[static_cast<size_t>(index)].c4 = 0;
      band_at(1)->init_color_table(std::move(ct));
    }
  }
}

void GTiffDataset::read_band_properties(TiffHandle& h) {
  TIFF* t = h.tiff();
  const ImageLayout& l = images_.front()->layout();
  const int bands = band_count();
  auto band_at = [this](int i) { return static_cast<GTiffBand*>(band(i)); };

  // Color interpretation from the photometric interpretation and the extra
  // samples, as GDAL assigns it.
  uint16_t extra_count = 0;
  uint16_t* extra = nullptr;
  TIFFGetField(t, TIFFTAG_EXTRASAMPLES, &extra_count, &extra);
  int base = 1;
  const uint16_t photometric = l.ycbcr_as_rgb || l.rgba ? PHOTOMETRIC_RGB : l.photometric;
  if (l.rgba && bands == 4) band_at(4)->init_color_interp(ColorInterp::kAlpha);
  auto set_interps = [&](std::initializer_list<ColorInterp> interps) {
    int i = 1;
    for (ColorInterp c : interps) band_at(i++)->init_color_interp(c);
    base = static_cast<int>(interps.size());
  };
  switch (photometric) {
    case PHOTOMETRIC_RGB:
      if (bands >= 3) set_interps({ColorInterp::kRed, ColorInterp::kGreen, ColorInterp::kBlue});
      break;
    case PHOTOMETRIC_YCBCR:
      if (bands >= 3)
        set_interps({ColorInterp::kYCbCr_Y, ColorInterp::kYCbCr_Cb, ColorInterp::kYCbCr_Cr});
      break;
    case PHOTOMETRIC_SEPARATED:
      if (bands >= 4) {
        set_interps(
            {ColorInterp::kCyan, ColorInterp::kMagenta, ColorInterp::kYellow, ColorInterp::kBlack});
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
    case PHOTOMETRIC_LOGL:
    case PHOTOMETRIC_LOGLUV:
      break;  // raw (16-bit) LogL/LogLuv samples: Undefined, as in GDAL
    default:
      init_grey_interp(t, l);
      break;
  }
  // As GDAL, extra samples are counted back from the last sample, so a file
  // with a wrong ExtraSamples count still finds its alpha band.
  const int extra_base = extra && !l.rgba && !l.ycbcr_as_rgb
                             ? static_cast<int>(l.samples_per_pixel) - extra_count
                             : base;
  for (int b = base + 1; b <= bands; ++b) {
    const int e = b - extra_base - 1;
    if (extra && e >= 0 && e < extra_count &&
        (extra[e] == EXTRASAMPLE_ASSOCALPHA || extra[e] == EXTRASAMPLE_UNASSALPHA)) {
      band_at(b)->init_color_interp(ColorInterp::kAlpha);
    }
  }

  read_nodata(t, photometric == PHOTOMETRIC_PALETTE);

  // XMP first: GDAL lists its domain before those of GDAL_METADATA.
  uint32_t xmp_size = 0;
  const char* xmp = nullptr;
  if (TIFFGetField(t, TIFFTAG_XMLPACKET, &xmp_size, &xmp) && xmp && xmp_size > 0) {
    mutable_metadata().set_xml_document("xml:XMP", std::string(xmp, xmp_size));
  }

  // GDAL_METADATA: dataset and band items, and band properties by role.
  if (std::optional<std::string> xml = read_ascii_tag(t, kTagGdalMetadata)) {
    for (const MetadataItem& it : parse_gdal_metadata(*xml)) {
      if (it.sample < 0) {
        mutable_metadata().set(it.name, it.value, it.domain);
        continue;
      }
      if (it.sample >= bands) continue;
      GTiffBand* band = band_at(it.sample + 1);
      if (it.role == "offset" || it.role == "scale") {
        char* end = nullptr;
        const double v = std::strtod(it.value.c_str(), &end);
        if (end == it.value.c_str()) continue;
        if (it.role == "offset") {
          band->init_scale_offset(band->scale(), v);
        } else {
          band->init_scale_offset(v, band->offset());
        }
      } else if (it.role == "unittype") {
        band->init_unit(it.value);
      } else if (it.role == "description") {
        band->init_description(it.value);
      } else if (it.role == "colorinterp") {
        if (std::optional<ColorInterp> c = parse_color_interp(it.value))
          band->init_color_interp(*c);
      } else if (it.role.empty()) {
        band->mutable_metadata().set(it.name, it.value, it.domain);
      }
    }
  }

  for (const auto& [key, value] : read_baseline_tags(t)) mutable_metadata().set(key, value);
  if (std::optional<Metadata::Items> rpc = read_rpc_tag(t)) {
    mutable_metadata().set_items(std::move(*rpc), "RPC");
  }

  Metadata& md = mutable_metadata();
  if (const char* name = compression_name(l.compression)) {
    md.set("COMPRESSION", l.ycbcr_as_rgb ? "YCbCr JPEG" : name, "IMAGE_STRUCTURE");
  }
  md.set("INTERLEAVE", l.separate() || bands == 1 ? "BAND" : "PIXEL", "IMAGE_STRUCTURE");
  if (const char* space = source_color_space(l))
    md.set("SOURCE_COLOR_SPACE", space, "IMAGE_STRUCTURE");
  uint16_t predictor = PREDICTOR_NONE;
  if (l.compression != COMPRESSION_NONE && TIFFGetField(t, TIFFTAG_PREDICTOR, &predictor) &&
      predictor != PREDICTOR_NONE) {
    md.set("PREDICTOR", std::to_string(predictor), "IMAGE_STRUCTURE");
  }
  const bool standard_width =
      l.bits_per_sample == 8 * data_type_size(component_type(l.type)) ||
      (is_complex(l.type) && l.bits_per_sample == 8 * data_type_size(l.type));
  // As GDAL: also for 16- and 24-bit floats read as Float32.
  if (!standard_width && !l.ycbcr_as_rgb) {
    for (int b = 1; b <= bands; ++b) {
      band_at(b)->mutable_metadata().set("NBITS", std::to_string(l.bits_per_sample),
                                         "IMAGE_STRUCTURE");
    }
  }
}

}  // namespace rk::gtiff
