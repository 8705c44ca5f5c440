#!/bin/sh
# SPDX-License-Identifier: MIT
# The live forms of hpfr calib (-D PCM) on the simulated rig, against its truth:
#  - loopback: the rig's loopback input (LOOPBACK=1, capture channel 3) is an ideal cable
#    carrying L+R, so the interface curve must be flat within 0.01 dB over 20 Hz-20 kHz and
#    its level 20 log10(2) dB; the offline form on the saved sweep and capture must write the
#    very same file;
#  - spl: aplay plays a sox tone of known level into the real-time rig shared through a state
#    file while hpfr captures; the level must be the tone's plus the model's gain at 1 kHz
#    (hpfr sim truth, interpolated) within 0.05 dB, the offset 94 minus that;
#  - output: hpfr's own test tone, captured the same way, and measured in duplex;
#  - failures: nothing playing ("too quiet", naming the input), an uncabled input.
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
[ -r "$O/hpfr-alsa.conf" ] || die "the rig is not built (make O=$O $O/hpfr-alsa.conf)"
for c in aplay sox timeout; do
    command -v $c >/dev/null 2>&1 || die "$c is not installed"
done
T=$(mktemp -d) || die "mktemp -d failed"
bg=""
trap '[ -n "$bg" ] && kill $bg 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || die "cd $T"
export HPFR_WISDOM="$T/wisdom"
unset HPFR_PLACEMENT
. "$TESTS_LIB"

# hpfr finds the rig's config by itself; aplay is told where it is. A SAN=1 build's plugin
# needs the ASan runtime preloaded into the uninstrumented aplay.
ASAN_LIB=$(ldd "$O/libasound_module_pcm_hpfr_sim.so" 2>/dev/null | awk '/libasan/ { print $3 }')
aplay_bg() {
    if [ -n "$ASAN_LIB" ]; then
        ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$O/hpfr-alsa.conf LD_PRELOAD=$ASAN_LIB \
            ASAN_OPTIONS=detect_leaks=0 timeout 20 aplay -q "$@" 2>/dev/null &
    else
        ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$O/hpfr-alsa.conf timeout 20 aplay -q "$@" 2>/dev/null &
    fi
    bg=$!
}
stop_bg() { [ -n "$bg" ] && { kill "$bg" 2>/dev/null; wait "$bg" 2>/dev/null; bg=""; }; }

run() {
    desc=$1
    shift
    timeout 60 "$@" >out.log 2>err.log
    rc=$?
    if [ "$rc" -eq 0 ]; then ok "$desc"; return 0; fi
    bad "$desc (exit status $rc)" "\$ $*
$(cat out.log err.log)"
    return 1
}
check() {
    desc=$1
    shift
    if msg=$("$@" 2>&1); then ok "$desc${msg:+ ($msg)}"; else bad "$desc" "$msg"; fi
}
# refused PATTERN CMD...: exit status 2, one stderr line matching PATTERN, nothing on stdout.
refused() {
    desc=$1
    pat=$2
    shift 2
    timeout 60 "$@" >out.log 2>err.log
    rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <err.log)" -eq 1 ] && grep -Eq "$pat" err.log &&
        [ ! -s out.log ]; then
        ok "$desc: $(cat err.log)"
    else
        bad "$desc (exit $rc)" "$(cat out.log err.log)"
    fi
}

# The model's gain at 1 kHz for ear column COL (2 left, 3 right) of hpfr sim truth,
# interpolated linearly in log frequency between the grid points around it.
"$HPFR" sim truth >truth.csv 2>/dev/null || die "hpfr sim truth failed"
gain_1k() {
    awk -F, -v c="$1" 'NR > 1 { if ($1 <= 1000) { f0 = $1; g0 = $c } else if (!f1) { f1 = $1; g1 = $c } }
        END { printf "%.6f", g0 + (g1 - g0) * log(1000 / f0) / log(f1 / f0) }' truth.csv
}
GL=$(gain_1k 2)
GR=$(gain_1k 3)
echo "# model gain at 1 kHz: left $GL dB, right $GR dB"

# ---- loopback ----
run "calib loopback -D hpfr_sim:LOOPBACK=1 --inputs 3 --save cap" \
    "$HPFR" calib loopback -D 'hpfr_sim:LOOPBACK=1' --inputs 3 --save cap -o rig.cal
# The channel-3 section at 48 kHz: every row within 0.01 dB of 0, as many rows as the FR grid,
# from 20 Hz to 20 kHz, and the level 20 log10(2) dB (the sweep plays on both outputs).
flat() {
    awk -v rate="$1" -v rows="$(($(wc -l <truth.csv) - 1))" '
        /^channel / { in_s = ($2 == 3 && $4 == rate); if (in_s) g = $6; next }
        in_s && /^[0-9]/ { n++; if (n == 1) lo = $1; hi = $1; d = $2 < 0 ? -$2 : $2; if (d > m) m = d }
        END {
            dg = g - 20 * log(2) / log(10); if (dg < 0) dg = -dg
            printf "max %.5f dB over %d rows %g-%g Hz, level %s dB", m, n, lo, hi, g
            exit !(n == rows && lo == 20 && hi == 20000 && m <= 0.01 && dg <= 0.01)
        }' rig.cal
}
check "input 3 at 48 kHz is flat within 0.01 dB, 20 Hz-20 kHz, at +6.02 dB" flat 48000
run "the offline form on the saved sweep and capture" \
    "$HPFR" calib loopback --sweep cap/sweep.wav --rec cap/loopback.wav --inputs 3 -o offline.cal
check "the offline form writes the same file" cmp rig.cal offline.cal
run "calib loopback --rate 96000 into the same file" \
    "$HPFR" calib loopback -D 'hpfr_sim:LOOPBACK=1' --inputs 3 --rate 96000 -o rig.cal
check "the 96 kHz section is flat within 0.01 dB at +6.02 dB" flat 96000
check "the 48 kHz section is kept beside it" flat 48000
cp rig.cal before.cal
refused "an input without a cable is refused, naming it" \
    '^hpfr calib: hpfr_sim:LOOPBACK=1,FAULTS=dead@3: input 3 carries no loopback' \
    "$HPFR" calib loopback -D 'hpfr_sim:LOOPBACK=1,FAULTS=dead@3' --inputs 3 -o rig.cal
check "rig.cal is left as it was" cmp before.cal rig.cal

# ---- spl: aplay plays a tone into the real-time rig while hpfr captures ----
# 6 s of 1 kHz at -20 dBFS peak on the left driver only (no crosstalk into the left mic);
# hpfr starts 1.5 s in and captures 0.25 + 2 s, well inside the tone.
sox -n -r 48000 -c 2 -b 32 -e float tone.wav synth 6 sine 1000 gain -20 remix 1 0 2>/dev/null ||
    die "sox failed"
DEV="hpfr_sim_rt:STATE=$T/rig1.state"
aplay_bg -D "$DEV" tone.wav
sleep 1.5
run "calib spl -D hpfr_sim_rt:STATE=... --ref 94 while aplay plays" \
    "$HPFR" calib spl -D "$DEV" --ref 94 --length 2 -o spl.cal
stop_bg
spl_vs_truth() {
    awk -v g="$1" -v ref="$2" '$1 == "channel" && $2 == 1 {
        want = -20 + g; dl = $8 - want; do_ = $4 - (ref - want)
        if (dl < 0) dl = -dl; if (do_ < 0) do_ = -do_
        printf "level %s dBFS, truth %.4f; offset %s dB, truth %.4f", $8, want, $4, ref - want
        found = 1; exit !(dl <= 0.05 && do_ <= 0.05) }
        END { if (!found) { print "no channel 1 line"; exit 1 } }' spl.cal
}
check "level = tone + model gain at 1 kHz, offset = 94 - level, within 0.05 dB" spl_vs_truth "$GL" 94
refused "the virtual rig with nothing playing is too quiet, naming the input" \
    '^hpfr calib: hpfr_sim, input 1: too quiet: no tone stands out' \
    "$HPFR" calib spl -D hpfr_sim --ref 94 -o quiet.cal
check "and writes nothing" sh -c '[ ! -e quiet.cal ]'

# ---- output: hpfr's own test tone ----
DEV="hpfr_sim_rt:STATE=$T/rig2.state"
"$HPFR" calib output -D "$DEV" --length 6 >play.log 2>&1 &
bg=$!
sleep 1.5
rm -f spl.cal
run "calib spl captures hpfr calib output's tone (output 1, -20 dBFS)" \
    "$HPFR" calib spl -D "$DEV" --ref 94 --length 2 -o spl.cal
stop_bg
check "the tone arrives at -20 dBFS + the model's left gain within 0.05 dB" spl_vs_truth "$GL" 94
check "calib output said what it plays" grep -q "^playing 1000 Hz at -20 dBFS on output 1 of hpfr_sim_rt" play.log
printf 'hpfr-spl 1\nchannel 2 offset_db 100 ref_db 94\n' >hand.cal
run "calib output -D hpfr_sim --vrms 0.5 --impedance 32 --spl-cal --channel 2 (tone on output 2)" \
    "$HPFR" calib output -D hpfr_sim --vrms 0.5 --impedance 32 --spl-cal hand.cal --channel 2 -o sens.txt
sens_vs_truth() {
    awk -v g="$GR" '$1 == "db_spl_per_v" { v = $2 } $1 == "db_spl_per_mw" { w = $2 }
        END { spl = 100 - 20 + g; tv = spl - 20 * log(0.5) / log(10); tw = spl - 10 * log(0.25 / 32 / 0.001) / log(10)
              dv = v - tv; dw = w - tw; if (dv < 0) dv = -dv; if (dw < 0) dw = -dw
              printf "%s dB SPL/V (truth %.3f), %s dB SPL/mW (truth %.3f)", v, tv, w, tw
              exit !(dv <= 0.05 && dw <= 0.05) }' sens.txt
}
check "sensitivity from the model's right gain at 1 kHz within 0.05 dB" sens_vs_truth

# ---- valgrind: a live run frees everything ALSA loaded ----
if ldd "$HPFR" | grep -q libasan; then
    ok "# valgrind skipped under AddressSanitizer"
elif command -v valgrind >/dev/null 2>&1; then
    valgrind --error-exitcode=9 --leak-check=full --show-leak-kinds=all \
        --errors-for-leak-kinds=definite "$HPFR" calib loopback -D 'hpfr_sim:LOOPBACK=1' \
        --inputs 3 --length 1 -o vg.cal >vg.log 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" vg.log &&
        grep -q "definitely lost: 0 bytes" vg.log && ! grep -q "libasound" vg.log; then
        ok "valgrind: calib loopback -D, 0 errors, nothing lost, nothing of ALSA's left"
    else
        bad "valgrind: calib loopback -D (exit $rc)" "$(grep -E '==[0-9]+==' vg.log | tail -n 30)"
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
