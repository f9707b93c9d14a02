// GTiff read path: the dataset and band classes, shared by the files of
// drivers/gtiff/ (private to the driver).
#pragma once

#include <memory>
#include <vector>

#include "drivers/gtiff/tiff_handle.h"
#include "gdalcore/dataset.h"
#include "gdalcore/driver.h"

namespace rk::gtiff {

// How the pixels of one image (IFD) are stored.
struct ImageLayout {
  uint32_t width = 0;
  uint32_t height = 0;
  uint16_t samples_per_pixel = 1;
  uint16_t bits_per_sample = 8;
  uint16_t sample_format = SAMPLEFORMAT_UINT;
  uint16_t planar_config = PLANARCONFIG_CONTIG;
  uint16_t photometric = PHOTOMETRIC_MINISBLACK;
  uint16_t compression = COMPRESSION_NONE;
  bool tiled = false;
  uint32_t block_width = 0;   // tile width, or image width for strips
  uint32_t block_height = 0;  // tile height, or rows per strip
  DataType type = DataType::kUnknown;
  bool ycbcr_as_rgb = false;  // JPEG-compressed YCbCr delivered as RGB by libtiff

  uint64_t blocks_per_row() const { return (width + block_width - 1) / block_width; }
  uint64_t blocks_per_column() const { return (height + block_height - 1) / block_height; }
  uint64_t blocks_per_band() const { return blocks_per_row() * blocks_per_column(); }
  bool contiguous() const { return planar_config == PLANARCONFIG_CONTIG && samples_per_pixel > 1; }
};

// Reads the layout of the current directory and checks it is one we can
// decode; errors name the problem (and the file, through the handle).
Result<ImageLayout> read_layout(TiffHandle& handle);

class GTiffDataset;

class GTiffBand final : public RasterBand {
 public:
  GTiffBand(GTiffDataset* ds, int number, const ImageLayout& layout);

 protected:
  Status read_block_impl(int64_t bx, int64_t by, void* dst) override;

 private:
  friend class GTiffDataset;  // fills in band properties while opening
  GTiffDataset* gtiff_;
};

class GTiffDataset final : public Dataset {
 public:
  static Result<std::unique_ptr<Dataset>> open(const OpenInfo& info, const Driver* driver);
  ~GTiffDataset() override;

  const ImageLayout& layout() const { return layout_; }
  // Decodes block (bx, by) of `band` (1-based) into `dst`: block_width *
  // block_height values of the band's data type, padded with 0 (or nodata
  // for sparse blocks).
  Status read_band_block(int band, int64_t bx, int64_t by, std::byte* dst);

 private:
  GTiffDataset(const OpenInfo& info, const Driver* driver);
  Status init();
  // Decodes strip/tile `strile` into decoded_ (kept: the other bands of a
  // pixel-interleaved block come from the same decoded bytes).
  Status decode(uint64_t strile);

  std::shared_ptr<File> file_;
  std::unique_ptr<TiffHandle> handle_;
  ImageLayout layout_;
  std::vector<std::byte> decoded_;
  uint64_t decoded_strile_ = UINT64_MAX;
  size_t decoded_rows_ = 0;
};

}  // namespace rk::gtiff
