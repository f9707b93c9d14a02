// Endpoint: how requests for one remote path are made — the URL, the
// headers every request carries, S3 addressing and signing — and the names
// the path goes by: `display` for messages (credentials removed) and
// `identity` for the process-wide caches.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <rasterkit/gdalcore/result.h>
#include <rasterkit/remote/http_client.h>
#include <rasterkit/remote/remote_options.h>
#include <rasterkit/remote/s3.h>

namespace rk::remote {

class Endpoint {
 public:
  // Parses `path` (/vsicurl/URL, http(s)://..., /vsis3/BUCKET/KEY,
  // s3://BUCKET/KEY) and resolves what requests need under `options`
  // (for S3: credentials and region). Errors name the path (redacted).
  static Result<std::shared_ptr<const Endpoint>> make(const std::string& path,
                                                      const RemoteOptions& options);

  // A GET of bytes [first, last] (inclusive, as HTTP counts), signed anew
  // for S3. `max_body` bounds what is accepted if the server sends more.
  HttpRequest request(uint64_t first, uint64_t last, size_t max_body) const;
  // The same endpoint in another S3 region (the bucket's, when the server
  // says we asked the wrong one).
  std::shared_ptr<const Endpoint> in_region(const std::string& region) const;

  const std::string& display() const { return display_; }
  const std::string& identity() const { return identity_; }
  const RemoteOptions& options() const { return options_; }
  bool is_s3() const { return s3_; }
  const std::string& region() const { return aws_.region; }

 private:
  Endpoint() = default;
  void resolve_s3_target();

  RemoteOptions options_;
  bool s3_ = false;
  std::string url_;  // HTTP(S): the URL; S3: target_.url
  std::string bucket_, key_;
  AwsSettings aws_;
  S3Target target_;
  std::string display_;
  std::string identity_;
};

}  // namespace rk::remote
