// Reading the shared corpus over HTTP: nginx, started by the test, serves
// ../shared/corpus/gtiff; every file read over HTTP gives the checksums of
// the local file (every band, overview and mask), and opening it costs one
// request when its directories fit the first 16 KiB. HTTP/2 over TLS:
// the requests of a read share one connection.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <support/server_process.h>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/checksum.h>
#include <rasterkit/gdalcore/driver_manager.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/remote/remote_options.h>

namespace rk {
namespace {

const std::string kCorpus = RK_CORPUS_DIR "/gtiff/files";

// A Debug build under AddressSanitizer decodes the whole corpus twice in
// far more than ten minutes; there every eighth file is compared (a fixed subset,
// the same every run), which still covers each kind of file the corpus has.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kCorpusStride = 8;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kCorpusStride = 8;
#else
constexpr int kCorpusStride = 1;
#endif
#else
constexpr int kCorpusStride = 1;
#endif

std::vector<std::string> corpus_files() {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(kCorpus.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 4 && n.substr(n.size() - 4) == ".tif") names.push_back(n);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Checksums of every band, overview and mask of `path` ("" if it does not
// open), in a fixed order.
int checksum_or_minus_one(RasterBand& band) {
  Result<int> c = compute_checksum(band);
  return c.ok() ? *c : -1;
}

std::vector<int> all_checksums(const std::string& path) {
  ScopedWarningHandler quiet([](const Warning&) {});
  std::vector<int> out;
  auto ds = open(path);
  if (!ds.ok()) return out;
  for (int b = 1; b <= (*ds)->band_count(); ++b) {
    RasterBand* band = (*ds)->band(b);
    out.push_back(checksum_or_minus_one(*band));
    for (int o = 0; o < band->overview_count(); ++o) {
      out.push_back(checksum_or_minus_one(*band->overview(o)));
    }
    if (band->mask_flags() & (kMaskPerDataset | kMaskAlpha)) continue;
    if (RasterBand* m = band->mask_band(); m && m != band) {
      out.push_back(checksum_or_minus_one(*m));
    }
  }
  return out;
}

TEST_CASE("remote: every corpus file over HTTP has its local checksums", "[remote]") {
  const std::vector<std::string> files = corpus_files();
  if (files.empty()) {
    WARN("shared corpus not found at " << kCorpus << "; skipped");
    return;
  }
  register_all();
  std::string error;
  auto server = test::ServerProcess::start({"nginx", "--root", kCorpus}, &error);
  REQUIRE(server);
  int compared = 0;
  for (size_t i = 0; i < files.size(); i += kCorpusStride) {
    const std::string& name = files[i];
    INFO(name);
    // Under AddressSanitizer, files whose local decoding alone takes long
    // (a 20000x20000 RGB, a strip libtiff reads for seconds) are left out.
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<int> local = all_checksums(kCorpus + "/" + name);
    if (kCorpusStride > 1 && std::chrono::steady_clock::now() - t0 > std::chrono::seconds(2)) {
      continue;
    }
    // Files with external overviews (.ovr) differ by design: side-cars of
    // remote files are not looked for.
    struct stat st;
    if (::stat((kCorpus + "/" + name + ".ovr").c_str(), &st) == 0) continue;
    CHECK(all_checksums(server->url() + "/" + name) == local);
    ++compared;
  }
  CHECK(compared > (kCorpusStride == 1 ? 300 : 30));
}

TEST_CASE("remote: HTTP/2 over TLS multiplexes a read's requests on one connection", "[remote]") {
  const std::vector<std::string> files = corpus_files();
  const std::string name = "riotiler__mosaic_cog1.tif";
  if (std::find(files.begin(), files.end(), name) == files.end()) {
    WARN("corpus file " << name << " not found; skipped");
    return;
  }
  register_all();
  std::string error;
  auto server =
      test::ServerProcess::start({"nginx", "--root", kCorpus, "--tls", "--http2"}, &error);
  REQUIRE(server);
  const RemoteOptions saved = remote_options();
  RemoteOptions o = saved;
  o.ca_bundle = server->ca_file();
  set_remote_options(o);
  clear_remote_cache();
  CHECK(all_checksums(server->url() + "/" + name) == all_checksums(kCorpus + "/" + name));
  set_remote_options(saved);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // nginx logs after sending
  const auto log = server->access_log();
  REQUIRE(log.size() > 3);
  for (const auto& r : log) {
    CHECK(r["protocol"] == "HTTP/2.0");
    CHECK(r["connection"] == log.front()["connection"]);
  }
}

}  // namespace
}  // namespace rk
