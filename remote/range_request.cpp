#include <rasterkit/remote/range_request.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <random>
#include <thread>

#include <rasterkit/remote/remote_state.h>

namespace rk::remote {

namespace {

// A server ignoring Range answers with the whole file; we accept that for
// files up to this size (and refuse to download larger ones).
constexpr size_t kWholeFileLimit = size_t{16} << 20;

struct ContentRange {
  bool unsatisfied = false;  // "bytes */N"
  uint64_t first = 0, last = 0;
  std::optional<uint64_t> total;
};

std::optional<uint64_t> parse_u64(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::optional<ContentRange> parse_content_range(const std::string& text) {
  if (text.rfind("bytes ", 0) != 0) return std::nullopt;
  const std::string rest = text.substr(6);
  const size_t slash = rest.find('/');
  if (slash == std::string::npos) return std::nullopt;
  ContentRange cr;
  const std::string total = rest.substr(slash + 1);
  if (total != "*") {
    cr.total = parse_u64(total);
    if (!cr.total) return std::nullopt;
  }
  const std::string range = rest.substr(0, slash);
  if (range == "*") {
    cr.unsatisfied = true;
    return cr;
  }
  const size_t dash = range.find('-');
  if (dash == std::string::npos) return std::nullopt;
  auto first = parse_u64(range.substr(0, dash));
  auto last = parse_u64(range.substr(dash + 1));
  if (!first || !last || *last < *first) return std::nullopt;
  cr.first = *first;
  cr.last = *last;
  return cr;
}

const char* reason(long status) {
  switch (status) {
    case 301:
      return "Moved Permanently";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 410:
      return "Gone";
    case 416:
      return "Range Not Satisfiable";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

std::string status_text(long status) {
  const std::string r = reason(status);
  return "HTTP " + std::to_string(status) + (r.empty() ? "" : " (" + r + ")");
}

Status http_error(const Endpoint& e, const HttpResponse& r) {
  std::string message = status_text(r.status);
  if (e.is_s3()) {
    const std::string s3 = s3_error_summary(r.body);
    if (!s3.empty()) message += ": " + s3;
  }
  if (r.status == 404 || r.status == 410) return Status::not_found(e.display(), message);
  return Status::io_error(e.display(), message);
}

bool transient(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

FileInfo seen_info(const HttpResponse& r) {
  FileInfo f;
  f.etag = r.header("etag");
  f.last_modified = r.header("last-modified");
  return f;
}

// Why `seen` is not the version `expected` describes ("" if it may be).
std::string version_change(const FileInfo& expected, const FileInfo& seen) {
  if (!expected.etag.empty() && !seen.etag.empty() && expected.etag != seen.etag) {
    return "ETag " + expected.etag + " became " + seen.etag;
  }
  if (expected.etag.empty() && !expected.last_modified.empty() && !seen.last_modified.empty() &&
      expected.last_modified != seen.last_modified) {
    return "Last-Modified " + expected.last_modified + " became " + seen.last_modified;
  }
  return "";
}

enum class Verdict { kOk, kRetry, kFail };

struct Outcome {
  Verdict verdict = Verdict::kFail;
  std::string body;
  std::string problem;   // kRetry: what went wrong, for the final message
  Status status;         // kFail
  bool changed = false;  // kFail because the file changed
  double retry_after = 0;
};

Outcome ok(std::string body) { return {Verdict::kOk, std::move(body), "", Status(), false, 0}; }
Outcome retry(std::string problem, double after = 0) {
  return {Verdict::kRetry, "", std::move(problem), Status(), false, after};
}
Outcome fail(Status st, bool changed = false) {
  return {Verdict::kFail, "", "", std::move(st), changed, 0};
}

double retry_after_seconds(const HttpResponse& r) {
  auto v = parse_u64(r.header("retry-after"));
  return v ? std::min<double>(static_cast<double>(*v), 60.0) : 0.0;
}

// Why a body shorter than announced is retried.
std::string cut_short(size_t got, uint64_t wanted) {
  return "the response was cut short (" + std::to_string(got) + " of " + std::to_string(wanted) +
         " bytes)";
}

std::string range_text(uint64_t first, uint64_t last) {
  return "bytes " + std::to_string(first) + "-" + std::to_string(last);
}

// Checks the answer to a GET of `span` of the file `expected` describes.
Outcome check_range(const Endpoint& e, const FileInfo& expected, const ByteSpan& span,
                    HttpResponse& r) {
  if (r.status == 0) {
    if (r.transport_retryable) return retry(r.curl_error);
    return fail(Status::io_error(e.display(), "request failed: " + r.curl_error));
  }
  if (transient(r.status)) return retry(status_text(r.status), retry_after_seconds(r));
  const std::string change = version_change(expected, seen_info(r));
  if (!change.empty() && (r.status == 200 || r.status == 206)) {
    return fail(Status::io_error(e.display(), "the file changed on the server while being read (" +
                                                  change + ")"),
                true);
  }
  const uint64_t last = std::min(span.end, expected.size) - 1;
  if (r.status == 206) {
    const std::string header = r.header("content-range");
    auto cr = parse_content_range(header);
    if (!cr || cr->unsatisfied) {
      return fail(Status::corrupt(e.display(), "unusable Content-Range '" + header + "'"));
    }
    if (cr->total && *cr->total != expected.size) {
      return fail(Status::io_error(e.display(),
                                   "the file changed on the server while being read "
                                   "(its size " +
                                       std::to_string(expected.size) + " became " +
                                       std::to_string(*cr->total) + ")"),
                  true);
    }
    if (cr->first != span.begin || cr->last != last) {
      return fail(Status::corrupt(
          e.display(), "the server's Content-Range (" + range_text(cr->first, cr->last) +
                           ") is not the range requested (" + range_text(span.begin, last) + ")"));
    }
    if (r.body.size() != last - span.begin + 1) {
      return retry(cut_short(r.body.size(), last - span.begin + 1));
    }
    return ok(std::move(r.body));
  }
  if (r.status == 200) {
    if (r.truncated) {
      return fail(Status::not_supported(
          e.display(),
          "the server ignores Range requests (it answered 200) and the file is too "
          "large to download whole"));
    }
    if (r.body.size() != expected.size) {
      return retry(cut_short(r.body.size(), expected.size));
    }
    return ok(r.body.substr(span.begin, last - span.begin + 1));
  }
  if (r.status == 416) {
    return fail(
        Status::io_error(e.display(), "the server says " + range_text(span.begin, last) +
                                          " lies beyond the end of the file (it had " +
                                          std::to_string(expected.size) + " bytes when opened)"),
        true);
  }
  return fail(http_error(e, r));
}

// Sleeps before attempt `attempt + 1`: the configured delay doubled per
// attempt, plus up to 25% jitter so that threads do not retry in step.
void back_off(const RemoteOptions& o, int attempt, double floor_seconds) {
  thread_local std::minstd_rand rng(static_cast<unsigned>(
      std::hash<std::thread::id>()(std::this_thread::get_id()) ^
      static_cast<size_t>(std::chrono::steady_clock::now().time_since_epoch().count())));
  double delay = o.retry_delay_seconds * static_cast<double>(1u << std::min(attempt, 10));
  delay *= 1.0 + 0.25 * std::uniform_real_distribution<double>(0, 1)(rng);
  delay = std::min(std::max(delay, floor_seconds), 60.0);
  std::this_thread::sleep_for(std::chrono::duration<double>(delay));
}

void count(const std::vector<HttpResponse>& responses, bool retrying) {
  Counters& c = counters();
  c.requests.fetch_add(responses.size(), std::memory_order_relaxed);
  if (retrying) c.retries.fetch_add(responses.size(), std::memory_order_relaxed);
  for (const HttpResponse& r : responses) {
    c.bytes_received.fetch_add(r.body.size(), std::memory_order_relaxed);
  }
}

void forget(const Endpoint& e, const FileInfo& info) {
  FileInfoCache::global().invalidate(e.identity(), info.validator());
  RangeCache::global().drop(cache_key(e, info));
}

std::string attempts_text(int attempts) {
  return attempts > 1 ? " (after " + std::to_string(attempts) + " attempts)" : "";
}

}  // namespace

std::string cache_key(const Endpoint& endpoint, const FileInfo& info) {
  return endpoint.identity() + "\n" + info.validator();
}

Result<std::vector<std::string>> get_ranges(const Endpoint& e, const FileInfo& expected,
                                            const std::vector<ByteSpan>& spans) {
  const RemoteOptions& o = e.options();
  std::vector<std::string> bodies(spans.size());
  std::vector<size_t> todo(spans.size());
  std::iota(todo.begin(), todo.end(), size_t{0});
  for (int attempt = 0;; ++attempt) {
    std::vector<HttpRequest> requests;
    for (size_t i : todo) {
      const ByteSpan& s = spans[i];
      const size_t whole = expected.size <= kWholeFileLimit ? expected.size : 0;
      const size_t max_body = std::max<size_t>(s.size(), whole);
      requests.push_back(e.request(s.begin, std::min(s.end, expected.size) - 1, max_body));
    }
    std::vector<HttpResponse> responses = HttpClient::global().perform(requests, o);
    count(responses, attempt > 0);
    std::vector<size_t> again;
    std::string problem;
    double floor_seconds = 0;
    for (size_t k = 0; k < todo.size(); ++k) {
      Outcome out = check_range(e, expected, spans[todo[k]], responses[k]);
      if (out.verdict == Verdict::kOk) {
        bodies[todo[k]] = std::move(out.body);
      } else if (out.verdict == Verdict::kRetry) {
        again.push_back(todo[k]);
        problem = out.problem;
        floor_seconds = std::max(floor_seconds, out.retry_after);
      } else {
        if (out.changed) forget(e, expected);
        return out.status;
      }
    }
    if (again.empty()) return bodies;
    if (attempt >= o.max_retry)
      return Status::io_error(e.display(), problem + attempts_text(attempt + 1));
    back_off(o, attempt, floor_seconds);
    todo = std::move(again);
  }
}

namespace {

// Reads what the answer to the first GET says of the file.
Outcome check_opening(const Endpoint& e, HttpResponse& r, FileInfo* info) {
  if (r.status == 0) {
    if (r.transport_retryable) return retry(r.curl_error);
    return fail(Status::io_error(e.display(), "request failed: " + r.curl_error));
  }
  if (transient(r.status)) return retry(status_text(r.status), retry_after_seconds(r));
  *info = seen_info(r);
  if (r.status == 206) {
    const std::string header = r.header("content-range");
    auto cr = parse_content_range(header);
    if (!cr || cr->unsatisfied || cr->first != 0) {
      return fail(Status::corrupt(e.display(), "unusable Content-Range '" + header + "'"));
    }
    if (!cr->total) {
      return fail(Status::not_supported(e.display(), "the server does not tell the file's size"));
    }
    if (r.body.size() != cr->last + 1) {
      return retry(cut_short(r.body.size(), cr->last + 1));
    }
    info->size = *cr->total;
    return ok(std::move(r.body));
  }
  if (r.status == 200) {
    if (r.truncated) {
      return fail(Status::not_supported(
          e.display(),
          "the server ignores Range requests (it answered 200) and the file is larger "
          "than " +
              std::to_string(kWholeFileLimit >> 20) + " MiB"));
    }
    info->size = r.body.size();
    info->honours_ranges = false;
    return ok(std::move(r.body));
  }
  if (r.status == 416) {
    auto cr = parse_content_range(r.header("content-range"));
    info->size = cr && cr->total ? *cr->total : 0;
    return ok("");
  }
  return fail(http_error(e, r));
}

}  // namespace

Result<Opening> open_range(std::shared_ptr<const Endpoint> endpoint, size_t n) {
  const RemoteOptions& o = endpoint->options();
  bool redirected = false;
  for (int attempt = 0;; ++attempt) {
    const size_t max_body = std::max(n, kWholeFileLimit);
    std::vector<HttpResponse> responses = HttpClient::global().perform(
        {endpoint->request(0, std::max<size_t>(n, 1) - 1, max_body)}, o);
    count(responses, attempt > 0);
    HttpResponse& r = responses[0];
    const std::string bucket_region = r.header("x-amz-bucket-region");
    if (endpoint->is_s3() && !redirected && (r.status == 301 || r.status == 400) &&
        !bucket_region.empty() && bucket_region != endpoint->region()) {
      endpoint = endpoint->in_region(bucket_region);  // S3 names the bucket's region
      redirected = true;
      --attempt;
      continue;
    }
    Opening opening;
    Outcome out = check_opening(*endpoint, r, &opening.info);
    if (out.verdict == Verdict::kOk) {
      opening.head = std::move(out.body);
      opening.endpoint = std::move(endpoint);
      return opening;
    }
    if (out.verdict == Verdict::kFail) return out.status;
    if (attempt >= o.max_retry) {
      return Status::io_error(endpoint->display(), out.problem + attempts_text(attempt + 1));
    }
    back_off(o, attempt, out.retry_after);
  }
}

}  // namespace rk::remote
