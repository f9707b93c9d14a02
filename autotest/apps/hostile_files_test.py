#!/usr/bin/env python3
"""Hostile files through the command line: the crafted TIFFs of
autotest/fuzz/make_seeds.py (tags claiming billions of strips, pixels,
palette entries, GeoKeys...) and the fuzzers' past findings
(autotest/fuzz/findings/, one file each), run through every `info` pass and
a few translates. Each run must end by itself within its time limit, exit 0
or 1 (never by a signal, never with `terminate called`), name the file in
its error, and leave no output behind when it fails. Label unit: it also
runs against the AddressSanitizer build.

usage: hostile_files_test.py RASTERKIT WORKDIR SOURCE_DIR
"""
import glob
import os
import shutil
import subprocess
import sys

RK, WORK, SRC = sys.argv[1:4]
# Translates stay within a small window: a file claiming billions of pixels
# whose reads do not fail (libtiff makes up missing strip sizes) would
# otherwise be read in full, which is slow but not wrong.
RUNS = [
    ["info", "-checksum", "-stats", "-hist", "-mm"],
    ["info", "-json", "-approx_stats", "-mdd", "all"],
    ["translate", "-q", "-srcwin", "0", "0", "7", "7", "{f}", "{out}"],
    ["translate", "-q", "-srcwin", "0", "0", "40", "30", "-outsize", "10", "10", "-r", "average",
     "-ot", "Float32", "{f}", "{out}"],
    ["translate", "-q", "-srcwin", "0", "0", "7", "7", "-scale", "-ot", "Byte", "{f}", "{out}"],
]


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    seeds = os.path.join(WORK, "seeds")
    subprocess.run([sys.executable, os.path.join(SRC, "autotest/fuzz/make_seeds.py"), seeds],
                   check=True, stdout=subprocess.DEVNULL)
    files = sorted(glob.glob(os.path.join(seeds, "*")))
    files += sorted(glob.glob(os.path.join(SRC, "autotest/fuzz/findings/*")))
    failures = []
    for f in files:
        for run in RUNS:
            out = os.path.join(WORK, "out.tif")
            args = [a.format(f=f, out=out) for a in run]
            if "{f}" not in run:
                args.append(f)
            try:
                p = subprocess.run([RK, *args], capture_output=True, text=True, timeout=60,
                                   errors="replace")
            except subprocess.TimeoutExpired:
                failures.append(f"{' '.join(args)}: did not finish in 60 s")
                continue
            what = f"{os.path.basename(f)}: {' '.join(run[:2])}"
            if p.returncode not in (0, 1):
                failures.append(f"{what}: exit {p.returncode} {p.stderr[-300:]}")
            if "terminate called" in p.stderr or "AddressSanitizer" in p.stderr:
                failures.append(f"{what}: {p.stderr[-300:]}")
            if p.returncode == 1:
                last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
                if os.path.basename(f) not in last:
                    failures.append(f"{what}: the error does not name the file: {last!r}")
                if os.path.exists(out):
                    failures.append(f"{what}: a failed translate left {out}")
            if os.path.exists(out):
                os.remove(out)
            leftovers = [x for x in os.listdir(WORK) if ".rk-" in x]
            if leftovers:
                failures.append(f"{what}: temporary files left: {leftovers}")
    print(f"{len(files)} hostile files x {len(RUNS)} runs")
    for f in failures:
        print("FAIL", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
