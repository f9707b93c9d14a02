// Ring-level edits of polygonal GEOS geometries (private to rk_geometry):
// what footprints and cutlines need beyond GEOS's own operations.
#pragma once

#include <string>
#include <vector>

#include <rasterkit/gdalcore/result.h>
#include <rasterkit/geometry/geos_context.h>

namespace rk::polygons {

// Copies of the polygons in `g` (a Polygon, a MultiPolygon, or a collection
// whose polygonal members are taken and other members ignored).
std::vector<geos::GeomPtr> polygons_of(const GEOSGeometry* g);

// The union of `parts` (taken over), merged with GEOS's unary union; `what`
// names the step in an error.
Result<geos::GeomPtr> union_all(std::vector<GEOSGeometry*> parts, const std::string& subject,
                                const std::string& what);

// `g` as one MultiPolygon (empty if it has no polygon).
Result<geos::GeomPtr> as_multipolygon(const GEOSGeometry* g, const std::string& subject);

// Every polygon reduced to its outer ring, then merged (an island inside a
// filled hole becomes part of the polygon around it).
Result<geos::GeomPtr> without_holes(const GEOSGeometry* g, const std::string& subject);

// Polygons whose outer ring encloses less than `min_area` dropped, and holes
// smaller than it filled.
Result<geos::GeomPtr> without_small_rings(const GEOSGeometry* g, double min_area,
                                          const std::string& subject);

}  // namespace rk::polygons
