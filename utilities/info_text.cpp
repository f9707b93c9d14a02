// InfoReport::to_text(): gdalinfo's text, line for line.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <rasterkit/utilities/info.h>
#include <rasterkit/utilities/info_render.h>

namespace rk {

namespace {

using info_render::g15;
using info_render::printf_string;

void print_domain(std::ostringstream& out, const Metadata& md,
                  const info_render::ShownDomain& shown, const char* indent) {
  const std::string& domain = shown.domain;
  const Metadata::Items& items = md.items(domain);
  if (items.empty()) return;
  if (domain.empty()) {
    out << indent << "Metadata:\n";
  } else if (shown.asked) {
    out << indent << "Metadata (" << domain << "):\n";
  } else if (domain == "IMAGE_STRUCTURE") {
    out << indent << "Image Structure Metadata:\n";
  } else {
    out << indent << "RPC Metadata:\n";
  }
  if (info_render::is_xml_domain(domain)) {
    // One XML document, printed as stored.
    out << indent << items.front().second << "\n";
    return;
  }
  for (const auto& [k, v] : items) out << indent << "  " << k << "=" << v << "\n";
}

void print_metadata(std::ostringstream& out, const Metadata& md, const InfoOptions& o,
                    const char* indent) {
  if (!o.show_metadata) return;
  const bool band = indent[0] != '\0';
  for (const auto& d : info_render::shown_domains(md, o, band)) print_domain(out, md, d, indent);
}

void print_srs(std::ostringstream& out, const InfoReport& r) {
  if (!r.srs_wkt) return;  // gdalinfo 3.6 prints nothing then
  out << "Coordinate System is:\n" << *r.srs_wkt << "\n";
  if (!r.axis_mapping.empty()) {
    out << "Data axis to CRS axis mapping: ";
    for (size_t i = 0; i < r.axis_mapping.size(); ++i) out << (i ? "," : "") << r.axis_mapping[i];
    out << "\n";
  }
  if (r.options.proj4 && !r.srs_proj4.empty())
    out << "PROJ.4 string is:\n'" << r.srs_proj4 << "'\n";
}

void print_geo_transform(std::ostringstream& out, const GeoTransform& gt) {
  if (gt.c[2] == 0 && gt.c[4] == 0) {
    out << "Origin = (" << printf_string("%.15f", gt.c[0]) << "," << printf_string("%.15f", gt.c[3])
        << ")\n";
    out << "Pixel Size = (" << printf_string("%.15f", gt.c[1]) << ","
        << printf_string("%.15f", gt.c[5]) << ")\n";
    return;
  }
  out << "GeoTransform =\n  " << g15(gt.c[0]) << ", " << g15(gt.c[1]) << ", " << g15(gt.c[2])
      << "\n  " << g15(gt.c[3]) << ", " << g15(gt.c[4]) << ", " << g15(gt.c[5]) << "\n";
}

void print_gcps(std::ostringstream& out, const InfoReport& r) {
  if (r.gcps.empty()) return;
  if (r.gcp_srs_wkt) out << "GCP Projection = \n" << *r.gcp_srs_wkt << "\n";
  for (size_t i = 0; i < r.gcps.size(); ++i) {
    const Gcp& g = r.gcps[i];
    char head[64];
    std::snprintf(head, sizeof head, "GCP[%3zu]: ", i);
    out << head << "Id=" << g.id << ", Info=" << g.info << "\n          (" << g15(g.pixel) << ","
        << g15(g.line) << ") -> (" << g15(g.x) << "," << g15(g.y) << "," << g15(g.z) << ")\n";
  }
}

void print_corners(std::ostringstream& out, const InfoReport& r) {
  out << "Corner Coordinates:\n";
  for (const InfoCorner& c : r.corners) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%-11s ", c.text_name);
    out << buf;
    if (!r.geo_transform) {
      std::snprintf(buf, sizeof buf, "(%7.1f,%7.1f)", c.x, c.y);
      out << buf << "\n";
      continue;
    }
    const char* format =
        std::fabs(c.x) < 181 && std::fabs(c.y) < 91 ? "(%12.7f,%12.7f) " : "(%12.3f,%12.3f) ";
    std::snprintf(buf, sizeof buf, format, c.x, c.y);
    out << buf;
    if (c.geographic) {
      out << "(" << format_dms(c.geographic->first, "Long") << ","
          << format_dms(c.geographic->second, "Lat") << ")";
    }
    out << "\n";
  }
}

void print_overview_list(std::ostringstream& out, const char* title,
                         const std::vector<InfoOverview>& ovs) {
  if (ovs.empty()) return;
  out << title;
  for (size_t i = 0; i < ovs.size(); ++i) {
    out << (i ? ", " : "") << ovs[i].x_size << "x" << ovs[i].y_size;
  }
  out << "\n";
}

void print_values(std::ostringstream& out, const InfoBand& b) {
  char buf[200];
  // gdalinfo's min/max line: what the file keeps, then what -mm computed.
  if (b.stored_min_max || b.computed_min_max) {
    out << "  ";
    if (b.stored_min_max) {
      std::snprintf(buf, sizeof buf, "Min=%.3f Max=%.3f ", b.stored_min_max->first,
                    b.stored_min_max->second);
      out << buf;
    }
    if (b.computed_min_max) {
      std::snprintf(buf, sizeof buf, "  Computed Min/Max=%.3f,%.3f", b.computed_min_max->first,
                    b.computed_min_max->second);
      out << buf;
    }
    out << "\n";
  }
  if (b.statistics) {
    std::snprintf(buf, sizeof buf, "  Minimum=%.3f, Maximum=%.3f, Mean=%.3f, StdDev=%.3f\n",
                  b.statistics->min, b.statistics->max, b.statistics->mean, b.statistics->stddev);
    out << buf;
  }
  // gdalinfo starts its progress before it finds the range unusable: a
  // lone "0" that the next line follows.
  if (b.histogram_failed) out << "0";
  if (b.histogram) {
    // gdalinfo's progress while it computed the histogram, on stdout.
    if (b.histogram_computed)
      out << "0...10...20...30...40...50...60...70...80...90...100 - done.\n";
    out << "  " << b.histogram->counts.size() << " buckets from "
        << printf_string("%g", b.histogram->min) << " to " << printf_string("%g", b.histogram->max)
        << ":\n  ";
    for (uint64_t c : b.histogram->counts) out << c << " ";
    out << "\n";
  }
  if (b.checksum) out << "  Checksum=" << *b.checksum << "\n";
  if (auto nd = info_render::nodata_text(b)) out << "  NoData Value=" << *nd << "\n";
}

void print_band(std::ostringstream& out, const InfoBand& b, const InfoOptions& o) {
  out << "Band " << b.number << " Block=" << b.block_x << "x" << b.block_y
      << " Type=" << data_type_name(b.type) << ", ColorInterp=" << color_interp_name(b.color_interp)
      << "\n";
  if (!b.description.empty()) out << "  Description = " << b.description << "\n";
  print_values(out, b);
  print_overview_list(out, "  Overviews: ", b.overviews);
  bool any_checksum = false;
  for (const InfoOverview& ov : b.overviews) any_checksum = any_checksum || ov.checksum;
  if (any_checksum) {
    out << "  Overviews checksum: ";
    for (size_t i = 0; i < b.overviews.size(); ++i) {
      out << (i ? ", " : "") << b.overviews[i].checksum.value_or(-1);
    }
    out << "\n";
  }
  // As gdalinfo: only masks that are neither all-valid nor nodata-derived.
  if ((b.mask_flags & (kMaskAllValid | kMaskNoData)) == 0) {
    out << "  Mask Flags: ";
    for (const std::string& f : info_render::mask_flag_names(b.mask_flags)) out << f << " ";
    out << "\n";
    print_overview_list(out, "  Overviews of mask band: ", b.mask_overviews);
  }
  if (!b.unit.empty()) out << "  Unit Type: " << b.unit << "\n";
  if (!b.category_names.empty()) {
    out << "  Categories:\n";
    char buf[32];
    for (size_t i = 0; i < b.category_names.size(); ++i) {
      std::snprintf(buf, sizeof buf, "    %3zu: ", i);
      out << buf << b.category_names[i] << "\n";
    }
  }
  if (b.offset || b.scale) {
    out << "  Offset: " << g15(b.offset.value_or(0)) << ",   Scale:" << g15(b.scale.value_or(1))
        << "\n";
  }
  print_metadata(out, b.metadata, o, "  ");
  // As gdalinfo: the table of a palette band only.
  if (const auto& ct = b.color_table; ct && b.color_interp == ColorInterp::kPalette) {
    out << "  Color Table (RGB with " << ct->entries.size() << " entries)\n";
    if (o.show_color_table) {
      for (size_t i = 0; i < ct->entries.size(); ++i) {
        const ColorEntry& e = ct->entries[i];
        char buf[96];
        std::snprintf(buf, sizeof buf, "  %3zu: %d,%d,%d,%d\n", i, e.c1, e.c2, e.c3, e.c4);
        out << buf;
      }
    }
  }
}

}  // namespace

std::string InfoReport::to_text() const {
  std::ostringstream out;
  if (!driver_short_name.empty()) {
    out << "Driver: " << driver_short_name << "/" << driver_long_name << "\n";
  }
  out << "Files: " << files[0] << "\n";
  for (size_t i = 1; i < files.size(); ++i) out << "       " << files[i] << "\n";
  out << "Size is " << x_size << ", " << y_size << "\n";
  print_srs(out, *this);
  if (geo_transform) print_geo_transform(out, *geo_transform);
  print_gcps(out, *this);
  print_metadata(out, metadata, options, "");
  print_corners(out, *this);
  for (const InfoBand& b : bands) print_band(out, b, options);
  return out.str();
}

}  // namespace rk
