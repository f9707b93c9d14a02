#!/usr/bin/python3
"""rasterkit vs GDAL 3.6.2 (Debian's gdal-bin and python3-gdal: benchmark peer
only) reading Cloud Optimized GeoTIFFs over HTTP, side by side.

Everything runs on 127.0.0.1: nginx serves the COGs (autotest/remote/servers.py,
HTTP/1.1 with nginx's own Range handling); for an added round-trip time a
DelayProxy (same module) sits in front of nginx, adding D ms per round trip
(D/2 each way) and, by default, one more RTT at each new connection (the TCP
handshake; --no-connect-rtt turns that off). 0 ms means nginx directly.

Cases (each for rasterkit and for GDAL at its best, at each --delays value):
  info      open + report: `rasterkit info URL` / `gdalinfo /vsicurl/URL`
  window    one 256x256 full-resolution window (one tile), to a GTiff in a
            temporary folder: `translate -srcwin` / `gdal_translate -srcwin`
  overview  a 512x512 window read at 256x256 (-outsize), which both tools
            serve from the first overview
  threads   8 threads x 200 random 256x256 windows from one COG (GDAL: a
            dataset per thread, Python threads -- osgeo releases the GIL in
            ReadRaster; rasterkit: one ThreadSafeDataset read by 8 threads,
            bench/random_windows_bench.cpp, the same windows and digest)
  threads-lock  the same with GDAL's other way: one dataset shared by the
            threads behind a lock (decodes and fetches each block once)
  checksum  full-resolution checksum of the 8192x8192 DEFLATE COG
            (`rasterkit info -checksum` / `gdalinfo -checksum`)
("1" = info, "2" = window + overview, "3" = threads + threads-lock,
"4" = checksum also work in --cases.)

GDAL at its best: `--config GDAL_NUM_THREADS ALL_CPUS`, GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR
(no directory listing or side-car probing), CPL_VSIL_CURL_CACHE_SIZE = 128 MiB
(rasterkit's default range-cache budget; GDAL's default is 16 MB),
GDAL_HTTP_MULTIRANGE=PARALLEL (GDAL 3.6's default: the tiles of one read fetched
as parallel single-range requests on several connections; the other values are
SERIAL and SINGLE_GET). GDAL_HTTP_MULTIPLEX=YES only matters over HTTP/2, which
is not used here (HTTP/1.1 for both tools, see the .md). rasterkit runs with
its defaults. Both with GDAL_PAM_ENABLED=NO and nothing else from the caller's
environment (GDAL_*, CPL_*, RK_*, AWS_*, CURL_* and proxies are dropped).

Per case, tool and delay: the median wall time of --runs rounds, the tools
alternating (who goes first swaps each round) after --warmup unmeasured runs
each; the median of the per-round ratios GDAL / rasterkit (> 1: rasterkit
faster); the HTTP requests and response-body bytes nginx logged for a run
(its access log is reset before each run); and the "work floor": the same
command on the local file (the cost without the network), measured the same
way. Whole process for the command-line cases; for "threads", the time from
the first open to the last read inside the worker (no interpreter start-up).

usage: bench/remote_read.py [--runs 5] [--delays 0,20] [--cases info,window,...|1,2,3,4]
                            [--data-dir DIR] [--rasterkit PATH] [--small]
                            [--write-md [--md-section results|smoke]]
                            [--show-requests] [--json OUT.json]
"""
import argparse
import contextlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "autotest", "remote"))
import servers  # noqa: E402

MD_PATH = os.path.join(REPO, "bench", "results", "remote_read.md")
ALL_CASES = ["info", "window", "overview", "threads", "threads-lock", "checksum"]
CASE_ALIASES = {"1": ["info"], "2": ["window", "overview"], "3": ["threads", "threads-lock"],
                "4": ["checksum"]}
THREADS, WINDOWS_PER_THREAD, WIN = 8, 200, 256
SEED = 20261202

# GDAL at its best (see the module docstring); given with --config on its
# command lines and set with gdal.SetConfigOption in the threaded worker.
GDAL_BEST = [
    ("GDAL_NUM_THREADS", "ALL_CPUS"),
    ("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR"),
    ("CPL_VSIL_CURL_CACHE_SIZE", str(128 << 20)),
    ("GDAL_HTTP_MULTIRANGE", "PARALLEL"),
]


def gdal_config_args():
    out = []
    for k, v in GDAL_BEST:
        out += ["--config", k, v]
    return out


def clean_env():
    drop = ("GDAL_", "CPL_", "RK_", "AWS_", "CURL_", "VSI_")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(drop) and k.lower() not in ("http_proxy", "https_proxy",
                                                          "all_proxy", "no_proxy")}
    env["GDAL_PAM_ENABLED"] = "NO"
    return env


# --------------------------------------------------------------------------
# data

def cog_name(size):
    return "cog_%d_u16_deflate.tif" % size


def make_cog(path, size):
    """size x size UInt16, smooth hills plus noise (the field of
    bench/make_bench_raster.cpp, scaled), COG: 512x512 tiles, DEFLATE,
    overviews AUTO (down to one tile)."""
    import numpy as np
    from osgeo import gdal
    gdal.UseExceptions()
    work = path + ".work"
    os.makedirs(work, exist_ok=True)
    src_path = os.path.join(work, "src.tif")
    src = gdal.GetDriverByName("GTiff").Create(
        src_path, size, size, 1, gdal.GDT_UInt16,
        ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512"])
    src.SetGeoTransform([440720.0, 8192.0 / size, 0, 3751320.0, 0, -8192.0 / size])
    src.SetProjection("EPSG:32611")
    rng = np.random.default_rng(SEED)
    band = src.GetRasterBand(1)
    fx = np.arange(size, dtype=np.float64) / size
    for y0 in range(0, size, 512):
        fy = (np.arange(y0, min(size, y0 + 512), dtype=np.float64) / size)[:, None]
        v = (20000 + 8000 * np.sin(9 * fx)[None, :] * np.cos(7 * fy)
             + 3000 * np.sin(40 * fx[None, :] * fy)
             + rng.integers(0, 32, (fy.shape[0], size)))
        band.WriteArray(v.astype(np.uint16), 0, y0)
    src = None
    tmp = os.path.join(work, "cog.tif")
    gdal.Translate(tmp, src_path, format="COG",
                   creationOptions=["BLOCKSIZE=512", "COMPRESS=DEFLATE", "OVERVIEWS=AUTO"])
    os.replace(tmp, path)
    shutil.rmtree(work, ignore_errors=True)


def ensure_data(data_dir, sizes):
    os.makedirs(data_dir, exist_ok=True)
    for size in sorted(set(sizes)):
        path = os.path.join(data_dir, cog_name(size))
        if not os.path.exists(path):
            t0 = time.perf_counter()
            print("generating %s ..." % path, file=sys.stderr, flush=True)
            make_cog(path, size)
            print("  done in %.1f s" % (time.perf_counter() - t0), file=sys.stderr, flush=True)


def describe_cog(path):
    from osgeo import gdal
    gdal.UseExceptions()
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    ovs = [b.GetOverview(i).XSize for i in range(b.GetOverviewCount())]
    return "%dx%d UInt16, %dx%d tiles, DEFLATE, overviews %s, %.1f MiB" % (
        ds.RasterXSize, ds.RasterYSize, *b.GetBlockSize(),
        ", ".join(str(o) for o in ovs) or "none", os.path.getsize(path) / 2 ** 20)


# --------------------------------------------------------------------------
# the threaded GDAL worker (run as a separate process)

def random_windows(size, threads=THREADS, per_thread=WINDOWS_PER_THREAD, win=WIN, seed=SEED):
    out = []
    for t in range(threads):
        rng = random.Random(seed * 100 + t)
        out.append([(rng.randrange(0, size - win + 1), rng.randrange(0, size - win + 1))
                    for _ in range(per_thread)])
    return out


def gdal_threads_worker(src, size, threads, per_thread, mode):
    """Each thread opens its own dataset ("own") and reads its windows, or
    all threads share one dataset behind a lock ("lock"); prints JSON
    {seconds, digest}. osgeo's wrappers release the GIL in Open/ReadRaster."""
    from osgeo import gdal
    gdal.UseExceptions()
    for k, v in GDAL_BEST:
        if k not in os.environ:  # (the benchmark never passes GDAL_* variables)
            gdal.SetConfigOption(k, v)
    # (size given, so that nothing is opened before the clock starts)
    wins = random_windows(size, threads, per_thread)
    barrier = threading.Barrier(threads + 1)
    digests = [0] * threads
    errors = []
    lock = threading.Lock()
    shared = {}

    def work(t):
        barrier.wait()
        try:
            if mode == "lock":
                with lock:
                    if "band" not in shared:
                        shared["ds"] = gdal.Open(src)
                        shared["band"] = shared["ds"].GetRasterBand(1)
                band = shared["band"]
            else:
                ds = gdal.Open(src)
                band = ds.GetRasterBand(1)
            d = 0
            for x, y in wins[t]:
                if mode == "lock":
                    with lock:
                        buf = band.ReadRaster(x, y, WIN, WIN)
                else:
                    buf = band.ReadRaster(x, y, WIN, WIN)
                d ^= zlib.crc32(buf)
            digests[t] = d
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    barrier.wait()
    t0 = time.perf_counter()
    for th in pool:
        th.join()
    seconds = time.perf_counter() - t0
    if errors:
        print(json.dumps({"errors": errors}))
        return 1
    digest = 0
    for d in digests:
        digest ^= d
    print(json.dumps({"seconds": seconds, "digest": digest}))
    return 0


# --------------------------------------------------------------------------
# cases

class Case:
    """One operation; commands are built from a source (local path or URL)."""

    def __init__(self, name, title, size):
        self.name, self.title, self.size = name, title, size

    def rk_cmd(self, rk, src, out_dir):  # None: no rasterkit side
        raise NotImplementedError

    def gdal_cmd(self, src, out_dir):
        raise NotImplementedError

    def seconds(self, wall, stdout):
        return wall

    def check(self, tool, stdout, out_dir):
        """What must agree between runs, tools, and local and remote reads
        (None: nothing checked)."""
        return None


class InfoCase(Case):
    def rk_cmd(self, rk, src, out_dir):
        return [rk, "info", src]

    def gdal_cmd(self, src, out_dir):
        return ["gdalinfo", *gdal_config_args(), src]


class WindowCase(Case):
    def __init__(self, name, title, size, srcwin, outsize=None):
        super().__init__(name, title, size)
        self.args = ["-srcwin", *map(str, srcwin)]
        if outsize:
            self.args += ["-outsize", *map(str, outsize)]

    def rk_cmd(self, rk, src, out_dir):
        return [rk, "translate", "-q", *self.args, src, os.path.join(out_dir, "rasterkit.tif")]

    def gdal_cmd(self, src, out_dir):
        return ["gdal_translate", "-q", *gdal_config_args(), *self.args, src,
                os.path.join(out_dir, "GDAL.tif")]

    def check(self, tool, stdout, out_dir):
        from osgeo import gdal
        gdal.UseExceptions()
        ds = gdal.Open(os.path.join(out_dir, tool + ".tif"))
        return (ds.RasterXSize, ds.RasterYSize, ds.GetRasterBand(1).Checksum())


class ChecksumCase(Case):
    def rk_cmd(self, rk, src, out_dir):
        return [rk, "info", "-checksum", src]

    def gdal_cmd(self, src, out_dir):
        return ["gdalinfo", "-checksum", src, *gdal_config_args()]

    def check(self, tool, stdout, out_dir):
        return tuple(re.findall(r"Checksum=(-?\d+)", stdout))


class ThreadsCase(Case):
    def __init__(self, name, title, size, mode):
        super().__init__(name, title, size)
        self.mode = mode  # GDAL side: "own" (a dataset per thread) or "lock"

    def rk_cmd(self, rk, src, out_dir):
        # bench/random_windows_bench.cpp (built beside the rasterkit program):
        # one ThreadSafeDataset, the same windows in the same order per
        # thread, the same digest.
        bench = os.path.join(os.path.dirname(rk), "..", "bench", "rk_random_windows_bench")
        if not os.access(bench, os.X_OK):
            return None
        windows = os.path.join(out_dir, "windows-%d.txt" % self.size)
        with open(windows, "w") as f:
            for t, wins in enumerate(random_windows(self.size)):
                for x, y in wins:
                    f.write("%d %d %d\n" % (t, x, y))
        return ["sh", "-c", '"$0" "$1" %d %d < "$2"' % (THREADS, WIN), bench, src, windows]

    def gdal_cmd(self, src, out_dir):
        return [sys.executable, os.path.abspath(__file__), "--gdal-threads-worker", src,
                str(self.size), str(THREADS), str(WINDOWS_PER_THREAD), self.mode]

    def seconds(self, wall, stdout):
        return json.loads(stdout)["seconds"]

    def check(self, tool, stdout, out_dir):
        return json.loads(stdout)["digest"]


def make_cases(names, small):
    big = 2048 if small else 8192
    out = []
    for n in names:
        if n == "info":
            out.append(InfoCase(n, "open + info", big))
        elif n == "window":
            # inside one full-resolution tile (512x512 tiles; big / 2 is a
            # multiple of 512)
            c = big // 2
            out.append(WindowCase(n, "one 256x256 window, full resolution (-srcwin %d %d 256 256)"
                                  % (c, c), big, (c, c, 256, 256)))
        elif n == "overview":
            out.append(WindowCase(n, "one 256x256 window from the first overview "
                                  "(-srcwin 0 0 512 512 -outsize 256 256)", big,
                                  (0, 0, 512, 512), (256, 256)))
        elif n == "threads":
            out.append(ThreadsCase(n, "%d threads x %d random %dx%d windows (GDAL: a dataset "
                                   "per thread)" % (THREADS, WINDOWS_PER_THREAD, WIN, WIN), big,
                                   "own"))
        elif n == "threads-lock":
            out.append(ThreadsCase(n, "%d threads x %d random %dx%d windows (GDAL: one dataset "
                                   "behind a lock)" % (THREADS, WINDOWS_PER_THREAD, WIN, WIN), big,
                                   "lock"))
        elif n == "checksum":
            out.append(ChecksumCase(n, "checksum (full resolution; overviews too, as gdalinfo)",
                                    big))
    return out


# --------------------------------------------------------------------------
# measuring

def run_cmd(cmd, env):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=1800)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d):\n%s%s" % (" ".join(cmd), p.returncode,
                                                      p.stdout[-2000:], p.stderr[-2000:]))
    return wall, p.stdout


def summarize_requests(reqs):
    return [{"status": r["status"], "method": r["method"], "range": r["range"],
             "body_bytes_sent": r["body_bytes_sent"], "uri": r["uri"],
             "connection": r["connection"]} for r in reqs]


class Runner:
    def __init__(self, args, web, bases, data_dir, out_dir):
        self.args, self.web, self.bases = args, web, bases
        self.data_dir, self.out_dir = data_dir, out_dir
        self.env = clean_env()
        self.rk = args.rasterkit

    def cmds(self, case, src_rk, src_gdal):
        return [("rasterkit", case.rk_cmd(self.rk, src_rk, self.out_dir)),
                ("GDAL", case.gdal_cmd(src_gdal, self.out_dir))]

    def measure(self, case, delay):
        """delay None: the local file (work floor). Returns {tool: {...}}."""
        name = cog_name(case.size)
        if delay is None:
            local = os.path.join(self.data_dir, name)
            tools = self.cmds(case, local, local)
        else:
            url = self.bases[delay] + "/" + name
            tools = self.cmds(case, url, "/vsicurl/" + url)
        tools = [(t, c) for t, c in tools if c is not None]
        res = {t: {"times": [], "requests": [], "bytes": [], "last_requests": None,
                   "checks": set(), "cmd": c} for t, c in tools}
        for _ in range(self.args.warmup):
            for t, c in tools:
                _, out = run_cmd(c, self.env)
                res[t]["checks"].add(case.check(t, out, self.out_dir))
        for i in range(self.args.runs):
            order = tools if i % 2 == 0 else tools[::-1]
            for t, c in order:
                if delay is not None:
                    self.web.reset_log()
                wall, out = run_cmd(c, self.env)
                r = res[t]
                r["times"].append(case.seconds(wall, out))
                r["checks"].add(case.check(t, out, self.out_dir))
                if delay is not None:
                    reqs = self.web.requests()
                    r["requests"].append(len(reqs))
                    r["bytes"].append(sum(q["body_bytes_sent"] or 0 for q in reqs))
                    r["last_requests"] = summarize_requests(reqs)
        return res


def med(xs):
    return statistics.median(xs) if xs else None


def ratio(res):
    if "rasterkit" not in res or "GDAL" not in res:
        return None
    return med([g / r for g, r in zip(res["GDAL"]["times"], res["rasterkit"]["times"])])


def fmt_s(x):
    if x is None:
        return "—"
    return "%.3f" % x if x < 10 else "%.2f" % x


def fmt_bytes(n):
    if n is None:
        return "—"
    if n < 1 << 20:
        return "%.1f KiB" % (n / 1024)
    return "%.2f MiB" % (n / 2 ** 20)


def fmt_reqs(xs):
    if not xs:
        return "—"
    lo, hi = min(xs), max(xs)
    m = med(xs)
    m = ("%d" % m) if m == int(m) else ("%.1f" % m)
    return m if lo == hi else "%s (%d–%d)" % (m, lo, hi)


def table(rows):
    lines = [
        "| case | file | added RTT | rasterkit (s) | GDAL best (s) | GDAL / rasterkit | "
        "requests rasterkit / GDAL | body bytes rasterkit / GDAL | "
        "work floor rasterkit / GDAL (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        case, delay, res, floor = row["case"], row["delay"], row["res"], row["floor"]
        rk, gd = res.get("rasterkit"), res.get("GDAL")
        rq = "%s / %s" % (fmt_reqs(rk["requests"]) if rk else "—", fmt_reqs(gd["requests"]))
        by = "%s / %s" % (fmt_bytes(med(rk["bytes"])) if rk else "—",
                          fmt_bytes(med(gd["bytes"])))
        r = ratio(res)
        fl = "%s / %s" % (fmt_s(med(floor["rasterkit"]["times"])) if "rasterkit" in floor
                          else "—", fmt_s(med(floor["GDAL"]["times"])))
        lines.append("| %s | %d² | %d ms | %s | %s | %s | %s | %s | %s |" % (
            case.title, case.size, delay, fmt_s(med(rk["times"])) if rk else "skipped",
            fmt_s(med(gd["times"])), ("%.2fx" % r) if r else "—", rq, by, fl))
    return "\n".join(lines) + "\n"


def header(args, describe):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    cmd = "/usr/bin/python3 bench/remote_read.py " + " ".join(args.argv)
    smoke = args.runs < 3 or args.small
    return ("%sMachine: %d cores, %s; %s. Median of %d round%s (tools alternating, %d warm-up "
            "run%s each); delays are added round-trip times (DelayProxy%s), 0 ms is nginx "
            "directly. Files: %s. Command: `%s`.\n\n" % (
                "**SMOKE RUN (validation of the script, not a result).** " if smoke else "",
                os.cpu_count(), cpu, time.strftime("%Y-%m-%d"), args.runs,
                "" if args.runs == 1 else "s", args.warmup, "" if args.warmup == 1 else "s",
                ", plus one RTT per new connection" if args.connect_rtt else "",
                "; ".join(describe), cmd.strip()))


def write_md(section, text):
    begin, end = "<!-- %s:begin -->" % section, "<!-- %s:end -->" % section
    with open(MD_PATH) as f:
        doc = f.read()
    if begin not in doc or end not in doc:
        raise SystemExit("%s has no %s ... %s markers" % (MD_PATH, begin, end))
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(MD_PATH, "w") as f:
        f.write(head + begin + "\n" + text + end + tail)


def parse_cases(text):
    out = []
    for item in text.split(","):
        item = item.strip()
        for n in CASE_ALIASES.get(item, [item]):
            if n not in ALL_CASES:
                raise SystemExit("unknown case %r (cases: %s, or 1-4)" % (n, ", ".join(ALL_CASES)))
            if n not in out:
                out.append(n)
    return out


def main(argv):
    if argv[:1] == ["--gdal-threads-worker"]:
        return gdal_threads_worker(argv[1], *map(int, argv[2:5]), argv[5])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--delays", default="0,20", help="added RTTs in ms, comma-separated")
    ap.add_argument("--cases", default=",".join(ALL_CASES))
    ap.add_argument("--data-dir", default=os.path.join(REPO, "build-bench", "data", "remote"),
                    help="where the COGs are generated once and kept")
    ap.add_argument("--rasterkit", default=os.path.join(REPO, "build", "apps", "rasterkit"))
    ap.add_argument("--small", action="store_true",
                    help="every case on the 2048x2048 COG (quick runs, smoke tests)")
    ap.add_argument("--no-connect-rtt", dest="connect_rtt", action="store_false",
                    help="do not delay new connections by one RTT")
    ap.add_argument("--write-md", action="store_true", help="update %s" % MD_PATH)
    ap.add_argument("--md-section", default="results", choices=["results", "smoke"])
    ap.add_argument("--show-requests", action="store_true",
                    help="print each run's request list (last round) to stderr")
    ap.add_argument("--json", help="write every measurement here")
    args = ap.parse_args(argv)
    args.argv = argv
    args.rasterkit = os.path.abspath(args.rasterkit)
    if not os.access(args.rasterkit, os.X_OK):
        raise SystemExit("no rasterkit at %s" % args.rasterkit)
    delays = [int(float(d)) for d in args.delays.split(",") if d.strip()]
    cases = make_cases(parse_cases(args.cases), args.small)
    data_dir = os.path.abspath(args.data_dir)
    ensure_data(data_dir, [c.size for c in cases])
    describe = ["%s: %s" % (cog_name(s), describe_cog(os.path.join(data_dir, cog_name(s))))
                for s in sorted({c.size for c in cases})]
    rows = []
    with contextlib.ExitStack() as stack:
        web = stack.enter_context(servers.Nginx(data_dir))
        bases = {}
        for d in delays:
            if d == 0:
                bases[d] = web.base_url
            else:
                proxy = stack.enter_context(servers.DelayProxy(
                    "127.0.0.1", web.port, d, connect_delay_ms=d if args.connect_rtt else 0,
                    subprocess=True))
                bases[d] = "http://127.0.0.1:%d" % proxy.port
        out_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="rk-remote-bench-"))
        runner = Runner(args, web, bases, data_dir, out_dir)
        for case in cases:
            floor = runner.measure(case, None)
            for d in delays:
                res = runner.measure(case, d)
                rows.append({"case": case, "delay": d, "res": res, "floor": floor})
                # The same answer over HTTP as from the file, and from both tools.
                checks = set()
                for part in (res, floor):
                    for r in part.values():
                        checks |= r["checks"]
                if len(checks) > 1:
                    print("WARNING: %s at %d ms: results differ between runs/tools: %s"
                          % (case.name, d, sorted(map(str, checks))), file=sys.stderr)
                line = ["%s %d ms:" % (case.name, d)]
                for t, r in res.items():
                    line.append("%s %s s, %s req, %s" % (t, fmt_s(med(r["times"])),
                                                          fmt_reqs(r["requests"]),
                                                          fmt_bytes(med(r["bytes"]))))
                print("  ".join(line), file=sys.stderr, flush=True)
                if args.show_requests:
                    for t, r in res.items():
                        print("    %s: %s" % (t, " ".join(r["cmd"])), file=sys.stderr)
                        for q in r["last_requests"] or []:
                            print("      %s %s %s range=%s body=%s conn=%s" % (
                                q["method"], q["uri"], q["status"], q["range"],
                                q["body_bytes_sent"], q["connection"]), file=sys.stderr)
    text = header(args, describe) + table(rows)
    if any(isinstance(r["case"], ThreadsCase) for r in rows):
        text += ("\nThreaded rows: times measured inside the programs -- GDAL's worker from the "
                 "threads' start (before their opens) to the last read; rk_random_windows_bench "
                 "from before its open to the last read.\n")
    print(text)
    if args.write_md:
        write_md(args.md_section, text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump([{"case": r["case"].name, "size": r["case"].size, "delay_ms": r["delay"],
                        "remote": {t: {k: (sorted(map(str, v)) if k == "checks" else v)
                                       for k, v in x.items()} for t, x in r["res"].items()},
                        "floor": {t: {"times": x["times"], "cmd": x["cmd"]}
                                  for t, x in r["floor"].items()}}
                       for r in rows], f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
