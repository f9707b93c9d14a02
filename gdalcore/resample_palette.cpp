// Averaging a paletted band. The indices of a palette mean nothing as
// numbers, so, as GDAL does, the average is taken over the colours the
// footprint's pixels stand for, and the result is the entry whose colour is
// nearest that mean (doc/raster-io.md).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <rasterkit/gdalcore/convert.h>
#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/resample_rows.h>

namespace rk {
namespace detail {

namespace {

// The palette as the average sees it: the nodata entry (when the nodata
// value is an index of the table) is transparent, and transparent entries
// neither count in a mean nor can be its result.
class AveragedPalette {
 public:
  AveragedPalette(const ColorTable& table, std::optional<double> nodata) : entries_(table.entries) {
    empty_ = 0;
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].c4 == 0) {
        empty_ = static_cast<double>(i);
        break;
      }
    }
    if (nodata) {
      empty_ = *nodata;
      const int64_t k = index_of(*nodata);
      if (k >= 0 && static_cast<double>(k) == *nodata) entries_[static_cast<size_t>(k)].c4 = 0;
    }
  }

  // The value of a pixel no opaque, valid pixel reaches: the nodata value,
  // else the first transparent entry, else 0 (what GDAL writes).
  double empty() const { return empty_; }

  // The opaque entry a pixel value stands for, or null: values outside the
  // table and transparent entries do not count.
  const ColorEntry* counted(double v) const {
    const int64_t k = index_of(v);
    if (k < 0 || entries_[static_cast<size_t>(k)].c4 == 0) return nullptr;
    return &entries_[static_cast<size_t>(k)];
  }

  // The opaque entry nearest (r, g, b) in squared distance; the lowest
  // index on a tie; 0 when every entry is transparent.
  int64_t nearest(int r, int g, int b) const {
    int64_t best = 0;
    int best_distance = std::numeric_limits<int>::max();
    for (size_t i = 0; i < entries_.size(); ++i) {
      const ColorEntry& e = entries_[i];
      if (e.c4 == 0) continue;
      const int dr = r - e.c1, dg = g - e.c2, db = b - e.c3;
      const int d = dr * dr + dg * dg + db * db;
      if (d < best_distance) {
        best_distance = d;
        best = static_cast<int64_t>(i);
      }
    }
    return best;
  }

 private:
  // Pixel values index the table after truncation, as GDAL's integer cast.
  int64_t index_of(double v) const {
    if (!(v >= 0 && v < static_cast<double>(entries_.size()))) return -1;
    return static_cast<int64_t>(v);
  }

  std::vector<ColorEntry> entries_;
  double empty_;
};

// The rounded mean (halves up) of `total` over `n`.
int mean(int64_t total, int64_t n) { return static_cast<int>((total + n / 2) / n); }

}  // namespace

Status palette_average(RasterBand& src, const ColorTable& table, const SourceWindow& sw,
                       std::byte* data, const BufferLayout& l, const ProgressFn& progress) {
  const std::vector<Taps> hx = column_taps(Resampling::kAverage, sw, src, l.width);
  const std::vector<Taps> vy = row_taps(Resampling::kAverage, sw, src, l.height);
  const int64_t c0 = hx.front().first, c1 = hx.back().last();
  // Measured: GDAL's colour average of a paletted band with an alpha band
  // counts the pixels the alpha makes transparent too; only the palette's
  // own transparency and the nodata value leave pixels out.
  RowSource rows(src, c0, c1, /*use_mask=*/false);
  const AveragedPalette palette(table, src.nodata());
  const size_t out_n = static_cast<size_t>(l.width);
  std::vector<double> out(out_n);
  const std::vector<int64_t> keep = least_first_from(vy);
  for (int64_t j = 0; j < l.height; ++j) {
    const Taps& ty = vy[static_cast<size_t>(j)];
    RK_RETURN_IF_ERROR(rows.ensure(ty.first, ty.last(), keep[static_cast<size_t>(j)]));
    for (size_t i = 0; i < out_n; ++i) {
      const Taps& tx = hx[i];
      // GDAL's colour mean is unweighted: a pixel the footprint only
      // touches counts as much as a covered one.
      int64_t r = 0, g = 0, b = 0, n = 0;
      for (int64_t y = ty.first; y <= ty.last(); ++y) {
        const std::vector<double>& row = rows.row(y);
        const std::vector<uint8_t>& valid = rows.valid(y);
        for (int64_t x = tx.first; x <= tx.last(); ++x) {
          const auto c = static_cast<size_t>(x - c0);
          const ColorEntry* e = valid[c] ? palette.counted(row[c]) : nullptr;
          if (!e) continue;
          r += e->c1, g += e->c2, b += e->c3, ++n;
        }
      }
      out[i] = n == 0 ? palette.empty()
                      : static_cast<double>(palette.nearest(mean(r, n), mean(g, n), mean(b, n)));
    }
    convert_values(out.data(), DataType::kFloat64, sizeof(double), data + j * l.line_spacing,
                   l.type, l.pixel_spacing, out_n);
    if (progress && !progress(static_cast<double>(j + 1) / static_cast<double>(l.height), "")) {
      return Status::cancelled(src.dataset()->description());
    }
  }
  return Status();
}

}  // namespace detail
}  // namespace rk
