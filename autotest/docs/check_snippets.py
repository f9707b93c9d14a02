#!/usr/bin/env python3
"""Compiles every ```cpp block of doc/ so the documentation cannot rot.

A block containing `int main(` is compiled and linked as a program; any
other block is compiled at namespace scope after every public header; a
block whose first line is `// declarations ...` quotes signatures and is
checked only for naming functions that the headers declare.

usage: check_snippets.py DOC_DIR INCLUDE_DIR LIB_DIRS(colon-separated) COMPILER
"""
import os
import re
import subprocess
import sys
import tempfile

doc, include, libdir, cxx = sys.argv[1:5]
PRELUDE = "#include <rasterkit/rasterkit.h>\n#include <cstdio>\n#include <string>\n#include <vector>\n"
LIBS = [f for d in libdir.split(":") for f in ("-L" + d, "-Wl,-rpath," + d)] + ["-lrk_utilities", "-lrk_drivers", "-lrk_threadsafe", "-lrk_geometry", "-lrk_core",
        "-lrk_blockcache", "-lpthread"]

failures = 0
count = 0
for dirpath, _, files in os.walk(doc):
    for name in sorted(files):
        if not name.endswith(".md"):
            continue
        path = os.path.join(dirpath, name)
        text = open(path).read()
        for i, block in enumerate(re.findall(r"```cpp\n(.*?)```", text, re.S)):
            count += 1
            where = f"{os.path.relpath(path, doc)} block {i + 1}"
            if block.startswith("// declarations"):
                for fn in re.findall(r"(\w+)::(\w+)\(", block):
                    header_text = open(os.path.join(include, "rasterkit", "gdalcore", "raster_band.h")).read() + \
                        open(os.path.join(include, "rasterkit", "gdalcore", "dataset.h")).read()
                    if fn[1] + "(" not in header_text:
                        print(f"FAIL {where}: {fn[0]}::{fn[1]} is not declared")
                        failures += 1
                continue
            with tempfile.TemporaryDirectory() as tmp:
                src = os.path.join(tmp, "snippet.cpp")
                with open(src, "w") as f:
                    f.write(PRELUDE + block)
                program = "int main(" in block
                cmd = [cxx, "-std=c++17", "-Wall", "-Werror", "-Wno-unused-variable",
                       "-Wno-unused-function", "-I" + include, src]
                cmd += ["-o", os.path.join(tmp, "a.out")] + LIBS if program else ["-c", "-o", os.path.join(tmp, "a.o")]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    print(f"FAIL {where}:\n{p.stderr}")
                    failures += 1
                else:
                    print(f"ok   {where}")
print(f"{count - failures} of {count} snippets compile")
sys.exit(1 if failures else 0)
