// Opens a raster and prints its size, first band type and checksum.
#include <cstdio>

#include "drivers/register_builtin.h"
#include "gdalcore/checksum.h"
#include "gdalcore/driver_manager.h"

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
  return 0;
}
