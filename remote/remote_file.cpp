#include <rasterkit/remote/remote_file.h>

#include <algorithm>
#include <cstring>

#include <rasterkit/remote/range_request.h>
#include <rasterkit/remote/remote_state.h>

namespace rk::remote {

RemoteFile::RemoteFile(const std::string& path, std::shared_ptr<const Endpoint> endpoint,
                       FileInfo info)
    : File(path),
      endpoint_(std::move(endpoint)),
      info_(std::move(info)),
      cache_key_(cache_key(*endpoint_, info_)) {}

Result<std::unique_ptr<File>> RemoteFile::open(const std::string& path, Access access) {
  if (access == Access::kUpdate) {
    return Status::read_only(display_path(path), "remote files are read-only");
  }
  const RemoteOptions options = remote_options();
  RK_ASSIGN_OR_RETURN(std::shared_ptr<const Endpoint> endpoint, Endpoint::make(path, options));
  FileInfoCache& infos = FileInfoCache::global();
  if (std::optional<FileInfo> known = infos.find(endpoint->identity())) {
    if (!known->exists) return Status::not_found(endpoint->display(), "HTTP 404 (Not Found)");
    if (!known->region.empty() && known->region != endpoint->region()) {
      endpoint = endpoint->in_region(known->region);
    }
    return std::unique_ptr<File>(new RemoteFile(path, std::move(endpoint), *known));
  }
  const std::string identity = endpoint->identity();
  Result<Opening> opening = open_range(endpoint, options.header_bytes);
  if (!opening.ok()) {
    if (opening.status().code() == StatusCode::kNotFound) {
      FileInfo absent;
      absent.exists = false;
      infos.store(identity, absent);
    }
    return opening.status();
  }
  FileInfo info = opening->info;
  if (opening->endpoint->is_s3()) info.region = opening->endpoint->region();
  infos.store(identity, info);
  RangeCache::global().insert(cache_key(*opening->endpoint, info), 0, std::move(opening->head));
  return std::unique_ptr<File>(new RemoteFile(path, std::move(opening->endpoint), info));
}

Status RemoteFile::write_at(uint64_t, const void*, size_t) {
  return Status::read_only(endpoint_->display(), "remote files are read-only");
}

Result<std::vector<std::string>> RemoteFile::fetch(const std::vector<ByteSpan>& spans) const {
  const RemoteOptions& o = endpoint_->options();
  // Spans close enough are fetched as one request, the bytes between them
  // included (cheaper than a round trip, up to merge_gap_bytes).
  std::vector<ByteSpan> requests;
  std::vector<size_t> request_of(spans.size());
  for (size_t i = 0; i < spans.size(); ++i) {
    const ByteSpan& s = spans[i];
    if (!requests.empty() && s.begin - requests.back().end <= o.merge_gap_bytes &&
        s.end - requests.back().begin <= std::max<uint64_t>(o.max_request_bytes, s.size())) {
      requests.back().end = s.end;
    } else {
      requests.push_back(s);
    }
    request_of[i] = requests.size() - 1;
  }
  RK_ASSIGN_OR_RETURN(std::vector<std::string> bodies, get_ranges(*endpoint_, info_, requests));
  if (requests.size() == spans.size()) return bodies;
  std::vector<std::string> out(spans.size());
  for (size_t i = 0; i < spans.size(); ++i) {
    const ByteSpan& r = requests[request_of[i]];
    out[i] = bodies[request_of[i]].substr(spans[i].begin - r.begin, spans[i].size());
  }
  return out;
}

Result<size_t> RemoteFile::read_at(uint64_t offset, void* dst, size_t n) const {
  if (n == 0 || offset >= info_.size) return size_t{0};
  const uint64_t end = std::min<uint64_t>(info_.size, offset + n);
  const RemoteOptions& o = endpoint_->options();
  // Read-ahead: a miss where the last one ended reads twice as far.
  uint64_t ahead = o.chunk_bytes;
  if (offset == last_miss_end_.load(std::memory_order_relaxed)) {
    ahead = std::min<uint64_t>(readahead_.load(std::memory_order_relaxed) * 2,
                               uint64_t{o.chunk_bytes} * 128);
  }
  const uint64_t grow_to = std::min(info_.size, offset + std::max(end - offset, ahead));
  uint64_t fetched_end = 0;
  auto fetcher = [&](const std::vector<ByteSpan>& spans) {
    fetched_end = spans.back().end;
    return fetch(spans);
  };
  std::vector<Piece> pieces;
  RK_RETURN_IF_ERROR(
      RangeCache::global().obtain(cache_key_, {ByteSpan{offset, end}}, grow_to, fetcher, &pieces));
  Counters& c = counters();
  if (fetched_end) {
    last_miss_end_.store(fetched_end, std::memory_order_relaxed);
    readahead_.store(ahead, std::memory_order_relaxed);
    c.cache_misses.fetch_add(1, std::memory_order_relaxed);
  } else {
    c.cache_hits.fetch_add(1, std::memory_order_relaxed);
  }
  auto* out = static_cast<char*>(dst);
  uint64_t covered = 0;
  for (const Piece& p : pieces) {
    const uint64_t a = std::max(offset, p.begin);
    const uint64_t b = std::min(end, p.end());
    if (a >= b) continue;
    std::memcpy(out + (a - offset), p.data->data() + (a - p.begin), b - a);
    covered += b - a;
  }
  if (covered != end - offset) {
    return Status::internal(endpoint_->display(), "the range cache did not cover a read");
  }
  return static_cast<size_t>(end - offset);
}

Status RemoteFile::prefetch(const std::vector<ByteRange>& ranges) const {
  std::vector<ByteSpan> wants;
  for (const ByteRange& r : ranges) {
    const uint64_t end = std::min(info_.size, r.offset + r.size);
    if (r.offset < end) wants.push_back({r.offset, end});
  }
  if (wants.empty()) return Status();
  std::sort(wants.begin(), wants.end(),
            [](const ByteSpan& a, const ByteSpan& b) { return a.begin < b.begin; });
  auto fetcher = [&](const std::vector<ByteSpan>& spans) { return fetch(spans); };
  return RangeCache::global().obtain(cache_key_, wants, 0, fetcher, nullptr);
}

}  // namespace rk::remote
