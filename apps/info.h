// `rasterkit info`: gdalinfo's report, as text or as gdalinfo -json's
// document. Built as a string so that tests can compare it without running
// a process.
#pragma once

#include <string>
#include <vector>

#include "gdalcore/dataset.h"

namespace rk {

class WorkerPool;

struct InfoOptions {
  bool json = false;             // -json
  bool show_metadata = true;     // -nomd turns it off
  bool show_color_table = true;  // -noct
  bool show_gcps = true;         // -nogcp
  bool show_rat = true;          // -norat (rasterkit has no attribute tables)
  bool all_files = true;         // -nofl: only the first file
  bool compute_stats = false;    // -stats / -approx_stats
  bool approx_stats = false;
  bool compute_min_max = false;            // -mm
  bool histogram = false;                  // -hist
  bool checksum = false;                   // -checksum
  bool proj4 = false;                      // -proj4
  std::string wkt_format = "WKT2";         // -wkt_format
  std::vector<std::string> extra_domains;  // -mdd DOMAIN (or "all")
  WorkerPool* pool = nullptr;              // statistics on several threads
};

// The report; errors are those of computing statistics or checksums.
Result<std::string> build_info_report(Dataset& ds, const InfoOptions& options);

// GDAL's degree-minute-second form: "117d38'28.21\"W" (`axis` "Long" or "Lat").
std::string format_dms(double degrees, const char* axis);

}  // namespace rk
