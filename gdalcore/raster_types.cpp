#include <rasterkit/gdalcore/raster_types.h>

#include <rasterkit/gdalcore/options.h>

namespace rk {

BufferLayout BufferLayout::pixel_interleaved(DataType type, int64_t width, int64_t height,
                                             int bands) {
  const auto size = static_cast<ptrdiff_t>(data_type_size(type));
  return BufferLayout{type, width, height, size * bands, size * bands * width, size};
}

BufferLayout BufferLayout::resolved() const {
  BufferLayout out = *this;
  if (out.pixel_spacing == 0) out.pixel_spacing = static_cast<ptrdiff_t>(data_type_size(type));
  if (out.line_spacing == 0) out.line_spacing = out.pixel_spacing * width;
  if (out.band_spacing == 0) out.band_spacing = out.line_spacing * height;
  return out;
}

std::string_view resampling_name(Resampling r) {
  switch (r) {
    case Resampling::kNearest:
      return "nearest";
    case Resampling::kBilinear:
      return "bilinear";
    case Resampling::kCubic:
      return "cubic";
    case Resampling::kCubicSpline:
      return "cubicspline";
    case Resampling::kLanczos:
      return "lanczos";
    case Resampling::kAverage:
      return "average";
    case Resampling::kMode:
      return "mode";
  }
  return "nearest";
}

std::optional<Resampling> parse_resampling(std::string_view name) {
  for (Resampling r :
       {Resampling::kNearest, Resampling::kBilinear, Resampling::kCubic, Resampling::kCubicSpline,
        Resampling::kLanczos, Resampling::kAverage, Resampling::kMode}) {
    if (iequals(name, resampling_name(r))) return r;
  }
  return std::nullopt;
}

namespace {
constexpr std::pair<ColorInterp, std::string_view> kColorNames[] = {
    {ColorInterp::kUndefined, "Undefined"},
    {ColorInterp::kGray, "Gray"},
    {ColorInterp::kPalette, "Palette"},
    {ColorInterp::kRed, "Red"},
    {ColorInterp::kGreen, "Green"},
    {ColorInterp::kBlue, "Blue"},
    {ColorInterp::kAlpha, "Alpha"},
    {ColorInterp::kHue, "Hue"},
    {ColorInterp::kSaturation, "Saturation"},
    {ColorInterp::kLightness, "Lightness"},
    {ColorInterp::kCyan, "Cyan"},
    {ColorInterp::kMagenta, "Magenta"},
    {ColorInterp::kYellow, "Yellow"},
    {ColorInterp::kBlack, "Black"},
    {ColorInterp::kYCbCr_Y, "YCbCr_Y"},
    {ColorInterp::kYCbCr_Cb, "YCbCr_Cb"},
    {ColorInterp::kYCbCr_Cr, "YCbCr_Cr"},
};
}  // namespace

std::string_view color_interp_name(ColorInterp c) {
  for (const auto& [value, name] : kColorNames) {
    if (value == c) return name;
  }
  return "Undefined";
}

std::optional<ColorInterp> parse_color_interp(std::string_view name) {
  for (const auto& [value, n] : kColorNames) {
    if (iequals(name, n)) return value;
  }
  return std::nullopt;
}

}  // namespace rk
