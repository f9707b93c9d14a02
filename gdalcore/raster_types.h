// Small value types shared by the raster API: windows, buffer layouts,
// resampling methods, access modes, colors.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rasterkit/gdalcore/data_type.h>

namespace rk {

class WorkerPool;

// A rectangle of pixels: columns [x, x + width), rows [y, y + height).
struct RK_API Window {
  int64_t x = 0;
  int64_t y = 0;
  int64_t width = 0;
  int64_t height = 0;
};

// How a caller's buffer is laid out. Spacings are in bytes; 0 means packed:
// pixel_spacing = size of `type`, line_spacing = width * pixel_spacing,
// band_spacing = height * line_spacing. Pixel-interleaved buffers for N bands
// use pixel_spacing = N * size, band_spacing = size. Spacings may be negative
// (for example to fill a buffer bottom-up) if the caller's pointer is placed
// accordingly.
struct RK_API BufferLayout {
  DataType type = DataType::kByte;
  int64_t width = 0;
  int64_t height = 0;
  ptrdiff_t pixel_spacing = 0;
  ptrdiff_t line_spacing = 0;
  ptrdiff_t band_spacing = 0;

  static BufferLayout packed(DataType type, int64_t width, int64_t height) {
    return BufferLayout{type, width, height, 0, 0, 0};
  }
  // Pixel-interleaved layout for `bands` bands (RGBRGB...).
  static BufferLayout pixel_interleaved(DataType type, int64_t width, int64_t height, int bands);
  // A copy with every 0 spacing replaced by its packed value.
  BufferLayout resolved() const;
};

// How pixels are computed when the buffer size differs from the window size.
// The exact definitions are in doc/raster-io.md.
enum class Resampling { kNearest, kBilinear, kCubic, kCubicSpline, kLanczos, kAverage, kMode };
RK_API std::string_view resampling_name(Resampling r);
RK_API std::optional<Resampling> parse_resampling(std::string_view name);

// Progress: called with a fraction in [0, 1] and an optional message. Return
// false to cancel; the operation then stops cleanly with a kCancelled error.
using ProgressFn = std::function<bool(double fraction, std::string_view message)>;

// A source window in fractional pixel coordinates (GDAL's floating-point
// RasterIO window).
struct RK_API WindowF {
  double x = 0, y = 0, width = 0, height = 0;
};

struct RK_API RasterIOOptions {
  Resampling resampling = Resampling::kNearest;
  ProgressFn progress;  // may be empty
  // When set, the buffer is computed from exactly this (fractional) source
  // window instead of `window`, which must then be the smallest whole-pixel
  // window containing it. Lets a caller resample a large window in pieces
  // with the same result as in one read (output rows k..k+n map to
  // y + k * ratio .. y + (k + n) * ratio). Edges up to 1e-6 pixel outside
  // `window` (rounding in georeferenced arithmetic) are taken as on it.
  // Where `window` reaches an edge of the raster, the source window may
  // reach past it: kernels there take the pixels there are (average gives
  // the edge pixel the weight of the part outside), as GDAL does for the
  // partly covered edge pixels of a window partly outside the raster.
  std::optional<WindowF> source_window;
  // With source_window: the buffer is a piece of a larger read, output
  // pixels [x, x + buffer width) x [y, y + buffer height) of
  // `source_window` resampled to width x height, computed exactly as in
  // that read (a view resampling a large window in parallel pieces gets
  // the bits one read would). `window` must then hold the piece's source.
  struct Piece {
    int64_t x = 0, y = 0, width = 0, height = 0;
  };
  std::optional<Piece> piece = std::nullopt;
  // With source_window: the whole-pixel size of the source the read stands
  // for, when its caller rounded the fractional window to one (as GDAL's
  // VRT does: 9 x 3 pixels for a 10 x 4 window widened past the raster).
  // GDAL picks a reduced read's overview by that size over the buffer's,
  // so an overview is chosen by it; 0: by the fractional window.
  int64_t request_width = 0, request_height = 0;
  // When set and the band's driver can decode blocks concurrently
  // (RasterBand::can_decode_concurrently()), the blocks of the window that
  // are not cached are decoded on this pool; the caller's thread works too.
  WorkerPool* pool = nullptr;
};

enum class Access { kReadOnly, kUpdate };

// GDAL's color interpretations, with GDAL's names (color_interp_name).
enum class ColorInterp {
  kUndefined,
  kGray,
  kPalette,
  kRed,
  kGreen,
  kBlue,
  kAlpha,
  kHue,
  kSaturation,
  kLightness,
  kCyan,
  kMagenta,
  kYellow,
  kBlack,
  kYCbCr_Y,
  kYCbCr_Cb,
  kYCbCr_Cr,
};
RK_API std::string_view color_interp_name(ColorInterp c);
RK_API std::optional<ColorInterp> parse_color_interp(std::string_view name);

struct RK_API ColorEntry {
  int16_t c1 = 0, c2 = 0, c3 = 0, c4 = 255;  // red, green, blue, alpha for RGB palettes
  friend bool operator==(const ColorEntry& a, const ColorEntry& b) {
    return a.c1 == b.c1 && a.c2 == b.c2 && a.c3 == b.c3 && a.c4 == b.c4;
  }
};

// A palette. Only RGB(A) palettes are produced by the drivers.
struct RK_API ColorTable {
  std::vector<ColorEntry> entries;
  friend bool operator==(const ColorTable& a, const ColorTable& b) {
    return a.entries == b.entries;
  }
};

// Counts of values in equal buckets over [min, max].
struct RK_API Histogram {
  double min = 0;  // lower edge of the first bucket
  double max = 0;  // upper edge of the last bucket
  std::vector<uint64_t> counts;
};

// GDAL's mask flags (GMF_*), combined with bitwise or.
enum MaskFlags : int {
  kMaskAllValid = 0x01,
  kMaskPerDataset = 0x02,
  kMaskAlpha = 0x04,
  kMaskNoData = 0x08,
};

}  // namespace rk
