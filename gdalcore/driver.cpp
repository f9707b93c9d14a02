#include <rasterkit/gdalcore/driver.h>

#include <algorithm>
#include <future>
#include <memory>
#include <new>
#include <system_error>
#include <vector>

namespace rk {

const std::vector<OptionSpec>& Driver::creation_option_specs() const {
  static const std::vector<OptionSpec> kNone;
  return kNone;
}

const std::vector<OptionSpec>& Driver::open_option_specs() const {
  static const std::vector<OptionSpec> kNone;
  return kNone;
}

Result<std::unique_ptr<Dataset>> Driver::create(const std::string& path,
                                                const CreateParams& params) const {
  return no_exceptions(path, [&]() -> Result<std::unique_ptr<Dataset>> {
    if (!can_create()) {
      return Status::not_supported(
          path, "the " + std::string(short_name()) + " driver cannot create datasets");
    }
    if (params.width <= 0 || params.height <= 0 || params.bands < 0) {
      return Status::invalid_argument(path, "invalid size " + std::to_string(params.width) + "x" +
                                                std::to_string(params.height) + "x" +
                                                std::to_string(params.bands));
    }
    if (params.type == DataType::kUnknown) {
      return Status::invalid_argument(path, "unknown data type");
    }
    RK_RETURN_IF_ERROR(validate_options(params.options, creation_option_specs(),
                                        std::string(short_name()) + " creation option"));
    return create_impl(path, params);
  });
}

Result<std::unique_ptr<Dataset>> Driver::create_copy(const std::string& path, Dataset& src,
                                                     const Options& options,
                                                     const ProgressFn& progress,
                                                     BlockCache* cache) const {
  return no_exceptions(path, [&]() -> Result<std::unique_ptr<Dataset>> {
    if (src.band_count() == 0)
      return Status::invalid_argument(src.description(), "no bands to copy");
    RK_RETURN_IF_ERROR(validate_options(options, creation_option_specs(),
                                        std::string(short_name()) + " creation option"));
    return create_copy_impl(path, src, options, progress, cache);
  });
}

Result<std::unique_ptr<Dataset>> Driver::create_impl(const std::string& path,
                                                     const CreateParams&) const {
  return Status::not_supported(
      path, "the " + std::string(short_name()) + " driver cannot create datasets");
}

CreateParams Driver::copy_params(const Dataset& src, const Options& options, BlockCache* cache) {
  CreateParams params;
  params.width = src.x_size();
  params.height = src.y_size();
  params.bands = src.band_count();
  params.type = src.band(1)->data_type();
  params.options = options;
  params.cache = cache;
  return params;
}

Result<std::unique_ptr<Dataset>> Driver::create_copy_impl(const std::string& path, Dataset& src,
                                                          const Options& options,
                                                          const ProgressFn& progress,
                                                          BlockCache* cache) const {
  RK_ASSIGN_OR_RETURN(std::unique_ptr<Dataset> dst,
                      create_impl(path, copy_params(src, options, cache)));
  RK_RETURN_IF_ERROR(copy_dataset_contents(src, *dst, progress));
  return dst;
}

Status copy_dataset_contents(Dataset& src, Dataset& dst, const ProgressFn& progress) {
  if (src.x_size() != dst.x_size() || src.y_size() != dst.y_size() ||
      src.band_count() != dst.band_count()) {
    return Status::invalid_argument(dst.description(),
                                    "size or band count differs from the source");
  }
  if (src.geo_transform()) RK_RETURN_IF_ERROR(dst.set_geo_transform(src.geo_transform()));
  if (src.spatial_ref()) RK_RETURN_IF_ERROR(dst.set_spatial_ref(src.spatial_ref()));
  if (!src.gcps().empty()) RK_RETURN_IF_ERROR(dst.set_gcps(src.gcps(), src.gcp_spatial_ref()));
  for (const std::string& domain : src.metadata().domains()) {
    // IMAGE_STRUCTURE describes the source file's layout, not the data.
    if (domain == "IMAGE_STRUCTURE") continue;
    for (const auto& [k, v] : src.metadata().items(domain)) {
      RK_RETURN_IF_ERROR(dst.set_metadata_item(k, v, domain));
    }
  }
  for (int b = 1; b <= src.band_count(); ++b) {
    RasterBand* s = src.band(b);
    RasterBand* d = dst.band(b);
    if (s->nodata_int64() && d->data_type() == DataType::kInt64) {
      RK_RETURN_IF_ERROR(d->set_nodata_int64(*s->nodata_int64()));
    } else if (s->nodata_uint64() && d->data_type() == DataType::kUInt64) {
      RK_RETURN_IF_ERROR(d->set_nodata_uint64(*s->nodata_uint64()));
    } else if (s->nodata()) {
      RK_RETURN_IF_ERROR(d->set_nodata(*s->nodata()));
    }
    RK_RETURN_IF_ERROR(d->set_color_interp(s->color_interp()));
    if (s->color_table()) RK_RETURN_IF_ERROR(d->set_color_table(s->color_table()));
    if (s->scale()) RK_RETURN_IF_ERROR(d->set_scale(s->scale()));
    if (s->offset()) RK_RETURN_IF_ERROR(d->set_offset(s->offset()));
    if (!s->unit().empty()) RK_RETURN_IF_ERROR(d->set_unit(s->unit()));
    if (!s->description().empty()) RK_RETURN_IF_ERROR(d->set_description(s->description()));
    for (const std::string& domain : s->metadata().domains()) {
      if (domain == "IMAGE_STRUCTURE") continue;
      for (const auto& [k, v] : s->metadata().items(domain)) {
        RK_RETURN_IF_ERROR(d->set_metadata_item(k, v, domain));
      }
    }
  }

  // Pixels: swaths of whole destination block rows, all bands at once, in
  // each destination band's own type (conversion happens on read).
  RasterBand* first = dst.band(1);
  const int64_t row_bytes = dst.x_size() * static_cast<int64_t>(data_type_size(first->data_type()));
  const int64_t target = int64_t{16} << 20;  // ~16 MiB per band per swath
  int64_t swath = std::max<int64_t>(1, target / std::max<int64_t>(1, row_bytes));
  swath = std::max(first->block_y_size(), swath / first->block_y_size() * first->block_y_size());
  swath = std::min(swath, dst.y_size());
  // The next swath is read (decoded, resampled) in another thread while
  // this one is written (encoded, flushed): a copy takes about the longer
  // of the two instead of their sum. Only that thread uses `src` meanwhile,
  // and only this one `dst`. At most two swaths are held.
  struct Swath {
    int64_t y = 0, h = 0;
    int set = 0;  // which of the two buffer sets holds it
    Status status;
  };
  // Two sets of band buffers used in turn, allocated once and not zeroed:
  // fresh buffers per swath cost page faults and zeroing on every swath.
  std::vector<std::unique_ptr<std::byte[]>> buffers[2];
  // What the reading thread needs to know of `dst`, taken here: it never
  // touches `dst` itself.
  const int64_t width = dst.x_size(), height = dst.y_size();
  std::vector<DataType> types;
  for (int b = 1; b <= dst.band_count(); ++b) types.push_back(dst.band(b)->data_type());
  auto read_swath = [&src, &buffers, &types, width, height, swath](int64_t y, int set) {
    Swath s;
    s.y = y;
    s.h = std::min(swath, height - y);
    s.set = set;
    std::vector<std::unique_ptr<std::byte[]>>& pixels = buffers[set];
    for (size_t b = 0; b < types.size() && s.status.ok(); ++b) {
      if (pixels.size() <= b) {
        const size_t bytes = static_cast<size_t>(width * swath) * data_type_size(types[b]);
        pixels.emplace_back(new (std::nothrow) std::byte[bytes]);
        if (!pixels.back()) {
          s.status = Status::out_of_memory(src.description(), "cannot allocate a swath buffer");
          break;
        }
      }
      s.status = src.band(static_cast<int>(b) + 1)
                     ->read(Window{0, y, width, s.h}, pixels[b].get(),
                            BufferLayout::packed(types[b], width, s.h));
    }
    return s;
  };
  auto start_reading = [&read_swath](int64_t y, int set) {
    try {
      return std::async(std::launch::async, read_swath, y, set);
    } catch (const std::system_error&) {  // no thread to be had: read now
      return std::async(std::launch::deferred, read_swath, y, set);
    }
  };
  if (progress && !progress(0.0, "")) return Status::cancelled(dst.description());
  std::future<Swath> next = start_reading(0, 0);
  while (next.valid()) {
    Swath cur = next.get();
    RK_RETURN_IF_ERROR(cur.status);
    if (cur.y + cur.h < dst.y_size()) next = start_reading(cur.y + cur.h, 1 - cur.set);
    for (int b = 1; b <= dst.band_count(); ++b) {
      const BufferLayout layout =
          BufferLayout::packed(dst.band(b)->data_type(), dst.x_size(), cur.h);
      RK_RETURN_IF_ERROR(dst.band(b)->write(Window{0, cur.y, dst.x_size(), cur.h},
                                            buffers[cur.set][static_cast<size_t>(b - 1)].get(),
                                            layout));
    }
    // Each swath holds whole block rows of every band: write them back now,
    // so a copy keeps one swath of dirty blocks, not the whole raster.
    RK_RETURN_IF_ERROR(dst.flush());
    if (progress &&
        !progress(static_cast<double>(cur.y + cur.h) / static_cast<double>(dst.y_size()), "")) {
      return Status::cancelled(dst.description());  // `next`'s destructor waits for its read
    }
  }
  return dst.flush();
}

}  // namespace rk
