#include "drivers/gtiff/gtiff_driver.h"

#include "drivers/gtiff/gtiff_dataset.h"
#include "drivers/gtiff/gtiff_tags.h"

namespace rk::gtiff {

namespace {

class GTiffDriver final : public Driver {
 public:
  std::string_view short_name() const override { return "GTiff"; }
  std::string_view long_name() const override { return "GeoTIFF"; }
  std::vector<std::string> extensions() const override { return {"tif", "tiff"}; }

  // Classic TIFF ("II*\0" / "MM\0*") and BigTIFF ("II+\0" / "MM\0+").
  bool identify(const OpenInfo& info) const override {
    const std::string& h = info.header;
    if (h.size() < 8) return false;
    const bool little = h[0] == 'I' && h[1] == 'I' && h[3] == '\0' && (h[2] == '*' || h[2] == '+');
    const bool big = h[0] == 'M' && h[1] == 'M' && h[2] == '\0' && (h[3] == '*' || h[3] == '+');
    return little || big;
  }

  Result<std::unique_ptr<Dataset>> open(const OpenInfo& info) const override {
    return GTiffDataset::open(info, this);
  }
};

}  // namespace

std::unique_ptr<Driver> make_driver() {
  register_tiff_tags();  // once per process; make_driver runs at start-up
  return std::make_unique<GTiffDriver>();
}

}  // namespace rk::gtiff
