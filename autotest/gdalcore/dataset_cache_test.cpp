// How datasets use the block cache: dirty blocks belong to their writer and
// are written back on flush, on close, and when the writer exceeds the budget.
#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include <rasterkit/gdalcore/warning.h>
#include "support/test_dataset.h"

namespace rk {
namespace {

using test::TestDataset;

// 64x64 Byte raster in 16x16 blocks: 16 blocks of 256 bytes.
constexpr int64_t kSize = 64, kBlock = 16;
const size_t kBlockCharge = BlockCache::charge_for(kBlock * kBlock);

std::vector<uint8_t> pattern(uint8_t seed) {
  std::vector<uint8_t> v(kSize * kSize);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i * 7 + seed);
  return v;
}

TEST_CASE("reads go through the cache: a second read decodes nothing", "[dataset][cache]") {
  BlockCache cache(64 * kBlockCharge);
  TestDataset ds(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache);
  std::vector<uint8_t> buf(kSize * kSize);
  const auto layout = BufferLayout::packed(DataType::kByte, kSize, kSize);
  REQUIRE(ds.band(1)->read(Window{0, 0, kSize, kSize}, buf.data(), layout).ok());
  CHECK(ds.test_band(1)->block_reads == 16);
  REQUIRE(ds.band(1)->read(Window{0, 0, kSize, kSize}, buf.data(), layout).ok());
  CHECK(ds.test_band(1)->block_reads == 16);
  const BlockCacheStats s = cache.stats();
  CHECK(s.misses == 16);
  CHECK(s.insertions == 16);
  // The second read was served by the band's memo of recent blocks, without
  // asking the shared cache at all.
  CHECK(s.hits == 0);
}

TEST_CASE("a block kept hot by a band's memo survives eviction pressure", "[dataset][cache]") {
  BlockCache cache(3 * kBlockCharge, /*shard_bits=*/0);
  TestDataset ds(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache);
  const auto one = BufferLayout::packed(DataType::kByte, 1, 1);
  uint8_t v = 0;
  for (int i = 0; i < 200; ++i) {
    // The hot block is found in the band's memo (no cache lookup), while the
    // other 15 blocks churn through a cache with room for three.
    REQUIRE(ds.band(1)->read(Window{1, 1, 1, 1}, &v, one).ok());
    const int64_t other = 1 + i % 15;
    REQUIRE(
        ds.band(1)->read(Window{(other % 4) * kBlock, (other / 4) * kBlock, 1, 1}, &v, one).ok());
  }
  CHECK(ds.test_band(1)->reads_per_block[{0, 0}] == 1);
  CHECK(cache.stats().evictions > 100);
  CHECK(cache.bytes_in_use() <= cache.capacity());
}

TEST_CASE("dirty blocks are written back on flush", "[dataset][cache]") {
  BlockCache cache(64 * kBlockCharge);
  TestDataset ds(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache);
  const auto data = pattern(1);
  REQUIRE(ds.write(Window{0, 0, kSize, kSize}, data.data(),
                   BufferLayout::packed(DataType::kByte, kSize, kSize))
              .ok());
  CHECK(ds.dirty_block_count() == 16);
  CHECK(ds.test_band(1)->block_writes == 0);
  CHECK(ds.test_band(1)->block_reads == 0);  // whole blocks are not read before writing
  REQUIRE(ds.flush().ok());
  CHECK(ds.test_band(1)->block_writes == 16);
  CHECK(ds.dirty_block_count() == 0);
  CHECK(ds.flushes == 1);
  CHECK(std::equal(data.begin(), data.end(),
                   reinterpret_cast<const uint8_t*>(ds.test_band(1)->pixels().data())));
  CHECK(cache.stats().write_backs == 16);
  CHECK(cache.stats().dirty_bytes == 0);
}

TEST_CASE("dirty blocks are written back on close and when destroyed", "[dataset][cache]") {
  BlockCache cache(64 * kBlockCharge);
  const auto data = pattern(2);
  std::vector<std::byte> written;
  {
    TestDataset ds(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache);
    REQUIRE(ds.write(Window{0, 0, kSize, kSize}, data.data(),
                     BufferLayout::packed(DataType::kByte, kSize, kSize))
                .ok());
    REQUIRE(ds.close().ok());
    CHECK(ds.test_band(1)->block_writes == 16);
    CHECK(cache.bytes_in_use() == 0);  // closing drops the dataset's blocks
    std::vector<uint8_t> buf(4);
    CHECK_FALSE(
        ds.band(1)
            ->read(Window{0, 0, 2, 2}, buf.data(), BufferLayout::packed(DataType::kByte, 2, 2))
            .ok());
    CHECK(ds.close().ok());  // closing twice is harmless
  }
  auto ds = std::make_unique<TestDataset>(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache);
  REQUIRE(ds->write(Window{0, 0, kSize, kSize}, data.data(),
                    BufferLayout::packed(DataType::kByte, kSize, kSize))
              .ok());
  ds.reset();  // the destructor writes back (close_in_destructor)
  CHECK(cache.bytes_in_use() == 0);
  CHECK(cache.stats().write_backs == 32);
}

TEST_CASE("a writer that exceeds the budget writes back its own blocks", "[dataset][cache]") {
  BlockCache cache(4 * kBlockCharge);  // room for 4 of the 16 blocks
  TestDataset ds(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache);
  const auto data = pattern(3);
  REQUIRE(ds.write(Window{0, 0, kSize, kSize}, data.data(),
                   BufferLayout::packed(DataType::kByte, kSize, kSize))
              .ok());
  // At most the budget plus the block being written stays dirty.
  CHECK(ds.test_band(1)->block_writes >= 11);
  CHECK(cache.bytes_in_use() <= 5 * kBlockCharge);
  // Read-after-write is exact even for blocks written back and evicted.
  std::vector<uint8_t> back(kSize * kSize);
  REQUIRE(ds.read(Window{0, 0, kSize, kSize}, back.data(),
                  BufferLayout::packed(DataType::kByte, kSize, kSize))
              .ok());
  CHECK(back == data);
  REQUIRE(ds.flush().ok());
  CHECK(std::equal(data.begin(), data.end(),
                   reinterpret_cast<const uint8_t*>(ds.test_band(1)->pixels().data())));
}

TEST_CASE("one writer's pressure never writes another dataset's blocks", "[dataset][cache]") {
  BlockCache cache(6 * kBlockCharge);
  TestDataset a(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache);
  TestDataset b(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache);
  const auto data = pattern(4);
  // a dirties 4 blocks (under budget), then b writes everything.
  REQUIRE(
      a.write(Window{0, 0, 32, 32}, data.data(), BufferLayout{DataType::kByte, 32, 32, 1, kSize, 0})
          .ok());
  CHECK(a.dirty_block_count() == 4);
  REQUIRE(b.write(Window{0, 0, kSize, kSize}, data.data(),
                  BufferLayout::packed(DataType::kByte, kSize, kSize))
              .ok());
  CHECK(a.test_band(1)->block_writes == 0);  // nobody wrote a's blocks
  CHECK(a.dirty_block_count() == 4);
  CHECK(b.test_band(1)->block_writes > 0);  // b paid for its own writes
  REQUIRE(a.flush().ok());
  CHECK(a.test_band(1)->block_writes == 4);
}

TEST_CASE("a failed write-back keeps the block dirty and reports the error", "[dataset][cache]") {
  BlockCache cache(64 * kBlockCharge);
  TestDataset ds(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache);
  const auto data = pattern(5);
  REQUIRE(ds.write(Window{0, 0, kSize, kSize}, data.data(),
                   BufferLayout::packed(DataType::kByte, kSize, kSize))
              .ok());
  ds.test_band(1)->failing_writes.insert({1, 1});
  Status s = ds.flush();
  CHECK(s.code() == StatusCode::kIOError);
  CHECK(s.to_string() == "test.raster: injected write failure");
  CHECK(ds.dirty_block_count() >= 1);
  ds.test_band(1)->failing_writes.clear();
  REQUIRE(ds.flush().ok());  // retried: nothing was lost
  CHECK(std::equal(data.begin(), data.end(),
                   reinterpret_cast<const uint8_t*>(ds.test_band(1)->pixels().data())));
}

TEST_CASE("a failed block read reaches the caller", "[dataset][cache]") {
  BlockCache cache(64 * kBlockCharge);
  TestDataset ds(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache);
  ds.test_band(1)->failing_reads.insert({2, 3});
  std::vector<uint8_t> buf(kSize * kSize);
  Status s = ds.read(Window{0, 0, kSize, kSize}, buf.data(),
                     BufferLayout::packed(DataType::kByte, kSize, kSize));
  CHECK(s.code() == StatusCode::kIOError);
  CHECK(s.subject() == "test.raster");
  // Resampled reads and partial writes propagate it too.
  CHECK(ds.read(Window{0, 0, kSize, kSize}, buf.data(), BufferLayout::packed(DataType::kByte, 8, 8),
                {}, RasterIOOptions{Resampling::kAverage, nullptr, {}})
            .code() == StatusCode::kIOError);
  const uint8_t one = 1;
  CHECK(ds.band(1)
            ->write(Window{33, 49, 1, 1}, &one, BufferLayout::packed(DataType::kByte, 1, 1))
            .code() == StatusCode::kIOError);
}

TEST_CASE("read-only datasets refuse writes and setters", "[dataset]") {
  BlockCache cache(64 * kBlockCharge);
  TestDataset ds(kSize, kSize, 1, DataType::kByte, kBlock, kBlock, &cache, Access::kReadOnly);
  const uint8_t v = 1;
  CHECK(ds.band(1)
            ->write(Window{0, 0, 1, 1}, &v, BufferLayout::packed(DataType::kByte, 1, 1))
            .code() == StatusCode::kReadOnly);
  CHECK(ds.band(1)->set_nodata(0).code() == StatusCode::kReadOnly);
  CHECK(ds.set_geo_transform(GeoTransform{}).code() == StatusCode::kReadOnly);
  CHECK(ds.set_metadata_item("A", "B").code() == StatusCode::kReadOnly);
}

TEST_CASE("band properties", "[dataset]") {
  BlockCache cache(64 * kBlockCharge);
  TestDataset ds(kSize, kSize, 1, DataType::kInt64, kBlock, kBlock, &cache);
  RasterBand* b = ds.band(1);
  REQUIRE(b->set_nodata_int64(INT64_MIN + 1).ok());
  CHECK(b->nodata_int64() == INT64_MIN + 1);
  CHECK_FALSE(b->nodata_uint64());
  REQUIRE(b->set_nodata(-5).ok());
  CHECK(b->nodata_int64() == -5);
  REQUIRE(b->set_nodata_uint64(18446744073709551615ull).ok());
  CHECK(b->nodata_uint64() == 18446744073709551615ull);
  CHECK_FALSE(b->nodata_int64());
  REQUIRE(b->delete_nodata().ok());
  CHECK_FALSE(b->nodata());
  REQUIRE(b->set_color_interp(ColorInterp::kRed).ok());
  CHECK(b->color_interp() == ColorInterp::kRed);
  ColorTable ct;
  ct.entries = {{0, 0, 0, 255}, {255, 0, 0, 255}};
  REQUIRE(b->set_color_table(ct).ok());
  CHECK(b->color_table() == ct);
  REQUIRE(b->set_scale(0.5).ok());
  REQUIRE(b->set_offset(-10).ok());
  REQUIRE(b->set_unit("m").ok());
  REQUIRE(b->set_description("height").ok());
  REQUIRE(b->set_metadata_item("K", "V", "DOM").ok());
  CHECK(b->scale() == 0.5);
  CHECK(b->offset() == -10);
  CHECK(b->unit() == "m");
  CHECK(b->description() == "height");
  CHECK(b->metadata().get("k", "DOM") == "V");
  CHECK(b->block_x_size() == kBlock);
  CHECK(b->blocks_per_row() == 4);
  CHECK(ds.band(2) == nullptr);
  CHECK(ds.band(0) == nullptr);
}

TEST_CASE("block-level access", "[dataset][cache]") {
  BlockCache cache(64 * kBlockCharge);
  TestDataset ds(20, 20, 1, DataType::kUInt16, 16, 16, &cache);  // partial edge blocks
  std::vector<uint16_t> block(16 * 16);
  std::iota(block.begin(), block.end(), uint16_t{0});
  REQUIRE(ds.band(1)->write_block(1, 1, block.data()).ok());
  std::vector<uint16_t> back(16 * 16, 9);
  REQUIRE(ds.band(1)->read_block(1, 1, back.data()).ok());
  // The 4x4 valid corner round-trips.
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x)
      CHECK(back[static_cast<size_t>(y * 16 + x)] == block[static_cast<size_t>(y * 16 + x)]);
  }
  CHECK(ds.band(1)->read_block(2, 0, back.data()).code() == StatusCode::kOutOfRange);
  REQUIRE(ds.flush().ok());
  const auto* px = reinterpret_cast<const uint16_t*>(ds.test_band(1)->pixels().data());
  CHECK(px[19 * 20 + 19] == 3 * 16 + 3);
}

}  // namespace
}  // namespace rk
