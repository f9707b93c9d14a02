// rk::translate and its option parser as a program uses them: flags in,
// datasets out, progress and errors.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/driver_manager.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/utilities/translate.h>

namespace rk {
namespace {

// An empty MEM dataset of `bands` bands of `type`.
std::unique_ptr<Dataset> mem_dataset(const std::string& name, int64_t w, int64_t h, int bands,
                                     DataType type) {
  register_all();
  CreateParams p;
  p.width = w;
  p.height = h;
  p.bands = bands;
  p.type = type;
  auto ds = DriverManager::global().find("MEM")->create(name, p);
  REQUIRE(ds.ok());
  return std::move(ds).value();
}

std::unique_ptr<Dataset> gradient(int64_t w, int64_t h, DataType type = DataType::kUInt16) {
  auto ds = mem_dataset("gradient", w, h, 1, type);
  std::vector<uint16_t> v(static_cast<size_t>(w * h));
  for (int64_t i = 0; i < w * h; ++i) v[static_cast<size_t>(i)] = static_cast<uint16_t>(i % 1000);
  REQUIRE(ds->band(1)
              ->write(Window{0, 0, w, h}, v.data(), BufferLayout::packed(DataType::kUInt16, w, h))
              .ok());
  REQUIRE(ds->set_geo_transform(GeoTransform{{100, 2, 0, 200, 0, -2}}).ok());
  return ds;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// A MEM dataset of three Byte bands: band b's pixel i is
// (i * mul + b * add) % mod.
std::unique_ptr<Dataset> three_byte_bands(int64_t w, int64_t h, size_t mul, size_t add,
                                          size_t mod) {
  auto mem = mem_dataset("rgb", w, h, 3, DataType::kByte);
  std::vector<uint8_t> v(static_cast<size_t>(w * h));
  for (int b = 1; b <= 3; ++b) {
    for (size_t i = 0; i < v.size(); ++i) {
      v[i] = static_cast<uint8_t>((i * mul + static_cast<size_t>(b) * add) % mod);
    }
    REQUIRE(mem->band(b)
                ->write(Window{0, 0, w, h}, v.data(), BufferLayout::packed(DataType::kByte, w, h))
                .ok());
  }
  return mem;
}

// `src` translated (quietly, with `flags`) into the file `path`, opened.
std::unique_ptr<Dataset> translated_file(const Dataset& src, const std::string& path,
                                         std::vector<std::string> flags) {
  flags.insert(flags.begin(), "-q");
  auto o = parse_translate_options(flags);
  REQUIRE(o.ok());
  REQUIRE(translate(src, path, *o).ok());
  auto ds = open(path);
  REQUIRE(ds.ok());
  return std::move(ds).value();
}

TEST_CASE("translate options from gdal_translate's flags", "[translate][args]") {
  CommandLineExtras extras;
  auto o = parse_translate_options({"-of",
                                    "GTiff",
                                    "-ot",
                                    "Byte",
                                    "-b",
                                    "2",
                                    "-b",
                                    "1",
                                    "-srcwin",
                                    "-5",
                                    "0",
                                    "10",
                                    "20",
                                    "-scale_2",
                                    "0",
                                    "4095",
                                    "-a_ullr",
                                    "-10",
                                    "5",
                                    "-1",
                                    "-3",
                                    "-co",
                                    "COMPRESS=DEFLATE",
                                    "-q",
                                    "in.tif",
                                    "out.tif"},
                                   &extras);
  REQUIRE(o.ok());
  CHECK(o->format == "GTiff");
  CHECK(o->output_type == "Byte");
  CHECK(o->bands == std::vector<std::string>{"2", "1"});
  CHECK((*o->srcwin)[0] == -5);  // a negative number is a value, not a flag
  REQUIRE(o->band_scales.size() == 1);
  CHECK(o->band_scales[0].first == 2);
  CHECK(o->band_scales[0].second.src->second == 4095);
  CHECK((*o->assign_ullr)[3] == -3);
  CHECK(o->creation_options == std::vector<std::string>{"COMPRESS=DEFLATE"});
  CHECK(extras.quiet);
  CHECK(extras.files == std::vector<std::string>{"in.tif", "out.tif"});
}

TEST_CASE("translate option errors are usage errors naming the flag", "[translate][args]") {
  struct Case {
    std::vector<std::string> args;
    std::string needle;
  };
  const Case cases[] = {
      {{"-sacle"}, "did you mean '-scale'"},
      {{"-scale", "1"}, "0, 2 or 4 values"},
      {{"-ot", "Int3"}, "unknown data type"},
      {{"-srcwin", "1", "2"}, "needs 4 values"},
      {{"-outsize", "abc", "10"}, "not a size"},
      {{"-r", "bogus"}, "unknown resampling"},
      {{"-srcwin", "0", "0", "1", "1", "-projwin", "0", "1", "1", "0"}, "cannot be used together"},
      {{"-tr", "1", "1", "-a_ullr", "0", "1", "1", "0"}, "-a_ullr and -tr cannot be used together"},
      {{"in.tif"}, "unexpected argument"},  // files are not options without extras
  };
  for (const Case& c : cases) {
    auto o = parse_translate_options(c.args);
    INFO(c.args[0]);
    REQUIRE_FALSE(o.ok());
    CHECK(o.status().to_string().find(c.needle) != std::string::npos);
  }
  // -q is an option, as in GDALTranslateOptionsNew (no "partially outside"
  // warning).
  auto quiet = parse_translate_options({"-q"});
  REQUIRE(quiet.ok());
  CHECK(quiet->quiet);
}

TEST_CASE("translate: -colorinterp, -colorinterp_N and -nogcp", "[translate][args]") {
  std::vector<Warning> seen;
  ScopedWarningHandler h([&](const Warning& w) { seen.push_back(w); });
  auto o = parse_translate_options(
      {"-colorinterp", "red,Green,grey", "-colorinterp_4", "alpha", "-nogcp"});
  REQUIRE(o.ok());
  CHECK(o->color_interps == std::map<int, ColorInterp>{{1, ColorInterp::kRed},
                                                       {2, ColorInterp::kGreen},
                                                       {3, ColorInterp::kGray},
                                                       {4, ColorInterp::kAlpha}});
  CHECK(o->no_gcps);
  CHECK(seen.empty());
  // As gdal_translate: an unknown name is a warning and leaves the band
  // undefined; names past the output's bands are a warning too.
  auto bad = parse_translate_options({"-of", "MEM", "-colorinterp", "pink,blue"});
  REQUIRE(bad.ok());
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].message.find("Unsupported color interpretation: pink") != std::string::npos);
  auto src = gradient(4, 3);
  auto out = translate(*src, "", *bad);
  REQUIRE(out.ok());
  CHECK((*out)->band(1)->color_interp() == ColorInterp::kUndefined);
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].message.find("More bands defined in -colorinterp") != std::string::npos);
}

TEST_CASE("translate into memory: resampled, converted, georeferenced", "[translate]") {
  auto src = gradient(40, 30);
  auto o = parse_translate_options(
      {"-of", "MEM", "-outsize", "50%", "50%", "-ot", "Float32", "-r", "average", "-mo", "K=V"});
  REQUIRE(o.ok());
  auto out = translate(*src, "", *o);
  REQUIRE(out.ok());
  Dataset& d = **out;
  CHECK(d.x_size() == 20);
  CHECK(d.y_size() == 15);
  CHECK(d.band(1)->data_type() == DataType::kFloat32);
  CHECK(d.geo_transform()->c[1] == 4);
  CHECK(d.metadata().get("K").value() == "V");
  float px = 0;
  REQUIRE(d.band(1)
              ->read(Window{1, 0, 1, 1}, &px, BufferLayout::packed(DataType::kFloat32, 1, 1))
              .ok());
  // The mean of the 2x2 source pixels, 22.5, rounded to the source's type
  // before -ot Float32, as gdal_translate 3.6.2 gives it (item 6).
  CHECK(px == 23);
}

// The output of `flags` from gradient(40, 30) (nodata 45 when asked), read
// back as doubles.
std::vector<double> translated(const std::vector<std::string>& flags, bool nodata = false) {
  auto src = gradient(40, 30);
  if (nodata) REQUIRE(src->band(1)->set_nodata(45).ok());
  std::vector<std::string> all = {"-of", "MEM", "-q"};
  all.insert(all.end(), flags.begin(), flags.end());
  auto o = parse_translate_options(all);
  REQUIRE(o.ok());
  auto out = translate(*src, "", *o);
  REQUIRE(out.ok());
  Dataset& d = **out;
  std::vector<double> v(static_cast<size_t>(d.x_size() * d.y_size()));
  REQUIRE(d.band(1)
              ->read(Window{0, 0, d.x_size(), d.y_size()}, v.data(),
                     BufferLayout::packed(DataType::kFloat64, d.x_size(), d.y_size()))
              .ok());
  return v;
}

double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

// Expected values from gdal_translate 3.6.2 on the same raster (issue 16,
// items 1, 4, 5 and 7).
TEST_CASE("translate: windows, -tr and edges as gdal_translate computes them", "[translate]") {
  SECTION("-tr samples every output pixel exactly -tr apart, the last past the window") {
    const auto v = translated({"-tr", "2.6", "2.6", "-r", "bilinear"});
    REQUIRE(v.size() == 31u * 23u);
    CHECK(sum(v) == 310169);
    CHECK(v[5 * 31 + 29] == 302);
    CHECK(v[5 * 31 + 30] == 303);
  }
  SECTION("an edge pixel partly over the raster is computed whole (average weighs the edge)") {
    const auto v =
        translated({"-srcwin", "-3.5", "2", "20", "10", "-outsize", "13", "7", "-r", "average"});
    REQUIRE(v.size() == 13u * 7u);
    CHECK(sum(v) == 20601);
    CHECK(v[3 * 13 + 1] == 0);    // wholly outside: the fill
    CHECK(v[3 * 13 + 2] == 260);  // 0.275 of it over the raster
    CHECK(v[3 * 13 + 3] == 261);
  }
  SECTION("a window past the right and bottom edges, with cubic") {
    const auto v =
        translated({"-srcwin", "30.5", "25", "20", "10", "-outsize", "9", "4", "-r", "cubic"});
    REQUIRE(v.size() == 9u * 4u);
    CHECK(sum(v) == 1446);
    CHECK(v[0] == 135);
  }
  SECTION("a nodata mask is sampled with nearest whatever the kernel: 0 or 255, no blend") {
    const auto v = translated({"-b", "mask", "-outsize", "17", "13", "-r", "bilinear"}, true);
    REQUIRE(v.size() == 17u * 13u);
    CHECK(sum(v) == 55845);  // 219 pixels of 255
    CHECK(v[0 * 17 + 2] == 0);
    CHECK(v[11 * 17 + 2] == 0);
  }
  SECTION("mode over -tr's footprints") {
    const auto v = translated({"-tr", "3.1", "3.1", "-r", "mode"});
    REQUIRE(v.size() == 26u * 19u);
    CHECK(sum(v) == 223588);
    CHECK(v.back() == 118);
  }
}

TEST_CASE("translate into GeoTIFF: bands of mixed types are computed in band 1's type",
          "[translate]") {
  // gdal_translate 3.6.2: -b mask -b 1 -scale_2 of a UInt32 band writes
  // Byte bands, scaled at Byte's single precision: 28712 maps to
  // 73.4999998, a float 73.5, written 74 (UInt32's double precision
  // would give 73).
  auto src = gradient(1, 1, DataType::kUInt32);
  const uint32_t v = 28712;
  REQUIRE(src->band(1)
              ->write(Window{0, 0, 1, 1}, &v, BufferLayout::packed(DataType::kUInt32, 1, 1))
              .ok());
  const std::vector<std::string> flags{"-q", "-b", "mask", "-b", "1", "-scale_2", "11", "99976"};
  auto value_of = [](Dataset& ds) {
    double x = 0;
    REQUIRE(ds.band(2)
                ->read(Window{0, 0, 1, 1}, &x, BufferLayout::packed(DataType::kFloat64, 1, 1))
                .ok());
    return x;
  };
  auto o = parse_translate_options(flags);
  REQUIRE(o.ok());
  std::vector<Warning> seen;
  ScopedWarningHandler handler([&](const Warning& w) { seen.push_back(w); });
  REQUIRE(translate(*src, "translate_api_mixed.tif", *o).ok());
  auto file = open("translate_api_mixed.tif");
  REQUIRE(file.ok());
  CHECK((*file)->band(2)->data_type() == DataType::kByte);
  CHECK(value_of(**file) == 74);
  CHECK(std::any_of(seen.begin(), seen.end(), [](const Warning& w) {
    return w.message.find("different data types") != std::string::npos;
  }));
  std::remove("translate_api_mixed.tif");
}

TEST_CASE("translate -epo: a window less than a pixel past an edge is not outside", "[translate]") {
  // gdal_translate 3.6.2 allows a pixel's slack on each side.
  auto src = gradient(40, 30);
  auto run = [&](std::vector<std::string> window) {
    std::vector<std::string> args{"-of", "MEM", "-q", "-epo", "-srcwin"};
    args.insert(args.end(), window.begin(), window.end());
    auto o = parse_translate_options(args);
    REQUIRE(o.ok());
    return translate(*src, "", *o).status();
  };
  CHECK(run({"-0.5", "0", "10", "10"}).ok());
  CHECK(run({"0", "-0.00000005", "10", "10"}).ok());
  CHECK(run({"30.5", "20.5", "10", "10"}).ok());
  CHECK_FALSE(run({"-1", "0", "10", "10"}).ok());
  CHECK_FALSE(run({"31", "0", "10", "10"}).ok());
  CHECK(run({"0", "21", "10", "10"}).message().find("partially outside") != std::string::npos);
}

TEST_CASE("translate: nothing starts before the destination can be created", "[translate]") {
  auto src = gradient(40, 30);
  int calls = 0;
  ProgressFn progress = [&](double, std::string_view) {
    ++calls;
    return true;
  };
  auto out = translate(*src, "no/such/folder/out.tif", TranslateOptions{}, progress);
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().subject() == "no/such/folder/out.tif");
  CHECK(out.status().message().find("No such file or directory") != std::string::npos);
  CHECK(calls == 0);
}

TEST_CASE("translate: progress from 0 to 1, cancelling leaves no file", "[translate]") {
  auto src = gradient(300, 200);
  const std::string path = "translate_api_progress.tif";
  std::remove(path.c_str());
  std::vector<double> seen;
  auto out = translate(*src, path, TranslateOptions{}, [&](double f, std::string_view) {
    seen.push_back(f);
    return true;
  });
  REQUIRE(out.ok());
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.front() == 0.0);
  CHECK(seen.back() == 1.0);
  CHECK((*out)->description() == path);
  REQUIRE((*out)->close().ok());
  std::remove(path.c_str());
  auto cancelled =
      translate(*src, path, TranslateOptions{}, [](double, std::string_view) { return false; });
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.status().code() == StatusCode::kCancelled);
  CHECK_FALSE(exists(path));
}

TEST_CASE("translate: source and destination must differ", "[translate]") {
  auto src = gradient(10, 10);
  auto out = translate(*src, src->description(), TranslateOptions{});
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().message().find("must differ") != std::string::npos);
}

TEST_CASE("translate -r average: a 2 x 2 footprint is the plain mean, as GDAL's", "[translate]") {
  // Columns pair up exactly (ratio 2) and rows go by 1.955: GDAL then takes
  // the unweighted mean where a footprint spans two rows (row 0: 0, 1, 40
  // and 41 give 20.5, rounded up; their weighted mean would be 20.04), the
  // weighted one elsewhere. Values from gdal_translate 3.6.2.
  const std::vector<double> v = translated({"-tr", "4", "3.91", "-r", "average"});
  REQUIRE(v.size() == 15 * 20);
  CHECK(v[0] == 21);
  CHECK(v[1] == 23);
  CHECK(v[3] == 27);
  CHECK(v[7 * 20] == 567);
  CHECK(v[14 * 20 + 2] == 118);
  CHECK(sum(v) == 131620);
}

TEST_CASE("translate -scale after a kernel starts from values of the source's type",
          "[translate]") {
  // Lanczos overshoots below 0 beside the 999 -> 0 steps of the gradient;
  // GDAL rounds and clamps the kernel's results to UInt16 before scaling
  // them, so no output value is negative. gdal_translate 3.6.2: min 0, 74
  // zeros, sum 1172.0610001403838.
  const std::vector<double> v = translated({"-outsize", "150%", "150%", "-r", "lanczos", "-scale",
                                            "0", "1000", "0", "1", "-ot", "Float32"});
  REQUIRE(v.size() == 45 * 60);
  CHECK(*std::min_element(v.begin(), v.end()) == 0);
  CHECK(std::count(v.begin(), v.end(), 0.0) == 74);
  CHECK(sum(v) == Approx(1172.0610001403838).epsilon(1e-12));
}

TEST_CASE("translate -stats of a band with no valid pixel: VALID_PERCENT 0", "[translate]") {
  auto src = gradient(6, 4);
  REQUIRE(src->band(1)->set_nodata(7).ok());
  std::vector<uint16_t> v(24, 7);
  REQUIRE(src->band(1)
              ->write(Window{0, 0, 6, 4}, v.data(), BufferLayout::packed(DataType::kUInt16, 6, 4))
              .ok());
  auto o = parse_translate_options({"-of", "MEM", "-q", "-stats"});
  REQUIRE(o.ok());
  std::vector<Warning> seen;
  ScopedWarningHandler handler([&](const Warning& w) { seen.push_back(w); });
  auto out = translate(*src, "", *o);
  REQUIRE(out.ok());
  const Metadata& md = (*out)->band(1)->metadata();
  CHECK(md.get("STATISTICS_VALID_PERCENT").value_or("") == "0");
  CHECK_FALSE(md.get("STATISTICS_MEAN").has_value());
  CHECK(seen.size() == 1);
}

TEST_CASE("translate -r bilinear of a paletted band reads nearest and warns once",
          "[translate][palette]") {
  auto src = gradient(40, 30, DataType::kByte);
  ColorTable t;
  for (int i = 0; i < 256; ++i) t.entries.push_back({int16_t(i), 0, 0, 255});
  REQUIRE(src->band(1)->set_color_table(t).ok());
  auto near = parse_translate_options({"-of", "MEM", "-q", "-outsize", "17", "11"});
  auto bilinear =
      parse_translate_options({"-of", "MEM", "-q", "-outsize", "17", "11", "-r", "bilinear"});
  REQUIRE((near.ok() && bilinear.ok()));
  std::vector<Warning> seen;
  ScopedWarningHandler handler([&](const Warning& w) { seen.push_back(w); });
  auto a = translate(*src, "", *near);
  auto b = translate(*src, "", *bilinear);
  REQUIRE((a.ok() && b.ok()));
  std::vector<uint8_t> va(17 * 11), vb(17 * 11);
  const BufferLayout l = BufferLayout::packed(DataType::kByte, 17, 11);
  REQUIRE((*a)->band(1)->read(Window{0, 0, 17, 11}, va.data(), l).ok());
  REQUIRE((*b)->band(1)->read(Window{0, 0, 17, 11}, vb.data(), l).ok());
  CHECK(va == vb);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].message.find("paletted band") != std::string::npos);
}

// A 4 x 2 CInt16 band with nodata 5 (values as in GDAL's measurements).
std::unique_ptr<Dataset> complex_source() {
  auto ds = mem_dataset("complex", 4, 2, 1, DataType::kCInt16);
  const int16_t v[16] = {5, 0, 5, 5, 0, 5, 5, -1, 1, 1, 20, 30, -100, -100, 5, 0};
  REQUIRE(ds->band(1)
              ->write(Window{0, 0, 4, 2}, v, BufferLayout::packed(DataType::kCInt16, 4, 2))
              .ok());
  REQUIRE(ds->band(1)->set_nodata(5).ok());
  return ds;
}

// The band's values as (real, imaginary) pairs after `flags`.
std::vector<double> translated_pairs(const Dataset& src, const std::vector<std::string>& flags) {
  std::vector<std::string> args{"-of", "MEM", "-q"};
  args.insert(args.end(), flags.begin(), flags.end());
  auto o = parse_translate_options(args);
  REQUIRE(o.ok());
  auto out = translate(src, "", *o);
  REQUIRE(out.ok());
  const int64_t w = (*out)->x_size(), h = (*out)->y_size();
  std::vector<double> v(static_cast<size_t>(2 * w * h));
  REQUIRE((*out)
              ->band(1)
              ->read(Window{0, 0, w, h}, v.data(), BufferLayout::packed(DataType::kCFloat64, w, h))
              .ok());
  return v;
}

TEST_CASE("translate -scale into a complex type maps both parts, as GDAL's VRT",
          "[translate][complex]") {
  // All expectations from gdal_translate 3.6.2 on the same values.
  auto src = complex_source();
  SECTION("complex to complex: both parts scaled, nodata not looked at") {
    const std::vector<double> want{11, 10, 11, 11, 10, 11, 11, 10, 10, 10, 12, 13, 0, 0, 11, 10};
    CHECK(translated_pairs(*src, {"-scale", "0", "100", "10", "20"}) == want);
  }
  SECTION("complex to real: the real part, nodata kept") {
    const std::vector<double> want{5, 0, 5, 0, 10, 0, 5, 0, 10.1, 0, 12, 0, 0, 0, 5, 0};
    const std::vector<double> got =
        translated_pairs(*src, {"-scale", "0", "100", "10", "20", "-ot", "Float32"});
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) CHECK(got[i] == Approx(want[i]).epsilon(1e-6));
  }
  SECTION("-exponent leaves complex values unscaled") {
    const std::vector<double> raw{5, 0, 5, 5, 0, 5, 5, -1, 1, 1, 20, 30, -100, -100, 5, 0};
    CHECK(translated_pairs(*src, {"-scale", "0", "100", "10", "20", "-exponent", "0.5"}) == raw);
  }
  SECTION("-unscale applies the band's scale and offset to both parts") {
    REQUIRE(src->band(1)->set_scale(2).ok());
    REQUIRE(src->band(1)->set_offset(10).ok());
    const std::vector<double> want{20, 10, 20, 20, 10,   20,   20, 8,
                                   12, 12, 50, 70, -190, -190, 20, 10};
    CHECK(translated_pairs(*src, {"-unscale"}) == want);
  }
  SECTION("a real band into a complex type: the imaginary part is the offset") {
    auto bytes = gradient(4, 1, DataType::kByte);  // 0 1 2 3
    REQUIRE(bytes->band(1)->set_nodata(2).ok());
    const std::vector<double> got =
        translated_pairs(*bytes, {"-scale", "0", "100", "10", "20", "-ot", "CFloat32"});
    const std::vector<double> want{10, 10, 10.1, 10, 10.2, 10, 10.3, 10};
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) CHECK(got[i] == Approx(want[i]).epsilon(1e-6));
  }
}

TEST_CASE("translate -scale into CInt32 works in double precision, as GDAL's VRT",
          "[translate][complex]") {
  // gdal_translate 3.6.2: -1539904704 (single precision would give
  // -1539904640, the float nearest -1539904703.84).
  auto src = gradient(1, 1, DataType::kFloat32);
  const float v = 0.4721027910709381f;
  REQUIRE(src->band(1)
              ->write(Window{0, 0, 1, 1}, &v, BufferLayout::packed(DataType::kFloat32, 1, 1))
              .ok());
  const std::vector<double> got = translated_pairs(
      *src, {"-ot", "CInt32", "-scale", "0.12366889", "0.55981782", "-1607609676", "-1522860600"});
  CHECK(got[0] == -1539904704.0);
}

TEST_CASE("translate -unscale of a band without scale or offset still maps nodata", "[translate]") {
  // gdal_translate 3.6.2 sends every band through its scaling source under
  // -unscale: nodata pixels become -a_nodata's value.
  const std::vector<double> v = translated({"-unscale", "-a_nodata", "100"}, /*nodata=*/true);
  REQUIRE(v.size() == 40 * 30);
  CHECK(v[45] == 100);
  CHECK(v[44] == 44);
  // Pixels 45 and 1045 (nodata), 100 and 1100 (the value 100 already).
  CHECK(std::count(v.begin(), v.end(), 100.0) == 4);
}

TEST_CASE("translate: -scale with -unscale is an error, as in current gdal_translate",
          "[translate][args]") {
  auto src = complex_source();
  for (const auto& flags : std::vector<std::vector<std::string>>{
           {"-unscale", "-scale"}, {"-scale_1", "0", "9", "-unscale"}}) {
    std::vector<std::string> args{"-of", "MEM", "-q"};
    args.insert(args.end(), flags.begin(), flags.end());
    auto o = parse_translate_options(args);
    REQUIRE(o.ok());
    auto out = translate(*src, "", *o);
    REQUIRE_FALSE(out.ok());
    CHECK(out.status().message().find("-scale and -unscale cannot be used together") !=
          std::string::npos);
  }
}

TEST_CASE("translate -b mask samples the mask with nearest whatever -r says", "[translate][mask]") {
  // gdal_translate's mask-band sources carry no resampling (measured on
  // 3.6.2 for every kernel, an alpha band's values included).
  auto ds = mem_dataset("alpha", 9, 7, 2, DataType::kByte);
  std::vector<uint8_t> alpha(63);
  for (size_t i = 0; i < alpha.size(); ++i) alpha[i] = static_cast<uint8_t>((i * 97) % 256);
  REQUIRE(ds->band(2)
              ->write(Window{0, 0, 9, 7}, alpha.data(), BufferLayout::packed(DataType::kByte, 9, 7))
              .ok());
  REQUIRE(ds->band(2)->set_color_interp(ColorInterp::kAlpha).ok());
  auto mask_of = [&](const std::string& kernel) {
    auto o = parse_translate_options(
        {"-of", "MEM", "-q", "-b", "mask", "-outsize", "4", "5", "-r", kernel});
    REQUIRE(o.ok());
    auto out = translate(*ds, "", *o);
    REQUIRE(out.ok());
    std::vector<uint8_t> v(20);
    REQUIRE((*out)
                ->band(1)
                ->read(Window{0, 0, 4, 5}, v.data(), BufferLayout::packed(DataType::kByte, 4, 5))
                .ok());
    return v;
  };
  const std::vector<uint8_t> nearest = mask_of("nearest");
  CHECK(nearest != std::vector<uint8_t>(20, nearest[0]));
  for (const char* kernel : {"bilinear", "cubic", "cubicspline", "lanczos", "average", "mode"}) {
    INFO(kernel);
    CHECK(mask_of(kernel) == nearest);
  }
}

TEST_CASE("translate: a kernel works in the source's type unless GDAL reads the bands together",
          "[translate][kernel]") {
  // gdal_translate 3.6.2 rounds a Byte band's bilinear to whole values
  // before -ot Float32 when it reads band by band, and keeps fractions
  // when it reads the source's first bands together from a
  // pixel-interleaved file without nodata (doc/design/resampling.md).
  auto mem = three_byte_bands(13, 9, 53, 71, 250);
  auto pixel = translated_file(*mem, "translate_api_pixel.tif", {});
  auto band = translated_file(*mem, "translate_api_band.tif", {"-co", "INTERLEAVE=BAND"});
  auto nodata = translated_file(*mem, "translate_api_nodata.tif", {"-a_nodata", "251"});
  // Whether each output band holds only whole values.
  auto whole = [](const Dataset& src, std::vector<std::string> flags) {
    flags.insert(flags.begin(), {"-of", "MEM", "-q", "-ot", "Float32", "-outsize", "150%", "150%"});
    auto o = parse_translate_options(flags);
    REQUIRE(o.ok());
    auto out = translate(src, "", *o);
    REQUIRE(out.ok());
    std::vector<bool> result;
    const int64_t w = (*out)->x_size(), h = (*out)->y_size();
    std::vector<float> px(static_cast<size_t>(w * h));
    for (int b = 1; b <= (*out)->band_count(); ++b) {
      REQUIRE(
          (*out)
              ->band(b)
              ->read(Window{0, 0, w, h}, px.data(), BufferLayout::packed(DataType::kFloat32, w, h))
              .ok());
      result.push_back(
          std::all_of(px.begin(), px.end(), [](float x) { return x == std::round(x); }));
    }
    return result;
  };
  using B = std::vector<bool>;
  CHECK(whole(*pixel, {"-r", "bilinear"}) == B{false, false, false});
  CHECK(whole(*pixel, {"-r", "cubic", "-b", "1", "-b", "2"}) == B{false, false});
  CHECK(whole(*pixel, {"-r", "bilinear", "-b", "2", "-b", "3"}) == B{true, true});
  CHECK(whole(*pixel, {"-r", "bilinear", "-b", "1"}) == B{true});
  CHECK(whole(*pixel, {"-r", "average"}) == B{true, true, true});
  CHECK(whole(*band, {"-r", "bilinear"}) == B{true, true, true});
  CHECK(whole(*nodata, {"-r", "bilinear"}) == B{true, true, true});
  CHECK(whole(*pixel, {"-r", "bilinear", "-scale_2", "0", "255", "0", "255"}) ==
        B{true, true, true});
  // A pixel-interleaved output makes GDAL's copy read the bands together
  // whatever the source's interleaving.
  auto o = parse_translate_options({"-q", "-ot", "Float32", "-outsize", "150%", "150%", "-r",
                                    "bilinear", "-co", "INTERLEAVE=PIXEL"});
  REQUIRE(o.ok());
  REQUIRE(translate(*band, "translate_api_out.tif", *o).ok());
  auto out = open("translate_api_out.tif");
  REQUIRE(out.ok());
  const int64_t ow = (*out)->x_size(), oh = (*out)->y_size();
  std::vector<float> px(static_cast<size_t>(ow * oh));
  for (int b = 1; b <= 3; ++b) {
    REQUIRE((*out)
                ->band(b)
                ->read(Window{0, 0, ow, oh}, px.data(),
                       BufferLayout::packed(DataType::kFloat32, ow, oh))
                .ok());
    CHECK_FALSE(std::all_of(px.begin(), px.end(), [](float x) { return x == std::round(x); }));
  }
  for (const char* f : {"translate_api_pixel.tif", "translate_api_band.tif",
                        "translate_api_nodata.tif", "translate_api_out.tif"}) {
    std::remove(f);
  }
}

TEST_CASE("translate: a request as large as the output, unshifted, is sampled nearest",
          "[translate][kernel]") {
  // gdal_translate 3.6.2 hands a pixel-interleaved source's bands, in
  // order, to its dataset read, which samples a 10-pixel request for 10
  // output pixels with nearest neighbour whatever -r says: -srcwin 0 0
  // 10.4 8.4 -outsize 10 8 -r cubic copies pixels 0-9 x 0-7. Shifted, from
  // a band-interleaved file, or for bands out of order, it resamples.
  auto mem = three_byte_bands(16, 12, 37, 89, 251);
  auto pixel = translated_file(*mem, "translate_api_aligned_pixel.tif", {});
  auto band = translated_file(*mem, "translate_api_aligned_band.tif", {"-co", "INTERLEAVE=BAND"});
  // Whether every output band k is source band k's pixels [x0, x0 + 10) x
  // [0, 8) unchanged.
  auto copied = [&](const Dataset& src, std::vector<std::string> flags, int64_t x0) {
    flags.insert(flags.begin(), {"-of", "MEM", "-q", "-outsize", "10", "8"});
    auto o = parse_translate_options(flags);
    REQUIRE(o.ok());
    auto out = translate(src, "", *o);
    REQUIRE(out.ok());
    std::vector<uint8_t> got(80), want(80);
    for (int b = 1; b <= (*out)->band_count(); ++b) {
      REQUIRE(
          (*out)
              ->band(b)
              ->read(Window{0, 0, 10, 8}, got.data(), BufferLayout::packed(DataType::kByte, 10, 8))
              .ok());
      REQUIRE(mem->band(b)
                  ->read(Window{x0, 0, 10, 8}, want.data(),
                         BufferLayout::packed(DataType::kByte, 10, 8))
                  .ok());
      if (got != want) return false;
    }
    return true;
  };
  for (const char* r : {"bilinear", "cubic", "cubicspline", "lanczos", "average", "mode"}) {
    INFO(r);
    CHECK(copied(*pixel, {"-srcwin", "0", "0", "10.4", "8.4", "-r", r}, 0));
    CHECK(copied(*pixel, {"-srcwin", "3", "0", "9.6", "8.3", "-r", r, "-b", "1", "-b", "2"}, 3));
    // (Mode of footprints this close to one pixel gives the pixels back:
    // nothing to tell apart.)
    if (std::string(r) == "mode") continue;
    CHECK_FALSE(copied(*pixel, {"-srcwin", "0.3", "0", "10.4", "8.4", "-r", r}, 0));
    CHECK_FALSE(copied(*band, {"-srcwin", "0", "0", "10.4", "8.4", "-r", r}, 0));
    CHECK_FALSE(copied(*pixel, {"-srcwin", "0", "0", "10.4", "8.4", "-r", r, "-b", "1"}, 0));
    // 11 pixels requested (10.6 rounds up) for 10: resampled.
    CHECK_FALSE(copied(*pixel, {"-srcwin", "0", "0", "10.6", "8.4", "-r", r}, 0));
  }
  std::remove("translate_api_aligned_pixel.tif");
  std::remove("translate_api_aligned_band.tif");
}

}  // namespace
}  // namespace rk
