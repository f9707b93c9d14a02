#include <rasterkit/remote/endpoint.h>

#include <cctype>

#include <rasterkit/gdalcore/file.h>

namespace rk::remote {

namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

Result<std::shared_ptr<const Endpoint>> Endpoint::make(const std::string& path,
                                                       const RemoteOptions& options) {
  std::shared_ptr<Endpoint> e(new Endpoint());
  e->options_ = options;
  e->display_ = display_path(path);
  std::string_view rest = path;
  if (starts_with_nocase(rest, "/vsicurl/")) {
    rest.remove_prefix(9);
    if (!starts_with_nocase(rest, "http://") && !starts_with_nocase(rest, "https://")) {
      return Status::invalid_argument(e->display_,
                                      "/vsicurl/ needs an http:// or https:// URL after it");
    }
  }
  if (starts_with_nocase(rest, "http://") || starts_with_nocase(rest, "https://")) {
    e->url_ = std::string(rest);
    const size_t host_start = e->url_.find("://") + 3;
    if (host_start >= e->url_.size() || e->url_[host_start] == '/') {
      return Status::invalid_argument(e->display_, "the URL has no host");
    }
    e->identity_ = e->url_;
    for (const std::string& h : options.headers) e->identity_ += "\n" + h;
    return std::shared_ptr<const Endpoint>(std::move(e));
  }
  if (starts_with_nocase(rest, "/vsis3/")) {
    rest.remove_prefix(7);
  } else if (starts_with_nocase(rest, "s3://")) {
    rest.remove_prefix(5);
  } else {
    return Status::invalid_argument(e->display_, "not a remote path");
  }
  const size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == rest.size()) {
    return Status::invalid_argument(e->display_,
                                    "an S3 path is /vsis3/BUCKET/KEY or s3://BUCKET/KEY");
  }
  e->s3_ = true;
  e->bucket_ = std::string(rest.substr(0, slash));
  e->key_ = std::string(rest.substr(slash + 1));
  RK_ASSIGN_OR_RETURN(e->aws_, resolve_aws(options, e->display_));
  e->resolve_s3_target();
  return std::shared_ptr<const Endpoint>(std::move(e));
}

void Endpoint::resolve_s3_target() {
  target_ = s3_target(bucket_, key_, aws_.region, options_);
  url_ = target_.url;
  // Keys and region change what the server answers; the secret never
  // enters the identity (it is a cache key, but keys are kept out anyway).
  identity_ = "s3:" + url_ + "\n" + aws_.credentials.access_key_id;
}

std::shared_ptr<const Endpoint> Endpoint::in_region(const std::string& region) const {
  auto e = std::make_shared<Endpoint>(*this);
  e->aws_.region = region;
  e->resolve_s3_target();
  return e;
}

HttpRequest Endpoint::request(uint64_t first, uint64_t last, size_t max_body) const {
  HttpRequest r;
  r.url = url_;
  r.max_body = max_body;
  const std::string range = "bytes=" + std::to_string(first) + "-" + std::to_string(last);
  if (s3_) {
    r.headers = s3_request_headers(target_, aws_, range, options_);
  } else {
    r.headers.push_back("Range: " + range);
  }
  for (const std::string& h : options_.headers) r.headers.push_back(h);
  if (!options_.bearer_token.empty()) {
    r.headers.push_back("Authorization: Bearer " + options_.bearer_token);
  }
  return r;
}

}  // namespace rk::remote
