#include <rasterkit/gdalcore/file.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rk {

namespace {
Status errno_status(const std::string& path, const char* what) {
  const int err = errno;
  if (err == ENOENT) return Status::not_found(path, std::string(what) + ": " + std::strerror(err));
  return Status::io_error(path, std::string(what) + ": " + std::strerror(err));
}
}  // namespace

Result<std::unique_ptr<File>> File::open(const std::string& path, Access access) {
  const int flags = (access == Access::kUpdate ? O_RDWR : O_RDONLY) | O_CLOEXEC;
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return errno_status(path, "cannot open");
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::invalid_argument(path, "is a directory");
  }
  return std::unique_ptr<File>(new File(path, fd));
}

Result<std::unique_ptr<File>> File::create(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return errno_status(path, "cannot create");
  return std::unique_ptr<File>(new File(path, fd));
}

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> File::read_at(uint64_t offset, void* dst, size_t n) const {
  size_t done = 0;
  auto* out = static_cast<char*>(dst);
  while (done < n) {
    const ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno_status(path_, "read failed");
    }
    if (r == 0) break;  // end of file
    done += static_cast<size_t>(r);
  }
  return done;
}

Status File::write_at(uint64_t offset, const void* src, size_t n) {
  size_t done = 0;
  const auto* in = static_cast<const char*>(src);
  while (done < n) {
    const ssize_t w = ::pwrite(fd_, in + done, n - done, static_cast<off_t>(offset + done));
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno_status(path_, "write failed");
    }
    done += static_cast<size_t>(w);
  }
  return Status();
}

Result<uint64_t> File::size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return errno_status(path_, "cannot stat");
  return static_cast<uint64_t>(st.st_size);
}

Status File::sync() {
  if (::fsync(fd_) != 0) return errno_status(path_, "fsync failed");
  return Status();
}

std::string temporary_sibling(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return path + ".rk-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".part";
}

Status write_file_atomically(const std::string& path, std::string_view text) {
  const std::string temp = temporary_sibling(path);
  Status st;
  {
    Result<std::unique_ptr<File>> f = File::create(temp);
    if (!f.ok()) return Status(f.status().code(), path, f.status().message());
    st = (*f)->write_at(0, text.data(), text.size());
  }
  if (st.ok() && std::rename(temp.c_str(), path.c_str()) != 0) {
    st = errno_status(path, "cannot move the finished file into place");
  }
  if (!st.ok()) {
    std::remove(temp.c_str());
    return Status(st.code(), path, st.message());
  }
  return Status();
}

}  // namespace rk
