// The `rasterkit` command line. Exit codes: 0 success, 1 runtime failure,
// 2 usage error.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "apps/info.h"
#include "drivers/register_builtin.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

const char kUsage[] =
    "Usage: rasterkit <command> [options]\n"
    "\n"
    "Commands:\n"
    "  info [-nomd] FILE    describe a raster: driver, size, georeferencing, bands\n"
    "\n"
    "Options:\n"
    "  --version            print the version and exit\n"
    "  --help               print this help and exit\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "rasterkit: %s\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

int run_info(const std::vector<std::string>& args) {
  rk::InfoOptions options;
  std::string path;
  for (const std::string& a : args) {
    if (a == "-nomd") {
      options.show_metadata = false;
    } else if (a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      return usage_error("info: unknown option '" + a + "'");
    } else if (path.empty()) {
      path = a;
    } else {
      return usage_error("info: more than one file given ('" + path + "', '" + a + "')");
    }
  }
  if (path.empty()) return usage_error("info: no file given");
  auto ds = rk::open(path);
  if (!ds.ok()) {
    std::fprintf(stderr, "rasterkit info: %s\n", ds.status().to_string().c_str());
    return kExitFailure;
  }
  std::fputs(rk::build_info_report(**ds, options).c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("no command given");
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
  return usage_error("unknown command '" + command + "'");
}
