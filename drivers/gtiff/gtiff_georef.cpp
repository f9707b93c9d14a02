#include <rasterkit/drivers/gtiff/gtiff_georef.h>

#include <rasterkit/gdalcore/proj_context.h>

#include <geo_normalize.h>
#include <geotiff.h>
#include <geovalues.h>
#include <proj.h>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <memory>

#include <rasterkit/drivers/gtiff/gtiff_geokeys_crs.h>
#include <rasterkit/drivers/gtiff/gtiff_tags.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk::gtiff {

namespace {

// RAII for libgeotiff and PROJ objects.
struct GtifDeleter {
  void operator()(GTIF* g) const { GTIFFree(g); }
};
struct DefnDeleter {
  void operator()(GTIFDefn* d) const { GTIFFreeDefn(d); }
};

// libgeotiff's per-GTIF error callback: its messages become warnings of the
// calling thread, naming the file.
void geotiff_error(GTIF* gtif, int level, const char* fmt, ...) {
  auto* handle = static_cast<TiffHandle*>(GTIFGetUserData(gtif));
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  (void)level;
  emit_warning(handle ? handle->path() : std::string(), std::string("GeoTIFF keys: ") + buf);
}

std::optional<int> key_short(GTIF* g, geokey_t key) {
  unsigned short v = 0;
  if (GTIFKeyGetSHORT(g, key, &v, 0, 1) != 1) return std::nullopt;
  return v;
}

}  // namespace

Georeferencing read_georeferencing(TiffHandle& handle) {
  Georeferencing out;
  TIFF* t = handle.tiff();
  const std::string& path = handle.path();

  bool pixel_is_point = false;
  std::unique_ptr<GTIF, GtifDeleter> gtif(GTIFNewEx(t, geotiff_error, &handle));
  if (gtif) {
    int versions[3] = {0, 0, 0};
    int key_count = 0;
    GTIFDirectoryInfo(gtif.get(), versions, &key_count);
    if (key_count > 0) {
      const std::optional<int> raster_type = key_short(gtif.get(), GTRasterTypeGeoKey);
      pixel_is_point = raster_type && *raster_type == RasterPixelIsPoint;
      out.area_or_point = pixel_is_point ? "Point" : "Area";
      // libgeotiff looks codes up in PROJ's database through this thread's
      // context (contexts are never shared between threads).
      PJ_CONTEXT* ctx = proj_thread_context();
      GTIFAttachPROJContext(gtif.get(), ctx);
      std::unique_ptr<GTIFDefn, DefnDeleter> defn(GTIFAllocDefn());
      if (defn) {
        // Even when libgeotiff finds the definition incomplete (a bare
        // geographic model), GDAL still reports a CRS from what is there.
        (void)GTIFGetDefn(gtif.get(), defn.get());
        out.srs = crs_from_geokeys(ctx, gtif.get(), *defn, path);
      }
      gtif.reset();  // before the PROJ context it uses
    }
  }

  uint16_t count = 0;
  double* scale = nullptr;
  double* tiepoints = nullptr;
  double* matrix = nullptr;
  uint16_t tie_count = 0;
  const bool has_scale = TIFFGetField(t, kTagModelPixelScale, &count, &scale) && count >= 2 &&
                         scale[0] != 0.0 && scale[1] != 0.0;
  const bool has_ties =
      TIFFGetField(t, kTagModelTiepoint, &tie_count, &tiepoints) && tie_count >= 6;
  if (has_scale && has_ties) {
    GeoTransform gt;
    gt.c = {0, scale[0], 0, 0, 0, -std::fabs(scale[1])};
    gt.c[0] = tiepoints[3] - tiepoints[0] * gt.c[1];
    gt.c[3] = tiepoints[4] - tiepoints[1] * gt.c[5];
    if (pixel_is_point) {
      gt.c[0] -= gt.c[1] * 0.5;
      gt.c[3] -= gt.c[5] * 0.5;
    }
    out.geo_transform = gt;
  } else if (TIFFGetField(t, kTagModelTransformation, &count, &matrix) && count == 16) {
    GeoTransform gt;
    gt.c = {matrix[3], matrix[0], matrix[1], matrix[7], matrix[4], matrix[5]};
    if (pixel_is_point) {
      gt.c[0] -= (gt.c[1] + gt.c[2]) * 0.5;
      gt.c[3] -= (gt.c[4] + gt.c[5]) * 0.5;
    }
    out.geo_transform = gt;
  } else if (has_ties) {
    // Tiepoints without a pixel scale: ground control points.
    for (uint16_t i = 0; i + 5 < tie_count; i += 6) {
      Gcp gcp;
      gcp.id = std::to_string(i / 6 + 1);
      gcp.pixel = tiepoints[i] + (pixel_is_point ? 0.5 : 0.0);
      gcp.line = tiepoints[i + 1] + (pixel_is_point ? 0.5 : 0.0);
      gcp.x = tiepoints[i + 3];
      gcp.y = tiepoints[i + 4];
      gcp.z = tiepoints[i + 5];
      out.gcps.push_back(gcp);
    }
  }
  return out;
}

}  // namespace rk::gtiff
