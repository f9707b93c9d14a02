#include <rasterkit/drivers/gtiff/gtiff_georef_write.h>

#include <geo_normalize.h>
#include <geotiff.h>
#include <geovalues.h>

#include <memory>

#include <rasterkit/drivers/gtiff/gtiff_tags.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk::gtiff {

namespace {

struct GtifDeleter {
  void operator()(GTIF* g) const { GTIFFree(g); }
};

// Keys for one horizontal CRS. Returns false if it cannot be expressed.
bool set_horizontal_keys(GTIF* g, const SpatialRef& srs) {
  const std::optional<int> code = srs.epsg_code();
  switch (srs.kind()) {
    case CrsKind::kProjected:
      GTIFKeySet(g, GTModelTypeGeoKey, TYPE_SHORT, 1, ModelTypeProjected);
      if (code) {
        GTIFKeySet(g, ProjectedCSTypeGeoKey, TYPE_SHORT, 1, *code);
        GTIFKeySet(g, GTCitationGeoKey, TYPE_ASCII, 0, srs.name().c_str());
        return true;
      }
      break;
    case CrsKind::kGeographic:
      GTIFKeySet(g, GTModelTypeGeoKey, TYPE_SHORT, 1, ModelTypeGeographic);
      if (code) {
        GTIFKeySet(g, GeographicTypeGeoKey, TYPE_SHORT, 1, *code);
        GTIFKeySet(g, GeogCitationGeoKey, TYPE_ASCII, 0, srs.name().c_str());
        return true;
      }
      break;
    case CrsKind::kEngineering:
      // GDAL's LOCAL_CS: a projected model naming no projection.
      GTIFKeySet(g, GTModelTypeGeoKey, TYPE_SHORT, 1, ModelTypeProjected);
      GTIFKeySet(g, GTCitationGeoKey, TYPE_ASCII, 0, srs.name().c_str());
      return true;
    default:
      return false;
  }
  // User-defined: libgeotiff writes the keys from a PROJ definition.
  if (srs.to_proj4().empty() || !GTIFSetFromProj4(g, srs.to_proj4().c_str())) return false;
  // The names PROJ strings cannot carry go in the citations, in the form
  // GDAL writes and reads ("GCS Name = ...|Datum = ...|...").
  const std::string geog = "GCS Name = " + srs.geodetic_crs_name() +
                           "|Datum = " + srs.datum_name() + "|Ellipsoid = " + srs.ellipsoid_name() +
                           "|Primem = " + srs.prime_meridian_name() + "|";
  GTIFKeySet(g, GeogCitationGeoKey, TYPE_ASCII, 0, geog.c_str());
  if (srs.kind() == CrsKind::kProjected) {
    GTIFKeySet(g, PCSCitationGeoKey, TYPE_ASCII, 0, srs.name().c_str());
  }
  return true;
}

}  // namespace

Status write_georeferencing(TiffHandle& handle, const std::optional<GeoTransform>& gt,
                            const std::vector<Gcp>& gcps, const std::optional<SpatialRef>& srs,
                            bool pixel_is_point) {
  TIFF* t = handle.tiff();
  if (gt) {
    const auto& c = gt->c;
    // Reading shifts a pixel-is-point origin back by half a pixel.
    const double x0 = c[0] + (pixel_is_point ? (c[1] + c[2]) * 0.5 : 0.0);
    const double y0 = c[3] + (pixel_is_point ? (c[4] + c[5]) * 0.5 : 0.0);
    if (gt->is_north_up() && c[5] < 0) {
      const double tie[6] = {0, 0, 0, x0, y0, 0};
      const double scale[3] = {c[1], -c[5], 0};
      TIFFSetField(t, kTagModelTiepoint, 6, tie);
      TIFFSetField(t, kTagModelPixelScale, 3, scale);
    } else {
      const double m[16] = {c[1], c[2], 0, x0, c[4], c[5], 0, y0, 0, 0, 0, 0, 0, 0, 0, 1};
      TIFFSetField(t, kTagModelTransformation, 16, m);
    }
  } else if (!gcps.empty()) {
    std::vector<double> ties;
    for (const Gcp& p : gcps) {
      const double shift = pixel_is_point ? 0.5 : 0.0;
      ties.insert(ties.end(), {p.pixel - shift, p.line - shift, 0, p.x, p.y, p.z});
    }
    TIFFSetField(t, kTagModelTiepoint, static_cast<uint16_t>(ties.size()), ties.data());
  }
  // No CRS: the raster type still matters for the transform, and GDAL
  // writes PixelIsPoint even for a raster with no georeferencing at all.
  if (!srs && !gt && gcps.empty() && !pixel_is_point) return Status();
  std::unique_ptr<GTIF, GtifDeleter> g(GTIFNew(t));
  if (!g) return Status::internal(handle.path(), "cannot create the GeoKey directory");
  // Without a CRS, GDAL writes no keys for the default (area) raster type;
  // a lone GTRasterTypeGeoKey makes readers invent a local CRS.
  if (srs || pixel_is_point) {
    GTIFKeySet(g.get(), GTRasterTypeGeoKey, TYPE_SHORT, 1,
               pixel_is_point ? RasterPixelIsPoint : RasterPixelIsArea);
  }
  if (srs) {
    bool ok;
    const std::vector<SpatialRef> parts = srs->sub_crs();
    if (parts.size() == 2) {
      ok = set_horizontal_keys(g.get(), parts[0]);
      if (ok && parts[1].epsg_code()) {
        // A vertical CRS needs GeoTIFF 1.1 keys (VerticalCSTypeGeoKey).
        GTIFSetVersionNumbers(g.get(), 1, 1, 1);
        GTIFKeySet(g.get(), VerticalCSTypeGeoKey, TYPE_SHORT, 1, *parts[1].epsg_code());
        GTIFKeySet(g.get(), VerticalCitationGeoKey, TYPE_ASCII, 0, parts[1].name().c_str());
      }
    } else {
      ok = set_horizontal_keys(g.get(), *srs);
    }
    if (!ok) {
      emit_warning(handle.path(), "the CRS '" + srs->name() +
                                      "' cannot be written as GeoTIFF keys; it is left out");
    }
  }
  if (!GTIFWriteKeys(g.get())) return handle.take_error("cannot write the GeoKeys");
  return Status();
}

}  // namespace rk::gtiff
