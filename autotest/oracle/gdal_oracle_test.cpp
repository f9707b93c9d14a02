// GDAL 3.6 (Debian's python3-gdal, a test oracle only) must read what
// rasterkit writes with identical checksums, geotransform, CRS, nodata and
// data types. Skips with a message when python3-gdal is not installed.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/checksum.h>

namespace rk {
namespace {

bool have_gdal() { return std::system("/usr/bin/python3 -c 'import osgeo.gdal' 2>/dev/null") == 0; }

nlohmann::json describe_with_gdal(const std::vector<std::string>& files) {
  std::string cmd = "/usr/bin/python3 " RK_ORACLE_SCRIPT;
  for (const std::string& f : files) cmd += " '" + f + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) text.append(buf, n);
  return nlohmann::json::parse(text);
}

std::unique_ptr<Dataset> source(DataType type, int bands) {
  register_all();
  CreateParams p;
  p.width = 61;
  p.height = 37;
  p.bands = bands;
  p.type = type;
  auto ds = std::move(DriverManager::global().find("MEM")->create("src", p).value());
  std::vector<double> v(static_cast<size_t>(61 * 37) * (is_complex(type) ? 2 : 1));
  for (int b = 1; b <= bands; ++b) {
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = static_cast<double>((i * 7 + static_cast<size_t>(b) * 13) % 200) +
             (is_floating(type) ? 0.5 : 0);
    REQUIRE(ds->band(b)
                ->write(Window{0, 0, 61, 37}, v.data(),
                        BufferLayout::packed(
                            is_complex(type) ? DataType::kCFloat64 : DataType::kFloat64, 61, 37))
                .ok());
  }
  REQUIRE(ds->set_geo_transform(GeoTransform{{500000, 30, 0, 4649776, 0, -30}}).ok());
  REQUIRE(ds->set_spatial_ref(*SpatialRef::from_epsg(32631)).ok());
  return ds;
}

TEST_CASE("GDAL reads rasterkit's GeoTIFFs identically", "[oracle]") {
  if (!have_gdal()) {
    WARN("python3-gdal not installed: oracle test skipped");
    return;
  }
  register_all();
  const Driver* gtiff = DriverManager::global().find("GTiff");
  REQUIRE(gtiff);
  struct Written {
    std::string path;
    std::vector<int> checksums;
    DataType type;
  };
  std::vector<Written> written;
  const char* codecs[] = {"NONE", "DEFLATE", "LZW", "ZSTD", "PACKBITS", "LZMA"};
  int k = 0;
  for (DataType type : kAllDataTypes) {
    for (const char* codec : codecs) {
      for (bool tiled : {false, true}) {
        auto src = source(type, 2);
        if (type == DataType::kFloat32) REQUIRE(src->band(1)->set_nodata(-9999.5).ok());
        Options o{{"COMPRESS", codec}, {"INTERLEAVE", (k % 2) ? "BAND" : "PIXEL"}};
        if (tiled) o.set("TILED", "YES");
        const std::string path = "rk_oracle_" + std::to_string(k++) + ".tif";
        auto dst = gtiff->create_copy(path, *src, o);
        INFO(path << " " << dst.status().to_string());
        REQUIRE(dst.ok());
        Written w{path, {}, type};
        for (int b = 1; b <= 2; ++b) {
          RasterBand& band = *(*dst)->band(b);
          if (type == DataType::kInt8) {
            // GDAL 3.6 reads signed 8-bit samples as Byte (GDAL >= 3.7 and
            // rasterkit: Int8), so its checksum is that of the raw bytes.
            std::vector<int8_t> v(61 * 37);
            REQUIRE(band.read(Window{0, 0, 61, 37}, v.data(),
                              BufferLayout::packed(DataType::kInt8, 61, 37))
                        .ok());
            ChecksumAccumulator sum;
            for (int8_t x : v) sum.add(static_cast<uint8_t>(x));
            w.checksums.push_back(sum.value());
          } else {
            w.checksums.push_back(*compute_checksum(band));
          }
        }
        written.push_back(w);
      }
    }
  }
  std::vector<std::string> paths;
  for (const Written& w : written) paths.push_back(w.path);
  const nlohmann::json gdal = describe_with_gdal(paths);
  const SpatialRef utm = *SpatialRef::from_epsg(32631);
  for (const Written& w : written) {
    INFO(w.path << " " << data_type_name(w.type));
    const nlohmann::json& d = gdal.at(w.path);
    REQUIRE_FALSE(d.contains("error"));
    CHECK(d["size"] == nlohmann::json::array({61, 37}));
    CHECK(d["geotransform"] == nlohmann::json::array({500000, 30, 0, 4649776, 0, -30}));
    REQUIRE(d["wkt2"].is_string());
    CHECK(SpatialRef::from_wkt(d["wkt2"].get<std::string>())->is_equivalent_to(utm));
    for (int b = 0; b < 2; ++b) {
      const std::string type =
          w.type == DataType::kInt8 ? "Byte" : std::string(data_type_name(w.type));
      CHECK(d["bands"][b]["type"] == type);
      CHECK(d["bands"][b]["checksum"] == w.checksums[static_cast<size_t>(b)]);
    }
    if (w.type == DataType::kFloat32) CHECK(d["bands"][0]["nodata"] == "-9999.5");
    std::remove(w.path.c_str());
  }
}

}  // namespace
}  // namespace rk
