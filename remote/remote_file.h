// RemoteFile: a rk::File over HTTP range requests (/vsicurl/, http(s)://)
// or S3 (/vsis3/, s3://). Drivers read it as any file; what it costs in
// requests is decided here.
//
//  - Opening sends one ranged GET of the first header_bytes (its response
//    gives the size and the validator: no HEAD), unless the process opened
//    the same file before, in which case it sends nothing.
//  - A read served by the range cache sends nothing. A read that misses
//    fetches the missing bytes, extended to at least chunk_bytes (doubling
//    while reads continue where the last miss ended, as libtiff reads a
//    directory and its arrays).
//  - prefetch() turns the byte ranges a driver is about to read (the tiles of
//    a window) into few requests: ranges at most merge_gap_bytes apart are
//    merged, and the merged requests are sent at once, in parallel.
//  - Every response is checked against the request: its Content-Range, its
//    length and the file's validator (ETag, else Last-Modified). A mismatch
//    fails the read; it never yields shifted or mixed bytes. 429/5xx
//    answers, lost connections and cut bodies are retried with exponential
//    backoff.
//
// Safe to use from several threads at once (the File contract).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/file.h>
#include <rasterkit/remote/endpoint.h>
#include <rasterkit/remote/file_info_cache.h>
#include <rasterkit/remote/range_cache.h>

namespace rk::remote {

class RemoteFile final : public File {
 public:
  // Opens `path` read-only (kUpdate is refused: remote files are read-only).
  static Result<std::unique_ptr<File>> open(const std::string& path, Access access);

  Result<size_t> read_at(uint64_t offset, void* dst, size_t n) const override;
  Status write_at(uint64_t offset, const void* src, size_t n) override;
  Result<uint64_t> size() const override { return info_.size; }
  Status sync() override { return Status(); }
  Status prefetch(const std::vector<ByteRange>& ranges) const override;
  bool is_remote() const override { return true; }

 private:
  RemoteFile(const std::string& path, std::shared_ptr<const Endpoint> endpoint, FileInfo info);
  // Fetches the spans (ascending, disjoint) in as few requests as the merge
  // rules allow, in parallel; the bytes of each span, or the error.
  Result<std::vector<std::string>> fetch(const std::vector<ByteSpan>& spans) const;

  std::shared_ptr<const Endpoint> endpoint_;
  FileInfo info_;
  std::string cache_key_;  // identity + validator
  // Read-ahead of cache misses: where the last one ended and how far it read.
  mutable std::atomic<uint64_t> last_miss_end_{UINT64_MAX};
  mutable std::atomic<uint64_t> readahead_{0};
};

}  // namespace rk::remote
