// S3 addressing, credentials and request signing, under GDAL's /vsis3/
// rules: the endpoint, scheme and URL style come from AWS_S3_ENDPOINT,
// AWS_HTTPS and AWS_VIRTUAL_HOSTING; credentials from the options (the
// environment) first, then the profile of the shared credentials file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rasterkit/gdalcore/result.h>
#include <rasterkit/remote/remote_options.h>
#include <rasterkit/remote/sigv4.h>

namespace rk::remote {

// Where requests for one object go.
struct S3Target {
  std::string url;   // scheme://host/path
  std::string host;  // Host header value (with a port when the endpoint has one)
  std::string path;  // URI-encoded path, as signed
};

// The target of `bucket`/`key` in `region`. Virtual-hosted style
// (bucket.endpoint/key) unless turned off or the bucket name cannot be a
// host name label (dots, capitals), as GDAL does.
S3Target s3_target(const std::string& bucket, const std::string& key, const std::string& region,
                   const RemoteOptions& options);

struct AwsSettings {
  AwsCredentials credentials;
  std::string region;
  bool anonymous = false;  // AWS_NO_SIGN_REQUEST: no Authorization at all
};

// Credentials and region for a request about `subject` (named in errors):
// the options' keys, else the profile's in the credentials file; the region
// from the options, else the profile's in the config file, else us-east-1.
// An error says where credentials were looked for (never their values).
Result<AwsSettings> resolve_aws(const RemoteOptions& options, const std::string& subject);

// The headers of a GET of `target` (Range "bytes=A-B" if not empty), signed
// with the options' fixed timestamp or the current time.
std::vector<std::string> s3_request_headers(const S3Target& target, const AwsSettings& aws,
                                            const std::string& range, const RemoteOptions& options);

// "Code: Message" of an S3 XML error body, or "". Nothing else of the body
// is used: S3 echoes the canonical request, which can hold a session token.
std::string s3_error_summary(std::string_view body);

}  // namespace rk::remote
