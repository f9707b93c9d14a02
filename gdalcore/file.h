// Files as drivers see them: positional reads and writes, local or remote,
// and the helpers for side-cars and atomic writes. Drivers keep their own
// cursors where a library needs one (libtiff).
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rasterkit/gdalcore/raster_types.h>
#include <rasterkit/gdalcore/result.h>

namespace rk {

// A byte range of a file.
struct ByteRange {
  uint64_t offset = 0;
  uint64_t size = 0;
};

// File: positional I/O, local or remote. A local file is a file descriptor
// (pread/pwrite, no shared offset); a remote one (/vsicurl/, http(s)://,
// /vsis3/, s3://; rk_remote, registered by rk::register_all()) reads
// through HTTP range requests and a process-wide cache of fetched bytes.
// Either may serve reads from several threads at once.
class RK_API File {
 public:
  // Opens an existing file, read-only or read-write (remote files:
  // read-only).
  static Result<std::unique_ptr<File>> open(const std::string& path, Access access);
  // Creates (or truncates) a local file for reading and writing.
  static Result<std::unique_ptr<File>> create(const std::string& path);
  virtual ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  const std::string& path() const { return path_; }
  // Reads up to `n` bytes at `offset`; fewer only at end of file. Safe to
  // call from several threads at once.
  virtual Result<size_t> read_at(uint64_t offset, void* dst, size_t n) const = 0;
  // Writes all `n` bytes at `offset`.
  virtual Status write_at(uint64_t offset, const void* src, size_t n) = 0;
  virtual Result<uint64_t> size() const = 0;
  // Flushes written data to the storage device.
  virtual Status sync() = 0;
  // Says which ranges are about to be read, so that a remote file fetches
  // them at once, in few requests, before the reads ask one by one. Local
  // files: nothing to do.
  virtual Status prefetch(const std::vector<ByteRange>& /*ranges*/) const { return Status(); }
  virtual bool is_remote() const { return false; }

 protected:
  explicit File(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

// True for the paths rk_remote reads: /vsicurl/..., http://, https://,
// /vsis3/..., s3:// (scheme and prefix in any case).
RK_API bool is_remote_path(std::string_view path);

// `path` as messages show it: for a URL, without user:password@, and with
// the values of query parameters that carry credentials (signatures,
// tokens, keys) replaced by "REDACTED". Other paths are returned as they are.
RK_API std::string display_path(std::string_view path);

// Whether side-cars of `dataset_path` (.aux.xml, .ovr, .msk, .RPB, ...)
// should be looked for: always for local files; for remote ones only when
// asked (GDAL_DISABLE_READDIR_ON_OPEN=NO), since each probe is a request.
RK_API bool side_cars_allowed(const std::string& dataset_path);

// Whether `path` names an existing regular file (local), or a file the
// server has (remote: opening it, whose result is remembered).
RK_API bool file_exists(const std::string& path);

// The whole content of a small file (side-cars), or an error if it cannot
// be read or is larger than `max_bytes`.
RK_API Result<std::string> read_small_file(const std::string& path, size_t max_bytes);

// How rk_remote plugs into File::open (below it in the layering, gdalcore
// cannot call it). Set once by rk::register_all().
struct RK_API RemoteFileSystem {
  Result<std::unique_ptr<File>> (*open)(const std::string& path, Access access) = nullptr;
  bool (*probe_side_cars)() = nullptr;
};
RK_API void set_remote_file_system(const RemoteFileSystem& fs);

// A new name beside `path` for writing a file that is renamed to `path`
// when complete: "PATH.rk-PID-N.part", unique within the process.
RK_API std::string temporary_sibling(const std::string& path);

// Writes `text` to `path` through temporary_sibling(path), renamed into
// place when complete: a failure leaves no partial file and an existing
// file untouched. Errors name `path` and the operating system's reason.
RK_API Status write_file_atomically(const std::string& path, std::string_view text);

}  // namespace rk
