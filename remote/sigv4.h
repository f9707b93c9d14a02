// AWS Signature Version 4 request signing, the scheme S3 and S3-compatible
// object stores (MinIO, Ceph, GCS in interoperability mode) use to
// authenticate HTTP requests, together with the SHA-256 and HMAC-SHA256 it is
// built on. We carry our own SHA-256 (FIPS 180-4) and HMAC (RFC 2104) so
// that rasterkit takes no TLS or crypto library as a dependency of its own;
// whatever does the HTTPS transport stays the caller's choice. Signing is a
// pure function of the request, the credentials and an explicit timestamp,
// so tests sign with a fixed clock and compare against published vectors.
// Every function here is thread-safe (no shared state) and reports nothing:
// malformed input yields a signature the server will reject, never an
// exception.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rk::remote {

using Sha256Digest = std::array<uint8_t, 32>;

// The SHA-256 digest of `data`.
RK_API Sha256Digest sha256(std::string_view data);

// `n` bytes as 2n lowercase hex digits (the form SigV4 uses for hashes and
// signatures).
RK_API std::string hex(const uint8_t* data, size_t n);

// hex(sha256(data)).
RK_API std::string sha256_hex(std::string_view data);

// HMAC-SHA256 of `message` under `key`; keys longer than the 64-byte block are
// hashed first, as RFC 2104 requires.
RK_API Sha256Digest hmac_sha256(std::string_view key, std::string_view message);

// RFC 3986 percent-encoding as SigV4 wants it: unreserved A-Z a-z 0-9 - _ . ~
// kept; '/' kept unless encode_slash; everything else %XX uppercase. Bytes
// are encoded one by one, so UTF-8 text comes out as AWS expects.
RK_API std::string uri_encode(std::string_view text, bool encode_slash);

struct AwsCredentials {
  std::string access_key_id, secret_access_key, session_token;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SigningRequest {
  std::string method = "GET";
  std::string host;        // as sent in the Host header (with ":port" when not the default)
  std::string path = "/";  // already URI-encoded absolute path, e.g. "/bucket/my%20key.tif"
  HeaderList query;        // unencoded name/value pairs (encoded and sorted by the signer)
  // Extra headers to sign (e.g. {"Range","bytes=0-9"}); names any case. A name
  // given twice is signed once with the values joined by ','. Host and the
  // headers the signer adds (x-amz-date, x-amz-content-sha256,
  // x-amz-security-token, Authorization) are ignored here: the signer's own
  // values are the ones that will be sent.
  HeaderList headers;
  std::string payload_sha256;  // hex, or "UNSIGNED-PAYLOAD"; empty means sha256("")
  std::string region = "us-east-1";
  std::string service = "s3";
  std::string timestamp;  // "YYYYMMDDTHHMMSSZ" (UTC)
};

// The headers to add to the request: "x-amz-date", "x-amz-content-sha256",
// "x-amz-security-token" (only when a session token is set) and
// "Authorization", in that order. Signed headers: host, every header of
// request.headers, x-amz-content-sha256, x-amz-date, x-amz-security-token (if
// any) — lowercase names, sorted, values trimmed with inner runs of blanks
// collapsed to one space. The Authorization value has the layout of AWS's S3
// examples: "AWS4-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...".
RK_API HeaderList sign_v4(const SigningRequest& request, const AwsCredentials& credentials);

// The canonical request and string to sign (for tests and debugging; never
// contain the secret).
RK_API std::string canonical_request(const SigningRequest& request,
                                     const AwsCredentials& credentials);
RK_API std::string string_to_sign(const SigningRequest& request, const AwsCredentials& credentials);

// "YYYYMMDDTHHMMSSZ" for a Unix time (proleptic Gregorian, UTC; times before
// 1970 included).
RK_API std::string amz_timestamp(int64_t unix_seconds);

}  // namespace rk::remote
