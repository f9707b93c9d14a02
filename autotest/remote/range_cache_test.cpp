// The range cache against a reference: a synthetic "file" whose byte i is a
// function of i, a fetcher that records what it was asked for, and random
// reads from many threads. Checked: every read returns the file's bytes,
// no byte is fetched twice while it fits the budget (single flight), the
// budget holds, failures reach every waiter and leave nothing behind.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <rasterkit/remote/range_cache.h>

using rk::Result;
using rk::Status;
using rk::remote::ByteSpan;
using rk::remote::Piece;
using rk::remote::RangeCache;

namespace {

uint8_t byte_at(uint64_t i) { return static_cast<uint8_t>((i * 2654435761u) >> 13); }

// A fetcher over the synthetic file that counts, per byte, how often it was
// fetched.
struct FakeServer {
  explicit FakeServer(uint64_t file_size) : size(file_size), fetched(file_size) {}
  uint64_t size;
  std::vector<std::atomic<int>> fetched;
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};

  Result<std::vector<std::string>> operator()(const std::vector<ByteSpan>& spans) {
    calls++;
    // Let other threads pile up on the pending parts.
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    if (fail) return Status::io_error("fake", "HTTP 503 (Service Unavailable)");
    std::vector<std::string> out;
    uint64_t prev_end = 0;
    for (const ByteSpan& s : spans) {
      // Ascending, disjoint, inside the file (threads call this: no Catch
      // macros; a bad request fails the fetch, which the test sees).
      if (s.begin < prev_end || s.end > size || s.end <= s.begin) {
        return Status::internal("fake", "bad span requested");
      }
      prev_end = s.end;
      std::string bytes(s.size(), '\0');
      for (uint64_t i = s.begin; i < s.end; ++i) {
        bytes[i - s.begin] = static_cast<char>(byte_at(i));
        fetched[i]++;
      }
      out.push_back(std::move(bytes));
    }
    return out;
  }
};

// Reads [begin, end) through the cache; returns "" when every byte came back
// once and right, else what went wrong. Threads call it, so no Catch macros.
std::string read_checked(RangeCache& cache, FakeServer& server, const std::string& key,
                         uint64_t begin, uint64_t end, uint64_t grow_to = 0) {
  std::vector<Piece> pieces;
  auto fetch = [&](const std::vector<ByteSpan>& s) { return server(s); };
  Status st = cache.obtain(key, {ByteSpan{begin, end}}, grow_to, fetch, &pieces);
  if (!st.ok()) return st.message();
  std::vector<uint8_t> covered(end - begin, 0);
  for (const Piece& p : pieces) {
    const uint64_t from = std::max(begin, p.begin);
    const uint64_t to = std::min(end, p.end());
    for (uint64_t i = from; i < to; ++i) {
      if (static_cast<uint8_t>((*p.data)[i - p.begin]) != byte_at(i)) {
        return "wrong byte at " + std::to_string(i);
      }
      covered[i - begin]++;
    }
  }
  for (size_t i = 0; i < covered.size(); ++i) {
    if (covered[i] != 1)
      return "byte " + std::to_string(begin + i) + " covered " + std::to_string(covered[i]) +
             " times";
  }
  return "";
}

void read_and_check(RangeCache& cache, FakeServer& server, const std::string& key, uint64_t begin,
                    uint64_t end, uint64_t grow_to = 0) {
  REQUIRE(read_checked(cache, server, key, begin, end, grow_to) == "");
}

// The largest number of times any byte was fetched.
int max_fetches(const FakeServer& server) {
  int most = 0;
  for (uint64_t i = 0; i < server.size; ++i) most = std::max(most, int(server.fetched[i]));
  return most;
}

}  // namespace

TEST_CASE("range cache: a read fetches what is missing, once") {
  RangeCache cache(1 << 20);
  FakeServer server(100000);
  read_and_check(cache, server, "f", 1000, 2000);
  CHECK(server.calls == 1);
  read_and_check(cache, server, "f", 1200, 1800);  // inside: a hit
  CHECK(server.calls == 1);
  read_and_check(cache, server, "f", 500, 2500);  // both sides missing: one call, two spans
  CHECK(server.calls == 2);
  CHECK(max_fetches(server) <= 1);
  CHECK(cache.bytes() == 2000);
}

TEST_CASE("range cache: read-ahead stops at the next cached part") {
  RangeCache cache(1 << 20);
  FakeServer server(100000);
  read_and_check(cache, server, "f", 5000, 6000);
  read_and_check(cache, server, "f", 0, 10, /*grow_to=*/20000);
  CHECK(server.fetched[4999] == 1);  // grown up to the part at 5000
  CHECK(server.fetched[5000] == 1);  // not fetched again
  CHECK(cache.bytes() == 6000);
}

TEST_CASE("range cache: the budget holds and oversized parts are served, not kept") {
  RangeCache cache(10000);
  FakeServer server(1000000);
  for (uint64_t b = 0; b < 200000; b += 3000) read_and_check(cache, server, "f", b, b + 3000);
  CHECK(cache.bytes() <= 10000);
  read_and_check(cache, server, "f", 500000, 520000);  // larger than the budget
  CHECK(cache.bytes() <= 10000);
  const int calls = server.calls;
  read_and_check(cache, server, "f", 500000, 520000);
  CHECK(server.calls == calls + 1);
  cache.set_budget(0);
  CHECK(cache.bytes() == 0);
  read_and_check(cache, server, "f", 0, 100);
}

TEST_CASE("range cache: versions are kept apart; drop and clear forget") {
  RangeCache cache(1 << 20);
  FakeServer server(10000);
  read_and_check(cache, server, "url\netag:1", 0, 1000);
  read_and_check(cache, server, "url\netag:2", 0, 1000);
  CHECK(server.calls == 2);
  cache.drop("url\netag:1");
  CHECK(cache.bytes() == 1000);
  read_and_check(cache, server, "url\netag:1", 0, 1000);
  CHECK(server.calls == 3);
  cache.clear();
  CHECK(cache.bytes() == 0);
}

TEST_CASE("range cache: a failed fetch fails its waiters and leaves nothing") {
  RangeCache cache(1 << 20);
  FakeServer server(100000);
  server.fail = true;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      std::vector<Piece> pieces;
      auto fetch = [&](const std::vector<ByteSpan>& s) { return server(s); };
      Status st = cache.obtain("f", {ByteSpan{0, 50000}}, 0, fetch, &pieces);
      if (!st.ok() && st.message().find("503") != std::string::npos) failures++;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 6);
  CHECK(cache.bytes() == 0);
  server.fail = false;
  read_and_check(cache, server, "f", 0, 50000);
}

TEST_CASE("range cache: random reads from 8 threads fetch each byte once", "[concurrency]") {
  const uint64_t size = 4 << 20;
  for (const size_t budget : {size_t{64} << 20, size_t{256} << 10}) {
    RangeCache cache(budget);
    FakeServer server(size);
    std::vector<std::thread> threads;
    std::mutex failures_mu;
    std::vector<std::string> failures;  // guarded by failures_mu
    auto fail = [&](const std::string& what) {
      std::lock_guard<std::mutex> lock(failures_mu);
      failures.push_back(what);
    };
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937_64 rng(1234 + t);
        for (int i = 0; i < 300; ++i) {
          const uint64_t begin = rng() % size;
          const uint64_t len = 1 + rng() % 70000;
          const uint64_t end = std::min(size, begin + len);
          const uint64_t grow = rng() % 2 ? std::min(size, begin + 16384) : 0;
          if (rng() % 4 == 0) {
            // A prefetch-shaped call: several spans at once, no pieces.
            std::vector<ByteSpan> wants;
            uint64_t b = begin;
            for (int k = 0; k < 4 && b < size; ++k) {
              const uint64_t e = std::min(size, b + 1 + rng() % 20000);
              wants.push_back({b, e});
              b = e + rng() % 30000;
            }
            auto fetch = [&](const std::vector<ByteSpan>& s) { return server(s); };
            Status st = cache.obtain("f", wants, 0, fetch, nullptr);
            if (!st.ok()) fail(st.message());
          } else {
            std::string what = read_checked(cache, server, "f", begin, end, grow);
            if (!what.empty()) fail(what);
          }
          if (cache.bytes() > budget) fail("over budget: " + std::to_string(cache.bytes()));
        }
      });
    }
    for (auto& t : threads) t.join();
    INFO("budget " << budget);
    CHECK(failures.empty());
    if (!failures.empty()) CHECK(failures.front() == "");
    if (budget >= size) {
      CHECK(max_fetches(server) <= 1);
    }
  }
}
