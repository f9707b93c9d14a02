// BlockMemory: where the bytes of cached blocks come from (private to
// blockcache/).
//
// Why not plain new[]: reading a large file allocates thousands of blocks of
// one size. From malloc each new block is fresh memory that the kernel maps
// one 4 KiB page fault at a time, and growing the heap takes the process's
// address-space lock for writing, which stalls every other thread's page
// faults: measured on 2 threads sharing one dataset, this cost a third of the
// striped-read throughput (bench/results/threaded_read.md).
//
// So block memory of up to kMaxPooledBytes is carved from 4 MiB chunks that
// are mapped once (asking for transparent huge pages), and a freed block
// goes on a free list for its size and is reused by the next allocation of
// that size: a cache that evicts and reloads recycles its buffers instead of
// returning them to malloc. Chunk memory is kept for the life of the process;
// it is bounded by the peak of live blocks, which the cache budget bounds.
// Larger blocks are mapped and unmapped one by one.
//
// Thread safety: allocate() and release() may be called from any thread;
// one mutex guards the free lists and the current chunks (held for a few
// pointer operations; never while mapping memory).
#pragma once

#include <cstddef>

namespace rk::block_memory {

constexpr size_t kMaxPooledBytes = size_t{1} << 20;

// Returns `size` bytes aligned to 64, or null when memory is exhausted.
void* allocate(size_t size);
// Returns memory from allocate(size) (the same size).
void release(void* p, size_t size);

// Bytes held on free lists (for tests and statistics).
size_t pooled_free_bytes();

}  // namespace rk::block_memory
