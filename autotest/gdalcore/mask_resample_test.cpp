// Resampled reads of a band with an alpha band (issue 16, item 2): the
// kernels weigh each pixel by its alpha, average counts the pixels whose
// alpha is not 0, mode does so except on Byte bands. Fixed cases hold GDAL
// 3.6.2's values; randomized sweeps check properties any correct masking
// has, against the same band read without its alpha.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include <rasterkit/gdalcore/convert.h>
#include <rasterkit/gdalcore/statistics.h>

#include "support/test_dataset.h"

namespace rk {
namespace {

using test::TestDataset;

const Resampling kWeighted[] = {Resampling::kBilinear, Resampling::kCubic, Resampling::kCubicSpline,
                                Resampling::kLanczos, Resampling::kAverage};

// Fills `band` (Byte or UInt16) with f(x, y).
template <typename F>
void fill(test::TestBand* band, F f) {
  if (band->data_type() == DataType::kByte) {
    test::fill_band<uint8_t>(band, f);
  } else {
    test::fill_band<uint16_t>(band, f);
  }
}

// A gray + alpha dataset (`alpha` empty: gray only) of `type`, values and
// alphas from the functions (alphas 0..255, scaled by 257 for UInt16).
template <typename V, typename A>
std::unique_ptr<TestDataset> gray_alpha(int64_t w, int64_t h, DataType type, V value, A alpha,
                                        bool with_alpha, BlockCache* cache) {
  auto ds = std::make_unique<TestDataset>(w, h, with_alpha ? 2 : 1, type, 5, 4, cache);
  fill(ds->test_band(1), value);
  if (with_alpha) {
    const double unit = type == DataType::kUInt16 ? 257 : 1;
    fill(ds->test_band(2), [&](int64_t x, int64_t y) { return unit * alpha(x, y); });
    REQUIRE(ds->band(2)->set_color_interp(ColorInterp::kAlpha).ok());
  }
  return ds;
}

std::vector<double> read_as(RasterBand& band, Resampling m, int64_t w, int64_t h, DataType type) {
  std::vector<double> out(static_cast<size_t>(w * h));
  std::vector<std::byte> raw(out.size() * data_type_size(type));
  RasterIOOptions o;
  o.resampling = m;
  REQUIRE(band.read(Window{0, 0, band.x_size(), band.y_size()}, raw.data(),
                    BufferLayout::packed(type, w, h), o)
              .ok());
  convert_values(raw.data(), type, static_cast<ptrdiff_t>(data_type_size(type)), out.data(),
                 DataType::kFloat64, sizeof(double), out.size());
  return out;
}

TEST_CASE("an alpha band weighs resampled pixels: GDAL's values", "[rasterio][resample][mask]") {
  BlockCache cache(1 << 20);
  auto value = [](int64_t x, int64_t y) { return static_cast<double>((x * 37 + y * 91) % 250); };
  auto alpha = [](int64_t x, int64_t y) {
    const double a[5] = {0, 255, 100, 255, 30};
    return a[(x + 2 * y) % 5];
  };
  // gdal_translate -b 1 -outsize 4 3 -r K of the same 7 x 5 gray + alpha
  // file, Byte and UInt16 alike except for mode.
  const std::vector<std::pair<Resampling, std::vector<double>>> want = {
      {Resampling::kBilinear, {72, 103, 158, 155, 92, 58, 133, 119, 83, 166, 148, 124}},
      {Resampling::kCubic, {69, 104, 159, 155, 117, 50, 143, 128, 76, 186, 152, 120}},
      {Resampling::kCubicSpline, {75, 102, 142, 150, 70, 84, 129, 126, 82, 127, 135, 124}},
      {Resampling::kLanczos, {68, 109, 161, 153, 117, 40, 152, 129, 67, 212, 149, 115}},
      {Resampling::kAverage, {80, 105, 157, 128, 123, 61, 104, 130, 93, 141, 96, 134}},
  };
  for (DataType type : {DataType::kByte, DataType::kUInt16}) {
    auto ds = gray_alpha(7, 5, type, value, alpha, true, &cache);
    REQUIRE(ds->band(1)->mask_flags() == (kMaskPerDataset | kMaskAlpha));
    for (const auto& [m, values] : want) {
      INFO(resampling_name(m) << " on " << data_type_name(type));
      CHECK(read_as(*ds->band(1), m, 4, 3, type) == values);
    }
    // Mode: a Byte band's counts transparent pixels too, a UInt16 band's
    // does not.
    const std::vector<double> mode =
        type == DataType::kByte
            ? std::vector<double>{0, 37, 111, 185, 91, 128, 202, 26, 23, 60, 134, 208}
            : std::vector<double>{37, 37, 111, 222, 91, 128, 239, 26, 23, 60, 134, 208};
    CHECK(read_as(*ds->band(1), Resampling::kMode, 4, 3, type) == mode);
  }
}

TEST_CASE("alpha-weighted resampling against the unmasked band, random sizes and alphas",
          "[rasterio][resample][mask]") {
  BlockCache cache(1 << 22);
  std::mt19937 rng(20261203);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int trial = 0; trial < 150; ++trial) {
    const int64_t w = pick(3, 40), h = pick(3, 40), ow = pick(1, 60), oh = pick(1, 60);
    const DataType type = pick(0, 1) ? DataType::kUInt16 : DataType::kByte;
    const int k = pick(1, 254);
    std::vector<double> v(static_cast<size_t>(w * h)), a(v.size());
    for (double& x : v) x = pick(0, 250);
    for (double& x : a) x = pick(0, 3) == 0 ? 0 : (pick(0, 1) ? 255 : pick(1, 254));
    auto value = [&](int64_t x, int64_t y) { return v[static_cast<size_t>(y * w + x)]; };
    auto alpha_of = [&](int64_t x, int64_t y) { return a[static_cast<size_t>(y * w + x)]; };
    // The same values under other pixels where alpha is 0.
    auto scrambled = [&](int64_t x, int64_t y) {
      return alpha_of(x, y) == 0 ? static_cast<double>((x * 53 + y * 17) % 251) : value(x, y);
    };
    auto plain = gray_alpha(w, h, type, value, alpha_of, false, &cache);
    auto opaque = gray_alpha(
        w, h, type, value, [](int64_t, int64_t) { return 255.0; }, true, &cache);
    auto uniform = gray_alpha(
        w, h, type, value, [&](int64_t, int64_t) { return double(k); }, true, &cache);
    auto masked = gray_alpha(w, h, type, value, alpha_of, true, &cache);
    auto other = gray_alpha(w, h, type, scrambled, alpha_of, true, &cache);
    for (Resampling m : kWeighted) {
      INFO("trial " << trial << ": " << w << "x" << h << " -> " << ow << "x" << oh << " "
                    << resampling_name(m) << " " << data_type_name(type) << " alpha " << k);
      const std::vector<double> base = read_as(*plain->band(1), m, ow, oh, DataType::kFloat64);
      // Opaque everywhere is no mask at all; a uniform alpha scales every
      // weight alike.
      const std::vector<double> full = read_as(*opaque->band(1), m, ow, oh, DataType::kFloat64);
      const std::vector<double> even = read_as(*uniform->band(1), m, ow, oh, DataType::kFloat64);
      for (size_t i = 0; i < base.size(); ++i) {
        REQUIRE(full[i] == Approx(base[i]).margin(1e-9));
        REQUIRE(even[i] == Approx(base[i]).margin(1e-9));
      }
      // Transparent pixels do not count, whatever they hold.
      CHECK(read_as(*masked->band(1), m, ow, oh, DataType::kFloat64) ==
            read_as(*other->band(1), m, ow, oh, DataType::kFloat64));
    }
    // Mode: only a UInt16 band's leaves transparent pixels out; a Byte
    // band's is the unmasked band's.
    const std::vector<double> mode = read_as(*masked->band(1), Resampling::kMode, ow, oh, type);
    if (type == DataType::kByte) {
      CHECK(mode == read_as(*plain->band(1), Resampling::kMode, ow, oh, type));
    } else {
      CHECK(mode == read_as(*other->band(1), Resampling::kMode, ow, oh, type));
    }
  }
}

TEST_CASE("a paletted band's colour average does not look at its alpha band",
          "[rasterio][resample][mask][palette]") {
  // Measured on gdal_translate 3.6.2: -r average of a paletted gray + alpha
  // file counts the transparent pixels' colours.
  BlockCache cache(1 << 20);
  auto value = [](int64_t x, int64_t y) { return static_cast<double>((x + 3 * y) % 6); };
  auto alpha = [](int64_t x, int64_t) { return x % 2 ? 0.0 : 255.0; };
  ColorTable t;
  for (int i = 0; i < 6; ++i) {
    t.entries.push_back({int16_t(40 * i), int16_t(255 - 40 * i), int16_t(7 * i), 255});
  }
  auto with = gray_alpha(9, 8, DataType::kByte, value, alpha, true, &cache);
  auto without = gray_alpha(9, 8, DataType::kByte, value, alpha, false, &cache);
  with->test_band(1)->init_palette(t);
  without->test_band(1)->init_palette(t);
  const std::vector<double> a =
      read_as(*with->band(1), Resampling::kAverage, 4, 3, DataType::kByte);
  CHECK(a == read_as(*without->band(1), Resampling::kAverage, 4, 3, DataType::kByte));
  CHECK(a != std::vector<double>(a.size(), a[0]));
}

TEST_CASE("a nodata mask's reduced reads take its parent's overview's mask",
          "[rasterio][resample][mask]") {
  // gdal_translate's -b mask of a reduced window samples the nodata mask
  // of the overview its VRT picks; the approximate statistics of the mask
  // (-scale's range) sample the mask itself, which has no overviews in
  // GDAL. The two levels' nodata pixels are drawn independently, so the
  // level a read takes its pixels from shows.
  std::mt19937 rng(11);
  BlockCache cache(1 << 22);
  auto ds = std::make_unique<TestDataset>(60, 40, 1, DataType::kByte, 60, 40, &cache);
  test::TestBand* base = ds->test_band(1);
  base->init_nodata_value(0);
  test::fill_band<uint8_t>(base, [&](int64_t, int64_t) { return rng() % 3 == 0 ? 0 : 9; });
  auto ov = std::make_unique<test::TestBand>(ds.get(), 1, 30, 20, DataType::kByte, 30, 20);
  ov->set_level(1);
  ov->init_nodata_value(0);
  test::fill_band<uint8_t>(ov.get(), [&](int64_t, int64_t) { return rng() % 3 == 0 ? 0 : 7; });
  const std::vector<std::byte> base_px = base->pixels(), ov_px = ov->pixels();
  base->overviews.push_back(std::move(ov));
  RasterBand* mask = base->mask_band();
  REQUIRE(mask->overview_count() == 1);
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t w = 5 + static_cast<int64_t>(rng() % 56),
                  h = 4 + static_cast<int64_t>(rng() % 37);
    const double factor = std::min(60.0 / static_cast<double>(w), 40.0 / static_cast<double>(h));
    // GDAL's rule: the 2x overview when it is less than 1.2 times coarser.
    const bool reduced = 2.0 < factor * 1.2;
    const double sw = reduced ? 30 : 60, sh = reduced ? 20 : 40;
    const std::vector<std::byte>& px = reduced ? ov_px : base_px;
    std::vector<uint8_t> out(static_cast<size_t>(w * h));
    RasterIOOptions o;
    o.source_window = WindowF{0, 0, 60, 40};
    REQUIRE(
        mask->read(Window{0, 0, 60, 40}, out.data(), BufferLayout::packed(DataType::kByte, w, h), o)
            .ok());
    for (int64_t j = 0; j < h; ++j) {
      for (int64_t i = 0; i < w; ++i) {
        const auto x =
            static_cast<int64_t>((static_cast<double>(i) + 0.5) * sw / static_cast<double>(w));
        const auto y =
            static_cast<int64_t>((static_cast<double>(j) + 0.5) * sh / static_cast<double>(h));
        const int want =
            px[static_cast<size_t>(y * static_cast<int64_t>(sw) + x)] == std::byte{0} ? 0 : 255;
        INFO("trial " << trial << ": " << w << "x" << h << ", pixel " << i << "," << j);
        REQUIRE(out[static_cast<size_t>(j * w + i)] == want);
      }
    }
  }
}

TEST_CASE("a nodata mask's approximate statistics are its own, not an overview's",
          "[statistics][mask]") {
  // -scale's range of -b mask: GDAL's nodata mask has no overviews, so a
  // band whose only nodata pixel is missing from its overview still has a
  // mask minimum of 0. (The overview is large enough for approximate
  // statistics to take it, were the mask to lend it.)
  BlockCache cache(1 << 22);
  auto ds = std::make_unique<TestDataset>(200, 120, 1, DataType::kByte, 200, 120, &cache);
  test::TestBand* base = ds->test_band(1);
  base->init_nodata_value(0);
  test::fill_band<uint8_t>(base, [](int64_t x, int64_t y) { return x == 1 && y == 1 ? 0 : 5; });
  auto ov = std::make_unique<test::TestBand>(ds.get(), 1, 100, 60, DataType::kByte, 100, 60);
  ov->set_level(1);
  ov->init_nodata_value(0);
  test::fill_band<uint8_t>(ov.get(), [](int64_t, int64_t) { return 5; });
  base->overviews.push_back(std::move(ov));
  StatisticsOptions approx;
  approx.approx = true;
  Result<BandStatistics> st = compute_statistics(*base->mask_band(), approx);
  REQUIRE(st.ok());
  CHECK(st->min == 0);
  CHECK(st->max == 255);
}

}  // namespace
}  // namespace rk
