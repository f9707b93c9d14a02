// The steps of rk::translate (private to rk_utilities): resolve the source
// window and the output grid, describe the output bands, then the view the
// writer copies from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/geometry/geometry.h>
#include <rasterkit/utilities/translate.h>
#include <rasterkit/utilities/translate_view.h>

namespace rk::translate_steps {

// Where the output comes from and how large it is.
struct Grid {
  WindowF window;  // in (fractional) source pixels; may reach outside the source
  int64_t width = 0, height = 0;
  bool windowed = false;  // -srcwin, -projwin or a crop chose the window
  // The output pixels the window maps onto, from the output's top left
  // corner: the output size, except for -tr with a kernel other than
  // nearest, where gdal_translate maps the window onto its exact size in
  // -tr pixels (fractional), so every output pixel is exactly -tr wide and
  // the last one reaches past the window.
  double dest_width = 0, dest_height = 0;
  // Source pixels per output pixel.
  double x_ratio() const { return window.width / dest_width; }
  double y_ratio() const { return window.height / dest_height; }
};

// The window -srcwin or -projwin (with -projwin_srs) asks for, or the
// whole source; the cutline (in source pixels) when -cutline is given, and
// the window shrunk to it with -crop_to_cutline. Warns (or fails, with
// -epo/-eco) when the window is partly or completely outside.
struct WindowChoice {
  WindowF window;
  bool windowed = false;
  std::optional<Geometry> cutline;
};
Result<WindowChoice> choose_window(const Dataset& src, const TranslateOptions& o,
                                   Resampling resampling);

// The output size for the window (-outsize, -tr, or the window's size).
Result<Grid> output_grid(const Dataset& src, const TranslateOptions& o, const WindowChoice& w,
                         Resampling resampling);

// One ViewBandSpec per output band (-b, -expand, -scale, -ot, -a_nodata,
// ...), properties and metadata included.
Result<std::vector<ViewBandSpec>> band_specs(const Dataset& src, const TranslateOptions& o,
                                             const Grid& grid);

// Sets each band's ViewBandSpec::kernel_in_source_type as gdal_translate's
// code paths round: band by band, unless the bands go through the source
// dataset's resampled read together. `pixel_output`: the output is written
// pixel-interleaved.
void choose_kernel_types(const Dataset& src, const TranslateOptions& o, const Grid& grid,
                         bool pixel_output, std::vector<ViewBandSpec>* bands);

// Whether gdal_translate's copy reads these bands through the source
// dataset's read, which samples whole-pixel-sized requests with nearest
// neighbour (ViewSpec::nearest_for_aligned_requests).
bool nearest_for_aligned_requests(const Dataset& src, const std::vector<ViewBandSpec>& bands);

// Georeferencing, GCPs and dataset metadata of the output (-a_srs,
// -a_ullr, -mo, -tr's exact resolution, -noxmp).
Status describe_dataset(const Dataset& src, const TranslateOptions& o, const Grid& grid,
                        ViewSpec* spec);

// Adds the cutline to `spec`: pixels outside it become nodata (or 0 with a
// new alpha band).
Status add_cutline(const Geometry& cutline, const Grid& grid, ViewSpec* spec);

}  // namespace rk::translate_steps
