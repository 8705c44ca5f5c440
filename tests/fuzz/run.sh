#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs each libFuzzer harness given for FUZZ_SECONDS (default 60), or for FUZZ_RUNS executions
# when that is set (then without a time limit), on a scratch copy of its
# seed corpus tests/fuzz/corpus/NAME/ (new corpus entries never land in the repository), with
# its dictionary tests/fuzz/NAME.dict when there is one. Any crash, leak, timeout or
# out-of-memory fails the run; the inputs that did it are kept in $O/fuzz/findings/NAME/, and
# the end of libFuzzer's output in $O/fuzz/logs/NAME.log.
secs=${FUZZ_SECONDS:-60}
limit=-max_total_time=$secs
[ -n "${FUZZ_RUNS:-}" ] && limit=-runs=$FUZZ_RUNS
out=${O:-build}/fuzz/findings
logs=${O:-build}/fuzz/logs
mkdir -p "$logs"
here=$(dirname "$0")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/hpfr-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
# Leaks inside third-party libraries that hpfr cannot fix (see the file).
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(cd "$here" && pwd)/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS
failed=0
for bin in "$@"; do
    name=$(basename "$bin")
    name=${name#fuzz_}
    work=$scratch/$name
    mkdir -p "$work/corpus" "$work/found"
    cp "$here/corpus/$name/"* "$work/corpus/" 2>/dev/null
    dict=
    [ -f "$here/$name.dict" ] && dict=-dict=$here/$name.dict
    # -timeout: seconds per input; -rss_limit_mb also caps single allocations.
    start=$(date +%s)
    "$bin" "$limit" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/found/" $dict "$work/corpus" >"$work/log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    # the end holds the verdict and the statistics (libmpg123 inside libsndfile can fill the
    # rest with hundreds of MB of decoder messages)
    tail -n 3000 "$work/log" >"$logs/$name.log"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    if [ "$rc" -ne 0 ] || [ -n "$(ls "$work/found")" ]; then
        failed=1
        mkdir -p "$out/$name"
        cp "$work/found/"* "$out/$name/" 2>/dev/null
        echo "FAIL fuzz_$name (exit $rc); inputs kept in $out/$name/"
        grep -E 'ERROR|SUMMARY|broken promise|runtime error' "$work/log" | head -n 20 | sed 's/^/    /'
    else
        echo "ok   fuzz_$name: ${runs:-?} runs in $took s"
    fi
done
[ "$failed" -eq 0 ]
