// What the resampling methods share (private to gdalcore): the window a
// resampled read covers, the source pixels each output pixel takes (taps)
// and a cache of source rows. The methods are defined in doc/raster-io.md.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include <rasterkit/gdalcore/raster_band.h>

namespace rk {
namespace detail {

// A source window in (possibly fractional) pixel coordinates of the band
// actually read: fractional once a window is mapped onto an overview.
// The buffer holds output pixels [piece_x, piece_x + buffer width) x
// [piece_y, ...) of the read of this window into whole_width x
// whole_height pixels.
struct SourceWindow {
  double x, y, width, height;
  int64_t whole_width, whole_height;
  int64_t piece_x = 0, piece_y = 0;
  // The whole read's first source column and row (of the band read:
  // GDAL rounds them onto an overview), which coordinates count from.
  int64_t base_x = 0, base_y = 0;
  double x_ratio() const { return width / static_cast<double>(whole_width); }
  double y_ratio() const { return height / static_cast<double>(whole_height); }
};

// Contributions of a run of source pixels to one output pixel.
struct Taps {
  int64_t first = 0;
  std::vector<double> weights;
  int64_t last() const { return first + static_cast<int64_t>(weights.size()) - 1; }
};

// For each output row j, the least first source row of rows j, j+1, ...:
// what a row cache must keep.
std::vector<int64_t> least_first_from(const std::vector<Taps>& taps);

// Taps along one axis for output pixels [piece_first, piece_first +
// piece_n) of `whole_n`; output pixel i covers source coordinates
// [origin + i * ratio, origin + (i + 1) * ratio). Source pixels outside
// [0, src_n) are left out; the weights are renormalised later, over the
// pixels actually valid.
std::vector<Taps> axis_taps(Resampling m, double origin, double length, int64_t whole_n,
                            int64_t src_n, int64_t window_first, int64_t piece_first,
                            int64_t piece_n);

// axis_taps() for the buffer's columns (rows) of a read of `sw` from
// `src`, `n` of them.
std::vector<Taps> column_taps(Resampling m, const SourceWindow& sw, const RasterBand& src,
                              int64_t n);
std::vector<Taps> row_taps(Resampling m, const SourceWindow& sw, const RasterBand& src, int64_t n);

// Source rows, read in batches and converted to doubles, kept while output
// rows still need them. Row buffers are recycled: allocating one per source
// row showed up as page faults in resampling profiles.
class RowSource {
 public:
  // `use_mask`: pixels also count by the band's mask band, where it has
  // one not derived from nodata (an alpha band, a driver's mask), as in
  // GDAL's kernels and average; GDAL's mode looks at nodata only.
  RowSource(RasterBand& band, int64_t col0, int64_t col1, bool use_mask);

  int components() const { return ncomp_; }
  int64_t width() const { return width_; }

  // Makes rows [r0, r1] available. Rows before `keep_from` (<= r0) are
  // dropped: the caller will not ask for them again. (A kernel's first row
  // does not always grow with the output row — trimming zero weights can
  // move it back — so the caller passes the least first row still to come.)
  Status ensure(int64_t r0, int64_t r1, int64_t keep_from);

  // Values of source row r, column col0 + c at index c * components().
  const std::vector<double>& row(int64_t r) const { return at(r).values; }
  // How much column col0 + c of row r counts: 0 (not at all: nodata,
  // NaN, masked) to 255 (fully). In between only under an alpha band,
  // whose value it is (masked() says whether a mask band decides).
  const std::vector<uint8_t>& valid(int64_t r) const {
    const Row& row = at(r);
    if (row.all_valid && row.valid.size() != static_cast<size_t>(width_)) {
      row.valid.assign(static_cast<size_t>(width_), 255);
    }
    return row.valid;
  }
  // Every pixel of row r counts fully.
  bool all_valid(int64_t r) const { return at(r).all_valid; }
  bool masked() const { return mask_ != nullptr; }
  int64_t col0() const { return col0_; }

 private:
  struct Row {
    std::vector<double> values;
    mutable std::vector<uint8_t> valid;  // filled lazily for all-valid rows
    bool all_valid = true;
  };
  const Row& at(int64_t r) const { return rows_[static_cast<size_t>(r - first_)]; }
  Row take_spare() {
    if (spare_.empty()) return Row();
    Row row = std::move(spare_.back());
    spare_.pop_back();
    return row;
  }

  RasterBand& band_;
  int64_t col0_;
  int64_t width_;
  int ncomp_;
  std::optional<double> nodata_;
  // The band's mask (an alpha band, rescaled to 0..255, or a driver's
  // mask) when it has one that is not derived from nodata; else null.
  RasterBand* mask_ = nullptr;
  bool may_be_invalid_;
  int64_t first_ = 0;
  std::deque<Row> rows_;
  std::vector<Row> spare_;
  std::vector<double> batch_;
  std::vector<uint8_t> mask_batch_;
};

// GDAL's average of a paletted band `src` (read through `table`): each
// output pixel is the opaque entry nearest the mean colour of the
// footprint's valid pixels with opaque entries (doc/raster-io.md).
Status palette_average(RasterBand& src, const ColorTable& table, const SourceWindow& sw,
                       std::byte* data, const BufferLayout& l, const ProgressFn& progress);

}  // namespace detail
}  // namespace rk
