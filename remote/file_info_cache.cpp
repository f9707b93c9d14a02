#include <rasterkit/remote/file_info_cache.h>

#include <rasterkit/remote/remote_state.h>

namespace rk::remote {

Counters& counters() {
  static Counters* c = new Counters();  // never destroyed (used until exit)
  return *c;
}

FileInfoCache& FileInfoCache::global() {
  static FileInfoCache* cache = new FileInfoCache();  // never destroyed (used until exit)
  return *cache;
}

std::optional<FileInfo> FileInfoCache::find(const std::string& identity) const {
  MutexLock lock(&mu_);
  auto it = entries_.find(identity);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void FileInfoCache::store(const std::string& identity, const FileInfo& info) {
  MutexLock lock(&mu_);
  entries_[identity] = info;
}

void FileInfoCache::invalidate(const std::string& identity, const std::string& validator) {
  MutexLock lock(&mu_);
  auto it = entries_.find(identity);
  if (it != entries_.end() && it->second.validator() == validator) entries_.erase(it);
}

void FileInfoCache::clear() {
  MutexLock lock(&mu_);
  entries_.clear();
}

}  // namespace rk::remote
