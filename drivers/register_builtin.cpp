#include <rasterkit/drivers/register_builtin.h>

#include <mutex>

#include <rasterkit/drivers/gtiff/gtiff_driver.h>
#include <rasterkit/drivers/mem/mem_driver.h>
#include <rasterkit/gdalcore/config.h>
#include <rasterkit/remote/register_remote.h>
#include <rasterkit/remote/remote_options.h>
#include <rasterkit/threadsafe/thread_safe_dataset.h>

namespace rk {

void register_builtin_drivers(DriverManager& manager) {
  // Order matters: drivers are asked to identify files in this order.
  std::unique_ptr<Driver> builtin[] = {
      gtiff::make_driver(),
      mem::make_driver(),
  };
  for (auto& driver : builtin) {
    if (!manager.find(driver->short_name())) (void)manager.register_driver(std::move(driver));
  }
}

void register_all() {
  static std::once_flag once;
  std::call_once(once, [] {
    configure_from_environment();
    configure_remote_from_environment();
    register_remote_files();
    register_builtin_drivers(DriverManager::global());
    DriverManager::global().set_thread_safe_wrapper(
        [](std::unique_ptr<Dataset> ds, const OpenParams&) {
          return make_thread_safe(std::move(ds));
        });
  });
}

}  // namespace rk
