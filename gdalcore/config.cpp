#include <rasterkit/gdalcore/config.h>

#include <rasterkit/gdalcore/worker_pool.h>

#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include <rasterkit/blockcache/block_cache.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/pam.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk {

size_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<size_t>(pages) * static_cast<size_t>(page);
}

Result<size_t> parse_cache_size(std::string_view text, size_t physical) {
  std::string s(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
  const auto bad = [&](const std::string& why) {
    return Status::invalid_argument("RK_CACHEMAX", "'" + std::string(text) + "' " + why);
  };
  if (s.empty()) return bad("is empty");
  char* end = nullptr;
  const double number = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(number) || number < 0) {
    return bad("is not a size (use megabytes, a percentage like 10%, or a unit like 2GB)");
  }
  const std::string unit(end);
  double bytes;
  if (unit == "%") {
    if (number > 100) return bad("is more than 100%");
    if (physical == 0) return bad("is a percentage, but physical memory is unknown");
    bytes = static_cast<double>(physical) * number / 100.0;
  } else if (unit.empty()) {
    bytes = number * 1024 * 1024;  // megabytes, as GDAL_CACHEMAX
  } else if (iequals(unit, "B")) {
    bytes = number;
  } else if (iequals(unit, "KB") || iequals(unit, "K")) {
    bytes = number * 1024;
  } else if (iequals(unit, "MB") || iequals(unit, "M")) {
    bytes = number * 1024 * 1024;
  } else if (iequals(unit, "GB") || iequals(unit, "G")) {
    bytes = number * 1024.0 * 1024 * 1024;
  } else if (iequals(unit, "TB") || iequals(unit, "T")) {
    bytes = number * 1024.0 * 1024 * 1024 * 1024;
  } else {
    return bad("has an unknown unit '" + unit + "' (use B, KB, MB, GB, TB or %)");
  }
  if (bytes >= 1.8e19) return bad("is too large");
  return static_cast<size_t>(bytes);
}

void configure_from_environment() {
  if (const char* value = std::getenv("RK_CACHEMAX")) {
    Result<size_t> size = parse_cache_size(value, physical_memory_bytes());
    if (size.ok()) {
      BlockCache::global().set_capacity(*size);
    } else {
      emit_warning("RK_CACHEMAX", size.status().message() + "; using the default of " +
                                      std::to_string(BlockCache::global().capacity() >> 20) +
                                      " MB");
    }
  }
  if (const char* value = std::getenv("RK_NUM_THREADS")) {
    if (const int n = WorkerPool::parse_thread_count(value)) {
      WorkerPool::set_default_thread_count(n);
    } else {
      emit_warning("RK_NUM_THREADS", std::string("'") + value +
                                         "' is not a thread count (a number or ALL_CPUS); "
                                         "using every core");
    }
  }
  configure_side_cars();
}

namespace {

// A yes/no setting as GDAL reads one: NO, FALSE, OFF and 0 are no.
bool is_no(std::string_view v) {
  return iequals(v, "NO") || iequals(v, "FALSE") || iequals(v, "OFF") || v == "0";
}

}  // namespace

void configure_side_cars() {
  // rasterkit's name first, then GDAL's, so existing scripts keep working.
  for (const char* name : {"RK_PAM_ENABLED", "GDAL_PAM_ENABLED"}) {
    if (const char* value = std::getenv(name)) {
      set_pam_enabled(!is_no(value));
      return;
    }
  }
}

}  // namespace rk
