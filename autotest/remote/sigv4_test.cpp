// SHA-256, HMAC-SHA256 and AWS Signature Version 4: the published vectors
// (FIPS 180-2 examples, RFC 4231, the S3 API reference's signing examples),
// then cases AWS does not publish, checked against values computed
// independently with Python's hashlib/hmac by sigv4_reference.py (run it with
// /usr/bin/python3 to regenerate every constant below).
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include <rasterkit/remote/sigv4.h>

namespace rk::remote {
namespace {

const AwsCredentials kAwsExampleCredentials = {"AKIAIOSFODNN7EXAMPLE",
                                               "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const char* const kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string digest_hex(const Sha256Digest& digest) { return hex(digest.data(), digest.size()); }

std::string bytes(std::initializer_list<uint8_t> values) {
  return std::string(values.begin(), values.end());
}

// The generator sigv4_reference.py mirrors: top byte of a 32-bit LCG state.
std::string pseudo_random_bytes(size_t n) {
  std::string out;
  uint32_t state = 12345;
  for (size_t i = 0; i < n; ++i) {
    state = state * 1103515245u + 12345u;
    out += static_cast<char>(state >> 24);
  }
  return out;
}

std::string header_value(const HeaderList& headers, const std::string& name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "<missing " + name + ">";
}

// The request of the S3 API reference's signing examples (bucket
// "examplebucket", 24 May 2013, us-east-1).
SigningRequest s3_example(const std::string& path) {
  SigningRequest r;
  r.host = "examplebucket.s3.amazonaws.com";
  r.path = path;
  r.timestamp = "20130524T000000Z";
  return r;
}

TEST_CASE("SHA-256: FIPS 180-2 example messages", "[sigv4][sha256]") {
  CHECK(sha256_hex("") == kEmptySha256);
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnop"
                   "qklmnopqrlmnopqrsmnopqrstnopqrstu") ==
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Embedded NULs are data, not terminators.
  CHECK(sha256_hex(std::string("a\0b", 3)) ==
        "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138");
  const Sha256Digest d = sha256("abc");
  CHECK(d[0] == 0xba);
  CHECK(d[31] == 0xad);
}

TEST_CASE("SHA-256: every length around the padding boundaries", "[sigv4][sha256]") {
  const std::string data = pseudo_random_bytes(300);
  // One block holds 55 bytes of message with its padding; 56..63 spill the
  // length into a second block.
  const std::pair<size_t, const char*> expected[] = {
      {0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {1, "28969cdfa74a12c82f3bad960b0b000aca2ac329deea5c2328ebc6f2ba9802c1"},
      {55, "de8ecaacd17b7b3c930ce92aee684f01be0f9d51e79cac480468285357ea222c"},
      {56, "e387cd9820f9f40de1c32a9520672bc83118e44dc460a53ada22a0e37b395148"},
      {57, "36ca9ddee9c71bf4858ce6e3f963883c360ea51dc933760b10dfff3f9e0c6623"},
      {63, "aabcb078117b89e753bf3288fbab76bdc4ff41a4c50c4895712ae628203eb260"},
      {64, "07ef99a5568f61060103669d5ba609650b3f9e4b8934c6056bb23de35e0412a7"},
      {65, "9905034cd389d4abb4c51b8cfb978c15e3ad5d4b77e68b7a978d6e1f5d50a3aa"},
      {119, "d59842df4f4fbdbe412eb4bcf550d98d24549937567f707a072a6f8598d4fb6d"},
      {120, "16cf2e045872e5532e48bdb3392465e7931b818f04bf558f92919344dc07428b"},
      {127, "41ab4f972f820d1f283fdcb07def09d8ddecbe409203745e0bb04bd404e036aa"},
      {128, "fd17f7afa513c8ac8ed05adccae814d1fc4e7d27743747653791a6f655fe9bc8"},
      {129, "6f7f06b727924ed872b26295a31a352c5c0628cb376e9030a274bf68e13c1509"},
      {300, "752a428383ba378bc3f71d96dd6216a491a99cbd88d1edfec34569e100faa03b"},
  };
  for (const auto& [length, digest] : expected) {
    INFO("length " << length);
    CHECK(sha256_hex(std::string_view(data).substr(0, length)) == digest);
  }
  // All 301 lengths at once: the digest of their concatenated hex digests.
  std::string all;
  for (size_t n = 0; n <= 300; ++n) all += sha256_hex(std::string_view(data).substr(0, n));
  CHECK(sha256_hex(all) == "07386f47b105211e1a9fb047328d50439bfc753d8980c4475cbf24db16792613");
}

TEST_CASE("hex: lowercase, two digits a byte", "[sigv4]") {
  const uint8_t data[] = {0x00, 0x0f, 0xa0, 0xff};
  CHECK(hex(data, 4) == "000fa0ff");
  CHECK(hex(data, 0).empty());
}

TEST_CASE("HMAC-SHA256: RFC 4231 test cases", "[sigv4][hmac]") {
  CHECK(digest_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(digest_hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(digest_hex(hmac_sha256(std::string(20, '\xaa'), std::string(50, '\xdd'))) ==
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  const std::string key4 =
      bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
             0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19});
  CHECK(digest_hex(hmac_sha256(key4, std::string(50, '\xcd'))) ==
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  // Keys longer than the 64-byte block are hashed first.
  const std::string long_key(131, '\xaa');
  CHECK(
      digest_hex(hmac_sha256(long_key, "Test Using Larger Than Block-Size Key - Hash Key First")) ==
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(digest_hex(hmac_sha256(
            long_key,
            "This is a test using a larger than block-size key and a larger than block-size "
            "data. The key needs to be hashed before being used by the HMAC algorithm.")) ==
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST_CASE("uri_encode: unreserved kept, the rest %XX uppercase", "[sigv4]") {
  CHECK(uri_encode("AZaz09-_.~", true) == "AZaz09-_.~");
  CHECK(uri_encode("a/b c", false) == "a/b%20c");
  CHECK(uri_encode("a/b c", true) == "a%2Fb%20c");
  CHECK(uri_encode("+*=&%?#:@!$'(),;", true) == "%2B%2A%3D%26%25%3F%23%3A%40%21%24%27%28%29%2C%3B");
  CHECK(uri_encode("\xc3\xa9\xe2\x82\xac", true) == "%C3%A9%E2%82%AC");  // "é€" in UTF-8
  CHECK(uri_encode(std::string("a\0b", 3), true) == "a%00b");
  CHECK(uri_encode("", true).empty());
}

TEST_CASE("SigV4: AWS S3 example GET Object", "[sigv4]") {
  SigningRequest r = s3_example("/test.txt");
  r.headers = {{"Range", "bytes=0-9"}};
  CHECK(canonical_request(r, kAwsExampleCredentials) ==
        "GET\n/test.txt\n\n"
        "host:examplebucket.s3.amazonaws.com\n"
        "range:bytes=0-9\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-amz-date:20130524T000000Z\n\n"
        "host;range;x-amz-content-sha256;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(string_to_sign(r, kAwsExampleCredentials) ==
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  const HeaderList h = sign_v4(r, kAwsExampleCredentials);
  REQUIRE(h.size() == 3);
  CHECK(h[0] == std::make_pair(std::string("x-amz-date"), std::string("20130524T000000Z")));
  CHECK(h[1] == std::make_pair(std::string("x-amz-content-sha256"), std::string(kEmptySha256)));
  CHECK(h[2].first == "Authorization");
  CHECK(h[2].second ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  // The debugging strings never carry the secret.
  CHECK(canonical_request(r, kAwsExampleCredentials).find("EXAMPLEKEY") == std::string::npos);
  CHECK(string_to_sign(r, kAwsExampleCredentials).find("EXAMPLEKEY") == std::string::npos);
}

TEST_CASE("SigV4: AWS S3 examples PUT Object, GET Bucket lifecycle, list objects", "[sigv4]") {
  SigningRequest put = s3_example("/test%24file.text");
  put.method = "PUT";
  put.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                 {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  put.payload_sha256 = sha256_hex("Welcome to Amazon S3.");
  CHECK(put.payload_sha256 == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  CHECK(header_value(sign_v4(put, kAwsExampleCredentials), "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
        "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");

  SigningRequest lifecycle = s3_example("/");
  lifecycle.query = {{"lifecycle", ""}};
  CHECK(canonical_request(lifecycle, kAwsExampleCredentials).rfind("GET\n/\nlifecycle=\n", 0) == 0);
  CHECK(header_value(sign_v4(lifecycle, kAwsExampleCredentials), "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
        "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");

  SigningRequest list = s3_example("/");
  list.query = {{"prefix", "J"}, {"max-keys", "2"}};  // given out of order on purpose
  CHECK(canonical_request(list, kAwsExampleCredentials).rfind("GET\n/\nmax-keys=2&prefix=J\n", 0) ==
        0);
  CHECK(header_value(sign_v4(list, kAwsExampleCredentials), "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
        "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("SigV4: a session token is sent and signed", "[sigv4]") {
  SigningRequest r;
  r.host = "my-bucket.s3.eu-west-3.amazonaws.com";
  r.path = "/tiles/0/0/0.tif";
  r.headers = {{"Range", "bytes=1024-2047"}};
  r.payload_sha256 = "UNSIGNED-PAYLOAD";
  r.region = "eu-west-3";
  r.timestamp = "20240229T235959Z";
  AwsCredentials c = kAwsExampleCredentials;
  c.session_token = "IQoJb3JpZ2luX2VjEXAMPLE/+token==";
  CHECK(canonical_request(r, c) ==
        "GET\n/tiles/0/0/0.tif\n\n"
        "host:my-bucket.s3.eu-west-3.amazonaws.com\n"
        "range:bytes=1024-2047\n"
        "x-amz-content-sha256:UNSIGNED-PAYLOAD\n"
        "x-amz-date:20240229T235959Z\n"
        "x-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLE/+token==\n\n"
        "host;range;x-amz-content-sha256;x-amz-date;x-amz-security-token\n"
        "UNSIGNED-PAYLOAD");
  CHECK(string_to_sign(r, c) ==
        "AWS4-HMAC-SHA256\n20240229T235959Z\n20240229/eu-west-3/s3/aws4_request\n"
        "1678cd8551e0223543bffacec06095b65a6217b61073238ba746bd1a23370e89");
  const HeaderList h = sign_v4(r, c);
  REQUIRE(h.size() == 4);
  CHECK(h[0].first == "x-amz-date");
  CHECK(h[1] ==
        std::make_pair(std::string("x-amz-content-sha256"), std::string("UNSIGNED-PAYLOAD")));
  CHECK(h[2] == std::make_pair(std::string("x-amz-security-token"), c.session_token));
  CHECK(h[3].first == "Authorization");
  CHECK(h[3].second ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240229/eu-west-3/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date;x-amz-security-token,"
        "Signature=1113cbba656cb4ba3a427c038a6c6878823f16b11037bb34df649b440a03bf74");
}

TEST_CASE("SigV4: object key with spaces and non-ASCII characters", "[sigv4]") {
  // "dir with spaces/ünïcöde €~(1).tif" in UTF-8.
  const std::string key =
      "dir with spaces/\xc3\xbcn\xc3\xaf"
      "c\xc3\xb6"
      "de \xe2\x82\xac~(1).tif";
  SigningRequest r;
  r.method = "HEAD";
  r.host = "s3.amazonaws.com";
  r.path = "/rasters/" + uri_encode(key, false);
  r.timestamp = "20150505T000000Z";
  CHECK(r.path == "/rasters/dir%20with%20spaces/%C3%BCn%C3%AFc%C3%B6de%20%E2%82%AC~%281%29.tif");
  CHECK(string_to_sign(r, kAwsExampleCredentials) ==
        "AWS4-HMAC-SHA256\n20150505T000000Z\n20150505/us-east-1/s3/aws4_request\n"
        "36c1429014dcecb4bb50b4dd399ff512c0dd970bba99412fc469058ff7db119b");
  CHECK(header_value(sign_v4(r, kAwsExampleCredentials), "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150505/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
        "Signature=12a70533514688e0de77ec3928fcb1e2a698577184d1b38e1c97ed8768e45fb7");
}

TEST_CASE("SigV4: query names and values are encoded, '/' included", "[sigv4]") {
  SigningRequest r;
  r.host = "minio.local:9000";
  r.path = "/rasters";
  r.query = {{"list-type", "2"},
             {"prefix", "dir with spaces/\xc3\xa9t\xc3\xa9+*"},  // "été"
             {"continuation-token", "1/2+3=="},
             {"delimiter", "/"},
             {"encoding-type", ""}};
  r.region = "us-west-2";
  r.timestamp = "20150505T000000Z";
  CHECK(canonical_request(r, kAwsExampleCredentials) ==
        "GET\n/rasters\n"
        "continuation-token=1%2F2%2B3%3D%3D&delimiter=%2F&encoding-type=&list-type=2&"
        "prefix=dir%20with%20spaces%2F%C3%A9t%C3%A9%2B%2A\n"
        "host:minio.local:9000\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-amz-date:20150505T000000Z\n\n"
        "host;x-amz-content-sha256;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(header_value(sign_v4(r, kAwsExampleCredentials), "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150505/us-west-2/s3/aws4_request,"
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
        "Signature=1ac303928ef4296c4bd15911c1a8c80684e4f5f40912bebc3e673e80385a4a14");
}

TEST_CASE("SigV4: repeated query names sort by value, byte order", "[sigv4]") {
  SigningRequest r;
  r.host = "example.amazonaws.com";
  r.query = {{"b", "2"}, {"a", "z"}, {"a", "y"}, {"A", "x"}, {"a", "Y"}, {"a-b", "1"}, {"a", ""}};
  r.service = "service";
  r.timestamp = "20150830T123600Z";
  CHECK(canonical_request(r, kAwsExampleCredentials)
            .rfind("GET\n/\nA=x&a=&a=Y&a=y&a=z&a-b=1&b=2\n", 0) == 0);
  CHECK(header_value(sign_v4(r, kAwsExampleCredentials), "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/service/aws4_request,"
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
        "Signature=47d52307066b691787baae81c5c5518d1d562340cfe20625775f70d78602816b");
}

TEST_CASE("SigV4: header names lowercased, values trimmed and blanks collapsed", "[sigv4]") {
  SigningRequest r = s3_example("/test.txt");
  r.headers = {{"X-Amz-Meta-Note", "  two   spaces\tand  a\t\ttab  "},
               {"My-Header1", "value1"},
               {"my-header1", " value2  again "}};
  CHECK(canonical_request(r, kAwsExampleCredentials) ==
        "GET\n/test.txt\n\n"
        "host:examplebucket.s3.amazonaws.com\n"
        "my-header1:value1,value2 again\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-amz-date:20130524T000000Z\n"
        "x-amz-meta-note:two spaces and a tab\n\n"
        "host;my-header1;x-amz-content-sha256;x-amz-date;x-amz-meta-note\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(header_value(sign_v4(r, kAwsExampleCredentials), "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;my-header1;x-amz-content-sha256;x-amz-date;x-amz-meta-note,"
        "Signature=907706e42b1a6fa7fafe645cdd30e6b324f465d38765af2530e4d65481219eec");
}

TEST_CASE("SigV4: caller copies of the signer's own headers are ignored", "[sigv4]") {
  SigningRequest plain = s3_example("/test.txt");
  plain.headers = {{"Range", "bytes=0-9"}};
  SigningRequest noisy = plain;
  noisy.headers = {{"HOST", "elsewhere"},
                   {"Range", "bytes=0-9"},
                   {"X-Amz-Date", "19990101T000000Z"},
                   {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"},
                   {"x-amz-security-token", "stale"},
                   {"Authorization", "AWS4-HMAC-SHA256 stale"}};
  CHECK(canonical_request(noisy, kAwsExampleCredentials) ==
        canonical_request(plain, kAwsExampleCredentials));
  CHECK(sign_v4(noisy, kAwsExampleCredentials) == sign_v4(plain, kAwsExampleCredentials));
}

TEST_CASE("SigV4: empty path and payload hash take their defaults", "[sigv4]") {
  SigningRequest r = s3_example("");
  r.query = {{"lifecycle", ""}};
  SigningRequest explicit_defaults = s3_example("/");
  explicit_defaults.query = r.query;
  explicit_defaults.payload_sha256 = kEmptySha256;
  CHECK(canonical_request(r, kAwsExampleCredentials) ==
        canonical_request(explicit_defaults, kAwsExampleCredentials));
  CHECK(header_value(sign_v4(r, kAwsExampleCredentials), "x-amz-content-sha256") == kEmptySha256);
}

TEST_CASE("amz_timestamp: Unix time to the ISO 8601 basic format", "[sigv4]") {
  CHECK(amz_timestamp(0) == "19700101T000000Z");
  CHECK(amz_timestamp(-1) == "19691231T235959Z");
  CHECK(amz_timestamp(1430784000) == "20150505T000000Z");
  CHECK(amz_timestamp(951827696) == "20000229T123456Z");   // leap day of a leap century
  CHECK(amz_timestamp(1456790399) == "20160229T235959Z");  // last second of a leap day
  CHECK(amz_timestamp(4107542400) == "21000301T000000Z");  // 2100 is not a leap year
  CHECK(amz_timestamp(-2208988800) == "19000101T000000Z");
}

}  // namespace
}  // namespace rk::remote
