// <rasterkit/rasterkit.h>: everything a program using rasterkit needs, in
// one include.
//
//   #include <rasterkit/rasterkit.h>
//
//   int main() {
//     rk::register_all();  // once, from one thread, at start-up
//     auto ds = rk::open("input.tif", rk::OpenFlags::kThreadSafe);
//     ...
//   }
//
// What it brings, by module (each header also stands alone):
//   gdalcore   - Dataset, RasterBand, Driver, DriverManager and rk::open,
//                windows and buffer layouts, Status/Result, metadata, CRS and
//                coordinate transforms, statistics, checksums, warnings,
//                configuration, the worker pool;
//   remote     - remote paths (/vsicurl/, http(s)://, /vsis3/, s3://): their
//                options, caches and counters;
//   drivers    - rk::register_all() (GeoTIFF and MEM);
//   threadsafe - ThreadSafeDataset (OpenFlags::kThreadSafe);
//   geometry   - footprints and cutlines (GEOS);
//   utilities  - rk::info, rk::translate, rk::footprint_document and their
//                command-line option parsers.
#pragma once

#include <rasterkit/blockcache/block_cache.h>
#include <rasterkit/drivers/mem/mem_driver.h>
#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/checksum.h>
#include <rasterkit/gdalcore/config.h>
#include <rasterkit/gdalcore/convert.h>
#include <rasterkit/gdalcore/coordinate_transform.h>
#include <rasterkit/gdalcore/data_type.h>
#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/driver.h>
#include <rasterkit/gdalcore/driver_manager.h>
#include <rasterkit/gdalcore/file.h>
#include <rasterkit/gdalcore/geo_transform.h>
#include <rasterkit/gdalcore/metadata.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/pam.h>
#include <rasterkit/gdalcore/raster_band.h>
#include <rasterkit/gdalcore/raster_types.h>
#include <rasterkit/gdalcore/result.h>
#include <rasterkit/gdalcore/spatial_ref.h>
#include <rasterkit/gdalcore/statistics.h>
#include <rasterkit/gdalcore/status.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/gdalcore/worker_pool.h>
#include <rasterkit/geometry/cutline.h>
#include <rasterkit/geometry/footprint.h>
#include <rasterkit/geometry/geometry.h>
#include <rasterkit/remote/register_remote.h>
#include <rasterkit/remote/remote_options.h>
#include <rasterkit/threadsafe/thread_safe_dataset.h>
#include <rasterkit/utilities/command_line.h>
#include <rasterkit/utilities/footprint_tool.h>
#include <rasterkit/utilities/info.h>
#include <rasterkit/utilities/translate.h>
