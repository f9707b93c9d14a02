#include <rasterkit/drivers/gtiff/gtiff_encode.h>

#include <algorithm>

#include <rasterkit/gdalcore/worker_pool.h>

namespace rk::gtiff {

namespace {

uint16_t sample_format_for(DataType t) {
  if (is_complex(t)) return is_floating(t) ? SAMPLEFORMAT_COMPLEXIEEEFP : SAMPLEFORMAT_COMPLEXINT;
  if (is_floating(t)) return SAMPLEFORMAT_IEEEFP;
  return is_signed(t) ? SAMPLEFORMAT_INT : SAMPLEFORMAT_UINT;
}

}  // namespace

void set_image_tags(TIFF* t, const CreationSettings& s, const ImageShape& shape) {
  const int bands = shape.bands;
  const uint16_t bits =
      static_cast<uint16_t>(s.nbits ? s.nbits : 8 * static_cast<int>(data_type_size(shape.type)));
  TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(shape.width));
  TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(shape.height));
  TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, static_cast<uint16_t>(bands));
  TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bits);
  TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, sample_format_for(shape.type));
  TIFFSetField(t, TIFFTAG_PLANARCONFIG,
               s.pixel_interleaved || bands == 1 ? PLANARCONFIG_CONTIG : PLANARCONFIG_SEPARATE);
  TIFFSetField(t, TIFFTAG_PHOTOMETRIC, s.photometric);
  TIFFSetField(t, TIFFTAG_COMPRESSION, s.compression);
  if (s.predictor != 1) TIFFSetField(t, TIFFTAG_PREDICTOR, static_cast<uint16_t>(s.predictor));
  switch (s.compression) {
    case COMPRESSION_ADOBE_DEFLATE:
      TIFFSetField(t, TIFFTAG_ZIPQUALITY, s.zlevel);
      break;
    case COMPRESSION_ZSTD:
      TIFFSetField(t, TIFFTAG_ZSTD_LEVEL, s.zstd_level);
      break;
    case COMPRESSION_JPEG:
      TIFFSetField(t, TIFFTAG_JPEGQUALITY, s.jpeg_quality);
      if (s.photometric == PHOTOMETRIC_YCBCR)
        TIFFSetField(t, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
      break;
    case COMPRESSION_WEBP:
      TIFFSetField(t, TIFFTAG_WEBP_LEVEL, s.webp_level);
      if (s.webp_lossless) TIFFSetField(t, TIFFTAG_WEBP_LOSSLESS, 1);
      break;
    case COMPRESSION_LERC:
      TIFFSetField(t, TIFFTAG_LERC_MAXZERROR, s.max_z_error);
      break;
    default:
      break;
  }
  if (s.tiled) {
    TIFFSetField(t, TIFFTAG_TILEWIDTH, s.block_x);
    TIFFSetField(t, TIFFTAG_TILELENGTH, s.block_y);
  } else {
    // About 8 KiB per strip by default, as GDAL (libtiff's default size).
    const uint32_t rows = s.block_y ? s.block_y : TIFFDefaultStripSize(t, 0);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP,
                 std::min<uint32_t>(rows, static_cast<uint32_t>(shape.height)));
  }
  // Bands beyond those the photometric interpretation describes are extra
  // samples: the last one is alpha when asked (or RGBA), the others unspecified.
  const int described = s.photometric == PHOTOMETRIC_RGB || s.photometric == PHOTOMETRIC_YCBCR ? 3
                        : s.photometric == PHOTOMETRIC_SEPARATED                               ? 4
                                                                                               : 1;
  if (bands > described) {
    std::vector<uint16_t> extra(static_cast<size_t>(bands - described), EXTRASAMPLE_UNSPECIFIED);
    if (s.alpha) extra.back() = EXTRASAMPLE_UNASSALPHA;
    TIFFSetField(t, TIFFTAG_EXTRASAMPLES, static_cast<uint16_t>(extra.size()), extra.data());
  }
}

bool can_encode_in_parallel(const CreationSettings& s) {
  return s.compression != COMPRESSION_NONE && s.compression != COMPRESSION_JPEG;
}

ParallelEncoder::ParallelEncoder(std::string name, const CreationSettings& s,
                                 const ImageShape& shape, int threads)
    : name_(std::move(name)), settings_(s), shape_(shape), threads_(threads) {}

ParallelEncoder::~ParallelEncoder() = default;

Result<std::unique_ptr<TiffHandle>> ParallelEncoder::take_handle() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<TiffHandle> h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
  }
  RK_ASSIGN_OR_RETURN(std::unique_ptr<TiffHandle> h,
                      TiffHandle::open_discarding(name_, settings_.bigtiff ? "w8" : "w"));
  set_image_tags(h->tiff(), settings_, shape_);
  RK_RETURN_IF_ERROR(h->take_error());
  return h;
}

void ParallelEncoder::give_back(std::unique_ptr<TiffHandle> h) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(h));
}

Status ParallelEncoder::encode(std::vector<EncodeJob>& jobs) {
  if (!pool_ && jobs.size() > 1) pool_ = std::make_unique<WorkerPool>(threads_);
  std::mutex error_mu;
  Status first_error;  // guarded by error_mu
  auto encode_one = [&](int64_t k) {
    EncodeJob& job = jobs[static_cast<size_t>(k)];
    Status st;
    Result<std::unique_ptr<TiffHandle>> h = take_handle();
    if (h.ok()) {
      TIFF* t = (*h)->tiff();
      // Each strile goes to its own index once per handle, so libtiff never
      // rewrites one; what it appends while encoding is the strile's bytes.
      (*h)->capture_writes(&job.encoded);
      const auto index = static_cast<uint32_t>(job.strile);
      const auto size = static_cast<tmsize_t>(job.raw.size());
      const tmsize_t n = TIFFIsTiled(t) ? TIFFWriteEncodedTile(t, index, job.raw.data(), size)
                                        : TIFFWriteEncodedStrip(t, index, job.raw.data(), size);
      (*h)->capture_writes(nullptr);
      if (n < 0) st = (*h)->take_error("cannot encode strip/tile " + std::to_string(job.strile));
      give_back(std::move(h).value());
    } else {
      st = h.status();
    }
    job.raw = {};
    if (!st.ok()) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (first_error.ok()) first_error = std::move(st);
    }
  };
  if (pool_) {
    pool_->parallel_for(static_cast<int64_t>(jobs.size()), encode_one);
  } else {
    for (size_t k = 0; k < jobs.size(); ++k) encode_one(static_cast<int64_t>(k));
  }
  return first_error;
}

}  // namespace rk::gtiff
