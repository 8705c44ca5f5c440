#!/bin/sh
# SPDX-License-Identifier: MIT
# `make demo` itself: scripts/demo.sh run into a scratch directory (DEMO_OUT) with the hpfr
# under test, then every artifact it promises is checked: both sessions with 5 placements,
# statistics, leak analysis and comparison, every EQ export format, the verify of the EQ (and
# its verdict), every plot kind as PNG (1600x900) and SVG, the report, the truth files. The
# run is timed: the issue asks for under 2 minutes here; the time is printed, and only a run
# over 120 s fails (no tighter timing test: the machine is shared).
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"  # resolved before any cd
DEMO="$(cd "$(dirname "$0")/../../scripts" && pwd)/demo.sh"
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
[ -r "$O/hpfr-alsa.conf" ] || die "the simulated rig is not built (make O=$O)"
[ -r "$DEMO" ] || die "$DEMO is missing"
command -v gnuplot >/dev/null 2>&1 || die "gnuplot is not installed (make deps)"
T=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || die "cd $T"
HPFR_WISDOM=$T/fftw-wisdom
export HPFR_WISDOM
unset HPFR_PLACEMENT ALSA_CONFIG_PATH
. "$TESTS_LIB"

OUT=$T/out
t0=$(date +%s.%N)
HPFR=$HPFR DEMO_OUT=$OUT sh "$DEMO" >demo.log 2>&1
rc=$?
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
if [ $rc -eq 0 ]; then
    ok "scripts/demo.sh ran into DEMO_OUT in $secs s"
else
    die "scripts/demo.sh failed (exit $rc): $(tail -n 20 demo.log)"
fi
if awk -v s="$secs" 'BEGIN { exit !(s <= 120) }'; then
    ok "under 2 minutes ($secs s)"
else
    bad "the demo took $secs s, more than the 2 minutes the issue allows"
fi
[ ! -e demo-out ] && ok "nothing written outside DEMO_OUT" || bad "demo-out/ made in the working directory"

# have LABEL FILE...: every file exists and is not empty.
have() {
    what=$1
    shift
    missing=""
    for f in "$@"; do [ -s "$OUT/$f" ] || missing="$missing $f"; done
    [ -z "$missing" ] && ok "$what ($# files)" || bad "$what: missing or empty:$missing"
}

for kind in closed-back open-back; do
    files="$kind/session.json $kind/sweep.wav"
    for n in 1 2 3 4 5; do
        for f in capture.wav fr-L.csv fr-R.csv ir-L.wav ir-R.wav thd-L.csv thd-R.csv summary.json; do
            files="$files $kind/placement-$n/$f"
        done
    done
    # shellcheck disable=SC2086
    have "$kind session: 5 placements, each captured and analysed" $files
    [ "$(grep -c '"status": "done"' "$OUT/$kind/session.json")" = 5 ] &&
        ok "$kind: session.json lists 5 placements done" || bad "$kind: session.json" "$(cat "$OUT/$kind/session.json")"
    have "$kind placement statistics" $kind/average/summary.json $kind/average/average-L.csv \
        $kind/average/average-R.csv $kind/average/balance.csv
    files="$kind/leak/leak.csv $kind/leak/summary.json"
    for n in 1 2 3 4 5; do files="$files $kind/leak/leak-L-$n.csv $kind/leak/leak-R-$n.csv"; done
    # shellcheck disable=SC2086
    have "$kind leak analysis" $files
    have "$kind truth files" $(for n in 1 2 3 4 5; do echo "truth/$kind-$n.csv"; done)
done
have "comparison" compare/summary.json compare/compare.csv compare/compare.txt compare/fr-L.csv \
    compare/fr-R.csv compare/leak-L.csv compare/leak-R.csv compare/balance.csv

E=closed-back/eq
files="$E/ParametricEQ.txt $E/GraphicEQ.txt $E/eq-L.csv $E/eq-R.csv $E/pipewire-filter-chain.conf
    $E/easyeffects.json $E/camilladsp.yml $E/sox-effects.txt $E/rew-L.txt $E/rew-R.txt $E/summary.json"
for phase in minimum linear; do
    for rate in 44100 48000 88200 96000 192000; do
        files="$files $E/fir-$phase-$rate-L.wav $E/fir-$phase-$rate-R.wav"
    done
done
# shellcheck disable=SC2086
have "EQ in every export format (per channel), FIRs for every rate and phase" $files

V=$E/verify
files="$V/session.json $V/sweep.wav $V/residual-L.csv $V/residual-R.csv $V/summary.json"
for n in 1 2 3 4 5; do files="$files $V/placement-$n/fr-L.csv $V/placement-$n/fr-R.csv"; done
# shellcheck disable=SC2086
have "verify of the EQ: 5 placements, residual per channel, summary" $files
grep -q '"verdict": "as predicted"' "$OUT/$V/summary.json" && grep -q '^verdict: as predicted' demo.log &&
    ok "verify's verdict: as predicted" || bad "verify's verdict" "$(grep verdict "$OUT/$V/summary.json" demo.log)"

for kind in fr placements leak ir thd eq balance compare; do
    png=$OUT/plots/$kind.png svg=$OUT/plots/$kind.svg
    # PNG signature, then the IHDR width and height (big-endian, bytes 16-23).
    sig=$(od -An -tx1 -N8 "$png" 2>/dev/null | tr -d ' \n')
    size=$(od -An -tu1 -j16 -N8 "$png" 2>/dev/null |
        awk '{ printf "%dx%d", (($1 * 256 + $2) * 256 + $3) * 256 + $4, (($5 * 256 + $6) * 256 + $7) * 256 + $8 }')
    if [ "$sig" = 89504e470d0a1a0a ] && [ "$size" = 1600x900 ] && grep -q '<svg' "$svg" 2>/dev/null &&
        grep -q '</svg>' "$svg"; then
        ok "plot $kind: PNG $size and SVG"
    else
        bad "plot $kind: PNG '$sig' $size, SVG $(head -c 80 "$svg" 2>/dev/null)"
    fi
done

R=$OUT/report.html
if [ -s "$R" ] && grep -q '</html>' "$R" && grep -q '<tr id="s-verified">' "$R" &&
    [ "$(grep -o 'src="data:image/svg+xml' "$R" | wc -l)" -ge 8 ]; then
    ok "report.html: complete, with the plots inline and the EQ verified row"
else
    bad "report.html" "$(ls -l "$R" 2>&1)"
fi
grep -q "^Open:" demo.log && grep -q "report.html" demo.log && ok "ends by saying what to open" ||
    bad "no closing 'Open:' list" "$(tail -n 5 demo.log)"

echo "# demo time: $secs s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
