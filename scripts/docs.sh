#!/usr/bin/env bash
# The API reference: Doxygen over the public headers, with a warning for
# every undocumented public symbol. Writes build/doc/html/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command -v doxygen >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq doxygen >/dev/null; }
cmake -S . -B build -G Ninja >/dev/null
cmake --build build --target rk_doc
