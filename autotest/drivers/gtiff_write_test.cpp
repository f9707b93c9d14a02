// GTiff writing: round trips over types x codecs x layouts, the properties
// GDAL users rely on, creation options and their errors, and never leaving a
// partial file behind.
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/checksum.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk {
namespace {

constexpr int64_t kW = 67, kH = 45;  // odd sizes: partial edge blocks

const Driver& gtiff() {
  register_all();
  return *DriverManager::global().find("GTiff");
}
const Driver& mem() {
  register_all();
  return *DriverManager::global().find("MEM");
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// A MEM dataset with a deterministic, non-constant pattern in every band.
std::unique_ptr<Dataset> pattern(DataType type, int bands, int64_t w = kW, int64_t h = kH) {
  CreateParams p;
  p.width = w;
  p.height = h;
  p.bands = bands;
  p.type = type;
  auto ds = std::move(mem().create("pattern", p).value());
  std::mt19937 rng(static_cast<unsigned>(bands * 31 + static_cast<int>(type)));
  std::vector<double> values(static_cast<size_t>(w * h) * (is_complex(type) ? 2 : 1));
  for (int b = 1; b <= bands; ++b) {
    for (size_t i = 0; i < values.size(); ++i) {
      // Smooth plus noise, kept within every type's range.
      values[i] = std::fmod(
          static_cast<double>(i % 97) * 1.5 + b * 10 + static_cast<double>(rng() % 7), 120.0);
      if (is_floating(type)) values[i] += 0.25;
    }
    const DataType work = is_complex(type) ? DataType::kCFloat64 : DataType::kFloat64;
    REQUIRE(ds->band(b)
                ->write(Window{0, 0, w, h}, values.data(), BufferLayout::packed(work, w, h))
                .ok());
  }
  return ds;
}

std::vector<std::byte> all_pixels(Dataset& ds) {
  const DataType t = ds.band(1)->data_type();
  std::vector<std::byte> out(static_cast<size_t>(ds.x_size() * ds.y_size() * ds.band_count()) *
                             data_type_size(t));
  REQUIRE(ds.read(Window{0, 0, ds.x_size(), ds.y_size()}, out.data(),
                  BufferLayout::packed(t, ds.x_size(), ds.y_size()))
              .ok());
  return out;
}

TEST_CASE("GTiff round trip: every type x lossless codec x tiling x interleave", "[gtiff][write]") {
  const char* codecs[] = {"NONE", "DEFLATE", "LZW", "ZSTD", "LZMA", "PACKBITS", "LERC"};
  int files = 0;
  for (DataType type : kAllDataTypes) {
    auto src = pattern(type, 3);
    const std::vector<std::byte> expected = all_pixels(*src);
    for (const char* codec : codecs) {
      // LERC has no complex or 64-bit integer types (refused, tested below).
      if (std::string(codec) == "LERC" &&
          (is_complex(type) || type == DataType::kInt64 || type == DataType::kUInt64)) {
        continue;
      }
      for (bool tiled : {false, true}) {
        for (const char* interleave : {"PIXEL", "BAND"}) {
          Options o{{"COMPRESS", codec}, {"INTERLEAVE", interleave}};
          if (tiled) {
            o.set("TILED", "YES");
            o.set("BLOCKXSIZE", "32");
            o.set("BLOCKYSIZE", "16");
          } else {
            o.set("BLOCKYSIZE", "7");
          }
          const bool predictable = std::string(codec) == "DEFLATE" || std::string(codec) == "LZW" ||
                                   std::string(codec) == "ZSTD";
          if (predictable && !is_complex(type)) {
            // Floats take either predictor (horizontal differencing of their bits, or 3).
            o.set("PREDICTOR", is_floating(type) && tiled ? "3" : "2");
          }
          const std::string path = "rk_roundtrip.tif";
          INFO(data_type_name(type)
               << " " << codec << (tiled ? " tiled " : " striped ") << interleave);
          auto dst = gtiff().create_copy(path, *src, o);
          INFO(dst.status().to_string());
          REQUIRE(dst.ok());
          CHECK((*dst)->band(1)->data_type() == type);
          CHECK((*dst)->band_count() == 3);
          CHECK(all_pixels(**dst) == expected);
          dst->reset();
          // Read back from the file: the read-only decoding path (which
          // undoes horizontal differencing itself).
          auto reopened = open(path);
          REQUIRE(reopened.ok());
          CHECK(all_pixels(**reopened) == expected);
          ++files;
        }
      }
    }
  }
  std::remove("rk_roundtrip.tif");
  CHECK(files > 300);
}

std::vector<char> file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

TEST_CASE("GTiff compresses on several threads into the same bytes as one", "[gtiff][write]") {
  struct Case {
    DataType type;
    int bands;
    std::vector<std::pair<const char*, const char*>> options;
  };
  const std::vector<Case> cases = {
      {DataType::kUInt16, 1, {{"COMPRESS", "DEFLATE"}, {"PREDICTOR", "2"}, {"TILED", "YES"}}},
      {DataType::kByte, 3, {{"COMPRESS", "LZW"}}},
      {DataType::kByte, 3, {{"COMPRESS", "ZSTD"}, {"TILED", "YES"}, {"INTERLEAVE", "BAND"}}},
      {DataType::kFloat32, 2, {{"COMPRESS", "ZSTD"}, {"PREDICTOR", "3"}, {"ZSTD_LEVEL", "5"}}},
      {DataType::kInt16,
       1,
       {{"COMPRESS", "LZMA"}, {"TILED", "YES"}, {"BLOCKXSIZE", "64"}, {"BLOCKYSIZE", "32"}}},
      {DataType::kByte, 1, {{"COMPRESS", "PACKBITS"}, {"BLOCKYSIZE", "3"}}},
      {DataType::kFloat32, 1, {{"COMPRESS", "LERC"}, {"MAX_Z_ERROR", "0.5"}, {"TILED", "YES"}}},
      {DataType::kUInt16, 1, {{"COMPRESS", "DEFLATE"}, {"NBITS", "12"}, {"ZLEVEL", "9"}}},
      {DataType::kByte, 3, {{"COMPRESS", "WEBP"}, {"TILED", "YES"}, {"WEBP_LOSSLESS", "YES"}}},
  };
  for (const Case& c : cases) {
    auto src = pattern(c.type, c.bands, 300, 211);
    const std::vector<std::byte> expected = all_pixels(*src);
    std::vector<char> serial;
    for (const char* threads : {"1", "4"}) {
      Options o{{"NUM_THREADS", threads}};
      for (const auto& [k, v] : c.options) o.set(k, v);
      INFO(data_type_name(c.type) << " x" << c.bands << " " << o.get_or("COMPRESS", "")
                                  << " NUM_THREADS=" << threads);
      auto dst = gtiff().create_copy("rk_threads.tif", *src, o);
      INFO(dst.status().to_string());
      REQUIRE(dst.ok());
      const bool lossless = o.get_or("COMPRESS", "") != "LERC";
      if (lossless) CHECK(all_pixels(**dst) == expected);
      REQUIRE((*dst)->close().ok());
      if (serial.empty()) {
        serial = file_bytes("rk_threads.tif");
        CHECK(serial.size() > 1000);
      } else {
        CHECK(file_bytes("rk_threads.tif") == serial);
      }
    }
  }
  std::remove("rk_threads.tif");
}

TEST_CASE("GTiff lossy codecs stay close to the source", "[gtiff][write]") {
  // Smooth content: what lossy codecs are for.
  CreateParams cp;
  cp.width = 128;
  cp.height = 96;
  cp.bands = 3;
  auto src = std::move(mem().create("smooth", cp).value());
  for (int b = 1; b <= 3; ++b) {
    std::vector<uint8_t> v(128 * 96);
    for (int y = 0; y < 96; ++y) {
      for (int x = 0; x < 128; ++x)
        v[static_cast<size_t>(y * 128 + x)] = static_cast<uint8_t>(x + y + 20 * b);
    }
    REQUIRE(
        src->band(b)
            ->write(Window{0, 0, 128, 96}, v.data(), BufferLayout::packed(DataType::kByte, 128, 96))
            .ok());
  }
  for (int b = 1; b <= 3; ++b) {
    const ColorInterp rgb[] = {ColorInterp::kRed, ColorInterp::kGreen, ColorInterp::kBlue};
    REQUIRE(src->band(b)->set_color_interp(rgb[b - 1]).ok());
  }
  const std::vector<std::byte> expected = all_pixels(*src);
  for (const char* codec : {"JPEG", "WEBP"}) {
    INFO(codec);
    auto dst = gtiff().create_copy(
        "rk_lossy.tif", *src,
        Options{{"COMPRESS", codec}, {"JPEG_QUALITY", "95"}, {"WEBP_LEVEL", "100"}});
    REQUIRE(dst.ok());
    const std::vector<std::byte> got = all_pixels(**dst);
    double total = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      total += std::abs(static_cast<int>(got[i]) - static_cast<int>(expected[i]));
    }
    CHECK(total / static_cast<double>(got.size()) < 6.0);
    CHECK((*dst)->band(1)->color_interp() == ColorInterp::kRed);
  }
  std::remove("rk_lossy.tif");
}

TEST_CASE("GTiff writes georeferencing, nodata, metadata and band properties", "[gtiff][write]") {
  auto src = pattern(DataType::kFloat32, 2);
  REQUIRE(src->set_geo_transform(GeoTransform{{440720, 60, 0, 3751320, 0, -60}}).ok());
  REQUIRE(src->set_spatial_ref(*SpatialRef::from_epsg(26711)).ok());
  REQUIRE(src->set_metadata_item("FOO", "bar").ok());
  REQUIRE(src->set_metadata_item("X", "y & <z>", "MYDOMAIN").ok());
  REQUIRE(src->band(1)->set_nodata(std::nan("")).ok());
  REQUIRE(src->band(2)->set_nodata(std::nan("")).ok());
  REQUIRE(src->band(2)->set_offset(1.5).ok());
  REQUIRE(src->band(2)->set_scale(2).ok());
  REQUIRE(src->band(2)->set_unit("m").ok());
  REQUIRE(src->band(2)->set_description("second").ok());
  REQUIRE(src->band(2)->set_metadata_item("BANDKEY", "v").ok());
  auto dst = gtiff().create_copy("rk_props.tif", *src, Options{{"COMPRESS", "DEFLATE"}});
  REQUIRE(dst.ok());
  Dataset& d = **dst;
  REQUIRE(d.geo_transform());
  CHECK(*d.geo_transform() == *src->geo_transform());
  REQUIRE(d.spatial_ref());
  CHECK(d.spatial_ref()->epsg_code() == 26711);
  CHECK(d.metadata().get("FOO") == "bar");
  CHECK(d.metadata().get("X", "MYDOMAIN") == "y & <z>");
  CHECK(d.metadata().get("AREA_OR_POINT") == "Area");
  REQUIRE(d.band(1)->nodata());
  CHECK(std::isnan(*d.band(1)->nodata()));
  CHECK(d.band(2)->offset() == 1.5);
  CHECK(d.band(2)->scale() == 2);
  CHECK(d.band(2)->unit() == "m");
  CHECK(d.band(2)->description() == "second");
  CHECK(d.band(2)->metadata().get("BANDKEY") == "v");
  std::remove("rk_props.tif");
}

TEST_CASE("GTiff writes user-defined CRSs, rotations, pixel-is-point and exact 64-bit nodata",
          "[gtiff][write]") {
  auto src = pattern(DataType::kInt64, 1);
  auto lcc = SpatialRef::from_user_input(
      "+proj=lcc +lat_0=45 +lon_0=3 +lat_1=44 +lat_2=49 +x_0=700000 +y_0=6600000 +ellps=GRS80 "
      "+units=m +type=crs");
  REQUIRE(lcc.ok());
  REQUIRE(src->set_spatial_ref(*lcc).ok());
  REQUIRE(src->set_geo_transform(GeoTransform{{1000, 10, 2, 5000, 3, -10}}).ok());
  REQUIRE(src->set_metadata_item("AREA_OR_POINT", "Point").ok());
  REQUIRE(src->band(1)->set_nodata_int64(INT64_MIN + 7).ok());
  auto dst = gtiff().create_copy("rk_lcc.tif", *src, Options{});
  REQUIRE(dst.ok());
  REQUIRE((*dst)->spatial_ref());
  CHECK((*dst)->spatial_ref()->is_equivalent_to(*lcc));
  CHECK(*(*dst)->geo_transform() == *src->geo_transform());
  CHECK((*dst)->metadata().get("AREA_OR_POINT") == "Point");
  CHECK((*dst)->band(1)->nodata_int64() == INT64_MIN + 7);
  std::remove("rk_lcc.tif");
}

TEST_CASE("GTiff writes palettes and RGBA", "[gtiff][write]") {
  auto pal = pattern(DataType::kByte, 1);
  ColorTable ct;
  for (int i = 0; i < 256; ++i)
    ct.entries.push_back({static_cast<int16_t>(i), 0, static_cast<int16_t>(255 - i), 255});
  REQUIRE(pal->band(1)->set_color_table(ct).ok());
  auto p = gtiff().create_copy("rk_pal.tif", *pal, Options{});
  INFO(p.status().to_string());
  REQUIRE(p.ok());
  CHECK((*p)->band(1)->color_interp() == ColorInterp::kPalette);
  REQUIRE((*p)->band(1)->color_table());
  CHECK(*(*p)->band(1)->color_table() == ct);

  auto rgba = pattern(DataType::kByte, 4);
  const ColorInterp interps[] = {ColorInterp::kRed, ColorInterp::kGreen, ColorInterp::kBlue,
                                 ColorInterp::kAlpha};
  for (int b = 1; b <= 4; ++b) REQUIRE(rgba->band(b)->set_color_interp(interps[b - 1]).ok());
  auto r = gtiff().create_copy("rk_rgba.tif", *rgba, Options{});
  REQUIRE(r.ok());
  CHECK((*r)->band(1)->color_interp() == ColorInterp::kRed);
  CHECK((*r)->band(4)->color_interp() == ColorInterp::kAlpha);
  CHECK((*r)->band(1)->mask_flags() == (kMaskPerDataset | kMaskAlpha));
  // Bands that say nothing stay undefined, as with GDAL (a MEM source's
  // defaults); the TIFF is still RGB, without an alpha sample.
  auto plain = gtiff().create_copy("rk_rgba.tif", *pattern(DataType::kByte, 4), Options{});
  REQUIRE(plain.ok());
  for (int b = 1; b <= 4; ++b) CHECK((*plain)->band(b)->color_interp() == ColorInterp::kUndefined);
  CHECK((*plain)->band(1)->mask_flags() == kMaskAllValid);
  std::remove("rk_pal.tif");
  std::remove("rk_rgba.tif");
}

TEST_CASE("GTiff NBITS, BigTIFF and sparse files", "[gtiff][write]") {
  {
    CreateParams p;
    p.width = kW;
    p.height = kH;
    p.options = Options{{"NBITS", "4"}};
    auto ds = gtiff().create("rk_nbits.tif", p);
    REQUIRE(ds.ok());
    std::vector<uint8_t> v(kW * kH);
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i % 16);
    REQUIRE(
        (*ds)
            ->write(Window{0, 0, kW, kH}, v.data(), BufferLayout::packed(DataType::kByte, kW, kH))
            .ok());
    REQUIRE((*ds)->close().ok());
    auto back = open("rk_nbits.tif");
    REQUIRE(back.ok());
    CHECK((*back)->band(1)->metadata().get("NBITS", "IMAGE_STRUCTURE") == "4");
    std::vector<uint8_t> got(kW * kH);
    REQUIRE(
        (*back)
            ->read(Window{0, 0, kW, kH}, got.data(), BufferLayout::packed(DataType::kByte, kW, kH))
            .ok());
    CHECK(got == v);
  }
  {
    auto src = pattern(DataType::kFloat32, 1);
    auto half = gtiff().create_copy("rk_half.tif", *src, Options{{"NBITS", "16"}});
    REQUIRE(half.ok());
    CHECK(all_pixels(**half) == all_pixels(*src));  // the pattern is exact in half precision
  }
  {
    auto src = pattern(DataType::kByte, 1);
    auto big = gtiff().create_copy("rk_big.tif", *src, Options{{"BIGTIFF", "YES"}});
    REQUIRE(big.ok());
    std::ifstream f("rk_big.tif", std::ios::binary);
    char magic[4];
    f.read(magic, 4);
    CHECK(magic[2] == '+');  // BigTIFF: version 43
    CHECK(all_pixels(**big) == all_pixels(*src));
  }
  {
    CreateParams p;
    p.width = 512;
    p.height = 512;
    p.options = Options{{"TILED", "YES"}, {"SPARSE_OK", "YES"}};
    auto ds = gtiff().create("rk_sparse.tif", p);
    REQUIRE(ds.ok());
    REQUIRE((*ds)->band(1)->set_nodata(7).ok());
    const uint8_t one = 1;
    Status w =
        (*ds)->write(Window{300, 300, 1, 1}, &one, BufferLayout::packed(DataType::kByte, 1, 1));
    INFO(w.to_string());
    REQUIRE(w.ok());
    REQUIRE((*ds)->close().ok());
    auto back = open("rk_sparse.tif");
    REQUIRE(back.ok());
    uint8_t v[2] = {0, 0};
    REQUIRE((*back)
                ->band(1)
                ->read(Window{0, 0, 1, 1}, &v[0], BufferLayout::packed(DataType::kByte, 1, 1))
                .ok());
    REQUIRE((*back)
                ->band(1)
                ->read(Window{300, 300, 1, 1}, &v[1], BufferLayout::packed(DataType::kByte, 1, 1))
                .ok());
    CHECK(v[0] == 7);  // absent block: nodata
    CHECK(v[1] == 1);
  }
  for (const char* f : {"rk_nbits.tif", "rk_half.tif", "rk_big.tif", "rk_sparse.tif"})
    std::remove(f);
}

TEST_CASE("GTiff creation option errors come before any file exists", "[gtiff][write]") {
  auto src = pattern(DataType::kByte, 1);
  const std::string path = "rk_never.tif";
  std::remove(path.c_str());
  for (const Options& bad :
       {Options{{"COMPRESS", "FOO"}}, Options{{"PREDICTOR", "3"}, {"COMPRESS", "DEFLATE"}},
        Options{{"TILED", "YES"}, {"BLOCKXSIZE", "100"}}, Options{{"NBITS", "12"}},
        Options{{"ZLEVEL", "0"}}, Options{{"BIGTIFF", "MAYBE"}}}) {
    auto r = gtiff().create_copy(path, *src, bad);
    INFO(bad.to_strings()[0]);
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK_FALSE(exists(path));
  }
  auto ushort = pattern(DataType::kUInt16, 3);
  CHECK(gtiff().create_copy(path, *ushort, Options{{"COMPRESS", "JPEG"}}).status().code() ==
        StatusCode::kInvalidArgument);
  std::vector<Warning> warnings;
  ScopedWarningHandler capture([&](const Warning& w) { warnings.push_back(w); });
  auto ok = gtiff().create_copy(path, *src, Options{{"FANCY", "YES"}});
  CHECK(ok.ok());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].to_string().find("FANCY") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("GTiff create_copy never leaves a partial file in place of a good one",
          "[gtiff][write]") {
  auto src = pattern(DataType::kByte, 1, 300, 300);
  const std::string path = "rk_keep.tif";
  std::ofstream(path) << "previous contents";
  auto cancelled = gtiff().create_copy(path, *src, Options{},
                                       [](double f, std::string_view) { return f < 0.3; });
  CHECK(cancelled.status().code() == StatusCode::kCancelled);
  std::ifstream in(path);
  std::string contents((std::istreambuf_iterator<char>(in)), {});
  CHECK(contents == "previous contents");
  // Nothing is left beside it either.
  CHECK_FALSE(exists(path + ".rk-" + std::to_string(::getpid()) + ".part"));
  std::remove(path.c_str());

  auto unwritable = gtiff().create_copy("/nonexistent-dir/out.tif", *src, Options{});
  CHECK_FALSE(unwritable.ok());
  CHECK(unwritable.status().to_string().find("/nonexistent-dir/out.tif") != std::string::npos);
}

TEST_CASE("GTiff reports a full disk to the caller", "[gtiff][write]") {
  // /dev/full accepts the open and fails every write with ENOSPC.
  std::ofstream probe("/dev/full");
  if (!probe) {
    WARN("/dev/full is not available: skipped");
    return;
  }
  CreateParams p;
  p.width = 256;
  p.height = 256;
  // The failure surfaces at the first write that reaches the device (libtiff
  // writes the header when the file is created), never silently.
  auto ds = gtiff().create("/dev/full", p);
  Status st = ds.status();
  if (ds.ok()) {
    std::vector<uint8_t> v(256 * 256, 9);
    st = (*ds)->write(Window{0, 0, 256, 256}, v.data(),
                      BufferLayout::packed(DataType::kByte, 256, 256));
    if (st.ok()) st = (*ds)->close();
  }
  CHECK(st.code() == StatusCode::kIOError);
  CHECK(st.to_string().find("/dev/full") != std::string::npos);
  CHECK(st.to_string().find("No space left on device") != std::string::npos);
}

}  // namespace
}  // namespace rk

namespace rk {
namespace {

// A pixel-interleaved tiled file gets whole tiles: a tile whose other bands
// were never written is completed from their current contents at close
// (regression: the completion loop read the pending tile's entry after
// writing the last band had freed it; ASan saw it).
TEST_CASE("GTiff completes tiles of which only some bands were written", "[gtiff][write]") {
  const std::string path = "gtiff_partial_bands.tif";
  CreateParams p;
  p.width = 100;
  p.height = 70;
  p.bands = 2;
  p.type = DataType::kUInt16;
  p.options = Options{
      {"TILED", "YES"}, {"BLOCKXSIZE", "32"}, {"BLOCKYSIZE", "32"}, {"INTERLEAVE", "PIXEL"}};
  BlockCache small(64 << 10);  // a few blocks: write-backs happen as we go
  p.cache = &small;
  {
    auto ds = gtiff().create(path, p);
    REQUIRE(ds.ok());
    std::vector<uint16_t> v(100 * 70);
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint16_t>(i);
    REQUIRE((*ds)
                ->band(2)
                ->write(Window{0, 0, 100, 70}, v.data(),
                        BufferLayout::packed(DataType::kUInt16, 100, 70))
                .ok());
    REQUIRE((*ds)->close().ok());
  }
  auto back = open(path);
  REQUIRE(back.ok());
  std::vector<uint16_t> b1(100 * 70, 1), b2(100 * 70);
  const BufferLayout l = BufferLayout::packed(DataType::kUInt16, 100, 70);
  REQUIRE((*back)->band(1)->read(Window{0, 0, 100, 70}, b1.data(), l).ok());
  REQUIRE((*back)->band(2)->read(Window{0, 0, 100, 70}, b2.data(), l).ok());
  for (size_t i = 0; i < b2.size(); ++i) {
    REQUIRE(b1[i] == 0);
    REQUIRE(b2[i] == static_cast<uint16_t>(i));
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace rk
