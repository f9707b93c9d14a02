// HttpClient: every HTTP request of the process goes through one libcurl
// multi handle driven by one I/O thread.
//
// Why one multi handle: connections (and TLS sessions) are reused across
// datasets and threads, HTTP/2 streams to one server share one connection,
// and max_connections bounds what the whole process opens, however many
// threads read. Callers block in perform() until their own requests are
// done; the I/O thread never runs caller code.
//
// One attempt per request: retries, validation of ranges and signing are the
// caller's (remote_file.cpp), since whether to retry depends on what the
// body was supposed to be.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rasterkit/remote/remote_options.h>

namespace rk::remote {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  bool head = false;                 // HEAD instead of GET
  // Bodies larger than this are cut short (the transfer is aborted and
  // `truncated` set): a server ignoring Range must not make us download a
  // whole large file.
  size_t max_body = SIZE_MAX;
};

struct HttpResponse {
  long status = 0;                   // 0 when no response came (see curl_error)
  std::string curl_error;            // transport failure (connection, timeout, ...)
  bool transport_retryable = false;  // connection lost, reset, cut short
  bool truncated = false;            // body exceeded max_body
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string protocol;                                      // "HTTP/1.1", "HTTP/2"

  // The last value of header `name` (lower-case), or "".
  std::string header(std::string_view name) const;
};

// False for libcurl before 8.0, which cannot reuse a prior-knowledge HTTP/2
// connection (curl #10634): such requests then each get a connection.
bool prior_knowledge_reusable();

class HttpClient {
 public:
  // The process-wide client (created on first use; its I/O thread stops at
  // exit).
  static HttpClient& global();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs the requests concurrently and returns their responses in the
  // same order. Safe to call from any number of threads at once. `options`
  // gives timeouts, proxy, TLS and HTTP version settings.
  std::vector<HttpResponse> perform(const std::vector<HttpRequest>& requests,
                                    const RemoteOptions& options);

 private:
  struct Impl;
  HttpClient();
  std::unique_ptr<Impl> impl_;
};

}  // namespace rk::remote
