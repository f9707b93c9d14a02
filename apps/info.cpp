#include "apps/info.h"

#include <cstdio>
#include <sstream>

#include "gdalcore/driver.h"

namespace rk {

namespace {

// GDAL prints doubles with %.15g.
std::string g15(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

void print_metadata(std::ostringstream& out, const Metadata& md, const char* indent) {
  for (const std::string& domain : md.domains()) {
    if (domain.empty()) {
      out << indent << "Metadata:\n";
    } else {
      out << indent << "Metadata (" << domain << "):\n";
    }
    for (const auto& [k, v] : md.items(domain)) out << indent << "  " << k << "=" << v << "\n";
  }
}

std::string mask_flags_text(int flags) {
  std::string out;
  const std::pair<int, const char*> names[] = {{kMaskAllValid, "ALL_VALID"},
                                               {kMaskPerDataset, "PER_DATASET"},
                                               {kMaskAlpha, "ALPHA"},
                                               {kMaskNoData, "NODATA"}};
  for (const auto& [bit, name] : names) {
    if (flags & bit) out += std::string(out.empty() ? "" : " ") + name;
  }
  return out;
}

}  // namespace

std::string build_info_report(Dataset& ds, const InfoOptions& options) {
  std::ostringstream out;
  if (const Driver* d = ds.driver()) {
    out << "Driver: " << d->short_name() << "/" << d->long_name() << "\n";
  }
  out << "Files: " << ds.description() << "\n";
  out << "Size is " << ds.x_size() << ", " << ds.y_size() << "\n";
  if (const auto& srs = ds.spatial_ref()) {
    out << "Coordinate System is:\n" << srs->to_wkt2() << "\n";
  }
  if (const auto& gt = ds.geo_transform()) {
    if (gt->is_north_up()) {
      out << "Origin = (" << g15(gt->c[0]) << "," << g15(gt->c[3]) << ")\n";
      out << "Pixel Size = (" << g15(gt->c[1]) << "," << g15(gt->c[5]) << ")\n";
    } else {
      out << "GeoTransform =\n  " << g15(gt->c[0]) << ", " << g15(gt->c[1]) << ", " << g15(gt->c[2])
          << "\n  " << g15(gt->c[3]) << ", " << g15(gt->c[4]) << ", " << g15(gt->c[5]) << "\n";
    }
  }
  if (options.show_metadata) print_metadata(out, ds.metadata(), "");
  for (int b = 1; b <= ds.band_count(); ++b) {
    RasterBand* band = ds.band(b);
    out << "Band " << b << " Block=" << band->block_x_size() << "x" << band->block_y_size()
        << " Type=" << data_type_name(band->data_type())
        << ", ColorInterp=" << color_interp_name(band->color_interp()) << "\n";
    if (!band->description().empty()) out << "  Description = " << band->description() << "\n";
    if (band->nodata_int64() && band->data_type() == DataType::kInt64) {
      out << "  NoData Value=" << *band->nodata_int64() << "\n";
    } else if (band->nodata_uint64() && band->data_type() == DataType::kUInt64) {
      out << "  NoData Value=" << *band->nodata_uint64() << "\n";
    } else if (band->nodata()) {
      out << "  NoData Value=" << g15(*band->nodata()) << "\n";
    }
    if (band->overview_count() > 0) {
      out << "  Overviews: ";
      for (int i = 0; i < band->overview_count(); ++i) {
        RasterBand* ov = band->overview(i);
        out << (i ? ", " : "") << ov->x_size() << "x" << ov->y_size();
      }
      out << "\n";
    }
    if (band->mask_flags() != kMaskAllValid) {
      out << "  Mask Flags: " << mask_flags_text(band->mask_flags()) << "\n";
    }
    if (band->offset() || band->scale()) {
      out << "  Offset: " << g15(band->offset().value_or(0))
          << ",   Scale:" << g15(band->scale().value_or(1)) << "\n";
    }
    if (!band->unit().empty()) out << "  Unit Type: " << band->unit() << "\n";
    if (options.show_metadata) print_metadata(out, band->metadata(), "  ");
    if (const auto& ct = band->color_table()) {
      out << "  Color Table (RGB with " << ct->entries.size() << " entries)\n";
      for (size_t i = 0; i < ct->entries.size(); ++i) {
        const ColorEntry& e = ct->entries[i];
        out << "    " << i << ": " << e.c1 << "," << e.c2 << "," << e.c3 << "," << e.c4 << "\n";
      }
    }
  }
  return out.str();
}

}  // namespace rk
