// Makes rk::File::open() (and so every driver, rk::open and the utilities)
// accept remote paths: /vsicurl/URL, http://, https://, /vsis3/BUCKET/KEY
// and s3://BUCKET/KEY. Called by rk::register_all(), from one thread.
#pragma once

#include <rasterkit/blockcache/export.h>

namespace rk {

RK_API void register_remote_files();

}  // namespace rk
