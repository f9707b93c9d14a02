#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include <rasterkit/gdalcore/convert.h>

#include "support/test_dataset.h"

namespace rk {
namespace {

using test::TestDataset;

// A 10x7 raster (blocks 4x3, so windows cross partial edge blocks) with
// value 100 * band + 10 * y + x.
std::unique_ptr<TestDataset> make_pattern(BlockCache* cache, int bands = 2,
                                          DataType type = DataType::kInt16) {
  auto ds = std::make_unique<TestDataset>(10, 7, bands, type, 4, 3, cache);
  for (int b = 1; b <= bands; ++b) {
    switch (type) {
      case DataType::kInt16:
        test::fill_band<int16_t>(ds->test_band(b),
                                 [b](int64_t x, int64_t y) { return 100 * b + 10 * y + x; });
        break;
      case DataType::kFloat32:
        test::fill_band<float>(ds->test_band(b),
                               [b](int64_t x, int64_t y) { return 100 * b + 10 * y + x; });
        break;
      default:
        test::fill_band<uint8_t>(ds->test_band(b),
                                 [b](int64_t x, int64_t y) { return 100 * b + 10 * y + x; });
    }
  }
  return ds;
}

TEST_CASE("read windows across blocks into any type", "[rasterio]") {
  BlockCache cache(1 << 20);
  auto ds = make_pattern(&cache);
  RasterBand* band = ds->band(1);
  std::vector<double> buf(5 * 4);
  REQUIRE(band->read(Window{3, 2, 5, 4}, buf.data(), BufferLayout::packed(DataType::kFloat64, 5, 4))
              .ok());
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 5; ++x)
      CHECK(buf[static_cast<size_t>(y * 5 + x)] == 100 + 10 * (y + 2) + (x + 3));
  }
  // Narrowing conversion clamps: 100 + 10y + x fits; force clamping with Int8.
  std::vector<int8_t> small(10 * 7);
  REQUIRE(
      ds->band(2)
          ->read(Window{0, 0, 10, 7}, small.data(), BufferLayout::packed(DataType::kInt8, 10, 7))
          .ok());
  CHECK(small[0] == 127);  // 200 clamps to 127
}

TEST_CASE("pixel-interleaved and band-subset reads", "[rasterio]") {
  BlockCache cache(1 << 20);
  auto ds = make_pattern(&cache, 3);
  std::vector<uint16_t> rgb(4 * 2 * 3);
  const BufferLayout layout = BufferLayout::pixel_interleaved(DataType::kUInt16, 4, 2, 3);
  REQUIRE(ds->read(Window{6, 5, 4, 2}, rgb.data(), layout).ok());
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 4; ++x) {
      for (int b = 0; b < 3; ++b) {
        CHECK(rgb[static_cast<size_t>((y * 4 + x) * 3 + b)] ==
              100 * (b + 1) + 10 * (y + 5) + (x + 6));
      }
    }
  }
  // Bands 3 then 1, band-sequential, with line padding.
  BufferLayout padded = BufferLayout::packed(DataType::kInt16, 2, 2);
  padded.line_spacing = 3 * 2;
  padded.band_spacing = 2 * 3 * 2;
  std::vector<int16_t> out(12, -1);
  REQUIRE(ds->read(Window{0, 0, 2, 2}, out.data(), padded, {3, 1}).ok());
  CHECK(out == std::vector<int16_t>{300, 301, -1, 310, 311, -1, 100, 101, -1, 110, 111, -1});
}

TEST_CASE("windows outside the raster and bad buffers are errors", "[rasterio]") {
  BlockCache cache(1 << 20);
  auto ds = make_pattern(&cache);
  std::vector<int16_t> buf(100);
  const auto layout = BufferLayout::packed(DataType::kInt16, 5, 5);
  for (Window w :
       {Window{-1, 0, 5, 5}, Window{6, 0, 5, 5}, Window{0, 3, 5, 5}, Window{0, 0, 0, 5}}) {
    Status s = ds->band(1)->read(w, buf.data(), layout);
    CHECK(s.code() == StatusCode::kOutOfRange);
    CHECK(s.to_string().find("outside the 10x7 raster") != std::string::npos);
  }
  CHECK(ds->band(1)
            ->read(Window{0, 0, 5, 5}, buf.data(), BufferLayout::packed(DataType::kInt16, 0, 5))
            .code() == StatusCode::kInvalidArgument);
  CHECK(ds->read(Window{0, 0, 5, 5}, buf.data(), layout, {3}).code() == StatusCode::kOutOfRange);
}

TEST_CASE("writes of partial blocks keep the rest of the block", "[rasterio]") {
  BlockCache cache(1 << 20);
  auto ds = make_pattern(&cache);
  const std::vector<float> patch = {-1.4f, -2.6f, 1000.5f, 7.0f};
  REQUIRE(
      ds->band(1)
          ->write(Window{3, 2, 2, 2}, patch.data(), BufferLayout::packed(DataType::kFloat32, 2, 2))
          .ok());
  std::vector<int16_t> all(70);
  REQUIRE(ds->band(1)
              ->read(Window{0, 0, 10, 7}, all.data(), BufferLayout::packed(DataType::kInt16, 10, 7))
              .ok());
  CHECK(all[2 * 10 + 3] == -1);
  CHECK(all[2 * 10 + 4] == -3);
  CHECK(all[3 * 10 + 3] == 1001);  // half away from zero
  CHECK(all[3 * 10 + 4] == 7);
  CHECK(all[2 * 10 + 2] == 122);  // neighbours untouched
  CHECK(all[4 * 10 + 4] == 144);
  // The driver sees the new values only after the write-back.
  const auto* px = reinterpret_cast<const int16_t*>(ds->test_band(1)->pixels().data());
  CHECK(px[23] == 123);
  REQUIRE(ds->flush().ok());
  CHECK(px[23] == -1);
  CHECK(px[34] == 7);
}

TEST_CASE("nearest resampling picks the pixel under each output centre", "[rasterio][resample]") {
  BlockCache cache(1 << 20);
  auto ds = make_pattern(&cache, 1, DataType::kByte);
  std::vector<uint8_t> out(5 * 3);
  REQUIRE(ds->band(1)
              ->read(Window{0, 0, 10, 7}, out.data(), BufferLayout::packed(DataType::kByte, 5, 3))
              .ok());
  // x: centres 1, 3, 5, 7, 9; y: centres 7/6, 3.5, 35/6 -> rows 1, 3, 5.
  CHECK(out == std::vector<uint8_t>{111, 113, 115, 117, 119, 131, 133, 135, 137, 139, 151, 153, 155,
                                    157, 159});
  // Upsampling 2x2 -> 4x4 replicates.
  std::vector<uint8_t> up(16);
  REQUIRE(ds->band(1)
              ->read(Window{2, 2, 2, 2}, up.data(), BufferLayout::packed(DataType::kByte, 4, 4))
              .ok());
  CHECK(up == std::vector<uint8_t>{122, 122, 123, 123, 122, 122, 123, 123, 132, 132, 133, 133, 132,
                                   132, 133, 133});
}

std::unique_ptr<TestDataset> make_ramp(BlockCache* cache, std::vector<float> values) {
  auto ds = std::make_unique<TestDataset>(static_cast<int64_t>(values.size()), 1, 1,
                                          DataType::kFloat32, 3, 1, cache);
  test::fill_band<float>(ds->test_band(1),
                         [&](int64_t x, int64_t) { return values[static_cast<size_t>(x)]; });
  return ds;
}

std::unique_ptr<TestDataset> make_grid(BlockCache* cache, int64_t w, int64_t h,
                                       const std::vector<uint8_t>& values) {
  auto ds = std::make_unique<TestDataset>(w, h, 1, DataType::kByte, 5, 3, cache);
  test::fill_band<uint8_t>(ds->test_band(1), [&](int64_t x, int64_t y) {
    return values[static_cast<size_t>(y * w + x)];
  });
  return ds;
}

TEST_CASE("kernels near nodata weigh rows as GDAL's do, and never make nodata",
          "[rasterio][resample]") {
  BlockCache cache(1 << 20);
  RasterIOOptions bilinear{Resampling::kBilinear, nullptr, {}};
  // Rows are renormalised one at a time, then the rows: (10 + (20 + 30) / 2) / 2
  // = 17.5, rounded to 18; a two-dimensional renormalisation would give 20.
  auto grid = make_grid(&cache, 2, 2, {10, 0, 20, 30});
  grid->test_band(1)->init_nodata_value(0);
  uint8_t one = 0;
  REQUIRE(
      grid->band(1)
          ->read(Window{0, 0, 2, 2}, &one, BufferLayout::packed(DataType::kByte, 1, 1), bilinear)
          .ok());
  CHECK(one == 18);
  // 4, 6 upsampled gives 4, 4.5, 5.5, 6; 4.5 would round to the nodata
  // value 5, and is moved off it to 6, as GDAL does.
  auto row = make_grid(&cache, 2, 1, {4, 6});
  row->test_band(1)->init_nodata_value(5);
  std::vector<uint8_t> up(4);
  REQUIRE(row->band(1)
              ->read(Window{0, 0, 2, 1}, up.data(), BufferLayout::packed(DataType::kByte, 4, 1),
                     bilinear)
              .ok());
  CHECK(up == std::vector<uint8_t>{4, 6, 6, 6});
}

TEST_CASE("bilinear resampling", "[rasterio][resample]") {
  BlockCache cache(1 << 20);
  RasterIOOptions bilinear{Resampling::kBilinear, nullptr, {}};
  SECTION("upsampling interpolates between centres, edges replicate") {
    auto ds = make_ramp(&cache, {0, 10});
    std::vector<float> out(4);
    REQUIRE(ds->band(1)
                ->read(Window{0, 0, 2, 1}, out.data(),
                       BufferLayout::packed(DataType::kFloat32, 4, 1), bilinear)
                .ok());
    CHECK(out == std::vector<float>{0, 2.5f, 7.5f, 10});
  }
  SECTION("downsampling widens the triangle by the factor") {
    auto ds = make_ramp(&cache, {0, 1, 2, 3, 4, 5, 6, 7});
    std::vector<double> out(4);
    REQUIRE(ds->band(1)
                ->read(Window{0, 0, 8, 1}, out.data(),
                       BufferLayout::packed(DataType::kFloat64, 4, 1), bilinear)
                .ok());
    // Output 0 is centred at 1.0: pixels 0,1,2 at distances -0.25, 0.25, 0.75
    // (in units of 2 pixels) weigh 0.75, 0.75, 0.25.
    CHECK(out[0] == Approx((0 * 0.75 + 1 * 0.75 + 2 * 0.25) / 1.75));
    // Output 1 at 3.0: pixels 1..4 weigh 0.25, 0.75, 0.75, 0.25 -> 2.5.
    CHECK(out[1] == Approx(2.5));
    CHECK(out[2] == Approx(4.5));
    CHECK(out[3] == Approx((5 * 0.25 + 6 * 0.75 + 7 * 0.75) / 1.75));
  }
}

TEST_CASE("cubic resampling reproduces linear ramps inside the raster", "[rasterio][resample]") {
  BlockCache cache(1 << 20);
  auto ds = make_ramp(&cache, {0, 10, 20, 30});
  std::vector<double> out(8);
  REQUIRE(ds->band(1)
              ->read(Window{0, 0, 4, 1}, out.data(), BufferLayout::packed(DataType::kFloat64, 8, 1),
                     RasterIOOptions{Resampling::kCubic, nullptr, {}})
              .ok());
  // Output 3 is centred at source 1.75, i.e. 1.25 pixels past centre 0.
  CHECK(out[3] == Approx(12.5));
  CHECK(out[4] == Approx(17.5));
  // Keys' kernel at an exact pixel centre returns that pixel.
  auto ds2 = make_ramp(&cache, {5, -3, 8, 1});
  std::vector<double> same(4);
  REQUIRE(ds2->band(1)
              ->read(Window{0, 0, 4, 1}, same.data(),
                     BufferLayout::packed(DataType::kFloat64, 4, 1),
                     RasterIOOptions{Resampling::kCubic, nullptr, {}})
              .ok());
  CHECK(same == std::vector<double>{5, -3, 8, 1});  // same size: a plain copy
}

TEST_CASE("average resampling weighs pixels by footprint overlap and skips nodata",
          "[rasterio][resample]") {
  BlockCache cache(1 << 20);
  RasterIOOptions average{Resampling::kAverage, nullptr, {}};
  auto ds = make_pattern(&cache, 1, DataType::kFloat32);
  std::vector<float> out(5 * 1);
  // 10x2 rows 0..1 -> 5x1: each output averages a 2x2 square.
  REQUIRE(ds->band(1)
              ->read(Window{0, 0, 10, 2}, out.data(),
                     BufferLayout::packed(DataType::kFloat32, 5, 1), average)
              .ok());
  CHECK(out == std::vector<float>{105.5f, 107.5f, 109.5f, 111.5f, 113.5f});
  // Non-integer ratio: 3 pixels -> 2 outputs, footprints [0,1.5) and [1.5,3).
  auto ramp = make_ramp(&cache, {0, 6, 12});
  std::vector<double> two(2);
  REQUIRE(ramp->band(1)
              ->read(Window{0, 0, 3, 1}, two.data(), BufferLayout::packed(DataType::kFloat64, 2, 1),
                     average)
              .ok());
  CHECK(two[0] == Approx((0 * 1 + 6 * 0.5) / 1.5));
  CHECK(two[1] == Approx((6 * 0.5 + 12 * 1) / 1.5));
  // Nodata pixels do not count; an all-nodata footprint gives nodata.
  auto nd = make_ramp(&cache, {-9999, 4, -9999, -9999});
  nd->test_band(1)->init_nodata_value(-9999);
  std::vector<float> halves(2);
  REQUIRE(nd->band(1)
              ->read(Window{0, 0, 4, 1}, halves.data(),
                     BufferLayout::packed(DataType::kFloat32, 2, 1), average)
              .ok());
  CHECK(halves == std::vector<float>{4, -9999});
}

TEST_CASE("mode resampling picks the most frequent value, GDAL's way on ties",
          "[rasterio][resample]") {
  BlockCache cache(1 << 20);
  // {4,8,8,4}: 8 reaches two first, and 4 only draws level (GDAL 3.6: 8).
  auto ds = make_ramp(&cache, {3, 3, 1, 2, 7, 5, 5, 9, 4, 8, 8, 4});
  std::vector<uint8_t> out(3);
  REQUIRE(ds->band(1)
              ->read(Window{0, 0, 12, 1}, out.data(), BufferLayout::packed(DataType::kByte, 3, 1),
                     RasterIOOptions{Resampling::kMode, nullptr, {}})
              .ok());
  CHECK(out == std::vector<uint8_t>{3, 5, 8});
}

TEST_CASE("mode resampling ties, randomized against GDAL's scan", "[rasterio][resample]") {
  // The reference is GDAL's algorithm itself: scan in raster order, count,
  // change the pick only when a count overtakes the pick's.
  std::mt19937 rng(7);
  BlockCache cache(1 << 22);
  for (int round = 0; round < 200; ++round) {
    const int w = 2 + static_cast<int>(rng() % 7), h = 2 + static_cast<int>(rng() % 7);
    const int fx = 1 + static_cast<int>(rng() % 4), fy = 1 + static_cast<int>(rng() % 4);
    const int levels = 2 + static_cast<int>(rng() % 4);  // few values: many ties
    std::vector<uint8_t> px(static_cast<size_t>(w * fx * h * fy));
    for (uint8_t& v : px) v = static_cast<uint8_t>(rng() % levels);
    auto ds = make_grid(&cache, w * fx, h * fy, px);
    std::vector<uint8_t> out(static_cast<size_t>(w * h));
    REQUIRE(ds->band(1)
                ->read(Window{0, 0, w * fx, h * fy}, out.data(),
                       BufferLayout::packed(DataType::kByte, w, h),
                       RasterIOOptions{Resampling::kMode, nullptr, {}})
                .ok());
    for (int j = 0; j < h; ++j) {
      for (int i = 0; i < w; ++i) {
        int counts[256] = {}, pick = -1;
        for (int y = j * fy; y < (j + 1) * fy; ++y) {
          for (int x = i * fx; x < (i + 1) * fx; ++x) {
            const int v = px[static_cast<size_t>(y * w * fx + x)];
            if (++counts[v] > (pick < 0 ? 0 : counts[pick])) pick = v;
          }
        }
        INFO("round " << round << " pixel " << i << "," << j);
        CHECK(out[static_cast<size_t>(j * w + i)] == pick);
      }
    }
  }
}

TEST_CASE("downsampled reads use an overview when one fits", "[rasterio][resample]") {
  BlockCache cache(1 << 20);
  auto ds = make_pattern(&cache, 1, DataType::kByte);
  test::TestBand* base = ds->test_band(1);
  auto ov = std::make_unique<test::TestBand>(ds.get(), 1, 5, 4, DataType::kByte, 5, 4);
  ov->set_level(1);
  test::fill_band<uint8_t>(ov.get(), [](int64_t x, int64_t y) { return 200 + 10 * y + x; });
  test::TestBand* ovp = ov.get();
  base->overviews.push_back(std::move(ov));
  std::vector<uint8_t> out(5 * 4);
  REQUIRE(base->read(Window{0, 0, 10, 7}, out.data(), BufferLayout::packed(DataType::kByte, 5, 4))
              .ok());
  CHECK(base->block_reads == 0);
  CHECK(ovp->block_reads == 1);
  CHECK(out[0] == 200);
  CHECK(out[19] == 234);
}

TEST_CASE("writes with a different buffer size use nearest neighbour", "[rasterio]") {
  BlockCache cache(1 << 20);
  auto ds = make_pattern(&cache, 1, DataType::kByte);
  const std::vector<uint8_t> two = {1, 2, 3, 4};
  REQUIRE(ds->band(1)
              ->write(Window{0, 0, 4, 4}, two.data(), BufferLayout::packed(DataType::kByte, 2, 2))
              .ok());
  std::vector<uint8_t> back(16);
  REQUIRE(ds->band(1)
              ->read(Window{0, 0, 4, 4}, back.data(), BufferLayout::packed(DataType::kByte, 4, 4))
              .ok());
  CHECK(back == std::vector<uint8_t>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  CHECK(ds->band(1)
            ->write(Window{0, 0, 4, 4}, two.data(), BufferLayout::packed(DataType::kByte, 2, 2),
                    RasterIOOptions{Resampling::kAverage, nullptr, {}})
            .code() == StatusCode::kInvalidArgument);
}

TEST_CASE("complex bands resample both parts", "[rasterio][resample]") {
  BlockCache cache(1 << 20);
  TestDataset ds(4, 1, 1, DataType::kCFloat32, 4, 1, &cache);
  auto* p = reinterpret_cast<float*>(ds.test_band(1)->pixels().data());
  const float v[] = {1, -1, 3, -3, 5, -5, 7, -7};
  std::copy(std::begin(v), std::end(v), p);
  std::vector<float> out(4);
  REQUIRE(ds.band(1)
              ->read(Window{0, 0, 4, 1}, out.data(),
                     BufferLayout::packed(DataType::kCFloat32, 2, 1),
                     RasterIOOptions{Resampling::kAverage, nullptr, {}})
              .ok());
  CHECK(out == std::vector<float>{2, -2, 6, -6});
}

TEST_CASE("default masks follow nodata", "[rasterio][mask]") {
  BlockCache cache(1 << 20);
  auto ds = make_ramp(&cache, {1, 2, 3, 2});
  CHECK(ds->band(1)->mask_flags() == kMaskAllValid);
  std::vector<uint8_t> m(4);
  REQUIRE(ds->band(1)
              ->mask_band()
              ->read(Window{0, 0, 4, 1}, m.data(), BufferLayout::packed(DataType::kByte, 4, 1))
              .ok());
  CHECK(m == std::vector<uint8_t>{255, 255, 255, 255});
  auto nd = make_ramp(&cache, {1, 2, 3, 2});
  nd->test_band(1)->init_nodata_value(2);
  CHECK(nd->band(1)->mask_flags() == kMaskNoData);
  REQUIRE(nd->band(1)
              ->mask_band()
              ->read(Window{0, 0, 4, 1}, m.data(), BufferLayout::packed(DataType::kByte, 4, 1))
              .ok());
  CHECK(m == std::vector<uint8_t>{255, 0, 255, 0});
}

TEST_CASE("an all-valid mask fills a read without building its blocks", "[rasterio][mask]") {
  // A fuzz input of 13,172,752-pixel strips spent 20 s filling and evicting
  // 13 MB mask blocks for 64-pixel reads.
  BlockCache cache(1 << 20);
  TestDataset ds(8192, 8, 1, DataType::kUInt16, 8192, 8, &cache);
  RasterBand* mask = ds.band(1)->mask_band();
  REQUIRE(mask->mask_flags() == kMaskAllValid);
  std::vector<double> m(4 * 3, -1);
  REQUIRE(
      mask->read(Window{8000, 2, 4, 3}, m.data(), BufferLayout::packed(DataType::kFloat64, 4, 3))
          .ok());
  CHECK(m == std::vector<double>(12, 255));
  std::vector<uint8_t> small(2 * 2);
  REQUIRE(mask->read(Window{0, 0, 64, 8}, small.data(), BufferLayout::packed(DataType::kByte, 2, 2),
                     RasterIOOptions{Resampling::kCubic, nullptr, {}})
              .ok());
  CHECK(small == std::vector<uint8_t>(4, 255));
  CHECK(cache.bytes_in_use() == 0);
  // Blocks still come whole to callers asking for a block.
  std::vector<uint8_t> block(8192 * 8, 0);
  REQUIRE(mask->read_block(0, 0, block.data()).ok());
  CHECK(block == std::vector<uint8_t>(block.size(), 255));
}

TEST_CASE("progress is reported and can cancel", "[rasterio]") {
  BlockCache cache(1 << 20);
  auto ds = make_pattern(&cache);
  std::vector<int16_t> buf(70);
  std::vector<double> seen;
  RasterIOOptions options;
  options.progress = [&](double f, std::string_view) {
    seen.push_back(f);
    return true;
  };
  REQUIRE(ds->band(1)
              ->read(Window{0, 0, 10, 7}, buf.data(), BufferLayout::packed(DataType::kInt16, 10, 7),
                     options)
              .ok());
  REQUIRE(!seen.empty());
  CHECK(seen.back() == 1.0);
  options.progress = [](double, std::string_view) { return false; };
  Status s = ds->band(1)->read(Window{0, 0, 10, 7}, buf.data(),
                               BufferLayout::packed(DataType::kInt16, 10, 7), options);
  CHECK(s.code() == StatusCode::kCancelled);
  s = ds->band(1)->read(Window{0, 0, 10, 7}, buf.data(),
                        BufferLayout::packed(DataType::kInt16, 5, 5), options);
  CHECK(s.code() == StatusCode::kCancelled);
}

// Every kernel, over integer and fractional factors up and down, in x, in
// y and in both, on odd sizes that end in partial blocks: the reads succeed
// (vertical upsampling by odd factors once read freed rows; see
// resample.cpp's row cache), a constant raster stays constant everywhere,
// and bilinear and cubic reproduce a linear ramp away from the edges.
TEST_CASE("every kernel, every factor, both directions", "[rasterio][resample][sweep]") {
  BlockCache cache(4 << 20);
  constexpr int64_t kW = 23, kH = 17;
  TestDataset constant(kW, kH, 1, DataType::kFloat32, 4, 3, &cache);
  test::fill_band<float>(constant.test_band(1), [](int64_t, int64_t) { return 42.0f; });
  TestDataset ramp(kW, kH, 1, DataType::kFloat32, 4, 3, &cache);
  test::fill_band<float>(ramp.test_band(1), [](int64_t x, int64_t y) {
    return static_cast<float>(3 * x + 5 * y + 7);
  });
  const Resampling kernels[] = {
      Resampling::kNearest, Resampling::kBilinear, Resampling::kCubic, Resampling::kCubicSpline,
      Resampling::kLanczos, Resampling::kAverage,  Resampling::kMode};
  const double factors[] = {1.0 / 3, 0.37, 0.5, 2, 2.5, 3, 3.01, 5, 7, 9};
  for (Resampling m : kernels) {
    for (double f : factors) {
      for (int dir = 0; dir < 3; ++dir) {
        const int64_t w = dir == 1 ? kW : std::max<int64_t>(1, std::llround(double{kW} * f));
        const int64_t h = dir == 0 ? kH : std::max<int64_t>(1, std::llround(double{kH} * f));
        INFO(resampling_name(m) << " factor " << f << " direction " << dir);
        std::vector<double> out(static_cast<size_t>(w * h));
        const BufferLayout l = BufferLayout::packed(DataType::kFloat64, w, h);
        REQUIRE(constant.band(1)->read(Window{0, 0, kW, kH}, out.data(), l, {m, nullptr, {}}).ok());
        for (double v : out) REQUIRE(v == Approx(42.0).margin(1e-9));
        REQUIRE(ramp.band(1)->read(Window{0, 0, kW, kH}, out.data(), l, {m, nullptr, {}}).ok());
        if (m != Resampling::kBilinear && m != Resampling::kCubic) continue;
        if (f < 1) continue;  // downsampling averages: the centre value is not exact
        const double rx = static_cast<double>(kW) / static_cast<double>(w);
        const double ry = static_cast<double>(kH) / static_cast<double>(h);
        for (int64_t j = 0; j < h; ++j) {
          for (int64_t i = 0; i < w; ++i) {
            const double sx = (static_cast<double>(i) + 0.5) * rx - 0.5;
            const double sy = (static_cast<double>(j) + 0.5) * ry - 0.5;
            if (sx < 2 || sy < 2 || sx > kW - 3 || sy > kH - 3) continue;
            CHECK(out[static_cast<size_t>(j * w + i)] == Approx(3 * sx + 5 * sy + 7).margin(1e-6));
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace rk

#include <rasterkit/gdalcore/statistics.h>

namespace rk {
namespace {

// Complex bands as GDAL 3.6 treats them: statistics and min/max of the real
// part, histograms of the magnitude (regression: a piece buffer sized for
// one value per pixel took two, and the heap broke).
TEST_CASE("statistics and histograms of complex bands", "[statistics][complex]") {
  BlockCache cache(1 << 20);
  for (DataType t :
       {DataType::kCInt16, DataType::kCInt32, DataType::kCFloat32, DataType::kCFloat64}) {
    INFO(data_type_name(t));
    TestDataset ds(64, 45, 1, t, 64, 32, &cache);
    std::vector<double> values(64 * 45 * 2);
    double sum = 0;
    for (size_t i = 0; i < 64 * 45; ++i) {
      values[2 * i] = static_cast<double>(static_cast<int>(i % 300) - 150);
      values[2 * i + 1] = 2 * values[2 * i];
      sum += values[2 * i];
    }
    REQUIRE(ds.band(1)
                ->write(Window{0, 0, 64, 45}, values.data(),
                        BufferLayout::packed(DataType::kCFloat64, 64, 45))
                .ok());
    auto s = compute_statistics(*ds.band(1));
    REQUIRE(s.ok());
    CHECK(s->min == -150);
    CHECK(s->max == 149);
    CHECK(s->mean == Approx(sum / (64 * 45)));
    auto h = compute_histogram(*ds.band(1), 0, 400, 4);
    REQUIRE(h.ok());
    uint64_t above_300 = 0;  // magnitudes: |v| * sqrt(5)
    for (size_t i = 0; i < 64 * 45; ++i)
      above_300 += std::hypot(values[2 * i], values[2 * i + 1]) >= 300;
    CHECK(h->counts[3] == above_300);
    uint64_t total = 0;
    for (uint64_t c : h->counts) total += c;
    CHECK(total == 64 * 45);
  }
}

// Fractional source windows whose edges are a rounding error (< 1e-6
// pixel) outside the read window, as georeferenced corners produce: every
// kernel reads them, and gives exactly what the whole-pixel edges give.
// Random windows, sizes and perturbations against that reference.
TEST_CASE("source windows a rounding error outside the read window", "[rasterio][resample]") {
  BlockCache cache(4 << 20);
  constexpr int64_t kW = 37, kH = 29;
  TestDataset ds(kW, kH, 1, DataType::kFloat32, 8, 5, &cache);
  test::fill_band<float>(ds.test_band(1), [](int64_t x, int64_t y) {
    return static_cast<float>((x * 7 + y * 13) % 31);
  });
  const Resampling kernels[] = {
      Resampling::kNearest, Resampling::kBilinear, Resampling::kCubic, Resampling::kCubicSpline,
      Resampling::kLanczos, Resampling::kAverage,  Resampling::kMode};
  std::mt19937 rng(20261202);
  for (int trial = 0; trial < 300; ++trial) {
    const int64_t x = rng() % kW, y = rng() % kH;
    const int64_t w = 1 + rng() % (kW - x), h = 1 + rng() % (kH - y);
    const int64_t bw = 1 + rng() % 40, bh = 1 + rng() % 40;
    const Resampling m = kernels[rng() % 7];
    // Outward only: inward, the window really is smaller, and the discrete
    // kernels may pick differently at exact pixel boundaries.
    auto jitter = [&rng] { return static_cast<double>(rng() % 1001) * 9e-10; };
    const Window window{x, y, w, h};
    RasterIOOptions exact{m, nullptr, WindowF{double(x), double(y), double(w), double(h)}};
    RasterIOOptions off = exact;
    // Each edge moved outward by up to 9e-7 pixel.
    const double x0 = double(x) - jitter(), y0 = double(y) - jitter();
    off.source_window =
        WindowF{x0, y0, double(x + w) + jitter() - x0, double(y + h) + jitter() - y0};
    INFO(resampling_name(m) << " window " << x << "," << y << " " << w << "x" << h << " buffer "
                            << bw << "x" << bh);
    std::vector<double> want(static_cast<size_t>(bw * bh)), got(want.size());
    const BufferLayout l = BufferLayout::packed(DataType::kFloat64, bw, bh);
    REQUIRE(ds.band(1)->read(window, want.data(), l, exact).ok());
    REQUIRE(ds.band(1)->read(window, got.data(), l, off).ok());
    for (size_t k = 0; k < got.size(); ++k) REQUIRE(got[k] == want[k]);
  }
}

// A read in pieces (RasterIOOptions::piece) gives the bits of the whole
// read, whatever the kernel, the window (fractional, reaching past the
// raster's edges) and the cut: how a view resamples in parallel.
TEST_CASE("a read in pieces gives exactly the whole read's values", "[rasterio][resample]") {
  BlockCache cache(4 << 20);
  constexpr int64_t kW = 41, kH = 33;
  TestDataset ds(kW, kH, 1, DataType::kFloat32, 8, 5, &cache);
  test::fill_band<float>(ds.test_band(1), [](int64_t x, int64_t y) {
    return static_cast<float>((x * 7 + y * 13) % 31) + 0.25f * static_cast<float>(x % 3);
  });
  const Resampling kernels[] = {
      Resampling::kNearest, Resampling::kBilinear, Resampling::kCubic, Resampling::kCubicSpline,
      Resampling::kLanczos, Resampling::kAverage,  Resampling::kMode};
  std::mt19937 rng(20261203);
  auto uniform = [&rng](double a, double b) {
    return a + (b - a) * static_cast<double>(rng() % 100000) / 100000.0;
  };
  for (int trial = 0; trial < 300; ++trial) {
    const Resampling m = kernels[rng() % 7];
    // Up to 4 pixels past each edge, fractional or not.
    WindowF f{uniform(-4, kW - 2), uniform(-4, kH - 2), 0, 0};
    f.width = uniform(1, kW + 4 - f.x);
    f.height = uniform(1, kH + 4 - f.y);
    if (rng() % 3 == 0)
      f = WindowF{std::round(f.x), std::round(f.y), std::round(f.width) + 1,
                  std::round(f.height) + 1};
    const int64_t bw = 1 + rng() % 50, bh = 2 + rng() % 50;
    auto whole_window = [&](double y0, double y1) {
      const auto x0 = std::clamp<int64_t>(static_cast<int64_t>(std::floor(f.x)), 0, kW - 1);
      const auto x1 =
          std::clamp<int64_t>(static_cast<int64_t>(std::ceil(f.x + f.width)), x0 + 1, kW);
      const auto r0 = std::clamp<int64_t>(static_cast<int64_t>(std::floor(y0)), 0, kH - 1);
      const auto r1 = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(y1)), r0 + 1, kH);
      return Window{x0, r0, x1 - x0, r1 - r0};
    };
    INFO(resampling_name(m) << " window " << f.x << "," << f.y << " " << f.width << "x" << f.height
                            << " buffer " << bw << "x" << bh);
    RasterIOOptions whole{m, nullptr, f};
    std::vector<double> want(static_cast<size_t>(bw * bh));
    REQUIRE(ds.band(1)
                ->read(whole_window(f.y, f.y + f.height), want.data(),
                       BufferLayout::packed(DataType::kFloat64, bw, bh), whole)
                .ok());
    const int64_t cut = 1 + static_cast<int64_t>(rng() % static_cast<uint32_t>(bh - 1));
    for (const auto& [r0, r1] : {std::make_pair(int64_t{0}, cut), std::make_pair(cut, bh)}) {
      RasterIOOptions piece = whole;
      piece.piece = RasterIOOptions::Piece{0, r0, bw, bh};
      const double ry = f.height / static_cast<double>(bh);
      std::vector<double> got(static_cast<size_t>(bw * (r1 - r0)));
      REQUIRE(ds.band(1)
                  ->read(whole_window(f.y + static_cast<double>(r0) * ry,
                                      f.y + static_cast<double>(r1) * ry),
                         got.data(), BufferLayout::packed(DataType::kFloat64, bw, r1 - r0), piece)
                  .ok());
      for (size_t k = 0; k < got.size(); ++k) {
        const double w = want[static_cast<size_t>(r0 * bw) + k];
        REQUIRE((got[k] == w || (std::isnan(got[k]) && std::isnan(w))));
      }
    }
  }
}

// GDAL's mode works in single precision and counts NaN pixels (each once:
// NaN equals nothing) unless NaN is the band's nodata value.
TEST_CASE("mode counts NaN once per pixel and works in single precision", "[rasterio][resample]") {
  BlockCache cache(1 << 20);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto mode_of = [&](std::vector<double> values, std::optional<double> nodata) {
    TestDataset ds(static_cast<int64_t>(values.size()), 1, 1, DataType::kFloat64, 4, 1, &cache);
    test::fill_band<double>(ds.test_band(1),
                            [&](int64_t x, int64_t) { return values[static_cast<size_t>(x)]; });
    if (nodata) ds.test_band(1)->init_nodata_value(*nodata);
    double out = -1;
    REQUIRE(ds.band(1)
                ->read(Window{0, 0, static_cast<int64_t>(values.size()), 1}, &out,
                       BufferLayout::packed(DataType::kFloat64, 1, 1),
                       RasterIOOptions{Resampling::kMode, nullptr, {}})
                .ok());
    return out;
  };
  CHECK(std::isnan(mode_of({nan, 1, 2}, std::nullopt)));  // all once: the first
  CHECK(mode_of({nan, 1, 2, 1}, std::nullopt) == 1);
  CHECK(mode_of({nan, 1, 2}, nan) == 1);  // NaN nodata: left out
  // 0.1 and 0.1 + 1e-12 are one single-precision value; the result is it.
  CHECK(mode_of({5, 0.1, 0.1 + 1e-12}, std::nullopt) == static_cast<double>(0.1f));
}

// GDAL's average, written out directly for a whole-raster read with
// columns in pairs: footprint rows trunc(a + 1e-8) to ceil(b - 1e-8) with
// end weights, except that a footprint two rows high is the plain mean of
// its four pixels (GDAL's shortcut for bands without nodata or mask).
TEST_CASE("average with columns in pairs against a reference, random heights",
          "[rasterio][resample][sweep]") {
  BlockCache cache(4 << 20);
  std::mt19937 rng(7331);
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t w = 1 + rng() % 20, sw = 2 * w, sh = 2 + rng() % 40;
    int64_t h = 1 + rng() % 45;
    if (h == sh) ++h;
    TestDataset ds(sw, sh, 1, DataType::kFloat32, 8, 5, &cache);
    std::vector<float> v(static_cast<size_t>(sw * sh));
    for (auto& x : v) x = static_cast<float>(rng() % 2000) - 1000.0f;
    test::fill_band<float>(
        ds.test_band(1), [&](int64_t x, int64_t y) { return v[static_cast<size_t>(y * sw + x)]; });
    std::vector<double> got(static_cast<size_t>(w * h));
    RasterIOOptions o;
    o.resampling = Resampling::kAverage;
    REQUIRE(ds.band(1)
                ->read(Window{0, 0, sw, sh}, got.data(),
                       BufferLayout::packed(DataType::kFloat64, w, h), o)
                .ok());
    const double r = static_cast<double>(sh) / static_cast<double>(h);
    for (int64_t j = 0; j < h; ++j) {
      const double a = static_cast<double>(j) * r, b = static_cast<double>(j + 1) * r;
      const auto k0 = static_cast<int64_t>(a + 1e-8);
      auto k1 = std::min<int64_t>(static_cast<int64_t>(std::ceil(b - 1e-8)), sh);
      if (k1 <= k0) k1 = k0 + 1;
      for (int64_t i = 0; i < w; ++i) {
        double sum = 0, weight = 0;
        for (int64_t y = k0; y < k1; ++y) {
          double wy = 1;
          if (k1 - k0 > 2 && y == k0) wy = 1 - (a - static_cast<double>(k0));
          if (k1 - k0 > 2 && y == k1 - 1) wy = 1 - (static_cast<double>(k1) - b);
          for (int64_t x = 2 * i; x < 2 * i + 2; ++x) {
            sum += wy * v[static_cast<size_t>(y * sw + x)];
            weight += wy;
          }
        }
        INFO("trial " << trial << ": " << sw << "x" << sh << " -> " << w << "x" << h << ", row "
                      << j << ", column " << i);
        CHECK(got[static_cast<size_t>(j * w + i)] == Approx(sum / weight).margin(1e-3));
      }
    }
  }
}

TEST_CASE("a fractional read whose window is whole overview pixels copies the overview",
          "[rasterio][resample]") {
  // GDAL's overview read takes its whole-pixel path, a copy, where the
  // window moved onto the overview is whole pixels of the buffer's size.
  BlockCache cache(1 << 22);
  auto ds = std::make_unique<test::TestDataset>(150, 102, 1, DataType::kByte, 32, 16, &cache);
  test::TestBand* base = ds->test_band(1);
  test::fill_band<uint8_t>(base, [](int64_t x, int64_t y) { return (x * 7 + y * 13) % 256; });
  auto ov = std::make_unique<test::TestBand>(ds.get(), 1, 75, 51, DataType::kByte, 32, 16);
  ov->set_level(1);
  test::fill_band<uint8_t>(ov.get(), [](int64_t x, int64_t y) { return (x * 3 + y * 5) % 251; });
  test::TestBand* ovp = ov.get();
  base->overviews.push_back(std::move(ov));
  auto read = [&](WindowF window, Resampling m) {
    std::vector<uint8_t> out(75 * 51);
    RasterIOOptions o;
    o.resampling = m;
    o.source_window = window;
    REQUIRE(base->read(Window{0, 0, 150, 102}, out.data(),
                       BufferLayout::packed(DataType::kByte, 75, 51), o)
                .ok());
    return out;
  };
  std::vector<uint8_t> copy(75 * 51);
  REQUIRE(
      ovp->read(Window{0, 0, 75, 51}, copy.data(), BufferLayout::packed(DataType::kByte, 75, 51))
          .ok());
  for (Resampling m : {Resampling::kAverage, Resampling::kBilinear, Resampling::kCubicSpline}) {
    INFO(resampling_name(m));
    CHECK(read(WindowF{0, 0, 150, 102}, m) == copy);
    // Half a source pixel in: a quarter of an overview pixel, resampled.
    CHECK(read(WindowF{0.5, 0, 150, 102}, m) != copy);
    // Reaching past the band: resampled.
    CHECK(read(WindowF{0, 0, 150, 104}, m) != copy);
  }
}

TEST_CASE("an overview's coarseness is its less reduced axis's", "[rasterio][resample]") {
  // GDAL measures an overview by min(width ratio, height ratio): the 38x26
  // overview of a 150x101 band is 3.885 times coarser (not 3.947), so a
  // read reduced 3.25 times (limit 3.9) takes it.
  BlockCache cache(1 << 20);
  auto ds = std::make_unique<test::TestDataset>(150, 101, 1, DataType::kByte, 150, 101, &cache);
  test::TestBand* base = ds->test_band(1);
  const std::pair<int64_t, int64_t> sizes[] = {{75, 51}, {38, 26}, {19, 13}};
  for (const auto& [w, h] : sizes) {
    auto ov = std::make_unique<test::TestBand>(ds.get(), 1, w, h, DataType::kByte, w, h);
    ov->set_level(static_cast<int32_t>(base->overviews.size() + 1));
    base->overviews.push_back(std::move(ov));
  }
  CHECK(base->overview_for(3.25) == base->overviews[1].get());
  CHECK(base->overview_for(3.2) == base->overviews[0].get());
  CHECK(base->overview_for(1.6) == nullptr);
  // Every factor against the rule written out.
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> factor(0.5, 12.0);
  for (int trial = 0; trial < 2000; ++trial) {
    const double f = factor(rng);
    RasterBand* want = nullptr;
    double best = 1.0;
    for (const auto& ov : base->overviews) {
      const double c = std::min(150.0 / static_cast<double>(ov->x_size()),
                                101.0 / static_cast<double>(ov->y_size()));
      if (c < f * 1.2 && c > best) {
        best = c;
        want = ov.get();
      }
    }
    INFO("factor " << f);
    CHECK(base->overview_for(f) == want);
  }
}

// A one-row band of `type` with nodata 183 holding `values`.
std::unique_ptr<test::TestDataset> row_with_nodata(BlockCache* cache, DataType type,
                                                   const std::vector<double>& values) {
  const auto n = static_cast<int64_t>(values.size());
  auto ds = std::make_unique<test::TestDataset>(n, 1, 1, type, n, 1, cache);
  test::TestBand* b = ds->test_band(1);
  b->init_nodata_value(183);
  convert_values(values.data(), DataType::kFloat64, 8, b->pixels().data(), type,
                 static_cast<ptrdiff_t>(data_type_size(type)), values.size());
  return ds;
}

// A resampled read of `f` into `out_w` pixels of the band's own type (as
// gdal_translate reads one band), as doubles.
std::vector<double> read_in_type(RasterBand& band, WindowF f, Resampling m, int64_t out_w) {
  RasterIOOptions o;
  o.resampling = m;
  o.source_window = f;
  const auto x0 = static_cast<int64_t>(std::floor(f.x));
  const auto x1 = static_cast<int64_t>(std::ceil(f.x + f.width));
  const DataType t = band.data_type();
  std::vector<std::byte> raw(static_cast<size_t>(out_w) * data_type_size(t));
  REQUIRE(
      band.read(Window{x0, 0, x1 - x0, 1}, raw.data(), BufferLayout::packed(t, out_w, 1), o).ok());
  std::vector<double> out(static_cast<size_t>(out_w));
  convert_values(raw.data(), t, static_cast<ptrdiff_t>(data_type_size(t)), out.data(),
                 DataType::kFloat64, 8, out.size());
  return out;
}

TEST_CASE("a resampled result is moved off nodata as GDAL moves it", "[rasterio][resample]") {
  // GDAL 3.6.2 (measured, nodata 183): a result equal to nodata becomes
  // 184; one that only rounds to it does too where the kernel works in the
  // band's type (Byte and UInt16 averages) or rounds before comparing
  // (the convolutions), but an average of a wider integer band compares
  // its unrounded value and writes 183.
  BlockCache cache(1 << 20);
  const DataType ints[] = {DataType::kByte, DataType::kUInt16, DataType::kInt16, DataType::kInt32,
                           DataType::kUInt32};
  for (DataType t : ints) {
    INFO(data_type_name(t));
    const bool small = t == DataType::kByte || t == DataType::kUInt16;
    auto ds = row_with_nodata(&cache, t, {180, 184, 180, 186});
    RasterBand& b = *ds->band(1);
    // 180 x 0.55 + 184 x 0.948 over 1.498: 182.53.
    CHECK(read_in_type(b, WindowF{0.45, 0, 1.498, 1}, Resampling::kAverage, 1)[0] ==
          (small ? 184 : 183));
    // (180 + 186) / 2: exactly 183.
    CHECK(read_in_type(b, WindowF{2, 0, 2, 1}, Resampling::kAverage, 1)[0] == 184);
    // Bilinear at 183.14 (two pixels to seven): moved off, whatever the type.
    auto two = row_with_nodata(&cache, t, {180, 184});
    const std::vector<double> out =
        read_in_type(*two->band(1), WindowF{0, 0, 2, 1}, Resampling::kBilinear, 7);
    CHECK(out == std::vector<double>{180, 180, 181, 182, 184, 184, 184});
  }
}

TEST_CASE("kernels take no pixel past GDAL's read margin", "[rasterio][resample]") {
  // GDAL reads a resampled window with a margin of the kernel's radius
  // times the ratio rounded to a whole number: at 13/9 (rounded to 1) the
  // Lanczos support of the first output pixel reaches one pixel past it,
  // and GDAL leaves that pixel out. Values from gdal_translate 3.6.2 on
  // the same 64x48 Float32 band, (37x + 11y) mod 97.
  BlockCache cache(1 << 22);
  auto ds = std::make_unique<test::TestDataset>(64, 48, 1, DataType::kFloat32, 64, 48, &cache);
  test::fill_band<float>(ds->test_band(1), [](int64_t x, int64_t y) {
    return static_cast<float>((x * 37 + y * 11) % 97);
  });
  struct Case {
    WindowF window;
    int64_t w, h;
    float want[4];  // pixels (0,0), (1,0), (0,1), (4,5)
  };
  const Case cases[] = {
      {{10, 10, 13, 14}, 9, 15, {74.68601f, 48.87025f, 24.076183f, 52.891327f}},
      {{10, 10, 14, 13}, 15, 9, {66.63528f, 35.852516f, 6.7245054f, 29.869768f}},
      {{10, 10, 13, 14}, 10, 15, {77.745636f, 49.544926f, 19.062143f, 55.749035f}},
  };
  for (const Case& c : cases) {
    INFO(c.w << "x" << c.h);
    RasterIOOptions o;
    o.resampling = Resampling::kLanczos;
    o.source_window = c.window;
    std::vector<float> out(static_cast<size_t>(c.w * c.h));
    const Window whole{static_cast<int64_t>(c.window.x), static_cast<int64_t>(c.window.y),
                       static_cast<int64_t>(c.window.width), static_cast<int64_t>(c.window.height)};
    REQUIRE(ds->band(1)
                ->read(whole, out.data(), BufferLayout::packed(DataType::kFloat32, c.w, c.h), o)
                .ok());
    CHECK(out[0] == Approx(c.want[0]).margin(1e-4));
    CHECK(out[1] == Approx(c.want[1]).margin(1e-4));
    CHECK(out[static_cast<size_t>(c.w)] == Approx(c.want[2]).margin(1e-4));
    CHECK(out[static_cast<size_t>(5 * c.w + 4)] == Approx(c.want[3]).margin(1e-4));
  }
}

TEST_CASE("a read's overview is chosen by its whole-pixel request", "[rasterio][resample]") {
  // GDAL's VRT rounds a fractional window to whole pixels, and GDAL picks
  // the overview by that request over the buffer: measured on a 150x101
  // band with 75x51 and 38x26 overviews, -srcwin 128 96 9 3 -tr 5 5 reads
  // a 9x3 request, widened to 10x4, into 5x2 pixels: 1.5 times reduced, so
  // no overview (the 2x one is 1.98 times coarser, past 1.8).
  BlockCache cache(1 << 22);
  auto ds = std::make_unique<test::TestDataset>(150, 101, 1, DataType::kByte, 32, 16, &cache);
  test::TestBand* base = ds->test_band(1);
  test::fill_band<uint8_t>(base, [](int64_t x, int64_t y) { return (x * 7 + y * 13) % 256; });
  const std::pair<int64_t, int64_t> sizes[] = {{75, 51}, {38, 26}};
  for (const auto& [w, h] : sizes) {
    auto ov = std::make_unique<test::TestBand>(ds.get(), 1, w, h, DataType::kByte, 32, 16);
    ov->set_level(static_cast<int32_t>(base->overviews.size() + 1));
    test::fill_band<uint8_t>(ov.get(), [w = w](int64_t x, int64_t y) {
      return static_cast<uint8_t>((x * 3 + y * 5 + w) % 251);
    });
    base->overviews.push_back(std::move(ov));
  }
  auto read = [&](WindowF f, int64_t bw, int64_t bh, int64_t rw, int64_t rh) {
    std::vector<uint8_t> out(static_cast<size_t>(bw * bh));
    RasterIOOptions o;
    o.resampling = Resampling::kBilinear;
    o.source_window = f;
    o.request_width = rw;
    o.request_height = rh;
    const Window whole{static_cast<int64_t>(f.x), static_cast<int64_t>(f.y),
                       static_cast<int64_t>(std::ceil(f.x + f.width)) - static_cast<int64_t>(f.x),
                       static_cast<int64_t>(std::ceil(f.y + f.height)) - static_cast<int64_t>(f.y)};
    REQUIRE(base->read(whole, out.data(), BufferLayout::packed(DataType::kByte, bw, bh), o).ok());
    return out;
  };
  // The same read with only overview `keep` attached (-1: none).
  auto read_with = [&](int keep, WindowF f, int64_t bw, int64_t bh) {
    std::vector<std::unique_ptr<test::TestBand>> all = std::move(base->overviews);
    base->overviews.clear();
    if (keep >= 0) base->overviews.push_back(std::move(all[static_cast<size_t>(keep)]));
    std::vector<uint8_t> out = read(f, bw, bh, 0, 0);
    if (keep >= 0) all[static_cast<size_t>(keep)] = std::move(base->overviews[0]);
    base->overviews = std::move(all);
    return out;
  };
  const WindowF widened{128, 96, 10, 4};
  const std::vector<uint8_t> full = read_with(-1, widened, 5, 2);
  CHECK(read(widened, 5, 2, 9, 3) == full);
  // Without the request the fractional window counts: 2 times, the overview.
  CHECK(read(widened, 5, 2, 0, 0) != full);
  CHECK(read(widened, 5, 2, 0, 0) == read_with(0, widened, 5, 2));
  // A one-row buffer counts its columns: 40x2 into 10x1 is reduced 4
  // times (the 4x overview), not 2.
  const WindowF row{100, 90, 40, 2};
  CHECK(read(row, 10, 1, 40, 2) == read_with(1, row, 10, 1));
  CHECK(read(row, 10, 1, 40, 2) != read_with(0, row, 10, 1));
}

TEST_CASE("Lanczos weighs its last tap as GDAL does, not as zero", "[rasterio][resample]") {
  // At a ratio of 1 the taps sit at whole distances, where the kernel is
  // zero only in exact arithmetic. Beside two nodata pixels the taps at -2,
  // +1 and +2 cancel exactly and GDAL keeps the row on the weight of the
  // tap at +3 (1.5e-33), dividing by it: the result saturates. Values are
  // gdal_translate 3.6.2's (-outsize 12 2 -r lanczos).
  BlockCache cache(1 << 20);
  auto ds = std::make_unique<test::TestDataset>(12, 4, 1, DataType::kUInt16, 12, 4, &cache);
  test::TestBand* b = ds->test_band(1);
  b->init_nodata_value(0);
  test::fill_band<uint16_t>(b, [](int64_t x, int64_t y) {
    if (y == 1 && (x == 5 || x == 6)) return uint16_t{0};
    return static_cast<uint16_t>((y * 12 + x) * 997 % 5000 + 1000);
  });
  std::vector<uint16_t> out(24);
  RasterIOOptions o;
  o.resampling = Resampling::kLanczos;
  REQUIRE(
      b->read(Window{0, 0, 12, 4}, out.data(), BufferLayout::packed(DataType::kUInt16, 12, 2), o)
          .ok());
  const std::vector<uint16_t> gdal = {2403, 3400, 3693,  4690, 3366, 6234, 65535, 3678,
                                      4675, 3351, 4694,  3370, 3514, 4511, 3187,  4184,
                                      4477, 3186, 65535, 3172, 4169, 4462, 3138,  4481};
  CHECK(out == gdal);
}

TEST_CASE("a complex average is GDAL's warper's, rounded half up", "[rasterio][resample]") {
  // GDAL averages complex bands in its warper, which rounds a CInt16
  // result with floor(v + 0.5): -11.5 is -11 (not -12), 12.5 is 13.
  BlockCache cache(1 << 20);
  auto ds = std::make_unique<test::TestDataset>(2, 1, 1, DataType::kCInt16, 2, 1, &cache);
  test::TestBand* b = ds->test_band(1);
  const int16_t v[4] = {-11, 12, -12, 13};
  std::memcpy(b->pixels().data(), v, sizeof v);
  int16_t out[2] = {0, 0};
  RasterIOOptions o;
  o.resampling = Resampling::kAverage;
  REQUIRE(b->read(Window{0, 0, 2, 1}, out, BufferLayout::packed(DataType::kCInt16, 1, 1), o).ok());
  CHECK(out[0] == -11);
  CHECK(out[1] == 13);
}

TEST_CASE("a complex average sums as GDAL's warper, in its order", "[rasterio][resample]") {
  // Each pixel weighs the product of its row's and its column's overlap,
  // summed row by row, column by column: compared bit for bit with that
  // sum over random CFloat64 bands and sizes (a separable sum differs in
  // the last bits, and rounds x.4999999 as x.5 into CInt16).
  BlockCache cache(1 << 22);
  std::mt19937 rng(69);
  std::uniform_int_distribution<int64_t> size(3, 40);
  std::uniform_real_distribution<double> value(-300, 300);
  for (int trial = 0; trial < 60; ++trial) {
    const int64_t sw = size(rng), sh = size(rng);
    const int64_t w = std::uniform_int_distribution<int64_t>(1, sw)(rng);
    const int64_t h = std::uniform_int_distribution<int64_t>(1, sh)(rng);
    auto ds = std::make_unique<test::TestDataset>(sw, sh, 1, DataType::kCFloat64, sw, sh, &cache);
    std::vector<double> v(static_cast<size_t>(2 * sw * sh));
    for (double& x : v) x = value(rng);
    std::memcpy(ds->test_band(1)->pixels().data(), v.data(), v.size() * sizeof(double));
    std::vector<double> got(static_cast<size_t>(2 * w * h));
    RasterIOOptions o;
    o.resampling = Resampling::kAverage;
    REQUIRE(ds->band(1)
                ->read(Window{0, 0, sw, sh}, got.data(),
                       BufferLayout::packed(DataType::kCFloat64, w, h), o)
                .ok());
    // GDAL's footprint pixels and overlaps along one axis.
    auto taps = [](int64_t i, double ratio, int64_t* first) {
      const double a = static_cast<double>(i) * ratio, b = static_cast<double>(i + 1) * ratio;
      const auto k0 = static_cast<int64_t>(a + 1e-8);
      const auto k1 = static_cast<int64_t>(std::ceil(b - 1e-8));
      std::vector<double> wt(static_cast<size_t>(std::max<int64_t>(1, k1 - k0)), 1.0);
      if (wt.size() > 1) {
        wt.front() = 1 - (a - static_cast<double>(k0));
        wt.back() = 1 - (static_cast<double>(k1) - b);
      }
      *first = k0;
      return wt;
    };
    const double rx = static_cast<double>(sw) / static_cast<double>(w);
    const double ry = static_cast<double>(sh) / static_cast<double>(h);
    for (int64_t j = 0; j < h; ++j) {
      int64_t y0 = 0;
      const std::vector<double> wy = taps(j, ry, &y0);
      for (int64_t i = 0; i < w; ++i) {
        int64_t x0 = 0;
        const std::vector<double> wx = taps(i, rx, &x0);
        double re = 0, im = 0, weight = 0;
        for (size_t k = 0; k < wy.size(); ++k) {
          for (size_t q = 0; q < wx.size(); ++q) {
            const double wt = wy[k] * wx[q];
            const auto at = static_cast<size_t>(
                2 * ((y0 + static_cast<int64_t>(k)) * sw + x0 + static_cast<int64_t>(q)));
            weight += wt;
            re += v[at] * wt;
            im += v[at + 1] * wt;
          }
        }
        INFO("trial " << trial << ": " << sw << "x" << sh << " -> " << w << "x" << h << " at " << i
                      << "," << j);
        const auto at = static_cast<size_t>(2 * (j * w + i));
        CHECK(got[at] == re / weight);
        CHECK(got[at + 1] == im / weight);
      }
    }
  }
}

}  // namespace
}  // namespace rk
