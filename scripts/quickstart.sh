#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One command from a fresh Debian 12 machine (as root) to a real scan:
# install what is missing, build build/cmap, and scan 127.0.0.1's most
# common ports inside a throwaway network namespace (scripts/demo.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
bash scripts/demo.sh "$@"
