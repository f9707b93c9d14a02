#!/usr/bin/env python3
"""rasterkit vs GDAL 3.6 (Debian's gdal-bin: benchmark peer only) on the
operations users run: `info -stats` / `info -checksum` and a set of
translates, against GDAL both ways: as it runs by default (one thread) and
at its best (`--config GDAL_NUM_THREADS ALL_CPUS`, which decodes multi-block
requests on every core, and `-co NUM_THREADS=ALL_CPUS` when the output is
compressed). Each operation runs for the three alternately (rotating the
order) after one warm-up run each; the table shows the median wall time per
tool, the median of the per-round ratios (GDAL / rasterkit: > 1 means
rasterkit is faster) against each GDAL, and each tool's median peak RSS.
Two floors, the least any tool can do: reading the input from the page
cache (cat > /dev/null), and the work itself on 2 threads (rk_codec_floor:
the codec called directly on the same strips/tiles, one memory pass over
the pixels, and for compressed outputs the encoding of 256x256 tiles).
Targets (against GDAL at its best): >= 1.3x on decode-bound operations,
>= 1.0x on encode-bound ones, and encode-bound ones within 1.1x of the
work floor.

usage: run.py RASTERKIT CODEC_FLOOR DATA_DIR RUNS OUT.md
"""
import os
import statistics
import subprocess
import sys
import time

rk, codec_floor, data = sys.argv[1], sys.argv[2], sys.argv[3]
runs, out = int(sys.argv[4]), sys.argv[5]
env = dict(os.environ, GDAL_PAM_ENABLED="NO")  # GDAL must not reuse .aux.xml statistics

U16 = f"{data}/tiled.tif"        # 8192x8192 UInt16, DEFLATE tiled, predictor 2
RAW = f"{data}/striped.tif"      # 8192x8192 UInt16, uncompressed, strips
RGB = f"{data}/rgb_lzw.tif"      # 8192x8192x3 Byte, LZW tiled, pixel-interleaved
F32 = f"{data}/float_zstd.tif"   # 8192x8192 Float32, ZSTD tiled, nodata
OUT = f"{data}/out.tif"

BEST = ["--config", "GDAL_NUM_THREADS", "ALL_CPUS"]

# name, rasterkit args, GDAL command, GDAL-at-its-best command, input,
# rk_codec_floor args (after FILE THREADS), kind ("decode" or "encode")
OPS = []
for label, path in (("UInt16 DEFLATE", U16), ("RGB LZW", RGB), ("Float32 ZSTD + nodata", F32)):
    for flag in ("-stats", "-checksum"):
        OPS.append((f"info {flag}, {label}", ["info", flag, path], ["gdalinfo", flag, path],
                    ["gdalinfo", *BEST, flag, path], path, [], "decode"))
TRANSLATES = [
    ("translate striped raw -> DEFLATE tiled (predictor 2)", RAW,
     ["-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", "-co", "TILED=YES"],
     ["--encode", "DEFLATE", "--encode-predictor"], "encode"),
    ("translate DEFLATE tiled -> uncompressed", U16, [], [], "decode"),
    ("translate -srcwin 2048x2048", U16, ["-srcwin", "3000", "3000", "2048", "2048"],
     ["--window", "3000", "3000", "2048", "2048"], "decode"),
    ("translate -outsize 25% 25% -r average", U16, ["-outsize", "25%", "25%", "-r", "average"], [],
     "decode"),
    ("translate RGB LZW -> ZSTD", RGB, ["-co", "COMPRESS=ZSTD", "-co", "TILED=YES"],
     ["--encode", "ZSTD"], "encode"),
]
for name, src, args, floor_args, kind in TRANSLATES:
    compresses = any(a.startswith("COMPRESS=") for a in args)
    best = [*BEST, *args, *(["-co", "NUM_THREADS=ALL_CPUS"] if compresses else [])]
    OPS.append((name, ["translate", "-q", *args, src, OUT],
                ["gdal_translate", "-q", *args, src, OUT],
                ["gdal_translate", "-q", *best, src, OUT], src, floor_args, kind))


def measure(cmd):
    code = ("import resource,subprocess,sys,time,os;"
            "t=time.perf_counter();"
            "p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
            "w=time.perf_counter()-t;"
            "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024, p.returncode)")
    p = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, env=env)
    wall, rss, rc = p.stdout.split()
    if rc != "0":
        sys.exit(f"{' '.join(cmd)} failed with {rc}")
    return float(wall), float(rss)


def floor_of(path):
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        while f.read(1 << 22):
            pass
    return time.perf_counter() - t0


def work_floor(path, args):
    p = subprocess.run([codec_floor, path, "2", *args], capture_output=True, text=True, check=True)
    decode, memory, encode = (float(x) for x in p.stdout.split())
    return decode + memory + encode


rows = []
for name, rk_args, gd_cmd, best_cmd, src, floor_args, kind in OPS:
    tools = [[rk, *rk_args], gd_cmd, best_cmd]
    for cmd in tools:
        measure(cmd)  # warm-up
    times = [[], [], []]
    mems = [[], [], []]
    for i in range(runs):
        for k in [(i + j) % 3 for j in range(3)]:  # rotate who goes first
            w, m = measure(tools[k])
            times[k].append(w)
            mems[k].append(m)
    vs_default = statistics.median(g / r for g, r in zip(times[1], times[0]))
    vs_best = statistics.median(g / r for g, r in zip(times[2], times[0]))
    floor = min(floor_of(src) for _ in range(3))
    work = work_floor(src, floor_args)
    med = [statistics.median(t) for t in times]
    rss = [statistics.median(m) for m in mems]
    if kind == "decode":
        target = vs_best >= 1.3
    else:
        target = vs_best >= 1.0 and med[0] <= 1.1 * work
    rows.append((name, kind, med, vs_default, vs_best, rss, floor, work, target))
    print(f"{name}: rasterkit {med[0]:.2f} s, GDAL {med[1]:.2f} s, GDAL at its best {med[2]:.2f} s, "
          f"x{vs_default:.2f} / x{vs_best:.2f}, work floor {work:.2f} s", flush=True)

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
with open(out, "w") as f:
    f.write("# rasterkit vs GDAL 3.6.2: command-line operations\n\n")
    f.write(f"Machine: {os.cpu_count()} cores, {cpu}; {time.strftime('%Y-%m-%d')}. "
            f"Median of {runs} rounds, each running the three tools in rotating order, after "
            f"a warm-up; whole process, warm page cache; `GDAL_PAM_ENABLED=NO` for both tools. "
            f"Command: `bash bench/run.sh {runs}`.\n\n"
            "*GDAL* is gdalinfo / gdal_translate as they run by default; *GDAL best* adds "
            "`--config GDAL_NUM_THREADS ALL_CPUS` (multi-block reads decoded on every core) and, "
            "for compressed outputs, `-co NUM_THREADS=ALL_CPUS`. Speed-ups are medians of the "
            "per-round ratios GDAL / rasterkit.\n\n"
            "Floors: *read* is reading the input file from the page cache; *work* is the "
            "operation's own work on 2 threads with nothing else (bench/codec_floor.cpp: the "
            "codec called directly on the file's strips/tiles — libdeflate, libzstd, libtiff's "
            "LZW decoder —, one memory pass over the pixels, and for compressed outputs "
            "libdeflate level 6 / zstd level 9 on 256x256 tiles). *x floor* is each tool's "
            "median over the work floor. Targets against GDAL at its best: >= 1.3x on "
            "decode-bound operations; >= 1.0x and within 1.1x of the work floor on "
            "encode-bound ones.\n\n")
    f.write("| operation | kind | median rasterkit / GDAL / GDAL best (s) | speed-up vs GDAL | "
            "speed-up vs GDAL best | peak RSS rasterkit / GDAL / best (MiB) | floor: read / work (s) "
            "| x floor: rasterkit / GDAL best | target |\n")
    f.write("|---|---|---|---|---|---|---|---|---|\n")
    for name, kind, med, vd, vb, rss, floor, work, target in rows:
        f.write(f"| {name} | {kind} | {med[0]:.2f} / {med[1]:.2f} / {med[2]:.2f} | {vd:.2f}x | "
                f"{vb:.2f}x | {rss[0]:.0f} / {rss[1]:.0f} / {rss[2]:.0f} | {floor:.3f} / {work:.2f} "
                f"| {med[0] / work:.2f} / {med[2] / work:.2f} | {'met' if target else 'MISSED'} |\n")
print(open(out).read())
