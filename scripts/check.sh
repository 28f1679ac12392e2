#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One command from a fresh Debian 12 machine (as root) to every test:
# install what is missing, build the normal and the sanitizer builds, run
# the fuzz harnesses briefly (regression inputs, then FUZZ_SECONDS each),
# then every unit and end-to-end test on both builds. The last line is the
# "N passed, N failed" summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh --test
[ -f build/build.ninja ] || meson setup build >/dev/null
[ -f build-asan/build.ninja ] ||
    meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C build >/dev/null
ninja -C build-asan >/dev/null
bash scripts/fuzz.sh --regress
FUZZ_JOBS=2 bash scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
bash scripts/run-tests.sh build build-asan
