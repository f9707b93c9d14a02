// libFuzzer target: opens a TIFF from memory and reads everything a user
// could read from it — every band, overview and mask, whole and
// downsampled — through the normal open path (the bytes live in a memfd).
// Built by scripts/fuzz.sh with clang -fsanitize=fuzzer,address.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/checksum.h>
#include <rasterkit/gdalcore/warning.h>

namespace {

void read_band(rk::RasterBand& band, int depth) {
  if (band.x_size() > 4096 || band.y_size() > 4096) return;  // keep each input fast
  (void)rk::compute_checksum(band);
  std::vector<double> small(16 * 16);
  (void)band.read(rk::Window{0, 0, band.x_size(), band.y_size()}, small.data(),
                  rk::BufferLayout::packed(rk::DataType::kFloat64, 16, 16),
                  rk::RasterIOOptions{rk::Resampling::kAverage, nullptr, {}});
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
    for (int b = 1; b <= d.band_count() && b <= 8; ++b) read_band(*d.band(b), 0);
    (void)d.close();
  }
  close(fd);
  return 0;
}
