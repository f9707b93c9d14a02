#!/usr/bin/python3
"""Expected values for autotest/remote/sigv4_test.cpp, computed independently
of the C++ code with Python's hashlib and hmac.

The SigV4 rules below are written from AWS's description of the algorithm
(canonical request, string to sign, derived signing key); the script first
checks itself against the signatures AWS publishes for its S3 examples, then
prints the values the C++ tests embed for the cases AWS does not cover.

usage: /usr/bin/python3 autotest/remote/sigv4_reference.py
"""
import calendar
import hashlib
import hmac
import re
import sys
import time

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def uri_encode(text, encode_slash):
    unreserved = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
    out = []
    for byte in text.encode("utf-8"):
        if byte in unreserved or (byte == ord("/") and not encode_slash):
            out.append(chr(byte))
        else:
            out.append("%%%02X" % byte)
    return "".join(out)


def trim_value(value):
    # Leading/trailing blanks dropped, inner runs of blanks (space, tab) become one space.
    return re.sub(r"[ \t]+", " ", value.strip(" \t"))


def sign(method, host, path, query, headers, payload_sha256, region, service, timestamp,
         key=AWS_KEY, secret=AWS_SECRET, token=""):
    payload = payload_sha256 or EMPTY_SHA256
    all_headers = {"host": host, "x-amz-content-sha256": payload, "x-amz-date": timestamp}
    if token:
        all_headers["x-amz-security-token"] = token
    for name, value in headers:
        name = name.lower()
        if name in ("host", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token",
                    "authorization"):
            continue  # the signer's own values win
        value = trim_value(value)
        all_headers[name] = all_headers[name] + "," + value if name in all_headers else value
    names = sorted(all_headers)
    signed = ";".join(names)
    encoded = sorted((uri_encode(n, True), uri_encode(v, True)) for n, v in query)
    canonical = "\n".join([
        method,
        path,
        "&".join("%s=%s" % nv for nv in encoded),
        "".join("%s:%s\n" % (n, all_headers[n]) for n in names),
        signed,
        payload,
    ])
    date = timestamp[:8]
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    to_sign = "\n".join([
        "AWS4-HMAC-SHA256", timestamp, scope,
        hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    ])
    k = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode("utf-8"), hashlib.sha256).digest()
    signature = hmac.new(k, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    authorization = "AWS4-HMAC-SHA256 Credential=%s/%s,SignedHeaders=%s,Signature=%s" % (
        key, scope, signed, signature)
    return canonical, to_sign, authorization


def s3_example(path, query=(), headers=(), payload="", method="GET"):
    return sign(method, "examplebucket.s3.amazonaws.com", path, list(query), list(headers),
                payload, "us-east-1", "s3", "20130524T000000Z")


def check_aws_examples():
    """The signatures published in the S3 API reference (sig-v4-header-based-auth)."""
    published = [
        (s3_example("/test.txt", headers=[("Range", "bytes=0-9")]),
         "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
        (s3_example("/test%24file.text", method="PUT",
                    headers=[("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                             ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
                    payload=hashlib.sha256(b"Welcome to Amazon S3.").hexdigest()),
         "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
        (s3_example("/", query=[("lifecycle", "")]),
         "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
        (s3_example("/", query=[("max-keys", "2"), ("prefix", "J")]),
         "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
    ]
    for (_, _, authorization), signature in published:
        if not authorization.endswith("Signature=" + signature):
            sys.exit("reference SigV4 disagrees with AWS: " + authorization)
    print("AWS S3 examples: all %d published signatures reproduced" % len(published))


def pseudo_random_bytes(n):
    # The same 32-bit linear congruential generator as the C++ test: top byte of each state.
    state, out = 12345, bytearray()
    for _ in range(n):
        state = (state * 1103515245 + 12345) & 0xFFFFFFFF
        out.append(state >> 24)
    return bytes(out)


def print_sha256():
    data = pseudo_random_bytes(300)
    print("\n# SHA-256 of the first N pseudo-random bytes")
    for n in (0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 300):
        print("  %3d %s" % (n, hashlib.sha256(data[:n]).hexdigest()))
    all_digests = "".join(hashlib.sha256(data[:n]).hexdigest() for n in range(301))
    print("sha256 of the 301 hex digests for N = 0..300 concatenated:",
          hashlib.sha256(all_digests.encode()).hexdigest())
    print("one million 'a':", hashlib.sha256(b"a" * 1000000).hexdigest())


def print_hmac():
    print("\n# RFC 4231 HMAC-SHA256 (computed, to compare with the RFC's text)")
    cases = [
        (1, b"\x0b" * 20, b"Hi There"),
        (2, b"Jefe", b"what do ya want for nothing?"),
        (3, b"\xaa" * 20, b"\xdd" * 50),
        (4, bytes(range(1, 26)), b"\xcd" * 50),
        (6, b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First"),
        (7, b"\xaa" * 131, b"This is a test using a larger than block-size key and a larger "
         b"than block-size data. The key needs to be hashed before being used by the HMAC "
         b"algorithm."),
    ]
    for number, key, data in cases:
        print("  case %d: %s" % (number, hmac.new(key, data, hashlib.sha256).hexdigest()))


def show(title, result):
    canonical, to_sign, authorization = result
    print("\n# " + title)
    print("canonical request:\n" + canonical)
    print("string to sign:\n" + to_sign)
    print("authorization:\n" + authorization)


def print_sigv4_cases():
    aws = s3_example("/test.txt", headers=[("Range", "bytes=0-9")])
    print("\n# AWS GET Object example")
    print("string to sign:\n" + aws[1])

    show("session token", sign(
        "GET", "my-bucket.s3.eu-west-3.amazonaws.com", "/tiles/0/0/0.tif", [],
        [("Range", "bytes=1024-2047")], "UNSIGNED-PAYLOAD", "eu-west-3", "s3",
        "20240229T235959Z", token="IQoJb3JpZ2luX2VjEXAMPLE/+token=="))

    key = "dir with spaces/\u00fcn\u00efc\u00f6de \u20ac~(1).tif"
    path = "/rasters/" + uri_encode(key, False)
    print("\n# uri_encode of the object key\n" + path)
    show("path with spaces and unicode", sign(
        "HEAD", "s3.amazonaws.com", path, [], [], "", "us-east-1", "s3", "20150505T000000Z"))

    show("query values needing encoding", sign(
        "GET", "minio.local:9000", "/rasters", [
            ("list-type", "2"),
            ("prefix", "dir with spaces/\u00e9t\u00e9+*"),
            ("continuation-token", "1/2+3=="),
            ("delimiter", "/"),
            ("encoding-type", ""),
        ], [], "", "us-west-2", "s3", "20150505T000000Z"))

    show("query parameters with equal names", sign(
        "GET", "example.amazonaws.com", "/", [
            ("b", "2"), ("a", "z"), ("a", "y"), ("A", "x"), ("a", "Y"), ("a-b", "1"), ("a", ""),
        ], [], "", "us-east-1", "service", "20150830T123600Z"))

    show("header whitespace", sign(
        "GET", "examplebucket.s3.amazonaws.com", "/test.txt", [],
        [("X-Amz-Meta-Note", "  two   spaces\tand  a\t\ttab  "), ("My-Header1", "value1"),
         ("my-header1", " value2  again ")], "", "us-east-1", "s3", "20130524T000000Z"))


def print_timestamps():
    print("\n# amz_timestamp")
    for seconds in (0, -1, 1430784000, 951782400 + 45296, 1456704000 + 86399, 4107542400,
                    -2208988800):
        print("  %d %s" % (seconds, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))))
    assert calendar.timegm((2000, 2, 29, 12, 34, 56)) == 951782400 + 45296


if __name__ == "__main__":
    check_aws_examples()
    print_sha256()
    print_hmac()
    print_sigv4_cases()
    print_timestamps()
