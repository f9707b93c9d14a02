// File: positional I/O on a file descriptor (pread/pwrite). There is no
// shared file offset, so one File may serve reads from several threads at
// once; drivers keep their own cursors where a library needs one (libtiff).
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <rasterkit/gdalcore/raster_types.h>
#include <rasterkit/gdalcore/result.h>

namespace rk {

class RK_API File {
 public:
  // Opens an existing file, read-only or read-write.
  static Result<std::unique_ptr<File>> open(const std::string& path, Access access);
  // Creates (or truncates) a file for reading and writing.
  static Result<std::unique_ptr<File>> create(const std::string& path);
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  const std::string& path() const { return path_; }
  // Reads up to `n` bytes at `offset`; fewer only at end of file. Safe to
  // call from several threads at once.
  Result<size_t> read_at(uint64_t offset, void* dst, size_t n) const;
  // Writes all `n` bytes at `offset`.
  Status write_at(uint64_t offset, const void* src, size_t n);
  Result<uint64_t> size() const;
  // Flushes written data to the storage device.
  Status sync();

 private:
  File(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

// A new name beside `path` for writing a file that is renamed to `path`
// when complete: "PATH.rk-PID-N.part", unique within the process.
RK_API std::string temporary_sibling(const std::string& path);

// Writes `text` to `path` through temporary_sibling(path), renamed into
// place when complete: a failure leaves no partial file and an existing
// file untouched. Errors name `path` and the operating system's reason.
RK_API Status write_file_atomically(const std::string& path, std::string_view text);

}  // namespace rk
