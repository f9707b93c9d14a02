#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <vector>

#include <rasterkit/drivers/mem/mem_driver.h>
#include <rasterkit/gdalcore/convert.h>

namespace rk::mem {

namespace {

class MemDataset;

// A band over a strided region of memory (owned by its dataset or wrapped).
class MemBand final : public RasterBand {
 public:
  MemBand(MemDataset* ds, int number, int64_t w, int64_t h, DataType type, int64_t bx, int64_t by,
          std::byte* base, ptrdiff_t pixel_spacing, ptrdiff_t line_spacing);

 protected:
  Status read_block_impl(int64_t bx, int64_t by, void* dst) override {
    const size_t tsize = data_type_size(data_type());
    auto* out = static_cast<std::byte*>(dst);
    std::memset(out, 0, static_cast<size_t>(block_x_size() * block_y_size()) * tsize);
    const int64_t x0 = bx * block_x_size();
    const int64_t n = std::min(block_x_size(), x_size() - x0);
    for (int64_t r = 0; r < block_y_size(); ++r) {
      const int64_t y = by * block_y_size() + r;
      if (y >= y_size()) break;
      convert_values(base_ + y * line_ + x0 * pixel_, data_type(), pixel_,
                     out + static_cast<size_t>(r * block_x_size()) * tsize, data_type(),
                     static_cast<ptrdiff_t>(tsize), static_cast<size_t>(n));
    }
    return Status();
  }

  Status write_block_impl(int64_t bx, int64_t by, const void* src) override {
    const size_t tsize = data_type_size(data_type());
    const auto* in = static_cast<const std::byte*>(src);
    const int64_t x0 = bx * block_x_size();
    const int64_t n = std::min(block_x_size(), x_size() - x0);
    for (int64_t r = 0; r < block_y_size(); ++r) {
      const int64_t y = by * block_y_size() + r;
      if (y >= y_size()) break;
      convert_values(in + static_cast<size_t>(r * block_x_size()) * tsize, data_type(),
                     static_cast<ptrdiff_t>(tsize), base_ + y * line_ + x0 * pixel_, data_type(),
                     pixel_, static_cast<size_t>(n));
    }
    return Status();
  }

 private:
  std::byte* base_;
  ptrdiff_t pixel_;
  ptrdiff_t line_;
};

class MemDataset final : public Dataset {
 public:
  MemDataset(std::string description, Access access, const Driver* driver, BlockCache* cache)
      : Dataset(std::move(description), access, driver, cache) {}
  ~MemDataset() override { close_in_destructor(); }

  // Builds the bands over `base` with the given spacings.
  void init(int64_t w, int64_t h, int bands, DataType type, std::byte* base, const BufferLayout& l,
            int64_t block_x, int64_t block_y) {
    set_raster_size(w, h);
    const int64_t bx = block_x > 0 ? std::min(block_x, w) : w;
    const int64_t by = block_y > 0 ? std::min(block_y, h) : 1;
    for (int b = 0; b < bands; ++b) {
      add_band(std::make_unique<MemBand>(this, b + 1, w, h, type, bx, by,
                                         base + static_cast<ptrdiff_t>(b) * l.band_spacing,
                                         l.pixel_spacing, l.line_spacing));
    }
  }
  void adopt(std::unique_ptr<std::byte[]> storage) { storage_ = std::move(storage); }

 private:
  std::unique_ptr<std::byte[]> storage_;  // null when wrapping caller memory
};

MemBand::MemBand(MemDataset* ds, int number, int64_t w, int64_t h, DataType type, int64_t bx,
                 int64_t by, std::byte* base, ptrdiff_t pixel_spacing, ptrdiff_t line_spacing)
    : RasterBand(ds, number, w, h, type, bx, by),
      base_(base),
      pixel_(pixel_spacing),
      line_(line_spacing) {}

const std::vector<OptionSpec>& mem_creation_options() {
  static const std::vector<OptionSpec> specs = {
      {"INTERLEAVE",
       OptionType::kChoice,
       "Layout of the pixel buffer",
       {"BAND", "PIXEL"},
       {},
       {},
       "BAND"},
      {"BLOCKXSIZE",
       OptionType::kInteger,
       "Block width seen by the block cache",
       {},
       1.0,
       1073741824.0,
       "raster width"},
      {"BLOCKYSIZE",
       OptionType::kInteger,
       "Block height seen by the block cache",
       {},
       1.0,
       1073741824.0,
       "1"},
  };
  return specs;
}

class MemDriver final : public Driver {
 public:
  std::string_view short_name() const override { return "MEM"; }
  std::string_view long_name() const override { return "In Memory raster"; }
  bool can_create() const override { return true; }
  const std::vector<OptionSpec>& creation_option_specs() const override {
    return mem_creation_options();
  }

  bool identify(const OpenInfo& info) const override {
    return info.path.size() >= 6 && iequals(std::string_view(info.path).substr(0, 6), "MEM:::");
  }

  Result<std::unique_ptr<Dataset>> open(const OpenInfo& info) const override;

 protected:
  Result<std::unique_ptr<Dataset>> create_impl(const std::string& path,
                                               const CreateParams& p) const override {
    const size_t tsize = data_type_size(p.type);
    const bool pixel = iequals(p.options.get_or("INTERLEAVE", "BAND"), "PIXEL");
    const double total = static_cast<double>(p.width) * static_cast<double>(p.height) *
                         static_cast<double>(std::max(p.bands, 1)) * static_cast<double>(tsize);
    if (total > 1e15) return Status::out_of_memory(path, "raster too large for memory");
    std::unique_ptr<std::byte[]> storage(
        new (std::nothrow)
            std::byte[static_cast<size_t>(total) == 0 ? 1 : static_cast<size_t>(total)]());
    if (!storage) {
      return Status::out_of_memory(
          path, "cannot allocate " + std::to_string(static_cast<uint64_t>(total)) + " bytes");
    }
    const BufferLayout l = pixel
                               ? BufferLayout::pixel_interleaved(p.type, p.width, p.height, p.bands)
                               : BufferLayout::packed(p.type, p.width, p.height).resolved();
    auto ds = std::make_unique<MemDataset>(path, Access::kUpdate, this, p.cache);
    ds->init(p.width, p.height, p.bands, p.type, storage.get(), l,
             std::stoll(p.options.get_or("BLOCKXSIZE", "0")),
             std::stoll(p.options.get_or("BLOCKYSIZE", "0")));
    ds->adopt(std::move(storage));
    return std::unique_ptr<Dataset>(std::move(ds));
  }
};

// "MEM:::KEY=VALUE,KEY=VALUE" -> Options.
Result<Options> parse_open_string(const std::string& path) {
  Options out;
  std::string rest = path.substr(6);
  size_t start = 0;
  while (start <= rest.size()) {
    const size_t comma = rest.find(',', start);
    const std::string item =
        rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) {
      const size_t eq = item.find('=');
      if (eq == std::string::npos)
        return Status::invalid_argument(path, "expected KEY=VALUE, got '" + item + "'");
      out.set(item.substr(0, eq), item.substr(eq + 1));
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<int64_t> parse_int(const Options& o, const char* key, int64_t fallback,
                          const std::string& path) {
  const std::optional<std::string> v = o.get(key);
  if (!v) return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(v->c_str(), &end, 0);
  if (v->empty() || *end != '\0') {
    return Status::invalid_argument(path, std::string(key) + "='" + *v + "' is not an integer");
  }
  return static_cast<int64_t>(n);
}

Result<std::unique_ptr<Dataset>> MemDriver::open(const OpenInfo& info) const {
  RK_ASSIGN_OR_RETURN(Options o, parse_open_string(info.path));
  const std::optional<std::string> pointer = o.get("DATAPOINTER");
  if (!pointer) return Status::invalid_argument(info.path, "DATAPOINTER is missing");
  char* end = nullptr;
  const unsigned long long address = std::strtoull(pointer->c_str(), &end, 0);
  if (pointer->empty() || *end != '\0' || address == 0) {
    return Status::invalid_argument(info.path, "DATAPOINTER='" + *pointer + "' is not an address");
  }
  RK_ASSIGN_OR_RETURN(int64_t w, parse_int(o, "PIXELS", 0, info.path));
  RK_ASSIGN_OR_RETURN(int64_t h, parse_int(o, "LINES", 0, info.path));
  RK_ASSIGN_OR_RETURN(int64_t bands, parse_int(o, "BANDS", 1, info.path));
  DataType type = DataType::kByte;
  if (std::optional<std::string> t = o.get("DATATYPE")) {
    std::optional<DataType> parsed = parse_data_type(*t);
    if (!parsed) return Status::invalid_argument(info.path, "unknown DATATYPE '" + *t + "'");
    type = *parsed;
  }
  BufferLayout l = BufferLayout::packed(type, w, h);
  RK_ASSIGN_OR_RETURN(l.pixel_spacing, parse_int(o, "PIXELOFFSET", 0, info.path));
  RK_ASSIGN_OR_RETURN(l.line_spacing, parse_int(o, "LINEOFFSET", 0, info.path));
  RK_ASSIGN_OR_RETURN(l.band_spacing, parse_int(o, "BANDOFFSET", 0, info.path));
  WrapParams p;
  p.data = reinterpret_cast<void*>(static_cast<uintptr_t>(address));
  p.layout = l;
  p.bands = static_cast<int>(bands);
  p.access = info.access;
  p.description = info.path;
  p.cache = info.cache;
  return wrap(p);
}

}  // namespace

std::unique_ptr<Driver> make_driver() { return std::make_unique<MemDriver>(); }

Result<std::unique_ptr<Dataset>> wrap(const WrapParams& p) {
  const std::string name = p.description.empty() ? "MEM dataset" : p.description;
  if (!p.data) return Status::invalid_argument(name, "null buffer");
  if (p.layout.width <= 0 || p.layout.height <= 0 || p.bands <= 0 || p.bands > 65535) {
    return Status::invalid_argument(name, "invalid size " + std::to_string(p.layout.width) + "x" +
                                              std::to_string(p.layout.height) + "x" +
                                              std::to_string(p.bands));
  }
  if (p.layout.type == DataType::kUnknown)
    return Status::invalid_argument(name, "unknown data type");
  // Never destroyed, like the registry's drivers: a wrapped dataset may
  // outlive static destruction.
  static const Driver* const driver = make_driver().release();
  auto ds = std::make_unique<MemDataset>(name, p.access, driver, p.cache);
  ds->init(p.layout.width, p.layout.height, p.bands, p.layout.type, static_cast<std::byte*>(p.data),
           p.layout.resolved(), p.block_x, p.block_y);
  return std::unique_ptr<Dataset>(std::move(ds));
}

}  // namespace rk::mem
