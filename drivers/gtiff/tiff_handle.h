// TiffHandle: an RAII TIFF* opened with TIFFClientOpenExt over a rk::File.
//
// - I/O goes through the File's positional reads and writes; the handle
//   keeps its own cursor, so several handles may share one File.
// - libtiff's errors and warnings for this handle are routed to the handle
//   (libtiff >= 4.5 per-handle handlers), never to libtiff's process-global
//   handlers: concurrent datasets never see each other's messages. Errors
//   are collected and turned into a Status by take_error(); warnings go to
//   the calling thread's warning handler.
// - Single allocations above kMaxSingleAlloc are refused by libtiff, so a
//   hostile file cannot make it allocate absurd buffers.
//
// - Or over no file at all (open_discarding), to encode strips in memory.
//
// A TiffHandle is used by one thread at a time (libtiff's TIFF* is not
// thread-safe).
#pragma once

#include <tiffio.h>

#include <memory>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/file.h>
#include <rasterkit/gdalcore/result.h>

namespace rk::gtiff {

class TiffHandle {
 public:
  static constexpr tmsize_t kMaxSingleAlloc = tmsize_t{1} << 30;  // 1 GiB

  // `mode` is a libtiff mode string: "r", "r+", "w", "w8" (BigTIFF)...
  static Result<std::unique_ptr<TiffHandle>> open(std::shared_ptr<File> file, const char* mode);
  // A TIFF being written to no file: what libtiff writes is dropped, or
  // appended to the capture buffer while one is set. Used to encode strips
  // and tiles in other threads than the one writing the file. `name` is
  // used in messages.
  static Result<std::unique_ptr<TiffHandle>> open_discarding(const std::string& name,
                                                             const char* mode);
  // Appends libtiff's writes to `sink` until set back to null.
  void capture_writes(std::vector<std::byte>* sink);
  ~TiffHandle();
  TiffHandle(const TiffHandle&) = delete;
  TiffHandle& operator=(const TiffHandle&) = delete;

  TIFF* tiff() const { return tiff_; }
  // Closes the TIFF (for a file being written: writes its directory) and
  // returns what libtiff reported. The handle is unusable afterwards.
  Status close();
  const std::string& path() const { return file_ ? file_->path() : name_; }
  File& file() const { return *file_; }

  // The errors libtiff reported since the last call, as one Status (or OK
  // when there were none); `fallback` is used when libtiff failed silently.
  Status take_error(std::string_view fallback = "");
  bool has_error() const { return !errors_.empty(); }

  // Callbacks from libtiff (public for the C trampolines only).
  struct Client;
  void on_error(const char* module, const std::string& message);
  void on_warning(const char* module, const std::string& message);

 private:
  TiffHandle() = default;
  static Result<std::unique_ptr<TiffHandle>> open_client(std::unique_ptr<TiffHandle> h,
                                                         const char* mode);
  std::shared_ptr<File> file_;  // null for a discarding handle
  std::string name_;
  std::unique_ptr<Client> client_;
  TIFF* tiff_ = nullptr;
  std::string errors_;
};

}  // namespace rk::gtiff
