#include <rasterkit/blockcache/block_memory.h>

#include <sys/mman.h>

#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace rk::block_memory {

namespace {

constexpr size_t kChunkBytes = size_t{4} << 20;
constexpr size_t kAlign = 64;

size_t round_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

void* map_bytes(size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
#ifdef MADV_HUGEPAGE
  ::madvise(p, bytes, MADV_HUGEPAGE);  // a hint: fewer page faults where THP is on
#endif
  return p;
}

void prefault(std::byte* p, size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  if (::madvise(p, bytes, MADV_POPULATE_WRITE) == 0) return;
#endif
  // Older kernels: touch one byte per page.
  for (size_t off = 0; off < bytes; off += 4096) p[off] = std::byte{0};
}

struct SizeClass {
  std::vector<void*> free;         // released blocks, reused first
  std::byte* carve = nullptr;      // next unused byte of the current chunk
  std::byte* carve_end = nullptr;  // end of the current chunk
};

struct Pool {
  std::mutex mu;
  std::unordered_map<size_t, SizeClass> classes;  // by rounded size; guarded by mu
  size_t free_bytes = 0;                          // guarded by mu
};

Pool& pool() {
  static Pool* const p = new Pool();  // never destroyed: blocks may outlive statics
  return *p;
}

}  // namespace

#if defined(__SANITIZE_ADDRESS__)
#define RK_BLOCK_MEMORY_FROM_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RK_BLOCK_MEMORY_FROM_MALLOC 1
#endif
#endif

void* allocate(size_t size) {
#ifdef RK_BLOCK_MEMORY_FROM_MALLOC
  // Under AddressSanitizer every block is its own allocation, so overruns
  // and uses after free are caught (a pool would hide them).
  return ::operator new(size == 0 ? 1 : size, std::nothrow);
#endif
  const size_t bytes = round_up(size == 0 ? 1 : size, kAlign);
  if (bytes > kMaxPooledBytes) return map_bytes(round_up(bytes, 4096));
  Pool& p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mu);
    SizeClass& c = p.classes[bytes];
    if (!c.free.empty()) {
      void* out = c.free.back();
      c.free.pop_back();
      p.free_bytes -= bytes;
      return out;
    }
    if (c.carve && c.carve + bytes <= c.carve_end) {
      void* out = c.carve;
      c.carve += bytes;
      return out;
    }
  }
  // A new chunk, mapped and faulted in without the lock held and before
  // any other thread can carve from it: otherwise a second thread touching
  // a block next to ours waits while the kernel zeroes the huge page we
  // faulted (measured: the 2-thread striped read stalled on it).
  auto* chunk = static_cast<std::byte*>(map_bytes(kChunkBytes));
  if (!chunk) return nullptr;
  prefault(chunk, kChunkBytes);
  std::lock_guard<std::mutex> lock(p.mu);
  SizeClass& c = p.classes[bytes];
  // The rest of the previous chunk (if any) is not lost: its pieces go to
  // the free list.
  while (c.carve && c.carve + bytes <= c.carve_end) {
    c.free.push_back(c.carve);
    p.free_bytes += bytes;
    c.carve += bytes;
  }
  c.carve = chunk + bytes;
  c.carve_end = chunk + kChunkBytes;
  return chunk;
}

void release(void* ptr, size_t size) {
  if (!ptr) return;
#ifdef RK_BLOCK_MEMORY_FROM_MALLOC
  ::operator delete(ptr);
  return;
#endif
  const size_t bytes = round_up(size == 0 ? 1 : size, kAlign);
  if (bytes > kMaxPooledBytes) {
    ::munmap(ptr, round_up(bytes, 4096));
    return;
  }
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mu);
  p.classes[bytes].free.push_back(ptr);
  p.free_bytes += bytes;
}

size_t pooled_free_bytes() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mu);
  return p.free_bytes;
}

}  // namespace rk::block_memory
