// N threads read given windows of band 1 (UInt16) from one ThreadSafeDataset
// (a path or a URL) and report the time and a digest of the pixels, for
// bench/remote_read.py's threaded case (GDAL's side is in that script).
// Usage: rk_random_windows_bench SOURCE THREADS WINDOW_SIZE < windows
//   windows: one "THREAD X Y" line per window, in each thread's order.
// Prints {"seconds": S, "digest": D}: D is the XOR over threads of the XOR of
// each window's CRC-32 (zlib's), as the script computes for GDAL.
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <rasterkit/rasterkit.h>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s SOURCE THREADS WINDOW_SIZE < windows\n", argv[0]);
    return 2;
  }
  const std::string source = argv[1];
  const int threads = std::atoi(argv[2]);
  const int64_t win = std::atoll(argv[3]);
  if (threads < 1 || win < 1) return 2;
  std::vector<std::vector<std::pair<int64_t, int64_t>>> work(static_cast<size_t>(threads));
  long t = 0, x = 0, y = 0;
  while (std::scanf("%ld %ld %ld", &t, &x, &y) == 3) {
    if (t < 0 || t >= threads) return 2;
    work[static_cast<size_t>(t)].emplace_back(x, y);
  }
  rk::register_all();
  const auto t0 = std::chrono::steady_clock::now();
  auto opened = rk::open(source, rk::OpenFlags::kReadOnly | rk::OpenFlags::kThreadSafe);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().to_string().c_str());
    return 1;
  }
  rk::Dataset& ds = **opened;
  std::vector<unsigned long> digests(static_cast<size_t>(threads), 0);
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k) {
    pool.emplace_back([&, k] {
      std::vector<uint16_t> buf(static_cast<size_t>(win * win));
      unsigned long d = 0;
      for (const auto& [wx, wy] : work[static_cast<size_t>(k)]) {
        const rk::Status st =
            ds.band(1)->read(rk::Window{wx, wy, win, win}, buf.data(),
                             rk::BufferLayout::packed(rk::DataType::kUInt16, win, win));
        if (!st.ok()) {
          std::fprintf(stderr, "%s\n", st.to_string().c_str());
          ++failures;
          return;
        }
        d ^= crc32(0L, reinterpret_cast<const Bytef*>(buf.data()),
                   static_cast<uInt>(buf.size() * sizeof(uint16_t)));
      }
      digests[static_cast<size_t>(k)] = d;
    });
  }
  for (auto& th : pool) th.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (failures) return 1;
  unsigned long digest = 0;
  for (unsigned long d : digests) digest ^= d;
  std::printf("{\"seconds\": %.6f, \"digest\": %lu}\n", s, digest);
  return 0;
}
