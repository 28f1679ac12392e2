#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run every test against one or more build directories (e.g. the normal
# build and the sanitizer build): cmocka unit tests through meson, then the
# network-namespace tests through pytest. Ends with one summary line,
# "N passed, N failed", that CI reads.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ $# -gt 0 ] || set -- build
results=$(mktemp -d)
# nmap's side of the slowest comparisons, shared by the passes over each
# build (tests/lab/labrun.py: nmap_cached).
nmap_cache=$(mktemp -d)
trap 'rm -rf "$results" "$nmap_cache"' EXIT

# Any sanitizer report fails the run: UBSan must not just print and go on.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0

passed=0
failed=0

# The lab tests mostly wait (on silent ports, on nmap's timeouts), so test
# files run three at a time when pytest-xdist is there; each worker builds
# its own lab (names carry the worker's pid) and a file stays on one worker,
# so its module fixtures are set up once. TEST_JOBS=1 runs them one by one.
jobs=${TEST_JOBS:-3}
parallel=()
if [ "$jobs" -gt 1 ] && /usr/bin/python3 -c 'import xdist' 2>/dev/null; then
    parallel=(-n "$jobs" --dist loadfile)
fi

count_pytest() { # junit xml -> "passed failed"
    /usr/bin/python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("0 1")
    sys.exit()
suites = [root] if root.tag == "testsuite" else list(root)
t = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skip = sum(int(s.get("skipped", 0)) for s in suites)
print(t - bad - skip, bad)
PY
}

for build in "$@"; do
    echo "=== unit tests ($build)"
    meson test -C "$build" --suite unit --print-errorlogs --num-processes 2 | tee "$results/unit.txt"
    unit_ok=$(awk '/^Ok:/ {print $2}' "$results/unit.txt")
    unit_fail=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {s += $NF} END {print s + 0}' "$results/unit.txt")
    passed=$((passed + ${unit_ok:-0}))
    failed=$((failed + ${unit_fail:-0}))
    [ -n "$unit_ok" ] || failed=$((failed + 1)) # meson itself failed

    dirs=()
    for d in tests/lab tests/faults tests/docs; do
        ls "$d"/test_*.py >/dev/null 2>&1 && dirs+=("$d")
    done
    [ ${#dirs[@]} -gt 0 ] || continue
    echo "=== end-to-end tests ($build): ${dirs[*]}"
    rm -f "$results/e2e.xml"
    CMAP_NMAP_CACHE="$nmap_cache" CMAP_BIN="$root/$build/cmap" CMAP_BUILD="$root/$build" \
        /usr/bin/python3 -m pytest -q "${parallel[@]}" \
        -p no:cacheprovider --junitxml="$results/e2e.xml" "${dirs[@]}"
    counts=$(count_pytest "$results/e2e.xml")
    passed=$((passed + ${counts% *}))
    failed=$((failed + ${counts#* }))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
