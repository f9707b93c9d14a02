#include <rasterkit/remote/register_remote.h>

#include <rasterkit/gdalcore/file.h>
#include <rasterkit/remote/remote_file.h>
#include <rasterkit/remote/remote_options.h>

namespace rk {

void register_remote_files() {
  RemoteFileSystem fs;
  fs.open = &remote::RemoteFile::open;
  fs.probe_side_cars = [] { return remote_options().probe_side_cars; };
  set_remote_file_system(fs);
}

}  // namespace rk
