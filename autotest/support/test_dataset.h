// A minimal in-memory Dataset for core tests (they may not link a driver):
// blocks are backed by a vector, block reads and writes are counted, and a
// read or write of a chosen block can be made to fail (fault injection).
#pragma once

#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include <rasterkit/gdalcore/dataset.h>

namespace rk::test {

class TestDataset;

class TestBand final : public RasterBand {
 public:
  TestBand(TestDataset* ds, int number, int64_t w, int64_t h, DataType type, int64_t bx,
           int64_t by);

  std::vector<std::byte>& pixels() { return pixels_; }  // packed, x_size * y_size
  int block_reads = 0;
  int block_writes = 0;
  std::map<std::pair<int64_t, int64_t>, int> reads_per_block;
  std::set<std::pair<int64_t, int64_t>> failing_reads;
  std::set<std::pair<int64_t, int64_t>> failing_writes;
  std::vector<std::unique_ptr<TestBand>> overviews;

  int overview_count() const override { return static_cast<int>(overviews.size()); }
  RasterBand* overview(int i) override {
    return i >= 0 && i < overview_count() ? overviews[static_cast<size_t>(i)].get() : nullptr;
  }
  void set_level(int32_t level) { set_cache_level(level); }
  void init_nodata_value(double v) { init_nodata(v); }
  void init_palette(ColorTable t) { init_color_table(std::move(t)); }

 protected:
  Status read_block_impl(int64_t bx, int64_t by, void* dst) override;
  Status write_block_impl(int64_t bx, int64_t by, const void* src) override;

 private:
  std::vector<std::byte> pixels_;
};

class TestDataset final : public Dataset {
 public:
  TestDataset(int64_t w, int64_t h, int bands, DataType type, int64_t bx, int64_t by,
              BlockCache* cache, Access access = Access::kUpdate)
      : Dataset("test.raster", access, nullptr, cache) {
    set_raster_size(w, h);
    for (int b = 1; b <= bands; ++b) {
      add_band(std::make_unique<TestBand>(this, b, w, h, type, bx, by));
    }
  }
  ~TestDataset() override { close_in_destructor(); }

  TestBand* test_band(int n) { return static_cast<TestBand*>(band(n)); }
  int flushes = 0;

 protected:
  Status flush_impl() override {
    ++flushes;
    return Status();
  }
};

inline TestBand::TestBand(TestDataset* ds, int number, int64_t w, int64_t h, DataType type,
                          int64_t bx, int64_t by)
    : RasterBand(ds, number, w, h, type, bx, by),
      pixels_(static_cast<size_t>(w * h) * data_type_size(type)) {}

inline Status TestBand::read_block_impl(int64_t bx, int64_t by, void* dst) {
  ++block_reads;
  ++reads_per_block[{bx, by}];
  if (failing_reads.count({bx, by})) return Status::io_error("", "injected read failure");
  const size_t t = data_type_size(data_type());
  auto* out = static_cast<std::byte*>(dst);
  std::memset(out, 0, static_cast<size_t>(block_x_size() * block_y_size()) * t);
  for (int64_t r = 0; r < block_y_size(); ++r) {
    const int64_t y = by * block_y_size() + r;
    if (y >= y_size()) break;
    const int64_t x0 = bx * block_x_size();
    const int64_t n = std::min(block_x_size(), x_size() - x0);
    std::memcpy(out + static_cast<size_t>(r * block_x_size()) * t,
                pixels_.data() + static_cast<size_t>(y * x_size() + x0) * t,
                static_cast<size_t>(n) * t);
  }
  return Status();
}

inline Status TestBand::write_block_impl(int64_t bx, int64_t by, const void* src) {
  ++block_writes;
  if (failing_writes.count({bx, by})) return Status::io_error("", "injected write failure");
  const size_t t = data_type_size(data_type());
  const auto* in = static_cast<const std::byte*>(src);
  for (int64_t r = 0; r < block_y_size(); ++r) {
    const int64_t y = by * block_y_size() + r;
    if (y >= y_size()) break;
    const int64_t x0 = bx * block_x_size();
    const int64_t n = std::min(block_x_size(), x_size() - x0);
    std::memcpy(pixels_.data() + static_cast<size_t>(y * x_size() + x0) * t,
                in + static_cast<size_t>(r * block_x_size()) * t, static_cast<size_t>(n) * t);
  }
  return Status();
}

// Fills a band's backing store with values from `f(x, y)` (no cache involved).
template <typename T, typename F>
void fill_band(TestBand* band, F f) {
  auto* p = reinterpret_cast<T*>(band->pixels().data());
  for (int64_t y = 0; y < band->y_size(); ++y) {
    for (int64_t x = 0; x < band->x_size(); ++x)
      p[y * band->x_size() + x] = static_cast<T>(f(x, y));
  }
}

}  // namespace rk::test
