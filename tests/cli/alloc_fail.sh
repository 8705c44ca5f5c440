#!/bin/sh
# SPDX-License-Identifier: MIT
# Allocation failure in hpfr analyze, average, leak and eq: each allocation made by hpfr's
# own code is made to fail in turn, and every run must end cleanly.
#
# The binary under test is $O/tests/hpfr-failalloc: hpfr linked with tests/failalloc.c, which
# wraps malloc, calloc, realloc, strdup, strndup and posix_memalign for hpfr's own objects
# (not for libsndfile, FFTW, GSL or libc inside), and with LeakSanitizer (AddressSanitizer
# under SAN=1). For each case a first run without failures counts the calls and lists their
# call sites; then, for every call site, its first and its last call fail (one run each), and
# in addition every STRIDE-th call in order of the whole run (HPFR_ALLOC_STRIDE, default: about
# 20 runs per case; HPFR_ALLOC_STRIDE=1 fails every call, which takes a few minutes). Every
# site is thus failed at least once; the script checks that the failure really happened.
#
# A run whose allocation fails must either
#   - exit with status 2, print exactly one line "hpfr CMD: ..." naming the failure (out of
#     memory / Cannot allocate memory) on stderr, and leave the scratch directory exactly as
#     it was: no output, no temporary file (LeakSanitizer would print a report and exit 23
#     on a leak, so a leak fails this too); or
#   - exit 0 with nothing on stderr and the same output as without the failure: every file of
#     the reference run, and the ones that come out the same in two reference runs (a second
#     apart) byte for byte; WAVs sample for sample, as libsndfile stamps the time into their
#     header. A few allocations only speed things up (a cache read, a file made in advance).
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
FA=$O/tests/hpfr-failalloc
SIMREC=$O/tests/tools/simrec
SIMSESSION=$O/tests/tools/simsession
for x in "$FA" "$SIMREC" "$SIMSESSION"; do
    [ -x "$x" ] || die "$x is missing (make O=$O $x)"
done
. "$TESTS_LIB"
command -v sox >/dev/null 2>&1 || die "sox is not installed"

T=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
W=$T/w  # where the commands run
C=$T/c  # logs and reference outputs, outside W
mkdir "$W" "$C"
HPFR_WISDOM=$T/fftw-wisdom
export HPFR_WISDOM
# A leak report must fail the exit-status check, whichever sanitizer found it.
LSAN_OPTIONS=exitcode=23
ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS ASAN_OPTIONS
unset HPFR_FAIL_ALLOC HPFR_FAIL_ALLOC_SITE HPFR_FAIL_ALLOC_LOG

# ---- fixtures ----
(
    cd "$W" &&
        "$HPFR" sweep -o sweep.wav --samples 16384 --channels 2 >/dev/null &&
        "$SIMREC" sweep.wav rec2.wav --noise -90 --mics 2 &&
        "$SIMSESSION" -o sess --placements 3 &&
        cp sess/placement-1/fr-L.csv fr.csv &&
        printf '20 1.0\n1000 0.0\n20000 -1.0\n' >mic1.txt &&
        printf '20 -0.5\n1000 0.0\n20000 0.5\n' >mic2.txt &&
        printf 'frequency,raw\n20,0\n1000,1\n20000,3\n' >comp.csv
) >"$C/fixtures.log" 2>&1 || die "could not make the fixtures: $(cat "$C/fixtures.log")"

# Everything under W: paths, types, modes, and the size and mtime (in ns) of files, which
# any write changes.
snapshot() {
    (cd "$W" && find . \( -type f -printf '%p f %m %s %T@\n' \) -o \( ! -type f -printf '%p %y %m\n' \)) |
        LC_ALL=C sort
}

# The source line of a call site offset, for messages.
where() {
    if command -v addr2line >/dev/null 2>&1; then
        addr2line -e "$FA" -f -s -i "$1" 2>/dev/null | paste -sd ' ' -
    else
        echo "$1"
    fi
}

# Whether two files hold the same: WAVs their samples (sox), others every byte.
same() {
    case "$1" in
        *.wav) sox "$1" -t raw "$C/a.raw" 2>/dev/null && sox "$2" -t raw "$C/b.raw" 2>/dev/null &&
            cmp -s "$C/a.raw" "$C/b.raw" ;;
        *) cmp -s "$1" "$2" ;;
    esac
}

# Files that came out the same in both reference runs (compared with the failing runs').
stable_files() {
    (cd "$C/ref1" && find . -type f | LC_ALL=C sort) | while read -r f; do
        if same "$C/ref1/$f" "$C/ref2/$f"; then echo "$f"; fi
    done
}

# One run with the failure given by the environment ($1: NAME=VALUE); sets outcome to
# "error", "tolerated", "none" (nothing was failed) or a reason for failure.
run_one() {
    before=$(snapshot)
    (cd "$W" && env "$1" HPFR_FAIL_ALLOC_LOG="$C/run.log" "$FA" $args) </dev/null >"$C/out" 2>"$C/err"
    rc=$?
    failed=$(sed -n 's/^failed //p' "$C/run.log" 2>/dev/null)
    lines=$(wc -l <"$C/err" | tr -d ' ')
    outcome=""
    if [ -z "$failed" ] && [ "$rc" -eq 0 ]; then
        outcome=none
    elif [ "$rc" -eq 2 ]; then
        if [ "$lines" -ne 1 ]; then
            outcome="exit 2 but $lines lines on stderr"
        elif ! grep -Eq "^hpfr $cmd: .*(out of memory|Cannot allocate memory)" "$C/err"; then
            outcome="the message does not say what failed"
        elif [ "$(snapshot)" != "$before" ]; then
            outcome="files were created or changed"
        else
            outcome=error
        fi
    elif [ "$rc" -eq 0 ]; then
        if [ -s "$C/err" ]; then
            outcome="exit 0 with a message"
        elif [ "$(cd "$W/out" 2>/dev/null && find . -type f | LC_ALL=C sort)" != "$reffiles" ]; then
            outcome="exit 0 with other files than the reference run's"
        else
            outcome=tolerated
            while read -r f; do
                if ! same "$C/ref1/$f" "$W/out/$f"; then
                    outcome="exit 0 but $f differs from the reference run's"
                    break
                fi
            done <"$C/stable"
        fi
        rm -rf "$W/out"
        if [ "$outcome" = tolerated ] && [ "$(snapshot)" != "$before" ]; then
            outcome="exit 0 and files besides the output changed"
        fi
    else
        outcome="exit status $rc"
    fi
    case "$outcome" in
        error | tolerated | none) ;;
        *)
            bad "$id, $1: $outcome" "failed call: $(where "${failed:-0}")
\$ hpfr $args
$(sed 's/^/  | /' "$C/err" | head -n 20)"
            # Start the next run from the fixtures as they were.
            rm -rf "$W/out" "$W"/.*.tmp-* 2>/dev/null
            ;;
    esac
}

total_sites=0
run_case() {
    id=$1
    cmd=$2
    shift 2
    args="$cmd $*"
    # Two reference runs: the count, the sites, and which outputs are reproducible.
    for r in 1 2; do
        [ "$r" = 2 ] && sleep 1
        (cd "$W" && HPFR_FAIL_ALLOC_LOG="$C/ref.log" "$FA" $args) </dev/null >/dev/null 2>"$C/err" ||
            { bad "$id: the run without failures failed" "$(cat "$C/err")"; return; }
        rm -rf "$C/ref$r" && mv "$W/out" "$C/ref$r" || { bad "$id: no output"; return; }
    done
    reffiles=$(cd "$C/ref1" && find . -type f | LC_ALL=C sort)
    stable_files >"$C/stable"
    calls=$(sed -n 's/^calls //p' "$C/ref.log")
    grep '^site ' "$C/ref.log" | cut -d' ' -f2,3 >"$C/sites"
    nsites=$(wc -l <"$C/sites" | tr -d ' ')
    stride=${HPFR_ALLOC_STRIDE:-$(((calls + 19) / 20))}
    fail0=$fail
    nerr=0 ntol=0 nruns=0
    : >"$C/hit"
    while read -r site count; do
        for k in 1 $([ "$count" -gt 1 ] && echo "$count"); do
            run_one "HPFR_FAIL_ALLOC_SITE=$site:$k"
            nruns=$((nruns + 1))
            case "$outcome" in
                error) nerr=$((nerr + 1)) ;;
                tolerated) ntol=$((ntol + 1)) ;;
                none) bad "$id: call $k of site $(where "$site") did not happen" ;;
            esac
            [ -n "$failed" ] && echo "$failed" >>"$C/hit"
        done
    done <"$C/sites"
    n=1
    while [ "$n" -le "$calls" ]; do
        run_one "HPFR_FAIL_ALLOC=$n"
        nruns=$((nruns + 1))
        case "$outcome" in
            error) nerr=$((nerr + 1)) ;;
            tolerated) ntol=$((ntol + 1)) ;;
        esac
        [ -n "$failed" ] && echo "$failed" >>"$C/hit"
        n=$((n + stride))
    done
    hit=$(sort -u "$C/hit" | wc -l | tr -d ' ')
    missed=$(cut -d' ' -f1 "$C/sites" | sort -u | comm -23 - "$(sort -u "$C/hit" >"$C/hit.s"; echo "$C/hit.s")")
    if [ -n "$missed" ]; then
        bad "$id: call sites never failed" "$(for s in $missed; do where "$s"; done)"
    fi
    total_sites=$((total_sites + nsites))
    if [ "$fail" -eq "$fail0" ]; then
        every="every call"
        [ "$stride" -gt 1 ] && every="one call in $stride"
        ok "$id: $calls allocations from $nsites call sites, $hit sites failed at least once; $nruns runs (every site's first and last call, and $every): $nerr clean errors, $ntol tolerated with the same output"
    fi
}

run_case analyze analyze --sweep sweep.wav --rec rec2.wav -o out
run_case analyze-cal analyze --sweep sweep.wav --rec rec2.wav -o out --mic-cal mic1.txt,mic2.txt --compensation comp.csv
run_case average average sess -o out
run_case leak leak sess -o out
run_case eq-file eq fr.csv -o out --fir-taps 64
run_case eq-session eq sess -o out --per-channel --fir-taps 64

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
