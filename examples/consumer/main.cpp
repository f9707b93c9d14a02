// Opens a raster and prints its size, first band type and checksum, then
// the first line of its rk::info report. Built against an installed
// rasterkit with the umbrella header only.
#include <cstdio>

#include <rasterkit/rasterkit.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  rk::register_all();
  auto opened = rk::open(argv[1]);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().to_string().c_str());
    return 1;
  }
  rk::Dataset& ds = **opened;
  rk::Result<int> sum = rk::compute_checksum(*ds.band(1));
  std::printf("%lldx%lld %s checksum %d\n", static_cast<long long>(ds.x_size()),
              static_cast<long long>(ds.y_size()),
              std::string(rk::data_type_name(ds.band(1)->data_type())).c_str(),
              sum.ok() ? *sum : -1);
  rk::Result<rk::InfoReport> report = rk::info(ds);
  if (!report.ok()) return 1;
  const std::string text = report->to_text();
  std::printf("%s\n", text.substr(0, text.find('\n')).c_str());
  return 0;
}
