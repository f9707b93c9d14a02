// RangeCache: the process-wide cache of bytes fetched from remote files,
// shared by every dataset and thread, with a byte budget (least recently
// used parts go first).
//
// Keys name a file *version* (URL plus validator), so bytes of a file that
// changed on the server are never mixed with the new ones.
//
// Single flight: a part of a file being fetched is entered in the cache as
// pending before the request leaves; a thread needing it waits for that
// fetch instead of sending its own. So N threads reading the same tiles
// fetch each byte range once.
//
// Invariant: the parts (ready or pending) of one file never overlap. A
// caller only ever claims gaps, so it never has to reconcile two copies.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <rasterkit/blockcache/export.h>
#include <rasterkit/blockcache/mutex.h>
#include <rasterkit/gdalcore/result.h>

namespace rk::remote {

// [begin, end) of a file.
struct ByteSpan {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - begin; }
};

using Bytes = std::shared_ptr<const std::string>;

// Bytes of a file starting at offset `begin`.
struct Piece {
  Bytes data;
  uint64_t begin = 0;
  uint64_t end() const { return begin + data->size(); }
};

class RK_API RangeCache {
 public:
  // Fetches the given disjoint, ascending spans; returns their bytes (each
  // exactly span-sized) or the error that made it fail.
  using Fetcher = std::function<Result<std::vector<std::string>>(const std::vector<ByteSpan>&)>;

  static RangeCache& global();
  explicit RangeCache(size_t budget_bytes) : budget_(budget_bytes) {}

  void set_budget(size_t bytes);
  size_t bytes() const;
  // Drops every ready part (pending fetches complete as usual).
  void clear();
  // Drops the ready parts of one file version.
  void drop(const std::string& key);

  // Makes every span of `wants` available, fetching what no one has or is
  // fetching with `fetch` (in this thread, in one call) and waiting for the
  // parts other threads are fetching. A gap that ends where a want ends is
  // extended up to `grow_to` (read-ahead), stopping at the next part
  // already cached or pending. When `pieces` is given it receives parts
  // covering every want (kept alive even if evicted meanwhile).
  Status obtain(const std::string& key, const std::vector<ByteSpan>& wants, uint64_t grow_to,
                const Fetcher& fetch, std::vector<Piece>* pieces);

  // Caches bytes fetched outside obtain() (a file's header, read at open),
  // where they overlap nothing cached or pending.
  void insert(const std::string& key, uint64_t begin, std::string bytes);

 private:
  // A fetch in progress, shared by its fetcher and the threads waiting.
  struct Pending {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;  // guarded by mu
    Status status;      // guarded by mu
    Bytes data;         // guarded by mu
  };
  struct Part;
  struct FileParts {
    std::string key;
    std::map<uint64_t, Part> parts;  // by begin
  };
  using LruList = std::list<std::pair<FileParts*, uint64_t>>;  // most recent first
  struct Part {
    uint64_t end = 0;
    Bytes data;                        // ready when set
    std::shared_ptr<Pending> pending;  // else being fetched
    LruList::iterator lru;             // valid when ready
  };
  struct Claim {
    ByteSpan span;
    std::shared_ptr<Pending> pending;
  };
  struct Wait {
    uint64_t begin;
    std::shared_ptr<Pending> pending;
  };

  // Under mu_: walks the parts over `want`, collecting ready pieces,
  // pending fetches to wait for, and claiming the gaps.
  void plan(FileParts& f, const ByteSpan& want, uint64_t grow_to, std::vector<Piece>* pieces,
            std::vector<Wait>* waits, std::vector<Claim>* claims) RK_REQUIRES(mu_);
  // Publishes the claims' outcome: ready parts (within the budget) or none.
  void publish(const std::string& key, const std::vector<Claim>& claims,
               Result<std::vector<std::string>>& fetched, std::vector<Piece>* pieces);
  void make_ready(FileParts& f, std::map<uint64_t, Part>::iterator it, Bytes data) RK_REQUIRES(mu_);
  void evict_to_budget() RK_REQUIRES(mu_);
  // Removes one part; the file's entry stays (forget_if_empty removes it).
  void unlink(FileParts& f, std::map<uint64_t, Part>::iterator it) RK_REQUIRES(mu_);
  void forget_if_empty(FileParts& f) RK_REQUIRES(mu_);

  mutable Mutex mu_;  // guards everything below
  size_t budget_ RK_GUARDED_BY(mu_);
  size_t bytes_ RK_GUARDED_BY(mu_) = 0;
  std::unordered_map<std::string, FileParts> files_ RK_GUARDED_BY(mu_);
  LruList lru_ RK_GUARDED_BY(mu_);
};

}  // namespace rk::remote
