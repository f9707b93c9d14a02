#!/usr/bin/python3
"""Test servers for rasterkit's remote (HTTP range / S3) readers.

Standard library only; run with Debian's /usr/bin/python3.  Every server
listens on 127.0.0.1 on a port of its own (never a fixed port), keeps its
configuration, logs and data in a temporary directory of its own, and is a
context manager: ``with Nginx(root) as web: ...``.  Server processes are
started in a session of their own (process group = their pid) and stopped by
pid: SIGTERM, wait, then SIGKILL to the process group after a timeout, then
reaped.  Every live server is also registered with ``atexit`` so a test that
crashes with an exception leaves nothing running; servers started from the
main thread also get PR_SET_PDEATHSIG=SIGTERM, so they die with a test
process that is killed outright.  Set RK_KEEP_SERVER_DIRS=1 to keep the
temporary directories for debugging (their paths are in ``.tmpdir``).

Classes
=======

Nginx(root_dir, http2=False, extra_conf="")
    Debian's /usr/sbin/nginx (package nginx-light; RK_NGINX overrides the
    path) in the foreground (``daemon off;``) with ``-p TMP/ -c TMP/nginx.conf
    -e TMP/error.log``, one worker, pid file, lock file, error log, access log
    and every *_temp_path inside TMP, so it runs unprivileged.  As root the
    config says ``user root root;`` (otherwise nginx would drop the worker to
    ``nobody``, which cannot read a 0700 temporary tree); as another user the
    directive is left out (nginx would only warn that it is ignored).  It
    serves ``root_dir`` read-only (GET/HEAD; other methods get 405) with nginx's
    own Range handling: single ranges (206 + Content-Range), multiple ranges
    (206 multipart/byteranges; ``max_ranges`` is not set, i.e. unlimited), 416
    past the end, keep-alive (keepalive_requests 100000, 75 s), ``etag on``,
    ``open_file_cache`` off (a file replaced on disk is seen at once).
    ``http2=True`` makes the listener ``listen 127.0.0.1:PORT http2;``: cleartext
    HTTP/2 with prior knowledge only (no TLS, no h2c Upgrade; an HTTP/1.1
    request to that port fails).  ``extra_conf`` goes inside the ``server``
    block, ``extra_http_conf`` inside ``http``.
    A second, HTTP/1.1-only listener (``ctl_port``) answers
    ``/__rk_sync?n=NONCE`` into a separate log; it is used for readiness (the
    worker answers) and to make log reads exact: ``requests()`` first sends a
    sync request and waits until its line is written.  The single worker writes
    each access-log line synchronously when it finishes a request, so once the
    sync line is there every request whose response the client had received is
    logged too.
    Methods: ``url(name)``, ``requests()`` (parsed access-log records since the
    start or the last ``reset_log()``), ``reset_log()`` (remembers the log
    offset; no signal), ``request_count()``, ``bytes_sent()`` (sum of body
    bytes), ``base_url``, ``port``, ``pid``, ``tmpdir``.
    Access-log format (``log_format rk escape=json``; one JSON object a line;
    see NGINX_LOG_FORMAT below).  Parsed records have: msec (float), method,
    uri ($uri, decoded), request_uri (raw, with query), range ($http_range or
    None), status (int), body_bytes_sent (int, body only; for multi-range the
    multipart body), bytes_sent (int, with headers), protocol ("HTTP/1.1",
    "HTTP/2.0"), connection ($connection: serial number of the TCP
    connection), connection_requests ($connection_requests: 1, 2, ... for the
    requests of one keep-alive connection, and for the streams of one HTTP/2
    connection),
    request_time (float s), content_range ($sent_http_content_range, None for
    multipart), content_type, if_range, remote_port (int), user_agent.
    Multi-range note (nginx behaviour): if the ranges together are larger
    than the file nginx ignores the Range header and answers 200 with the whole
    file; overlapping ranges are not merged.

S3Server(root_dir=None, buckets=("rk-test",))
    The npm package s3rver 3.7.1, found through $RK_S3RVER (path of the s3rver
    executable) or ``<repo>/.tools/s3rver/node_modules/.bin/s3rver``; when
    neither exists (or ``node`` is missing) it raises ``ServerUnavailable``, a
    ``unittest.SkipTest``, naming the install command
    ``npm install --prefix <repo>/.tools/s3rver s3rver@3.7.1``.  Runs
    ``s3rver --directory TMP/data --address 127.0.0.1 --port 0 --silent
    --configure-bucket B ...`` and reads the port it prints ("S3rver listening
    on 127.0.0.1:PORT"; printed even with --silent), so there is no port race.
    If ``root_dir`` is given every file under it is uploaded to the first
    bucket at start (key = path relative to root_dir, '/'-separated).
    ``put(bucket, key, path)`` / ``put_bytes`` upload with a SigV4-signed PUT
    computed here (no boto).  ``endpoint`` = "127.0.0.1:PORT", ``url(bucket,
    key)`` (path-style), ``vsis3(bucket, key)``, ``env()`` = the GDAL variables
    AWS_S3_ENDPOINT, AWS_HTTPS=NO, AWS_VIRTUAL_HOSTING=FALSE,
    AWS_ACCESS_KEY_ID=S3RVER, AWS_SECRET_ACCESS_KEY=S3RVER, AWS_REGION=us-east-1.
    What s3rver 3.7.1 checks (read in lib/middleware/authentication.js and
    verified by servers_selftest.py):
      * SigV4 signatures are NOT verified ("Signature version 4 calculation is
        unimplemented" in its source): a request signed with a wrong secret is
        answered 200/206 as if it were right.  Only V2 ("AWS key:sig")
        signatures are checked (403 SignatureDoesNotMatch).
      * It does check: the access key id exists (403 InvalidAccessKeyId), the
        Authorization header has Credential, SignedHeaders and Signature (400
        AuthorizationHeaderMalformed), ``x-amz-content-sha256`` is present
        (400 InvalidRequest otherwise; curl 7.88 --aws-sigv4 does not send it,
        add ``-H 'x-amz-content-sha256: UNSIGNED-PAYLOAD'`` or the hash), and
        x-amz-date is within 15 minutes (403 RequestTimeTooSkewed).
      * Anonymous requests (no Authorization) are served too.
      * Its Range parsing is wrong in ways a client must not depend on:
        ``bytes=0-0`` returns the WHOLE object (206, Content-Range 0-(N-1)),
        ``bytes=-N`` (suffix) returns bytes 0..N, a multi-range request returns
        the whole object as 206, and 416 has no Content-Range header.  Use
        FaultServer or Nginx for Range semantics; use S3Server for
        "does the S3 client talk to an S3 API" (path-style URLs, bucket
        listing, HEAD, signing headers present).
    So signature correctness must be tested against FaultServer.expect_sigv4.

FaultServer(files: dict[name, bytes])
    Our own scripted HTTP/1.1 server (an http.server.ThreadingHTTPServer
    subclass, protocol_version "HTTP/1.1", keep-alive) in a thread of this
    process.  Single-range semantics: 200 + whole body without Range; 206 +
    Content-Range + Content-Length for ``bytes=a-b``, ``bytes=a-``,
    ``bytes=-n`` (end clamped to the size); 416 + ``Content-Range: bytes
    */SIZE`` when the first byte is past the end; a Range header it cannot
    parse, or a multi-range one, is ignored (200 + whole body, as S3 does).
    Every answer has ETag (quoted md5 of the content), Last-Modified,
    Accept-Ranges: bytes, Content-Length; HEAD answers like GET without body.
    If-Match (412), If-None-Match (304) and If-Range (whole body when the
    validator no longer matches) are honoured.  Every request is recorded in
    ``requests`` (list of dicts: method, path, raw_path, query, headers (lower
    case names), range, authorization, host, name, bucket, connection (serial
    of the TCP connection), request_on_connection (1, 2, ...), status, fault,
    body_bytes (body bytes written), time).  Clients that vanish mid-answer
    (timeouts, resets) are listed in ``errors``, not printed.
    Names: a file named "rk/a.tif" is served at path-style ``/rk/a.tif`` and,
    virtual-host style, at ``/a.tif`` with ``Host: rk.127.0.0.1:PORT`` (or
    ``rk.localhost:PORT``).  A name without '/' is just ``/name``.
    Fault plan: ``fail(name, kind, count=1, **params)`` queues a fault for the
    next ``count`` requests of ``name`` ("*" = any name) that it applies to.
    Faults are taken in the order queued; a request takes at most one.
    Applies to: status, slow_first_byte: any method; drop_mid_body,
    short_body: GET; wrong_content_range, ignore_range: GET with a
    satisfiable single Range.  ``method="HEAD"`` etc. narrows it.  On the wire:
      status              HTTP/1.1 <code> with a small body (S3-style XML
                          <Error><Code>SlowDown</Code>... by default, or
                          ``body=``), Content-Length, ``headers=`` added
                          (``retry_after=S`` sets Retry-After); the
                          connection stays open unless ``close=True``
                          (then "Connection: close" and FIN).  params: code
                          (default 503).
      drop_mid_body       the normal status line and headers (200/206, full
                          Content-Length), then ``fraction`` (0.5) of the body,
                          waits (up to 2 s) until the peer's kernel has
                          acknowledged those bytes, then closes with an RST
                          (SO_LINGER 0): on Linux the client reads exactly that
                          part of the body, then recv() fails with ECONNRESET.
                          ``reset=False`` closes with FIN instead.
      slow_first_byte     sleeps ``seconds`` (1.0) before the status line,
                          then answers normally (slow server / read timeout).
      wrong_content_range 206 for ``bytes=a-b`` but answers bytes
                          a+shift..b+shift (``shift``, default 1, may be
                          negative; a window falling off an end of the file is
                          moved back inside it, same length, so pick a shift
                          that keeps it inside or it may equal the request)
                          with an honest
                          ``Content-Range: bytes a+shift-b+shift/SIZE``: the
                          client must check that the range is the one it asked.
      short_body          headers with Content-Length N (the right length),
                          then N*``fraction`` (0.5) bytes, then FIN: a clean
                          EOF before the promised length.
      ignore_range        200 with the whole file and no Content-Range, as a
                          server without range support.
    ``replace(name, new_bytes)`` swaps the content, its ETag and its
    Last-Modified (strictly later than before) for the next requests: the
    "file replaced mid-read" case.  ``reset()`` clears requests, failures and
    faults.
    ``expect_sigv4(access_key, secret, region, timestamp=None, service="s3",
    sign_range=True)``: every request must carry an Authorization equal to the
    AWS SigV4 value computed here for it: canonical request = method,
    URI-encoded path (encoded once, '/' kept, S3 style), canonical query
    (RFC 3986 encoded, sorted), canonical headers ``host`` (the Host header as
    sent, with port), ``range`` (if present and ``sign_range`` is True),
    ``x-amz-content-sha256`` (required; its value is the payload hash),
    ``x-amz-date``, ``x-amz-security-token`` (if present) and any other
    x-amz-* header present; scope DATE/region/service/aws4_request.
    ``sign_range=False`` expects range left unsigned (GDAL's and curl's
    convention), ``sign_range=None`` accepts either.  ``timestamp`` (a
    "YYYYMMDDTHHMMSSZ" string, a datetime or epoch seconds) must equal the
    request's x-amz-date; None accepts any x-amz-date.  The comparison is of
    algorithm, Credential, SignedHeaders and Signature (spacing between them
    is free: GDAL writes "a,b", curl "a, b").  A mismatch is answered 403
    with, in the body, the reasons, expected and received Authorization, the
    expected canonical request and the canonical request rebuilt from the
    client's own SignedHeaders (and whether the client's signature matches that
    one: if it does, the client signs correctly but a different header set or
    scope); it is recorded in ``sigv4_failures``.
    ``url(name)``, ``endpoint``, ``port``, ``env(...)`` (GDAL variables
    pointing /vsis3/ here).

DelayProxy(target_host, target_port, delay_ms, connect_delay_ms=0,
           subprocess=False)
    A byte-level TCP proxy (asyncio; it never parses, so HTTP/1.1, HTTP/2 and
    TLS pass through).  ``delay_ms`` is the ADDED ROUND-TRIP TIME: every chunk
    read from either side is written to the other side delay_ms/2 after it was
    read (one-way latency), chunks of one direction keep their order and are
    not held back by each other (a pipe with latency, not a bandwidth limit).
    So one request/response exchange on an open connection costs delay_ms
    more.  Opening a connection through the proxy is NOT delayed by default
    (the client's connect completes locally); ``connect_delay_ms`` adds that
    much to the first client->server chunk of each connection, to model the
    TCP handshake round trip (set it to delay_ms for "one RTT per new
    connection").  EOF (half-close) and resets are forwarded after the same
    delay.  In-process (a thread with its own event loop, default) or
    ``subprocess=True`` (runs ``python3 servers.py delay-proxy --target
    HOST:PORT --delay-ms D --port 0``, which prints its port on the first line
    of stdout, and is stopped by pid).  ``port``, ``url(path)``, ``stats()``
    (connections, bytes each way; in-process only).

Command line (each runs until SIGTERM/SIGINT)
    python3 servers.py delay-proxy --target 127.0.0.1:PORT --delay-ms 20 [--port 0]
        [--connect-delay-ms 0]    prints the port on the first stdout line.
    python3 servers.py nginx --root DIR [--http2]      prints one JSON line.
    python3 servers.py s3 [--root DIR] [--bucket B]... prints one JSON line
        (endpoint, env).

Helpers: ``free_port()``, ``wait_for_port()``, ``sigv4_compute()``,
``sigv4_sign_headers()``, ``parse_authorization()``, ``parse_range()``,
``h2c_get()`` (a minimal HTTP/2 prior-knowledge client: curl 7.88.1, Debian
12's, cannot send a second request on an h2c prior-knowledge connection,
"Error in the HTTP2 framing layer", curl issue #10634, fixed in curl 8.0;
libcurl 7.88.1 clients with CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE have the bug).

Other clients' SigV4, as checked by servers_selftest.py against expect_sigv4:
  * curl 7.88.1 ``--aws-sigv4 aws:amz:REGION:s3``: signs host and x-amz-date
    plus x-amz-* headers given with -H (so x-amz-content-sha256 only if
    given), never Range; separates the Authorization parts with ", ".  Its
    signature equals ours for paths (also %20, %2B) with no query or a query
    already in canonical order, but it signs the query string as sent
    (unsorted, not re-encoded): ``?b=2&a=1`` fails against a correct verifier.
    An X-Amz-Date given with -H is used for signing but the header is then
    sent twice.
  * GDAL 3.6 /vsis3/: signs host;x-amz-content-sha256;x-amz-date (not Range),
    parts separated by ","; equals ours, listing queries included.

A test process killed with SIGKILL leaves no server running (PDEATHSIG) but
does leave its rk-* temporary directories behind.
"""

import argparse
import asyncio
import atexit
import ctypes
import datetime
import email.utils
import fcntl
import grp
import hashlib
import hmac
import http.client
import http.server
import io
import json
import os
import pwd
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid

__all__ = [
    "ServerUnavailable", "ServerStartError", "Nginx", "S3Server",
    "FaultServer", "DelayProxy", "free_port", "wait_for_port",
    "sigv4_compute", "sigv4_sign_headers", "h2c_get", "REPO_ROOT",
    "NGINX_LOG_FORMAT", "S3RVER_INSTALL",
]

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
S3RVER_VERSION = "3.7.1"
S3RVER_INSTALL = "npm install --prefix %s s3rver@%s" % (
    os.path.join(REPO_ROOT, ".tools", "s3rver"), S3RVER_VERSION)
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_HOST = "127.0.0.1"


class ServerUnavailable(unittest.SkipTest):
    """The server program is not installed: tests using it are skipped."""


class ServerStartError(RuntimeError):
    """The server program exists but did not start (message has its log tail)."""


# --------------------------------------------------------------------------
# process helpers

_LIVE = set()
_LIVE_LOCK = threading.Lock()


def _register(obj):
    with _LIVE_LOCK:
        _LIVE.add(obj)


def _unregister(obj):
    with _LIVE_LOCK:
        _LIVE.discard(obj)


@atexit.register
def _stop_all():
    with _LIVE_LOCK:
        live = list(_LIVE)
    for obj in live:
        try:
            obj.stop()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


def _keep_dirs():
    return os.environ.get("RK_KEEP_SERVER_DIRS", "") not in ("", "0")


try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # pragma: no cover
    _prctl = None
_PR_SET_PDEATHSIG = 1


def _preexec_pdeathsig():
    # Runs in the child between fork and exec: only the pre-resolved prctl.
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _spawn(cmd, tmpdir, label, env=None):
    """Start cmd in its own session, stdout/stderr to files in tmpdir."""
    out = open(os.path.join(tmpdir, label + ".stdout"), "wb")
    err = open(os.path.join(tmpdir, label + ".stderr"), "wb")
    preexec = None
    if _prctl is not None and threading.current_thread() is threading.main_thread():
        # PDEATHSIG fires when the forking *thread* ends, so only from main.
        preexec = _preexec_pdeathsig
    try:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                cwd=tmpdir, env=env, start_new_session=True,
                                close_fds=True, preexec_fn=preexec)
    finally:
        out.close()
        err.close()


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _stop_process(proc, timeout=10.0):
    """SIGTERM proc by pid, wait, SIGKILL its process group after timeout, reap.

    proc was started with start_new_session, so its pgid is its pid and any
    children (nginx workers) are in that group."""
    if proc is None:
        return
    pgid = proc.pid
    if proc.poll() is None:
        try:
            os.kill(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
    # Leftover group members (e.g. workers of a master that died abnormally).
    deadline = time.monotonic() + 2.0
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.02)
    if _group_alive(pgid):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def free_port(host=_HOST):
    """A port that was free a moment ago (bind to port 0).  Callers must retry
    on EADDRINUSE: another process may take it before the server binds it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_for_port(host, port, timeout=10.0, proc=None):
    """Poll until host:port accepts a TCP connection.  Returns False if proc
    exited first; raises TimeoutError after timeout."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=1.0):
                return True
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("nothing accepts connections on %s:%d after %.1f s"
                               % (host, port, timeout))
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _tail(path, lines=30):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return "(cannot read %s: %s)" % (path, e)
    return "\n".join(data.decode("utf-8", "replace").splitlines()[-lines:])


def _conf_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Managed:
    """Context-manager plumbing: ``with X(...) as x`` starts and stops x."""

    proc = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    @property
    def pid(self):
        return self.proc.pid if self.proc else None


class _ProcessServer(_Managed):
    """Common start/stop plumbing for subprocess servers."""

    tmpdir = None
    _prefix = "rk-server-"

    def _make_tmpdir(self):
        self.tmpdir = tempfile.mkdtemp(prefix=self._prefix)
        _register(self)

    def _before_rmtree(self):
        pass

    def stop(self):
        proc, self.proc = self.proc, None
        try:
            _stop_process(proc)
        finally:
            if self.tmpdir and os.path.isdir(self.tmpdir):
                self._before_rmtree()
                if not _keep_dirs():
                    shutil.rmtree(self.tmpdir, ignore_errors=True)
            _unregister(self)


# --------------------------------------------------------------------------
# nginx

NGINX_LOG_FORMAT = (
    '{"msec":"$msec","method":"$request_method","uri":"$uri",'
    '"request_uri":"$request_uri","range":"$http_range","status":"$status",'
    '"body_bytes_sent":"$body_bytes_sent","bytes_sent":"$bytes_sent",'
    '"protocol":"$server_protocol","connection":"$connection",'
    '"connection_requests":"$connection_requests","request_time":"$request_time",'
    '"content_range":"$sent_http_content_range","content_type":"$sent_http_content_type",'
    '"if_range":"$http_if_range","remote_port":"$remote_port",'
    '"user_agent":"$http_user_agent"}'
)
_LOG_INTS = ("status", "body_bytes_sent", "bytes_sent", "connection",
             "connection_requests", "remote_port")
_LOG_FLOATS = ("msec", "request_time")
_LOG_OPTIONAL = ("range", "content_range", "content_type", "if_range", "user_agent")

_NGINX_CONF = """\
# generated by autotest/remote/servers.py
daemon off;
master_process on;
worker_processes 1;
{user_line}
pid {tmp}/nginx.pid;
lock_file {tmp}/nginx.lock;
error_log {tmp}/error.log notice;

events {{
    worker_connections 1024;
}}

http {{
    default_type application/octet-stream;
    types {{
        image/tiff tif tiff;
        text/plain txt;
        application/json json;
        text/html html;
    }}
    client_body_temp_path {tmp}/client_body_temp;
    proxy_temp_path {tmp}/proxy_temp;
    fastcgi_temp_path {tmp}/fastcgi_temp;
    uwsgi_temp_path {tmp}/uwsgi_temp;
    scgi_temp_path {tmp}/scgi_temp;

    log_format rk escape=json '{log_format}';
    log_format rksync '$arg_n';
    access_log off;

    server_tokens off;
    keepalive_timeout 75s;
    keepalive_requests 100000;
    etag on;
    open_file_cache off;
    log_not_found off;
{extra_http_conf}
    server {{
        listen {host}:{port}{http2};
        server_name localhost;
{tls_conf}
        root {root};
        access_log {tmp}/access.log rk;
        location / {{
        }}
{extra_conf}
    }}

    server {{
        listen {host}:{ctl_port};
        server_name rk-control;
        access_log {tmp}/sync.log rksync;
        location = /__rk_sync {{
            return 204;
        }}
        location / {{
            return 404;
        }}
    }}
}}
"""


class Nginx(_ProcessServer):
    """Debian's nginx serving root_dir on 127.0.0.1:PORT (see module doc)."""

    _prefix = "rk-nginx-"

    def __init__(self, root_dir, http2=False, extra_conf="", *, extra_http_conf="",
                 nginx=None, start_timeout=15.0, tls=False):
        self.root_dir = os.path.abspath(root_dir)
        self.http2 = bool(http2)
        # tls=True: HTTPS with a self-signed certificate for 127.0.0.1
        # (ca_file names it, for CURL_CA_BUNDLE); with http2, HTTP/2 is
        # negotiated by ALPN (the path real servers use).
        self.tls = bool(tls)
        self.extra_conf = extra_conf
        self.extra_http_conf = extra_http_conf
        self.nginx = nginx or os.environ.get("RK_NGINX") or "/usr/sbin/nginx"
        self.start_timeout = start_timeout
        self.port = None
        self.ctl_port = None
        self._log_offset = 0
        self._final_log = None

    # paths
    @property
    def access_log(self):
        return os.path.join(self.tmpdir, "access.log")

    @property
    def error_log(self):
        return os.path.join(self.tmpdir, "error.log")

    @property
    def base_url(self):
        return "%s://%s:%d" % ("https" if self.tls else "http", _HOST, self.port)

    @property
    def ca_file(self):
        return os.path.join(self.tmpdir, "cert.pem") if self.tls else None

    def _make_certificate(self):
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", os.path.join(self.tmpdir, "key.pem"), "-out", self.ca_file],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def url(self, name=""):
        return "%s/%s" % (self.base_url, urllib.parse.quote(name.lstrip("/"), safe="/~"))

    def _user_line(self):
        if os.geteuid() != 0:
            return "# not root: no user directive (nginx would ignore it)"
        user = pwd.getpwuid(os.geteuid()).pw_name
        group = grp.getgrgid(os.getegid()).gr_name
        return "user %s %s;" % (user, group)

    def _write_conf(self):
        conf = _NGINX_CONF.format(
            user_line=self._user_line(), tmp=self.tmpdir, host=_HOST, port=self.port,
            ctl_port=self.ctl_port,
            http2=(" ssl" if self.tls else "") + (" http2" if self.http2 else ""),
            tls_conf=("        ssl_certificate %s;\n        ssl_certificate_key %s;"
                      % (self.ca_file, os.path.join(self.tmpdir, "key.pem"))) if self.tls else "",
            root=_conf_quote(self.root_dir), log_format=NGINX_LOG_FORMAT,
            extra_conf=self.extra_conf, extra_http_conf=self.extra_http_conf)
        path = os.path.join(self.tmpdir, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        return path

    def start(self):
        if not os.access(self.nginx, os.X_OK):
            raise ServerUnavailable("nginx not found at %s (apt-get install nginx-light)"
                                    % self.nginx)
        if not os.path.isdir(self.root_dir):
            raise ValueError("Nginx root_dir is not a directory: %s" % self.root_dir)
        self._make_tmpdir()
        if self.tls:
            self._make_certificate()
        try:
            for attempt in range(8):
                self.port = free_port()
                self.ctl_port = free_port()
                while self.ctl_port == self.port:
                    self.ctl_port = free_port()
                conf = self._write_conf()
                for name in ("error.log", "access.log", "sync.log"):
                    open(os.path.join(self.tmpdir, name), "wb").close()
                cmd = [self.nginx, "-p", self.tmpdir + "/", "-c", conf, "-e", self.error_log]
                self.proc = _spawn(cmd, self.tmpdir, "nginx")
                if self._wait_ready():
                    self._log_offset = 0
                    return self
                errors = _tail(self.error_log) + "\n" + _tail(
                    os.path.join(self.tmpdir, "nginx.stderr"))
                _stop_process(self.proc)
                self.proc = None
                if "Address already in use" in errors and attempt < 7:
                    continue  # lost the port race: pick new ports
                raise ServerStartError(
                    "nginx did not start (%s, config %s). error_log tail:\n%s"
                    % (" ".join(cmd), conf, errors))
        except BaseException:
            self.stop()
            raise
        raise ServerStartError("nginx: no free port after retries")

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        try:
            if not wait_for_port(_HOST, self.ctl_port, self.start_timeout, self.proc):
                return False
            if not wait_for_port(_HOST, self.port, max(0.1, deadline - time.monotonic()),
                                 self.proc):
                return False
        except TimeoutError:
            return False
        # The worker answers (not only the master's listen socket).
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                self._sync(timeout=max(0.1, deadline - time.monotonic()))
                return True
            except (OSError, TimeoutError, http.client.HTTPException):
                time.sleep(0.02)
        return False

    def _sync(self, timeout=10.0):
        """Make sure every request answered so far is in the access log."""
        nonce = uuid.uuid4().hex
        conn = http.client.HTTPConnection(_HOST, self.ctl_port, timeout=timeout)
        try:
            conn.request("GET", "/__rk_sync?n=" + nonce)
            resp = conn.getresponse()
            resp.read()
        finally:
            conn.close()
        path = os.path.join(self.tmpdir, "sync.log")
        deadline = time.monotonic() + timeout
        while True:
            with open(path, "rb") as f:
                if nonce.encode() in f.read():
                    return
            if time.monotonic() > deadline:
                raise TimeoutError("nginx sync line not logged")
            time.sleep(0.002)

    def _read_log(self):
        if self._final_log is not None and self.proc is None:
            return self._final_log
        self._sync()
        with open(self.access_log, "rb") as f:
            return f.read()

    @staticmethod
    def parse_log_line(line):
        rec = json.loads(line)
        for k in _LOG_INTS:
            try:
                rec[k] = int(rec[k])
            except (KeyError, ValueError):
                rec[k] = None
        for k in _LOG_FLOATS:
            try:
                rec[k] = float(rec[k])
            except (KeyError, ValueError):
                rec[k] = None
        for k in _LOG_OPTIONAL:
            if rec.get(k) in ("", "-"):
                rec[k] = None
        return rec

    def requests(self):
        """Access-log records since start or the last reset_log()."""
        data = self._read_log()[self._log_offset:]
        return [self.parse_log_line(l) for l in data.decode("utf-8", "replace").splitlines()
                if l.strip()]

    def reset_log(self):
        self._log_offset = len(self._read_log())

    def request_count(self):
        return len(self.requests())

    def bytes_sent(self):
        return sum(r["body_bytes_sent"] or 0 for r in self.requests())

    def error_log_tail(self, lines=30):
        return _tail(self.error_log, lines)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                self._final_log = self._read_log()
            except Exception:  # noqa: BLE001 - server may be broken
                pass
        super().stop()

    def _before_rmtree(self):
        if self._final_log is None:
            try:
                with open(self.access_log, "rb") as f:
                    self._final_log = f.read()
            except OSError:
                self._final_log = b""


# --------------------------------------------------------------------------
# AWS SigV4

class SigV4:
    """Result of sigv4_compute()."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return "SigV4(%r)" % self.authorization


def _uri_encode(s, safe_slash):
    return urllib.parse.quote(s, safe="-_.~" + ("/" if safe_slash else ""))


def canonical_uri(raw_path):
    """S3 canonical URI: the decoded path encoded once, '/' kept."""
    return _uri_encode(urllib.parse.unquote(raw_path or "/"), True) or "/"


def canonical_query(raw_query):
    pairs = []
    for part in (raw_query or "").split("&"):
        if not part:
            continue
        k, _, v = part.partition("=")
        pairs.append((_uri_encode(urllib.parse.unquote(k), False),
                      _uri_encode(urllib.parse.unquote(v), False)))
    pairs.sort()
    return "&".join("%s=%s" % kv for kv in pairs)


def _canon_value(v):
    return re.sub(r"\s+", " ", v.strip())


def _amz_date(ts=None):
    if ts is None:
        return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    if isinstance(ts, str):
        return ts
    if isinstance(ts, datetime.datetime):
        if ts.tzinfo is not None:
            ts = ts.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return ts.strftime("%Y%m%dT%H%M%SZ")
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(ts))


def sigv4_compute(method, raw_path, raw_query, headers, signed_headers, payload_hash,
                  access_key, secret, region, service="s3", amz_date=None,
                  query_as_sent=False):
    """Compute an AWS SigV4 Authorization.

    headers: {lower-case name: value}; signed_headers: names to sign (must be
    in headers); payload_hash: hex sha256 or "UNSIGNED-PAYLOAD"; amz_date:
    "YYYYMMDDTHHMMSSZ" (default headers["x-amz-date"]).  query_as_sent=True
    puts raw_query in the canonical request unsorted and unencoded (what curl
    7.88 does; wrong per AWS).  Returns a SigV4 with authorization,
    canonical_request, string_to_sign, signature, scope, signed_headers
    (";"-joined)."""
    amz_date = amz_date or headers["x-amz-date"]
    names = sorted({n.lower() for n in signed_headers})
    canon_headers = "".join("%s:%s\n" % (n, _canon_value(headers[n])) for n in names)
    signed = ";".join(names)
    query = (raw_query or "") if query_as_sent else canonical_query(raw_query)
    creq = "\n".join([method, canonical_uri(raw_path), query,
                      canon_headers, signed, payload_hash])
    scope = "%s/%s/%s/aws4_request" % (amz_date[:8], region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    auth = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        access_key, scope, signed, sig)
    return SigV4(authorization=auth, canonical_request=creq, string_to_sign=sts,
                 signature=sig, scope=scope, signed_headers=signed, amz_date=amz_date)


def sigv4_sign_headers(method, host, raw_path, raw_query="", headers=None, payload=b"",
                       *, access_key, secret, region="us-east-1", service="s3",
                       amz_date=None, session_token=None, unsigned_payload=False):
    """Headers to send for a SigV4-signed request (S3 style).

    Signs host, every header given in `headers` (e.g. Range), x-amz-date,
    x-amz-content-sha256 and x-amz-security-token.  Returns (headers dict
    including Authorization, SigV4)."""
    out = {k.lower(): v for k, v in (headers or {}).items()}
    out["host"] = host
    out["x-amz-date"] = _amz_date(amz_date)
    out["x-amz-content-sha256"] = ("UNSIGNED-PAYLOAD" if unsigned_payload
                                   else hashlib.sha256(payload).hexdigest())
    if session_token:
        out["x-amz-security-token"] = session_token
    sig = sigv4_compute(method, raw_path, raw_query, out, list(out),
                        out["x-amz-content-sha256"], access_key, secret, region, service)
    out["authorization"] = sig.authorization
    return out, sig


_AUTH_RE = re.compile(r"^\s*(\S+)\s+(.*)$", re.S)


def parse_authorization(value):
    """{'algorithm', 'Credential', 'SignedHeaders', 'Signature'} or None."""
    m = _AUTH_RE.match(value or "")
    if not m:
        return None
    out = {"algorithm": m.group(1)}
    for comp in m.group(2).split(","):
        k, sep, v = comp.strip().partition("=")
        if sep:
            out[k.strip()] = v.strip()
    return out


# --------------------------------------------------------------------------
# s3rver

def _find_s3rver():
    env = os.environ.get("RK_S3RVER")
    candidates = [env] if env else [os.path.join(REPO_ROOT, ".tools", "s3rver",
                                                 "node_modules", ".bin", "s3rver")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    where = ("RK_S3RVER=%s" % env) if env else candidates[0]
    raise ServerUnavailable("s3rver %s not found (%s); install it with: %s"
                            % (S3RVER_VERSION, where, S3RVER_INSTALL))


class S3Server(_ProcessServer):
    """s3rver 3.7.1 on 127.0.0.1 (see module doc for what it does and does not check)."""

    _prefix = "rk-s3rver-"
    ACCESS_KEY = "S3RVER"
    SECRET_KEY = "S3RVER"
    REGION = "us-east-1"

    def __init__(self, root_dir=None, buckets=("rk-test",), *, s3rver=None,
                 start_timeout=60.0):
        if isinstance(buckets, str):
            buckets = (buckets,)
        if not buckets:
            raise ValueError("S3Server needs at least one bucket")
        self.root_dir = os.path.abspath(root_dir) if root_dir else None
        self.buckets = tuple(buckets)
        self.s3rver = s3rver
        self.start_timeout = start_timeout
        self.port = None

    @property
    def bucket(self):
        return self.buckets[0]

    @property
    def endpoint(self):
        return "%s:%d" % (_HOST, self.port)

    def url(self, bucket, key):
        return "http://%s/%s/%s" % (self.endpoint, bucket, urllib.parse.quote(key, safe="/~"))

    @staticmethod
    def vsis3(bucket, key):
        return "/vsis3/%s/%s" % (bucket, key)

    def env(self):
        return {
            "AWS_S3_ENDPOINT": self.endpoint,
            "AWS_HTTPS": "NO",
            "AWS_VIRTUAL_HOSTING": "FALSE",
            "AWS_ACCESS_KEY_ID": self.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": self.SECRET_KEY,
            "AWS_REGION": self.REGION,
        }

    def start(self):
        exe = self.s3rver or _find_s3rver()
        if shutil.which("node") is None:
            raise ServerUnavailable("node is not on PATH (s3rver needs it): apt-get install nodejs")
        self._make_tmpdir()
        try:
            data = os.path.join(self.tmpdir, "data")
            os.mkdir(data)
            cmd = [exe, "--directory", data, "--address", _HOST, "--port", "0", "--silent"]
            for b in self.buckets:
                cmd += ["--configure-bucket", b]
            env = dict(os.environ)
            env["HOME"] = self.tmpdir  # nothing of node's goes outside tmpdir
            self.proc = _spawn(cmd, self.tmpdir, "s3rver", env=env)
            self.port = self._wait_port()
            if self.root_dir:
                self.put_tree(self.root_dir, self.bucket)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_port(self):
        out = os.path.join(self.tmpdir, "s3rver.stdout")
        pat = re.compile(rb"listening on [^\s:]+:(\d+)")
        deadline = time.monotonic() + self.start_timeout
        while True:
            with open(out, "rb") as f:
                m = pat.search(f.read())
            if m:
                port = int(m.group(1))
                wait_for_port(_HOST, port, max(1.0, deadline - time.monotonic()), self.proc)
                return port
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise ServerStartError("s3rver did not start (exit %s). stdout:\n%s\nstderr:\n%s"
                                       % (self.proc.poll(), _tail(out),
                                          _tail(os.path.join(self.tmpdir, "s3rver.stderr"))))
            time.sleep(0.02)

    def request(self, method, bucket, key="", body=b"", headers=None, query="", sign=True):
        """A signed (or anonymous) request; returns (status, headers, body)."""
        path = "/" + bucket + ("/" + urllib.parse.quote(key, safe="/~") if key else "")
        hdrs = dict(headers or {})
        if sign:
            hdrs, _ = sigv4_sign_headers(method, self.endpoint, path, query, hdrs, body,
                                         access_key=self.ACCESS_KEY, secret=self.SECRET_KEY,
                                         region=self.REGION)
        conn = http.client.HTTPConnection(_HOST, self.port, timeout=60)
        try:
            conn.request(method, path + ("?" + query if query else ""), body=body,
                         headers=hdrs)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def put_bytes(self, bucket, key, data):
        status, headers, body = self.request("PUT", bucket, key, data)
        if status != 200:
            raise RuntimeError("s3rver PUT /%s/%s -> %d %s" % (bucket, key, status,
                                                               body[:500].decode("utf-8", "replace")))
        return headers.get("ETag")

    def put(self, bucket, key, path):
        """Upload a local file with a SigV4-signed PUT; returns the ETag."""
        with open(path, "rb") as f:
            return self.put_bytes(bucket, key, f.read())

    def put_tree(self, root, bucket):
        for dirpath, _, files in os.walk(root):
            for fn in sorted(files):
                full = os.path.join(dirpath, fn)
                if os.path.isfile(full):
                    self.put(bucket, os.path.relpath(full, root).replace(os.sep, "/"), full)


# --------------------------------------------------------------------------
# FaultServer

FAULT_KINDS = ("status", "drop_mid_body", "slow_first_byte", "wrong_content_range",
               "short_body", "ignore_range")
_FAULT_PARAMS = {
    "status": {"code": 503, "body": None, "headers": None, "close": False,
               "retry_after": None},
    "drop_mid_body": {"fraction": 0.5, "reset": True},
    "slow_first_byte": {"seconds": 1.0},
    "wrong_content_range": {"shift": 1},
    "short_body": {"fraction": 0.5},
    "ignore_range": {},
}
_S3_ERROR_CODES = {400: "BadRequest", 403: "AccessDenied", 404: "NoSuchKey",
                   429: "SlowDown", 500: "InternalError", 502: "BadGateway",
                   503: "SlowDown", 504: "GatewayTimeout"}
_SIOCOUTQ = 0x5411  # TIOCOUTQ: bytes not yet acknowledged by the peer


class _File:
    def __init__(self, data, mtime):
        self.data = bytes(data)
        self.etag = '"%s"' % hashlib.md5(self.data).hexdigest()
        self.mtime = int(mtime)

    @property
    def last_modified(self):
        return email.utils.formatdate(self.mtime, usegmt=True)


class _Fault:
    def __init__(self, name, kind, count, params):
        self.name, self.kind, self.count = name, kind, count
        self.method = params.pop("method", None)
        defaults = dict(_FAULT_PARAMS[kind])
        unknown = set(params) - set(defaults)
        if unknown:
            raise TypeError("fault %s: unknown parameter(s) %s (known: %s)"
                            % (kind, ", ".join(sorted(unknown)), ", ".join(sorted(defaults))))
        defaults.update(params)
        self.params = defaults

    def applies(self, name, method, rng):
        if self.name not in ("*", None) and self.name != name:
            return False
        if self.method and self.method.upper() != method:
            return False
        if self.kind in ("status", "slow_first_byte"):
            return True
        if method != "GET":
            return False
        if self.kind in ("wrong_content_range", "ignore_range"):
            return isinstance(rng, tuple)
        return True

    def __repr__(self):
        return "Fault(%r, %r, count=%d, %r)" % (self.name, self.kind, self.count, self.params)


def parse_range(value, size):
    """RFC 7233 single byte range: (start, end) inclusive, "unsatisfiable",
    or None (absent, malformed or multi-range: serve the whole file)."""
    if not value:
        return None
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", value)
    if not m:
        return None
    a, b = m.groups()
    if a == "" and b == "":
        return None
    if a == "":
        n = int(b)
        if n == 0 or size == 0:
            return "unsatisfiable"
        return (max(0, size - n), size - 1)
    start = int(a)
    end = int(b) if b else size - 1
    if b and end < start:
        return None
    if start >= size:
        return "unsatisfiable"
    return (start, min(end, size - 1))


class _FaultHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "rk-fault/1"
    sys_version = ""
    timeout = 300

    def setup(self):
        super().setup()
        self._conn_id = self.server._connection_opened(self)
        self._nreq = 0

    def finish(self):
        try:
            super().finish()
        finally:
            self.server._connection_closed(self)

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_GET(self):
        self._serve()

    def do_HEAD(self):
        self._serve()

    def _other(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        rec = self._record(body)
        if self.server._sigv4 and not self._check_sigv4(rec, body):
            return
        self._send_simple(rec, 405, b"method not allowed\n", {"Allow": "GET, HEAD"})

    do_PUT = do_POST = do_DELETE = do_OPTIONS = do_PATCH = _other

    # --- helpers
    def _record(self, body=b""):
        self._nreq += 1
        split = urllib.parse.urlsplit(self.path)
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + "," + v if k in headers else v
        rec = {
            "method": self.command, "raw_path": split.path,
            "path": urllib.parse.unquote(split.path), "query": split.query,
            "headers": headers, "range": headers.get("range"),
            "authorization": headers.get("authorization"), "host": headers.get("host"),
            "name": None, "bucket": None, "connection": self._conn_id,
            "request_on_connection": self._nreq, "status": None, "fault": None,
            "body_bytes": 0, "request_body_bytes": len(body), "time": time.monotonic(),
        }
        self.server._add_request(rec)
        return rec

    def _resolve(self, rec):
        host = re.sub(r":\d+$", "", rec["host"] or "").lower()
        bucket = None
        for suffix in (".127.0.0.1", ".localhost"):
            if host.endswith(suffix) and len(host) > len(suffix):
                bucket = host[:-len(suffix)]
        path = rec["path"].lstrip("/")
        name = (bucket + "/" + path) if bucket else path
        if bucket is None and "/" in path:
            bucket = path.split("/", 1)[0]
        rec["name"], rec["bucket"] = name, bucket
        return name

    def _send_simple(self, rec, code, body, headers=None, close=False):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if "Content-Type" not in (headers or {}):
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
            rec["body_bytes"] = len(body)
        rec["status"] = code

    def _check_sigv4(self, rec, body):
        ok, failure = self.server._verify_sigv4(rec, body)
        if ok:
            return True
        text = failure["report"].encode()
        self._send_simple(rec, 403, text)
        return False

    def _serve(self):
        rec = self._record()
        srv = self.server
        if srv._sigv4 and not self._check_sigv4(rec, b""):
            return
        name = self._resolve(rec)
        f = srv._get_file(name)
        rng = None
        if f is not None:
            rng = parse_range(rec["range"], len(f.data))
        fault = srv._take_fault(name, self.command, rng)
        if fault is not None:
            rec["fault"] = fault.kind
            p = fault.params
            if fault.kind == "status":
                code = int(p["code"])
                body = p["body"]
                if body is None:
                    err = _S3_ERROR_CODES.get(code, "Error")
                    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code>'
                            "<Message>injected %d</Message></Error>\n" % (err, code))
                if isinstance(body, str):
                    body = body.encode()
                hdrs = {"Content-Type": "application/xml"}
                hdrs.update(p["headers"] or {})
                if p["retry_after"] is not None:
                    hdrs["Retry-After"] = str(p["retry_after"])
                self._send_simple(rec, code, body, hdrs, close=bool(p["close"]))
                return
            if fault.kind == "slow_first_byte":
                srv._stop_event.wait(float(p["seconds"]))
                fault = None  # then answer normally, with what is there now
                now = srv._get_file(name)
                if now is not None and f is not None and len(now.data) == len(f.data):
                    f = now
        if f is None:
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
                    "<Key>%s</Key></Error>\n" % name).encode()
            self._send_simple(rec, 404, body, {"Content-Type": "application/xml"})
            return
        self._send_file(rec, f, rng, fault)

    def _send_file(self, rec, f, rng, fault):
        size = len(f.data)
        kind = fault.kind if fault else None
        h = self.headers
        # Conditionals
        im = h.get("If-Match")
        if im and im.strip() != "*" and f.etag not in [t.strip() for t in im.split(",")]:
            self._send_simple(rec, 412, b"precondition failed\n", self._validators(f))
            return
        inm = h.get("If-None-Match")
        if inm and (inm.strip() == "*" or f.etag in [t.strip() for t in inm.split(",")]):
            self.send_response(304)
            for k, v in self._validators(f).items():
                self.send_header(k, v)
            self.end_headers()
            rec["status"] = 304
            return
        ifr = h.get("If-Range")
        if ifr and isinstance(rng, tuple):
            ifr = ifr.strip()
            if ifr.startswith('"') or ifr.startswith("W/"):
                if ifr != f.etag:
                    rng = None
            elif ifr != f.last_modified:
                rng = None
        if rng == "unsatisfiable":
            self._send_simple(rec, 416, b"range not satisfiable\n",
                              dict(self._validators(f), **{"Content-Range": "bytes */%d" % size}))
            return
        if kind == "ignore_range":
            rng = None
        if kind == "wrong_content_range" and isinstance(rng, tuple):
            # Move the window by shift, then back inside the file if it fell
            # off an edge (keeping its length when the file is long enough).
            length = rng[1] - rng[0] + 1
            s = min(max(0, rng[0] + int(fault.params["shift"])), max(0, size - length))
            rng = (s, min(size - 1, s + length - 1))
        if isinstance(rng, tuple):
            status, body = 206, f.data[rng[0]:rng[1] + 1]
        else:
            status, body = 200, f.data
        self.send_response(status)
        for k, v in self._validators(f).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "image/tiff" if rec["name"].lower().endswith(
            (".tif", ".tiff")) else "application/octet-stream")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (rng[0], rng[1], size))
        self.send_header("Content-Length", str(len(body)))
        if kind in ("drop_mid_body", "short_body"):
            self.send_header("Connection", "keep-alive")
        self.end_headers()
        rec["status"] = status
        if self.command == "HEAD":
            return
        if kind in ("drop_mid_body", "short_body"):
            n = int(len(body) * float(fault.params["fraction"]))
            self.wfile.write(body[:n])
            rec["body_bytes"] = n
            self.close_connection = True
            self._close(reset=(kind == "drop_mid_body" and fault.params["reset"]))
            return
        self.wfile.write(body)
        rec["body_bytes"] = len(body)

    def _close(self, reset):
        sock = self.connection
        if reset:
            # Let the bytes written reach the peer first, then RST.
            deadline = time.monotonic() + 2.0
            buf = bytearray(4)
            while time.monotonic() < deadline:
                try:
                    fcntl.ioctl(sock.fileno(), _SIOCOUTQ, buf)
                except OSError:
                    break
                if struct.unpack("i", bytes(buf))[0] == 0:
                    break
                time.sleep(0.002)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # close() (not shutdown, which would send a FIN first) sends the
            # RST; the file objects hold references, so close them too and
            # give http.server harmless stand-ins for its final flush/close.
            for fobj in (self.wfile, self.rfile):
                try:
                    fobj.close()
                except OSError:
                    pass
            sock.close()
            self.wfile, self.rfile = io.BytesIO(), io.BytesIO()
        else:
            try:
                sock.shutdown(socket.SHUT_WR)  # FIN; socketserver closes it later
            except OSError:
                pass

    @staticmethod
    def _validators(f):
        return {"ETag": f.etag, "Last-Modified": f.last_modified, "Accept-Ranges": "bytes"}


class FaultServer(http.server.ThreadingHTTPServer):
    """Scripted HTTP/1.1 server for fault injection (see module doc)."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        """Clients that go away mid-answer (timeouts, resets) are expected
        here: keep them out of stderr, in ``errors``."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout)):
            with self._lock:
                self.errors.append(repr(exc))
            return
        super().handle_error(request, client_address)

    def __init__(self, files=None, *, host=_HOST):
        super().__init__((host, 0), _FaultHandler)
        self.port = self.server_address[1]
        self._lock = threading.RLock()
        self._files = {}
        now = time.time()
        for name, data in (files or {}).items():
            self._files[name.lstrip("/")] = _File(data, now)
        self._faults = []
        self._stop_event = threading.Event()
        self._thread = None
        self._conns = {}
        self._conn_serial = 0
        self._sigv4 = None
        self.requests = []
        self.sigv4_failures = []
        self.errors = []

    # --- lifecycle
    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self.serve_forever, name="FaultServer:%d"
                                            % self.port, kwargs={"poll_interval": 0.05},
                                            daemon=True)
            self._thread.start()
            _register(self)
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        if self._thread is None:
            self.server_close()
            return
        self._stop_event.set()
        self.shutdown()
        self._thread.join()
        self._thread = None
        with self._lock:
            conns = list(self._conns.items())
        for handler, (sock, thread) in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + 5.0
        for handler, (sock, thread) in conns:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.server_close()
        _unregister(self)

    # --- public API
    @property
    def endpoint(self):
        return "%s:%d" % (_HOST, self.port)

    @property
    def base_url(self):
        return "http://" + self.endpoint

    def url(self, name):
        return "%s/%s" % (self.base_url, urllib.parse.quote(name.lstrip("/"), safe="/~"))

    def env(self, access_key="AKIDEXAMPLE", secret="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            region="us-east-1"):
        """GDAL variables pointing /vsis3/ at this server (path-style)."""
        return {"AWS_S3_ENDPOINT": self.endpoint, "AWS_HTTPS": "NO",
                "AWS_VIRTUAL_HOSTING": "FALSE", "AWS_ACCESS_KEY_ID": access_key,
                "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": region}

    def add(self, name, data):
        with self._lock:
            self._files[name.lstrip("/")] = _File(data, time.time())

    def content(self, name):
        with self._lock:
            return self._files[name.lstrip("/")].data

    def etag(self, name):
        with self._lock:
            return self._files[name.lstrip("/")].etag

    def replace(self, name, new_bytes):
        """Swap the content (new ETag, later Last-Modified) for the next requests."""
        name = name.lstrip("/")
        with self._lock:
            old = self._files.get(name)
            mtime = time.time()
            if old is not None and int(mtime) <= old.mtime:
                mtime = old.mtime + 1
            self._files[name] = _File(new_bytes, mtime)
            return self._files[name].etag

    def fail(self, name, kind, count=1, **params):
        """Queue a fault for the next `count` matching requests of `name` ("*": any)."""
        if kind not in FAULT_KINDS:
            raise ValueError("unknown fault kind %r (known: %s)" % (kind, ", ".join(FAULT_KINDS)))
        if count < 1:
            raise ValueError("count must be >= 1")
        fault = _Fault(name.lstrip("/") if name not in (None, "*") else "*", kind, count, params)
        with self._lock:
            self._faults.append(fault)
        return fault

    def pending_faults(self):
        with self._lock:
            return list(self._faults)

    def expect_sigv4(self, access_key, secret, region="us-east-1", timestamp=None,
                     service="s3", sign_range=True):
        """Require a correct SigV4 Authorization on every request (see module doc)."""
        with self._lock:
            self._sigv4 = {"access_key": access_key, "secret": secret, "region": region,
                           "timestamp": None if timestamp is None else _amz_date(timestamp),
                           "service": service, "sign_range": sign_range}

    def clear_sigv4(self):
        with self._lock:
            self._sigv4 = None

    def reset(self):
        with self._lock:
            self.requests.clear()
            self.sigv4_failures.clear()
            self._faults.clear()

    def connections_seen(self):
        """Number of distinct TCP connections among recorded requests."""
        with self._lock:
            return len({r["connection"] for r in self.requests})

    # --- internals (called from handler threads)
    def _connection_opened(self, handler):
        with self._lock:
            self._conn_serial += 1
            self._conns[handler] = (handler.connection, threading.current_thread())
            return self._conn_serial

    def _connection_closed(self, handler):
        with self._lock:
            self._conns.pop(handler, None)

    def _add_request(self, rec):
        with self._lock:
            self.requests.append(rec)

    def _get_file(self, name):
        with self._lock:
            return self._files.get(name)

    def _take_fault(self, name, method, rng):
        with self._lock:
            for i, fault in enumerate(self._faults):
                if fault.applies(name, method, rng):
                    fault.count -= 1
                    if fault.count <= 0:
                        del self._faults[i]
                    return fault
        return None

    def _verify_sigv4(self, rec, body):
        cfg = self._sigv4
        hdrs = rec["headers"]
        reasons = []
        received = hdrs.get("authorization")
        parsed = parse_authorization(received) if received else None
        amz_date = hdrs.get("x-amz-date")
        if not received:
            reasons.append("no Authorization header")
        elif not parsed or parsed.get("algorithm") != "AWS4-HMAC-SHA256":
            reasons.append("Authorization is not AWS4-HMAC-SHA256")
        if not amz_date:
            reasons.append("no x-amz-date header")
        elif cfg["timestamp"] and amz_date != cfg["timestamp"]:
            reasons.append("x-amz-date %s != expected timestamp %s" % (amz_date, cfg["timestamp"]))
        if "x-amz-content-sha256" not in hdrs:
            reasons.append("no x-amz-content-sha256 header")
        payload_hash = hdrs.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
        client_signed = [n for n in (parsed or {}).get("SignedHeaders", "").split(";") if n]
        # Expected signed header set.
        names = {"host", "x-amz-date", "x-amz-content-sha256"}
        names |= {n for n in hdrs if n.startswith("x-amz-")}
        if "range" in hdrs:
            if cfg["sign_range"] is True or (cfg["sign_range"] is None and "range" in client_signed):
                names.add("range")
        names = sorted(n for n in names if n in hdrs)
        expected = None
        if amz_date:
            expected = sigv4_compute(rec["method"], rec["raw_path"], rec["query"], hdrs, names,
                                     payload_hash, cfg["access_key"], cfg["secret"],
                                     cfg["region"], cfg["service"], amz_date)
            if parsed and not reasons:
                want = parse_authorization(expected.authorization)
                for comp in ("Credential", "SignedHeaders", "Signature"):
                    if parsed.get(comp) != want[comp]:
                        reasons.append("%s differs: expected %s, received %s"
                                       % (comp, want[comp], parsed.get(comp)))
        if not reasons:
            return True, None
        # What the client most likely signed: its own SignedHeaders and scope.
        client_view = None
        client_matches = None
        if parsed and amz_date and client_signed and all(n in hdrs for n in client_signed):
            cred = parsed.get("Credential", "").split("/")
            if len(cred) == 5:
                client_view = sigv4_compute(rec["method"], rec["raw_path"], rec["query"], hdrs,
                                            client_signed, payload_hash, cred[0], cfg["secret"],
                                            cred[2], cred[3], amz_date)
                client_matches = client_view.signature == parsed.get("Signature")
        report = ["SigV4 mismatch for %s %s" % (rec["method"], self._req_line(rec)),
                  "reasons:"] + ["  - " + r for r in reasons]
        report += ["expected Authorization: %s" % (expected.authorization if expected else None),
                   "received Authorization: %s" % received,
                   "", "expected canonical request:", expected.canonical_request if expected
                   else "(none: no x-amz-date)",
                   "", "expected string to sign:", expected.string_to_sign if expected else "",
                   "", "canonical request rebuilt from the client's SignedHeaders:",
                   client_view.canonical_request if client_view else "(not computable)",
                   "", "client's signature matches its own SignedHeaders/scope: %s"
                   % client_matches]
        failure = {
            "request": rec, "reasons": reasons,
            "expected_authorization": expected.authorization if expected else None,
            "received_authorization": received,
            "expected_canonical_request": expected.canonical_request if expected else None,
            "received_canonical_request": client_view.canonical_request if client_view else None,
            "client_signature_self_consistent": client_matches,
            "report": "\n".join(report) + "\n",
        }
        with self._lock:
            self.sigv4_failures.append(failure)
        return False, failure

    @staticmethod
    def _req_line(rec):
        return rec["raw_path"] + ("?" + rec["query"] if rec["query"] else "")


# --------------------------------------------------------------------------
# DelayProxy

class _ProxyCore:
    """asyncio TCP proxy adding delay_s/2 per direction (runs in one loop)."""

    CHUNK = 65536
    QUEUE = 256

    def __init__(self, target_host, target_port, delay_ms, connect_delay_ms=0.0):
        self.target = (target_host, int(target_port))
        self.one_way = float(delay_ms) / 2000.0
        self.connect_extra = float(connect_delay_ms) / 1000.0
        self.server = None
        self.tasks = set()
        self.stats = {"connections": 0, "active": 0, "bytes_up": 0, "bytes_down": 0,
                      "upstream_errors": 0}

    async def start(self, host, port):
        self.server = await asyncio.start_server(self._handle, host, port)
        return self.server.sockets[0].getsockname()[1]

    async def close(self):
        """Stop listening, end every connection, cancel every task."""
        if self.server is not None:
            self.server.close()
        me = asyncio.current_task()
        while True:
            tasks = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
            if not tasks:
                break
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if self.server is not None:
            await self.server.wait_closed()

    async def _handle(self, creader, cwriter):
        task = asyncio.current_task()
        self.tasks.add(task)
        self.stats["connections"] += 1
        self.stats["active"] += 1
        uwriter = None
        try:
            try:
                ureader, uwriter = await asyncio.open_connection(*self.target)
            except OSError:
                self.stats["upstream_errors"] += 1
                cwriter.transport.abort()
                return
            await asyncio.gather(
                self._pump(creader, uwriter, "bytes_up", self.connect_extra),
                self._pump(ureader, cwriter, "bytes_down", 0.0))
        except asyncio.CancelledError:
            pass
        finally:
            for w in (cwriter, uwriter):
                if w is not None:
                    try:
                        w.close()
                    except Exception:  # noqa: BLE001
                        pass
            self.stats["active"] -= 1
            self.tasks.discard(task)

    async def _pump(self, reader, writer, stat, first_extra):
        loop = asyncio.get_running_loop()
        queue = asyncio.Queue(self.QUEUE)
        EOF, RESET = object(), object()

        async def deliver():
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                try:
                    if data is EOF:
                        if writer.can_write_eof():
                            writer.write_eof()
                        return
                    if data is RESET:
                        writer.transport.abort()
                        return
                    writer.write(data)
                    await writer.drain()
                except (ConnectionError, OSError):
                    return

        deliverer = asyncio.ensure_future(deliver())
        extra = first_extra
        try:
            while True:
                try:
                    data = await reader.read(self.CHUNK)
                except (ConnectionError, OSError):
                    await queue.put((loop.time() + self.one_way + extra, RESET))
                    break
                due = loop.time() + self.one_way + extra
                extra = 0.0
                if not data:
                    await queue.put((due, EOF))
                    break
                self.stats[stat] += len(data)
                await queue.put((due, data))
            await deliverer
        finally:
            if not deliverer.done():
                deliverer.cancel()
                await asyncio.gather(deliverer, return_exceptions=True)


class DelayProxy(_Managed):
    """TCP proxy adding delay_ms of round-trip time (delay_ms/2 each way)."""

    def __init__(self, target_host, target_port, delay_ms, *, connect_delay_ms=0.0, port=0,
                 host=_HOST, subprocess=False, start_timeout=15.0):
        self.target_host, self.target_port = target_host, int(target_port)
        self.delay_ms = float(delay_ms)
        self.connect_delay_ms = float(connect_delay_ms)
        self.host = host
        self.requested_port = int(port)
        self.use_subprocess = bool(subprocess)
        self.start_timeout = start_timeout
        self.port = None
        self.proc = None
        self.tmpdir = None
        self._loop = None
        self._thread = None
        self._core = None

    def url(self, path=""):
        return "http://%s:%d/%s" % (self.host, self.port, path.lstrip("/"))

    def stats(self):
        if self._core is None:
            raise RuntimeError("stats() is only available in-process")
        return dict(self._core.stats)

    def start(self):
        _register(self)
        try:
            if self.use_subprocess:
                self._start_subprocess()
            else:
                self._start_thread()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_thread(self):
        self._core = _ProxyCore(self.target_host, self.target_port, self.delay_ms,
                                self.connect_delay_ms)
        loop = self._loop = asyncio.new_event_loop()
        core = self._core
        ready = threading.Event()
        result = {}

        def run():
            asyncio.set_event_loop(loop)
            try:
                try:
                    result["port"] = loop.run_until_complete(
                        core.start(self.host, self.requested_port))
                except BaseException as e:  # noqa: BLE001
                    result["error"] = e
                    return
                finally:
                    ready.set()
                loop.run_forever()
                loop.run_until_complete(core.close())
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="DelayProxy", daemon=True)
        self._thread.start()
        ready.wait()
        if "error" in result:
            raise ServerStartError("DelayProxy could not listen: %s" % result["error"])
        self.port = result["port"]

    def _start_subprocess(self):
        self.tmpdir = tempfile.mkdtemp(prefix="rk-delayproxy-")
        port_file = os.path.join(self.tmpdir, "port")
        cmd = [sys.executable, os.path.abspath(__file__), "delay-proxy",
               "--target", "%s:%d" % (self.target_host, self.target_port),
               "--delay-ms", repr(self.delay_ms), "--port", str(self.requested_port),
               "--host", self.host, "--connect-delay-ms", repr(self.connect_delay_ms),
               "--port-file", port_file]
        self.proc = _spawn(cmd, self.tmpdir, "delay-proxy")
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                with open(port_file) as f:
                    text = f.read()
                if text.endswith("\n"):
                    self.port = int(text)
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise ServerStartError("delay-proxy did not start:\n%s" % _tail(
                    os.path.join(self.tmpdir, "delay-proxy.stderr")))
            time.sleep(0.01)

    def stop(self):
        if self._thread is not None:
            loop, self._loop = self._loop, None
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(10)
            self._thread = None
        if self.proc is not None:
            proc, self.proc = self.proc, None
            _stop_process(proc)
        if self.tmpdir and os.path.isdir(self.tmpdir) and not _keep_dirs():
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        _unregister(self)


def run_delay_proxy(target_host, target_port, delay_ms, port=0, host=_HOST,
                    connect_delay_ms=0.0, port_file=None, out=sys.stdout):
    """Run a DelayProxy in this process until SIGTERM/SIGINT (the CLI)."""

    async def main():
        core = _ProxyCore(target_host, target_port, delay_ms, connect_delay_ms)
        actual = await core.start(host, port)
        print(actual, file=out, flush=True)
        if port_file:
            tmp = port_file + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d\n" % actual)
            os.rename(tmp, port_file)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await core.close()

    asyncio.run(main())


# --------------------------------------------------------------------------
# Minimal HTTP/2 prior-knowledge client (tests only)

_H2_STATIC_STATUS = {8: 200, 9: 204, 10: 206, 11: 304, 12: 400, 13: 404, 14: 500}


def _hpack_int(value, prefix_bits, first_byte_flags=0):
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first_byte_flags | value])
    out = bytearray([first_byte_flags | limit])
    value -= limit
    while value >= 128:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _hpack_literal(name, value):
    n, v = name.encode(), value.encode()
    # Literal header field without indexing, new name, no Huffman.
    return b"\x00" + _hpack_int(len(n), 7) + n + _hpack_int(len(v), 7) + v


def _h2_frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + \
        struct.pack(">I", stream & 0x7FFFFFFF) + payload


def _h2_status(block):
    """Status from a response header block (indexed or plain literal :status)."""
    if not block:
        return None
    b0 = block[0]
    if b0 & 0x80:
        return _H2_STATIC_STATUS.get(b0 & 0x7F)
    # literal with indexed name 8 (":status"), any of the literal forms
    for prefix_bits, mask in ((6, 0x40), (4, 0x00), (4, 0x10)):
        if (b0 & ~((1 << prefix_bits) - 1) & 0xFF) == mask and (b0 & ((1 << prefix_bits) - 1)) == 8:
            ln = block[1]
            if ln & 0x80:
                return None  # Huffman-coded: not decoded here
            try:
                return int(block[2:2 + ln])
            except ValueError:
                return None
    return None


def h2c_get(host, port, paths, headers=None, authority=None, timeout=10.0):
    """GET each path as its own stream on ONE HTTP/2 prior-knowledge connection
    (streams sent one after the other, each awaited).  Returns a list of
    {"status", "body"}.  Only what the tests need: request headers as given
    (lower-case names), the response status only when sent indexed or as a
    plain literal (nginx does), no other response headers (no Huffman
    decoding); flow-control windows are given back as DATA arrives."""
    authority = authority or "%s:%d" % (host, port)
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    results = []
    try:
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + _h2_frame(4, 0, 0))
        buf = bytearray()

        def read_frame():
            while len(buf) < 9:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("h2 connection closed")
                buf.extend(chunk)
            length = int.from_bytes(buf[0:3], "big")
            while len(buf) < 9 + length:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("h2 connection closed")
                buf.extend(chunk)
            ftype, flags = buf[3], buf[4]
            stream = int.from_bytes(buf[5:9], "big") & 0x7FFFFFFF
            payload = bytes(buf[9:9 + length])
            del buf[:9 + length]
            return ftype, flags, stream, payload

        for i, path in enumerate(paths):
            sid = 1 + 2 * i
            block = b"".join(_hpack_literal(k, v) for k, v in
                             [(":method", "GET"), (":scheme", "http"), (":path", path),
                              (":authority", authority)] + list((headers or {}).items()))
            sock.sendall(_h2_frame(1, 0x5, sid, block))  # END_STREAM | END_HEADERS
            res = {"status": None, "body": b""}
            while True:
                ftype, flags, stream, payload = read_frame()
                if ftype == 4 and not flags & 1:  # SETTINGS -> ACK
                    sock.sendall(_h2_frame(4, 1, 0))
                elif ftype == 6 and not flags & 1:  # PING -> ACK
                    sock.sendall(_h2_frame(6, 1, 0, payload))
                elif ftype == 7:
                    raise ConnectionError("h2 GOAWAY: %r" % payload)
                elif stream == sid and ftype == 1:
                    if flags & 0x8:  # PADDED
                        payload = payload[1:len(payload) - payload[0]]
                    if flags & 0x20:  # PRIORITY
                        payload = payload[5:]
                    if res["status"] is None:
                        res["status"] = _h2_status(payload)
                    if flags & 1:
                        break
                elif stream == sid and ftype == 0:
                    if flags & 0x8:
                        payload = payload[1:len(payload) - payload[0]]
                    res["body"] += payload
                    if payload:  # give the window back
                        inc = struct.pack(">I", len(payload))
                        sock.sendall(_h2_frame(8, 0, 0, inc) + _h2_frame(8, 0, sid, inc))
                    if flags & 1:
                        break
                elif stream == sid and ftype == 3:
                    raise ConnectionError("h2 RST_STREAM on stream %d" % sid)
            results.append(res)
        sock.sendall(_h2_frame(7, 0, 0, struct.pack(">II", 2 * len(paths) - 1, 0)))
    finally:
        sock.close()
    return results


# --------------------------------------------------------------------------
# command line

def _wait_for_signal():
    stop = threading.Event()

    def handler(signum, frame):
        stop.set()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handler)
    while not stop.is_set():
        signal.pause()


def main(argv=None):
    ap = argparse.ArgumentParser(description="rasterkit remote-reading test servers")
    sub = ap.add_subparsers(dest="cmd", required=True)
    dp = sub.add_parser("delay-proxy", help="TCP proxy adding --delay-ms of round-trip time")
    dp.add_argument("--target", required=True, help="HOST:PORT")
    dp.add_argument("--delay-ms", type=float, required=True,
                    help="added round-trip time in ms (half each direction)")
    dp.add_argument("--connect-delay-ms", type=float, default=0.0,
                    help="extra delay of the first client chunk of each connection")
    dp.add_argument("--port", type=int, default=0)
    dp.add_argument("--host", default=_HOST)
    dp.add_argument("--port-file", help="also write the port here (atomically)")
    ng = sub.add_parser("nginx", help="serve a directory with nginx")
    ng.add_argument("--root", required=True)
    ng.add_argument("--http2", action="store_true")
    ng.add_argument("--tls", action="store_true", help="HTTPS, self-signed (ca_file printed)")
    s3 = sub.add_parser("s3", help="run s3rver")
    s3.add_argument("--root")
    s3.add_argument("--bucket", action="append")
    args = ap.parse_args(argv)
    if args.cmd == "delay-proxy":
        host, _, port = args.target.rpartition(":")
        run_delay_proxy(host, int(port), args.delay_ms, args.port, args.host,
                        args.connect_delay_ms, args.port_file)
        return 0
    if args.cmd == "nginx":
        with Nginx(args.root, http2=args.http2, tls=args.tls) as srv:
            print(json.dumps({"url": srv.base_url, "port": srv.port, "pid": srv.pid,
                              "tmpdir": srv.tmpdir, "ca_file": srv.ca_file}), flush=True)
            _wait_for_signal()
        return 0
    if args.cmd == "s3":
        with S3Server(args.root, buckets=tuple(args.bucket or ("rk-test",))) as srv:
            print(json.dumps({"endpoint": srv.endpoint, "buckets": srv.buckets,
                              "env": srv.env(), "pid": srv.pid, "tmpdir": srv.tmpdir}),
                  flush=True)
            _wait_for_signal()
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
