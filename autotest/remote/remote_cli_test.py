#!/usr/bin/python3
"""rasterkit's command line reading remote rasters, against real servers.

usage: remote_cli_test.py RASTERKIT WORKDIR [unittest args]

nginx (HTTP/1.1 and cleartext HTTP/2), s3rver (S3) and the tests' own fault
server are started here, on 127.0.0.1 with ports of their own, and stopped by
process id (servers.py). Checked:
  - every path form (/vsicurl/, http://, /vsis3/, s3://) gives the local
    file's checksums, and `info` what it says of the local file;
  - request counts seen by nginx for a COG made by GDAL: open, one tile, one
    overview tile, a 2x2-tile window;
  - faults: 503 then success, a connection reset mid-body, a short body,
    a slow first byte under GDAL_HTTP_TIMEOUT, a wrong Content-Range, a file
    replaced while read, 403/404 -- each a clean exit code and a message
    naming the URL and the problem;
  - no credential (userinfo, token in the query, AWS secret or session
    token) in any message;
  - exact SigV4 headers for fixed credentials and clock (AWS_TIMESTAMP).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers  # noqa: E402

RASTERKIT = None
WORKDIR = None
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                      "corpus", "gtiff")

# Every test sets what it relies on; nothing from the caller's environment.
BASE_ENV = {
    "GDAL_HTTP_RETRY_DELAY": "0.05",
    "GDAL_HTTP_MAX_RETRY": "3",
    "RK_NUM_THREADS": "2",
}


def run(args, env=None, timeout=120):
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("AWS_", "GDAL_", "CPL_", "RK_", "CURL_"))}
    full_env["HOME"] = WORKDIR  # no ~/.aws of the caller's
    full_env.update(BASE_ENV)
    full_env.update(env or {})
    p = subprocess.run([RASTERKIT] + args, env=full_env, capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def checksums(text):
    return re.findall(r"Checksum=(-?\d+)", text)


def make_raster(path, size=512, tile=None, compress=None, bands=1, overviews=False):
    """A GeoTIFF with content, written by GDAL (the oracle only)."""
    code = """
import sys, numpy as np
from osgeo import gdal
path, size, tile, compress, bands, ovr = sys.argv[1], int(sys.argv[2]), sys.argv[3], \
    sys.argv[4], int(sys.argv[5]), sys.argv[6] == '1'
rng = np.random.default_rng(7)
drv = gdal.GetDriverByName('MEM')
ds = drv.Create('', size, size, bands, gdal.GDT_Byte)
ds.SetGeoTransform([440720, 30, 0, 3751320, 0, -30])
ds.SetProjection('EPSG:32611')
y, x = np.mgrid[0:size, 0:size]
for b in range(bands):
    data = ((x + 2 * y + 40 * b) % 251 + rng.integers(0, 5, (size, size))).astype('uint8')
    ds.GetRasterBand(b + 1).WriteArray(data)
if tile == 'COG':
    opts = ['BLOCKSIZE=256', 'COMPRESS=' + (compress or 'NONE')]
    if not ovr: opts.append('OVERVIEWS=NONE')
    gdal.GetDriverByName('COG').CreateCopy(path, ds, options=opts)
else:
    opts = ['COMPRESS=' + (compress or 'NONE')]
    if tile != 'none': opts += ['TILED=YES', 'BLOCKXSIZE=' + tile, 'BLOCKYSIZE=' + tile]
    gdal.GetDriverByName('GTiff').CreateCopy(path, ds, options=opts)
"""
    subprocess.run(["/usr/bin/python3", "-c", code, path, str(size), str(tile or "none"),
                    compress or "NONE", str(bands), "1" if overviews else "0"], check=True)
    return path


def local_checksums(path):
    code, out, err = run(["info", "-checksum", path])
    assert code == 0, err
    return checksums(out)


class HttpPaths(unittest.TestCase):
    """Every corpus-free path form through nginx, HTTP/1.1 and HTTP/2."""

    @classmethod
    def setUpClass(cls):
        cls.root = os.path.join(WORKDIR, "www")
        os.makedirs(cls.root, exist_ok=True)
        cls.cog = make_raster(os.path.join(cls.root, "cog.tif"), size=2048, tile="COG",
                              compress="DEFLATE", overviews=True)
        cls.striped = make_raster(os.path.join(cls.root, "striped.tif"), size=300, bands=3)
        cls.web = servers.Nginx(cls.root).start()

    @classmethod
    def tearDownClass(cls):
        cls.web.stop()

    def test_every_url_form_gives_the_local_checksums(self):
        for name in ("cog.tif", "striped.tif"):
            want = local_checksums(os.path.join(self.root, name))
            for path in (self.web.url(name), "/vsicurl/" + self.web.url(name)):
                code, out, err = run(["info", "-checksum", path])
                self.assertEqual(code, 0, err)
                self.assertEqual(checksums(out), want, path)
                self.assertIn("Driver: GTiff/GeoTIFF", out)

    def test_info_json_is_the_local_report(self):
        _, local, _ = run(["info", "-json", os.path.join(self.root, "cog.tif")])
        code, remote, err = run(["info", "-json", self.web.url("cog.tif")])
        self.assertEqual(code, 0, err)
        local, remote = json.loads(local), json.loads(remote)
        for doc in (local, remote):
            doc.pop("description", None)
            doc.pop("files", None)
        self.assertEqual(local, remote)

    def test_request_counts_for_a_gdal_cog(self):
        url = self.web.url("cog.tif")
        out_tif = os.path.join(WORKDIR, "window.tif")

        def requests_of(args):
            self.web.reset_log()
            code, _, err = run(args)
            self.assertEqual(code, 0, err)
            return [r for r in self.web.requests() if r["uri"] == "/cog.tif"]

        # Open (and the whole info report): the header block only.
        reqs = requests_of(["info", url])
        self.assertEqual(len(reqs), 1, reqs)
        self.assertIsNotNone(reqs[0]["range"])
        # One full-resolution tile: open + one range.
        reqs = requests_of(["translate", "-q", "-srcwin", "256", "256", "256", "256", url,
                            out_tif])
        self.assertEqual(len(reqs), 2, reqs)
        # A 2x2-tile window: the two tiles of each row (adjacent in the file)
        # in one request; the rows are a tile row apart, too far to merge.
        reqs = requests_of(["translate", "-q", "-srcwin", "512", "512", "512", "512", url,
                            out_tif])
        self.assertEqual(len(reqs), 3, reqs)
        # One tile of the first overview (a 512x512 window halved).
        reqs = requests_of(["translate", "-q", "-srcwin", "0", "0", "512", "512", "-outsize",
                            "256", "256", url, out_tif])
        self.assertEqual(len(reqs), 2, reqs)
        self.assertTrue(all(r["status"] == 206 for r in reqs), reqs)

    def test_translate_from_url_equals_translate_from_file(self):
        a = os.path.join(WORKDIR, "from_url.tif")
        b = os.path.join(WORKDIR, "from_file.tif")
        args = ["translate", "-q", "-outsize", "25%", "25%", "-r", "average", "-co",
                "COMPRESS=DEFLATE"]
        code, _, err = run(args + [self.web.url("cog.tif"), a])
        self.assertEqual(code, 0, err)
        code, _, err = run(args + [os.path.join(self.root, "cog.tif"), b])
        self.assertEqual(code, 0, err)
        self.assertEqual(local_checksums(a), local_checksums(b))

    def test_footprint_from_url(self):
        code, out, err = run(["footprint", self.web.url("striped.tif")])
        self.assertEqual(code, 0, err)
        self.assertIn("Polygon", out)

    def test_http2_cleartext(self):
        with servers.Nginx(self.root, http2=True) as web2:
            want = local_checksums(self.cog)
            code, out, err = run(["info", "-checksum", web2.url("cog.tif")],
                                 env={"GDAL_HTTP_VERSION": "2PRIOR_KNOWLEDGE"})
            self.assertEqual(code, 0, err)
            self.assertEqual(checksums(out), want)
            reqs = web2.requests()
            self.assertTrue(reqs)
            self.assertTrue(all(r["protocol"] == "HTTP/2.0" for r in reqs), reqs)

    def test_missing_file_names_the_url_and_status(self):
        url = self.web.url("no_such.tif")
        code, out, err = run(["info", url])
        self.assertEqual(code, 1)
        self.assertIn(url, err)
        self.assertIn("404", err)
        self.assertNotIn("terminate", err)

    def test_side_cars_are_not_probed_unless_asked(self):
        shutil.copy(self.striped, os.path.join(self.root, "sc.tif"))
        with open(os.path.join(self.root, "sc.tif.aux.xml"), "w") as f:
            f.write('<PAMDataset><Metadata><MDI key="FROM_SIDECAR">yes</MDI></Metadata>'
                    '</PAMDataset>\n')
        self.web.reset_log()
        code, out, _ = run(["info", self.web.url("sc.tif")])
        self.assertEqual(code, 0)
        self.assertNotIn("FROM_SIDECAR", out)
        self.assertEqual({r["uri"] for r in self.web.requests()}, {"/sc.tif"})
        code, out, _ = run(["info", self.web.url("sc.tif")],
                           env={"GDAL_DISABLE_READDIR_ON_OPEN": "NO"})
        self.assertEqual(code, 0)
        self.assertIn("FROM_SIDECAR=yes", out)


class Faults(unittest.TestCase):
    """The fault server's injected failures, through the command line."""

    @classmethod
    def setUpClass(cls):
        path = make_raster(os.path.join(WORKDIR, "fault.tif"), size=512, tile="128", bands=2)
        with open(path, "rb") as f:
            cls.data = f.read()
        cls.want = local_checksums(path)
        # The same pixels, other bytes: for the replaced-file case.
        other = make_raster(os.path.join(WORKDIR, "fault2.tif"), size=512, tile="128", bands=2,
                            compress="NONE")
        with open(other, "rb") as f:
            cls.other = bytearray(f.read())
        cls.other[-1] ^= 0xFF  # same size, different content
        cls.server = servers.FaultServer({"f.tif": cls.data}).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.server.reset()
        self.server.add("f.tif", self.data)

    def checksum_run(self, env=None):
        return run(["info", "-checksum", self.server.url("f.tif")], env=env)

    def test_503_then_success(self):
        self.server.fail("f.tif", "status", count=2, code=503)
        code, out, err = self.checksum_run()
        self.assertEqual(code, 0, err)
        self.assertEqual(checksums(out), self.want)
        statuses = [r["status"] for r in self.server.requests]
        self.assertEqual(statuses[:2], [503, 503])

    def test_429_with_retry_after(self):
        self.server.fail("f.tif", "status", count=1, code=429, retry_after=1)
        start = time.monotonic()
        code, out, err = self.checksum_run()
        self.assertEqual(code, 0, err)
        self.assertGreaterEqual(time.monotonic() - start, 0.9)
        self.assertEqual(checksums(out), self.want)

    def test_retries_are_bounded(self):
        self.server.fail("f.tif", "status", count=100, code=503)
        code, _, err = self.checksum_run(env={"GDAL_HTTP_MAX_RETRY": "2"})
        self.assertEqual(code, 1)
        self.assertIn("503", err)
        self.assertIn(self.server.url("f.tif"), err)
        self.assertEqual(len(self.server.requests), 3)

    def test_connection_reset_mid_body(self):
        self.server.fail("f.tif", "drop_mid_body", count=2)
        code, out, err = self.checksum_run()
        self.assertEqual(code, 0, err)
        self.assertEqual(checksums(out), self.want)

    def test_short_body(self):
        self.server.fail("f.tif", "short_body", count=2)
        code, out, err = self.checksum_run()
        self.assertEqual(code, 0, err)
        self.assertEqual(checksums(out), self.want)

    def test_slow_first_byte_times_out(self):
        self.server.fail("f.tif", "slow_first_byte", count=10, seconds=3)
        start = time.monotonic()
        code, _, err = self.checksum_run(env={"GDAL_HTTP_TIMEOUT": "1",
                                              "GDAL_HTTP_MAX_RETRY": "0"})
        self.assertEqual(code, 1)
        self.assertLess(time.monotonic() - start, 2.9)
        self.assertIn(self.server.url("f.tif"), err)
        self.assertRegex(err.lower(), "tim(ed|e) ?out")

    def test_wrong_content_range_fails_the_read(self):
        self.server.fail("f.tif", "wrong_content_range", count=1000, shift=64)
        code, out, err = self.checksum_run()
        self.assertEqual(code, 1, out)
        self.assertIn("Content-Range", err)
        self.assertIn(self.server.url("f.tif"), err)
        self.assertNotIn("Checksum=", out)

    def assert_read_fails(self, message):
        """info -checksum: -1 for every band and a warning (gdalinfo's way);
        translate: exit 1 and no output file."""
        code, out, err = self.checksum_run()
        self.assertEqual(code, 0, err)
        self.assertEqual(set(checksums(out)), {"-1"}, out)
        self.assertIn(message, err)
        self.assertIn(self.server.url("f.tif"), err)
        return err

    def arm_after_open(self, kind, **params):
        # The header block is right; what comes after it is faulty.
        self.server.fail("f.tif", "slow_first_byte", count=1, seconds=0)
        self.server.fail("f.tif", kind, count=1000, **params)

    def test_wrong_content_range_after_open_fails_the_read(self):
        self.arm_after_open("wrong_content_range", shift=64)
        self.assert_read_fails("Content-Range")
        self.server.reset()
        self.server.add("f.tif", self.data)
        self.arm_after_open("wrong_content_range", shift=-64)
        dst = os.path.join(WORKDIR, "shifted.tif")
        code, _, err = run(["translate", "-q", self.server.url("f.tif"), dst])
        self.assertEqual(code, 1)
        self.assertIn("Content-Range", err)
        self.assertFalse(os.path.exists(dst))

    def test_file_replaced_while_read(self):
        # The first two answers wait a second; once the second request (the
        # first after open) has arrived, the file changes under it, and that
        # answer carries the new validators.
        for command in ("info", "translate"):
            self.server.reset()
            self.server.add("f.tif", self.data)
            self.server.fail("f.tif", "slow_first_byte", count=2, seconds=1)

            def replace_when_reading():
                deadline = time.monotonic() + 30
                while len(self.server.requests) < 2 and time.monotonic() < deadline:
                    time.sleep(0.01)
                self.server.replace("f.tif", bytes(self.other))

            t = threading.Thread(target=replace_when_reading)
            t.start()
            try:
                if command == "info":
                    self.assert_read_fails("changed on the server")
                else:
                    dst = os.path.join(WORKDIR, "replaced.tif")
                    code, _, err = run(["translate", "-q", self.server.url("f.tif"), dst])
                    self.assertEqual(code, 1)
                    self.assertIn("changed on the server", err)
                    self.assertFalse(os.path.exists(dst))
            finally:
                t.join()

    def test_403_names_url_and_status(self):
        self.server.fail("f.tif", "status", count=10, code=403)
        code, _, err = self.checksum_run()
        self.assertEqual(code, 1)
        self.assertIn("403", err)
        self.assertIn(self.server.url("f.tif"), err)
        self.assertEqual(len(self.server.requests), 1)  # a 403 is not retried

    def test_credentials_never_in_messages(self):
        self.server.fail("*", "status", count=100, code=403)
        base = self.server.base_url.replace("http://", "")
        cases = [
            ("http://alice:hunter2secret@%s/f.tif" % base, "hunter2secret"),
            (self.server.url("f.tif") + "?token=tok3nvalue&x=1", "tok3nvalue"),
            ("/vsicurl/" + self.server.url("f.tif") + "?X-Amz-Signature=s1gnature99",
             "s1gnature99"),
        ]
        for url, secret in cases:
            code, out, err = run(["info", "-checksum", url])
            self.assertEqual(code, 1)
            self.assertNotIn(secret, out + err, url)
            self.assertIn("403", err)
        # Bearer tokens and AWS secrets.
        env = dict(self.server.env(secret="AwsSecretKeyValue123"),
                   AWS_SESSION_TOKEN="SessionTokenValue456",
                   GDAL_HTTP_AUTH="BEARER", GDAL_HTTP_BEARER="BearerValue789")
        for path in ("/vsis3/bucket/f.tif", self.server.url("f.tif")):
            code, out, err = run(["info", path], env=env)
            self.assertEqual(code, 1)
            for secret in ("AwsSecretKeyValue123", "SessionTokenValue456", "BearerValue789"):
                self.assertNotIn(secret, out + err)

    def test_sigv4_headers_are_exact(self):
        self.server.add("bucket/key with space.tif", self.data)
        ts = 1440938160  # 20150830T123600Z, as in AWS's examples
        self.server.expect_sigv4("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                 region="us-east-1", timestamp=ts)
        try:
            for token in (None, "FQoGZXIvYXdzEXAMPLETOKEN"):
                self.server.requests.clear()
                env = dict(self.server.env(), AWS_TIMESTAMP="20150830T123600Z")
                if token:
                    env["AWS_SESSION_TOKEN"] = token
                for path in ("/vsis3/bucket/key with space.tif", "s3://bucket/key with space.tif"):
                    code, out, err = run(["info", "-checksum", path], env=env)
                    self.assertEqual(code, 0, err + repr(self.server.sigv4_failures[:1]))
                    self.assertEqual(checksums(out), self.want)
                self.assertEqual(self.server.sigv4_failures, [])
                for r in self.server.requests:
                    self.assertEqual(r["headers"].get("x-amz-security-token"), token)
            # A wrong secret: the server's 403, with its S3 error, and no secret.
            env = dict(self.server.env(secret="WrongSecretValue"),
                       AWS_TIMESTAMP="20150830T123600Z")
            code, _, err = run(["info", "/vsis3/bucket/key with space.tif"], env=env)
            self.assertEqual(code, 1)
            self.assertIn("403", err)
            self.assertNotIn("WrongSecretValue", err)
        finally:
            self.server.clear_sigv4()


class S3(unittest.TestCase):
    """s3rver: the signed path end to end."""

    @classmethod
    def setUpClass(cls):
        cls.s3 = servers.S3Server(buckets=("rk-test",)).start()
        cls.files = {}
        for name, args in (("cog.tif", dict(size=1024, tile="COG", compress="DEFLATE",
                                            overviews=True)),
                           ("dir/striped.tif", dict(size=200, bands=3))):
            path = make_raster(os.path.join(WORKDIR, name.replace("/", "_")), **args)
            cls.s3.put("rk-test", name, path)
            cls.files[name] = path

    @classmethod
    def tearDownClass(cls):
        cls.s3.stop()

    def test_vsis3_and_s3_urls_give_local_checksums(self):
        for name, path in self.files.items():
            want = local_checksums(path)
            for remote in ("/vsis3/rk-test/" + name, "s3://rk-test/" + name):
                code, out, err = run(["info", "-checksum", remote], env=self.s3.env())
                self.assertEqual(code, 0, err)
                self.assertEqual(checksums(out), want, remote)

    def test_credentials_from_aws_files_and_profile(self):
        home = os.path.join(WORKDIR, "awshome")
        os.makedirs(os.path.join(home, ".aws"), exist_ok=True)
        with open(os.path.join(home, ".aws", "credentials"), "w") as f:
            f.write("[default]\naws_access_key_id = nope\naws_secret_access_key = nope\n"
                    "[rk]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    % (self.s3.ACCESS_KEY, self.s3.SECRET_KEY))
        env = self.s3.env()
        del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
        env.update({"AWS_PROFILE": "rk",
                    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials")})
        code, out, err = run(["info", "-checksum", "/vsis3/rk-test/cog.tif"], env=env)
        self.assertEqual(code, 0, err)
        self.assertEqual(checksums(out), local_checksums(self.files["cog.tif"]))

    def test_missing_key_and_bucket(self):
        for path in ("/vsis3/rk-test/nope.tif", "/vsis3/no-bucket/x.tif"):
            code, _, err = run(["info", path], env=self.s3.env())
            self.assertEqual(code, 1)
            self.assertIn("404", err)
            self.assertIn(path, err)


def main():
    global RASTERKIT, WORKDIR
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    RASTERKIT = os.path.abspath(sys.argv[1])
    WORKDIR = os.path.abspath(sys.argv[2])
    shutil.rmtree(WORKDIR, ignore_errors=True)
    os.makedirs(WORKDIR)
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)


if __name__ == "__main__":
    main()
