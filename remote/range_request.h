// Ranged GETs with their checks and retries: the only place that decides
// whether a response's bytes may be used.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/result.h>
#include <rasterkit/remote/endpoint.h>
#include <rasterkit/remote/file_info_cache.h>
#include <rasterkit/remote/range_cache.h>

namespace rk::remote {

// The range-cache key of one version of a file.
std::string cache_key(const Endpoint& endpoint, const FileInfo& info);

// What the first request of a file learnt.
struct Opening {
  FileInfo info;
  std::string head;                          // bytes [0, head.size()) of the file
  std::shared_ptr<const Endpoint> endpoint;  // another S3 region if redirected
};

// GETs bytes [0, n) of the file: its size and validator come with them.
// An empty file (416) opens with size 0. Errors: kNotFound for 404/410,
// kIOError otherwise, naming the status (and S3's error code).
Result<Opening> open_range(std::shared_ptr<const Endpoint> endpoint, size_t n);

// GETs each span (within the file, as `expected` describes it), all at
// once, retrying transient failures, and returns the bodies. A response
// for other bytes than asked, or from another version of the file, fails
// the whole call; a changed file is also forgotten by the caches, so it is
// read afresh when opened again.
Result<std::vector<std::string>> get_ranges(const Endpoint& endpoint, const FileInfo& expected,
                                            const std::vector<ByteSpan>& spans);

}  // namespace rk::remote
