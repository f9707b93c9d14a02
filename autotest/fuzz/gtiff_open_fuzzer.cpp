// libFuzzer target: opens a TIFF from memory and does what a user could do
// with it, through the normal open path (the bytes live in a memfd): the
// info report (text and JSON), and for every band, overview and mask a
// checksum, statistics and downsampled reads. Bands of any size are
// exercised — huge ones (where allocation bugs live) on small windows at
// their corners, so each input stays fast.
// Built by scripts/fuzz.sh with clang -fsanitize=fuzzer,address.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/checksum.h>
#include <rasterkit/gdalcore/pam.h>
#include <rasterkit/gdalcore/statistics.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/utilities/info.h>

namespace {

// Bands of at most this many pixels are read whole (statistics and a
// histogram too); larger ones in windows of kCorner² at two corners, which
// decode the same code paths. Whole reads of the corpus's megapixel bands
// (five passes each, under ASan) held the fuzzer to ~8 inputs a second.
constexpr int64_t kSmallBandPixels = 256 * 256;
constexpr int64_t kCorner = 64;

void read_window(rk::RasterBand& band, const rk::Window& w) {
  (void)rk::compute_checksum(band, w);
  std::vector<double> small(16 * 16 * 2);
  for (rk::Resampling r : {rk::Resampling::kAverage, rk::Resampling::kCubic}) {
    (void)band.read(w, small.data(), rk::BufferLayout::packed(rk::DataType::kCFloat64, 16, 16),
                    rk::RasterIOOptions{r, nullptr, {}});
  }
}

void read_band(rk::RasterBand& band, int depth) {
  const int64_t w = band.x_size(), h = band.y_size();
  if (w * h <= kSmallBandPixels) {
    read_window(band, rk::Window{0, 0, w, h});
    rk::StatisticsOptions approx;
    approx.approx = true;
    (void)rk::compute_statistics(band, approx);
    (void)rk::compute_default_histogram(band);
  } else {
    const int64_t cw = std::min(w, kCorner), ch = std::min(h, kCorner);
    read_window(band, rk::Window{0, 0, cw, ch});
    read_window(band, rk::Window{w - cw, h - ch, cw, ch});
  }
  if (depth > 0) return;
  for (int i = 0; i < band.overview_count() && i < 4; ++i) read_band(*band.overview(i), depth + 1);
  if (rk::RasterBand* mask = band.mask_band()) {
    if (mask != &band) read_band(*mask, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialised = [] {
    rk::register_all();
    rk::BlockCache::global().set_capacity(size_t{64} << 20);
    rk::set_pam_enabled(false);  // no side-car files next to the memfd
    return true;
  }();
  (void)initialised;
  rk::ScopedWarningHandler quiet([](const rk::Warning&) {});
  const int fd = memfd_create("fuzz.tif", 0);
  if (fd < 0) return 0;
  if (size > 0 && write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    return 0;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  rk::OpenParams params;
  params.allowed_drivers = {"GTiff"};
  auto ds = rk::open(path, params);
  if (ds.ok()) {
    rk::Dataset& d = **ds;
    if (auto report = rk::info(d); report.ok()) {
      (void)report->to_text();
      (void)report->to_json();
    }
    for (int b = 1; b <= d.band_count() && b <= 8; ++b) read_band(*d.band(b), 0);
    (void)d.close();
  }
  close(fd);
  return 0;
}
