#include <rasterkit/remote/sigv4.h>

#include <algorithm>
#include <cstdio>
#include <map>

namespace rk::remote {

namespace {

// FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the
// cube roots of the first 64 primes.
constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// FIPS 180-4 section 5.3.3: the first 32 bits of the fractional parts of the
// square roots of the first 8 primes.
constexpr std::array<uint32_t, 8> kInitialHash = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr size_t kBlockSize = 64;

uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// Incremental, so that HMAC hashes its padded key and the message without
// first copying them into one buffer (a payload can be large).
class Sha256 {
 public:
  void update(std::string_view data) {
    const auto* p = reinterpret_cast<const uint8_t*>(data.data());
    size_t n = data.size();
    length_ += n;
    if (buffered_ > 0) {
      const size_t take = std::min(n, kBlockSize - buffered_);
      std::copy(p, p + take, buffer_.begin() + buffered_);
      buffered_ += take;
      p += take;
      n -= take;
      if (buffered_ < kBlockSize) return;
      compress(buffer_.data());
      buffered_ = 0;
    }
    for (; n >= kBlockSize; p += kBlockSize, n -= kBlockSize) compress(p);
    std::copy(p, p + n, buffer_.begin());
    buffered_ = n;
  }

  Sha256Digest finish() {
    // Padding (section 5.1.1): a 1 bit, zeros up to 56 mod 64 bytes, then the
    // message length in bits as a 64-bit big-endian number.
    const uint64_t bit_length = length_ * 8;
    uint8_t pad[kBlockSize + 8] = {0x80};
    const size_t zeros_to = buffered_ < 56 ? 56 : 56 + kBlockSize;
    const size_t pad_length = zeros_to - buffered_;
    for (int i = 0; i < 8; ++i) {
      pad[pad_length + i] = static_cast<uint8_t>(bit_length >> (56 - 8 * i));
    }
    update(std::string_view(reinterpret_cast<const char*>(pad), pad_length + 8));
    Sha256Digest digest;
    for (size_t i = 0; i < 8; ++i) {
      for (size_t j = 0; j < 4; ++j) {
        digest[4 * i + j] = static_cast<uint8_t>(state_[i] >> (24 - 8 * j));
      }
    }
    return digest;
  }

 private:
  // Section 6.2.2: message schedule, then 64 rounds over the working variables.
  void compress(const uint8_t* block) {
    uint32_t w[64];
    for (int t = 0; t < 16; ++t) {
      w[t] = static_cast<uint32_t>(block[4 * t]) << 24 |
             static_cast<uint32_t>(block[4 * t + 1]) << 16 |
             static_cast<uint32_t>(block[4 * t + 2]) << 8 | static_cast<uint32_t>(block[4 * t + 3]);
    }
    for (int t = 16; t < 64; ++t) {
      const uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      const uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = s1 + w[t - 7] + s0 + w[t - 16];
    }
    uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (int t = 0; t < 64; ++t) {
      const uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const uint32_t choose = (e & f) ^ (~e & g);
      const uint32_t t1 = h + big_s1 + choose + kRoundConstants[t] + w[t];
      const uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
      const uint32_t t2 = big_s0 + majority;
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
  }

  std::array<uint32_t, 8> state_ = kInitialHash;
  std::array<uint8_t, kBlockSize> buffer_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes; the standard's 2^64-bit limit is far beyond any request
};

std::string_view as_view(const Sha256Digest& digest) {
  return std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size());
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Proxies and HTTP libraries may reflow blanks in header values; the
// canonical form makes the signature independent of that.
std::string trim_and_collapse(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_blank = false;
  for (char c : value) {
    if (is_blank(c)) {
      pending_blank = !out.empty();
      continue;
    }
    if (pending_blank) out += ' ';
    pending_blank = false;
    out += c;
  }
  return out;
}

// Headers whose values the signer itself decides: taking a caller's copy too
// would sign a value that is not the one sent (or sign Authorization itself).
bool is_signer_header(const std::string& lower_name) {
  return lower_name == "host" || lower_name == "x-amz-date" ||
         lower_name == "x-amz-content-sha256" || lower_name == "x-amz-security-token" ||
         lower_name == "authorization";
}

std::string payload_hash(const SigningRequest& request) {
  return request.payload_sha256.empty() ? sha256_hex("") : request.payload_sha256;
}

std::string date_of(const SigningRequest& request) {
  return std::string(std::string_view(request.timestamp).substr(0, 8));
}

std::string credential_scope(const SigningRequest& request) {
  return date_of(request) + "/" + request.region + "/" + request.service + "/aws4_request";
}

// Signed headers by lowercase name; std::map keeps them in the byte order
// SigV4 requires.
std::map<std::string, std::string> signed_header_map(const SigningRequest& request,
                                                     const AwsCredentials& credentials) {
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower_name = to_lower(name);
    if (is_signer_header(lower_name)) continue;
    auto [it, inserted] = headers.emplace(std::move(lower_name), trim_and_collapse(value));
    if (!inserted) it->second += "," + trim_and_collapse(value);
  }
  headers["host"] = trim_and_collapse(request.host);
  headers["x-amz-content-sha256"] = payload_hash(request);
  headers["x-amz-date"] = request.timestamp;
  if (!credentials.session_token.empty()) {
    headers["x-amz-security-token"] = trim_and_collapse(credentials.session_token);
  }
  return headers;
}

// Pairs sort by encoded name, then encoded value: servers compare the
// encoded forms, and a repeated name must come out in a deterministic order.
std::string canonical_query(const HeaderList& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(uri_encode(name, true), uri_encode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

struct Canonical {
  std::string request;
  std::string signed_headers;  // "host;range;..."
};

Canonical build_canonical(const SigningRequest& request, const AwsCredentials& credentials) {
  const std::map<std::string, std::string> headers = signed_header_map(request, credentials);
  Canonical c;
  std::string header_block;
  for (const auto& [name, value] : headers) {
    header_block += name + ":" + value + "\n";
    if (!c.signed_headers.empty()) c.signed_headers += ';';
    c.signed_headers += name;
  }
  c.request = request.method + "\n" + (request.path.empty() ? "/" : request.path) + "\n" +
              canonical_query(request.query) + "\n" + header_block + "\n" + c.signed_headers +
              "\n" + payload_hash(request);
  return c;
}

std::string string_to_sign_of(const SigningRequest& request, const Canonical& canonical) {
  return "AWS4-HMAC-SHA256\n" + request.timestamp + "\n" + credential_scope(request) + "\n" +
         sha256_hex(canonical.request);
}

bool is_leap_year(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

}  // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish();
}

std::string hex(const uint8_t* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0F];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  const Sha256Digest digest = sha256(data);
  return hex(digest.data(), digest.size());
}

Sha256Digest hmac_sha256(std::string_view key, std::string_view message) {
  std::array<uint8_t, kBlockSize> block{};
  if (key.size() > kBlockSize) {
    const Sha256Digest hashed = sha256(key);
    std::copy(hashed.begin(), hashed.end(), block.begin());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<char, kBlockSize> inner_pad, outer_pad;
  for (size_t i = 0; i < kBlockSize; ++i) {
    inner_pad[i] = static_cast<char>(block[i] ^ 0x36);
    outer_pad[i] = static_cast<char>(block[i] ^ 0x5c);
  }
  Sha256 inner;
  inner.update(std::string_view(inner_pad.data(), inner_pad.size()));
  inner.update(message);
  const Sha256Digest inner_digest = inner.finish();
  Sha256 outer;
  outer.update(std::string_view(outer_pad.data(), outer_pad.size()));
  outer.update(as_view(inner_digest));
  return outer.finish();
}

std::string uri_encode(std::string_view text, bool encode_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      out += ch;
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 0x0F];
    }
  }
  return out;
}

std::string canonical_request(const SigningRequest& request, const AwsCredentials& credentials) {
  return build_canonical(request, credentials).request;
}

std::string string_to_sign(const SigningRequest& request, const AwsCredentials& credentials) {
  return string_to_sign_of(request, build_canonical(request, credentials));
}

HeaderList sign_v4(const SigningRequest& request, const AwsCredentials& credentials) {
  const Canonical canonical = build_canonical(request, credentials);
  // The key is derived through the scope so that a leaked derived key is
  // good only for one day, region and service.
  Sha256Digest key = hmac_sha256("AWS4" + credentials.secret_access_key, date_of(request));
  key = hmac_sha256(as_view(key), request.region);
  key = hmac_sha256(as_view(key), request.service);
  key = hmac_sha256(as_view(key), "aws4_request");
  const Sha256Digest signature = hmac_sha256(as_view(key), string_to_sign_of(request, canonical));

  HeaderList out;
  out.emplace_back("x-amz-date", request.timestamp);
  out.emplace_back("x-amz-content-sha256", payload_hash(request));
  if (!credentials.session_token.empty()) {
    out.emplace_back("x-amz-security-token", credentials.session_token);
  }
  out.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id +
                                        "/" + credential_scope(request) +
                                        ",SignedHeaders=" + canonical.signed_headers +
                                        ",Signature=" + hex(signature.data(), signature.size()));
  return out;
}

std::string amz_timestamp(int64_t unix_seconds) {
  // Split without multiplying back, which could overflow near INT64_MIN.
  int64_t second_of_day = unix_seconds % 86400;
  int64_t days = unix_seconds / 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  // The Gregorian calendar repeats every 400 years (146097 days): reduce to a
  // non-negative day within a cycle starting 2000-01-01, so that negative
  // times need no special case and the year walk below is bounded.
  constexpr int64_t kCycleDays = 146097;
  constexpr int64_t kDays1970To2000 = 10957;
  int64_t day = days - kDays1970To2000;
  int64_t cycles = day / kCycleDays;
  day %= kCycleDays;
  if (day < 0) {
    day += kCycleDays;
    --cycles;
  }
  int64_t year = 2000 + 400 * cycles;
  for (int64_t length = 365 + is_leap_year(year); day >= length;
       length = 365 + is_leap_year(year)) {
    day -= length;
    ++year;
  }
  static constexpr int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int month = 0;
  for (;; ++month) {
    const int length = kMonthDays[month] + (month == 1 && is_leap_year(year) ? 1 : 0);
    if (day < length) break;
    day -= length;
  }
  char text[64];
  std::snprintf(
      text, sizeof text, "%04lld%02d%02lldT%02lld%02lld%02lldZ", static_cast<long long>(year),
      month + 1, static_cast<long long>(day + 1), static_cast<long long>(second_of_day / 3600),
      static_cast<long long>(second_of_day / 60 % 60), static_cast<long long>(second_of_day % 60));
  return text;
}

}  // namespace rk::remote
