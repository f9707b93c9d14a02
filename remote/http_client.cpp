#include <rasterkit/remote/http_client.h>

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include <rasterkit/blockcache/mutex.h>

#ifndef RASTERKIT_VERSION
#define RASTERKIT_VERSION "dev"
#endif

namespace rk::remote {

std::string HttpResponse::header(std::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return "";
}

namespace {

// The callers waiting for a set of transfers.
struct Batch {
  std::mutex mu;
  std::condition_variable done;
  size_t remaining = 0;  // guarded by mu
};

struct Transfer {
  const HttpRequest* request = nullptr;
  const RemoteOptions* options = nullptr;
  HttpResponse* response = nullptr;
  Batch* batch = nullptr;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string& body = t->response->body;
  if (body.size() + n > t->request->max_body) {
    t->response->truncated = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  const std::string_view line = trim(std::string_view(data, n));
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after a redirect or an interim 100): start over.
    t->response->headers.clear();
    t->response->protocol = std::string(line.substr(0, line.find(' ')));
    return n;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response->headers.emplace_back(lower(trim(line.substr(0, colon))),
                                      std::string(trim(line.substr(colon + 1))));
  }
  return n;
}

long curl_http_version(HttpVersion v) {
  switch (v) {
    case HttpVersion::k1_0:
      return CURL_HTTP_VERSION_1_0;
    case HttpVersion::k1_1:
      return CURL_HTTP_VERSION_1_1;
    case HttpVersion::k2:
      return CURL_HTTP_VERSION_2_0;
    case HttpVersion::k2Tls:
      return CURL_HTTP_VERSION_2TLS;
    case HttpVersion::k2PriorKnowledge:
      return CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    case HttpVersion::kDefault:
      break;
  }
  return CURL_HTTP_VERSION_NONE;
}

// Connection-level failures worth another attempt.
bool retryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

void set_timeouts(CURL* e, const RemoteOptions& o) {
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max(0.001, o.connect_timeout_seconds) * 1000));
  if (o.timeout_seconds > 0) {
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_seconds * 1000));
  }
  if (o.low_speed_bytes > 0 && o.low_speed_seconds > 0) {
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o.low_speed_bytes);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o.low_speed_seconds);
  }
}

}  // namespace

bool prior_knowledge_reusable() {
  static const bool reusable = curl_version_info(CURLVERSION_NOW)->version_num >= 0x080000;
  return reusable;
}

namespace {

void set_connection(CURL* e, const RemoteOptions& o) {
  static const std::string kAgent = std::string("rasterkit/") + RASTERKIT_VERSION;
  curl_easy_setopt(e, CURLOPT_USERAGENT,
                   o.user_agent.empty() ? kAgent.c_str() : o.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, curl_http_version(o.http_version));
  if (o.http_version == HttpVersion::k2PriorKnowledge && !prior_knowledge_reusable()) {
    // libcurl before 8.0 breaks a reused prior-knowledge HTTP/2 connection
    // ("Error in the HTTP2 framing layer", curl #10634): one per request.
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  }
  if (o.multiplex) curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  if (!o.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, o.proxy.c_str());
  if (!o.proxy_password.empty()) {
    curl_easy_setopt(e, CURLOPT_PROXYUSERPWD, o.proxy_password.c_str());
  }
  if (!o.user_password.empty()) {
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(e, CURLOPT_USERPWD, o.user_password.c_str());
  }
  if (!o.verify_tls) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!o.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, o.ca_bundle.c_str());
}

// Prepares t->easy for t->request.
void prepare(Transfer* t) {
  CURL* e = t->easy;
  const HttpRequest& r = *t->request;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t);
  if (r.head) curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  for (const std::string& h : r.headers) t->headers = curl_slist_append(t->headers, h.c_str());
  if (t->headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  set_timeouts(e, *t->options);
  set_connection(e, *t->options);
}

}  // namespace

struct HttpClient::Impl {
  // Guards the hand-over of transfers to the I/O thread and the stop flag.
  Mutex mu;
  std::vector<Transfer*> incoming RK_GUARDED_BY(mu);
  bool stopping RK_GUARDED_BY(mu) = false;
  // Owned and used by the I/O thread only (curl_multi_wakeup, which curl
  // allows from any thread, excepted).
  CURLM* multi = nullptr;
  std::set<Transfer*> active;  // added to `multi`, not finished
  std::thread io;

  void run();
  void start(std::vector<Transfer*>& batch);
  void finish(Transfer* t, CURLcode code);
  void abandon(Transfer* t, const char* why);
};

void HttpClient::Impl::finish(Transfer* t, CURLcode code) {
  HttpResponse& r = *t->response;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r.status);
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && r.truncated)) {
    r.curl_error = t->error[0] ? t->error : curl_easy_strerror(code);
    r.transport_retryable = retryable(code);
    r.status = 0;
  }
  curl_multi_remove_handle(multi, t->easy);
  active.erase(t);
  curl_easy_cleanup(t->easy);
  curl_slist_free_all(t->headers);
  Batch* b = t->batch;
  delete t;
  std::lock_guard<std::mutex> lock(b->mu);
  if (--b->remaining == 0) b->done.notify_all();
}

void HttpClient::Impl::abandon(Transfer* t, const char* why) {
  t->response->curl_error = why;
  if (t->easy) curl_easy_cleanup(t->easy);
  curl_slist_free_all(t->headers);
  Batch* b = t->batch;
  delete t;
  std::lock_guard<std::mutex> lock(b->mu);
  if (--b->remaining == 0) b->done.notify_all();
}

void HttpClient::Impl::start(std::vector<Transfer*>& batch) {
  for (Transfer* t : batch) {
    t->easy = curl_easy_init();
    if (!t->easy) {
      abandon(t, "cannot create a libcurl handle");
      continue;
    }
    prepare(t);
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      static_cast<long>(std::max(1, t->options->max_connections)));
    if (curl_multi_add_handle(multi, t->easy) != CURLM_OK) {
      abandon(t, "cannot start the transfer");
      continue;
    }
    active.insert(t);
  }
  batch.clear();
}

void HttpClient::Impl::run() {
  std::vector<Transfer*> batch;
  int running = 0;
  for (;;) {
    {
      MutexLock lock(&mu);
      batch.swap(incoming);
      if (stopping) {
        for (Transfer* t : batch) abandon(t, "the process is shutting down");
        batch.clear();
        break;
      }
    }
    start(batch);
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      void* priv = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
      finish(static_cast<Transfer*>(priv), m->data.result);
    }
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  // Transfers still running when the client stops fail.
  while (!active.empty()) {
    Transfer* t = *active.begin();
    active.erase(active.begin());
    curl_multi_remove_handle(multi, t->easy);
    abandon(t, "the process is shutting down");
  }
}

HttpClient::HttpClient() : impl_(new Impl) {
  static std::once_flag curl_once;
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->multi = curl_multi_init();
  curl_multi_setopt(impl_->multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
  impl_->io = std::thread([this] { impl_->run(); });
}

HttpClient::~HttpClient() {
  {
    MutexLock lock(&impl_->mu);
    impl_->stopping = true;
  }
  curl_multi_wakeup(impl_->multi);
  impl_->io.join();
  curl_multi_cleanup(impl_->multi);
}

HttpClient& HttpClient::global() {
  // Never destroyed: datasets may be read from other threads while static
  // destructors run at exit; the I/O thread ends with the process.
  static HttpClient* client = new HttpClient();
  return *client;
}

std::vector<HttpResponse> HttpClient::perform(const std::vector<HttpRequest>& requests,
                                              const RemoteOptions& options) {
  std::vector<HttpResponse> responses(requests.size());
  if (requests.empty()) return responses;
  Batch batch;
  batch.remaining = requests.size();
  {
    MutexLock lock(&impl_->mu);
    for (size_t i = 0; i < requests.size(); ++i) {
      auto* t = new Transfer;
      t->request = &requests[i];
      t->options = &options;
      t->response = &responses[i];
      t->batch = &batch;
      impl_->incoming.push_back(t);
    }
  }
  curl_multi_wakeup(impl_->multi);
  std::unique_lock<std::mutex> lock(batch.mu);
  batch.done.wait(lock, [&] { return batch.remaining == 0; });
  return responses;
}

}  // namespace rk::remote
