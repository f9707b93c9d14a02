#include <rasterkit/gdalcore/driver_manager.h>

#include <rasterkit/gdalcore/file.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rk {

DriverManager& DriverManager::global() {
  static DriverManager* const manager = new DriverManager();  // never destroyed
  return *manager;
}

Status DriverManager::register_driver(std::unique_ptr<Driver> driver) {
  if (!driver) return Status::invalid_argument("DriverManager", "null driver");
  MutexLock lock(&mu_);
  for (const auto& d : drivers_) {
    if (iequals(d->short_name(), driver->short_name())) {
      return Status::invalid_argument(std::string(driver->short_name()),
                                      "a driver with this name is already registered");
    }
  }
  drivers_.push_back(std::move(driver));
  return Status();
}

const Driver* DriverManager::find(std::string_view short_name) const {
  MutexLock lock(&mu_);
  for (const auto& d : drivers_) {
    if (iequals(d->short_name(), short_name)) return d.get();
  }
  return nullptr;
}

std::vector<const Driver*> DriverManager::drivers() const {
  MutexLock lock(&mu_);
  std::vector<const Driver*> out;
  for (const auto& d : drivers_) out.push_back(d.get());
  return out;
}

namespace {

// Reads the first bytes of `path` if it is a regular file. Returns an error
// only for a file that exists but cannot be read.
Status read_header(OpenInfo* info) {
  if (is_remote_path(info->path)) {
    // The first request of a remote file fetches its header block; the
    // driver's own open then reads from the range cache.
    RK_ASSIGN_OR_RETURN(std::unique_ptr<File> f, File::open(info->path, info->access));
    char buf[1024];
    RK_ASSIGN_OR_RETURN(const size_t n, f->read_at(0, buf, sizeof buf));
    info->header.assign(buf, n);
    info->is_file = true;
    return Status();
  }
  struct stat st;
  if (::stat(info->path.c_str(), &st) != 0) return Status();
  if (S_ISDIR(st.st_mode)) return Status();
  const int fd = ::open(info->path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::io_error(info->path, std::string("cannot open: ") + std::strerror(errno));
  }
  char buf[1024];
  ssize_t n;
  do {
    n = ::pread(fd, buf, sizeof buf, 0);
  } while (n < 0 && errno == EINTR);
  const int err = errno;
  ::close(fd);
  if (n < 0) return Status::io_error(info->path, std::string("cannot read: ") + std::strerror(err));
  info->header.assign(buf, static_cast<size_t>(n));
  info->is_file = S_ISREG(st.st_mode);
  return Status();
}

bool path_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

void DriverManager::set_thread_safe_wrapper(ThreadSafeWrapper wrapper) {
  thread_safe_wrapper_.store(wrapper);
}

Result<std::unique_ptr<Dataset>> DriverManager::open(const std::string& path,
                                                     const OpenParams& params) const {
  const std::string subject = display_path(path);
  return no_exceptions(subject, [&]() -> Result<std::unique_ptr<Dataset>> {
    if (has_flag(params.flags, OpenFlags::kThreadSafe)) {
      if (has_flag(params.flags, OpenFlags::kUpdate)) {
        return Status::invalid_argument(
            subject,
            "thread-safe datasets are read-only: kThreadSafe and kUpdate are mutually exclusive");
      }
      const ThreadSafeWrapper wrap = thread_safe_wrapper_.load();
      if (!wrap) {
        return Status::invalid_argument(subject,
                                        "thread-safe opening needs rk::register_all() first");
      }
      OpenParams plain = params;
      plain.flags = OpenFlags::kReadOnly;
      RK_ASSIGN_OR_RETURN(std::unique_ptr<Dataset> ds, open(path, plain));
      return wrap(std::move(ds), plain);
    }
    OpenInfo info;
    info.path = path;
    info.access = has_flag(params.flags, OpenFlags::kUpdate) ? Access::kUpdate : Access::kReadOnly;
    info.open_options = params.open_options;
    info.cache = params.cache;
    RK_RETURN_IF_ERROR(read_header(&info));

    std::vector<const Driver*> candidates;
    for (const Driver* d : drivers()) {
      if (params.allowed_drivers.empty()) {
        candidates.push_back(d);
        continue;
      }
      for (const std::string& name : params.allowed_drivers) {
        if (iequals(name, d->short_name())) candidates.push_back(d);
      }
    }
    if (candidates.empty()) {
      return Status::invalid_argument(
          subject, drivers().empty() ? "no drivers registered (call rk::register_all())"
                                     : "none of the allowed drivers is registered");
    }
    std::string tried;
    for (const Driver* d : candidates) {
      tried += (tried.empty() ? "" : ", ") + std::string(d->short_name());
      if (!d->identify(info)) continue;
      RK_RETURN_IF_ERROR(validate_options(info.open_options, d->open_option_specs(),
                                          std::string(d->short_name()) + " open option"));
      Result<std::unique_ptr<Dataset>> r = d->open(info);
      if (!r.ok()) return r.status().with_subject(subject);
      return r;
    }
    if (!is_remote_path(path) && !path_exists(path)) {
      return Status::not_found(subject, "no such file or directory");
    }
    if (info.header.empty() && info.is_file) {
      return Status::corrupt(subject, "the file is empty (drivers tried: " + tried + ")");
    }
    return Status::not_supported(
        subject, "not recognised as a supported raster format (drivers tried: " + tried + ")");
  });
}

Result<std::unique_ptr<Dataset>> open(const std::string& path, OpenFlags flags) {
  OpenParams params;
  params.flags = flags;
  return DriverManager::global().open(path, params);
}

Result<std::unique_ptr<Dataset>> open(const std::string& path, const OpenParams& params) {
  return DriverManager::global().open(path, params);
}

}  // namespace rk
