#!/usr/bin/env python3
"""PAM side-cars (.aux.xml), RPC, XMP, -expand and -nomd of `rasterkit info`
and `rasterkit translate` against GDAL 3.6.2's gdalinfo / gdal_translate
(Debian's gdal-bin and python3-gdal; the test oracle only).

Every input is generated here with GDAL's Python bindings. Each case gets
two directories holding copies of the same files under the same names,
`rk/` for rasterkit and `gd/` for GDAL; both tools run inside their own
directory on the relative file name, so reports and side-cars can be
compared byte for byte. See /work/notes/pam.md and /work/notes/rpc_xmp.md
for the GDAL behaviours these checks rely on.

Areas (one function each, one summary line per check group):
  0. baseline: plain info of a few inputs without side-cars (so that a
     difference that has nothing to do with PAM/RPC/XMP shows on its own)
  1. PAM writing by info -stats / -hist / -stats -hist / -approx_stats
  2. PAM reading of hand-written side-cars, stored statistics reused
  3. GDAL_PAM_ENABLED=NO / RK_PAM_ENABLED=NO, unwritable folder (a tmpfs
     remounted read-only, which needs root; chmod 555 when not root; else SKIP)
  4. translate and statistics (kept / dropped / -stats)
  5. RPC: tag 50844, .RPB, _RPC.TXT, aux RPC domain; translate adjusts them
  6. XMP: info -mdd xml:XMP, translate copies it, -noxmp drops it
  7. translate -expand gray|rgb|rgba
  8. info -nomd
  9. STATISTICS_VALID_PERCENT formatting

The cases of an area run on a few worker threads; most of the run time
is process start-up (gdalinfo alone takes ~0.1 s to start), which is why
the matrix is trimmed where a run would repeat another (see WRITE_PLAN).
It takes ~40-60 s on a 2-core machine.

usage: utilities_oracle.py RASTERKIT WORKDIR
Exit 0 when every check agrees, 1 otherwise (each difference printed).
"""
import difflib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()

RK = None
WORK = None
IN = None
FAILURES = []
TOTAL = [0]
TIMES = []
RUNS = [0]
RUNS_LOCK = threading.Lock()
POOL = ThreadPoolExecutor(max_workers=4)

# Variables that would change what either tool does are removed from the
# environment of every run; cases that need one add it back.
BASE_ENV = {k: v for k, v in os.environ.items()
            if not k.startswith(("GDAL_", "RK_", "CPL_"))}


# ----------------------------------------------------------------------------
# Bookkeeping
# ----------------------------------------------------------------------------

class Checks:
    """The results of one case for one group, filled in a worker thread."""

    def __init__(self):
        self.results = []

    def check(self, cond, what):
        self.results.append((bool(cond), what))
        return bool(cond)

    def same_text(self, rk, gd, what):
        return self.check(rk == gd, f"{what}: {text_diff(rk, gd)}" if rk != gd else what)

    def same_json(self, rk, gd, what):
        d = json_diff(rk, gd)
        return self.check(d is None, f"{what}: {d}")

    def same_file(self, rk_path, gd_path, what):
        a, b = read_or_none(rk_path), read_or_none(gd_path)
        if a is None or b is None:
            return self.check(a is None and b is None,
                              f"{what}: {os.path.basename(rk_path)} "
                              f"{'absent' if a is None else 'present'} for rasterkit, "
                              f"{'absent' if b is None else 'present'} for GDAL")
        return self.same_text(a, b, what)

    def same_exit(self, r, gd, what):
        return self.check((r.returncode == 0) == (gd.returncode == 0),
                          f"{what}: rasterkit exit {r.returncode} vs GDAL {gd.returncode} "
                          f"(rasterkit stderr {r.stderr.decode(errors='replace').strip()[:300]!r}; "
                          f"GDAL stderr {gd.stderr.decode(errors='replace').strip()[:300]!r})")


# Deliberate differences, each listed with its reason in doc/cli.md; a
# failing check whose message names the case is counted here, not failed.
DELIBERATE = [
    ("[prolog_ignored]", "a side-car with an XML declaration is read (GDAL ignores it)"),
    ("[srs_only_own]", "a side-car's dataAxisToSRSAxisMapping is not taken as written"),
    ("[srs_mapping_verbatim]", "a side-car's dataAxisToSRSAxisMapping is not taken as written"),
    ("-co PROFILE=BASELINE", "PROFILE=BASELINE writes GDAL's tags, no .RPB or .aux.xml"),
]
EXCEPTED = []


class Group:
    """A named group of checks; prints one line with its counts."""

    def __init__(self, name):
        self.name, self.n, self.bad = name, 0, 0

    def absorb(self, checks):
        for ok, what in checks.results:
            self.n += 1
            TOTAL[0] += 1
            if not ok:
                reason = next((r for key, r in DELIBERATE if key in what), None)
                if reason:
                    EXCEPTED.append(f"[{self.name}] {reason}: {what[:160]}")
                    continue
                self.bad += 1
                FAILURES.append(f"[{self.name}] {what}")

    def done(self):
        status = "ok  " if not self.bad else "FAIL"
        print(f"{status} {self.name}: {self.n - self.bad} of {self.n} checks pass", flush=True)


def in_parallel(groups, fn, items):
    """Runs fn(item, *checks) for every item on the worker pool, one Checks
    per group, and files the results in item order. A case that raises is
    one failed check."""
    def guarded(item, cs):
        try:
            fn(item, *cs)
        except Exception as exc:  # noqa: BLE001 - reported as a failure
            cs[0].check(False, f"{fn.__name__}({short(item, 120)}) raised {type(exc).__name__}: {exc}")
    jobs = []
    for item in items:
        cs = [Checks() for _ in groups]
        jobs.append((POOL.submit(guarded, item, cs), cs))
    for fut, cs in jobs:
        fut.result()
        for g, c in zip(groups, cs):
            g.absorb(c)
    for g in groups:
        g.done()


def read_or_none(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def text_diff(a, b, max_hunks=3):
    """The first few differing stretches of two texts (bytes or str)."""
    if isinstance(a, bytes):
        a = a.decode("utf-8", "surrogateescape")
    if isinstance(b, bytes):
        b = b.decode("utf-8", "surrogateescape")
    la, lb = a.split("\n"), b.split("\n")
    hunks = [op for op in difflib.SequenceMatcher(None, la, lb, autojunk=False).get_opcodes()
             if op[0] != "equal"]

    def show(lines):
        if not lines:
            return "(nothing)"
        first = repr(lines[0]) if len(lines[0]) < 240 else repr(lines[0][:240]) + "..."
        return first if len(lines) == 1 else f"{first} ...({len(lines)} lines)"
    parts = [f"line {i1 + 1}: rasterkit {show(la[i1:i2])} vs GDAL {show(lb[j1:j2])}"
             for _, i1, i2, j1, j2 in hunks[:max_hunks]]
    more = f" [+{len(hunks) - max_hunks} more differing stretches]" if len(hunks) > max_hunks else ""
    return " | ".join(parts) + more


def json_diff(a, b, path="$"):
    """None when equal, else a description of the first difference."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in b:
            if k not in a:
                return f"{path}.{k}: missing in rasterkit (GDAL {short(b[k])})"
        for k in a:
            if k not in b:
                return f"{path}.{k}: extra in rasterkit ({short(a[k])})"
        for k in b:
            d = json_diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: list of {len(a)} in rasterkit vs {len(b)} in GDAL ({short(a)} vs {short(b)})"
        for i, (x, y) in enumerate(zip(a, b)):
            d = json_diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    if a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b):
        return None
    return f"{path}: rasterkit {short(a)} vs GDAL {short(b)}"


def short(v, n=200):
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else repr(v)
    return s if len(s) <= n else s[:n] + "..."


# ----------------------------------------------------------------------------
# Running the two tools
# ----------------------------------------------------------------------------

def run(cmd, cwd, env=None):
    e = dict(BASE_ENV)
    e.update(env or {})
    with RUNS_LOCK:
        RUNS[0] += 1
    return subprocess.run(cmd, cwd=cwd, capture_output=True, env=e, timeout=120)


def rk(args, cwd, env=None):
    return run([RK, *args], cwd, env)


def info_pair(flags, name, case, rk_env=None, gd_env=None, rk_pre=(), gd_pre=()):
    """`rasterkit info` in case/rk and `gdalinfo` in case/gd on the same name."""
    return (rk([*rk_pre, "info", *flags, name], f"{case}/rk", rk_env),
            run(["gdalinfo", *gd_pre, *flags, name], f"{case}/gd", gd_env))


def translate_pair(opts, src, case, dst="out.tif"):
    return (rk(["translate", "-q", *opts, src, dst], f"{case}/rk"),
            run(["gdal_translate", "-q", *opts, src, dst], f"{case}/gd"))


def new_case(area, name, files, aux=None, sides=("rk", "gd")):
    """WORK/area/name/<side> for each side, holding copies of the input files
    (names relative to IN); `aux` = {filename: text} written into each."""
    case = f"{WORK}/{area}/{name}"
    for side in sides:
        os.makedirs(f"{case}/{side}")
        for f in files:
            shutil.copy(f"{IN}/{f}", f"{case}/{side}/{os.path.basename(f)}")
        for fname, text in (aux or {}).items():
            with open(f"{case}/{side}/{fname}", "w") as fh:
                fh.write(text)
    return case


def parse_json(proc):
    try:
        return json.loads(proc.stdout.decode("utf-8", "surrogateescape"))
    except ValueError as exc:
        return {"<invalid JSON>": str(exc), "<stdout>": proc.stdout[:300].decode("utf-8", "replace")}


def norm_info_json(j):
    """Drops "stac" and the top-level "description"; keeps only the base
    names in "files"."""
    j = dict(j)
    j.pop("stac", None)
    j.pop("description", None)
    if isinstance(j.get("files"), list):
        j["files"] = [os.path.basename(f) for f in j["files"]]
    return j


def same_info_json(c, r, gd, what):
    return c.same_json(norm_info_json(parse_json(r)), norm_info_json(parse_json(gd)), what)


def gdal_json(path):
    """`gdalinfo -json` of a file, in process (the same library code as the CLI)."""
    return gdal.Info(path, format="json")


# ----------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------

def create(name, arrays, dtype, nodata=None, opts=(), geo=True, epsg=None):
    """A GeoTIFF in IN; a geotransform unless geo=False, a CRS only when
    epsg is given (a CRS costs both tools a PROJ start-up, ~60-100 ms a run,
    and is not what most checks here are about)."""
    if not isinstance(arrays, list):
        arrays = [arrays]
    h, w = arrays[0].shape
    ds = gdal.GetDriverByName("GTiff").Create(f"{IN}/{name}", w, h, len(arrays), dtype, list(opts))
    if geo:
        ds.SetGeoTransform([700000, 10, 0, 6600000, 0, -10])
    if epsg:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        ds.SetProjection(srs.ExportToWkt())
    for i, a in enumerate(arrays):
        b = ds.GetRasterBand(i + 1)
        if nodata is not None:
            b.SetNoDataValue(nodata)
        b.WriteArray(a)
    return ds


def rpc_dict(line_off="2047.5"):
    rpc = {"LINE_OFF": line_off, "SAMP_OFF": "1023", "LINE_SCALE": "2048.5",
           "SAMP_SCALE": "1024.25", "LAT_OFF": "39.1234", "LAT_SCALE": "0.0512",
           "LONG_OFF": "-105.678901", "LONG_SCALE": "0.0678", "HEIGHT_OFF": "1500",
           "HEIGHT_SCALE": "500", "ERR_BIAS": "0.5", "ERR_RAND": "0.25"}
    for key, base in (("LINE_NUM_COEFF", 1), ("LINE_DEN_COEFF", 2),
                      ("SAMP_NUM_COEFF", 3), ("SAMP_DEN_COEFF", 4)):
        vals = [f"{base + i / 1000 + (1e-5 if i % 3 == 0 else 0):.5f}" for i in range(20)]
        rpc[key] = " ".join(vals)
    # values that exercise the %.15g formatting of tag values
    rpc["SAMP_DEN_COEFF"] = ("0.333333333333333333 123456789012345678 1e-20 1.5e300 -0 "
                             "2.0000000000000004 100.123456789012345 1e-7 -2.5E-05 "
                             "0.000123456789012345678 4.012009999999999 1 1 1 1 1 1 1 1 1")
    return rpc


XMP = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
       '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
       ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
       '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
       '   <dc:title>Test &amp; "quoted" \u00e9\t\\ / tab</dc:title>\n'
       '  </rdf:Description>\n'
       ' </rdf:RDF>\n'
       '</x:xmpmeta>\n'
       '<?xpacket end="w"?>\n')


def make_inputs():
    rng = np.random.default_rng(20240607)
    # --- area 1 / 9: statistics and histograms
    create("byte.tif", rng.integers(1, 256, (20, 20)).astype("uint8"), gdal.GDT_Byte)
    a = rng.integers(13, 4995, (25, 34)).astype("uint16")
    a.flat[rng.choice(850, 59, replace=False)] = 0            # 791 of 850 valid -> 93.06
    create("u16nd.tif", a, gdal.GDT_UInt16, nodata=0)
    a = rng.normal(10, 3, (20, 20)).astype("float32")
    a.flat[rng.choice(400, 7, replace=False)] = np.nan
    create("f32nan.tif", a, gdal.GDT_Float32, nodata=float("nan"))
    create("rgb3.tif", [rng.integers(0, 256, (20, 20)).astype("uint8") for _ in range(3)],
           gdal.GDT_Byte, opts=["INTERLEAVE=PIXEL", "PHOTOMETRIC=RGB"])
    create("allnd.tif", np.full((20, 20), 7, "uint8"), gdal.GDT_Byte, nodata=7)
    create("allnd16.tif", np.zeros((20, 20), "uint16"), gdal.GDT_UInt16, nodata=0)
    create("big.tif", rng.integers(0, 256, (200, 240)).astype("uint8"), gdal.GDT_Byte,
           opts=["BLOCKYSIZE=8"])                                 # 25 strips
    create("big16.tif", rng.integers(0, 60000, (160, 100)).astype("uint16"), gdal.GDT_UInt16,
           opts=["BLOCKYSIZE=8"])                                 # 20 strips, -hist samples
    create("i16neg.tif", rng.integers(-1000, 1000, (20, 30)).astype("int16"), gdal.GDT_Int16)
    create("u16.tif", rng.integers(0, 4001, (20, 20)).astype("uint16"), gdal.GDT_UInt16)
    create("f32.tif", (rng.random((20, 20)) * 20 - 1).astype("float32"), gdal.GDT_Float32)
    a = rng.normal(0, 1, (10, 10)).astype("float32")
    a.flat[[3, 40, 77]] = np.nan
    a.flat[55] = np.inf
    create("f32naninf.tif", a, gdal.GDT_Float32)
    create("i16const.tif", np.full((10, 10), 42, "int16"), gdal.GDT_Int16)
    a = rng.integers(1, 60000, (200, 200)).astype("uint16")
    a[137, 51] = 0                                                # 39999 of 40000 valid
    create("vp99999.tif", a, gdal.GDT_UInt16, nodata=0)
    # --- area 0: a WGS 84 / UTM file (the other inputs use EPSG:2154)
    create("utm.tif", rng.integers(0, 256, (20, 20)).astype("uint8"), gdal.GDT_Byte, epsg=32631)
    # --- area 2: PAM reading
    ds = create("tA.tif", (np.arange(400).reshape(20, 20) % 251).astype("uint8"), gdal.GDT_Byte,
                nodata=0, epsg=2154)
    ds.SetMetadata({"A": "tiff", "T": "tiffonly", "TIFFTAG_SOFTWARE": "mytool"})
    ds.SetMetadata({"X": "tiff", "XT": "tiffonly"}, "DOMX")
    b = ds.GetRasterBand(1)
    b.SetOffset(1.5)
    b.SetScale(2)
    b.SetUnitType("m")
    b.SetDescription("tiffdesc")
    b.SetMetadata({"B": "tiff", "BT": "tiffonly"})
    b.SetMetadata({"Y": "tiff"}, "BDOM")
    ds = None
    # the same without a CRS (cheaper to open: no PROJ start-up) for the
    # cases where the CRS plays no part
    ds = gdal.Open(f"{IN}/tA.tif")
    out = gdal.GetDriverByName("GTiff").CreateCopy(f"{IN}/tAn.tif", ds)
    out.SetProjection("")
    out = ds = None
    create("tB.tif", (np.arange(400).reshape(20, 20) * 7 % 256).astype("uint8"), gdal.GDT_Byte,
           geo=False)
    ds = create("tC.tif", (np.arange(400).reshape(20, 20) % 256).astype("uint8"), gdal.GDT_Byte)
    ct = gdal.ColorTable()
    for i in range(256):
        ct.SetColorEntry(i, (i, 255 - i, (i * 7) % 256, 255))
    ds.GetRasterBand(1).SetRasterColorTable(ct)
    ds = None
    create("tD.tif", [(np.arange(400).reshape(20, 20) * (k + 1) % 256).astype("uint8")
                      for k in range(3)], gdal.GDT_Byte, opts=["PHOTOMETRIC=RGB"])
    create("tF.tif", (np.arange(400).reshape(20, 20) / 7.0).astype("float32"), gdal.GDT_Float32,
           geo=False)
    create("tU.tif", (np.arange(400).reshape(20, 20) * 11).astype("uint16"), gdal.GDT_UInt16)
    # --- area 4: translate sources (stats go into their aux later)
    create("trbyte.tif", rng.integers(1, 256, (20, 24)).astype("uint8"), gdal.GDT_Byte)
    a = rng.integers(13, 4995, (20, 20)).astype("uint16")
    a.flat[rng.choice(400, 48, replace=False)] = 0
    create("tru16.tif", a, gdal.GDT_UInt16, nodata=0)
    # --- area 5: RPC
    ds = create("rpc_tag.tif", rng.integers(0, 256, (32, 64)).astype("uint8"), gdal.GDT_Byte,
                geo=False)
    ds.SetMetadata(rpc_dict(), "RPC")
    ds = None
    gdal.Translate(f"{IN}/rpc_rpb.tif", f"{IN}/rpc_tag.tif",
                   creationOptions=["PROFILE=BASELINE", "RPB=YES"])
    gdal.Translate(f"{IN}/rpc_txt.tif", f"{IN}/rpc_tag.tif",
                   creationOptions=["PROFILE=BASELINE", "RPCTXT=YES"])
    # both: tag (LINE_OFF 2047.5) and an RPB saying 2222
    shutil.copy(f"{IN}/rpc_tag.tif", f"{IN}/rpc_both.tif")
    ds = create("rpc_tmp.tif", np.zeros((32, 64), "uint8"), gdal.GDT_Byte, geo=False)
    ds.SetMetadata(rpc_dict("2222"), "RPC")
    ds = None
    gdal.Translate(f"{IN}/rpc_tmp2.tif", f"{IN}/rpc_tmp.tif",
                   creationOptions=["PROFILE=BASELINE", "RPB=YES"])
    shutil.copy(f"{IN}/rpc_tmp2.RPB", f"{IN}/rpc_both.RPB")
    shutil.copy(f"{IN}/rpc_rpb.tif", f"{IN}/rpc_rpbaux.tif")
    shutil.copy(f"{IN}/rpc_rpb.RPB", f"{IN}/rpc_rpbaux.RPB")
    shutil.copy(f"{IN}/rpc_tag.tif", f"{IN}/rpc_tagaux.tif")
    # hand-written side-cars, values kept as written (case of the name varies)
    shutil.copy(f"{IN}/rpc_rpb.tif", f"{IN}/rpc_hand.tif")
    with open(f"{IN}/rpc_hand.rpb", "w") as f:
        f.write(HAND_RPB)
    shutil.copy(f"{IN}/rpc_rpb.tif", f"{IN}/rpc_handtxt.tif")
    with open(f"{IN}/rpc_handtxt_rpc.txt", "w") as f:
        f.write(HAND_RPC_TXT)
    # --- area 6: XMP (+ default metadata, a custom domain and RPC)
    ds = create("xmp.tif", [rng.integers(0, 4000, (32, 64)).astype("uint16") for _ in range(2)],
                gdal.GDT_UInt16, nodata=0, epsg=2154)
    ds.SetMetadata({"FOO": "bar", "TIFFTAG_SOFTWARE": "mytool"})
    ds.SetMetadata({"K": "v"}, "MYDOMAIN")
    ds.SetMetadata([XMP], "xml:XMP")
    ds.SetMetadata(rpc_dict(), "RPC")
    ds.GetRasterBand(1).SetMetadata({"BANDKEY": "1"})
    ds.GetRasterBand(1).SetDescription("red")
    ds = None
    # --- area 7: palettes
    ct = gdal.ColorTable()
    for i in range(200):
        ct.SetColorEntry(i, (i, 255 - i, (i * 7) % 256, (i * 13) % 256))
    ds = create("pal1.tif", (np.arange(1200).reshape(30, 40) % 256).astype("uint8"),
                gdal.GDT_Byte)                          # values >= 200 have no entry
    ds.GetRasterBand(1).SetRasterColorTable(ct)
    ds = None
    ds = create("pal2.tif", [(np.arange(1200).reshape(30, 40) % 199).astype("uint8"),
                             (np.arange(1200).reshape(30, 40) * 3 % 256).astype("uint8")],
                gdal.GDT_Byte, opts=["PHOTOMETRIC=PALETTE", "ALPHA=YES"])
    ds.GetRasterBand(1).SetRasterColorTable(ct)
    ds = None
    gct = gdal.ColorTable()
    for i in range(256):
        gct.SetColorEntry(i, (i, i, i, 255))
    ds = create("palgray.tif", (np.arange(400).reshape(20, 20) % 256).astype("uint8"),
                gdal.GDT_Byte)
    ds.GetRasterBand(1).SetRasterColorTable(gct)
    ds = None
    # --- area 8: metadata everywhere
    ds = create("md.tif", [rng.integers(0, 256, (20, 20)).astype("uint8") for _ in range(2)],
                gdal.GDT_Byte, nodata=3)
    ds.SetMetadata({"FOO": "bar", "TIFFTAG_SOFTWARE": "mytool"})
    ds.SetMetadata({"K": "v"}, "MYDOMAIN")
    ds.SetMetadata([XMP], "xml:XMP")
    ds.GetRasterBand(1).SetMetadata({"BANDKEY": "1"})
    ds.GetRasterBand(2).SetMetadata({"B2": "two"}, "BDOM")
    ds = None


HAND_RPB = """satId = "QB02";
bandId = "P";
BEGIN_GROUP = IMAGE
\terrBias =   1.00;
\terrRand =    0.50;
\tlineOffset = +002047.50;
\tsampOffset = 001023;
\tlatOffset = +39.12340000;
\tlongOffset = -105.67890100;
\theightOffset = +1500.000;
\tlineScale = 002048.50;
\tsampScale = 1024.25;
\tlatScale = 5.12E-02;
\tlongScale = +0.06780000;
\theightScale = +500.000;
\tlineNumCoef = (
\t\t\t+1.000000000000000E+00,
\t\t\t-2.5E-05,
\t\t\t3, 4, 5,
\t\t\t6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
\tlineDenCoef = (
\t\t\t1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
\tsampNumCoef = (
\t\t\t0.5, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
\tsampDenCoef = (
\t\t\t1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
END_GROUP = IMAGE
END;
"""

HAND_RPC_TXT = "".join(
    [f"{k}: {v}\n" for k, v in (("LINE_OFF", "+002047.50 pixels"), ("SAMP_OFF", "+001023 pixels"),
                               ("LAT_OFF", "+39.12340000 degrees"),
                               ("LONG_OFF", "-105.67890100 degrees"),
                               ("HEIGHT_OFF", "+1500.000 meters"),
                               ("LINE_SCALE", "+002048.50 pixels"),
                               ("SAMP_SCALE", "+1024.25 pixels"),
                               ("LAT_SCALE", "+00.05120000 degrees"),
                               ("LONG_SCALE", "+000.06780000 degrees"),
                               ("HEIGHT_SCALE", "+500.000 meters"))]
    + [f"{k}_{i + 1}: {base + i * 1e-3:+.15E}\n"
       for k, base in (("LINE_NUM_COEFF", 1), ("LINE_DEN_COEFF", 2),
                       ("SAMP_NUM_COEFF", 3), ("SAMP_DEN_COEFF", 4)) for i in range(20)])


# ----------------------------------------------------------------------------
# 0. Baseline
# ----------------------------------------------------------------------------

BASELINE_INPUTS = ["u16nd.tif", "tA.tif", "utm.tif", "xmp.tif"]


def area_baseline():
    """Plain info of some inputs with no side-car, so that a difference
    unrelated to PAM/RPC/XMP is visible on its own."""
    def case(name, c):
        d = new_case("baseline", name, [name])
        r, gd = info_pair([], name, d)
        c.same_text(r.stdout, gd.stdout, f"info {name}")
        r, gd = info_pair(["-json"], name, d)
        same_info_json(c, r, gd, f"info -json {name}")
    in_parallel([Group("0 baseline: info / info -json of inputs without side-cars")], case,
                BASELINE_INPUTS)


# ----------------------------------------------------------------------------
# 1. PAM writing
# ----------------------------------------------------------------------------

S, H, SH, A = ("-stats",), ("-hist",), ("-stats", "-hist"), ("-approx_stats",)
# (input, modes run as text, modes run as -json). Every mode runs on fresh
# copies. To keep the run time down, the -json run of -stats alone is left
# out (`-json -stats -hist` reports the same statistics plus the histogram),
# -json -approx_stats only runs where sampling happens (on small files it is
# the exact computation again), and the edge-case files (big16: sampled
# UInt16; vp99999: 39999 of 40000 valid; f32naninf: NaN and +inf without
# nodata; i16const: min == max) run only the modes that show what is
# special about them.
WRITE_PLAN = [(n, [S, H, SH, A], [H, SH]) for n in
              ("byte.tif", "u16nd.tif", "f32nan.tif", "rgb3.tif", "allnd.tif", "i16neg.tif", "u16.tif",
               "f32.tif")]
WRITE_PLAN += [("big.tif", [S, H, SH, A], [H, SH, A]), ("big16.tif", [H, A], [A]),
               ("vp99999.tif", [S, A], [SH]), ("f32naninf.tif", [S, H], [SH]), ("i16const.tif", [H, SH], [])]
# stdout and aux of the `info -stats` text runs, reused by area 9
STATS_RUNS = {}


def area_pam_write():
    def case(item, text_c, json_c):
        name, mode, as_json = item
        mode = list(mode)
        tag = f"{' '.join(mode)} {name}"
        if as_json:
            d = new_case("write", f"{name}{''.join(mode)}_json", [name])
            r, gd = info_pair(["-json", *mode], name, d)
            json_c.same_exit(r, gd, f"info -json {tag}")
            same_info_json(json_c, r, gd, f"info -json {tag}")
            json_c.same_file(f"{d}/rk/{name}.aux.xml", f"{d}/gd/{name}.aux.xml",
                             f"info -json {tag}: {name}.aux.xml")
            return
        d = new_case("write", f"{name}{''.join(mode)}_text", [name])
        r, gd = info_pair(mode, name, d)
        text_c.same_exit(r, gd, f"info {tag}")
        text_c.same_text(r.stdout, gd.stdout, f"info {tag}: stdout")
        text_c.same_file(f"{d}/rk/{name}.aux.xml", f"{d}/gd/{name}.aux.xml",
                         f"info {tag}: {name}.aux.xml")
        if mode == ["-stats"]:
            STATS_RUNS[name] = (r.stdout, gd.stdout, read_or_none(f"{d}/rk/{name}.aux.xml"),
                                read_or_none(f"{d}/gd/{name}.aux.xml"))
    in_parallel([Group("1 PAM write: text report + aux.xml (info -stats/-hist/-stats -hist/-approx_stats)"),
                 Group("1 PAM write: -json report + aux.xml")],
                case, [(n, m, False) for n, text, _ in WRITE_PLAN for m in text]
                + [(n, m, True) for n, _, js in WRITE_PLAN for m in js])


# ----------------------------------------------------------------------------
# 2. PAM reading
# ----------------------------------------------------------------------------

WKT4326 = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
           'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
           'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
           'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]')
WKT3857 = ('PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",'
           '6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
           'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
           'AUTHORITY["EPSG","4326"]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],'
           'PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],'
           'UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],'
           'EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 '
           '+units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]]')
GT_TEXT = ("  1.0000000000000000e+01,  1.0000000000000001e-01,  0.0000000000000000e+00,  "
           "5.0000000000000000e+01,  0.0000000000000000e+00, -1.0000000000000001e-01")


def pam(dataset="", bands=""):
    return f"<PAMDataset>\n{dataset}{bands}</PAMDataset>\n"


def md(items, domain=None, indent=2):
    """A <Metadata> block; indent 2 at dataset level, 4 inside a band."""
    pad = " " * indent
    attr = f' domain="{domain}"' if domain else ""
    body = "".join(f'{pad}  <MDI key="{k}">{v}</MDI>\n' for k, v in items)
    return f"{pad}<Metadata{attr}>\n{body}{pad}</Metadata>\n"


def bmd(items, domain=None):
    return md(items, domain, 4)


def band(n, body):
    return f'  <PAMRasterBand band="{n}">\n{body}  </PAMRasterBand>\n'


def hist_items(*items):
    out = "    <Histograms>\n"
    for lo, hi, counts in items:
        out += ("      <HistItem>\n"
                f"        <HistMin>{lo}</HistMin>\n        <HistMax>{hi}</HistMax>\n"
                f"        <BucketCount>{len(counts)}</BucketCount>\n"
                "        <IncludeOutOfRange>1</IncludeOutOfRange>\n        <Approximate>0</Approximate>\n"
                f"        <HistCounts>{'|'.join(str(c) for c in counts)}</HistCounts>\n"
                "      </HistItem>\n")
    return out + "    </Histograms>\n"


FULL_DATASET = (f'  <SRS dataAxisToSRSAxisMapping="2,1">{WKT4326}</SRS>\n'
                f"  <GeoTransform>{GT_TEXT}</GeoTransform>\n"
                + md([("A", "pam"), ("P", "pamonly"), ("TIFFTAG_SOFTWARE", "pamsw")])
                + md([("X", "pam"), ("XP", "pamonly")], "DOMX")
                + md([("Z", "1"), ("a", "2"), ("m", "3")], "PAMDOM"))
FULL_BAND = ("    <Description>pamdesc</Description>\n"
             "    <NoDataValue>5.00000000000000E+01</NoDataValue>\n"
             "    <UnitType>ft</UnitType>\n    <Offset>10</Offset>\n    <Scale>3</Scale>\n"
             "    <ColorInterp>Red</ColorInterp>\n"
             + hist_items((0, 10, [5, 6]), (-0.5, 255.5, [1] * 256))
             + bmd([("B", "pam"), ("BP", "pamonly")])
             + bmd([("Y", "pam"), ("Z", "pamonly")], "BDOM"))

# (case name, tif, aux text)
READ_CASES = [
    ("full_own", "tA.tif", pam(FULL_DATASET, band(1, FULL_BAND))),
    ("full_none", "tB.tif", pam(FULL_DATASET, band(1, FULL_BAND))),
    # several band items at once on a TIFF that has none of them: Description,
    # UnitType, Offset without Scale (-> Scale 1), ColorInterp matched
    # ignoring case, NoDataValue as plain text; dataset items sorted ignoring case
    ("band_items_none", "tB.tif", pam(md([("Z", "pam"), ("A", "pam"), ("m", "pam"), ("B", "pam")]),
                                      band(1, "    <Description>pamdesc</Description>\n"
                                              "    <NoDataValue>50</NoDataValue>\n"
                                              "    <UnitType>ft</UnitType>\n    <Offset>10</Offset>\n"
                                              "    <ColorInterp>red</ColorInterp>\n"))),
    ("nodata_hex_point1", "tF.tif", pam("", band(1, '    <NoDataValue le_hex_equiv="9A9999999999B93F">'
                                                 "1.00000000000000E-01</NoDataValue>\n"))),
    ("nodata_hex_override", "tAn.tif", pam("", band(1, '    <NoDataValue le_hex_equiv="0000000000004e40">'
                                                   "50</NoDataValue>\n"))),
    ("nodata_nan", "tF.tif", pam("", band(1, '    <NoDataValue le_hex_equiv="000000000000F87F">'
                                          "nan</NoDataValue>\n"))),
    # ignored items: empty NoDataValue (= no nodata), a 4-value GeoTransform
    ("nodata_empty_gt_bad", "tAn.tif", pam("  <GeoTransform>1,2,3,4</GeoTransform>\n",
                                          band(1, "    <NoDataValue></NoDataValue>\n"))),
    # an unknown ColorInterp is ignored; only VALID_PERCENT stored
    ("ci_bogus_vp0", "tB.tif", pam("", band(1, "    <ColorInterp>Bogus</ColorInterp>\n"
                                                + bmd([("STATISTICS_VALID_PERCENT", "0")])))),
    ("colorinterp_palette_gray", "tC.tif", pam("", band(1, "    <ColorInterp>Gray</ColorInterp>\n"))),
    ("colorinterp_rgb_blue", "tD.tif", pam("", band(1, "    <ColorInterp>Blue</ColorInterp>\n"))),
    ("colortable_replace", "tC.tif", pam("", band(1, "    <ColorTable>\n"
                                                     '      <Entry c1="1" c2="2" c3="3" c4="4" />\n'
                                                     "    </ColorTable>\n"))),
    # a PAM colour table makes the band Palette even with <ColorInterp>Red;
    # category names (an empty one included)
    ("colortable_categories_none", "tB.tif",
     pam("", band(1, "    <ColorInterp>Red</ColorInterp>\n"
                     "    <CategoryNames>\n      <Category>zero</Category>\n"
                     "      <Category></Category>\n"
                     "      <Category>two</Category>\n    </CategoryNames>\n"
                     "    <ColorTable>\n"
                     '      <Entry c1="1" c2="2" c3="3" c4="4" />\n'
                     '      <Entry c1="10" c2="20" c3="30" c4="255" />\n'
                     "    </ColorTable>\n"))),
    ("srs_only_own", "tA.tif", pam(f'  <SRS dataAxisToSRSAxisMapping="1,2">{WKT4326}</SRS>\n')),
    ("srs_projected_own", "tA.tif", pam(f'  <SRS dataAxisToSRSAxisMapping="1,2">{WKT3857}</SRS>\n')),
    ("srs_mapping_verbatim", "tB.tif", pam(f'  <SRS dataAxisToSRSAxisMapping="1,2">{WKT4326}</SRS>\n')),
    ("srs_no_mapping", "tB.tif", pam(f"  <SRS>{WKT4326}</SRS>\n")),
    ("srs_empty_own", "tA.tif", pam("  <SRS></SRS>\n")),
    ("gt_only_own", "tA.tif", pam(f"  <GeoTransform>{GT_TEXT}</GeoTransform>\n")),
    # two HistItems (the first is used), and only MIN/MAX statistics stored
    ("hist_two_items_minmax", "tB.tif", pam("", band(1, hist_items((0, 10, [5, 6]), (-0.5, 255.5, [2] * 256))
                                                 + bmd([("STATISTICS_MAXIMUM", "200"),
                                                        ("STATISTICS_MINIMUM", "3")])))),
    # BucketCount 4 but only 2 counts: nothing printed, nothing recomputed
    ("hist_inconsistent", "tB.tif", pam("", band(1, hist_items((0, 10, [5, 6, 7, 8])).replace(
        "5|6|7|8", "5|6")))),
    ("hist_u16_with_stats", "tU.tif", pam("", band(1, hist_items((3.233333333333333, 5003.766666666666,
                                                                   list(range(256))))
                                             + bmd([("STATISTICS_MAXIMUM", "4389"), ("STATISTICS_MEAN", "2194.5"),
                                                    ("STATISTICS_MINIMUM", "0"), ("STATISTICS_STDDEV", "1270.0"),
                                                    ("STATISTICS_VALID_PERCENT", "100")])))),
    # element names in any case, duplicate key (last wins), MDI without key
    # or value, key with "=", two default-domain blocks, a band that does not
    # exist, and an XML-format domain
    ("odd_parsing_xml_domain", "tB.tif", "<pamdataset>\n  <metadata>\n    <mdi key=\"A\">pam1</mdi>\n"
                              "    <mdi key=\"A\">pam2</mdi>\n    <mdi>nokey</mdi>\n"
                              "    <mdi key=\"E\"></mdi>\n    <mdi key=\"C=D\">x</mdi>\n  </metadata>\n"
                              "  <Metadata>\n    <MDI key=\"second\">block</MDI>\n  </Metadata>\n"
                              '  <Metadata domain="xml:test" format="xml">\n'
                              '    <foo a="1">\n      <bar>t &amp; x</bar>\n    </foo>\n'
                              "  </Metadata>\n"
                              '  <PAMRasterBand band="99">\n    <Description>nope</Description>\n'
                              "  </PAMRasterBand>\n</pamdataset>\n"),
    ("prolog_ignored", "tB.tif", '<?xml version="1.0"?>\n' + pam(md([("A", "pam")]))),
    ("garbage", "tB.tif", "garbage\n"),
]


DOMAIN_CASES = {"full_own", "full_none", "odd_parsing_xml_domain"}


def area_pam_read():
    def case(item, json_c, text_c, rewrite_c):
        cname, tif, aux = item
        d = new_case("read", cname, [tif], {f"{tif}.aux.xml": aux})
        r, gd = info_pair(["-json", "-mdd", "all"], tif, d)
        json_c.same_exit(r, gd, f"[{cname}] info -json -mdd all {tif}")
        same_info_json(json_c, r, gd, f"[{cname}] info -json -mdd all {tif}")
        flag_sets = [[]] + ([["-mdd", "all"]] if cname in DOMAIN_CASES else []) + [["-hist"]]
        for flags in flag_sets:                # -hist last: it may rewrite the aux
            r, gd = info_pair(flags, tif, d)
            text_c.same_text(r.stdout, gd.stdout, " ".join([f"[{cname}] info", *flags, tif]))
        rewrite_c.same_file(f"{d}/rk/{tif}.aux.xml", f"{d}/gd/{tif}.aux.xml",
                            f"[{cname}] {tif}.aux.xml after info -hist")
    in_parallel([Group("2 PAM read: info -json -mdd all"),
                 Group("2 PAM read: info / info -hist text"),
                 Group("2 PAM read: aux.xml after info -hist (GDAL rewrites it)")],
                case, READ_CASES)
    area_stats_reuse()


def area_stats_reuse():
    stats_band = bmd([("STATISTICS_MAXIMUM", "250"), ("STATISTICS_MEAN", "999"),
                      ("STATISTICS_MINIMUM", "0"), ("STATISTICS_STDDEV", "1.5"),
                      ("STATISTICS_VALID_PERCENT", "100")])
    approx_band = stats_band.replace('<MDI key="STATISTICS_MAXIMUM">',
                                     '<MDI key="STATISTICS_APPROXIMATE">YES</MDI>\n'
                                     '      <MDI key="STATISTICS_MAXIMUM">')
    cases = [("mean999_own", "tAn.tif", pam("", band(1, stats_band)), ["-stats"]),
             ("mean999_none", "tB.tif", pam("", band(1, stats_band)), ["-stats"]),
             ("mean999_approx", "tB.tif", pam("", band(1, stats_band)), ["-approx_stats"]),
             ("mean999_json", "tB.tif", pam("", band(1, stats_band)), ["-json", "-stats"]),
             ("approx_then_exact", "tB.tif", pam("", band(1, approx_band)), ["-stats"]),
             ("second_run", "u16nd.tif", None, ["-stats"])]

    def case(item, c):
        cname, tif, aux, flags = item
        d = new_case("reuse", cname, [tif], {f"{tif}.aux.xml": aux} if aux else None)
        if aux is None:                        # first run writes the stats
            info_pair(flags, tif, d)
        r, gd = info_pair(flags, tif, d)
        what = f"[{cname}] {'second ' if aux is None else ''}info {' '.join(flags)} {tif}"
        if "-json" in flags:
            same_info_json(c, r, gd, what)
        else:
            c.same_text(r.stdout, gd.stdout, what)
        if aux is not None and "999" in aux and "APPROXIMATE" not in aux:
            c.check(b"Mean=999.000" in r.stdout or b'"mean":999.0' in r.stdout.replace(b" ", b""),
                    f"{what}: rasterkit does not report the stored mean 999")
            c.check(b"Mean=999.000" in gd.stdout or b'"mean":999.0' in gd.stdout.replace(b" ", b""),
                    f"{what}: (oracle) gdalinfo does not report the stored mean 999")
        c.same_file(f"{d}/rk/{tif}.aux.xml", f"{d}/gd/{tif}.aux.xml", f"{what}: aux.xml afterwards")
    in_parallel([Group("2 PAM read: stored statistics reused by info -stats / -approx_stats")], case, cases)


# ----------------------------------------------------------------------------
# 3. PAM disabled, unwritable folder
# ----------------------------------------------------------------------------

NO = {"GDAL_PAM_ENABLED": "NO"}
# How gdalinfo is told: (environment, leading arguments)
GDAL_WAYS = [(NO, ()), ({}, ("--config", "GDAL_PAM_ENABLED", "NO")),
             ({"GDAL_PAM_ENABLED": "OFF"}, ()), ({"GDAL_PAM_ENABLED": "0"}, ()),
             ({"GDAL_PAM_ENABLED": "false"}, ())]
# How rasterkit is told: (label, environment, leading arguments, index of
# the GDAL_WAYS run it is compared with)
RK_WAYS = [("env GDAL_PAM_ENABLED=NO", NO, (), 0),
           ("--config GDAL_PAM_ENABLED NO", {}, ("--config", "GDAL_PAM_ENABLED", "NO"), 1),
           ("env RK_PAM_ENABLED=NO", {"RK_PAM_ENABLED": "NO"}, (), 0),
           ("--config RK_PAM_ENABLED NO", {}, ("--config", "RK_PAM_ENABLED", "NO"), 0),
           ("env GDAL_PAM_ENABLED=OFF", {"GDAL_PAM_ENABLED": "OFF"}, (), 2),
           ("env GDAL_PAM_ENABLED=0", {"GDAL_PAM_ENABLED": "0"}, (), 3),
           ("env GDAL_PAM_ENABLED=false", {"GDAL_PAM_ENABLED": "false"}, (), 4)]


def area_pam_disabled():
    """GDAL runs once per way of disabling PAM that GDAL knows; every
    rasterkit way is compared with the matching GDAL run."""
    full_aux = pam(FULL_DATASET, band(1, FULL_BAND))
    items = [(flags, False) for flags in (("-stats",), ("-hist",))]
    items += [(flags, True) for flags in ((), ("-hist",), ("-json", "-mdd", "all"))]

    def case(item, c):
        flags, existing = item
        flags = list(flags)
        name = "tAn.tif" if existing else "u16nd.tif"
        aux = {"tAn.tif.aux.xml": full_aux} if existing else None
        d = new_case("pamoff", f"{''.join(flags) or 'plain'}_{int(existing)}", [name], aux,
                     sides=[f"gd{k}" for k in range(len(GDAL_WAYS))]
                     + [f"rk{k}" for k in range(len(RK_WAYS))])
        # the aliases OFF / 0 / false only with a fresh file and -stats
        ways = [w for w in RK_WAYS if w[3] < 2 or (not existing and flags == ["-stats"])]
        gds = {gk: run(["gdalinfo", *GDAL_WAYS[gk][1], *flags, name], f"{d}/gd{gk}", GDAL_WAYS[gk][0])
               for gk in sorted({w[3] for w in ways})}
        for k, (label, env, pre, gk) in enumerate(RK_WAYS):
            if (label, env, pre, gk) not in ways:
                continue
            r, gd = rk([*pre, "info", *flags, name], f"{d}/rk{k}", env), gds[gk]
            what = " ".join([f"{label}: info", *flags, name]) + (" with an existing aux" if existing else "")
            c.same_exit(r, gd, what)
            if "-json" in flags:
                same_info_json(c, r, gd, what)
            else:
                c.same_text(r.stdout, gd.stdout, f"{what}: stdout")
            if existing:
                c.check(b"aux.xml" not in r.stdout and b"pamonly" not in r.stdout,
                        f"{what}: rasterkit read or listed the aux")
                c.check(read_or_none(f"{d}/rk{k}/tAn.tif.aux.xml") == full_aux.encode(),
                        f"{what}: rasterkit changed the existing aux")
            else:
                c.check(not os.path.exists(f"{d}/rk{k}/{name}.aux.xml"),
                        f"{what}: rasterkit wrote {name}.aux.xml")
                c.check(not os.path.exists(f"{d}/gd{gk}/{name}.aux.xml"),
                        f"{what}: (oracle) gdalinfo wrote {name}.aux.xml")
    in_parallel([Group("3 PAM disabled (GDAL_PAM_ENABLED / RK_PAM_ENABLED, env and --config)")],
                case, items)
    area_unwritable()


def unmount_all_under(path):
    with open("/proc/mounts") as f:
        points = [line.split()[1] for line in f]
    for p in sorted(points, reverse=True):
        if p == path or p.startswith(path.rstrip("/") + "/"):
            subprocess.run(["umount", p], capture_output=True)


def make_readonly_dir(d, files):
    """A folder nobody can write into: a tmpfs remounted read-only (works as
    root), else chmod 555 (stops writes when not root). Returns how, or None."""
    os.makedirs(d)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", d],
                      capture_output=True).returncode == 0:
        for f in files:
            shutil.copy(f"{IN}/{f}", f"{d}/{f}")
        if subprocess.run(["mount", "-o", "remount,ro", d], capture_output=True).returncode == 0:
            return "read-only tmpfs"
        subprocess.run(["umount", d], capture_output=True)
    for f in files:
        shutil.copy(f"{IN}/{f}", f"{d}/{f}")
    if os.geteuid() != 0:
        os.chmod(d, 0o555)
        return "chmod 555"
    return None


def writable(d):
    try:
        with open(f"{d}/.probe", "w"):
            pass
        os.remove(f"{d}/.probe")
        return True
    except OSError:
        return False


def area_unwritable():
    g = Group("3 PAM: unwritable folder (exit 0, report, one warning naming FILE.aux.xml)")
    d = f"{WORK}/ro/dir"
    how = make_readonly_dir(d, ["u16nd.tif", "byte.tif"])
    try:
        if not how or writable(d):
            print("SKIP 3 PAM: unwritable folder: cannot make a read-only folder here "
                  "(mount not permitted, and chmod 555 does not stop root)")
            return

        def case(item, c):
            name, flags = item
            flags = list(flags)
            r, gd = rk(["info", *flags, name], d), run(["gdalinfo", *flags, name], d)
            what = f"info {' '.join(flags)} {name} in a {how} folder"
            c.check(r.returncode == 0, f"{what}: rasterkit exit {r.returncode}")
            if "-json" in flags:
                same_info_json(c, r, gd, f"{what}: stdout")
            else:
                c.same_text(r.stdout, gd.stdout, f"{what}: stdout")
            lines = [ln for ln in r.stderr.decode(errors="replace").split("\n") if ln.strip()]
            c.check(len(lines) == 1 and f"{name}.aux.xml" in lines[0] and "warning" in lines[0].lower(),
                    f"{what}: rasterkit stderr should be one warning line naming {name}.aux.xml, "
                    f"got {lines!r} (GDAL: {gd.stderr.decode(errors='replace').strip()!r})")
            c.check(not os.path.exists(f"{d}/{name}.aux.xml"), f"{what}: an aux appeared")
        in_parallel([g], case, [("u16nd.tif", ("-stats",)), ("u16nd.tif", ("-hist",)),
                                ("byte.tif", ("-stats", "-hist")), ("byte.tif", ("-approx_stats",)),
                                ("u16nd.tif", ("-json", "-stats"))])
    finally:
        if how == "chmod 555":
            os.chmod(d, 0o755)
        unmount_all_under(d)


# ----------------------------------------------------------------------------
# 4. translate and statistics
# ----------------------------------------------------------------------------

def translate_stat_options(w, h, more):
    return [(), ("-b", "1"), ("-a_nodata", "5"), ("-srcwin", "0", "0", str(w), str(h)),
            ("-srcwin", "1", "1", "5", "5"), ("-outsize", "100%", "100%"), ("-tr", "10", "10"),
            ("-ot", "Int16"), ("-ot", "Byte"), ("-ot", "Float32"), ("-ot", "Float64"),
            ("-scale",), ("-stats",), ("-stats", "-srcwin", "0", "0", "10", "10")] + (
        [("-ot", "UInt32"), ("-a_scale", "2", "-a_offset", "1"), ("-mo", "FOO=BAR")] if more else [])


def prepare_translate_sources():
    """Statistics in the sources' aux: genuine ones for tru16.tif (written
    by gdalinfo -stats), a hand-edited STATISTICS_MEAN=999 for trbyte.tif so
    that copied and recomputed statistics differ."""
    for src in ("tru16.tif", "trbyte.tif"):
        subprocess.run(["gdalinfo", "-stats", src], cwd=IN, capture_output=True, env=BASE_ENV)
    with open(f"{IN}/trbyte.tif.aux.xml") as f:
        aux = re.sub(r'(key="STATISTICS_MEAN">)[^<]*', r"\g<1>999", f.read())
    with open(f"{IN}/trbyte.tif.aux.xml", "w") as f:
        f.write(aux)


def area_translate_stats():
    prepare_translate_sources()

    def case(item, c):
        src, opts = item
        opts = list(opts)
        d = new_case("trstats", f"{src}{''.join(opts)}".replace("%", "pct"), [src, f"{src}.aux.xml"])
        before = read_or_none(f"{d}/rk/{src}.aux.xml")
        r, gd = translate_pair(opts, src, d)
        what = " ".join(["translate", *opts, src])
        if not c.same_exit(r, gd, what) or r.returncode or gd.returncode:
            return
        c.check(not os.path.exists(f"{d}/rk/out.tif.aux.xml"), f"{what}: rasterkit wrote out.tif.aux.xml")
        c.check(not os.path.exists(f"{d}/gd/out.tif.aux.xml"), f"{what}: (oracle) GDAL wrote out.tif.aux.xml")
        c.check(read_or_none(f"{d}/rk/{src}.aux.xml") == before, f"{what}: rasterkit modified its source's aux")
        if "-stats" not in opts:
            c.same_file(f"{d}/rk/{src}.aux.xml", f"{d}/gd/{src}.aux.xml", f"{what}: source aux afterwards")
        rj, gj = gdal_json(f"{d}/rk/out.tif"), gdal_json(f"{d}/gd/out.tif")
        for j in (rj, gj):
            for b in j["bands"]:
                b.pop("block", None)
        c.same_json(rj["bands"], gj["bands"], f"{what}: output bands (gdalinfo -json)")
        c.same_json(rj.get("metadata", {}).get(""), gj.get("metadata", {}).get(""),
                    f"{what}: output dataset default-domain metadata")
    in_parallel([Group("4 translate: output band metadata (statistics kept/dropped/-stats)")], case,
                [(src, o) for src, (w, h), more in (("tru16.tif", (20, 20), True), ("trbyte.tif", (24, 20), False))
                 for o in translate_stat_options(w, h, more)])


# ----------------------------------------------------------------------------
# 5. RPC
# ----------------------------------------------------------------------------

RPC_AUX = pam(md([("LINE_OFF", "9999"), ("MIN_LONG", "-106"), ("MAX_LAT", "40")], "RPC"))

# (tif, files, aux, translate option sets: 0 = plain copy only, 1 = the
# five of RPC_TRANSLATE, 2 = those and RPC_TRANSLATE_MORE)
RPC_CASES = [("rpc_tag.tif", ["rpc_tag.tif"], None, 2),
             ("rpc_rpb.tif", ["rpc_rpb.tif", "rpc_rpb.RPB"], None, 0),
             ("rpc_txt.tif", ["rpc_txt.tif", "rpc_txt_RPC.TXT"], None, 0),
             ("rpc_both.tif", ["rpc_both.tif", "rpc_both.RPB"], None, 0),
             ("rpc_rpbaux.tif", ["rpc_rpbaux.tif", "rpc_rpbaux.RPB"], RPC_AUX, 0),
             ("rpc_tagaux.tif", ["rpc_tagaux.tif"], RPC_AUX, 0),
             ("rpc_hand.tif", ["rpc_hand.tif", "rpc_hand.rpb"], None, 0),
             ("rpc_handtxt.tif", ["rpc_handtxt.tif", "rpc_handtxt_rpc.txt"], None, 2)]

RPC_TRANSLATE = [(), ("-srcwin", "10", "5", "20", "10"), ("-outsize", "32", "16"),
                 ("-outsize", "200%", "300%"), ("-srcwin", "0.5", "0.25", "10", "10", "-outsize", "7", "3")]
RPC_TRANSLATE_MORE = [("-srcwin", "0", "0", "64", "32"), ("-outsize", "100%", "100%"),
                      ("-srcwin", "-10", "-5", "20", "10"), ("-co", "PROFILE=BASELINE")]


def area_rpc():
    def info_case(item, c):
        tif, files, aux, _ = item
        d = new_case("rpc", tif, files, {f"{tif}.aux.xml": aux} if aux else None)
        for flags in ([], ["-mdd", "all"], ["-mdd", "RPC"], ["-json"]):
            r, gd = info_pair(flags, tif, d)
            what = " ".join(["info", *flags, tif])
            if "-json" in flags:
                same_info_json(c, r, gd, what)
            else:
                c.same_text(r.stdout, gd.stdout, what)

    def translate_case(item, c):
        (tif, files, aux, _), opts = item
        opts = list(opts)
        d = new_case("rpc_tr", f"{tif}{''.join(opts)}".replace("%", "pct"), files,
                     {f"{tif}.aux.xml": aux} if aux else None)
        r, gd = translate_pair(opts, tif, d)
        what = " ".join(["translate", *opts, tif])
        if not c.same_exit(r, gd, what) or r.returncode or gd.returncode:
            return
        rj, gj = gdal_json(f"{d}/rk/out.tif"), gdal_json(f"{d}/gd/out.tif")
        c.check(gj.get("metadata", {}).get("RPC"), f"{what}: (oracle) gdal_translate's output has no RPC")
        c.same_json(rj.get("metadata", {}).get("RPC"), gj.get("metadata", {}).get("RPC"),
                    f"{what}: output RPC (gdalinfo -json)")
        c.same_json(rj["size"], gj["size"], f"{what}: output size")
        c.same_json(sorted(os.listdir(f"{d}/rk")), sorted(os.listdir(f"{d}/gd")),
                    f"{what}: files in the folder afterwards")
    in_parallel([Group("5 RPC: info / -mdd all / -mdd RPC / -json")], info_case, RPC_CASES)
    option_sets = {0: [()], 1: RPC_TRANSLATE, 2: RPC_TRANSLATE + RPC_TRANSLATE_MORE}
    in_parallel([Group("5 RPC: translate, output RPC metadata")], translate_case,
                [(cs, o) for cs in RPC_CASES for o in option_sets[cs[3]]])


# ----------------------------------------------------------------------------
# 6. XMP
# ----------------------------------------------------------------------------

def tag700(path):
    """The XMP of a GeoTIFF as GDAL reads it from tag 700, PAM not consulted
    (a PROFILE=BASELINE output also gets an aux.xml holding an xml:XMP)."""
    gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO")
    try:
        return gdal.Open(path).GetMetadata("xml:XMP") or None
    finally:
        gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", None)


def area_xmp():
    def info_case(item, c):
        src, flags = item
        flags = list(flags)
        d = new_case("xmp", f"{src}{''.join(flags)}", [src])
        r, gd = info_pair(flags, src, d)
        what = " ".join(["info", *flags, src])
        if "-json" in flags:
            same_info_json(c, r, gd, what)
        else:
            c.same_text(r.stdout, gd.stdout, what)

    def translate_case(opts, c):
        opts = list(opts)
        d = new_case("xmp_tr", "".join(opts).replace("%", "pct") or "plain", ["xmp.tif"])
        r, gd = translate_pair(opts, "xmp.tif", d)
        what = " ".join(["translate", *opts, "xmp.tif"])
        if not c.same_exit(r, gd, what) or r.returncode or gd.returncode:
            return
        rx, gx = tag700(f"{d}/rk/out.tif"), tag700(f"{d}/gd/out.tif")
        c.same_json(rx, gx, f"{what}: output tag 700 (xml:XMP read with PAM off)")
        expected = None if "-noxmp" in opts else [XMP]
        c.check(rx == expected, f"{what}: rasterkit output XMP {'present' if rx else 'absent'}, expected "
                                f"{'absent' if expected is None else 'the source packet byte for byte'}")
        c.check(gx == expected, f"{what}: (oracle) gdal_translate output XMP not as expected")
        c.same_json(gdal.Open(f"{d}/rk/out.tif").GetMetadata("xml:XMP"),
                    gdal.Open(f"{d}/gd/out.tif").GetMetadata("xml:XMP"),
                    f"{what}: output xml:XMP as GDAL reads it (PAM on)")
        c.same_json(sorted(os.listdir(f"{d}/rk")), sorted(os.listdir(f"{d}/gd")),
                    f"{what}: files in the folder afterwards")
    src_ok = gdal.Open(f"{IN}/xmp.tif").GetMetadata("xml:XMP") == [XMP]
    TOTAL[0] += 1
    if not src_ok:
        FAILURES.append("[6 XMP] (oracle) the source XMP does not read back as written")
    in_parallel([Group("6 XMP: info -mdd xml:XMP / -mdd all / -json -mdd all")], info_case,
                [("xmp.tif", f) for f in (("-mdd", "xml:XMP"), ("-mdd", "all"), (), ("-nomd", "-mdd", "xml:XMP"),
                                          ("-json", "-mdd", "all"), ("-json", "-mdd", "xml:XMP"), ("-json",))]
                + [("byte.tif", ("-mdd", "xml:XMP"))])
    in_parallel([Group("6 XMP: translate copies tag 700, -noxmp drops it")], translate_case,
                [(), ("-srcwin", "3", "2", "20", "10"), ("-co", "PROFILE=BASELINE"),
                 ("-ot", "Float32", "-outsize", "50%", "50%"), ("-noxmp",),
                 ("-noxmp", "-srcwin", "3", "2", "20", "10")])


# ----------------------------------------------------------------------------
# 7. -expand
# ----------------------------------------------------------------------------

def colour_interps(ds):
    return [gdal.GetColorInterpretationName(ds.GetRasterBand(i + 1).GetColorInterpretation())
            for i in range(ds.RasterCount)]


def area_expand():
    cases = []
    for e in ("gray", "rgb", "rgba"):
        cases += [("pal1.tif", ("-expand", e)), ("pal1.tif", ("-expand", e, "-b", "1")),
                  ("pal2.tif", ("-expand", e)), ("pal2.tif", ("-expand", e, "-b", "1", "-b", "2")),
                  ("palgray.tif", ("-expand", e))]
    cases += [("pal2.tif", ("-expand", "rgba", "-b", "2", "-b", "1")), ("pal2.tif", ("-expand", "rgb", "-b", "1")),
              ("pal1.tif", ("-expand", "rgb", "-srcwin", "5", "5", "20", "10")),
              ("byte.tif", ("-expand", "rgb"))]

    def case(item, c):
        src, opts = item
        opts = list(opts)
        d = new_case("expand", f"{src}{''.join(opts)}", [src])
        r, gd = translate_pair(opts, src, d)
        what = " ".join(["translate", *opts, src])
        c.same_exit(r, gd, what)
        if gd.returncode != 0:
            c.check(not os.path.exists(f"{d}/rk/out.tif"), f"{what}: rasterkit left an output behind")
            return
        if r.returncode != 0:
            return
        a, b = gdal.Open(f"{d}/rk/out.tif"), gdal.Open(f"{d}/gd/out.tif")
        if not c.check(a.RasterCount == b.RasterCount,
                       f"{what}: {a.RasterCount} bands vs gdal_translate {b.RasterCount}"):
            return
        c.same_json(colour_interps(a), colour_interps(b), f"{what}: colour interpretations")
        c.check((a.GetRasterBand(1).GetColorTable() is None) == (b.GetRasterBand(1).GetColorTable() is None),
                f"{what}: colour table presence differs")
        for i in range(b.RasterCount):
            xa, xb = a.GetRasterBand(i + 1).ReadAsArray(), b.GetRasterBand(i + 1).ReadAsArray()
            n = int((xa != xb).sum())
            c.check(n == 0, f"{what}: band {i + 1}: {n} pixels differ")
    in_parallel([Group("7 translate -expand gray/rgb/rgba")], case, cases)


# ----------------------------------------------------------------------------
# 8. -nomd
# ----------------------------------------------------------------------------

def has_metadata_key(j):
    if isinstance(j, dict):
        return "metadata" in j or any(has_metadata_key(v) for v in j.values())
    if isinstance(j, list):
        return any(has_metadata_key(v) for v in j)
    return False


def area_nomd():
    # md.tif: dataset/band metadata in GDAL_METADATA, XMP, and statistics in its aux
    subprocess.run(["gdalinfo", "-stats", "md.tif"], cwd=IN, capture_output=True, env=BASE_ENV)

    def case(flags, c):
        flags = list(flags)
        d = new_case("nomd", "".join(flags), ["md.tif", "md.tif.aux.xml"])
        r, gd = info_pair(flags, "md.tif", d)
        what = " ".join(["info", *flags, "md.tif"])
        if "-json" in flags:
            same_info_json(c, r, gd, what)
            c.check(not has_metadata_key(parse_json(r)), f"{what}: rasterkit JSON has a \"metadata\" key")
        else:
            c.same_text(r.stdout, gd.stdout, what)
            c.check(b"Metadata" not in r.stdout and b"FOO=bar" not in r.stdout
                    and b"STATISTICS_" not in r.stdout, f"{what}: rasterkit prints metadata")
    in_parallel([Group("8 info -nomd")], case,
                [("-nomd",), ("-nomd", "-mdd", "all"), ("-nomd", "-stats"), ("-nomd", "-json"),
                 ("-nomd", "-json", "-mdd", "all"), ("-nomd", "-json", "-stats")])


# ----------------------------------------------------------------------------
# 9. STATISTICS_VALID_PERCENT
# ----------------------------------------------------------------------------

def area_valid_percent():
    """The `info -stats` runs of area 1 are reused; files not in area 1 run here."""
    def case(item, c):
        name, expected = item
        if name in STATS_RUNS:
            rk_out, gd_out, rk_aux, gd_aux = STATS_RUNS[name]
        else:
            d = new_case("vp", name, [name])
            r, gd = info_pair(["-stats"], name, d)
            rk_out, gd_out = r.stdout, gd.stdout
            rk_aux, gd_aux = read_or_none(f"{d}/rk/{name}.aux.xml"), read_or_none(f"{d}/gd/{name}.aux.xml")
        line = f"    STATISTICS_VALID_PERCENT={expected}\n".encode()
        mdi = f'<MDI key="STATISTICS_VALID_PERCENT">{expected}</MDI>'.encode()
        for who, out, aux in (("rasterkit", rk_out, rk_aux), ("(oracle) gdalinfo", gd_out, gd_aux)):
            c.check(line in out, f"{who} info -stats {name}: no line {line!r}")
            c.check(mdi in (aux or b""), f"{who} info -stats {name}: aux lacks {mdi!r}")
        c.check(rk_aux == gd_aux, f"info -stats {name}: aux differs")
    in_parallel([Group("9 STATISTICS_VALID_PERCENT (aux and info -stats)")], case,
                [("u16nd.tif", "93.06"), ("byte.tif", "100"), ("allnd.tif", "0"), ("allnd16.tif", "0"),
                 ("vp99999.tif", "99.999"), ("f32nan.tif", "98.25")])


# ----------------------------------------------------------------------------

def main():
    global RK, WORK, IN
    if len(sys.argv) != 3:
        print("usage: utilities_oracle.py RASTERKIT WORKDIR", file=sys.stderr)
        return 2
    RK, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    t0 = time.time()
    for k in [k for k in os.environ if k not in BASE_ENV]:
        del os.environ[k]                      # the in-process GDAL reads these too
    if os.path.exists(WORK):
        unmount_all_under(WORK)
    shutil.rmtree(WORK, ignore_errors=True)
    IN = f"{WORK}/inputs"
    os.makedirs(IN)
    make_inputs()
    for area in (area_baseline, area_pam_write, area_pam_read, area_pam_disabled, area_translate_stats,
                 area_rpc, area_xmp, area_expand, area_nomd, area_valid_percent):
        t, c0, n0 = time.time(), resource.getrusage(resource.RUSAGE_CHILDREN), RUNS[0]
        area()
        c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        TIMES.append((area.__name__, time.time() - t,
                      c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime, RUNS[0] - n0))
    me, ch = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"cpu: self {me.ru_utime + me.ru_stime:.1f}s children {ch.ru_utime + ch.ru_stime:.1f}s")
    print("time per area (wall/cpu/runs): " + ", ".join(f"{n[5:]} {t:.1f}/{c:.1f}/{k}" for n, t, c, k in TIMES))
    if EXCEPTED:
        print(f"\n{len(EXCEPTED)} deliberate differences (doc/cli.md):")
        for e in EXCEPTED:
            print(f"  {e}")
    if FAILURES:
        print(f"\n{len(FAILURES)} differences:")
        for f in FAILURES:
            print(f"  {f}")
    print(f"\n{TOTAL[0] - len(FAILURES)} of {TOTAL[0]} checks agree with GDAL "
          f"({time.time() - t0:.1f} s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
