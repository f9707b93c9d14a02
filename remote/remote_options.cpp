#include <rasterkit/remote/remote_options.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include <rasterkit/blockcache/mutex.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/remote/file_info_cache.h>
#include <rasterkit/remote/http_client.h>
#include <rasterkit/remote/range_cache.h>
#include <rasterkit/remote/remote_state.h>

namespace rk {

namespace {

Mutex g_options_mu;
RemoteOptions g_options RK_GUARDED_BY(g_options_mu);

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// The first of `names` that is set.
const char* env_any(std::initializer_list<const char*> names, const char** which) {
  for (const char* n : names) {
    if (const char* v = env(n)) {
      *which = n;
      return v;
    }
  }
  return nullptr;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::optional<bool> parse_bool(const std::string& text) {
  const std::string u = upper(text);
  if (u == "YES" || u == "TRUE" || u == "ON" || u == "1") return true;
  if (u == "NO" || u == "FALSE" || u == "OFF" || u == "0") return false;
  return std::nullopt;
}

// Bytes: a whole number with an optional unit KB/MB/GB (binary multiples).
std::optional<size_t> parse_bytes(const std::string& text) {
  size_t pos = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &pos);
  } catch (...) {
    return std::nullopt;
  }
  const std::string unit = upper(text.substr(pos));
  unsigned long long scale = 1;
  if (unit == "KB" || unit == "K")
    scale = 1ull << 10;
  else if (unit == "MB" || unit == "M")
    scale = 1ull << 20;
  else if (unit == "GB" || unit == "G")
    scale = 1ull << 30;
  else if (!unit.empty() && unit != "B")
    return std::nullopt;
  return static_cast<size_t>(n * scale);
}

std::optional<double> parse_seconds(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v >= 0)) return std::nullopt;
  return v;
}

std::optional<HttpVersion> parse_http_version(const std::string& text) {
  const std::string u = upper(text);
  if (u == "1.0") return HttpVersion::k1_0;
  if (u == "1.1") return HttpVersion::k1_1;
  if (u == "2" || u == "2.0") return HttpVersion::k2;
  if (u == "2TLS") return HttpVersion::k2Tls;
  if (u == "2PRIOR_KNOWLEDGE") return HttpVersion::k2PriorKnowledge;
  return std::nullopt;
}

// GDAL_HTTP_HEADERS: "Name: value" items separated by CRLF, or else by
// commas, where a double-quoted value may hold commas (\" and \\ escaped).
std::vector<std::string> parse_header_list(const std::string& text) {
  std::vector<std::string> out;
  if (text.find("\r\n") != std::string::npos) {
    size_t start = 0;
    for (size_t end; (end = text.find("\r\n", start)) != std::string::npos; start = end + 2) {
      if (end > start) out.push_back(text.substr(start, end - start));
    }
    if (start < text.size()) out.push_back(text.substr(start));
    return out;
  }
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '\\' && i + 1 < text.size()) {
      cur += text[++i];
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  std::vector<std::string> kept;
  for (std::string& h : out) {
    const size_t a = h.find_first_not_of(' ');
    if (a != std::string::npos && h.find(':') != std::string::npos) kept.push_back(h.substr(a));
  }
  return kept;
}

void warn_invalid(const char* name, const char* value) {
  emit_warning(name, std::string("invalid value '") + value + "'; the default is kept");
}

template <typename T, typename Parse>
void read_into(std::initializer_list<const char*> names, T* field, Parse parse) {
  const char* which = nullptr;
  const char* v = env_any(names, &which);
  if (!v) return;
  if (auto parsed = parse(std::string(v))) {
    *field = static_cast<T>(*parsed);
  } else {
    warn_invalid(which, v);
  }
}

void read_string(std::initializer_list<const char*> names, std::string* field) {
  const char* which = nullptr;
  if (const char* v = env_any(names, &which)) *field = v;
}

void read_http(RemoteOptions& o) {
  if (const char* h = env("GDAL_HTTP_HEADERS")) o.headers = parse_header_list(h);
  if (const char* f = env("GDAL_HTTP_HEADER_FILE")) {
    std::ifstream in(f);
    std::string line;
    if (!in) emit_warning("GDAL_HTTP_HEADER_FILE", std::string("cannot read ") + f);
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find(':') != std::string::npos) o.headers.push_back(line);
    }
  }
  const char* auth = env("GDAL_HTTP_AUTH");
  if (auth && upper(auth) == "BEARER") read_string({"GDAL_HTTP_BEARER"}, &o.bearer_token);
  read_string({"GDAL_HTTP_USERPWD"}, &o.user_password);
  read_string({"GDAL_HTTP_PROXY", "GDAL_HTTPS_PROXY"}, &o.proxy);
  read_string({"GDAL_HTTP_PROXYUSERPWD"}, &o.proxy_password);
  read_string({"GDAL_HTTP_USERAGENT"}, &o.user_agent);
  read_string({"CURL_CA_BUNDLE", "SSL_CERT_FILE"}, &o.ca_bundle);
  read_into({"GDAL_HTTP_UNSAFESSL"}, &o.verify_tls,
            [](const std::string& s) -> std::optional<bool> {
              auto b = parse_bool(s);
              if (!b) return std::nullopt;
              return !*b;
            });
  read_into({"GDAL_HTTP_VERSION"}, &o.http_version, parse_http_version);
  if (o.http_version == HttpVersion::k2PriorKnowledge && !remote::prior_knowledge_reusable()) {
    emit_warning("GDAL_HTTP_VERSION",
                 "this libcurl (before 8.0) cannot reuse prior-knowledge HTTP/2 connections; "
                 "each request opens its own (HTTP/2 over TLS multiplexes)");
  }
  read_into({"GDAL_HTTP_MULTIPLEX"}, &o.multiplex, parse_bool);
  read_into({"GDAL_HTTP_CONNECTTIMEOUT"}, &o.connect_timeout_seconds, parse_seconds);
  read_into({"GDAL_HTTP_TIMEOUT"}, &o.timeout_seconds, parse_seconds);
  read_into({"GDAL_HTTP_LOW_SPEED_LIMIT"}, &o.low_speed_bytes, parse_bytes);
  read_into({"GDAL_HTTP_LOW_SPEED_TIME"}, &o.low_speed_seconds, parse_seconds);
  read_into({"RK_HTTP_MAX_RETRY", "GDAL_HTTP_MAX_RETRY"}, &o.max_retry,
            [](const std::string& s) -> std::optional<int> {
              auto n = parse_bytes(s);
              if (!n || *n > 100) return std::nullopt;
              return static_cast<int>(*n);
            });
  read_into({"RK_HTTP_RETRY_DELAY", "GDAL_HTTP_RETRY_DELAY"}, &o.retry_delay_seconds,
            parse_seconds);
  read_into({"RK_HTTP_MAX_CONNECTIONS", "GDAL_HTTP_MAX_TOTAL_CONNECTIONS"}, &o.max_connections,
            [](const std::string& s) -> std::optional<int> {
              auto n = parse_bytes(s);
              if (!n || *n == 0 || *n > 1024) return std::nullopt;
              return static_cast<int>(*n);
            });
}

void read_fetching(RemoteOptions& o) {
  read_into({"RK_REMOTE_HEADER_SIZE", "GDAL_INGESTED_BYTES_AT_OPEN"}, &o.header_bytes, parse_bytes);
  read_into({"RK_REMOTE_CHUNK_SIZE", "CPL_VSIL_CURL_CHUNK_SIZE"}, &o.chunk_bytes, parse_bytes);
  read_into({"RK_REMOTE_MERGE_GAP"}, &o.merge_gap_bytes, parse_bytes);
  read_into({"RK_REMOTE_MAX_REQUEST"}, &o.max_request_bytes, parse_bytes);
  read_into({"RK_REMOTE_CACHE_SIZE", "CPL_VSIL_CURL_CACHE_SIZE"}, &o.cache_bytes, parse_bytes);
  if (const char* v = env("GDAL_DISABLE_READDIR_ON_OPEN")) {
    const std::string u = upper(v);
    if (u == "EMPTY_DIR" || parse_bool(u) == true) {
      o.probe_side_cars = false;
    } else if (parse_bool(u) == false) {
      o.probe_side_cars = true;
    } else {
      warn_invalid("GDAL_DISABLE_READDIR_ON_OPEN", v);
    }
  }
  if (o.chunk_bytes == 0) o.chunk_bytes = 1;
}

void read_aws(RemoteOptions& o) {
  read_string({"AWS_ACCESS_KEY_ID"}, &o.aws_access_key_id);
  read_string({"AWS_SECRET_ACCESS_KEY"}, &o.aws_secret_access_key);
  read_string({"AWS_SESSION_TOKEN"}, &o.aws_session_token);
  read_string({"AWS_PROFILE", "AWS_DEFAULT_PROFILE"}, &o.aws_profile);
  read_string({"AWS_REGION", "AWS_DEFAULT_REGION"}, &o.aws_region);
  read_string({"AWS_S3_ENDPOINT"}, &o.aws_s3_endpoint);
  read_string({"AWS_TIMESTAMP"}, &o.aws_timestamp);
  read_into({"AWS_HTTPS"}, &o.aws_https, parse_bool);
  read_into({"AWS_VIRTUAL_HOSTING"}, &o.aws_virtual_hosting, parse_bool);
  read_into({"AWS_NO_SIGN_REQUEST"}, &o.aws_no_sign_request, parse_bool);
  const char* home = env("HOME");
  const std::string aws_dir = home ? std::string(home) + "/.aws/" : "";
  o.aws_credentials_file = aws_dir.empty() ? "" : aws_dir + "credentials";
  o.aws_config_file = aws_dir.empty() ? "" : aws_dir + "config";
  read_string({"AWS_SHARED_CREDENTIALS_FILE"}, &o.aws_credentials_file);
  read_string({"AWS_CONFIG_FILE"}, &o.aws_config_file);
}

}  // namespace

void configure_remote_from_environment() {
  RemoteOptions o;
  read_http(o);
  read_fetching(o);
  read_aws(o);
  set_remote_options(o);
}

void set_remote_options(const RemoteOptions& options) {
  {
    MutexLock lock(&g_options_mu);
    g_options = options;
  }
  remote::RangeCache::global().set_budget(options.cache_bytes);
}

RemoteOptions remote_options() {
  MutexLock lock(&g_options_mu);
  return g_options;
}

void clear_remote_cache() {
  remote::FileInfoCache::global().clear();
  remote::RangeCache::global().clear();
}

RemoteStats remote_stats() {
  RemoteStats s;
  const remote::Counters& c = remote::counters();
  s.requests = c.requests.load(std::memory_order_relaxed);
  s.retries = c.retries.load(std::memory_order_relaxed);
  s.bytes_received = c.bytes_received.load(std::memory_order_relaxed);
  s.cache_hits = c.cache_hits.load(std::memory_order_relaxed);
  s.cache_misses = c.cache_misses.load(std::memory_order_relaxed);
  s.cached_bytes = remote::RangeCache::global().bytes();
  return s;
}

}  // namespace rk
