#include <rasterkit/remote/range_cache.h>

#include <algorithm>
#include <exception>
#include <new>

namespace rk::remote {

RangeCache& RangeCache::global() {
  // Never destroyed: reads from other threads may still run while static
  // destructors do at exit.
  static RangeCache* cache = new RangeCache(size_t{128} << 20);
  return *cache;
}

void RangeCache::set_budget(size_t bytes) {
  MutexLock lock(&mu_);
  budget_ = bytes;
  evict_to_budget();
}

size_t RangeCache::bytes() const {
  MutexLock lock(&mu_);
  return bytes_;
}

void RangeCache::unlink(FileParts& f, std::map<uint64_t, Part>::iterator it) {
  if (it->second.data) {
    bytes_ -= it->second.data->size();
    lru_.erase(it->second.lru);
  }
  f.parts.erase(it);
}

void RangeCache::forget_if_empty(FileParts& f) {
  if (f.parts.empty()) files_.erase(f.key);
}

void RangeCache::clear() {
  MutexLock lock(&mu_);
  while (!lru_.empty()) {
    FileParts* f = lru_.front().first;
    unlink(*f, f->parts.find(lru_.front().second));
    forget_if_empty(*f);
  }
}

void RangeCache::drop(const std::string& key) {
  MutexLock lock(&mu_);
  auto fit = files_.find(key);
  if (fit == files_.end()) return;
  FileParts& f = fit->second;
  for (auto it = f.parts.begin(); it != f.parts.end();) {
    auto next = std::next(it);
    if (it->second.data) unlink(f, it);
    it = next;
  }
  forget_if_empty(f);
}

void RangeCache::evict_to_budget() {
  while (bytes_ > budget_ && !lru_.empty()) {
    FileParts* f = lru_.back().first;
    unlink(*f, f->parts.find(lru_.back().second));
    forget_if_empty(*f);
  }
}

void RangeCache::make_ready(FileParts& f, std::map<uint64_t, Part>::iterator it, Bytes data) {
  if (data->size() > budget_) {
    unlink(f, it);  // too large to keep: its fetcher and waiters still get it
    return;
  }
  Part& part = it->second;
  part.pending.reset();
  part.data = std::move(data);
  bytes_ += part.data->size();
  lru_.emplace_front(&f, it->first);
  part.lru = lru_.begin();
}

void RangeCache::plan(FileParts& f, const ByteSpan& want, uint64_t grow_to,
                      std::vector<Piece>* pieces, std::vector<Wait>* waits,
                      std::vector<Claim>* claims) {
  uint64_t pos = want.begin;
  auto it = f.parts.upper_bound(pos);
  if (it != f.parts.begin()) {
    auto prev = std::prev(it);
    if (prev->second.end > pos) it = prev;
  }
  while (pos < want.end) {
    if (it == f.parts.end() || it->first > pos) {
      const uint64_t next = it == f.parts.end() ? UINT64_MAX : it->first;
      uint64_t end = std::min(next, want.end);
      if (end == want.end && grow_to > end) end = std::min(next, grow_to);
      auto pending = std::make_shared<Pending>();
      f.parts.emplace(pos, Part{end, nullptr, pending, {}});
      claims->push_back({ByteSpan{pos, end}, std::move(pending)});
      pos = end;
      continue;
    }
    Part& part = it->second;
    if (part.data) {
      if (pieces) pieces->push_back({part.data, it->first});
      lru_.splice(lru_.begin(), lru_, part.lru);
    } else {
      waits->push_back({it->first, part.pending});
    }
    pos = part.end;
    ++it;
  }
}

void RangeCache::publish(const std::string& key, const std::vector<Claim>& claims,
                         Result<std::vector<std::string>>& fetched, std::vector<Piece>* pieces) {
  std::vector<Bytes> data(claims.size());
  if (fetched.ok()) {
    for (size_t i = 0; i < claims.size(); ++i) {
      data[i] = std::make_shared<const std::string>(std::move((*fetched)[i]));
    }
  }
  {
    MutexLock lock(&mu_);
    // Pending parts are never evicted or dropped, so each claim is still
    // there, and so is the file's entry.
    auto fit = files_.find(key);
    if (fit != files_.end()) {
      FileParts& f = fit->second;
      for (size_t i = 0; i < claims.size(); ++i) {
        auto it = f.parts.find(claims[i].span.begin);
        if (it == f.parts.end() || it->second.pending != claims[i].pending) continue;
        if (data[i]) {
          make_ready(f, it, data[i]);
        } else {
          unlink(f, it);
        }
      }
      forget_if_empty(f);
    }
    evict_to_budget();
  }
  for (size_t i = 0; i < claims.size(); ++i) {
    Pending& p = *claims[i].pending;
    {
      std::lock_guard<std::mutex> lock(p.mu);
      p.done = true;
      p.status = fetched.ok() ? Status() : fetched.status();
      p.data = data[i];
    }
    p.cv.notify_all();
    if (pieces && data[i]) pieces->push_back({data[i], claims[i].span.begin});
  }
}

Status RangeCache::obtain(const std::string& key, const std::vector<ByteSpan>& wants,
                          uint64_t grow_to, const Fetcher& fetch, std::vector<Piece>* pieces) {
  std::vector<Claim> claims;
  std::vector<Wait> waits;
  {
    MutexLock lock(&mu_);
    auto [fit, added] = files_.try_emplace(key);
    if (added) fit->second.key = key;
    for (const ByteSpan& want : wants) {
      if (want.end > want.begin) plan(fit->second, want, grow_to, pieces, &waits, &claims);
    }
    forget_if_empty(fit->second);
  }
  if (!claims.empty()) {
    std::vector<ByteSpan> spans;
    spans.reserve(claims.size());
    for (const Claim& c : claims) spans.push_back(c.span);
    // The claims are published whatever the outcome: threads wait on them.
    Result<std::vector<std::string>> fetched = Status::internal(key, "the fetch failed");
    try {
      fetched = fetch(spans);
    } catch (const std::bad_alloc&) {
      fetched = Status::out_of_memory(key, "cannot allocate the fetched bytes");
    } catch (const std::exception& e) {
      fetched = Status::internal(key, e.what());
    }
    if (fetched.ok() && fetched->size() != claims.size()) {
      fetched = Status::internal(key, "fetch returned the wrong number of parts");
    }
    publish(key, claims, fetched, pieces);
    if (!fetched.ok()) return fetched.status();
  }
  for (Wait& w : waits) {
    std::unique_lock<std::mutex> lock(w.pending->mu);
    w.pending->cv.wait(lock, [&] { return w.pending->done; });
    if (!w.pending->status.ok()) return w.pending->status;
    if (pieces) pieces->push_back({w.pending->data, w.begin});
  }
  return Status();
}

void RangeCache::insert(const std::string& key, uint64_t begin, std::string bytes) {
  if (bytes.empty()) return;
  const uint64_t end = begin + bytes.size();
  MutexLock lock(&mu_);
  auto [fit, added] = files_.try_emplace(key);
  if (added) fit->second.key = key;
  FileParts& f = fit->second;
  auto it = f.parts.lower_bound(begin);
  const bool overlaps_next = it != f.parts.end() && it->first < end;
  const bool overlaps_prev = it != f.parts.begin() && std::prev(it)->second.end > begin;
  if (overlaps_next || overlaps_prev) {
    forget_if_empty(f);
    return;
  }
  auto placed = f.parts.emplace(begin, Part{end, nullptr, nullptr, {}}).first;
  make_ready(f, placed, std::make_shared<const std::string>(std::move(bytes)));
  forget_if_empty(f);
  evict_to_budget();
}

}  // namespace rk::remote
