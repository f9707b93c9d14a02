#include <rasterkit/drivers/gtiff/tiff_handle.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include <rasterkit/gdalcore/warning.h>

namespace rk::gtiff {

// The client side of libtiff's I/O: a cursor over the shared File.
struct TiffHandle::Client {
  TiffHandle* owner = nullptr;
  File* file = nullptr;                       // null: writes are dropped or captured
  std::vector<std::byte>* capture = nullptr;  // where writes go while set
  uint64_t pos = 0;
  uint64_t end = 0;  // file size as known to this handle (grows on writes)
  Status io_error;   // first I/O failure, reported with the libtiff error
};

namespace {

tmsize_t read_proc(thandle_t h, void* buf, tmsize_t size) {
  auto* c = static_cast<TiffHandle::Client*>(h);
  if (!c->file) return 0;
  Result<size_t> n = c->file->read_at(c->pos, buf, static_cast<size_t>(size));
  if (!n.ok()) {
    if (c->io_error.ok()) c->io_error = n.status();
    return -1;
  }
  c->pos += *n;
  return static_cast<tmsize_t>(*n);
}

tmsize_t write_proc(thandle_t h, void* buf, tmsize_t size) {
  auto* c = static_cast<TiffHandle::Client*>(h);
  if (!c->file) {
    if (c->capture) {
      const auto* b = static_cast<const std::byte*>(buf);
      c->capture->insert(c->capture->end(), b, b + size);
    }
    c->pos += static_cast<uint64_t>(size);
    if (c->pos > c->end) c->end = c->pos;
    return size;
  }
  Status st = c->file->write_at(c->pos, buf, static_cast<size_t>(size));
  if (!st.ok()) {
    if (c->io_error.ok()) c->io_error = st;
    return -1;
  }
  c->pos += static_cast<uint64_t>(size);
  if (c->pos > c->end) c->end = c->pos;
  return size;
}

toff_t seek_proc(thandle_t h, toff_t off, int whence) {
  auto* c = static_cast<TiffHandle::Client*>(h);
  switch (whence) {
    case SEEK_SET:
      c->pos = off;
      break;
    case SEEK_CUR:
      c->pos += off;
      break;
    case SEEK_END:
      c->pos = c->end + off;
      break;
    default:
      return static_cast<toff_t>(-1);
  }
  return c->pos;
}

int close_proc(thandle_t) { return 0; }  // the File is closed by its owner
toff_t size_proc(thandle_t h) { return static_cast<TiffHandle::Client*>(h)->end; }
int map_proc(thandle_t, void**, toff_t*) { return 0; }
void unmap_proc(thandle_t, void*, toff_t) {}

std::string format(const char* fmt, va_list ap) {
  char buf[1024];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  return buf;
}

int error_handler(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  static_cast<TiffHandle*>(user)->on_error(module, format(fmt, ap));
  return 1;  // handled: libtiff's global handler is not called
}

int warning_handler(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  static_cast<TiffHandle*>(user)->on_warning(module, format(fmt, ap));
  return 1;
}

struct OptionsDeleter {
  void operator()(TIFFOpenOptions* o) const { TIFFOpenOptionsFree(o); }
};

}  // namespace

Result<std::unique_ptr<TiffHandle>> TiffHandle::open_discarding(const std::string& name,
                                                                const char* mode) {
  std::unique_ptr<TiffHandle> h(new TiffHandle());
  h->name_ = name;
  return open_client(std::move(h), mode);
}

void TiffHandle::capture_writes(std::vector<std::byte>* sink) { client_->capture = sink; }

Result<std::unique_ptr<TiffHandle>> TiffHandle::open(std::shared_ptr<File> file, const char* mode) {
  std::unique_ptr<TiffHandle> h(new TiffHandle());
  h->file_ = std::move(file);
  return open_client(std::move(h), mode);
}

Result<std::unique_ptr<TiffHandle>> TiffHandle::open_client(std::unique_ptr<TiffHandle> h,
                                                            const char* mode) {
  h->client_ = std::make_unique<Client>();
  h->client_->owner = h.get();
  h->client_->file = h->file_.get();
  if (mode[0] == 'r' && h->file_) {
    RK_ASSIGN_OR_RETURN(h->client_->end, h->file_->size());
  }
  std::unique_ptr<TIFFOpenOptions, OptionsDeleter> opts(TIFFOpenOptionsAlloc());
  if (!opts) return Status::out_of_memory(h->path(), "cannot allocate libtiff options");
  TIFFOpenOptionsSetMaxSingleMemAlloc(opts.get(), kMaxSingleAlloc);
  TIFFOpenOptionsSetErrorHandlerExtR(opts.get(), error_handler, h.get());
  TIFFOpenOptionsSetWarningHandlerExtR(opts.get(), warning_handler, h.get());
  h->tiff_ = TIFFClientOpenExt(h->path().c_str(), mode, h->client_.get(), read_proc, write_proc,
                               seek_proc, close_proc, size_proc, map_proc, unmap_proc, opts.get());
  if (!h->tiff_) return h->take_error("not a valid TIFF file");
  return h;
}

TiffHandle::~TiffHandle() {
  if (tiff_) TIFFClose(tiff_);
}

Status TiffHandle::close() {
  if (!tiff_) return Status();
  TIFFClose(tiff_);
  tiff_ = nullptr;
  return take_error();
}

void TiffHandle::on_error(const char* module, const std::string& message) {
  if (!errors_.empty()) errors_ += "; ";
  errors_ += message;
  (void)module;
}

void TiffHandle::on_warning(const char* module, const std::string& message) {
  (void)module;
  // libtiff warns about every tag it does not know; GDAL registers its own
  // and the GeoTIFF ones, so such warnings would only be noise here.
  if (message.find("unknown field with tag") != std::string::npos) return;
  if (message.find("Unknown field with tag") != std::string::npos) return;
  emit_warning(path(), message);
}

Status TiffHandle::take_error(std::string_view fallback) {
  Status io = client_ ? client_->io_error : Status();
  if (client_) client_->io_error = Status();
  if (!io.ok()) {
    errors_.clear();
    return io;
  }
  if (errors_.empty()) {
    if (fallback.empty()) return Status();
    return Status::corrupt(path(), std::string(fallback));
  }
  std::string msg;
  msg.swap(errors_);
  return Status::corrupt(path(), msg);
}

}  // namespace rk::gtiff
