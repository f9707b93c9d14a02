#!/usr/bin/env python3
"""rasterkit vs GDAL 3.6 (Debian's gdal-bin: benchmark peer only) on the
operations users run: `info -stats` / `info -checksum` and a set of
translates. Each operation runs for both tools alternately (A/B, B/A, ...)
after one warm-up run each; the table shows min and median wall time per
tool, the median of the per-pair ratios (GDAL / rasterkit: > 1 means
rasterkit is faster), and each tool's median peak RSS. Two floors, the least
any tool can do: reading the input from the page cache (cat > /dev/null),
and the work itself on 2 threads (rk_codec_floor: the codec called directly
on the same strips/tiles, one memory pass over the pixels, and for
compressed outputs the encoding of 256x256 tiles).

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

# name, rasterkit args, GDAL command, input, rk_codec_floor args (after FILE THREADS)
OPS = [
    ("info -stats, UInt16 DEFLATE", ["info", "-stats", U16], ["gdalinfo", "-stats", U16], U16, []),
    ("info -checksum, UInt16 DEFLATE", ["info", "-checksum", U16], ["gdalinfo", "-checksum", U16], U16, []),
    ("info -stats, RGB LZW", ["info", "-stats", RGB], ["gdalinfo", "-stats", RGB], RGB, []),
    ("info -checksum, RGB LZW", ["info", "-checksum", RGB], ["gdalinfo", "-checksum", RGB], RGB, []),
    ("info -stats, Float32 ZSTD + nodata", ["info", "-stats", F32], ["gdalinfo", "-stats", F32], F32, []),
    ("info -checksum, Float32 ZSTD + nodata", ["info", "-checksum", F32], ["gdalinfo", "-checksum", F32], F32, []),
]
TRANSLATES = [
    ("translate striped raw -> DEFLATE tiled (predictor 2)", RAW,
     ["-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", "-co", "TILED=YES"],
     ["--encode", "DEFLATE", "--encode-predictor"]),
    ("translate DEFLATE tiled -> uncompressed", U16, [], []),
    ("translate -srcwin 2048x2048", U16, ["-srcwin", "3000", "3000", "2048", "2048"],
     ["--window", "3000", "3000", "2048", "2048"]),
    ("translate -outsize 25% 25% -r average", U16, ["-outsize", "25%", "25%", "-r", "average"], []),
    ("translate RGB LZW -> ZSTD", RGB, ["-co", "COMPRESS=ZSTD", "-co", "TILED=YES"], ["--encode", "ZSTD"]),
]
for name, src, args, floor_args in TRANSLATES:
    OPS.append((name, ["translate", "-q", *args, src, OUT],
                ["gdal_translate", "-q", *args, src, OUT], src, floor_args))


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
for name, rk_args, gd_cmd, src, floor_args in OPS:
    rk_cmd = [rk, *rk_args]
    measure(rk_cmd)
    measure(gd_cmd)  # warm-up
    rk_t, gd_t, rk_m, gd_m, ratios = [], [], [], [], []
    for i in range(runs):
        order = [(rk_cmd, rk_t, rk_m), (gd_cmd, gd_t, gd_m)]
        if i % 2:
            order.reverse()
        for cmd, times, mems in order:
            w, m = measure(cmd)
            times.append(w)
            mems.append(m)
        ratios.append(gd_t[-1] / rk_t[-1])
    floor = min(floor_of(src) for _ in range(3))
    work = work_floor(src, floor_args)
    rows.append((name, min(rk_t), statistics.median(rk_t), min(gd_t), statistics.median(gd_t),
                 statistics.median(ratios), statistics.median(rk_m), statistics.median(gd_m), floor,
                 work))
    print(f"{name}: rasterkit {statistics.median(rk_t):.2f} s, GDAL {statistics.median(gd_t):.2f} s, "
          f"ratio {statistics.median(ratios):.2f}, work floor {work:.2f} s", flush=True)

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
with open(out, "w") as f:
    f.write("# rasterkit vs GDAL 3.6.2: command-line operations\n\n")
    f.write(f"Machine: {os.cpu_count()} cores, {cpu}; {time.strftime('%Y-%m-%d')}. "
            f"Median of {runs} alternating runs per tool after a warm-up; whole process, warm "
            f"page cache; `GDAL_PAM_ENABLED=NO`. Command: `bash bench/run.sh {runs}`.\n\n"
            "Floors: *read* is reading the input file from the page cache; *work* is the "
            "operation's own work on 2 threads with nothing else (bench/codec_floor.cpp: the "
            "codec called directly on the file's strips/tiles — libdeflate, libzstd, libtiff's "
            "LZW decoder —, one memory pass over the pixels, and for compressed outputs "
            "libdeflate level 6 / zstd level 9 on 256x256 tiles). *x floor* is each tool's "
            "median over the work floor.\n\n")
    f.write("| operation | rasterkit min / median (s) | GDAL min / median (s) | speed-up (median of GDAL/rasterkit) "
            "| peak RSS rasterkit / GDAL (MiB) | floor: read / work (s) | x floor: rasterkit / GDAL |\n")
    f.write("|---|---|---|---|---|---|---|\n")
    for r in rows:
        f.write(f"| {r[0]} | {r[1]:.2f} / {r[2]:.2f} | {r[3]:.2f} / {r[4]:.2f} | {r[5]:.2f}x | "
                f"{r[6]:.0f} / {r[7]:.0f} | {r[8]:.3f} / {r[9]:.2f} | {r[2] / r[9]:.1f} / {r[4] / r[9]:.1f} |\n")
print(open(out).read())
