#!/bin/sh
# SPDX-License-Identifier: MIT
# kill -9 of a 5-placement `hpfr measure` at 20 random moments (README: "Device faults",
# interrupted): 10 at moments drawn uniformly over the length of a whole run (measured first),
# 10 on entering a write(2) drawn uniformly from those a whole run makes (strace delivers the
# SIGKILL there), so that a file is being written when the process dies. KILL_SEED=N repeats
# a run's draws (the seed is printed). After each kill:
#  - session.json parses with python3's json and with both of hpfr's session readers, and
#    every placement it lists as done has every file an uninterrupted placement has, each
#    read back with hpfr's reader for its kind (tests/tools/sesscheck: responses, numeric
#    tables, WAVs through libsndfile, JSON), while the killed writer's temporaries are still
#    there;
#  - `hpfr measure --resume` completes all 5 placements, leaves no temporary behind, does not
#    touch the placements that were done, and every placement's response is within 0.1 dB of
#    `hpfr sim truth` up to 20 kHz (the tolerance measure_e2e.sh uses for 2^16-sample sweeps).
# A kill before session.json exists leaves no session: --resume says there is nothing to
# resume, and a fresh measure into the same directory completes.
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
set -u
. "$TESTS_LIB"
die() { echo "FAIL - $1"; echo "$pass passed, $((fail + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
SESSCHECK=$O/tests/tools/sesscheck
[ -x "$SESSCHECK" ] || die "$SESSCHECK is not built"
command -v python3 >/dev/null 2>&1 || die "python3 is needed"
command -v strace >/dev/null 2>&1 || die "strace is needed (make deps installs it)"
T=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || die "cd $T"
export HPFR_WISDOM="$T/fftw-wisdom"
unset HPFR_PLACEMENT ALSA_CONFIG_PATH

MEASURE="measure -D hpfr_sim -o s --placements 5 --samples 65536"

# The reference: one uninterrupted run, its length, and the files a placement has; then one
# under strace, counting the write(2) calls of each thread (strace counts per thread when it
# injects: a kill "at write N" comes at the first thread to reach its Nth).
start=$(date +%s.%N)
# shellcheck disable=SC2086
"$HPFR" $MEASURE </dev/null >ref.log 2>&1 || die "uninterrupted measure: $(cat ref.log)"
end=$(date +%s.%N)
full=$(echo "$start $end" | awk '{ printf "%.3f", $2 - $1 }')
FILES=$(cd s/placement-1 && ls)
[ "$(echo "$FILES" | wc -l)" -ge 10 ] || die "a placement holds only: $FILES"
rm -rf s
# LeakSanitizer cannot run under ptrace: in a sanitizer build, the runs under strace go without
# it (the others keep it).
NOLEAK="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# shellcheck disable=SC2086
ASAN_OPTIONS=$NOLEAK strace -f -qq -o writes.log -e trace=write "$HPFR" $MEASURE </dev/null >ref.log 2>&1 ||
    die "measure under strace: $(tail -n 3 ref.log)"
rm -rf s
writes=$(awk '/write\(/ { n[$1]++ } END { for (p in n) if (n[p] > m) m = n[p]; print m + 0 }' writes.log)
[ "$writes" -gt 100 ] || die "only $writes write calls in a whole measure"
for n in 1 2 3 4 5; do
    "$HPFR" sim truth --placement $n -o "truth-$n.csv" || die "sim truth $n"
done

# maxerr FR.csv TRUTH.csv COL: largest |raw - truth| in dB up to 20 kHz (COL 2 left, 3 right).
maxerr() {
    paste -d, "$1" "$2" | awk -F, -v c=$((4 + $3)) '
        NR == 1 { next }
        $1 + 0 <= 20000 { d = $2 - $c; if (d < 0) d = -d; if (d > m) m = d }
        END { printf "%.4f", m }'
}

# fingerprint N...: checksums of the named placements' files.
fingerprint() {
    for n in "$@"; do
        (cd "s/placement-$n" && md5sum $FILES)
    done
}

seed=${KILL_SEED:-$(date +%s)}
echo "# a whole run: ${full} s, at most $writes write calls in one thread; draws from KILL_SEED=$seed"
# "t SECONDS" or "w N", 10 of each, in order.
moments=$(awk -v s="$seed" -v t="$full" -v w="$writes" 'BEGIN {
    srand(s)
    for (i = 0; i < 10; i++) printf "t %.3f\n", rand() * t
    for (i = 0; i < 10; i++) printf "w %d\n", 1 + int(rand() * w) }' | sort -k1,1 -k2n)

k=0 before=0 mid_write=0 max_err=0
echo "$moments" >moments.txt
while read -r kind at; do
    k=$((k + 1))
    rm -rf s
    if [ "$kind" = t ]; then
        # A run can be quicker than the reference was: a moment past its end is moved closer.
        for try in 1 2 3 4 5; do
            rm -rf s
            # shellcheck disable=SC2086
            "$HPFR" $MEASURE </dev/null >run.log 2>&1 &
            pid=$!
            sleep "$at"
            kill -9 $pid 2>/dev/null
            wait $pid 2>/dev/null
            rc=$?
            [ $rc -eq 0 ] || break
            at=$(echo "$at" | awk '{ printf "%.3f", $1 * 0.8 }')
        done
        what="kill $k at ${at} s"
    else
        what="kill $k at write $at"
        # shellcheck disable=SC2086
        ASAN_OPTIONS=$NOLEAK strace -f -qq -o /dev/null -e trace=write -e inject=write:signal=SIGKILL:when="$at" \
            "$HPFR" $MEASURE </dev/null >run.log 2>&1
        rc=$?
    fi
    [ $rc -eq 137 ] || { bad "$what: the measure was not killed (exit $rc)" "$(cat run.log)"; continue; }

    if [ ! -e s/session.json ]; then
        before=$((before + 1))
        "$HPFR" measure -o s --resume </dev/null >res.log 2>&1
        rc=$?
        # shellcheck disable=SC2086
        if [ $rc -eq 2 ] && grep -q "nothing to resume" res.log && "$HPFR" $MEASURE </dev/null >res.log 2>&1 &&
            [ "$("$SESSCHECK" s $FILES 2>&1)" = "done: 1 2 3 4 5" ]; then
            ok "$what: before session.json existed; --resume: nothing to resume; a new measure completes"
        else
            bad "$what: before session.json existed" "$(cat res.log)"
        fi
        continue
    fi

    temps=$(find s -name '.*.tmp-*' | wc -l)
    partial=""
    py=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(sum(p["status"] == "done" for p in d["placements"]))' s/session.json 2>&1) ||
        { bad "$what: python3 cannot parse session.json" "$py"; continue; }
    # shellcheck disable=SC2086
    got=$("$SESSCHECK" s $FILES 2>&1) || { bad "$what: the session is not readable" "$got"; continue; }
    done_list=${got#done:}
    ndone=$(echo $done_list | wc -w)
    [ "$ndone" = "$py" ] || { bad "$what: python3 counts $py done placements, hpfr $ndone"; continue; }
    next=$((ndone + 1))
    [ -d "s/placement-$next" ] && partial=", placement-$next begun ($(ls -A "s/placement-$next" | wc -l) files)"
    [ "$temps" -gt 0 ] && mid_write=$((mid_write + 1))
    # shellcheck disable=SC2086
    sums=$(fingerprint $done_list)

    "$HPFR" measure -o s --resume </dev/null >res.log 2>&1 || { bad "$what: --resume failed" "$(cat res.log)"; continue; }
    # shellcheck disable=SC2086
    after=$("$SESSCHECK" s $FILES 2>&1)
    left=$(find s -name '.*.tmp-*')
    # shellcheck disable=SC2086
    [ "$after" = "done: 1 2 3 4 5" ] && [ -z "$left" ] && [ "$(fingerprint $done_list)" = "$sums" ] ||
        { bad "$what: after --resume: $after; temporaries: $left" "$(cat res.log)"; continue; }
    worst=0
    for n in 1 2 3 4 5; do
        for c in 2 3; do
            ear=L
            [ $c = 3 ] && ear=R
            e=$(maxerr "s/placement-$n/fr-$ear.csv" "truth-$n.csv" $c)
            worst=$(echo "$worst $e" | awk '{ print ($2 > $1) ? $2 : $1 }')
        done
    done
    max_err=$(echo "$max_err $worst" | awk '{ print ($2 > $1) ? $2 : $1 }')
    if awk -v e="$worst" 'BEGIN { exit !(e <= 0.1) }'; then
        ok "$what: $ndone done and readable, $temps temporaries$partial; --resume completed 5, all within $worst dB of the truth"
    else
        bad "$what: after --resume a placement is $worst dB off the truth"
    fi
done <moments.txt
echo "# $k kills: $before before session.json existed, $mid_write with a temporary file left; largest error after --resume $max_err dB"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
