// GTiff datasets and bands (private to the driver).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <rasterkit/drivers/gtiff/gtiff_cog_layout.h>
#include <rasterkit/drivers/gtiff/gtiff_encode.h>
#include <rasterkit/drivers/gtiff/gtiff_image.h>
#include <rasterkit/drivers/gtiff/gtiff_options.h>
#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/driver.h>

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
  // Reading a file (not one being created): each thread decodes with its
  // own libtiff handle (GTiffImage::read_block).
  bool can_decode_concurrently() const override;
  // A remote file (not one being created): reads announce their blocks.
  bool wants_prefetch() const override;
  // Fetches the blocks' strips/tiles in few requests; in a COG whose tiles
  // are followed by their mask tiles, the mask's too (same requests).
  Status prefetch_blocks(const std::vector<std::pair<int64_t, int64_t>>& blocks) override;

 protected:
  Status read_block_impl(int64_t bx, int64_t by, void* dst) override;
  Status write_block_impl(int64_t bx, int64_t by, const void* src) override;
  // Uncompressed strips or tiles too large to decode whole: read in pieces.
  Status read_window_impl(const Window& window, void* dst) override;
  // Pixel-interleaved images: the tile just decoded holds every band's
  // block; cache the siblings' too (each tile is then decoded once).
  void block_loaded(int64_t bx, int64_t by) override;

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
  // A new file for writing (update access). Options are already validated.
  static Result<std::unique_ptr<Dataset>> create(const std::string& path,
                                                 const CreateParams& params, const Driver* driver);
  ~GTiffDataset() override;

  std::vector<std::string> file_list() const override;

 protected:
  Status flush_impl() override;
  Status close_impl() override;

 private:
  friend class GTiffBand;

  GTiffDataset(const OpenInfo& info, const Driver* driver);
  Status init(std::unique_ptr<TiffHandle> handle);
  void read_band_properties(TiffHandle& handle);
  // Grey-ish photometrics (MINISBLACK, MINISWHITE, none): Gray, or GDAL's
  // invented palettes for one-band bilevel and MINISWHITE images.
  // SPARSE_OK: whether the strip/tile holds only nodata (0 without one).
  bool block_is_empty(uint64_t strile, int64_t block_row, const std::byte* values,
                      int samples) const;
  // GDAL_NODATA (one value for every band), and the palette's transparent
  // entry for it.
  void read_nodata(TIFF* t, bool palette);
  void init_grey_interp(TIFF* t, const ImageLayout& l);
  void read_overviews_and_masks(TiffHandle& handle);
  // GDAL's external mask, PATH.msk, for a file without an internal one.
  void attach_sidecar_mask(const OpenInfo& info, const Driver* driver);
  // The RPC side-cars and the .aux.xml (PAM), with GDAL's precedence.
  void load_side_cars(const OpenInfo& info);

  // ---- Writing (gtiff_write.cpp), created datasets only ----
  Status write_band_block(int band, int64_t bx, int64_t by, const std::byte* data);
  // Copies band `band`'s block from a pixel-interleaved tile still being
  // assembled; false if there is none.
  bool read_pending(int band, int64_t bx, int64_t by, std::byte* dst) const;
  // Encodes and writes one strip/tile from `values`: `samples` interleaved
  // samples per pixel of the dataset's type, a whole block.
  Status write_strile(uint64_t strile, int64_t block_row, const std::byte* values, int samples);
  Status complete_pending();
  // Compresses the queued strips/tiles on the encoder's pool and writes
  // them, in the order they were queued.
  Status drain_encode_queue();
  Status fill_empty_blocks();
  Status write_tags();
  // Tags libtiff accepts only before the first strip or tile is written
  // (the XMP packet); done once, at the first pixel write or at close.
  void write_tags_before_pixels();
  bool wrote_tags_before_pixels_ = false;

  // Set for datasets made by create(); they are written through handle of
  // images_.front().
  std::optional<CreationSettings> settings_;
  // Pixel-interleaved tiles whose bands arrive one block at a time: written
  // when every band is there, or completed from the file at flush.
  struct PendingTile {
    std::vector<std::vector<std::byte>> bands;
    int present = 0;
  };
  std::map<std::pair<int64_t, int64_t>, PendingTile> pending_;
  // Which strips/tiles of a file being created have been written (libtiff
  // cannot be asked about the others before the file is complete).
  std::vector<bool> written_;
  // Parallel compression (null: each strip/tile is encoded when written).
  std::unique_ptr<ParallelEncoder> encoder_;
  std::vector<EncodeJob> encode_queue_;
  size_t queued_bytes_ = 0;
  static constexpr size_t kMaxQueuedBytes = size_t{64} << 20;
  bool is_written(uint64_t strile) const { return strile < written_.size() && written_[strile]; }

  std::shared_ptr<File> file_;
  CogLayout cog_;  // what a COG's ghost area declares (read at open)
  // The full-resolution image first, then overviews and masks.
  std::vector<std::unique_ptr<GTiffImage>> images_;
  std::vector<std::unique_ptr<GTiffBand>> mask_bands_;
  // The opened PATH.msk whose bands mask this dataset's, if any.
  std::unique_ptr<Dataset> sidecar_mask_;
  std::string rpc_side_car_;  // the .RPB or _RPC.TXT read, if any
};

}  // namespace rk::gtiff
