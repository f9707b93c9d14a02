// Settings of remote reading (/vsicurl/, http(s)://, /vsis3/, s3://) and
// the process-wide state behind it.
//
// The options are read from the environment once, by rk::register_all()
// (configure_remote_from_environment), under GDAL's names where GDAL has
// one, so existing scripts and containers keep working; every variable is
// listed in doc/configuration.md and the behaviour in doc/remote.md.
// set_remote_options() replaces them from code; files opened afterwards
// use the new values (files already open keep theirs).
//
// Two caches are involved in reading a remote raster, both process-wide:
// the block cache (decoded blocks, RK_CACHEMAX) and the range cache below
// (raw bytes fetched from servers, RK_REMOTE_CACHE_SIZE). A file opened
// again in the same process reuses what is known of it: its size, its
// validator and the bytes still cached; it costs no request.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/result.h>

namespace rk {

enum class HttpVersion {
  kDefault,          // libcurl's choice: HTTP/1.1, HTTP/2 over TLS when offered
  k1_0,              // "1.0"
  k1_1,              // "1.1"
  k2,                // "2": HTTP/2 over TLS, upgrade attempt in cleartext
  k2Tls,             // "2TLS": HTTP/2 over TLS only, HTTP/1.1 otherwise
  k2PriorKnowledge,  // "2PRIOR_KNOWLEDGE": HTTP/2 without negotiation (h2c)
};

struct RK_API RemoteOptions {
  // ---- HTTP (every remote path) -------------------------------------------
  // Extra request headers, "Name: value" each (GDAL_HTTP_HEADERS).
  std::vector<std::string> headers;
  // Sent as "Authorization: Bearer TOKEN" (GDAL_HTTP_AUTH=BEARER with
  // GDAL_HTTP_BEARER). Never appears in a message.
  std::string bearer_token;
  std::string user_password;   // "user:password" (GDAL_HTTP_USERPWD)
  std::string proxy;           // "host:port" (GDAL_HTTP_PROXY)
  std::string proxy_password;  // "user:password" (GDAL_HTTP_PROXYUSERPWD)
  std::string user_agent;      // empty: "rasterkit/VERSION" (GDAL_HTTP_USERAGENT)
  bool verify_tls = true;      // false with GDAL_HTTP_UNSAFESSL=YES
  std::string ca_bundle;       // CURL_CA_BUNDLE or SSL_CERT_FILE
  HttpVersion http_version = HttpVersion::kDefault;  // GDAL_HTTP_VERSION
  bool multiplex = true;                             // HTTP/2 multiplexing (GDAL_HTTP_MULTIPLEX)

  // Bounds on one request: connecting, the whole transfer, and a transfer
  // slower than low_speed_bytes per second for low_speed_seconds.
  double connect_timeout_seconds = 15;  // GDAL_HTTP_CONNECTTIMEOUT
  double timeout_seconds = 120;         // GDAL_HTTP_TIMEOUT
  long low_speed_bytes = 1;             // GDAL_HTTP_LOW_SPEED_LIMIT
  long low_speed_seconds = 30;          // GDAL_HTTP_LOW_SPEED_TIME
  // Retries of a request answered 429/500/502/503/504, cut short, or lost
  // with its connection: at most max_retry more attempts, waiting
  // retry_delay_seconds, then twice that, ... (plus up to 25% jitter).
  int max_retry = 3;                 // GDAL_HTTP_MAX_RETRY
  double retry_delay_seconds = 0.5;  // GDAL_HTTP_RETRY_DELAY
  // Connections libcurl keeps per host; requests beyond wait for one (HTTP/1)
  // or share one (HTTP/2 streams). GDAL_HTTP_MAX_TOTAL_CONNECTIONS.
  int max_connections = 16;

  // ---- What is fetched ----------------------------------------------------
  // The first request of a file: its first bytes, which hold a COG's
  // directories (GDAL_INGESTED_BYTES_AT_OPEN, RK_REMOTE_HEADER_SIZE).
  size_t header_bytes = 16384;
  // Smallest request made for a read that misses the cache (a directory or
  // tag array beyond the header); consecutive misses double it up to 128
  // times (CPL_VSIL_CURL_CHUNK_SIZE, RK_REMOTE_CHUNK_SIZE).
  size_t chunk_bytes = 16384;
  // Ranges a read needs that are at most this far apart are fetched in one
  // request, the bytes between included (RK_REMOTE_MERGE_GAP).
  size_t merge_gap_bytes = 65536;
  // Largest single request a merge may build (RK_REMOTE_MAX_REQUEST).
  size_t max_request_bytes = size_t{16} << 20;
  // Budget of the process-wide range cache (RK_REMOTE_CACHE_SIZE,
  // CPL_VSIL_CURL_CACHE_SIZE).
  size_t cache_bytes = size_t{128} << 20;
  // Side-cars (.aux.xml, .ovr, .msk, .RPB, _RPC.TXT) of remote files are
  // looked for only when true (GDAL_DISABLE_READDIR_ON_OPEN=FALSE/NO); by
  // default a remote file is read as if alone in its folder (EMPTY_DIR).
  bool probe_side_cars = false;

  // ---- S3 (/vsis3/, s3://) ------------------------------------------------
  std::string aws_access_key_id;      // AWS_ACCESS_KEY_ID
  std::string aws_secret_access_key;  // AWS_SECRET_ACCESS_KEY
  std::string aws_session_token;      // AWS_SESSION_TOKEN
  // Profile of ~/.aws/credentials and ~/.aws/config used when the keys
  // above are not set (AWS_PROFILE, AWS_DEFAULT_PROFILE; else "default").
  std::string aws_profile;
  std::string aws_credentials_file;  // AWS_SHARED_CREDENTIALS_FILE; else ~/.aws/credentials
  std::string aws_config_file;       // AWS_CONFIG_FILE; else ~/.aws/config
  std::string aws_region;  // AWS_REGION, AWS_DEFAULT_REGION; else the profile's, us-east-1
  // "host[:port]", or with "http://" / "https://" (AWS_S3_ENDPOINT); empty:
  // AWS's endpoint for the region.
  std::string aws_s3_endpoint;
  bool aws_https = true;             // AWS_HTTPS
  bool aws_virtual_hosting = true;   // AWS_VIRTUAL_HOSTING (FALSE: path-style URLs)
  bool aws_no_sign_request = false;  // AWS_NO_SIGN_REQUEST: anonymous requests
  // Fixed signing time "YYYYMMDDTHHMMSSZ", for tests (AWS_TIMESTAMP).
  std::string aws_timestamp;
};

// Reads the variables named above. An invalid value is reported as a
// warning and leaves the default in place. Called by rk::register_all().
RK_API void configure_remote_from_environment();

// Replaces the options (for files opened afterwards) and resizes the range
// cache to options.cache_bytes.
RK_API void set_remote_options(const RemoteOptions& options);
RK_API RemoteOptions remote_options();

// Forgets everything known about remote files: sizes, validators and cached
// bytes (GDAL's VSICurlClearCache). Files open at the time keep working;
// their next reads fetch again.
RK_API void clear_remote_cache();

// Counters since the start of the process (for tests, monitoring and
// benchmarks).
struct RK_API RemoteStats {
  uint64_t requests = 0;        // HTTP requests sent, retries included
  uint64_t retries = 0;         // of those, repeats of a failed attempt
  uint64_t bytes_received = 0;  // response bodies
  uint64_t cache_hits = 0;      // reads served wholly from the range cache
  uint64_t cache_misses = 0;    // reads that needed a request (or waited for one)
  size_t cached_bytes = 0;      // held by the range cache now
};
RK_API RemoteStats remote_stats();

}  // namespace rk
