#include <rasterkit/drivers/gtiff/gtiff_tags.h>

#include <xtiffio.h>

#include <mutex>

namespace rk::gtiff {

namespace {

TIFFExtendProc g_previous_extender = nullptr;

// GDAL's private tags, as GDAL declares them: one ASCII string each; and
// the RPC tag, a counted list of doubles.
const TIFFFieldInfo kGdalFields[] = {
    {kTagGdalMetadata, -1, -1, TIFF_ASCII, FIELD_CUSTOM, 1, 0, const_cast<char*>("GDALMetadata")},
    {kTagGdalNodata, -1, -1, TIFF_ASCII, FIELD_CUSTOM, 1, 0, const_cast<char*>("GDALNoDataValue")},
    {kTagRpcCoefficient, -1, -1, TIFF_DOUBLE, FIELD_CUSTOM, 1, 1,
     const_cast<char*>("RPCCoefficient")},
};

void extend(TIFF* tif) {
  TIFFMergeFieldInfo(tif, kGdalFields, sizeof kGdalFields / sizeof kGdalFields[0]);
  if (g_previous_extender) g_previous_extender(tif);
}

}  // namespace

void register_tiff_tags() {
  static std::once_flag once;
  std::call_once(once, [] {
    XTIFFInitialize();  // libgeotiff's GeoTIFF tag definitions
    g_previous_extender = TIFFSetTagExtender(extend);
  });
}

}  // namespace rk::gtiff
