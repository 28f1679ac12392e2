#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build the libFuzzer harnesses (build-fuzz) and run them.
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]   fuzz each harness for SECONDS (20)
#   scripts/fuzz.sh --regress [HARNESS...]   run every file of
#                                            tests/fuzz/regressions/<h>/ and the
#                                            seed corpus once, then stop
#
# Harness names are the file names without "fuzz_" (targetspec, options, ...).
# New crashes go to tests/fuzz/crashes/<harness>/; the exit status is non-zero
# when any harness crashed. FUZZ_JOBS harnesses run at once (default 1), and
# the inputs a run discovers are kept in build-fuzz/corpus/<harness>/ so the
# next run starts from them without filling the source tree. A fuzzing run
# ends with a table, one row per harness: CPU seconds spent (user + system),
# executions, coverage, the corpus kept (files, bytes) and what was found.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-1}
# Every tests/fuzz/fuzz_<name>.c is a harness.
all=()
for src in tests/fuzz/fuzz_*.c; do
    name=${src##*/fuzz_}
    all+=("${name%.c}")
done

mode=fuzz
seconds=20
if [ "${1:-}" = "--regress" ]; then
    mode=regress
    shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${all[@]}")

build_harnesses() {
    local log
    log=$(mktemp)
    if [ ! -f "$build/build.ninja" ] &&
        ! CC=clang meson setup "$build" -Dfuzz=true -Dtests=false -Db_lundef=false >"$log" 2>&1; then
        tail -20 "$log"
        rm -f "$log"
        return 1
    fi
    if ! ninja -C "$build" >"$log" 2>&1; then
        grep -E 'error|FAILED' "$log" | head -20
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}

# Runs one harness for $seconds; prints its row of the table (see
# print_table) and keeps it in $rows/<harness> for the summary.
fuzz_one() {
    local h=$1 bin="$build/tests/fuzz/fuzz_$1"
    local crashes="tests/fuzz/crashes/$h" work="$build/corpus/$h" log="$build/fuzz-$h.log"
    mkdir -p "$crashes" "$work"
    local before
    before=$(find "$crashes" -type f | wc -l)
    local TIMEFORMAT='%U %S'
    local cpu
    cpu=$( { time "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$crashes/" "$work" "tests/fuzz/corpus/$h" \
        >"$log" 2>&1; } 2>&1 | awk '{printf "%.1f", $1 + $2}')
    local execs cov after files bytes status=ok
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
    after=$(find "$crashes" -type f | wc -l)
    # The corpus as it stands now: what this and earlier runs kept.
    files=$(find "$work" -type f | wc -l)
    bytes=$(find "$work" -type f -printf '%s\n' | awk '{n += $1} END {print n + 0}')
    if [ "$after" -gt "$before" ]; then
        status="$((after - before)) new crash(es)"
    elif ! grep -q 'Done [0-9]* runs' "$log"; then
        status="did not finish"
    fi
    printf '%-14s %8s %12s %6s %7s %10s  %s\n' "$h" "$cpu" "${execs:-?}" "${cov:-?}" "$files" \
        "$bytes" "$status" | tee "$rows/$h"
    if [ "$status" != ok ]; then
        grep -E 'ERROR|invariant failed|runtime error|SUMMARY' "$log" | head -5
        echo "  log: $log"
        return 1
    fi
}

table_header() {
    printf '%-14s %8s %12s %6s %7s %10s  %s\n' harness cpu-s execs cov files bytes result
}

# The rows of every harness, in name order, with totals: what the lead
# quotes as "CPU time fuzzed per harness and what was found".
print_table() {
    echo "fuzz.sh: ${seconds} s per harness, $jobs at a time; files/bytes = corpus kept in $build/corpus/"
    table_header
    sort "$rows"/* 2>/dev/null
    awk '{cpu += $2; ex += $3} END {printf "%-14s %8.1f %12d\n", "total", cpu, ex}' "$rows"/*
}

# Runs the regression inputs and the seed corpus of one harness once.
regress_one() {
    local h=$1 bin="$build/tests/fuzz/fuzz_$1" log="$build/regress-$1.log"
    local inputs=()
    for dir in "tests/fuzz/regressions/$h" "tests/fuzz/corpus/$h"; do
        [ -d "$dir" ] && while IFS= read -r -d '' f; do inputs+=("$f"); done \
            < <(find "$dir" -type f -print0)
    done
    if [ ${#inputs[@]} -eq 0 ]; then
        printf '%-14s no inputs\n' "$h"
        return 0
    fi
    if "$bin" -timeout=10 "${inputs[@]}" >"$log" 2>&1; then
        printf '%-14s %d inputs ok\n' "$h" ${#inputs[@]}
        return 0
    fi
    printf '%-14s FAILED\n' "$h"
    grep -E 'Running:|ERROR|invariant failed|runtime error|SUMMARY' "$log" | tail -6
    echo "  log: $log"
    return 1
}

main() {
    for h in "${harnesses[@]}"; do
        if [[ ! " ${all[*]} " =~ " $h " ]]; then
            echo "fuzz.sh: unknown harness '$h' (known: ${all[*]})" >&2
            return 2
        fi
    done
    build_harnesses || { echo "fuzz.sh: build failed" >&2; return 2; }
    local run=fuzz_one failed=0 status_dir
    [ "$mode" = regress ] && run=regress_one
    status_dir=$(mktemp -d)
    rows=$(mktemp -d)
    trap 'rm -rf "$status_dir" "$rows"' RETURN
    [ "$mode" = fuzz ] && table_header
    for h in "${harnesses[@]}"; do
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
        ( $run "$h" || touch "$status_dir/$h" ) &
    done
    wait
    failed=$(find "$status_dir" -type f | wc -l)
    if [ "$mode" = fuzz ]; then
        echo
        print_table
    fi
    echo "fuzz.sh: $mode: ${#harnesses[@]} harnesses, $failed failed"
    [ "$failed" -eq 0 ]
}

main
