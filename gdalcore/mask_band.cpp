#include <rasterkit/gdalcore/mask_band.h>

#include <cmath>
#include <cstring>
#include <vector>

#include <rasterkit/gdalcore/convert.h>

namespace rk {

bool is_nodata_value(double value, double nodata, DataType type) {
  if (std::isnan(nodata)) return std::isnan(value);
  if (component_type(type) == DataType::kFloat32) {
    return static_cast<float>(value) == static_cast<float>(nodata);
  }
  return value == nodata;
}

namespace {

// A Byte mask computed from another band of `parent`'s dataset, block by
// block, cached under the parent's number at a negative level.
class ComputedMaskBand : public RasterBand {
 public:
  ComputedMaskBand(RasterBand& parent, const RasterBand& blocks_like)
      : RasterBand(parent.dataset(), parent.number(), blocks_like.x_size(), blocks_like.y_size(),
                   DataType::kByte, blocks_like.block_x_size(), blocks_like.block_y_size()) {
    set_cache_level(-1 - parent.cache_level());
  }
  int mask_flags() const override { return kMaskAllValid; }
  RasterBand* mask_band() override { return this; }
};

class DerivedMaskBand final : public ComputedMaskBand {
 public:
  explicit DerivedMaskBand(RasterBand& parent)
      : ComputedMaskBand(parent, parent), parent_(parent) {}
  bool resampled_as_nearest() const override { return parent_.nodata().has_value(); }
  // A derived mask has no pixels of its own to reduce: its overviews are
  // its parent's overviews' masks, as in gdal_translate's VRT, whose
  // implicit overviews give `-b mask` of a reduced read the overview's
  // nodata mask (measured: -outsize 30 8 of a 52x24 window of a band with
  // 2x and 4x overviews samples the 2x overview's mask).
  int overview_count() const override { return parent_.overview_count(); }
  RasterBand* overview(int index) override {
    RasterBand* ov = parent_.overview(index);
    return ov ? ov->mask_band() : nullptr;
  }

 protected:
  bool reads_without_blocks() const override { return !parent_.nodata(); }
  Status read_window_impl(const Window& window, void* dst) override {
    if (parent_.nodata()) return RasterBand::read_window_impl(window, dst);
    std::memset(dst, 255, static_cast<size_t>(window.width * window.height));
    return Status();
  }
  Status read_block_impl(int64_t bx, int64_t by, void* dst) override {
    const size_t n = static_cast<size_t>(block_x_size() * block_y_size());
    auto* out = static_cast<uint8_t*>(dst);
    const std::optional<double> nodata = parent_.nodata();
    if (!nodata) {
      std::memset(out, 255, n);
      return Status();
    }
    const DataType t = parent_.data_type();
    std::vector<std::byte> raw(n * data_type_size(t));
    RK_RETURN_IF_ERROR(parent_.read_block(bx, by, raw.data()));
    const size_t tsize = data_type_size(t);
    // Exact comparison in the band's own type for 64-bit integers.
    if (t == DataType::kInt64 && parent_.nodata_int64()) {
      const int64_t nd = *parent_.nodata_int64();
      for (size_t i = 0; i < n; ++i) {
        int64_t v;
        std::memcpy(&v, raw.data() + i * tsize, sizeof v);
        out[i] = v == nd ? 0 : 255;
      }
      return Status();
    }
    if (t == DataType::kUInt64 && parent_.nodata_uint64()) {
      const uint64_t nd = *parent_.nodata_uint64();
      for (size_t i = 0; i < n; ++i) {
        uint64_t v;
        std::memcpy(&v, raw.data() + i * tsize, sizeof v);
        out[i] = v == nd ? 0 : 255;
      }
      return Status();
    }
    std::vector<double> values(n);
    convert_values(raw.data(), t, static_cast<ptrdiff_t>(tsize), values.data(), DataType::kFloat64,
                   sizeof(double), n);
    for (size_t i = 0; i < n; ++i) out[i] = is_nodata_value(values[i], *nodata, t) ? 0 : 255;
    return Status();
  }

 private:
  RasterBand& parent_;
};

class RescaledAlphaMaskBand final : public ComputedMaskBand {
 public:
  RescaledAlphaMaskBand(RasterBand& alpha, RasterBand& parent)
      : ComputedMaskBand(parent, alpha), alpha_(alpha) {}

 protected:
  Status read_block_impl(int64_t bx, int64_t by, void* dst) override {
    const size_t n = static_cast<size_t>(block_x_size() * block_y_size());
    std::vector<uint16_t> raw(n);
    RK_RETURN_IF_ERROR(alpha_.read_block(bx, by, raw.data()));
    auto* out = static_cast<uint8_t*>(dst);
    for (size_t i = 0; i < n; ++i) {
      const uint16_t v = raw[i];
      out[i] = static_cast<uint8_t>(v == 0 ? 0 : v <= 256 ? 1 : v / 257);
    }
    return Status();
  }

 private:
  RasterBand& alpha_;
};

}  // namespace

std::unique_ptr<RasterBand> make_rescaled_alpha_mask_band(RasterBand& alpha, RasterBand& parent) {
  return std::make_unique<RescaledAlphaMaskBand>(alpha, parent);
}

std::unique_ptr<RasterBand> make_default_mask_band(RasterBand& parent) {
  return std::make_unique<DerivedMaskBand>(parent);
}

}  // namespace rk
