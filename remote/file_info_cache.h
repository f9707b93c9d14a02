// FileInfoCache: what the process knows about each remote file it opened —
// size and validator — so that opening it again (a thread-safe dataset's
// per-thread copies, a batch job's repeated opens) sends no request.
//
// Entries last until clear_remote_cache() or until a read finds that the
// file changed on the server (invalidate()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include <rasterkit/blockcache/mutex.h>

namespace rk::remote {

struct FileInfo {
  bool exists = true;  // false: the server answered 404 (remembered too)
  uint64_t size = 0;
  std::string etag;
  std::string last_modified;
  bool honours_ranges = true;  // false: it answered a Range request with 200
  std::string region;          // S3: the bucket's region, as the server told it

  // Names this version of the file: the ETag, else Last-Modified and size.
  std::string validator() const {
    if (!etag.empty()) return "etag:" + etag;
    return "lm:" + last_modified + ":" + std::to_string(size);
  }
};

class FileInfoCache {
 public:
  static FileInfoCache& global();
  std::optional<FileInfo> find(const std::string& identity) const;
  void store(const std::string& identity, const FileInfo& info);
  // Forgets `identity` if its entry still has `validator`.
  void invalidate(const std::string& identity, const std::string& validator);
  void clear();

 private:
  mutable Mutex mu_;  // guards entries_
  std::unordered_map<std::string, FileInfo> entries_ RK_GUARDED_BY(mu_);
};

}  // namespace rk::remote
