#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run every test against one build directory: cmocka unit tests through
# meson, then the network-namespace lab tests through pytest. Ends with one
# summary line, "N passed, N failed", that CI reads.
set -uo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

passed=0
failed=0

meson test -C "$build" --suite unit --print-errorlogs --num-processes 2 | tee "$results/unit.txt"
unit_ok=$(awk '/^Ok:/ {print $2}' "$results/unit.txt")
unit_fail=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {s += $NF} END {print s + 0}' "$results/unit.txt")
passed=$((passed + ${unit_ok:-0}))
failed=$((failed + ${unit_fail:-0}))
[ -n "$unit_ok" ] || failed=$((failed + 1)) # meson itself failed

if [ -d tests/lab ] && ls tests/lab/test_*.py >/dev/null 2>&1; then
    CMAP_BIN="$root/$build/cmap" /usr/bin/python3 -m pytest -q -p no:cacheprovider \
        --junitxml="$results/lab.xml" tests/lab
    counts=$(/usr/bin/python3 - "$results/lab.xml" <<'PY'
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
)
    passed=$((passed + ${counts% *}))
    failed=$((failed + ${counts#* }))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
