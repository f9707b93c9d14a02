// GTiff datasets and bands (private to the driver).
#pragma once

#include <memory>
#include <vector>

#include "drivers/gtiff/gtiff_image.h"
#include "gdalcore/dataset.h"
#include "gdalcore/driver.h"

namespace rk::gtiff {

class GTiffDataset;

// A band of a GTiff image: a band of the full-resolution image or of an
// overview, or the per-dataset mask of one of them (number 0). Overviews of a
// band are owned by it; per-dataset masks by the dataset.
class GTiffBand final : public RasterBand {
 public:
  GTiffBand(GTiffDataset* ds, GTiffImage* image, int number, int sample, int32_t cache_level,
            bool is_mask);

  int overview_count() const override { return static_cast<int>(overviews_.size()); }
  RasterBand* overview(int index) override;
  int mask_flags() const override;
  RasterBand* mask_band() override;

 protected:
  Status read_block_impl(int64_t bx, int64_t by, void* dst) override;

 private:
  friend class GTiffDataset;  // fills in properties, overviews and masks while opening

  GTiffImage* image_;
  int sample_;  // 0-based sample of image_
  bool is_mask_;
  int overview_index_ = -1;    // >= 0 for an overview band
  GTiffBand* base_ = nullptr;  // for an overview band: the full-resolution band
  std::vector<std::unique_ptr<GTiffBand>> overviews_;
  GTiffBand* per_dataset_mask_ = nullptr;  // owned by the dataset
};

class GTiffDataset final : public Dataset {
 public:
  static Result<std::unique_ptr<Dataset>> open(const OpenInfo& info, const Driver* driver);
  ~GTiffDataset() override;

 private:
  GTiffDataset(const OpenInfo& info, const Driver* driver);
  Status init(std::unique_ptr<TiffHandle> handle);
  void read_band_properties(TiffHandle& handle);
  void read_overviews_and_masks(TiffHandle& handle);

  std::shared_ptr<File> file_;
  // The full-resolution image first, then overviews and masks.
  std::vector<std::unique_ptr<GTiffImage>> images_;
  std::vector<std::unique_ptr<GTiffBand>> mask_bands_;
};

}  // namespace rk::gtiff
