// Cutline masks against a brute-force reference: GEOS's own
// point-in-polygon test at every pixel centre.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/coordinate_transform.h>
#include <rasterkit/gdalcore/worker_pool.h>
#include <rasterkit/geometry/cutline.h>
#include "support/test_dataset.h"

namespace rk {
namespace {

Geometry wkt(const std::string& text) { return Geometry::from_wkt(text).value(); }

Geometry point(double x, double y) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "POINT (%.17g %.17g)", x, y);
  return wkt(buf);
}

// Checks `mask` against GEOS's point-in-polygon test at every pixel centre
// of `w` (pixel coordinates): a centre strictly inside must be in the mask,
// one strictly outside must not. A centre exactly on the boundary may go
// either way (the scanline's half-open rule decides); returns how many did.
size_t check_against_geos(const Geometry& poly, const std::vector<uint8_t>& mask, const Window& w) {
  size_t on_boundary = 0;
  for (int64_t r = 0; r < w.height; ++r) {
    for (int64_t c = 0; c < w.width; ++c) {
      const Geometry p =
          point(static_cast<double>(w.x + c) + 0.5, static_cast<double>(w.y + r) + 0.5);
      const bool got = mask[static_cast<size_t>(r * w.width + c)] == 255;
      if (poly.contains(p)) {
        CHECK(got);
      } else if (poly.distance(p) > 1e-9) {
        CHECK_FALSE(got);
      } else {
        ++on_boundary;
      }
    }
  }
  return on_boundary;
}

std::vector<uint8_t> mask_of(const CutlineMask& cut, const Window& w) {
  std::vector<uint8_t> m(static_cast<size_t>(w.width * w.height), 7);
  REQUIRE(cut.fill(w, m.data(), w.width).ok());
  return m;
}

size_t count_inside(const std::vector<uint8_t>& m) {
  size_t n = 0;
  for (uint8_t v : m) n += v == 255;
  return n;
}

TEST_CASE("cutline mask of a polygon with a hole is pixel-exact", "[cutline]") {
  // Oblique edges, a hole, a second part, vertices on pixel centres and
  // an edge running through a row of centres.
  const Geometry poly =
      wkt("MULTIPOLYGON (((3.2 4.7, 60.9 1.3, 70.1 50.6, 20.4 66.2, 3.2 4.7),"
          " (25.3 20.1, 45.7 22.9, 40.2 40.8, 22.6 35.5, 25.3 20.1)),"
          " ((75.5 60.5, 79.5 60.5, 79.5 79.5, 75.5 60.5)))");
  auto cut = CutlineMask::create(poly).value();
  const Window whole{0, 0, 80, 80};
  const std::vector<uint8_t> expected = mask_of(cut, whole);
  CHECK(check_against_geos(poly, expected, whole) == 25);
  CHECK(count_inside(expected) > 2000);
  // Any window gives the same pixels as the whole: row pieces of a translate.
  for (const Window& w : {Window{10, 3, 37, 29}, Window{0, 79, 80, 1}, Window{30, 30, 5, 5}}) {
    std::vector<uint8_t> part = mask_of(cut, w);
    for (int64_t r = 0; r < w.height; ++r) {
      for (int64_t c = 0; c < w.width; ++c) {
        CHECK(part[static_cast<size_t>(r * w.width + c)] ==
              expected[static_cast<size_t>((w.y + r) * 80 + w.x + c)]);
      }
    }
  }
}

TEST_CASE("cutline windows wholly inside or outside need no scanline", "[cutline]") {
  auto cut = CutlineMask::create(wkt("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))")).value();
  std::vector<uint8_t> in = mask_of(cut, Window{10, 10, 50, 50});
  CHECK(count_inside(in) == in.size());
  std::vector<uint8_t> out = mask_of(cut, Window{200, 10, 50, 50});
  CHECK(count_inside(out) == 0);
  // A partial window keeps its stride: bytes beyond the width are untouched.
  std::vector<uint8_t> strided(20 * 4, 7);
  REQUIRE(cut.fill(Window{95, 0, 10, 4}, strided.data(), 20).ok());
  CHECK(strided[4] == 255);
  CHECK(strided[5] == 0);
  CHECK(strided[10] == 7);
}

TEST_CASE("cutline partly outside the raster", "[cutline]") {
  auto ds = std::make_unique<test::TestDataset>(50, 40, 1, DataType::kByte, 16, 16, nullptr);
  GeoTransform gt;
  gt.c = {100, 1, 0, 200, 0, -1};
  REQUIRE(ds->set_geo_transform(gt).ok());
  // In georeferenced coordinates, reaching beyond the left and top edges.
  const Geometry given = wkt("POLYGON ((80 210, 130 210, 130 180, 80 180, 80 210))");
  Geometry pixels = cutline_to_pixels(given, *ds, {}).value();
  CHECK(pixels.symmetric_difference(wkt("POLYGON ((-20 -10, 30 -10, 30 20, -20 20, -20 -10))"))
            .value()
            .area() == 0);
  auto cut = CutlineMask::create(pixels).value();
  const std::vector<uint8_t> m = mask_of(cut, Window{0, 0, 50, 40});
  CHECK(count_inside(m) == 30 * 20);
  CHECK(m[0] == 255);
  CHECK(m[30] == 0);
  CHECK(m[20 * 50] == 0);
}

TEST_CASE("cutline in another CRS is reprojected", "[cutline]") {
  // A 10 km UTM raster, 100 m pixels; the cutline is a lon/lat polygon.
  auto ds = std::make_unique<test::TestDataset>(100, 100, 1, DataType::kByte, 32, 32, nullptr);
  GeoTransform gt;
  gt.c = {500000, 100, 0, 4500000, 0, -100};
  REQUIRE(ds->set_geo_transform(gt).ok());
  const SpatialRef utm = SpatialRef::from_epsg(32631).value();
  const SpatialRef wgs84 = SpatialRef::from_epsg(4326).value();
  REQUIRE(ds->set_spatial_ref(utm).ok());
  const Geometry lonlat =
      wkt("POLYGON ((3.01 40.57, 3.10 40.58, 3.09 40.64, 3.02 40.63, 3.01 40.57),"
          " (3.04 40.59, 3.06 40.59, 3.05 40.61, 3.04 40.59))");
  CutlineOptions co;
  co.srs = wgs84;
  auto cut = CutlineMask::create(cutline_to_pixels(lonlat, *ds, co).value()).value();
  const std::vector<uint8_t> m = mask_of(cut, Window{0, 0, 100, 100});
  // Reference: each pixel centre taken to lon/lat and tested against the
  // original polygon. Densified edges follow the reprojected curve to well
  // under a pixel, so pixels may differ only where the centre is within a
  // hundredth of a pixel (1 m) of the boundary.
  auto to_lonlat = CoordinateTransform::create(utm, wgs84).value();
  auto to_utm = CoordinateTransform::create(wgs84, utm).value();
  const Geometry boundary_utm =
      lonlat.map_points([&](double& x, double& y) { return to_utm.transform(x, y).ok(); })
          .value()
          .densify(10)
          .value();
  size_t inside = 0, differ = 0;
  for (int64_t r = 0; r < 100; ++r) {
    for (int64_t c = 0; c < 100; ++c) {
      auto [x, y] = gt.apply(static_cast<double>(c) + 0.5, static_cast<double>(r) + 0.5);
      const Geometry centre_utm = point(x, y);
      REQUIRE(to_lonlat.transform(x, y).ok());
      const bool expected = lonlat.contains(point(x, y));
      const bool got = m[static_cast<size_t>(r * 100 + c)] == 255;
      inside += expected;
      if (expected != got) {
        ++differ;
        CHECK(boundary_utm.distance(centre_utm) < 1.0);
      }
    }
  }
  CHECK(inside > 3000);
  CHECK(differ <= 2);
}

TEST_CASE("self-intersecting cutlines are repaired or refused", "[cutline]") {
  auto ds = std::make_unique<test::TestDataset>(20, 20, 1, DataType::kByte, 16, 16, nullptr);
  const Geometry bowtie = wkt("POLYGON ((0 0, 20 20, 20 0, 0 20, 0 0))");
  CHECK_FALSE(bowtie.is_valid());
  CutlineOptions refuse;
  refuse.repair = false;
  auto refused = cutline_to_pixels(bowtie, *ds, refuse);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("Self-intersection") != std::string::npos);
  // Repaired: the two triangles of the bow tie.
  Geometry fixed = cutline_to_pixels(bowtie, *ds, {}).value();
  CHECK(fixed.is_valid());
  CHECK(fixed.area() == Approx(200));
  auto cut = CutlineMask::create(fixed).value();
  // The diagonals run through pixel centres: 40 of them on the boundary.
  CHECK(check_against_geos(fixed, mask_of(cut, Window{0, 0, 20, 20}), Window{0, 0, 20, 20}) == 40);
  // CutlineMask itself refuses invalid input rather than guessing.
  CHECK_FALSE(CutlineMask::create(bowtie).ok());
}

TEST_CASE("cutline input errors are clear", "[cutline]") {
  auto ds = std::make_unique<test::TestDataset>(20, 20, 1, DataType::kByte, 16, 16, nullptr);
  auto bad_wkt = read_geometry("POLYGON ((0 0, 1 1");
  REQUIRE_FALSE(bad_wkt.ok());
  CHECK(bad_wkt.status().code() == StatusCode::kInvalidArgument);
  auto bad_json = read_geometry("{\"type\": \"Polygon\", \"coordinates\": 5}");
  REQUIRE_FALSE(bad_json.ok());
  auto not_json = read_geometry("{\"type\": ");
  REQUIRE_FALSE(not_json.ok());
  CHECK(not_json.status().message().find("JSON") != std::string::npos);
  auto missing = read_geometry("no/such/cutline.geojson");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  auto line = cutline_to_pixels(wkt("LINESTRING (0 0, 5 5)"), *ds, {});
  REQUIRE_FALSE(line.ok());
  CHECK(line.status().message().find("LineString") != std::string::npos);
  auto empty = cutline_to_pixels(wkt("POLYGON EMPTY"), *ds, {});
  REQUIRE_FALSE(empty.ok());
  CutlineOptions with_srs;
  with_srs.srs = SpatialRef::from_epsg(4326).value();
  auto no_crs = cutline_to_pixels(wkt("POLYGON ((0 0, 1 0, 1 1, 0 0))"), *ds, with_srs);
  REQUIRE_FALSE(no_crs.ok());
  CHECK(no_crs.status().message().find("no CRS") != std::string::npos);
}

TEST_CASE("GeoJSON cutlines name their CRS", "[cutline]") {
  const std::string path = "cutline_test.geojson";
  {
    std::ofstream f(path);
    f << R"({"type": "FeatureCollection",
             "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32631"}},
             "features": [
               {"type": "Feature", "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [[[0,0],[10,0],[10,10],[0,0]]]}},
               {"type": "Feature", "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [[[5,0],[20,0],[20,10],[5,0]]]}}]})";
  }
  GeometrySource g = read_geometry(path).value();
  REQUIRE(g.srs);
  CHECK(g.srs->epsg_code() == 32631);
  CHECK(g.geometry.part_count() == 2);
  // Without a "crs" member GeoJSON is WGS 84 longitude/latitude (RFC 7946).
  GeometrySource plain =
      read_geometry(R"({"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]})").value();
  REQUIRE(plain.srs);
  CHECK(plain.srs->name() == "WGS 84 (CRS84)");
  std::remove(path.c_str());
}

TEST_CASE("cutline masks are filled from several threads at once", "[cutline][concurrency]") {
  const Geometry poly = wkt("POLYGON ((1.5 2.5, 300.2 10.1, 250.7 290.3, 20.1 200.9, 1.5 2.5))");
  auto cut = CutlineMask::create(poly).value();
  const std::vector<uint8_t> whole = mask_of(cut, Window{0, 0, 300, 300});
  std::vector<uint8_t> pieces(whole.size());
  WorkerPool pool(4);
  pool.parallel_for(30, [&](int64_t k) {
    REQUIRE(cut.fill(Window{0, k * 10, 300, 10}, pieces.data() + k * 3000, 300).ok());
  });
  CHECK(pieces == whole);
}

}  // namespace
}  // namespace rk
