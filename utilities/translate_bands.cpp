// rk::translate's output bands: which source band (or mask, or palette
// component) each comes from, and its type, scaling and properties.
#include <cmath>
#include <cstdlib>

#include <rasterkit/gdalcore/convert.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/statistics.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/utilities/arg_parsing.h>
#include <rasterkit/utilities/translate_steps.h>

namespace rk::translate_steps {

namespace {

using Source = ViewBandSpec::Source;

struct Pick {
  Source kind;
  int band;
  int component;
};

Result<std::vector<Pick>> listed_bands(const Dataset& src, const TranslateOptions& o) {
  std::vector<Pick> picks;
  if (o.bands.empty()) {
    for (int b = 1; b <= src.band_count(); ++b) picks.push_back({Source::kBand, b, 0});
    return picks;
  }
  for (const std::string& s : o.bands) {
    if (s == "mask") {
      picks.push_back({Source::kMask, 1, 0});
    } else if (s.rfind("mask,", 0) == 0) {
      RK_ASSIGN_OR_RETURN(long long n, cli::parse_int("-b", s.substr(5)));
      picks.push_back({Source::kMask, static_cast<int>(n), 0});
    } else {
      RK_ASSIGN_OR_RETURN(long long n, cli::parse_int("-b", s));
      picks.push_back({Source::kBand, static_cast<int>(n), 0});
    }
  }
  return picks;
}

bool gray_palette(const ColorTable& ct) {
  for (const ColorEntry& e : ct.entries) {
    if (e.c1 != e.c2 || e.c1 != e.c3) return false;
  }
  return true;
}

// -expand gray|rgb|rgba: the palette's components of the first listed
// band; with rgba and a second listed band, that band is the alpha (as
// gdal_translate keeps an alpha band beside a paletted one).
Result<std::vector<Pick>> expanded_bands(const Dataset& src, const TranslateOptions& o,
                                         const std::vector<Pick>& listed) {
  const int n = o.expand == "gray" ? 1 : o.expand == "rgb" ? 3 : 4;
  if (listed.size() > 2 || (listed.size() == 2 && n == 1)) {
    return Status::invalid_argument("-expand", "invalid use of -expand " + o.expand + " with " +
                                                   std::to_string(listed.size()) + " bands");
  }
  const int bandno = listed[0].band;
  const RasterBand* b = src.band(bandno);
  if (!b || !b->color_table()) {
    return Status::invalid_argument(src.description(),
                                    "-expand needs a band with a color table "
                                    "(band " +
                                        std::to_string(bandno) + " has none)");
  }
  if (n == 1 && !gray_palette(*b->color_table())) {
    emit_warning(src.description(), "-expand gray: the color table has non-gray colors");
  }
  std::vector<Pick> picks;
  for (int k = 0; k < n; ++k) picks.push_back({Source::kPaletteEntry, bandno, k});
  if (listed.size() == 2 && n == 4) picks.back() = listed[1];
  return picks;
}

Result<std::vector<Pick>> picks_for(const Dataset& src, const TranslateOptions& o) {
  RK_ASSIGN_OR_RETURN(std::vector<Pick> picks, listed_bands(src, o));
  for (const Pick& p : picks) {
    if (p.band < 1 || p.band > src.band_count()) {
      return Status::invalid_argument(
          src.description(), "band " + std::to_string(p.band) + " does not exist (the file has " +
                                 std::to_string(src.band_count()) + ")");
    }
  }
  if (picks.empty()) return Status::invalid_argument(src.description(), "no band to write");
  // Current gdal_translate (3.9 on) refuses the pair; 3.6 silently dropped
  // -scale for -unscale, and which of the two a user meant is a guess.
  if (o.unscale && (o.scale.given || !o.band_scales.empty())) {
    return Status::invalid_argument("-unscale", "-scale and -unscale cannot be used together");
  }
  // gdal_translate: a -scale_N or -exponent_N past the output's bands, as
  // counted before -expand (the bands listed, or the source's).
  const size_t out_bands = o.bands.empty() ? static_cast<size_t>(src.band_count()) : o.bands.size();
  for (const auto& scale : o.band_scales) {
    if (out_bands && static_cast<size_t>(scale.first) > out_bands) {
      return Status::invalid_argument(
          "-scale", "-scale_XX has been specified with XX greater than the number of output bands");
    }
  }
  for (const auto& exponent : o.band_exponents) {
    if (out_bands && static_cast<size_t>(exponent.first) > out_bands) {
      return Status::invalid_argument(
          "-exponent",
          "-exponent_XX has been specified with XX greater than the number of output bands");
    }
  }
  if (!o.expand.empty()) return expanded_bands(src, o, picks);
  return picks;
}

ScaleParams scale_for(const TranslateOptions& o, int out_band) {
  for (const auto& [n, p] : o.band_scales) {
    if (n == out_band) return p;
  }
  return o.scale;
}

std::optional<double> exponent_for(const TranslateOptions& o, int out_band) {
  for (const auto& [n, e] : o.band_exponents) {
    if (n == out_band) return e;
  }
  return o.exponent;
}

// gdal_translate's source range when -scale gives none:
// GDALComputeRasterMinMax(approx_ok=TRUE), i.e. the stored statistics when
// there are some, else approximate ones (a reduced overview, or a sample of
// the blocks).
Result<std::pair<double, double>> approximate_min_max(RasterBand& sb) {
  if (auto stored = stored_min_max(sb)) return *stored;
  StatisticsOptions approx;
  approx.approx = true;
  RK_ASSIGN_OR_RETURN(BandStatistics st, compute_statistics(sb, approx));
  return std::make_pair(st.min, st.max);
}

Status set_scaling(RasterBand& sb, const TranslateOptions& o, int out_band, ViewBandSpec* b) {
  const ScaleParams sp = scale_for(o, out_band);
  if (!sp.given) {
    if (exponent_for(o, out_band)) {
      return Status::invalid_argument("-exponent", "-exponent needs -scale");
    }
    return Status();
  }
  b->scale = true;
  if (sp.src) {
    b->src_min = sp.src->first;
    b->src_max = sp.src->second;
  } else {
    RK_ASSIGN_OR_RETURN(auto range, approximate_min_max(sb));
    b->src_min = range.first;
    b->src_max = range.second;
  }
  // As gdal_translate, against a division by zero; a range too large for
  // 0.1 to change it cannot be scaled.
  if (b->src_max == b->src_min) b->src_max += 0.1;
  if (b->src_max == b->src_min) {
    return Status::invalid_argument(
        "-scale", "-scale cannot be applied due to source minimum and maximum being equal");
  }
  b->dst_min = sp.dst_min;
  b->dst_max = sp.dst_max;
  b->exponent = exponent_for(o, out_band);
  return Status();
}

// Whether a value survives conversion to `type` unchanged.
bool fits(double v, DataType type) {
  std::vector<std::byte> one(data_type_size(type));
  convert_values(&v, DataType::kFloat64, 8, one.data(), type, 0, 1);
  return value_as_double(one.data(), type) == v;
}

// gdal_translate keeps a band's stored statistics across -ot only where
// they still hold: integer to integer when the stored range fits the new
// type, and integer or Float32 to Float64.
bool statistics_survive(const RasterBand& sb, DataType to) {
  const DataType from = sb.data_type();
  if (from == to) return true;
  const bool int_from = is_integer(from) && !is_complex(from);
  if (to == DataType::kFloat64) return int_from || from == DataType::kFloat32;
  if (!int_from || !is_integer(to) || is_complex(to)) return false;
  for (const char* key : {"STATISTICS_MINIMUM", "STATISTICS_MAXIMUM"}) {
    const auto v = sb.metadata().get(key);
    if (v && !fits(std::strtod(v->c_str(), nullptr), to)) return false;
  }
  return true;
}

// The source band's default-domain metadata (gdal_translate copies no
// other band domain), without statistics that no longer hold: after any
// rescaling, expansion or cutline, a change of window, size or
// resolution, or a type they do not survive.
Metadata carried_metadata(const RasterBand& sb, const ViewBandSpec& b, const TranslateOptions& o,
                          bool layout_preserved) {
  const bool keep_stats = layout_preserved && !b.scale && !b.unscale && o.expand.empty() &&
                          o.cutline.empty() && statistics_survive(sb, b.type);
  Metadata::Items items = sb.metadata().items("");
  if (!keep_stats) items = without_statistics(items);
  Metadata out;
  if (!items.empty()) out.set_items(std::move(items), "");
  return out;
}

// An output band copied (and maybe rescaled) from a source band.
Status describe_copied_band(RasterBand& sb, const TranslateOptions& o, int out_band,
                            bool layout_preserved, ViewBandSpec* b) {
  RK_RETURN_IF_ERROR(set_scaling(sb, o, out_band, b));
  // Even without a scale or offset: gdal_translate's -unscale always goes
  // through its scaling source, whose single-precision arithmetic rounds
  // some values (measured: a Float64 627944.49... becomes 627945 in UInt64
  // with -unscale, 627944 without).
  if (o.unscale) {
    b->unscale = std::make_pair(sb.scale().value_or(1.0), sb.offset().value_or(0.0));
  }
  if (sb.nodata()) b->nodata = sb.nodata();
  b->color_interp = sb.color_interp();
  // Kept under -scale too, as gdal_translate keeps it.
  if (sb.color_table() && (b->type == DataType::kByte || b->type == DataType::kUInt16)) {
    b->color_table = sb.color_table();
  }
  if (!o.unscale) {
    b->value_scale = sb.scale();
    b->value_offset = sb.offset();
  }
  b->unit = sb.unit();
  b->description = sb.description();
  b->metadata = carried_metadata(sb, *b, o, layout_preserved);
  return Status();
}

// -a_nodata, then GDAL's clamping of a nodata value the output type cannot
// hold; -a_scale and -a_offset.
void assign_properties(const TranslateOptions& o, int out_band, ViewBandSpec* b) {
  // A band made from a mask (-b mask) keeps 0/255 without nodata or scale,
  // as in gdal_translate.
  const bool mask = b->source == ViewBandSpec::Source::kMask;
  if (!o.assign_nodata.empty() && !mask) {
    if (o.assign_nodata == "none" || o.assign_nodata == "None") {
      b->nodata.reset();
    } else {
      b->nodata = std::strtod(o.assign_nodata.c_str(), nullptr);
    }
  }
  // Complex integer types are left alone, as gdal_translate leaves them. An
  // integer band never gets a NaN nodata value; what it gets instead is
  // gdal_translate 3.6's (measured): none for 64-bit types, INT32_MIN for
  // Int32, 0 for the others.
  if (b->nodata && !is_floating(b->type) && !is_complex(b->type) && std::isnan(*b->nodata)) {
    const std::string type(data_type_name(b->type));
    if (b->type == DataType::kInt64 || b->type == DataType::kUInt64) {
      emit_warning("", "Cannot set nodata value nan on a " + type + " band");
      b->nodata.reset();
    } else {
      b->nodata = b->type == DataType::kInt32 ? -2147483648.0 : 0.0;
      emit_warning("", "for band " + std::to_string(out_band) +
                           ", nodata value has been rounded to " +
                           (b->type == DataType::kInt32 ? "-2147483648" : "0") + ", " + type +
                           " being an integer datatype.");
    }
  }
  if (b->nodata && !is_floating(b->type) && !is_complex(b->type)) {
    const double v = *b->nodata;
    std::vector<std::byte> one(data_type_size(b->type));
    convert_values(&v, DataType::kFloat64, 8, one.data(), b->type, 0, 1);
    b->nodata = value_as_double(one.data(), b->type);
  }
  // As gdal_translate: either one given sets both, the other to its default.
  if ((o.assign_scale || o.assign_offset) && !mask) {
    b->value_scale = o.assign_scale.value_or(1.0);
    b->value_offset = o.assign_offset.value_or(0.0);
  }
}

}  // namespace

Result<std::vector<ViewBandSpec>> band_specs(const Dataset& src, const TranslateOptions& o,
                                             const Grid& grid) {
  RK_ASSIGN_OR_RETURN(std::vector<Pick> picks, picks_for(src, o));
  // Any -outsize or -tr counts as a change, even to the same size (as GDAL).
  const WindowF& w = grid.window;
  const bool layout_preserved = !o.outsize && !o.target_resolution && w.x == 0 && w.y == 0 &&
                                w.width == static_cast<double>(src.x_size()) &&
                                w.height == static_cast<double>(src.y_size());
  std::vector<ViewBandSpec> specs;
  for (size_t k = 0; k < picks.size(); ++k) {
    const Pick& p = picks[k];
    RasterBand* sb = src.band(p.band);
    ViewBandSpec b;
    b.source = p.kind;
    b.src_band = p.band;
    b.component = p.component;
    b.type = p.kind == Source::kBand ? sb->data_type() : DataType::kByte;
    if (!o.output_type.empty()) b.type = *parse_data_type(o.output_type);
    if (p.kind == Source::kBand) {
      RK_RETURN_IF_ERROR(
          describe_copied_band(*sb, o, static_cast<int>(k + 1), layout_preserved, &b));
      if (!o.expand.empty()) b.color_interp = ColorInterp::kAlpha;  // -expand rgba's alpha
    } else if (p.kind == Source::kPaletteEntry) {
      static const ColorInterp kInterp[4] = {ColorInterp::kRed, ColorInterp::kGreen,
                                             ColorInterp::kBlue, ColorInterp::kAlpha};
      b.color_interp = o.expand == "gray" ? ColorInterp::kGray : kInterp[p.component];
      RK_RETURN_IF_ERROR(set_scaling(*sb, o, static_cast<int>(k + 1), &b));
    }
    assign_properties(o, static_cast<int>(k + 1), &b);
    if (auto ci = o.color_interps.find(static_cast<int>(k + 1)); ci != o.color_interps.end()) {
      b.color_interp = ci->second;
    }
    specs.push_back(std::move(b));
  }
  if (!o.color_interps.empty() &&
      o.color_interps.rbegin()->first > static_cast<int>(specs.size())) {
    emit_warning("-colorinterp", "More bands defined in -colorinterp than output bands");
  }
  return specs;
}

namespace {

bool pixel_interleaved(const Dataset& src) {
  const auto interleave = src.metadata().get("INTERLEAVE", "IMAGE_STRUCTURE");
  return interleave && iequals(*interleave, "PIXEL");
}

// The bands gdal_translate's VRT can hand to the source dataset together:
// two or more, the source's first bands in order, each copied as it is
// (a plain source, not a scaled, expanded or mask one).
bool bands_in_source_order(const std::vector<ViewBandSpec>& specs) {
  if (specs.size() < 2) return false;
  for (size_t k = 0; k < specs.size(); ++k) {
    const ViewBandSpec& b = specs[k];
    if (b.source != Source::kBand || b.src_band != static_cast<int>(k + 1) || b.scale ||
        b.unscale || b.exponent) {
      return false;
    }
  }
  return true;
}

// Whether gdal_translate's kernel runs in the output type: through the
// source dataset's resampled RasterIO, rather than band by band in each
// band's type. Measured on 3.6.2 with a Float32 output of Byte bands
// (doc/design/resampling.md): it does when its copy reads several bands at
// once (the source or the output is pixel-interleaved), its VRT hands them
// to the source together (bands_in_source_order), and that read resamples
// them together, which it does for a kernel other than average and when
// no source band has a nodata value; not when the source has overviews,
// the window is reduced along either axis and no overview is close
// enough. (A request as large as the output also goes band by band: the
// view checks that per read.)
bool read_as_dataset(const Dataset& src, const TranslateOptions& o, const Grid& grid,
                     bool pixel_output, const std::vector<ViewBandSpec>& specs) {
  if (!bands_in_source_order(specs) || iequals(o.resampling, "average")) return false;
  if (!pixel_output && !pixel_interleaved(src)) return false;
  for (int b = 1; b <= src.band_count(); ++b) {
    if (src.band(b)->nodata()) return false;
  }
  RasterBand* first = src.band(1);
  const bool reduced = grid.x_ratio() > 1 || grid.y_ratio() > 1;
  if (first->overview_count() > 0 && reduced &&
      !first->overview_for(std::min(grid.x_ratio(), grid.y_ratio()))) {
    return false;
  }
  return true;
}

}  // namespace

// Measured on 3.6.2: a 10.4-pixel window read into 10 output pixels is
// sampled with nearest neighbour from a pixel-interleaved RGB(A) or
// multi-band UInt16 source, whatever the kernel and the output's
// interleaving, tiling or compression, and resampled from a
// band-interleaved one, for one band, for bands out of order and under
// -scale.
bool nearest_for_aligned_requests(const Dataset& src, const std::vector<ViewBandSpec>& bands) {
  return pixel_interleaved(src) && bands_in_source_order(bands);
}

void choose_kernel_types(const Dataset& src, const TranslateOptions& o, const Grid& grid,
                         bool pixel_output, std::vector<ViewBandSpec>* bands) {
  const bool together = read_as_dataset(src, o, grid, pixel_output, *bands);
  for (ViewBandSpec& b : *bands) {
    // Even read together, an alpha band comes out rounded to its type.
    b.kernel_in_source_type =
        !together ||
        (b.source == Source::kBand && src.band(b.src_band)->color_interp() == ColorInterp::kAlpha);
  }
}

}  // namespace rk::translate_steps
