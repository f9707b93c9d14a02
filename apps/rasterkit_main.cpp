// The `rasterkit` command line: parse the flags (rk::parse_*_options), open
// the source, make one library call (rk::info, rk::translate,
// rk::footprint_document), print, and map errors to exit codes: 0 success,
// 1 runtime failure, 2 usage error. Every error is one line on standard
// error naming the file and the problem.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#if defined(__GLIBC__)  // defined by the C library headers above
#include <malloc.h>
#endif

#include <rasterkit/rasterkit.h>

#include "progress.h"

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
    "  --config KEY VALUE   set a configuration option (RK_CACHEMAX, RK_NUM_THREADS,\n"
    "                       RK_PAM_ENABLED; GDAL_CACHEMAX, GDAL_NUM_THREADS and\n"
    "                       GDAL_PAM_ENABLED are accepted as aliases)\n";

const char kInfoUsage[] =
    "Usage: rasterkit info [-json] [-mm] [-stats | -approx_stats] [-hist] [-checksum]\n"
    "                      [-nomd] [-noct] [-nogcp] [-norat] [-nofl] [-mdd DOMAIN|all]\n"
    "                      [-proj4] [-wkt_format WKT1|WKT2|WKT2_2015|WKT2_2018|WKT2_2019]\n"
    "                      [-oo NAME=VALUE] [-if FORMAT] [--threads N] FILE\n";

const char kTranslateUsage[] =
    "Usage: rasterkit translate [options] SRC DST\n"
    "  -of FORMAT  -ot TYPE  -b N|mask|mask,N (repeatable)  -expand gray|rgb|rgba\n"
    "  -srcwin XOFF YOFF XSIZE YSIZE  -projwin ULX ULY LRX LRY  -projwin_srs SRS  -epo  -eco\n"
    "  -outsize X[%] Y[%]  -tr XRES YRES\n"
    "  -r nearest|bilinear|cubic|cubicspline|lanczos|average|mode\n"
    "  -scale[_N] [SRC_MIN SRC_MAX [DST_MIN DST_MAX]]  -exponent[_N] E  -unscale\n"
    "  -a_srs SRS  -a_ullr ULX ULY LRX LRY  -a_nodata VALUE|none  -a_scale S  -a_offset O\n"
    "  -colorinterp NAME,...  -colorinterp_N NAME  -nogcp\n"
    "  -cutline FILE|WKT  -cutline_srs SRS  -crop_to_cutline\n"
    "  -mo KEY=VALUE  -co NAME=VALUE  -oo NAME=VALUE  -if FORMAT  -stats  -noxmp  -q\n"
    "  --threads N\n"
    "  --config KEY VALUE\n";

const char kFootprintUsage[] =
    "Usage: rasterkit footprint [options] SRC [DST]\n"
    "  -b N (repeatable)  -combine union|intersection  -srcnodata VALUE  -ovr INDEX\n"
    "  -t_cs georef|pixel  -t_srs SRS  -densify DIST\n"
    "  -simplify TOL  -min_ring_area AREA  -max_points N|unlimited (default 100)\n"
    "  -convex_hull  -no_holes  -split_polys\n"
    "  -of GeoJSON|WKT  -lyr_name NAME  -oo NAME=VALUE  -q  --threads N\n"
    "  DST absent or '-': standard output\n";

int usage_error(const std::string& message, const char* usage) {
  std::fprintf(stderr, "rasterkit: %s\n%s", message.c_str(), usage);
  return kExitUsage;
}

int failure(const char* command, const rk::Status& st) {
  if (st.code() == rk::StatusCode::kCancelled && rk::cli::interrupted()) {
    std::fprintf(stderr, "rasterkit %s: interrupted\n", command);
  } else {
    std::fprintf(stderr, "rasterkit %s: %s\n", command, st.to_string().c_str());
  }
  return kExitFailure;
}

// Opens the source read-only with the caller's cache: thread-safe when
// `threads` > 1 and the driver allows it, so several threads read at once.
rk::Result<std::unique_ptr<rk::Dataset>> open_source(const std::string& path,
                                                     const rk::CommandLineExtras& extras,
                                                     rk::BlockCache* cache, int threads) {
  rk::OpenParams params;
  RK_ASSIGN_OR_RETURN(params.open_options, rk::Options::parse(extras.open_options));
  params.cache = cache;
  params.allowed_drivers = extras.input_formats;
  if (threads > 1) {
    params.flags = rk::OpenFlags::kReadOnly | rk::OpenFlags::kThreadSafe;
    auto opened = rk::open(path, params);
    // Only a dataset that cannot be shared is opened again, plainly; any
    // other failure (a missing file, a server's refusal) is the answer.
    if (opened.ok() || opened.status().code() != rk::StatusCode::kNotSupported) return opened;
  }
  params.flags = rk::OpenFlags::kReadOnly;
  return rk::open(path, params);
}

int run_info(const std::vector<std::string>& args) {
  rk::CommandLineExtras extras;
  auto options = rk::parse_info_options(args, &extras);
  if (!options.ok()) return usage_error("info: " + options.status().to_string(), kInfoUsage);
  if (extras.files.empty()) return usage_error("info: no file given", kInfoUsage);
  if (extras.files.size() > 1) {
    return usage_error(
        "info: more than one file given ('" + extras.files[0] + "', '" + extras.files[1] + "')",
        kInfoUsage);
  }
  rk::InfoOptions& o = *options;
  if (o.threads == 0) o.threads = rk::WorkerPool::default_thread_count();
  const int passes =
      (o.compute_stats || o.compute_min_max ? 1 : 0) + (o.histogram ? 1 : 0) + (o.checksum ? 1 : 0);
  // A private cache, as large as the global one: -stats -hist -checksum
  // read the pixels several times. One pass over one band keeps nothing
  // worth keeping; a few pieces' worth keeps the peak memory far below the
  // raster's size.
  rk::BlockCache cache(rk::BlockCache::global().capacity());
  auto ds = open_source(extras.files[0], extras, &cache, passes > 0 ? o.threads : 1);
  if (!ds.ok()) return failure("info", ds.status());
  if (passes == 1 && (*ds)->band_count() == 1) {
    cache.set_capacity(std::min<size_t>(cache.capacity(), size_t{64} << 20));
  }
  auto report = rk::info(**ds, o);
  if (!report.ok()) return failure("info", report.status());
  std::fputs(report->to_string().c_str(), stdout);
  return 0;
}

int run_translate(const std::vector<std::string>& args) {
  rk::CommandLineExtras extras;
  auto options = rk::parse_translate_options(args, &extras);
  if (!options.ok()) {
    return usage_error("translate: " + options.status().to_string(), kTranslateUsage);
  }
  if (extras.files.size() != 2) {
    return usage_error(extras.files.empty() ? "translate: no source and destination given"
                       : extras.files.size() == 1
                           ? "translate: no destination given"
                           : "translate: unexpected argument '" + extras.files[2] + "'",
                       kTranslateUsage);
  }
  rk::cli::install_interrupt_handler();
  // A translate streams: source blocks are read about once, in row order.
  rk::BlockCache cache(std::min<size_t>(rk::BlockCache::global().capacity(), size_t{64} << 20));
  auto src = open_source(extras.files[0], extras, &cache, rk::translate_thread_count(*options));
  if (!src.ok()) return failure("translate", src.status());
  const rk::Dataset& s = **src;
  rk::ProgressFn progress = rk::cli::make_progress(extras.quiet, [&s] {
    std::printf("Input file size is %lld, %lld\n", static_cast<long long>(s.x_size()),
                static_cast<long long>(s.y_size()));
  });
  auto written = rk::translate(s, extras.files[1], *options, progress);
  if (!written.ok()) return failure("translate", written.status());
  rk::Status closed = (*written)->close();
  if (!closed.ok()) return failure("translate", closed);
  return 0;
}

int run_footprint(const std::vector<std::string>& args) {
  rk::CommandLineExtras extras;
  auto options = rk::parse_footprint_options(args, &extras);
  if (!options.ok()) {
    return usage_error("footprint: " + options.status().to_string(), kFootprintUsage);
  }
  if (extras.files.empty()) return usage_error("footprint: no source given", kFootprintUsage);
  if (extras.files.size() > 2) {
    return usage_error("footprint: unexpected argument '" + extras.files[2] + "'", kFootprintUsage);
  }
  rk::cli::install_interrupt_handler();
  // Swaths are read once, in order: a private cache of a few swaths.
  rk::BlockCache cache(std::min<size_t>(rk::BlockCache::global().capacity(), size_t{64} << 20));
  const int threads =
      options->threads > 0 ? options->threads : rk::WorkerPool::default_thread_count();
  auto src = open_source(extras.files[0], extras, &cache, threads);
  if (!src.ok()) return failure("footprint", src.status());
  const bool to_stdout = extras.files.size() == 1 || extras.files[1] == "-";
  if (!to_stdout) {
    rk::Status st =
        rk::write_footprint(**src, extras.files[1], *options, rk::cli::make_progress(extras.quiet));
    return st.ok() ? 0 : failure("footprint", st);
  }
  // Progress would mix with the footprint on standard output.
  auto text = rk::footprint_document(**src, *options, rk::cli::make_progress(true));
  if (!text.ok()) return failure("footprint", text.status());
  if (std::fwrite(text->data(), 1, text->size(), stdout) != text->size() || std::fflush(stdout)) {
    return failure("footprint", rk::Status::io_error("stdout", "cannot write the footprint"));
  }
  return 0;
}

// Options of remote reading go by GDAL's names (doc/configuration.md), so
// a gdal_translate command line with them keeps working.
bool is_remote_config_key(const std::string& key) {
  static const char* const kPrefixes[] = {"GDAL_HTTP_", "AWS_", "CPL_VSIL_CURL_"};
  for (const char* p : kPrefixes) {
    if (key.rfind(p, 0) == 0) return true;
  }
  return key == "GDAL_INGESTED_BYTES_AT_OPEN" || key == "GDAL_DISABLE_READDIR_ON_OPEN" ||
         key == "CURL_CA_BUNDLE" || key == "SSL_CERT_FILE";
}

// Applies and removes every "--config KEY VALUE" (before the library reads
// the environment). Returns false with a message on a malformed one.
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
    if (key.rfind("GDAL_", 0) == 0 &&
        (key == "GDAL_CACHEMAX" || key == "GDAL_NUM_THREADS" || key == "GDAL_PAM_ENABLED")) {
      key = "RK_" + key.substr(5);
    }
    if (key.rfind("RK_", 0) != 0 && !is_remote_config_key(key)) {
      std::fprintf(stderr, "Warning: --config %s: not a rasterkit option; ignored\n", key.c_str());
    } else {
      ::setenv(key.c_str(), value.c_str(), 1);
    }
    i += 2;
  }
  args = std::move(rest);
  return true;
}

int run(std::vector<std::string> args) {
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
  const std::string command = args[0];
  args.erase(args.begin());
  struct Command {
    const char* name;
    const char* usage;
    int (*run)(const std::vector<std::string>&);
  };
  static const Command kCommands[] = {{"info", kInfoUsage, run_info},
                                      {"translate", kTranslateUsage, run_translate},
                                      {"footprint", kFootprintUsage, run_footprint}};
  for (const Command& c : kCommands) {
    if (command != c.name) continue;
    if (std::find(args.begin(), args.end(), "--help") != args.end()) {
      std::fputs(c.usage, stdout);
      return 0;
    }
    rk::register_all();
    return c.run(args);
  }
  const std::string near = rk::closest_name(command, {"info", "translate", "footprint"});
  return usage_error(
      "unknown command '" + command + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"),
      kUsage);
}

}  // namespace

int main(int argc, char** argv) {
  // A write past the file size limit then fails with EFBIG ("File too
  // large"), reported and cleaned up, instead of killing the program.
  std::signal(SIGXFSZ, SIG_IGN);
#if defined(__GLIBC__)
  // glibc hands blocks of 128 KiB and more back to the kernel when they are
  // freed, and a translate frees a tile's buffers per tile: each new one
  // then costs a page fault and a zeroed page per 4 KiB (measured: 0.5 s of
  // 2.6 s writing an 8192x8192 DEFLATE file). Keep them in the heap. No
  // effect under tcmalloc (RK_WITH_TCMALLOC), which never does this.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::bad_alloc&) {
    std::fputs("rasterkit: out of memory\n", stderr);
    return kExitFailure;
  }
}
