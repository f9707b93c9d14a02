// Footprints of synthetic rasters whose valid areas are known exactly: the
// footprint's area equals the number of valid pixels (in square pixels), and
// its symmetric difference with the expected polygon is empty (or as small as
// the pixel staircase allows).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include <rasterkit/gdalcore/coordinate_transform.h>
#include <rasterkit/gdalcore/worker_pool.h>
#include <rasterkit/geometry/footprint.h>
#include "support/test_dataset.h"

namespace rk {
namespace {

using Valid = std::function<bool(int64_t x, int64_t y)>;

// A Byte raster with nodata 0: 1 where `valid` says so.
std::unique_ptr<test::TestDataset> raster(int64_t w, int64_t h, const Valid& valid,
                                          int64_t block = 64) {
  auto ds = std::make_unique<test::TestDataset>(w, h, 1, DataType::kByte, block, block, nullptr);
  test::fill_band<uint8_t>(ds->test_band(1), [&](int64_t x, int64_t y) { return valid(x, y); });
  ds->test_band(1)->init_nodata_value(0);
  return ds;
}

// Distance from the centre of pixel (x, y) to (cx, cy).
double centre_distance(int64_t x, int64_t y, double cx, double cy) {
  return std::hypot(static_cast<double>(x) + 0.5 - cx, static_cast<double>(y) + 0.5 - cy);
}

int64_t count_valid(int64_t w, int64_t h, const Valid& valid) {
  int64_t n = 0;
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) n += valid(x, y) ? 1 : 0;
  return n;
}

FootprintOptions pixel_options() {
  FootprintOptions o;
  o.coordinates = FootprintCoordinates::kPixel;
  return o;
}

Geometry wkt(const char* text) { return Geometry::from_wkt(text).value(); }

double symdiff_area(const Geometry& a, const Geometry& b) {
  return a.symmetric_difference(b).value().area();
}

TEST_CASE("footprint of a rectangle is that rectangle", "[footprint]") {
  auto ds =
      raster(100, 80, [](int64_t x, int64_t y) { return x >= 10 && x < 30 && y >= 5 && y < 25; });
  Geometry fp = footprint(*ds, pixel_options()).value();
  CHECK(fp.type_name() == "MultiPolygon");
  CHECK(fp.area() == 400);
  CHECK(symdiff_area(fp, wkt("POLYGON ((10 5, 30 5, 30 25, 10 25, 10 5))")) == 0);
  // Straight edges keep only their corners.
  CHECK(fp.point_count() == 5);
}

TEST_CASE("footprint keeps holes unless asked not to", "[footprint]") {
  const Valid ring = [](int64_t x, int64_t y) {
    const double d = centre_distance(x, y, 60, 50);
    return d < 40 && d >= 15;
  };
  auto ds = raster(130, 110, ring);
  Geometry fp = footprint(*ds, pixel_options()).value();
  CHECK(fp.area() == static_cast<double>(count_valid(130, 110, ring)));
  CHECK(fp.part_count() == 1);
  CHECK(fp.is_valid());
  // The hole is the complement inside: filling it gives the full disk.
  FootprintOptions o = pixel_options();
  o.keep_holes = false;
  Geometry filled = footprint(*ds, o).value();
  const Valid disk = [](int64_t x, int64_t y) { return centre_distance(x, y, 60, 50) < 40; };
  CHECK(filled.area() == static_cast<double>(count_valid(130, 110, disk)));
  // min_ring_area: a hole smaller than the threshold is filled, a larger one stays.
  o = pixel_options();
  o.min_ring_area = 1000;
  CHECK(footprint(*ds, o).value().area() == filled.area());
  o.min_ring_area = 100;
  CHECK(footprint(*ds, o).value().area() == fp.area());
}

TEST_CASE("footprint of a diagonal edge follows the pixel staircase", "[footprint]") {
  const Valid below = [](int64_t x, int64_t y) { return x <= y; };
  auto ds = raster(200, 200, below);
  Geometry fp = footprint(*ds, pixel_options()).value();
  CHECK(fp.area() == static_cast<double>(count_valid(200, 200, below)));
  // Against the ideal triangle the staircase differs by half a pixel per row.
  const Geometry triangle = wkt("POLYGON ((0 0, 0 200, 200 200, 0 0))");
  CHECK(symdiff_area(fp, triangle) == Approx(100).margin(1e-9));
}

TEST_CASE("footprint finds several disjoint islands", "[footprint]") {
  const Valid islands = [](int64_t x, int64_t y) {
    return (x >= 2 && x < 12 && y >= 2 && y < 7) || (x >= 40 && x < 41 && y >= 40 && y < 41) ||
           (centre_distance(x, y, 80, 20) < 9);
  };
  auto ds = raster(100, 60, islands, 16);
  Geometry fp = footprint(*ds, pixel_options()).value();
  CHECK(fp.part_count() == 3);
  CHECK(fp.area() == static_cast<double>(count_valid(100, 60, islands)));
  CHECK(fp.contains(wkt("POINT (40.5 40.5)")));
}

TEST_CASE("footprint of all-nodata is empty, of all-valid the whole raster", "[footprint]") {
  auto none = raster(50, 40, [](int64_t, int64_t) { return false; });
  Geometry empty = footprint(*none, pixel_options()).value();
  CHECK(empty.is_empty());
  CHECK(empty.type_name() == "MultiPolygon");

  // No nodata at all: every pixel is valid without reading one.
  auto ds = std::make_unique<test::TestDataset>(50, 40, 1, DataType::kByte, 16, 16, nullptr);
  Geometry all = footprint(*ds, pixel_options()).value();
  CHECK(symdiff_area(all, wkt("POLYGON ((0 0, 50 0, 50 40, 0 40, 0 0))")) == 0);
  CHECK(ds->test_band(1)->block_reads == 0);
}

TEST_CASE("footprint in georeferenced coordinates goes through the geotransform", "[footprint]") {
  auto ds =
      raster(100, 80, [](int64_t x, int64_t y) { return x >= 10 && x < 30 && y >= 5 && y < 25; });
  GeoTransform gt;
  gt.c = {1000, 2, 0, 5000, 0, -3};
  REQUIRE(ds->set_geo_transform(gt).ok());
  Geometry fp = footprint(*ds).value();
  CHECK(fp.area() == 400 * 6);
  CHECK(symdiff_area(
            fp, wkt("POLYGON ((1020 4985, 1060 4985, 1060 4925, 1020 4925, 1020 4985))")) == 0);
}

TEST_CASE("footprint reprojects with densified edges", "[footprint]") {
  auto ds = raster(100, 100, [](int64_t, int64_t) { return true; });
  ds->test_band(1)->init_nodata_value(255);  // a mask to read, all valid
  GeoTransform gt;
  gt.c = {400000, 1000, 0, 5000000, 0, -1000};  // 100 km UTM square
  REQUIRE(ds->set_geo_transform(gt).ok());
  REQUIRE(ds->set_spatial_ref(SpatialRef::from_epsg(32631).value()).ok());
  FootprintOptions o;
  o.target_srs = SpatialRef::from_epsg(4326).value();
  Geometry fp = footprint(*ds, o).value();
  // Every vertex is a reprojected point of the square's boundary: the
  // densified edges keep 100 points per side rather than 4 corners.
  CHECK(fp.point_count() > 300);
  auto ct = CoordinateTransform::create(SpatialRef::from_epsg(32631).value(),
                                        SpatialRef::from_epsg(4326).value())
                .value();
  double x = 450000, y = 4950000;  // the centre, in longitude/latitude
  REQUIRE(ct.transform(x, y).ok());
  CHECK(fp.contains(
      Geometry::from_wkt("POINT (" + std::to_string(x) + " " + std::to_string(y) + ")").value()));
  const Envelope e = *fp.envelope();
  CHECK(e.min_x > 1.5);
  CHECK(e.max_x < 4);
  CHECK(e.min_y > 43.5);
  CHECK(e.max_y < 45.5);
  // Without a CRS there is nothing to reproject from.
  REQUIRE(ds->set_spatial_ref(std::nullopt).ok());
  CHECK(footprint(*ds, o).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("footprint combines bands by union or intersection", "[footprint]") {
  auto ds = std::make_unique<test::TestDataset>(60, 40, 2, DataType::kUInt16, 32, 32, nullptr);
  test::fill_band<uint16_t>(ds->test_band(1), [](int64_t x, int64_t) { return x < 40 ? 9 : 0; });
  test::fill_band<uint16_t>(ds->test_band(2), [](int64_t x, int64_t) { return x >= 20 ? 9 : 0; });
  ds->test_band(1)->init_nodata_value(0);
  ds->test_band(2)->init_nodata_value(0);
  FootprintOptions o = pixel_options();
  CHECK(footprint(*ds, o).value().area() == 60 * 40);
  o.combine = BandCombine::kIntersection;
  CHECK(footprint(*ds, o).value().area() == 20 * 40);
  o.bands = {2};
  CHECK(footprint(*ds, o).value().area() == 40 * 40);
  o.bands = {3};
  CHECK(footprint(*ds, o).status().code() == StatusCode::kInvalidArgument);
  // -srcnodata replaces the bands' own nodata.
  o = pixel_options();
  o.bands = {1};
  o.src_nodata = 9;
  CHECK(footprint(*ds, o).value().area() == 20 * 40);
}

TEST_CASE("footprint honours an alpha band", "[footprint]") {
  auto ds = std::make_unique<test::TestDataset>(40, 30, 4, DataType::kByte, 16, 16, nullptr);
  for (int b = 1; b <= 3; ++b)
    test::fill_band<uint8_t>(ds->test_band(b), [](int64_t, int64_t) { return 7; });
  test::fill_band<uint8_t>(ds->test_band(4),
                           [](int64_t x, int64_t y) { return x + y < 30 ? 255 : 0; });
  REQUIRE(ds->band(1)->set_color_interp(ColorInterp::kRed).ok());
  REQUIRE(ds->band(2)->set_color_interp(ColorInterp::kGreen).ok());
  REQUIRE(ds->band(3)->set_color_interp(ColorInterp::kBlue).ok());
  REQUIRE(ds->band(4)->set_color_interp(ColorInterp::kAlpha).ok());
  FootprintOptions o = pixel_options();
  o.bands = {1, 2, 3};
  CHECK(footprint(*ds, o).value().area() ==
        static_cast<double>(count_valid(40, 30, [](int64_t x, int64_t y) { return x + y < 30; })));
}

TEST_CASE("footprint of an overview is in full-resolution coordinates", "[footprint]") {
  auto ds = raster(100, 80, [](int64_t x, int64_t) { return x < 50; });
  auto* band = ds->test_band(1);
  band->overviews.push_back(
      std::make_unique<test::TestBand>(ds.get(), 1, 50, 40, DataType::kByte, 16, 16));
  test::TestBand* ovr = band->overviews.back().get();
  ovr->set_level(1);
  ovr->init_nodata_value(0);
  test::fill_band<uint8_t>(ovr, [](int64_t x, int64_t) { return x < 25; });
  FootprintOptions o = pixel_options();
  o.overview = 0;
  Geometry fp = footprint(*ds, o).value();
  CHECK(symdiff_area(fp, wkt("POLYGON ((0 0, 50 0, 50 80, 0 80, 0 0))")) == 0);
  CHECK(band->block_reads == 0);
  o.overview = 1;
  CHECK(footprint(*ds, o).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("footprint streams swaths on a pool with the same result", "[footprint]") {
  // 3000 x 1500: several swaths, merged pairwise.
  const Valid blobs = [](int64_t x, int64_t y) {
    return std::sin(static_cast<double>(x) * 0.01) * std::cos(static_cast<double>(y) * 0.013) > 0.2;
  };
  auto ds = raster(3000, 1500, blobs, 256);
  FootprintOptions o = pixel_options();
  Geometry serial = footprint(*ds, o).value();
  WorkerPool pool(3);
  o.pool = &pool;
  int calls = 0;
  o.progress = [&calls](double, std::string_view) {
    ++calls;
    return true;
  };
  Geometry parallel = footprint(*ds, o).value();
  CHECK(serial.area() == static_cast<double>(count_valid(3000, 1500, blobs)));
  CHECK(symdiff_area(serial, parallel) == 0);
  CHECK(calls > 2);
  // A progress callback that says stop cancels.
  o.progress = [](double, std::string_view) { return false; };
  CHECK(footprint(*ds, o).status().code() == StatusCode::kCancelled);
}

TEST_CASE("footprint simplification, convex hull and point limit", "[footprint]") {
  const Valid disk = [](int64_t x, int64_t y) { return centre_distance(x, y, 100, 100) < 90; };
  auto ds = raster(200, 200, disk);
  FootprintOptions o = pixel_options();
  Geometry exact = footprint(*ds, o).value();
  o.simplify = 2;
  Geometry simple = footprint(*ds, o).value();
  CHECK(simple.point_count() < exact.point_count() / 4);
  CHECK(std::fabs(simple.area() - exact.area()) < exact.area() * 0.01);
  o = pixel_options();
  o.max_points = 40;
  Geometry limited = footprint(*ds, o).value();
  CHECK(limited.point_count() <= 40);
  CHECK(limited.point_count() >= 4);
  o = pixel_options();
  o.convex_hull = true;
  Geometry hull = footprint(*ds, o).value();
  CHECK(hull.area() >= exact.area());
  CHECK(hull.contains(exact));
}

}  // namespace
}  // namespace rk
