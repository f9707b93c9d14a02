// The XML reader/writer and GDAL's .aux.xml side-car format (PAM): parsing,
// GDAL's layout on writing, merging computed statistics into an existing
// side-car, hostile input.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <rasterkit/gdalcore/pam.h>
#include <rasterkit/gdalcore/xml.h>

namespace rk {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST_CASE("XML: elements, attributes, text, entities and skipped prolog", "[xml]") {
  const std::string doc =
      "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n<A x=\"1 &amp; 2\" y='q'>\n"
      "  <B>t &lt;b&gt; &#233; &#x41;</B>\n  <b/>\n  <C><![CDATA[<raw>]]></C>\n</A>\n";
  Result<XmlNode> root = parse_xml(doc, "doc");
  REQUIRE(root.ok());
  CHECK(root->name == "A");
  CHECK(root->attribute("X").value() == "1 & 2");  // attribute names ignore case
  CHECK(root->attribute("y").value() == "q");
  REQUIRE(root->children_named("b").size() == 2);
  CHECK(root->child("B")->text == "t <b> \xC3\xA9 A");
  CHECK(root->child("C")->text == "<raw>");
  // Offsets of an element's content point into the document as written.
  const XmlNode* b = root->child("B");
  CHECK(doc.substr(b->inner_begin, b->inner_end - b->inner_begin) == "t &lt;b&gt; &#233; &#x41;");
}

TEST_CASE("XML: malformed and hostile documents are errors naming the document", "[xml]") {
  for (const char* bad : {"", "garbage", "<A>", "<A></B>", "<A x=1></A>", "<A><B></A>",
                          "<A x=\"unterminated></A>", "<!-- no end", "</A>"}) {
    Result<XmlNode> r = parse_xml(bad, "f.aux.xml");
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().subject() == "f.aux.xml");
    CHECK(r.status().code() == StatusCode::kCorrupt);
  }
  // Nesting is bounded: no stack overflow on a deep document.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  Result<XmlNode> r = parse_xml(deep, "deep.xml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("deeper") != std::string::npos);
}

TEST_CASE("XML: serialized as GDAL writes, and read back", "[xml]") {
  XmlNode root;
  root.name = "PAMDataset";
  XmlNode& band = root.add_child("PAMRasterBand");
  band.set_attribute("band", "1");
  band.add_child("Description", "a & b < c \"q\"");
  band.add_child("Entry").set_attribute("c1", "1").set_attribute("c2", "\"");
  const std::string text = serialize_xml(root);
  CHECK(text ==
        "<PAMDataset>\n"
        "  <PAMRasterBand band=\"1\">\n"
        "    <Description>a &amp; b &lt; c \"q\"</Description>\n"
        "    <Entry c1=\"1\" c2=\"&quot;\" />\n"
        "  </PAMRasterBand>\n"
        "</PAMDataset>\n");
  Result<XmlNode> back = parse_xml(text, "t");
  REQUIRE(back.ok());
  CHECK(back->child("PAMRasterBand")->child("Description")->text == "a & b < c \"q\"");
  CHECK(back->child("PAMRasterBand")->child("Entry")->attribute("c2").value() == "\"");
}

TEST_CASE("PAM: what GDAL writes is read, and written back in GDAL's layout", "[pam]") {
  const std::string gdal =
      "<PAMDataset>\n"
      "  <GeoTransform>  1.0000000000000000e+01,  1.0000000000000001e-01,  "
      "0.0000000000000000e+00,  5.0000000000000000e+01,  0.0000000000000000e+00, "
      "-1.0000000000000001e-01</GeoTransform>\n"
      "  <Metadata>\n    <MDI key=\"b\">2</MDI>\n    <MDI key=\"A\">1</MDI>\n  </Metadata>\n"
      "  <Metadata domain=\"xml:test\" format=\"xml\">\n    <root><x>1</x></root>\n"
      "  </Metadata>\n"
      "  <PAMRasterBand band=\"1\">\n"
      "    <NoDataValue le_hex_equiv=\"9A9999999999B93F\">1.00000000000000E-01</NoDataValue>\n"
      "    <Offset>1.5</Offset>\n"
      "    <ColorInterp>red</ColorInterp>\n"
      "    <CategoryNames>\n      <Category>water</Category>\n    </CategoryNames>\n"
      "    <Histograms>\n      <HistItem>\n        <HistMin>-0.5</HistMin>\n"
      "        <HistMax>255.5</HistMax>\n        <BucketCount>2</BucketCount>\n"
      "        <IncludeOutOfRange>1</IncludeOutOfRange>\n        <Approximate>0</Approximate>\n"
      "        <HistCounts>3|4</HistCounts>\n      </HistItem>\n    </Histograms>\n"
      "    <Metadata>\n      <MDI key=\"STATISTICS_MEAN\">1.5</MDI>\n    </Metadata>\n"
      "  </PAMRasterBand>\n"
      "  <PAMRasterBand band=\"0\"><Description>ignored</Description></PAMRasterBand>\n"
      "</PAMDataset>\n";
  Result<PamDataset> pam = parse_pam(gdal, "x.aux.xml");
  REQUIRE(pam.ok());
  REQUIRE(pam->geo_transform);
  CHECK(pam->geo_transform->c[1] == 0.1);
  CHECK(pam->metadata.get("a").value() == "1");
  // Kept as GDAL re-serializes it: from column 0, two spaces a level.
  CHECK(pam->metadata.xml_document("xml:test").value() == "<root>\n  <x>1</x>\n</root>\n");
  REQUIRE(pam->bands.size() == 1);
  const PamBand& b = pam->bands[0];
  CHECK(b.nodata.value() == 0.1);
  CHECK(b.offset.value() == 1.5);
  CHECK(b.color_interp.value() == ColorInterp::kRed);
  REQUIRE(b.histograms.size() == 1);
  CHECK(b.histograms[0].histogram.counts == std::vector<uint64_t>{3, 4});
  CHECK(b.histograms[0].include_out_of_range);
  // Written back: sorted metadata, GDAL's number formats, unknown elements kept.
  const std::string out = format_pam(*pam);
  CHECK(out.find("<MDI key=\"A\">1</MDI>\n    <MDI key=\"b\">2</MDI>") != std::string::npos);
  CHECK(out.find("<NoDataValue le_hex_equiv=\"9A9999999999B93F\">1.00000000000000E-01") !=
        std::string::npos);
  CHECK(out.find("<Category>water</Category>") != std::string::npos);
  CHECK(out.find("band=\"0\"") == std::string::npos);
  Result<PamDataset> again = parse_pam(out, "again");
  REQUIRE(again.ok());
  CHECK(format_pam(*again) == out);
}

TEST_CASE("PAM: nodata written as GDAL writes it", "[pam]") {
  auto nodata_line = [](double v) {
    PamDataset pam;
    pam.band_or_new(1).nodata = v;
    const std::string out = format_pam(pam);
    const size_t a = out.find("<NoDataValue"), b = out.find("</NoDataValue>");
    return out.substr(a, b - a);
  };
  CHECK(nodata_line(50) == "<NoDataValue>5.00000000000000E+01");
  CHECK(nodata_line(-9999) == "<NoDataValue>-9.99900000000000E+03");
  CHECK(nodata_line(0.5) == "<NoDataValue le_hex_equiv=\"000000000000E03F\">5.00000000000000E-01");
  CHECK(nodata_line(std::nan("")) == "<NoDataValue le_hex_equiv=\"000000000000F87F\">nan");
  CHECK(nodata_line(HUGE_VAL) == "<NoDataValue>INF");
}

TEST_CASE("PAM: computed statistics merge into an existing side-car", "[pam]") {
  const std::string path = "pam_merge_test.tif";
  write_file(pam_path(path),
             "<PAMDataset>\n  <PAMRasterBand band=\"2\">\n    <UnitType>m</UnitType>\n"
             "    <Metadata>\n      <MDI key=\"KEEP\">yes</MDI>\n"
             "      <MDI key=\"STATISTICS_MEAN\">999</MDI>\n    </Metadata>\n"
             "  </PAMRasterBand>\n  <Unknown a=\"1\" />\n</PAMDataset>\n");
  PamBandUpdate u;
  u.number = 2;
  u.statistics = statistics_metadata_items(BandStatistics{1, 9, 5, 2, 791, 850}, false);
  u.histogram = PamHistogram{Histogram{0, 10, {1, 2}}, true, false};
  REQUIRE(save_pam_statistics(path, 2, {u}).ok());
  const std::string text = read_file(pam_path(path));
  CHECK(text.find("<UnitType>m</UnitType>") != std::string::npos);
  CHECK(text.find("<MDI key=\"KEEP\">yes</MDI>") != std::string::npos);
  CHECK(text.find("999") == std::string::npos);
  CHECK(text.find("<MDI key=\"STATISTICS_VALID_PERCENT\">93.06</MDI>") != std::string::npos);
  CHECK(text.find("<HistCounts>1|2</HistCounts>") != std::string::npos);
  CHECK(text.find("<Unknown a=\"1\" />") != std::string::npos);
  // Off: nothing is read or written.
  set_pam_enabled(false);
  CHECK_FALSE(load_pam(path));
  CHECK(save_pam_statistics("pam_disabled_test.tif", 2, {u}).ok());
  CHECK(::access(pam_path("pam_disabled_test.tif").c_str(), F_OK) != 0);
  set_pam_enabled(true);
  REQUIRE(load_pam(path));
  std::remove(pam_path(path).c_str());
}

TEST_CASE("PAM: STATISTICS_VALID_PERCENT as GDAL 3.6 writes it", "[pam]") {
  auto valid = [](uint64_t v, uint64_t n) {
    for (const auto& [k, val] :
         statistics_metadata_items(BandStatistics{0, 1, 0, 0, v, n}, false)) {
      if (k == "STATISTICS_VALID_PERCENT") return val;
    }
    return std::string();
  };
  CHECK(valid(791, 850) == "93.06");
  CHECK(valid(352, 400) == "88");
  CHECK(valid(400, 400) == "100");
  CHECK(valid(0, 400) == "0");
  CHECK(valid(39999, 40000) == "99.999");
  CHECK(valid(1, 3) == "33.33");
  CHECK(valid(1, 10000000) == "1e-05");
}

}  // namespace
}  // namespace rk
