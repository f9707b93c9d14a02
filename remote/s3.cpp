#include <rasterkit/remote/s3.h>

#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>

namespace rk::remote {

namespace {

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

// A bucket name usable as a DNS label of a virtual host.
bool dns_compatible(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return bucket.front() != '-' && bucket.back() != '-';
}

// The key = value pairs of [section] of an INI-style AWS file.
std::vector<std::pair<std::string, std::string>> ini_section(const std::string& path,
                                                             const std::string& section) {
  std::vector<std::pair<std::string, std::string>> out;
  if (path.empty()) return out;
  std::ifstream in(path);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      inside = trim(std::string_view(t).substr(1, t.size() - 2)) == section;
      continue;
    }
    const size_t eq = t.find('=');
    if (inside && eq != std::string::npos) {
      out.emplace_back(trim(std::string_view(t).substr(0, eq)),
                       trim(std::string_view(t).substr(eq + 1)));
    }
  }
  return out;
}

std::string lookup(const std::vector<std::pair<std::string, std::string>>& kv,
                   const std::string& name) {
  for (const auto& [k, v] : kv) {
    if (k == name) return v;
  }
  return "";
}

std::string now_timestamp() { return amz_timestamp(static_cast<int64_t>(std::time(nullptr))); }

}  // namespace

S3Target s3_target(const std::string& bucket, const std::string& key, const std::string& region,
                   const RemoteOptions& options) {
  std::string endpoint = options.aws_s3_endpoint;
  std::string scheme = options.aws_https ? "https" : "http";
  for (const char* prefix : {"http://", "https://"}) {
    if (endpoint.rfind(prefix, 0) == 0) {
      scheme = std::string(prefix).substr(0, std::string(prefix).size() - 3);
      endpoint = endpoint.substr(std::string(prefix).size());
    }
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.empty()) {
    endpoint = region.empty() || region == "us-east-1" ? "s3.amazonaws.com"
                                                       : "s3." + region + ".amazonaws.com";
  }
  S3Target t;
  const std::string object = uri_encode(key, /*encode_slash=*/false);
  if (options.aws_virtual_hosting && dns_compatible(bucket)) {
    t.host = bucket + "." + endpoint;
    t.path = "/" + object;
  } else {
    t.host = endpoint;
    t.path = "/" + uri_encode(bucket, true) + "/" + object;
  }
  t.url = scheme + "://" + t.host + t.path;
  return t;
}

Result<AwsSettings> resolve_aws(const RemoteOptions& o, const std::string& subject) {
  AwsSettings s;
  const std::string profile = o.aws_profile.empty() ? "default" : o.aws_profile;
  const auto config =
      ini_section(o.aws_config_file, profile == "default" ? "default" : "profile " + profile);
  s.region = !o.aws_region.empty() ? o.aws_region : lookup(config, "region");
  if (s.region.empty()) s.region = "us-east-1";
  if (o.aws_no_sign_request) {
    s.anonymous = true;
    return s;
  }
  if (!o.aws_access_key_id.empty() && !o.aws_secret_access_key.empty()) {
    s.credentials = {o.aws_access_key_id, o.aws_secret_access_key, o.aws_session_token};
    return s;
  }
  const auto creds = ini_section(o.aws_credentials_file, profile);
  s.credentials.access_key_id = lookup(creds, "aws_access_key_id");
  s.credentials.secret_access_key = lookup(creds, "aws_secret_access_key");
  s.credentials.session_token = lookup(creds, "aws_session_token");
  if (!s.credentials.access_key_id.empty() && !s.credentials.secret_access_key.empty()) return s;
  return Status::invalid_argument(
      subject,
      "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, give profile '" +
          profile + "' keys in " +
          (o.aws_credentials_file.empty() ? std::string("~/.aws/credentials")
                                          : o.aws_credentials_file) +
          ", or set AWS_NO_SIGN_REQUEST=YES for a public bucket");
}

std::vector<std::string> s3_request_headers(const S3Target& target, const AwsSettings& aws,
                                            const std::string& range,
                                            const RemoteOptions& options) {
  std::vector<std::string> out;
  if (!range.empty()) out.push_back("Range: " + range);
  if (aws.anonymous) return out;
  SigningRequest req;
  req.host = target.host;
  req.path = target.path;
  if (!range.empty()) req.headers.emplace_back("Range", range);
  req.region = aws.region;
  req.timestamp = options.aws_timestamp.empty() ? now_timestamp() : options.aws_timestamp;
  for (const auto& [name, value] : sign_v4(req, aws.credentials))
    out.push_back(name + ": " + value);
  return out;
}

std::string s3_error_summary(std::string_view body) {
  auto element = [&](std::string_view name) -> std::string {
    const std::string open = "<" + std::string(name) + ">";
    const std::string close = "</" + std::string(name) + ">";
    const size_t a = body.find(open);
    if (a == std::string_view::npos) return "";
    const size_t b = body.find(close, a);
    if (b == std::string_view::npos) return "";
    std::string text(body.substr(a + open.size(), b - a - open.size()));
    return text.size() > 200 ? text.substr(0, 200) : text;
  };
  const std::string code = element("Code");
  const std::string message = element("Message");
  if (code.empty()) return "";
  return message.empty() ? code : code + ": " + message;
}

}  // namespace rk::remote
