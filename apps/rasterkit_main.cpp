// The `rasterkit` command line. Exit codes: 0 success, 1 runtime failure,
// 2 usage error. Every error is one line naming the file and the problem.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "apps/cli_args.h"
#include "apps/footprint.h"
#include "apps/info.h"
#include "apps/translate.h"
#include "blockcache/block_cache.h"
#include "drivers/register_builtin.h"
#include "gdalcore/driver_manager.h"
#include "gdalcore/worker_pool.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

const char kUsage[] =
    "Usage: rasterkit <command> [options]\n"
    "\n"
    "Commands:\n"
    "  info FILE            describe a raster (gdalinfo's flags; rasterkit info --help)\n"
    "  translate SRC DST    convert, cut, resample, rescale (gdal_translate's flags)\n"
    "  footprint SRC [DST]  polygons of the valid pixels (gdal_footprint's flags)\n"
    "\n"
    "Options:\n"
    "  --version            print the version and exit\n"
    "  --help               print this help and exit\n"
    "  --config KEY VALUE   set a configuration option (RK_CACHEMAX, RK_NUM_THREADS;\n"
    "                       GDAL_CACHEMAX and GDAL_NUM_THREADS are accepted as aliases)\n";

const char kInfoUsage[] =
    "Usage: rasterkit info [-json] [-mm] [-stats | -approx_stats] [-hist] [-checksum]\n"
    "                      [-nomd] [-noct] [-nogcp] [-norat] [-nofl] [-mdd DOMAIN|all]\n"
    "                      [-proj4] [-wkt_format WKT1|WKT2|WKT2_2015|WKT2_2018|WKT2_2019]\n"
    "                      [-oo NAME=VALUE] [--threads N] FILE\n";

const std::vector<std::string> kInfoFlags = {
    "-json",  "-mm",         "-stats", "-approx_stats", "-hist", "-checksum",
    "-nomd",  "-noct",       "-nogcp", "-norat",        "-nofl", "-mdd",
    "-proj4", "-wkt_format", "-oo",    "--threads",     "--help"};

int usage_error(const std::string& message, const char* usage) {
  std::fprintf(stderr, "rasterkit: %s\n%s", message.c_str(), usage);
  return kExitUsage;
}

int failure(const char* command, const rk::Status& st) {
  std::fprintf(stderr, "rasterkit %s: %s\n", command, st.to_string().c_str());
  return kExitFailure;
}

int run_info(const std::vector<std::string>& args) {
  rk::InfoOptions options;
  rk::OpenParams params;
  std::vector<std::string> open_options;
  std::string path;
  int threads = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto need_value = [&]() -> const std::string* {
      return i + 1 < args.size() ? &args[++i] : nullptr;
    };
    if (a == "-json") {
      options.json = true;
    } else if (a == "-mm") {
      options.compute_min_max = true;
    } else if (a == "-stats") {
      options.compute_stats = true;
    } else if (a == "-approx_stats") {
      options.compute_stats = true;
      options.approx_stats = true;
    } else if (a == "-hist") {
      options.histogram = true;
    } else if (a == "-checksum") {
      options.checksum = true;
    } else if (a == "-nomd") {
      options.show_metadata = false;
    } else if (a == "-noct") {
      options.show_color_table = false;
    } else if (a == "-nogcp") {
      options.show_gcps = false;
    } else if (a == "-norat") {
      options.show_rat = false;
    } else if (a == "-nofl") {
      options.all_files = false;
    } else if (a == "-proj4") {
      options.proj4 = true;
    } else if (a == "-mdd" || a == "-wkt_format" || a == "-oo" || a == "--threads") {
      const std::string* v = need_value();
      if (!v) return usage_error("info: option " + a + " needs a value", kInfoUsage);
      if (a == "-mdd") {
        options.extra_domains.push_back(*v);
      } else if (a == "-wkt_format") {
        options.wkt_format = *v;
      } else if (a == "-oo") {
        if (!rk::cli::parse_key_value(a, *v).ok()) {
          return usage_error("info: -oo '" + *v + "' is not NAME=VALUE", kInfoUsage);
        }
        open_options.push_back(*v);
      } else {
        threads = rk::WorkerPool::parse_thread_count(*v);
        if (!threads) return usage_error("info: --threads '" + *v + "' is not a count", kInfoUsage);
      }
    } else if (a == "--help") {
      std::fputs(kInfoUsage, stdout);
      return 0;
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error("info: " + rk::cli::unknown_flag_message(a, kInfoFlags), kInfoUsage);
    } else if (path.empty()) {
      path = a;
    } else {
      return usage_error("info: more than one file given ('" + path + "', '" + a + "')",
                         kInfoUsage);
    }
  }
  if (path.empty()) return usage_error("info: no file given", kInfoUsage);
  auto parsed = rk::Options::parse(open_options);
  if (!parsed.ok()) return usage_error("info: " + parsed.status().to_string(), kInfoUsage);
  params.open_options = *parsed;
  if (threads == 0) threads = rk::WorkerPool::default_thread_count();
  // Statistics on several threads read through a thread-safe dataset.
  const bool parallel = threads > 1 && (options.compute_stats || options.compute_min_max ||
                                        options.histogram || options.checksum);
  // A private cache, as large as the global one: -stats -hist -checksum
  // read the pixels several times. One pass over one band keeps nothing
  // worth keeping, and a few pieces' worth keeps the peak memory far below
  // the raster's size.
  rk::BlockCache cache(rk::BlockCache::global().capacity());
  params.cache = &cache;
  auto opened = rk::cli::open_source(path, params, parallel ? threads : 1);
  if (!opened.ok()) return failure("info", opened.status());
  std::unique_ptr<rk::Dataset> ds = std::move(opened).value();
  const int passes = (options.compute_stats || options.compute_min_max ? 1 : 0) +
                     (options.histogram ? 1 : 0) + (options.checksum ? 1 : 0);
  if (passes == 1 && ds->band_count() == 1) {
    cache.set_capacity(std::min<size_t>(cache.capacity(), size_t{64} << 20));
  }
  rk::WorkerPool pool(parallel ? threads : 1);
  options.pool = &pool;
  auto report = rk::build_info_report(*ds, options);
  if (!report.ok()) return failure("info", report.status());
  std::fputs(report->c_str(), stdout);
  return 0;
}

// A command with gdal_*'s shape: --help, then parsing (usage errors exit 2),
// then running (failures exit 1).
template <typename Parse, typename Run>
int run_command(const char* name, const std::vector<std::string>& args, const char* usage,
                Parse parse, Run run) {
  for (const std::string& a : args) {
    if (a == "--help") {
      std::fputs(usage, stdout);
      return 0;
    }
  }
  auto options = parse(args);
  if (!options.ok()) {
    return usage_error(std::string(name) + ": " + options.status().message(), usage);
  }
  rk::Status st = run(*options);
  if (!st.ok()) return failure(name, st);
  return 0;
}

// Applies and removes every "--config KEY VALUE" (before drivers read the
// environment). Returns false with a message on a malformed one.
bool apply_config(std::vector<std::string>& args, std::string* error) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--config") {
      rest.push_back(args[i]);
      continue;
    }
    if (i + 2 >= args.size()) {
      *error = "--config needs KEY VALUE";
      return false;
    }
    std::string key = args[i + 1];
    const std::string& value = args[i + 2];
    if (key == "GDAL_CACHEMAX") key = "RK_CACHEMAX";
    if (key == "GDAL_NUM_THREADS") key = "RK_NUM_THREADS";
    if (key.rfind("RK_", 0) != 0) {
      std::fprintf(stderr, "Warning: --config %s: not a rasterkit option; ignored\n", key.c_str());
    } else {
      ::setenv(key.c_str(), value.c_str(), 1);
    }
    i += 2;
  }
  args = std::move(rest);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_error;
  if (!apply_config(args, &config_error)) return usage_error(config_error, kUsage);
  if (args.empty()) return usage_error("no command given", kUsage);
  if (args[0] == "--version") {
    std::printf("rasterkit %s\n", RASTERKIT_VERSION);
    return 0;
  }
  if (args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  rk::register_all();
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "info") return run_info(args);
  if (command == "translate") {
    return run_command("translate", args, rk::kTranslateUsage, rk::parse_translate_args,
                       [](const rk::TranslateOptions& o) { return rk::run_translate(o); });
  }
  if (command == "footprint") {
    return run_command("footprint", args, rk::kFootprintUsage, rk::parse_footprint_args,
                       [](const rk::FootprintArgs& o) { return rk::run_footprint(o); });
  }
  const std::string near = rk::cli::closest_flag(command, {"info", "translate", "footprint"});
  return usage_error(
      "unknown command '" + command + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"),
      kUsage);
}
