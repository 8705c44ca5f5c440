#!/bin/sh
# SPDX-License-Identifier: MIT
# The simulated rig through alsa-utils. aplay in one process and arecord in another meet on a
# file-backed rig (hpfr_sim_rt:STATE=<file>, real-time clock); the recording must hold the
# tone as filtered by the closed-back preset, over the -90 dBFS noise floor. Plain
# `aplay -D hpfr_sim` and `arecord -D hpfr_sim` (virtual clock, RW and mmap) must exit 0.
# Run by tests/run.sh with O=<build dir>; every command runs under timeout.
set -u

die() { echo "FAIL - $1"; echo "0 passed, 1 failed"; exit 1; }
[ -n "${O-}" ] || die "set O=<build dir>"
O=$(cd "$O" && pwd) || die "no build directory"
[ -r "$O/hpfr-alsa.conf" ] && [ -r "$O/libasound_module_pcm_hpfr_sim.so" ] ||
    die "the rig is not built (make O=$O $O/hpfr-alsa.conf)"
for c in aplay arecord sox timeout; do
    command -v $c >/dev/null 2>&1 || die "$c is not installed"
done
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$O/hpfr-alsa.conf
unset HPFR_PLACEMENT

# A SAN=1 build's plugin needs the ASan runtime loaded first, and aplay and arecord are not
# instrumented: preload it (leak reports would only be about alsa-utils itself).
ASAN_LIB=$(ldd "$O/libasound_module_pcm_hpfr_sim.so" 2>/dev/null | awk '/libasan/ { print $3 }')
run() {
    if [ -n "$ASAN_LIB" ]; then
        LD_PRELOAD=$ASAN_LIB ASAN_OPTIONS=detect_leaks=0 timeout 20 "$@"
    else
        timeout 20 "$@"
    fi
}

T=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else bad "$2 (exit $1)"; fi; }

# One second of 1 kHz at -6 dBFS peak: -9.03 dBFS RMS in each channel.
sox -n -r 48000 -c 2 -b 16 "$T/tone.wav" synth 1 sine 1000 gain -6 || die "sox failed"

# ---- virtual clock: far faster than real time, in either access mode ----
run aplay -q -D hpfr_sim "$T/tone.wav"
check $? "aplay -D hpfr_sim"
run aplay -q -M -D hpfr_sim "$T/tone.wav"
check $? "aplay -M -D hpfr_sim"
run arecord -q -D hpfr_sim -f S16_LE -r 48000 -c 2 -d 1 "$T/v.wav"
check $? "arecord -D hpfr_sim -d 1"
len=$(soxi -s "$T/v.wav" 2>/dev/null)
[ "$len" = 48000 ] && ok "arecord -d 1 gave 48000 frames" || bad "arecord -d 1 gave '$len' frames"
run arecord -q -M -D 'hpfr_sim:PRESET=open-back,NOISE=off' -f FLOAT_LE -r 96000 -c 2 \
    -d 1 "$T/m.wav"
check $? "arecord -M -D hpfr_sim:PRESET=open-back,NOISE=off"
run arecord -q -D 'hpfr_sim:PRESET=in-ear' -f S16_LE -r 48000 -c 2 -d 1 "$T/x.wav" \
    2>"$T/err"
[ $? -ne 0 ] && grep -q "unknown preset" "$T/err" && ok "a bad argument is refused" ||
    bad "a bad argument is refused"

# ---- real time, two processes sharing a state file ----
DEV="hpfr_sim_rt:STATE=$T/rig.state"
run arecord -q -D "$DEV" -f FLOAT_LE -r 48000 -c 2 -d 3 "$T/rt.wav" &
rec=$!
sleep 0.5 # arecord opens the rig first and records the noise floor
run aplay -q -D "$DEV" "$T/tone.wav"
check $? "aplay -D hpfr_sim_rt:STATE=... while arecord runs in another process"
wait $rec
check $? "arecord -D hpfr_sim_rt:STATE=... -d 3"

# RMS in dBFS of each 50 ms window (50 periods of the tone), one "left right" line each.
sox "$T/rt.wav" -t dat - 2>/dev/null | awk '
    /^;/ { next }
    { l += $2 * $2; r += $3 * $3; n++ }
    n == 2400 { printf "%.3f %.3f\n", 10 * log(l / n) / log(10), 10 * log(r / n) / log(10);
                l = r = n = 0 }' >"$T/levels"

# The tone: the median of the windows above -30 dBFS (robust to an xrun on a loaded machine).
# The closed-back preset (seed 1, placement 1) is -5.46 dB (left) and -5.81 dB (right) at
# 1 kHz; its -70 dB H3 compresses a -6 dBFS tone by 0.03 dB more.
tone=$(awk '
    function median(a, n,    i, j, t) {
        for (i = 1; i < n; i++)
            for (j = i; j > 0 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2
    }
    $1 > -30 { l[n] = $1; r[n] = $2; n++ }
    END { if (n) printf "%.3f %.3f %d", median(l, n), median(r, n), n }' "$T/levels")
floor=$(awk '$1 < -70 { s += $1 + $2; k += 2 } END { if (k) printf "%.3f", s / k }' "$T/levels")
echo "tone level (L R windows): $tone; noise floor: $floor dBFS"
awk -v t="$tone" 'BEGIN { split(t, v, " ");
    exit !(v[3] >= 8 && v[1] > -14.82 && v[1] < -14.22 && v[2] > -15.17 && v[2] < -14.57) }'
check $? "the recorded tone has the closed-back level at 1 kHz in both ears"
awk -v f="$floor" 'BEGIN { exit !(f != "" && f > -91 && f < -89) }'
check $? "the noise floor before the tone is -90 dBFS"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
