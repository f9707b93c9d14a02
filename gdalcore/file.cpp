#include <rasterkit/gdalcore/file.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
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

namespace {

// A local file: a file descriptor, read and written with pread/pwrite.
class LocalFile final : public File {
 public:
  LocalFile(std::string path, int fd) : File(std::move(path)), fd_(fd) {}
  ~LocalFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Result<size_t> read_at(uint64_t offset, void* dst, size_t n) const override;
  Status write_at(uint64_t offset, const void* src, size_t n) override;
  Result<uint64_t> size() const override;
  Status sync() override;

 private:
  int fd_;
};

Result<size_t> LocalFile::read_at(uint64_t offset, void* dst, size_t n) const {
  size_t done = 0;
  auto* out = static_cast<char*>(dst);
  while (done < n) {
    const ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno_status(path(), "read failed");
    }
    if (r == 0) break;  // end of file
    done += static_cast<size_t>(r);
  }
  return done;
}

Status LocalFile::write_at(uint64_t offset, const void* src, size_t n) {
  size_t done = 0;
  const auto* in = static_cast<const char*>(src);
  while (done < n) {
    const ssize_t w = ::pwrite(fd_, in + done, n - done, static_cast<off_t>(offset + done));
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno_status(path(), "write failed");
    }
    done += static_cast<size_t>(w);
  }
  return Status();
}

Result<uint64_t> LocalFile::size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return errno_status(path(), "cannot stat");
  return static_cast<uint64_t>(st.st_size);
}

Status LocalFile::sync() {
  if (::fsync(fd_) != 0) return errno_status(path(), "fsync failed");
  return Status();
}

// Set once by rk::register_all() (rk_remote), read by any thread.
std::atomic<Result<std::unique_ptr<File>> (*)(const std::string&, Access)> g_remote_open{nullptr};
std::atomic<bool (*)()> g_remote_probe_side_cars{nullptr};

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Query parameters whose values are credentials (AWS/GCS signatures and
// keys, Azure SAS "sig", OAuth tokens, passwords).
bool sensitive_parameter(std::string_view name) {
  std::string n(name);
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"sig", "token", "credential", "secret", "password", "key", "auth"}) {
    if (n.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string redact_query(std::string_view query) {
  std::string out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view item = query.substr(start, amp - start);
    const size_t eq = item.find('=');
    if (!out.empty() || start > 0) out += '&';
    if (eq != std::string_view::npos && sensitive_parameter(item.substr(0, eq))) {
      out += std::string(item.substr(0, eq)) + "=REDACTED";
    } else {
      out += std::string(item);
    }
    start = amp + 1;
  }
  return out;
}

}  // namespace

File::~File() = default;

Result<std::unique_ptr<File>> File::open(const std::string& path, Access access) {
  if (is_remote_path(path)) {
    auto remote_open = g_remote_open.load(std::memory_order_acquire);
    if (!remote_open) {
      return Status::not_supported(display_path(path),
                                   "remote paths need rk::register_all() (rk_remote) first");
    }
    return remote_open(path, access);
  }
  const int flags = (access == Access::kUpdate ? O_RDWR : O_RDONLY) | O_CLOEXEC;
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return errno_status(path, "cannot open");
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::invalid_argument(path, "is a directory");
  }
  return std::unique_ptr<File>(new LocalFile(path, fd));
}

Result<std::unique_ptr<File>> File::create(const std::string& path) {
  if (is_remote_path(path)) {
    return Status::not_supported(display_path(path),
                                 "remote paths are read-only: write to a local file");
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return errno_status(path, "cannot create");
  return std::unique_ptr<File>(new LocalFile(path, fd));
}

bool is_remote_path(std::string_view path) {
  for (const char* prefix : {"/vsicurl/", "/vsis3/", "http://", "https://", "s3://"}) {
    if (starts_with_nocase(path, prefix)) return true;
  }
  return false;
}

std::string display_path(std::string_view path) {
  if (!is_remote_path(path)) return std::string(path);
  const size_t scheme = path.find("://");
  std::string out(path);
  if (scheme != std::string_view::npos) {
    const size_t host = scheme + 3;
    size_t host_end = path.find_first_of("/?#", host);
    if (host_end == std::string_view::npos) host_end = path.size();
    const size_t at = path.substr(0, host_end).rfind('@');
    if (at != std::string_view::npos && at >= host) {
      out = std::string(path.substr(0, host)) + std::string(path.substr(at + 1));
    }
  }
  const size_t q = out.find('?');
  if (q == std::string::npos) return out;
  const size_t hash = out.find('#', q);
  const std::string tail = hash == std::string::npos ? "" : out.substr(hash);
  const std::string query =
      out.substr(q + 1, (hash == std::string::npos ? out.size() : hash) - q - 1);
  return out.substr(0, q + 1) + redact_query(query) + tail;
}

bool side_cars_allowed(const std::string& dataset_path) {
  if (!is_remote_path(dataset_path)) return true;
  auto probe = g_remote_probe_side_cars.load(std::memory_order_acquire);
  return probe && probe();
}

bool file_exists(const std::string& path) {
  if (is_remote_path(path)) return File::open(path, Access::kReadOnly).ok();
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Result<std::string> read_small_file(const std::string& path, size_t max_bytes) {
  RK_ASSIGN_OR_RETURN(std::unique_ptr<File> f, File::open(path, Access::kReadOnly));
  RK_ASSIGN_OR_RETURN(const uint64_t size, f->size());
  if (size > max_bytes) {
    return Status::out_of_range(display_path(path),
                                "larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::string text(static_cast<size_t>(size), '\0');
  RK_ASSIGN_OR_RETURN(const size_t got, f->read_at(0, text.data(), text.size()));
  text.resize(got);
  return text;
}

void set_remote_file_system(const RemoteFileSystem& fs) {
  g_remote_open.store(fs.open, std::memory_order_release);
  g_remote_probe_side_cars.store(fs.probe_side_cars, std::memory_order_release);
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
