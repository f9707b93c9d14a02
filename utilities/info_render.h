// What InfoReport's text and JSON renderings share (private to
// rk_utilities): number formats, the metadata domains shown, nodata text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <rasterkit/utilities/info.h>

namespace rk::info_render {

std::string printf_string(const char* format, double v);
// GDAL prints doubles with %.15g in most places.
std::string g15(double v);

bool is_xml_domain(const std::string& domain);

// Rounds as gdalinfo -json does (printf's %.Nf of the double, so a value
// just below a half rounds down).
double rounded(double v, int digits);

// A double as gdalinfo -json prints a geotransform: with 16 decimals,
// after removing what looks like the noise of a binary fraction (five
// nines or zeros just before the last digit, six before the last two:
// fewer decimals, or the digits after the zeros dropped). Values agree with
// GDAL 3.6.2's on 1,866 of 1,869 sampled below 10^9 in magnitude.
double decimals16(double v);

// The metadata domains gdalinfo shows, in its order: the default one, those
// asked for with -mdd ("all": every other domain but image structure and
// RPC), image structure, and for the dataset RPC. A domain may come twice
// (-mdd RPC): the text prints it twice, the JSON once.
struct ShownDomain {
  std::string domain;
  bool asked = false;  // from -mdd: titled "Metadata (DOMAIN)"
};
std::vector<ShownDomain> shown_domains(const Metadata& md, const InfoOptions& o, bool band);

// "NoData Value=" text: %.18g, "nan", exact 64-bit integers.
std::optional<std::string> nodata_text(const InfoBand& b);

// GDAL's names of the mask flags set in `flags`, in its order.
std::vector<std::string> mask_flag_names(int flags);

}  // namespace rk::info_render
