#include <rasterkit/drivers/gtiff/gtiff_driver.h>

#include <rasterkit/drivers/gtiff/gtiff_dataset.h>
#include <rasterkit/drivers/gtiff/gtiff_options.h>
#include <rasterkit/drivers/gtiff/gtiff_tags.h>

#include <cstdio>

#include <rasterkit/gdalcore/driver_manager.h>
#include <rasterkit/gdalcore/file.h>

namespace rk::gtiff {

namespace {

class GTiffDriver final : public Driver {
 public:
  std::string_view short_name() const override { return "GTiff"; }
  std::string_view long_name() const override { return "GeoTIFF"; }
  std::vector<std::string> extensions() const override { return {"tif", "tiff"}; }

  // Classic TIFF ("II*\0" / "MM\0*") and BigTIFF ("II+\0" / "MM\0+").
  bool identify(const OpenInfo& info) const override {
    const std::string& h = info.header;
    if (h.size() < 8) return false;
    const bool little = h[0] == 'I' && h[1] == 'I' && h[3] == '\0' && (h[2] == '*' || h[2] == '+');
    const bool big = h[0] == 'M' && h[1] == 'M' && h[2] == '\0' && (h[3] == '*' || h[3] == '+');
    return little || big;
  }

  Result<std::unique_ptr<Dataset>> open(const OpenInfo& info) const override {
    return GTiffDataset::open(info, this);
  }

  bool can_create() const override { return true; }
  bool keeps_side_cars() const override { return true; }
  const std::vector<OptionSpec>& creation_option_specs() const override {
    return gtiff::creation_option_specs();
  }

 protected:
  Result<std::unique_ptr<Dataset>> create_impl(const std::string& path,
                                               const CreateParams& params) const override {
    return GTiffDataset::create(path, params, this);
  }

  // Writes beside the target and renames on success, so a failed or
  // cancelled copy never leaves a partial file under the target's name (and
  // an existing file there is untouched until the copy is complete).
  Result<std::unique_ptr<Dataset>> create_copy_impl(const std::string& path, Dataset& src,
                                                    const Options& options,
                                                    const ProgressFn& progress,
                                                    BlockCache* cache) const override {
    const std::string temp = temporary_sibling(path);
    CreateParams params = copy_params(src, options, cache);
    // libtiff fixes the photometric interpretation when writing starts, so
    // a palette must be known now.
    // As GDAL's CreateCopy: one or two bands (the second then being alpha,
    // whatever it says it is).
    const int n = src.band_count();
    const bool palette = n <= 2 && src.band(1)->color_table() && !options.contains("PHOTOMETRIC") &&
                         (params.type == DataType::kByte || params.type == DataType::kUInt16);
    if (palette) params.options.set("PHOTOMETRIC", "PALETTE");
    // A last band that says it is alpha is written as alpha (ExtraSamples),
    // as GDAL's CreateCopy does.
    // Any other last band is not, even where Create would assume RGBA.
    if (n > 1 && !options.contains("ALPHA")) {
      const bool alpha = palette || src.band(n)->color_interp() == ColorInterp::kAlpha;
      params.options.set("ALPHA", alpha ? "YES" : "NO");
    }
    Status st;
    {
      Result<std::unique_ptr<Dataset>> dst = GTiffDataset::create(temp, params, this);
      if (!dst.ok()) {
        std::remove(temp.c_str());
        return dst.status().with_subject(path);
      }
      st = copy_dataset_contents(src, **dst, progress);
      Status closed = (*dst)->close();
      if (st.ok()) st = closed;
    }
    if (st.ok() && std::rename(temp.c_str(), path.c_str()) != 0) {
      st = Status::io_error(path, "cannot rename the finished copy into place");
    }
    if (!st.ok()) {
      std::remove(temp.c_str());
      if (st.code() == StatusCode::kCancelled) return Status::cancelled(path);
      // Errors name the file the caller asked for, not the temporary one.
      return st.subject() == temp ? Status(st.code(), path, st.message()) : st;
    }
    // The finished file is reopened on the global cache: `cache` was for
    // writing, and the caller's dataset may outlive it.
    OpenParams reopen;
    reopen.allowed_drivers = {"GTiff"};
    return DriverManager::global().open(path, reopen);
  }
};

}  // namespace

std::unique_ptr<Driver> make_driver() {
  register_tiff_tags();  // once per process; make_driver runs at start-up
  return std::make_unique<GTiffDriver>();
}

}  // namespace rk::gtiff
