// Resampled reads of paletted bands: average works on colours, the
// interpolating kernels fall back to nearest (with a warning), mode counts
// indices. Fixed cases hold GDAL 3.6.2's values; a randomized sweep checks
// the average against a direct reference.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include <rasterkit/gdalcore/warning.h>

#include "support/test_dataset.h"

namespace rk {
namespace {

using test::TestDataset;

ColorTable table_of(const std::vector<ColorEntry>& entries) {
  ColorTable t;
  t.entries = entries;
  return t;
}

// A one-band Byte dataset of `w` x `h` `values` with `palette`.
std::unique_ptr<TestDataset> paletted(int64_t w, int64_t h, const std::vector<uint8_t>& values,
                                      const ColorTable& palette, BlockCache* cache,
                                      std::optional<double> nodata = std::nullopt) {
  auto ds = std::make_unique<TestDataset>(w, h, 1, DataType::kByte, 4, 3, cache);
  test::fill_band<uint8_t>(ds->test_band(1), [&](int64_t x, int64_t y) {
    return values[static_cast<size_t>(y * w + x)];
  });
  ds->test_band(1)->init_palette(palette);
  if (nodata) ds->test_band(1)->init_nodata_value(*nodata);
  return ds;
}

std::vector<int> read_as(RasterBand& band, Resampling m, int64_t w, int64_t h) {
  std::vector<int32_t> out(static_cast<size_t>(w * h));
  RasterIOOptions o;
  o.resampling = m;
  REQUIRE(band.read(Window{0, 0, band.x_size(), band.y_size()}, out.data(),
                    BufferLayout::packed(DataType::kInt32, w, h), o)
              .ok());
  return std::vector<int>(out.begin(), out.end());
}

TEST_CASE("average of a paletted band: GDAL's colours", "[rasterio][resample][palette]") {
  BlockCache cache(1 << 20);
  // Entries 3 and 6 transparent; value 9 is outside the table.
  const ColorTable palette = table_of({{0, 0, 0, 255},
                                       {255, 0, 0, 255},
                                       {0, 255, 0, 255},
                                       {0, 0, 255, 0},
                                       {200, 200, 200, 255},
                                       {128, 128, 0, 255},
                                       {90, 10, 200, 0},
                                       {250, 250, 250, 255}});
  const std::vector<uint8_t> v = {1, 2, 4, 4, 5, 7, 1, 1, 3, 6, 5, 9,
                                  2, 2, 4, 7, 0, 0, 6, 3, 1, 5, 7, 4};
  SECTION("without nodata: no pixel counted gives the first transparent entry") {
    auto ds = paletted(6, 4, v, palette, &cache);
    CHECK(read_as(*ds->band(1), Resampling::kAverage, 3, 2) == std::vector<int>{5, 4, 5, 2, 4, 5});
    CHECK(read_as(*ds->band(1), Resampling::kAverage, 4, 3) ==
          std::vector<int>{5, 5, 5, 5, 5, 5, 5, 0, 2, 5, 4, 5});
    CHECK(read_as(*ds->band(1), Resampling::kAverage, 9, 5) ==
          std::vector<int>{1, 5, 2, 4, 4, 4, 5, 4, 7, 1, 5, 5, 4, 4, 4, 5, 5, 7, 5, 5, 5, 4, 4,
                           7, 0, 0, 0, 2, 2, 2, 1, 4, 4, 5, 5, 5, 3, 3, 3, 1, 1, 5, 7, 4, 4});
  }
  SECTION("with nodata: its entry neither counts nor wins; no pixel counted gives nodata") {
    auto ds = paletted(6, 4, v, palette, &cache, 2.0);
    CHECK(read_as(*ds->band(1), Resampling::kAverage, 3, 2) == std::vector<int>{1, 4, 5, 2, 4, 5});
    CHECK(read_as(*ds->band(1), Resampling::kAverage, 4, 3) ==
          std::vector<int>{1, 1, 5, 5, 1, 1, 5, 0, 2, 1, 4, 5});
    CHECK(read_as(*ds->band(1), Resampling::kAverage, 9, 5) ==
          std::vector<int>{1, 1, 2, 4, 4, 4, 5, 4, 7, 1, 1, 1, 4, 4, 4, 5, 5, 7, 1, 1, 1, 4, 4,
                           7, 0, 0, 0, 2, 2, 2, 1, 4, 4, 5, 5, 5, 2, 2, 2, 1, 1, 5, 7, 4, 4});
  }
}

TEST_CASE("interpolating kernels on a paletted band read nearest and warn",
          "[rasterio][resample][palette]") {
  BlockCache cache(1 << 20);
  std::mt19937 rng(5);
  std::vector<uint8_t> v(17 * 11);
  for (auto& x : v) x = static_cast<uint8_t>(rng() % 8);
  ColorTable palette;
  for (int i = 0; i < 8; ++i) palette.entries.push_back({int16_t(i * 30), 0, 0, 255});
  auto ds = paletted(17, 11, v, palette, &cache);
  const std::vector<int> nearest = read_as(*ds->band(1), Resampling::kNearest, 7, 5);
  for (Resampling m : {Resampling::kBilinear, Resampling::kCubic, Resampling::kCubicSpline,
                       Resampling::kLanczos}) {
    std::vector<Warning> seen;
    {
      ScopedWarningHandler handler([&](const Warning& w) { seen.push_back(w); });
      CHECK(read_as(*ds->band(1), m, 7, 5) == nearest);
    }
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].message.find("paletted") != std::string::npos);
    CHECK(seen[0].message.find(std::string(resampling_name(m))) != std::string::npos);
  }
  std::string why;
  CHECK(ds->band(1)->applied_resampling(Resampling::kMode, &why) == Resampling::kMode);
  CHECK(ds->band(1)->applied_resampling(Resampling::kAverage, &why) == Resampling::kAverage);
  CHECK(why.empty());
}

// The average as GDAL defines it for a whole-raster read into w x h:
// footprint pixels trunc(i * r + 1e-8) .. ceil((i + 1) * r - 1e-8), at least
// one; unweighted mean colour of the opaque, valid ones; nearest opaque
// entry.
std::vector<int> reference_average(const std::vector<uint8_t>& v, int64_t sw, int64_t sh,
                                   ColorTable t, std::optional<double> nodata, int64_t w,
                                   int64_t h) {
  int empty = 0;
  for (size_t i = 0; i < t.entries.size(); ++i) {
    if (t.entries[i].c4 == 0) {
      empty = static_cast<int>(i);
      break;
    }
  }
  if (nodata) {
    empty = static_cast<int>(*nodata);
    if (*nodata < static_cast<double>(t.entries.size())) t.entries[size_t(*nodata)].c4 = 0;
  }
  auto span = [](int64_t i, double r, int64_t n) {
    auto a = static_cast<int64_t>(static_cast<double>(i) * r + 1e-8);
    auto b = static_cast<int64_t>(std::ceil(static_cast<double>(i + 1) * r - 1e-8));
    b = std::min(std::max(b, a + 1), n);
    return std::make_pair(std::min(a, n - 1), b);
  };
  std::vector<int> out;
  for (int64_t j = 0; j < h; ++j) {
    const auto ys = span(j, double(sh) / double(h), sh);
    for (int64_t i = 0; i < w; ++i) {
      const auto xs = span(i, double(sw) / double(w), sw);
      long r = 0, g = 0, b = 0, n = 0;
      for (int64_t y = ys.first; y < ys.second; ++y) {
        for (int64_t x = xs.first; x < xs.second; ++x) {
          const uint8_t k = v[static_cast<size_t>(y * sw + x)];
          if (k >= t.entries.size() || t.entries[k].c4 == 0) continue;
          r += t.entries[k].c1, g += t.entries[k].c2, b += t.entries[k].c3, ++n;
        }
      }
      if (n == 0) {
        out.push_back(empty);
        continue;
      }
      const long mr = (r + n / 2) / n, mg = (g + n / 2) / n, mb = (b + n / 2) / n;
      long best = -1, best_d = 0;
      for (size_t e = 0; e < t.entries.size(); ++e) {
        const ColorEntry& c = t.entries[e];
        if (c.c4 == 0) continue;
        const long d =
            (mr - c.c1) * (mr - c.c1) + (mg - c.c2) * (mg - c.c2) + (mb - c.c3) * (mb - c.c3);
        if (best < 0 || d < best_d) best = long(e), best_d = d;
      }
      out.push_back(best < 0 ? 0 : int(best));
    }
  }
  return out;
}

TEST_CASE("paletted average against a reference, random sizes, tables and nodata",
          "[rasterio][resample][palette][sweep]") {
  BlockCache cache(4 << 20);
  std::mt19937 rng(20261203);
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t sw = 1 + rng() % 40, sh = 1 + rng() % 30;
    const int64_t w = 1 + rng() % 50, h = 1 + rng() % 40;
    if (w == sw && h == sh) continue;  // not resampled: a plain copy
    const size_t n_entries = 1 + rng() % 40;
    ColorTable t;
    for (size_t e = 0; e < n_entries; ++e) {
      t.entries.push_back({int16_t(rng() % 256), int16_t(rng() % 256), int16_t(rng() % 256),
                           int16_t(rng() % 5 == 0 ? 0 : 255)});
    }
    std::vector<uint8_t> v(static_cast<size_t>(sw * sh));
    // Some values past the table's end.
    for (auto& x : v) x = static_cast<uint8_t>(rng() % (n_entries + 3));
    std::optional<double> nodata;
    if (rng() % 2) nodata = static_cast<double>(rng() % (n_entries + 2));
    auto ds = paletted(sw, sh, v, t, &cache, nodata);
    INFO("trial " << trial << ": " << sw << "x" << sh << " -> " << w << "x" << h << ", "
                  << n_entries << " entries");
    CHECK(read_as(*ds->band(1), Resampling::kAverage, w, h) ==
          reference_average(v, sw, sh, t, nodata, w, h));
  }
}

TEST_CASE("mode of a paletted band counts indices, transparent ones too",
          "[rasterio][resample][palette]") {
  BlockCache cache(1 << 20);
  ColorTable t = table_of({{0, 0, 0, 255}, {9, 9, 9, 0}, {5, 5, 5, 255}});
  // Each 2x2 footprint: the transparent index 1 is the most frequent.
  const std::vector<uint8_t> v = {1, 1, 2, 2, 1, 0, 2, 0};
  auto ds = paletted(4, 2, v, t, &cache);
  CHECK(read_as(*ds->band(1), Resampling::kMode, 2, 1) == std::vector<int>{1, 2});
}

}  // namespace
}  // namespace rk
