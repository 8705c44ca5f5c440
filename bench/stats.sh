#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench, placement statistics and seal analysis (issue 4): `hpfr average` and `hpfr leak`
# on a 10-placement stereo session, each as a process. Prints "name value unit" lines on
# stdout, notes on stderr. Run by bench/run.sh with HPFR and O (holding bench/timecmd and
# tests/tools/simsession); BENCH_RUNS overrides the number of timed runs (default 15).
#
# Figures:
#   average_10x2_ms                 `hpfr average SESSION` as a process, median wall time
#   leak_10x2_ms                    `hpfr leak SESSION`, the same
#   average_plus_leak_10x2_ms       the two added (target: under 100 ms)
#   average_plus_leak_10x2_cpu_ms   their median CPU times (user + system) added: less
#                                   disturbed by other work and by the disk than wall time
# The session is made by simsession from the simulated rig's closed-back preset (seed 1): per
# placement fr-L.csv, fr-R.csv (479 points) and ir-L.wav, ir-R.wav (500 ms at 48 kHz). Wall
# times include writing the outputs atomically (hpfr leak writes 22 files, each fsynced).
set -eu

: "${HPFR:?set HPFR to the hpfr binary}"
: "${O:?set O to the build directory}"
TIMECMD=$O/bench/timecmd
SIMSESSION=$O/tests/tools/simsession
RUNS=${BENCH_RUNS:-15}
note() { printf 'bench: %s\n' "$*" >&2; }
fig() { printf '%s %s %s\n' "$1" "$2" "$3"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
for t in "$HPFR" "$TIMECMD" "$SIMSESSION"; do
    [ -x "$t" ] || { note "$t is missing: run make bench"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hpfr-bench-stats.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
"$SIMSESSION" -o "$tmp/s" --placements 10 >/dev/null || { note "simsession failed"; exit 1; }
note "average and leak, 10 placements x 2 channels, $RUNS runs each"
r=$("$TIMECMD" "$RUNS" "$HPFR" average "$tmp/s") || { note "hpfr average failed"; exit 1; }
set -- $r
avg=$1 avg_rss=$3 avg_cpu=$5
r=$("$TIMECMD" "$RUNS" "$HPFR" leak "$tmp/s") || { note "hpfr leak failed"; exit 1; }
set -- $r
leak=$1 leak_rss=$3 leak_cpu=$5
[ -s "$tmp/s/leak/leak.csv" ] && [ -s "$tmp/s/average/summary.json" ] ||
    { note "no output from hpfr average or leak"; exit 1; }
fig average_10x2_ms "$(calc %.1f "$avg")" ms
fig leak_10x2_ms "$(calc %.1f "$leak")" ms
fig average_plus_leak_10x2_ms "$(calc %.1f "$avg + $leak")" ms
fig average_plus_leak_10x2_cpu_ms "$(calc %.1f "$avg_cpu + $leak_cpu")" ms
note "peak RSS: average $((avg_rss / 1024)) MiB, leak $((leak_rss / 1024)) MiB"
