#!/usr/bin/python3
"""Self-test of autotest/remote/servers.py.

Run:  /usr/bin/python3 autotest/remote/servers_selftest.py [-v]

Needs nginx (nginx-light), curl, and optionally s3rver 3.7.1 ($RK_S3RVER or
<repo>/.tools/s3rver; the S3 tests are skipped without it) and gdalinfo
(gdal-bin; the GDAL checks are skipped without it).  Timing bounds are loose:
the machine may be busy.  The last test class checks that no server process
or thread is left behind.
"""

import email.utils
import hashlib
import http.client
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers as S  # noqa: E402

CURL = shutil.which("curl")
GDALINFO = "/usr/bin/gdalinfo" if os.access("/usr/bin/gdalinfo", os.X_OK) else None
EMPTY = S.EMPTY_SHA256

DATA_DIR = None
BIG = random.Random(1234).randbytes(200_000)
TRACKED = []  # (label, tmpdir or None, pgid or None)


def tiny_tiff(width=8, height=8):
    """A minimal uncompressed 8-bit one-strip little-endian TIFF."""
    pixels = bytes((x * 16 + y) & 0xFF for y in range(height) for x in range(width))
    entries = [  # tag, type, count, value
        (256, 3, 1, width), (257, 3, 1, height), (258, 3, 1, 8), (259, 3, 1, 1),
        (262, 3, 1, 1), (273, 4, 1, 0), (277, 3, 1, 1), (278, 3, 1, height),
        (279, 4, 1, len(pixels)), (284, 3, 1, 1),
    ]
    ifd_off = 8
    data_off = ifd_off + 2 + 12 * len(entries) + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", ifd_off))
    out += struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        if tag == 273:
            value = data_off
        if typ == 3:
            out += struct.pack("<HHIHH", tag, typ, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, typ, count, value)
    out += struct.pack("<I", 0)
    return bytes(out + pixels)


TIFF = tiny_tiff()


def setUpModule():
    global DATA_DIR
    DATA_DIR = tempfile.mkdtemp(prefix="rk-selftest-data-")
    with open(os.path.join(DATA_DIR, "big.bin"), "wb") as f:
        f.write(BIG)
    with open(os.path.join(DATA_DIR, "small.tif"), "wb") as f:
        f.write(TIFF)
    os.mkdir(os.path.join(DATA_DIR, "sub dir"))
    with open(os.path.join(DATA_DIR, "sub dir", "x y.bin"), "wb") as f:
        f.write(b"0123456789")


def tearDownModule():
    shutil.rmtree(DATA_DIR, ignore_errors=True)


def track(srv, label):
    TRACKED.append((label, getattr(srv, "tmpdir", None), getattr(srv, "pid", None)))
    return srv


def get(url, headers=None, method="GET", timeout=30):
    """(status, headers, body) without raising on HTTP errors."""
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def curl(*args, timeout=60):
    r = subprocess.run([CURL, "-sS", *args], capture_output=True, timeout=timeout)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def read_all_counting(resp):
    """Read a response body chunk by chunk: (bytes received, exception or None)."""
    got = bytearray()
    try:
        while True:
            chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
            if not chunk:
                if resp.length:  # http.client: EOF before Content-Length
                    raise http.client.IncompleteRead(bytes(got), resp.length)
                break
            got += chunk
    except (http.client.IncompleteRead, ConnectionError) as e:
        return bytes(got), e
    return bytes(got), None


def parse_multipart(body, content_type):
    boundary = content_type.split("boundary=", 1)[1].strip().strip('"').encode()
    parts = []
    for chunk in body.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.lstrip(b"\r\n").partition(b"\r\n\r\n")
        headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n") if line)
        parts.append((headers[b"Content-Range"].decode(), data[:-2]))  # strip CRLF
    return parts


# ---------------------------------------------------------------------------
class NginxTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.ng = track(S.Nginx(DATA_DIR).start(), "nginx")

    @classmethod
    def tearDownClass(cls):
        cls.ng.stop()

    def setUp(self):
        self.ng.reset_log()

    def test_single_range(self):
        st, h, body = get(self.ng.url("big.bin"), {"Range": "bytes=100-199"})
        self.assertEqual(st, 206)
        self.assertEqual(body, BIG[100:200])
        self.assertEqual(h["Content-Range"], "bytes 100-199/%d" % len(BIG))
        self.assertTrue(h["ETag"])
        recs = self.ng.requests()
        self.assertEqual(len(recs), 1)
        r = recs[0]
        self.assertEqual((r["method"], r["uri"], r["range"], r["status"], r["body_bytes_sent"],
                          r["protocol"]), ("GET", "/big.bin", "bytes=100-199", 206, 100, "HTTP/1.1"))
        self.assertEqual(r["content_range"], "bytes 100-199/%d" % len(BIG))
        self.assertEqual(self.ng.request_count(), 1)
        self.assertEqual(self.ng.bytes_sent(), 100)

    def test_suffix_and_open_ranges_and_416(self):
        st, h, body = get(self.ng.url("big.bin"), {"Range": "bytes=-10"})
        self.assertEqual((st, body), (206, BIG[-10:]))
        st, h, body = get(self.ng.url("big.bin"), {"Range": "bytes=199990-"})
        self.assertEqual((st, body), (206, BIG[199990:]))
        st, h, body = get(self.ng.url("big.bin"), {"Range": "bytes=300000-300010"})
        self.assertEqual(st, 416)
        self.assertEqual(h["Content-Range"], "bytes */%d" % len(BIG))
        self.assertEqual([r["status"] for r in self.ng.requests()], [206, 206, 416])

    def test_multi_range(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.ng.port, timeout=30)
        conn.request("GET", "/big.bin", headers={"Range": "bytes=0-9,1000-1019,199990-"})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        self.assertEqual(resp.status, 206)
        ctype = resp.getheader("Content-Type")
        self.assertTrue(ctype.startswith("multipart/byteranges; boundary="), ctype)
        parts = parse_multipart(body, ctype)
        n = len(BIG)
        self.assertEqual(parts, [("bytes 0-9/%d" % n, BIG[0:10]),
                                 ("bytes 1000-1019/%d" % n, BIG[1000:1020]),
                                 ("bytes 199990-199999/%d" % n, BIG[199990:])])
        r = self.ng.requests()[-1]
        self.assertEqual((r["status"], r["range"], r["content_range"]),
                         (206, "bytes=0-9,1000-1019,199990-", None))
        self.assertEqual(r["body_bytes_sent"], len(body))

    def test_many_ranges_no_max_ranges_limit(self):
        spec = ",".join("%d-%d" % (i * 1000, i * 1000 + 9) for i in range(150))
        conn = http.client.HTTPConnection("127.0.0.1", self.ng.port, timeout=30)
        conn.request("GET", "/big.bin", headers={"Range": "bytes=" + spec})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        self.assertEqual(resp.status, 206)
        self.assertEqual(len(parse_multipart(body, resp.getheader("Content-Type"))), 150)

    def test_keepalive_reuse_in_log(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.ng.port, timeout=30)
        for i in range(3):
            conn.request("GET", "/big.bin", headers={"Range": "bytes=%d-%d" % (i * 10, i * 10 + 9)})
            resp = conn.getresponse()
            self.assertEqual(resp.read(), BIG[i * 10:i * 10 + 10])
        conn.close()
        recs = self.ng.requests()
        self.assertEqual(len(recs), 3)
        self.assertEqual(len({r["connection"] for r in recs}), 1, recs)
        self.assertEqual([r["connection_requests"] for r in recs], [1, 2, 3])

    def test_head_etag_and_quoted_names(self):
        st, h, body = get(self.ng.url("big.bin"), method="HEAD")
        self.assertEqual((st, body), (200, b""))
        self.assertEqual(h["Content-Length"], str(len(BIG)))
        self.assertTrue(h["ETag"].startswith('"'))
        self.assertEqual(h["Accept-Ranges"], "bytes")
        st, h, body = get(self.ng.url("sub dir/x y.bin"), {"Range": "bytes=2-4"})
        self.assertEqual((st, body), (206, b"234"))
        self.assertEqual(self.ng.requests()[-1]["uri"], "/sub dir/x y.bin")
        self.assertEqual(self.ng.requests()[-1]["request_uri"], "/sub%20dir/x%20y.bin")

    def test_read_only(self):
        st, h, body = get(self.ng.url("big.bin"), method="PUT")
        self.assertEqual(st, 405)

    @unittest.skipUnless(CURL, "curl not installed")
    def test_http2_prior_knowledge(self):
        with S.Nginx(DATA_DIR, http2=True) as ng2:
            track(ng2, "nginx-h2")
            rc, out, err = curl("--http2-prior-knowledge", "-r", "0-9", "-o", "-",
                                "-w", "\n%{http_version} %{http_code}", ng2.url("big.bin"))
            self.assertEqual(rc, 0, err)
            body, _, tail = out.rpartition(b"\n")
            self.assertEqual(body, BIG[:10])
            self.assertEqual(tail, b"2 206")
            recs = ng2.requests()
            self.assertEqual([(r["protocol"], r["status"], r["range"]) for r in recs],
                             [("HTTP/2.0", 206, "bytes=0-9")])
            # Several streams on one connection (curl 7.88.1 cannot reuse an
            # h2c prior-knowledge connection: curl#10634), with our client.
            ng2.reset_log()
            res = S.h2c_get("127.0.0.1", ng2.port, ["/big.bin"] * 3, headers={"range": "bytes=5-14"})
            self.assertEqual([(x["status"], x["body"]) for x in res], [(206, BIG[5:15])] * 3)
            recs = ng2.requests()
            self.assertEqual(len({r["connection"] for r in recs}), 1)
            self.assertEqual([r["connection_requests"] for r in recs], [1, 2, 3])
            self.assertTrue(all(r["protocol"] == "HTTP/2.0" for r in recs))
            # HTTP/1.1 is not spoken on the h2 listener.
            rc, out, err = curl("--http1.1", "-m", "5", ng2.url("big.bin"))
            self.assertNotEqual(rc, 0)

    def test_start_failure_reports_error_log(self):
        ng = S.Nginx(DATA_DIR, extra_conf="bogus_directive_rk on;")
        with self.assertRaises(S.ServerStartError) as cm:
            ng.start()
        self.assertIn('unknown directive "bogus_directive_rk"', str(cm.exception))
        self.assertIsNone(ng.proc)
        self.assertFalse(os.path.exists(ng.tmpdir))

    def test_stop_leaves_no_process(self):
        ng = S.Nginx(DATA_DIR).start()
        tmp, pgid = ng.tmpdir, ng.pid
        self.assertTrue(S._group_alive(pgid))
        ng.stop()
        self.assertFalse(S._group_alive(pgid))
        r = subprocess.run(["pgrep", "-f", tmp], capture_output=True, text=True)
        self.assertEqual(r.stdout, "")
        self.assertIsNotNone(ng.requests())  # log still readable after stop


# ---------------------------------------------------------------------------
class S3ServerTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.s3 = track(S.S3Server(DATA_DIR, buckets=("rk-test", "rk-other")).start(), "s3rver")

    @classmethod
    def tearDownClass(cls):
        cls.s3.stop()

    def signed(self, method, key, headers=None, secret=None, access_key=None, bucket="rk-test",
               amz_date=None):
        path = "/%s/%s" % (bucket, urllib.parse.quote(key))
        hdrs, _ = S.sigv4_sign_headers(method, self.s3.endpoint, path, "", headers or {}, b"",
                                       access_key=access_key or "S3RVER",
                                       secret=secret or "S3RVER", amz_date=amz_date)
        return get("http://%s%s" % (self.s3.endpoint, path), hdrs, method)

    def test_preloaded_and_put(self):
        st, h, body = self.signed("GET", "big.bin", {"Range": "bytes=10-19"})
        self.assertEqual((st, body), (206, BIG[10:20]))
        st, h, body = self.signed("GET", "sub dir/x y.bin")
        self.assertEqual((st, body), (200, b"0123456789"))
        etag = self.s3.put("rk-other", "copy/small.tif", os.path.join(DATA_DIR, "small.tif"))
        self.assertEqual(etag, '"%s"' % hashlib.md5(TIFF).hexdigest())
        st, h, body = self.signed("GET", "copy/small.tif", bucket="rk-other")
        self.assertEqual((st, body), (200, TIFF))

    @unittest.skipUnless(CURL, "curl not installed")
    def test_curl_sigv4_ranged_get(self):
        base = ["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "S3RVER:S3RVER"]
        rc, out, err = curl(*base, "-H", "x-amz-content-sha256: " + EMPTY, "-r", "100-199",
                            "--fail", self.s3.url("rk-test", "big.bin"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, BIG[100:200])
        # curl 7.88 sends no x-amz-content-sha256 by itself; s3rver wants it.
        rc, out, err = curl(*base, "-r", "0-9", "-w", "%{http_code}", "-o", "/dev/null",
                            self.s3.url("rk-test", "big.bin"))
        self.assertEqual(out, b"400")

    @unittest.skipUnless(GDALINFO, "gdalinfo not installed")
    def test_gdal_vsis3(self):
        env = dict(os.environ, **self.s3.env())
        r = subprocess.run([GDALINFO, self.s3.vsis3("rk-test", "small.tif")], env=env,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Driver: GTiff/GeoTIFF", r.stdout)
        self.assertIn("Size is 8, 8", r.stdout)

    def test_what_s3rver_checks(self):
        # A correct signature works.
        st, _, body = self.signed("GET", "big.bin", {"Range": "bytes=0-9"})
        self.assertEqual((st, body), (206, BIG[:10]))
        # A wrong secret works too: s3rver 3.7.1 does not verify SigV4.
        st, _, body = self.signed("GET", "big.bin", {"Range": "bytes=0-9"}, secret="WRONG")
        self.assertEqual(st, 206, "s3rver now verifies SigV4: update servers.py's docstring")
        # ... nor does it need a signature at all.
        st, _, body = get(self.s3.url("rk-test", "big.bin"), {"Range": "bytes=0-9"})
        self.assertEqual(st, 206)
        # Unknown access key id: 403 InvalidAccessKeyId.
        st, _, body = self.signed("GET", "big.bin", access_key="NOSUCHKEY")
        self.assertEqual(st, 403)
        self.assertIn(b"InvalidAccessKeyId", body)
        # Clock skew over 15 minutes: 403 RequestTimeTooSkewed.
        st, _, body = self.signed("GET", "big.bin", amz_date=time.time() - 3600)
        self.assertEqual(st, 403)
        self.assertIn(b"RequestTimeTooSkewed", body)
        # V2 signatures are verified: 403 SignatureDoesNotMatch.
        st, _, body = get(self.s3.url("rk-test", "big.bin"),
                          {"Authorization": "AWS S3RVER:bm90LWEtc2lnbmF0dXJl",
                           "Date": email.utils.formatdate(usegmt=True)})
        self.assertEqual(st, 403)
        self.assertIn(b"SignatureDoesNotMatch", body)

    def test_s3rver_range_quirks(self):
        # Documented in servers.py: do not use s3rver for Range semantics.
        n = len(BIG)
        st, h, body = self.signed("GET", "big.bin", {"Range": "bytes=0-0"})
        self.assertEqual((st, len(body), h["Content-Range"]), (206, n, "bytes 0-%d/%d" % (n - 1, n)))
        st, h, body = self.signed("GET", "big.bin", {"Range": "bytes=-5"})
        self.assertEqual((st, body), (206, BIG[0:6]))


class S3ServerAbsentTest(unittest.TestCase):

    def test_missing_binary_is_a_skip(self):
        old = os.environ.get("RK_S3RVER")
        os.environ["RK_S3RVER"] = "/nonexistent/s3rver"
        try:
            with self.assertRaises(S.ServerUnavailable) as cm:
                S.S3Server().start()
            self.assertIsInstance(cm.exception, unittest.SkipTest)
            self.assertIn("npm install --prefix", str(cm.exception))
            self.assertIn("s3rver@3.7.1", str(cm.exception))
        finally:
            if old is None:
                del os.environ["RK_S3RVER"]
            else:
                os.environ["RK_S3RVER"] = old


# ---------------------------------------------------------------------------
class FaultServerTest(unittest.TestCase):

    def setUp(self):
        self.fs = S.FaultServer({"a.bin": BIG, "rk/b.tif": TIFF, "empty": b""}).start()
        track(self.fs, "fault")

    def tearDown(self):
        self.fs.stop()

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.fs.port, timeout=30)

    def test_range_semantics(self):
        n = len(BIG)
        st, h, body = get(self.fs.url("a.bin"))
        self.assertEqual((st, body, h["Accept-Ranges"]), (200, BIG, "bytes"))
        self.assertEqual(h["ETag"], '"%s"' % hashlib.md5(BIG).hexdigest())
        self.assertTrue(h["Last-Modified"])
        for spec, (s, e) in [("bytes=10-19", (10, 19)), ("bytes=199990-", (199990, n - 1)),
                             ("bytes=-7", (n - 7, n - 1)), ("bytes=199995-300000", (199995, n - 1))]:
            st, h, body = get(self.fs.url("a.bin"), {"Range": spec})
            self.assertEqual(st, 206, spec)
            self.assertEqual(body, BIG[s:e + 1], spec)
            self.assertEqual(h["Content-Range"], "bytes %d-%d/%d" % (s, e, n))
            self.assertEqual(h["Content-Length"], str(e - s + 1))
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=200000-200010"})
        self.assertEqual((st, h["Content-Range"]), (416, "bytes */%d" % n))
        st, h, body = get(self.fs.url("empty"), {"Range": "bytes=0-10"})
        self.assertEqual((st, h["Content-Range"]), (416, "bytes */0"))
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=0-1,5-6"})  # multi: whole
        self.assertEqual((st, len(body)), (200, n))
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=20-29"}, method="HEAD")
        self.assertEqual((st, body, h["Content-Range"], h["Content-Length"]),
                         (206, b"", "bytes 20-29/%d" % n, "10"))
        st, h, body = get(self.fs.url("nope"))
        self.assertEqual(st, 404)
        rec = self.fs.requests[1]
        self.assertEqual((rec["method"], rec["path"], rec["range"], rec["status"], rec["name"]),
                         ("GET", "/a.bin", "bytes=10-19", 206, "a.bin"))

    def test_keepalive_recorded(self):
        c = self.conn()
        for i in range(3):
            c.request("GET", "/a.bin", headers={"Range": "bytes=%d-%d" % (i, i + 3)})
            self.assertEqual(c.getresponse().read(), BIG[i:i + 4])
        c.close()
        self.assertEqual([r["request_on_connection"] for r in self.fs.requests], [1, 2, 3])
        self.assertEqual(self.fs.connections_seen(), 1)

    def test_s3_paths(self):
        st, h, body = get(self.fs.url("rk/b.tif"), {"Range": "bytes=0-3"})
        self.assertEqual((st, body), (206, TIFF[:4]))
        c = self.conn()
        c.request("GET", "/b.tif", headers={"Host": "rk.127.0.0.1:%d" % self.fs.port,
                                            "Range": "bytes=0-3"})
        r = c.getresponse()
        self.assertEqual((r.status, r.read()), (206, TIFF[:4]))
        c.request("GET", "/b.tif", headers={"Host": "rk.localhost:%d" % self.fs.port})
        r = c.getresponse()
        self.assertEqual((r.status, r.read()), (200, TIFF))
        c.close()
        self.assertEqual([(x["bucket"], x["name"]) for x in self.fs.requests],
                         [("rk", "rk/b.tif")] * 3)

    def test_status_fault(self):
        self.fs.fail("a.bin", "status", count=2, code=503, retry_after=1)
        self.fs.fail("a.bin", "status", code=404, body="gone", method="HEAD")
        c = self.conn()
        for _ in range(2):
            c.request("GET", "/a.bin", headers={"Range": "bytes=0-9"})
            r = c.getresponse()
            body = r.read()
            self.assertEqual(r.status, 503)
            self.assertEqual(r.getheader("Retry-After"), "1")
            self.assertIn(b"<Code>SlowDown</Code>", body)
        c.request("GET", "/a.bin", headers={"Range": "bytes=0-9"})
        r = c.getresponse()
        self.assertEqual((r.status, r.read()), (206, BIG[:10]))
        c.request("HEAD", "/a.bin")
        r = c.getresponse()
        r.read()
        self.assertEqual(r.status, 404)
        c.close()
        self.assertEqual(self.fs.connections_seen(), 1)  # the connection stayed open
        self.assertEqual([x["fault"] for x in self.fs.requests], ["status", "status", None, "status"])
        for code in (429, 500, 502, 504, 403):
            self.fs.fail("*", "status", code=code)
            st, h, body = get(self.fs.url("a.bin"))
            self.assertEqual(st, code)
        self.fs.fail("a.bin", "status", code=500, close=True)
        c = self.conn()
        c.request("GET", "/a.bin")
        r = c.getresponse()
        r.read()
        self.assertEqual((r.status, r.getheader("Connection")), (500, "close"))
        c.close()
        self.assertEqual(self.fs.pending_faults(), [])

    def test_drop_mid_body(self):
        self.fs.fail("a.bin", "drop_mid_body")
        c = self.conn()
        c.request("GET", "/a.bin", headers={"Range": "bytes=0-99999"})
        r = c.getresponse()
        self.assertEqual((r.status, r.getheader("Content-Length")), (206, "100000"))
        got, err = read_all_counting(r)
        c.close()
        self.assertIsInstance(err, ConnectionResetError)
        self.assertEqual(got, BIG[:50000])  # the half arrives, then the RST
        self.assertEqual(self.fs.requests[0]["body_bytes"], 50000)
        # FIN variant: the client sees EOF after the half.
        self.fs.fail("a.bin", "drop_mid_body", reset=False, fraction=0.25)
        c = self.conn()
        c.request("GET", "/a.bin")
        r = c.getresponse()
        got, err = read_all_counting(r)
        c.close()
        self.assertIsInstance(err, http.client.IncompleteRead)
        self.assertEqual(got, BIG[:len(BIG) // 4])
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=0-9"})  # next one is fine
        self.assertEqual((st, body), (206, BIG[:10]))

    def test_short_body(self):
        self.fs.fail("a.bin", "short_body")
        c = self.conn()
        c.request("GET", "/a.bin", headers={"Range": "bytes=1000-1999"})
        r = c.getresponse()
        self.assertEqual(r.getheader("Content-Length"), "1000")
        got, err = read_all_counting(r)
        c.close()
        self.assertIsInstance(err, http.client.IncompleteRead)
        self.assertEqual(got, BIG[1000:1500])

    def test_slow_first_byte(self):
        self.fs.fail("a.bin", "slow_first_byte", seconds=0.4)
        t0 = time.monotonic()
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=0-9"})
        dt = time.monotonic() - t0
        self.assertEqual((st, body), (206, BIG[:10]))
        self.assertGreaterEqual(dt, 0.39)
        self.assertLess(dt, 5.0)
        # a client timeout shorter than the delay fires
        self.fs.fail("a.bin", "slow_first_byte", seconds=2.0)
        c = http.client.HTTPConnection("127.0.0.1", self.fs.port, timeout=0.3)
        c.request("GET", "/a.bin")
        with self.assertRaises(socket.timeout):
            c.getresponse()
        c.close()

    def test_wrong_content_range(self):
        n = len(BIG)
        self.fs.fail("a.bin", "wrong_content_range", shift=5)
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=100-199"})
        self.assertEqual(st, 206)
        self.assertEqual(h["Content-Range"], "bytes 105-204/%d" % n)
        self.assertEqual(body, BIG[105:205])
        self.fs.fail("a.bin", "wrong_content_range", shift=-50)
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=100-119"})
        self.assertEqual((h["Content-Range"], body), ("bytes 50-69/%d" % n, BIG[50:70]))
        self.fs.fail("a.bin", "wrong_content_range", shift=-50)  # off the start: moved back
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=10-19"})
        self.assertEqual((h["Content-Range"], body), ("bytes 0-9/%d" % n, BIG[0:10]))
        self.fs.fail("a.bin", "wrong_content_range", shift=7)  # off the end: moved back
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=-5"})
        self.assertEqual((h["Content-Range"], body), ("bytes %d-%d/%d" % (n - 5, n - 1, n),
                                                      BIG[-5:]))

    def test_ignore_range(self):
        self.fs.fail("a.bin", "ignore_range")
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=100-199"})
        self.assertEqual((st, body, h["Content-Range"]), (200, BIG, None))

    def test_fault_applicability(self):
        self.fs.fail("a.bin", "wrong_content_range")  # needs a Range
        self.fs.fail("a.bin", "drop_mid_body")        # needs GET
        st, _, body = get(self.fs.url("a.bin"), method="HEAD")
        self.assertEqual(st, 200)
        with self.assertRaises(ConnectionError):    # no Range: drop_mid_body applies
            get(self.fs.url("a.bin"))
        self.assertEqual(self.fs.requests[-1]["fault"], "drop_mid_body")
        self.assertEqual([f.kind for f in self.fs.pending_faults()], ["wrong_content_range"])
        st, _, body = get(self.fs.url("rk/b.tif"), {"Range": "bytes=0-3"})  # other name
        self.assertEqual((st, body), (206, TIFF[:4]))
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=0-3"})
        self.assertEqual(h["Content-Range"], "bytes 1-4/%d" % len(BIG))
        with self.assertRaises(TypeError):
            self.fs.fail("a.bin", "status", cde=503)
        with self.assertRaises(ValueError):
            self.fs.fail("a.bin", "explode")

    def test_replace_mid_read(self):
        st, h1, body = get(self.fs.url("a.bin"), {"Range": "bytes=0-9"})
        new = bytes(reversed(BIG))
        etag2 = self.fs.replace("a.bin", new)
        st, h2, body = get(self.fs.url("a.bin"), {"Range": "bytes=0-9"})
        self.assertEqual((st, body, h2["ETag"]), (206, new[:10], etag2))
        self.assertNotEqual(h1["ETag"], h2["ETag"])
        self.assertGreater(email.utils.parsedate_to_datetime(h2["Last-Modified"]),
                           email.utils.parsedate_to_datetime(h1["Last-Modified"]))
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=0-9", "If-Range": h1["ETag"]})
        self.assertEqual((st, len(body)), (200, len(new)))
        st, h, body = get(self.fs.url("a.bin"), {"Range": "bytes=0-9", "If-Match": h1["ETag"]})
        self.assertEqual(st, 412)
        st, h, body = get(self.fs.url("a.bin"), {"If-None-Match": etag2})
        self.assertEqual(st, 304)


# ---------------------------------------------------------------------------
class SigV4Test(unittest.TestCase):
    AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    def setUp(self):
        self.fs = S.FaultServer({"rk/b.tif": TIFF, "rk/sp ace+x.bin": BIG[:100]}).start()
        track(self.fs, "fault-sigv4")

    def tearDown(self):
        self.fs.stop()

    def test_aws_documentation_vector(self):
        # "GET Object" example of the AWS S3 SigV4 header-auth documentation.
        hdrs = {"host": "examplebucket.s3.amazonaws.com", "range": "bytes=0-9",
                "x-amz-content-sha256": EMPTY, "x-amz-date": "20130524T000000Z"}
        sig = S.sigv4_compute("GET", "/test.txt", "", hdrs, list(hdrs), EMPTY,
                              "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                              "us-east-1")
        self.assertEqual(sig.signature,
                         "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")

    def send(self, path, query="", headers=None, secret=None, amz_date="20240102T030405Z",
             host=None, token=None):
        host = host or self.fs.endpoint
        hdrs, _ = S.sigv4_sign_headers("GET", host, path, query, headers or {}, b"",
                                       access_key=self.AK, secret=secret or self.SK,
                                       amz_date=amz_date, session_token=token)
        c = http.client.HTTPConnection("127.0.0.1", self.fs.port, timeout=30)
        c.putrequest("GET", path + ("?" + query if query else ""), skip_host=True,
                     skip_accept_encoding=True)
        for k, v in hdrs.items():
            c.putheader(k, v)
        c.endheaders()
        r = c.getresponse()
        out = (r.status, r.read())
        c.close()
        return out

    def test_python_signed_requests(self):
        self.fs.expect_sigv4(self.AK, self.SK, "us-east-1", timestamp="20240102T030405Z")
        self.assertEqual(self.send("/rk/b.tif", headers={"Range": "bytes=0-3"}), (206, TIFF[:4]))
        self.assertEqual(self.send("/rk/sp%20ace%2Bx.bin", "b=2&a=1&c=x%2Fy",
                                   {"Range": "bytes=0-3"}, token="TOKEN/+="), (206, BIG[:4]))
        self.assertEqual(self.send("/b.tif", host="rk.127.0.0.1:%d" % self.fs.port)[0], 200)
        self.assertEqual(self.fs.sigv4_failures, [])

    def test_mismatches_are_403_with_diagnostics(self):
        self.fs.expect_sigv4(self.AK, self.SK, "us-east-1", timestamp="20240102T030405Z")
        st, body = self.send("/rk/b.tif", headers={"Range": "bytes=0-3"}, secret="WRONG")
        self.assertEqual(st, 403)
        self.assertIn(b"Signature differs", body)
        self.assertIn(b"expected canonical request:\nGET\n/rk/b.tif\n", body)
        st, body = self.send("/rk/b.tif", amz_date="20240102T030406Z")
        self.assertEqual(st, 403)
        self.assertIn(b"!= expected timestamp", body)
        st, body = get(self.fs.url("rk/b.tif"))[0], None
        self.assertEqual(st, 403)
        self.assertEqual(len(self.fs.sigv4_failures), 3)
        f = self.fs.sigv4_failures[0]
        self.assertTrue(f["expected_canonical_request"].startswith("GET\n/rk/b.tif\n\n"))
        self.assertIs(f["client_signature_self_consistent"], False)

    def test_range_must_be_signed_by_default(self):
        self.fs.expect_sigv4(self.AK, self.SK, "us-east-1")
        hdrs, _ = S.sigv4_sign_headers("GET", self.fs.endpoint, "/rk/b.tif", "", {}, b"",
                                       access_key=self.AK, secret=self.SK)
        hdrs["Range"] = "bytes=0-3"  # added after signing, as GDAL and curl do
        st, h, body = get(self.fs.url("rk/b.tif"), hdrs)
        self.assertEqual(st, 403)
        f = self.fs.sigv4_failures[-1]
        self.assertIn("SignedHeaders differs", "\n".join(f["reasons"]))
        self.assertIs(f["client_signature_self_consistent"], True)
        self.fs.expect_sigv4(self.AK, self.SK, "us-east-1", sign_range=False)
        self.assertEqual(get(self.fs.url("rk/b.tif"), hdrs)[0], 206)
        self.fs.expect_sigv4(self.AK, self.SK, "us-east-1", sign_range=None)
        self.assertEqual(get(self.fs.url("rk/b.tif"), hdrs)[0], 206)

    @unittest.skipUnless(CURL, "curl not installed")
    def test_curl_sigv4_vs_python(self):
        """What curl 7.88's --aws-sigv4 signs, compared with our computation."""
        base = ["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "%s:%s" % (self.AK, self.SK),
                "-H", "x-amz-content-sha256: " + EMPTY, "-o", "/dev/null", "-w", "%{http_code}"]
        # 1. Ranged GET, range unsigned allowed: curl's signature == ours.
        self.fs.expect_sigv4(self.AK, self.SK, "us-east-1", sign_range=False)
        rc, out, err = curl(*base, "-r", "0-3", self.fs.url("rk/b.tif"))
        self.assertEqual(out, b"206", self.fs.sigv4_failures)
        rec = self.fs.requests[-1]
        self.assertIn("SignedHeaders=host;x-amz-content-sha256;x-amz-date,",
                      rec["authorization"])
        # 2. Strict (range must be signed): curl does not sign Range.
        self.fs.expect_sigv4(self.AK, self.SK, "us-east-1", sign_range=True)
        rc, out, err = curl(*base, "-r", "0-3", self.fs.url("rk/b.tif"))
        self.assertEqual(out, b"403")
        self.assertIs(self.fs.sigv4_failures[-1]["client_signature_self_consistent"], True)
        # 3. Encoded path (space, '+'): same result as ours.
        rc, out, err = curl(*base, self.fs.base_url + "/rk/sp%20ace%2Bx.bin")
        self.assertEqual(out, b"200", self.fs.sigv4_failures[-1:])
        # 4. Query string: curl 7.88 signs the query as sent (not sorted and
        #    encoded as SigV4 says), so a query out of order fails.
        self.fs.sigv4_failures.clear()
        rc, out, err = curl(*base, self.fs.url("rk/b.tif") + "?a=1&b=2")
        self.assertEqual(out, b"200")
        rc, out, err = curl(*base, self.fs.url("rk/b.tif") + "?b=2&a=1")
        self.assertEqual(out, b"403")
        rec = self.fs.requests[-1]
        auth = S.parse_authorization(rec["authorization"])
        as_sent = S.sigv4_compute("GET", rec["raw_path"], rec["query"], rec["headers"],
                                  auth["SignedHeaders"].split(";"), EMPTY, self.AK, self.SK,
                                  "us-east-1", query_as_sent=True)
        self.assertEqual(as_sent.signature, auth["Signature"])
        # 5. A fixed X-Amz-Date given with -H: curl signs with it but sends the
        #    header twice (the server sees "D,D"), so it fails.
        rc, out, err = curl(*base, "-H", "X-Amz-Date: 20240102T030405Z", self.fs.url("rk/b.tif"))
        self.assertEqual(out, b"403")
        self.assertEqual(self.fs.requests[-1]["headers"]["x-amz-date"],
                         "20240102T030405Z,20240102T030405Z")

    @unittest.skipUnless(GDALINFO, "gdalinfo not installed")
    def test_gdal_vsis3_signatures_verified(self):
        self.fs.expect_sigv4(self.AK, self.SK, "us-east-1", sign_range=False)
        env = dict(os.environ, **self.fs.env(self.AK, self.SK))
        env["GDAL_DISABLE_READDIR_ON_OPEN"] = "EMPTY_DIR"
        r = subprocess.run([GDALINFO, "/vsis3/rk/b.tif"], env=env, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Size is 8, 8", r.stdout)
        self.assertEqual(self.fs.sigv4_failures, [])
        self.assertTrue(any(x["range"] for x in self.fs.requests))
        # GDAL 3.6 does not sign Range: the strict default rejects it.
        self.fs.expect_sigv4(self.AK, self.SK, "us-east-1")
        r = subprocess.run([GDALINFO, "/vsis3/rk/b.tif"], env=env, capture_output=True,
                           text=True, timeout=120)
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(self.fs.sigv4_failures)
        self.assertTrue(all(f["client_signature_self_consistent"]
                            for f in self.fs.sigv4_failures))


# ---------------------------------------------------------------------------
class DelayProxyTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.fs = S.FaultServer({"a.bin": BIG}).start()

    @classmethod
    def tearDownClass(cls):
        cls.fs.stop()

    def timed_requests(self, port, n, fresh_connection_each=False):
        """Per-request wall times for n ranged GETs."""
        times = []
        c = None
        for i in range(n):
            if c is None or fresh_connection_each:
                if c is not None:
                    c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            t0 = time.monotonic()
            c.request("GET", "/a.bin", headers={"Range": "bytes=0-99"})
            body = c.getresponse().read()
            times.append(time.monotonic() - t0)
            self.assertEqual(body, BIG[:100])
        c.close()
        return times

    def test_round_trip_latency(self):
        direct = self.timed_requests(self.fs.port, 3)
        with S.DelayProxy("127.0.0.1", self.fs.port, 100) as px:
            track(px, "delayproxy")
            times = self.timed_requests(px.port, 5)
            stats = px.stats()
        # Each round trip costs 100 ms more: 50 ms each way is a hard lower
        # bound (the direct time, a few ms, is not subtracted: under load it
        # varies more than the proxied one); the upper bound is loose.
        for t in times:
            self.assertGreaterEqual(t, 0.099, (times, direct))
            self.assertLess(t, 0.100 + 0.5, (times, direct))
        self.assertEqual(stats["connections"], 1)
        self.assertGreater(stats["bytes_down"], 500)

    def test_connect_delay(self):
        with S.DelayProxy("127.0.0.1", self.fs.port, 60, connect_delay_ms=100) as px:
            times = self.timed_requests(px.port, 3)
        self.assertGreaterEqual(times[0], 0.159, times)  # 60 + 100 on a new connection
        self.assertLess(times[0], 0.160 + 0.5, times)
        for t in times[1:]:  # reused connection: 60 ms only
            self.assertGreaterEqual(t, 0.059, times)
            self.assertLess(t, 0.060 + 0.09, times)

    def test_concurrent_connections_and_large_body(self):
        with S.DelayProxy("127.0.0.1", self.fs.port, 100) as px:
            results, errors = [], []

            def worker():
                try:
                    c = http.client.HTTPConnection("127.0.0.1", px.port, timeout=30)
                    for _ in range(2):
                        c.request("GET", "/a.bin")
                        results.append(c.getresponse().read() == BIG)
                    c.close()
                except Exception as e:  # noqa: BLE001
                    errors.append(e)
            t0 = time.monotonic()
            threads = [threading.Thread(target=worker) for _ in range(20)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            dt = time.monotonic() - t0
            self.assertEqual(errors, [])
            self.assertEqual(results, [True] * 40)
            # 2 round trips each, in parallel: far less than 40 serial ones.
            self.assertGreaterEqual(dt, 0.19)
            self.assertLess(dt, 2.5)
            self.assertEqual(px.stats()["connections"], 20)

    def test_faults_pass_through(self):
        with S.DelayProxy("127.0.0.1", self.fs.port, 20) as px:
            self.fs.fail("a.bin", "short_body")
            c = http.client.HTTPConnection("127.0.0.1", px.port, timeout=30)
            c.request("GET", "/a.bin", headers={"Range": "bytes=0-999"})
            got, err = read_all_counting(c.getresponse())
            c.close()
            self.assertIsInstance(err, http.client.IncompleteRead)
            self.assertEqual(got, BIG[:500])

    def test_subprocess_mode(self):
        with S.DelayProxy("127.0.0.1", self.fs.port, 100, subprocess=True) as px:
            track(px, "delayproxy-subprocess")
            self.assertIsNotNone(px.pid)
            with open(os.path.join(px.tmpdir, "delay-proxy.stdout")) as f:
                self.assertEqual(f.readline().strip(), str(px.port))
            times = self.timed_requests(px.port, 3)
            tmp = px.tmpdir
        self.assertTrue(all(0.099 <= t < 0.7 for t in times), times)
        r = subprocess.run(["pgrep", "-f", tmp], capture_output=True, text=True)
        self.assertEqual(r.stdout, "")

    def test_command_line(self):
        cmd = [sys.executable, S.__file__, "delay-proxy", "--target",
               "127.0.0.1:%d" % self.fs.port, "--delay-ms", "20", "--port", "0"]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, start_new_session=True)
        try:
            port = int(p.stdout.readline())
            times = self.timed_requests(port, 3)
            self.assertTrue(all(0.019 <= t < 0.5 for t in times), times)
        finally:
            S._stop_process(p)
            p.stdout.close()
        self.assertEqual(p.returncode, 0)  # SIGTERM handled: clean exit

    @unittest.skipUnless(CURL, "curl not installed")
    def test_http2_through_proxy(self):
        with S.Nginx(DATA_DIR, http2=True) as ng2, \
                S.DelayProxy("127.0.0.1", ng2.port, 50) as px:
            track(ng2, "nginx-h2-proxy")
            t0 = time.monotonic()
            res = S.h2c_get("127.0.0.1", px.port, ["/big.bin"] * 3,
                            headers={"range": "bytes=0-9"})
            dt = time.monotonic() - t0
            self.assertEqual([(x["status"], x["body"]) for x in res], [(206, BIG[:10])] * 3)
            self.assertGreaterEqual(dt, 0.15)  # >= 3 round trips of 50 ms
            rc, out, err = curl("--http2-prior-knowledge", "-o", "-", px.url("big.bin"))
            self.assertEqual((rc, out), (0, BIG), err)
            self.assertEqual([r["protocol"] for r in ng2.requests()], ["HTTP/2.0"] * 4)


# ---------------------------------------------------------------------------
class ZZNoLeftoversTest(unittest.TestCase):
    """Runs last (classes run in name order): nothing may be left running."""

    def test_no_server_processes_or_threads(self):
        self.assertTrue(TRACKED)
        for label, tmpdir, pgid in TRACKED:
            if tmpdir:
                r = subprocess.run(["pgrep", "-af", tmpdir], capture_output=True, text=True)
                self.assertEqual(r.stdout, "", "%s left processes" % label)
            if pgid:
                self.assertFalse(S._group_alive(pgid), "%s left its process group" % label)
                r = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True)
                self.assertEqual(r.stdout, "", "%s left processes" % label)
        deadline = time.monotonic() + 5
        while True:
            names = [t.name for t in threading.enumerate()
                     if t.name.startswith(("FaultServer", "DelayProxy"))
                     or "process_request_thread" in t.name]
            if not names or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(names, [])
        self.assertEqual(S._LIVE, set())


if __name__ == "__main__":
    unittest.main()
