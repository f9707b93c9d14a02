// Dataset::apply_pam: a side-car's values laid over a dataset's own, with
// GDAL 3.6's precedence (measured against GDAL; see doc/drivers/gtiff.md).
#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/pam.h>

namespace rk {

namespace {

// Each domain of `pam` merged into `md`, the side-car's value winning per
// key; merged domains come out sorted as GDAL sorts them.
void merge_metadata(const Metadata& pam, Metadata& md) {
  for (const std::string& d : pam.domains()) {
    if (Metadata::is_xml_domain(d)) {
      md.set_xml_document(d, *pam.xml_document(d));
      continue;
    }
    for (const auto& [k, v] : pam.items(d)) md.set(k, v, d);
    md.sort_items(&d);
  }
}

}  // namespace

void Dataset::apply_pam(const PamDataset& pam) {
  merge_metadata(pam.metadata, metadata_);
  if (pam.srs) {
    spatial_ref_ = *pam.srs;
    // As GDAL: the side-car's CRS replaces the GeoKeys, and with them the
    // raster type they gave (AREA_OR_POINT).
    metadata_.erase("AREA_OR_POINT");
  }
  if (pam.geo_transform) geo_transform_ = pam.geo_transform;
  for (const PamBand& p : pam.bands) {
    RasterBand* b = band(p.number);
    if (!b) continue;  // as GDAL: a side-car band the file lacks is ignored
    merge_metadata(p.metadata, b->metadata_);
    if (p.nodata) b->init_nodata(*p.nodata);
    if (p.color_interp) b->color_interp_ = *p.color_interp;
    if (p.color_table) {
      b->color_table_ = p.color_table;
      b->color_interp_ = ColorInterp::kPalette;
    }
    if (!b->scale_ && !b->offset_ && (p.scale || p.offset)) {
      b->scale_ = p.scale.value_or(1.0);
      b->offset_ = p.offset.value_or(0.0);
    }
    if (b->unit_.empty() && p.unit) b->unit_ = *p.unit;
    if (b->description_.empty() && p.description) b->description_ = *p.description;
    if (!p.histograms.empty()) {
      b->default_histogram_ = p.histograms.front().histogram;
    } else if (p.unreadable_histogram) {
      b->default_histogram_ = Histogram{};  // there, but unreadable: no buckets
    }
    if (!p.category_names.empty()) b->category_names_ = p.category_names;
  }
}

}  // namespace rk
