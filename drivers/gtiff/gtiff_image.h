// GTiffImage: one image (IFD) of a TIFF file — its layout, a libtiff handle
// positioned on it, and the decoding of its strips and tiles into blocks.
//
// Each image has its own TIFF* over the file's shared rk::File, opened when
// its pixels are first needed: overviews and masks never make the main
// handle switch directories, and an unused overview costs no handle.
#pragma once

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <rasterkit/drivers/gtiff/gtiff_predictor.h>
#include <rasterkit/drivers/gtiff/tiff_handle.h>
#include <rasterkit/gdalcore/data_type.h>
#include <rasterkit/gdalcore/raster_types.h>

namespace rk::gtiff {

// How the pixels of one image are stored.
struct ImageLayout {
  uint32_t width = 0;
  uint32_t height = 0;
  uint16_t samples_per_pixel = 1;
  uint16_t bits_per_sample = 8;
  uint16_t sample_format = SAMPLEFORMAT_UINT;
  uint16_t planar_config = PLANARCONFIG_CONTIG;
  uint16_t photometric = PHOTOMETRIC_MINISBLACK;
  uint16_t compression = COMPRESSION_NONE;
  uint32_t subfile_type = 0;  // FILETYPE_REDUCEDIMAGE / FILETYPE_MASK bits
  bool tiled = false;
  uint32_t block_width = 0;   // tile width, or image width for strips
  uint32_t block_height = 0;  // tile height, rows per strip, or 1 when split
  uint32_t strip_rows = 0;    // rows per strip (tile height when tiled)
  // One strip covering an image taller than 2000 rows is exposed as blocks
  // of one line (GDAL's "split" mode), decoded once and served line by line.
  bool split = false;
  // Decoded through libtiff's RGBA interface (CIELab, subsampled YCbCr
  // without JPEG, old-style JPEG): 8-bit R, G, B, A.
  bool rgba = false;
  DataType type = DataType::kUnknown;
  bool ycbcr_as_rgb = false;  // JPEG-compressed YCbCr delivered as RGB by libtiff
  bool big_endian = false;

  // Bands as rasterkit sees them: 3 for YCbCr delivered as RGB; through the
  // RGBA interface, 4 for CIELab (as GDAL) and the sample count otherwise.
  int band_count() const {
    if (ycbcr_as_rgb) return 3;
    // GDAL's RGBA view: 3 bands for YCbCr, RGBA for the other colour spaces.
    if (rgba && compression == COMPRESSION_OJPEG) return std::min<int>(samples_per_pixel, 4);
    if (rgba) return photometric == PHOTOMETRIC_YCBCR ? 3 : 4;
    return samples_per_pixel;
  }
  uint64_t blocks_per_row() const { return (width + block_width - 1) / block_width; }
  uint64_t blocks_per_column() const { return (height + block_height - 1) / block_height; }
  uint64_t blocks_per_band() const { return blocks_per_row() * blocks_per_column(); }
  bool separate() const { return planar_config == PLANARCONFIG_SEPARATE && samples_per_pixel > 1; }
  // The strip/tile holding block (bx, by) of `sample` (0-based), when
  // blocks are the strips/tiles (not in split mode).
  uint64_t strile_of(int sample, int64_t bx, int64_t by) const {
    return (separate() ? static_cast<uint64_t>(sample) * blocks_per_band() : 0) +
           static_cast<uint64_t>(by) * blocks_per_row() + static_cast<uint64_t>(bx);
  }
};

// Reads the layout of the handle's current directory and checks that it is
// one we can decode. Errors name the problem.
Result<ImageLayout> read_layout(TiffHandle& handle);

class GTiffImage {
 public:
  // `dir_offset` is the file offset of the image's directory (main chain or
  // SubIFD). `handle`, if given, is already positioned on it; otherwise one
  // is opened on first use.
  GTiffImage(std::shared_ptr<File> file, uint64_t dir_offset, ImageLayout layout,
             std::unique_ptr<TiffHandle> handle);

  const ImageLayout& layout() const { return layout_; }
  // The handle on this image's directory (opening it if needed), for the
  // single-threaded uses: reading tags, writing.
  Result<TiffHandle*> handle();

  // Decodes block (bx, by) of `sample` (0-based band) into `dst`:
  // block_width * block_height values of the layout's type, padded with 0.
  // A block absent from the file (sparse) is filled with `sparse_fill` if
  // given, else 0. Safe to call from several threads at once: a thread
  // that finds the image's decoder busy uses another (its own libtiff
  // handle on the same file), kept for later calls.
  Status read_block(int sample, int64_t bx, int64_t by, std::byte* dst,
                    std::optional<double> sparse_fill);

  // The file byte ranges holding blocks `blocks` ((bx, by) pairs) of
  // `sample`: their strips or tiles, once each (sparse ones have none).
  // For prefetching a remote file before the blocks are decoded.
  Status block_ranges(int sample, const std::vector<std::pair<int64_t, int64_t>>& blocks,
                      std::vector<ByteRange>* out);
  const File& file() const { return *file_; }

  // Reads one row piece (`window` of height 1) of `sample` straight from
  // the file into `dst` (packed, the layout's type), for uncompressed
  // images whose strips or tiles are too large to decode whole. Compressed
  // or bit-packed data: kNotSupported.
  Status read_row_piece(int sample, const Window& window, std::byte* dst,
                        std::optional<double> sparse_fill);

 private:
  // A libtiff handle and the last strip/tile it decoded (the other bands of
  // a pixel-interleaved block come from the same decoded bytes).
  struct Decoder {
    std::mutex mu;  // held by the thread using the decoder
    std::unique_ptr<TiffHandle> handle;
    PredictorTakeover predictor;
    std::vector<std::byte> decoded;
    uint64_t decoded_strile = UINT64_MAX;
    size_t decoded_rows = 0;
  };
  // A decoder locked for the calling thread: the one it used last if free,
  // else the main one if free, else a spare.
  Result<Decoder*> acquire();
  Result<std::unique_ptr<TiffHandle>> open_handle() const;
  Status decode(Decoder& d, uint64_t strile, uint32_t first_row);
  // The strip/tile holding block (bx, by) of `sample` (in split mode, the
  // strip holding line `by`).
  uint64_t strile_of_block(int sample, int64_t bx, int64_t by) const;
  Status decode_rgba(Decoder& d, uint64_t strile, uint32_t first_row);

  std::shared_ptr<File> file_;
  uint64_t dir_offset_;
  ImageLayout layout_;
  const uint64_t id_;  // tells images apart in threads' memory of their last decoder
  std::unique_ptr<Decoder> main_;
  std::mutex spares_mu_;
  std::vector<std::unique_ptr<Decoder>> spares_;  // guarded by spares_mu_ (each by its own mu)
};

}  // namespace rk::gtiff
