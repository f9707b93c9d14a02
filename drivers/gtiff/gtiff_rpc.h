// Rational polynomial coefficients (RPC) of a GeoTIFF, GDAL's "RPC"
// metadata domain: the RPCCoefficientTag (50844, 92 doubles), and the
// side-cars GDAL reads beside a TIFF — NAME.RPB (DigitalGlobe) and
// NAME_RPC.TXT (GeoEye). Keys are GDAL's: LINE_OFF, SAMP_OFF, LAT_OFF,
// LONG_OFF, HEIGHT_OFF, the five *_SCALE, the four *_COEFF lists of 20
// values, ERR_BIAS and ERR_RAND; items are kept sorted as gdalinfo prints
// them.
#pragma once

#include <tiffio.h>

#include <optional>
#include <string>

#include <rasterkit/gdalcore/metadata.h>

namespace rk::gtiff {

// The tag's RPCs, each value as "%.15g" (lists space-separated); nullopt
// when the tag is absent or does not hold exactly 92 values.
std::optional<Metadata::Items> read_rpc_tag(TIFF* t);

// Writes the RPC domain into the tag. Missing ERR_BIAS/ERR_RAND are written
// as -1 and other missing values as 0, as GDAL does.
void write_rpc_tag(TIFF* t, const Metadata::Items& rpc);

// A side-car found beside `tiff_path`.
struct RpcSideCar {
  std::string path;                    // as listed by gdalinfo's "Files:"
  std::string metadata_type;           // "DG" (.RPB) or "GE" (_RPC.TXT): METADATATYPE
  std::optional<Metadata::Items> rpc;  // nullopt: found but unusable (a warning says why)
};

// The .RPB beside `tiff_path`, else its _RPC.TXT (names matched ignoring
// case, as GDAL does); values are kept as written.
std::optional<RpcSideCar> find_rpc_side_car(const std::string& tiff_path);

}  // namespace rk::gtiff
