// A multithreaded batch job: converts many rasters to DEFLATE-compressed
// tiled GeoTIFFs, one file per task, on a pool of worker threads. Each
// thread opens its own datasets (the rule for plain datasets); the block
// cache is shared and bounded (RK_CACHEMAX).
//
// Allocator: many threads allocating and freeing block-sized buffers are
// what glibc malloc handles worst; link with tcmalloc (the CMake option
// RK_WITH_TCMALLOC, or LD_PRELOAD=libtcmalloc.so.4) for batch jobs. See
// doc/threading.md for measurements.
//
// Usage: batch_convert OUT_DIR FILE...   (RK_NUM_THREADS sets the worker count)
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <rasterkit/rasterkit.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR FILE...\n", argv[0]);
    return 2;
  }
  rk::register_all();
  const std::string out_dir = argv[1];
  std::vector<std::string> inputs(argv + 2, argv + argc);
  // gdal_translate's flags, parsed once and shared by every worker. The
  // workers already use every core, so each translate uses one thread.
  rk::Result<rk::TranslateOptions> options = rk::parse_translate_options(
      {"-of", "GTiff", "-co", "COMPRESS=DEFLATE", "-co", "TILED=YES", "--threads", "1"});
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().to_string().c_str());
    return 2;
  }
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  // Worker threads: RK_NUM_THREADS (read by register_all()), else every core.
  const int workers = rk::WorkerPool::default_thread_count();
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < inputs.size(); i = next++) {
        const std::string& in = inputs[i];
        const std::string name = in.substr(in.find_last_of('/') + 1);
        const std::string out = out_dir + "/" + name;
        auto src = rk::open(in);  // this thread's own dataset
        rk::Status st = src.status();
        if (st.ok()) {
          auto written = rk::translate(**src, out, *options);
          st = written.ok() ? (*written)->close() : written.status();
        }
        if (!st.ok()) {
          std::fprintf(stderr, "%s\n", st.to_string().c_str());  // names the file
          ++failures;
        } else {
          std::printf("%s -> %s\n", in.c_str(), out.c_str());
        }
      }
    });
  }
  for (std::thread& t : pool) t.join();
  return failures ? 1 : 0;
}
