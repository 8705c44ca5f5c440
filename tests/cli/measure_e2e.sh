#!/bin/sh
# SPDX-License-Identifier: MIT
# hpfr measure end to end through ALSA and the simulated rig (a real ALSA device; no mock).
# Every response is compared with `hpfr sim truth`, the model's exact response computed from
# its parameters; drift with the DRIFT the rig was given; latency with its LATENCY.
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"  # resolved before any cd
CAL="$(cd "$(dirname "$0")/../data/calib" && pwd)"
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
[ -r "$O/hpfr-alsa.conf" ] || die "the simulated rig is not built (make O=$O)"
T=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || die "cd $T"
HPFR_WISDOM=$T/fftw-wisdom
export HPFR_WISDOM
unset HPFR_PLACEMENT ALSA_CONFIG_PATH
. "$TESTS_LIB"

# maxerr FR.csv TRUTH.csv EAR(2=left,3=right) FMAX: largest |raw - truth| in dB up to FMAX Hz.
maxerr() {
    paste -d, "$1" "$2" | awk -F, -v c=$((4 + $3)) -v fmax="$4" '
        NR == 1 { next }
        $1 + 0 <= fmax + 0 { d = $2 - $c; if (d < 0) d = -d; if (d > m) { m = d; f = $1 } }
        END { printf "%.4f dB at %s Hz\n", m, f }'
}

# check_fr SESSION N TOL FMAX SETTINGS...: both ears of placement N against the truth.
check_fr() {
    s=$1 n=$2 tol=$3 fmax=$4
    shift 4
    "$HPFR" sim truth --placement "$n" "$@" -o "truth-$n.csv" || { bad "sim truth $n"; return; }
    for ear in L R; do
        col=2
        [ $ear = R ] && col=3
        e=$(maxerr "$s/placement-$n/fr-$ear.csv" "truth-$n.csv" $col "$fmax")
        if awk -v e="${e%% *}" -v t="$tol" 'BEGIN { exit !(e <= t) }'; then
            ok "$s placement $n $ear: within $tol dB of the truth up to $fmax Hz ($e)"
        else
            bad "$s placement $n $ear: $e off the truth (limit $tol dB)"
        fi
    done
}

# json_values FILE KEY: every value of "KEY": in the file, one per line.
json_values() { sed -n "s/.*\"$2\": *\([^,]*\),*$/\1/p" "$1"; }

# --- one device, virtual clock, -90 dBFS noise, 2^18 sweep: 0.05 dB and exact latency ---
if "$HPFR" measure -D 'hpfr_sim:LATENCY=100,SEED=3' -o one --placements 3 --samples 262144 \
    --name 'Sim "closed" \ test' </dev/null >one.log 2>&1; then
    ok "measure -D hpfr_sim: 3 placements"
    for n in 1 2 3; do
        check_fr one $n 0.05 20000 SEED=3
    done
    lat=$(json_values one/session.json latency_frames | sort -u | tr '\n' ' ')
    [ "$lat" = "100 " ] && ok "latency exactly 100 frames in every placement" ||
        bad "latency: $lat (want 100)"
    grep -q '"status": "done"' one/session.json && [ -f one/placement-3/capture.wav ] &&
        [ -f one/sweep.wav ] && ok "session.json, sweep.wav and capture.wav written" ||
        bad "session files missing"
    # Each microphone's SNR is its own sweep's level over the -90 dBFS noise. An exponential
    # sweep spends equal time per octave, so its mean square at the mic is (A^2/2) times the
    # log-frequency mean of |H|^2 (A = -12 dBFS), taken here from the truth on its 20 Hz-20 kHz
    # grid; the sweep's 10-20 Hz and 20-24 kHz ends and its fades are left out, hence 1 dB.
    want=$(awk -F, 'NR > 1 { l += 10^($2/10); r += 10^($3/10); n++ }
        END { a = 10^(-12/10) / 2; printf "%.2f %.2f", 10*log(a*l/n)/log(10) + 90, 10*log(a*r/n)/log(10) + 90 }' truth-1.csv)
    snrs=$(json_values one/placement-1/summary.json snr_db | tr '\n' ' ')
    if echo "$want $snrs" | awk '{ exit !($3 - $1 < 1 && $1 - $3 < 1 && $4 - $2 < 1 && $2 - $4 < 1) }'; then
        ok "SNR of each microphone from its own sweep: $snrs dB (closed form $want)"
    else
        bad "SNR per microphone: $snrs dB, closed form $want"
    fi
    grep -q '"name": "Sim \\"closed\\" \\\\ test"' one/session.json &&
        ok "--name recorded, escaped" || bad "--name not recorded" "$(grep name one/session.json)"
else
    bad "measure -D hpfr_sim" "$(cat one.log)"
fi

# --- one ear alone (--channels L or R): the other microphone may be missing altogether ---
for c in L R; do
    other=2
    [ $c = R ] && other=1
    if "$HPFR" measure -D "hpfr_sim:FAULTS=dead@$other" -o "ear$c" --channels $c --placements 1 \
        --samples 262144 </dev/null >ear.log 2>&1; then
        col=2
        [ $c = R ] && col=3
        "$HPFR" sim truth --placement 1 -o "truth-ear.csv"
        e=$(maxerr "ear$c/placement-1/fr-$c.csv" truth-ear.csv $col 20000)
        awk -v e="${e%% *}" 'BEGIN { exit !(e <= 0.05) }' && [ ! -e "ear$c/placement-1/xt-$c.csv" ] &&
            grep -q "\"$c\"" "ear$c/session.json" &&
            ok "--channels $c with the other mic dead: fr-$c.csv within 0.05 dB ($e)" ||
            bad "--channels $c: $e" "$(ls "ear$c/placement-1")"
    else
        bad "--channels $c" "$(cat ear.log)"
    fi
done

# --- calibration options reach every placement's analysis, and survive --resume ---
UMIK=$CAL/umik1-7009115.txt
if "$HPFR" measure -D hpfr_sim -o cal --placements 1 --samples 65536 --mic-cal "$UMIK,$UMIK" \
    --compensation "$CAL/autoeq-diffuse_field_iso_11904-2.csv" </dev/null >cal.log 2>&1 &&
    "$HPFR" measure -D hpfr_sim -o cal --resume --placements 2 </dev/null >>cal.log 2>&1; then
    "$HPFR" analyze --sweep cal/sweep.wav --rec cal/placement-2/capture.wav -o cal-re \
        --mic-cal "$UMIK,$UMIK" >/dev/null 2>&1
    "$HPFR" analyze --sweep cal/sweep.wav --rec cal/placement-2/capture.wav -o cal-raw >/dev/null 2>&1
    cmp -s cal-re/fr-L.csv cal/placement-2/fr-L.csv && ! cmp -s cal-raw/fr-L.csv cal/placement-2/fr-L.csv &&
        [ -s cal/placement-1/fr-comp-L.csv ] && [ -s cal/placement-2/fr-comp-R.csv ] &&
        ok "--mic-cal and --compensation applied in every placement, also after --resume" ||
        bad "calibration in measure" "$(ls cal/placement-2)"
else
    bad "measure --mic-cal" "$(cat cal.log)"
fi

# --- relative calibration names are kept absolute: --resume from elsewhere still finds them ---
mkdir -p relcal/cal relcal/elsewhere && cp "$UMIK" relcal/cal/umik.txt
if (cd relcal && "$HPFR" measure -D hpfr_sim -o sess --placements 1 --samples 65536 \
        --mic-cal cal/umik.txt,cal/umik.txt </dev/null >../relcal.log 2>&1) &&
    (cd relcal/elsewhere && "$HPFR" measure -D hpfr_sim -o ../sess --resume --placements 2 \
        </dev/null >>../../relcal.log 2>&1); then
    want="$(cd relcal && pwd)/cal/umik.txt"
    grep -q "\"$want,$want\"" relcal/sess/session.json && [ -s relcal/sess/placement-2/fr-L.csv ] &&
        ok "relative --mic-cal names kept absolute in session.json; --resume from another directory" ||
        bad "relative --mic-cal" "$(grep mic_cal relcal/sess/session.json)"
else
    bad "relative --mic-cal, --resume from another directory" "$(cat relcal.log)"
fi

# --- format negotiation: a device offering only integer formats is measured as accurately ---
for f in S24_3LE S16_LE; do
    if "$HPFR" measure -D "hpfr_sim:FORMATS=S32_LE/$f,SEED=5" --capture-device "hpfr_sim:FORMATS=$f,SEED=5" \
        -o "fmt$f" --placements 1 --samples 262144 </dev/null >fmt.log 2>&1; then
        grep -q "\"format\": \"$f\"" "fmt$f/session.json" && ok "capture negotiated as $f" ||
            bad "format $f not used" "$(cat "fmt$f/session.json")"
        check_fr "fmt$f" 1 0.05 20000 SEED=5
    else
        bad "measure with only $f offered" "$(cat fmt.log)"
    fi
done
"$HPFR" measure -D 'hpfr_sim:RATES=44100/96000' -o rates --samples 65536 </dev/null >rates.log 2>&1
[ $? -eq 2 ] && grep -q "rate 48000 Hz is not offered for playback; this device offers 44100, 96000 Hz" rates.log &&
    ok "a rate the device does not offer: error listing the rates it does" || bad "rates" "$(cat rates.log)"

# --- separate devices, +-50 ppm and the +-1000 ppm limit (HP_DRIFT_MAX_PPM): drift within
# 1 ppm, FR within 0.1 dB after correction ---
for d in 50 -50 -1000; do
    if "$HPFR" measure -D hpfr_sim --capture-device "hpfr_sim:DRIFT=$d" -o "drift$d" \
        --placements 1 --samples 262144 </dev/null >drift.log 2>&1; then
        got=$(json_values "drift$d/session.json" drift_ppm)
        if awk -v g="$got" -v d="$d" 'BEGIN { e = g - d; exit !(e < 1 && e > -1) }'; then
            ok "drift $d ppm estimated as $got ppm"
        else
            bad "drift $d ppm estimated as '$got'"
        fi
        check_fr "drift$d" 1 0.1 20000
        [ -f "drift$d/placement-1/capture-raw.wav" ] && ok "raw capture kept beside the corrected one" ||
            bad "capture-raw.wav missing"
    else
        bad "measure with --capture-device DRIFT=$d" "$(cat drift.log)"
    fi
done

# --- a loopback reference channel removes latency and drift by division ---
if "$HPFR" measure -D hpfr_sim --capture-device 'hpfr_sim:DRIFT=50,LOOPBACK=1' --ref-channel 3 \
    -o loop --placements 1 --samples 262144 </dev/null >loop.log 2>&1; then
    check_fr loop 1 0.1 20000
else
    bad "measure --ref-channel 3 with a loopback" "$(cat loop.log)"
fi

# --- faults: each as README "Device faults" describes it ---
if "$HPFR" measure -D 'hpfr_sim:FAULTS=xrun@100000' -o xrun --placements 1 --samples 65536 \
    </dev/null >xrun.log 2>&1; then
    x=$(json_values xrun/session.json xruns)
    [ "$x" = 1 ] && grep -q "running it again" xrun.log && ok "an xrun re-runs the sweep and is recorded (xruns: 1)" ||
        bad "xrun not recorded" "$(cat xrun.log xrun/session.json)"
    check_fr xrun 1 0.1 20000
else
    bad "measure with an xrun" "$(cat xrun.log)"
fi

"$HPFR" measure -D 'hpfr_sim:FAULTS=dead@2' -o dead --samples 65536 </dev/null >dead.log 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "input 2 (right mic) is silent" dead.log && [ ! -e dead ] &&
    ok "a dead channel is named, exit 2, nothing written" || bad "dead channel (rc $rc)" "$(cat dead.log)"

"$HPFR" measure -D 'hpfr_sim:FAULTS=clip@30' -o clip --samples 65536 </dev/null >clip.log 2>&1
rc=$?
sug=$(sed -n 's/.*use --level \(-[0-9.]*\).*/\1/p' clip.log)
if [ $rc -eq 2 ] && [ -n "$sug" ]; then
    ok "clipping refused with a suggested level ($sug dBFS)"
    # The suggestion must work: measured at that level, nothing clips.
    "$HPFR" measure -D 'hpfr_sim:FAULTS=clip@30' -o clip --samples 65536 --level "$sug" \
        --placements 1 </dev/null >clip2.log 2>&1 && ok "the suggested level measures without clipping" ||
        bad "suggested level $sug still fails" "$(cat clip2.log)"
else
    bad "clipping (rc $rc)" "$(cat clip.log)"
fi

"$HPFR" measure -D 'hpfr_sim:FAULTS=busy' -o busy --samples 65536 </dev/null >busy.log 2>&1
[ $? -eq 2 ] && grep -q "busy" busy.log && [ ! -e busy ] && ok "a busy device is a clear error, nothing written" ||
    bad "busy" "$(cat busy.log)"

# Disconnect during placement 3: 1-2 intact, clear error, --resume completes.
"$HPFR" measure -D hpfr_sim -o gone --placements 2 --samples 65536 </dev/null >/dev/null 2>&1
"$HPFR" measure -D 'hpfr_sim:FAULTS=disconnect@100000' -o gone --placements 4 --resume \
    </dev/null >gone.log 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "disappeared" gone.log && grep -q "2 placements saved" gone.log; then
    ok "a device that disappears: clear error, completed placements kept"
else
    bad "disconnect (rc $rc)" "$(cat gone.log)"
fi
[ "$(grep -c '"status": "done"' gone/session.json)" = 2 ] && ok "session.json lists placements 1-2" ||
    bad "session.json after the disconnect" "$(cat gone/session.json)"
if "$HPFR" measure -D hpfr_sim -o gone --resume </dev/null >resume.log 2>&1 &&
    [ "$(grep -c '"status": "done"' gone/session.json)" = 4 ]; then
    ok "--resume completes the session (4 placements)"
    check_fr gone 4 0.1 20000
else
    bad "--resume after the disconnect" "$(cat resume.log)"
fi

# SIGKILL during placement 3 (real-time rig, so placement 3 takes a while); measure_kill.sh
# kills at 20 random moments.
"$HPFR" measure -D 'hpfr_sim_rt:SPEED=4' -o killed --placements 4 --samples 65536 </dev/null \
    >kill.log 2>&1 &
pid=$!
i=0
while [ $i -lt 400 ] && [ "$(grep -c '"status": "done"' killed/session.json 2>/dev/null)" != 2 ]; do
    sleep 0.05
    i=$((i + 1))
done
sleep 0.2
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
done_now=$(grep -c '"status": "done"' killed/session.json 2>/dev/null)
if [ "$done_now" = 2 ] && [ -s killed/placement-1/fr-L.csv ] && [ -s killed/placement-2/fr-R.csv ]; then
    ok "SIGKILL during placement 3 leaves placements 1-2 intact"
    check_fr killed 2 0.1 20000
    "$HPFR" analyze --sweep killed/sweep.wav --rec killed/placement-2/capture.wav -o reanalyzed \
        >/dev/null 2>&1 && ok "placement 2's capture is still a valid recording" || bad "capture of placement 2 unreadable"
    "$HPFR" measure -D hpfr_sim -o killed --resume </dev/null >kres.log 2>&1 &&
        [ "$(grep -c '"status": "done"' killed/session.json)" = 4 ] &&
        ok "--resume after SIGKILL completes the session" || bad "--resume after SIGKILL" "$(cat kres.log)"
else
    bad "SIGKILL during placement 3: $done_now placements recorded" "$(cat kill.log)"
fi

# Ctrl-C (SIGINT) during placement 2: the stream stops, placement 1 stays, exit 130.
"$HPFR" measure -D 'hpfr_sim_rt:SPEED=4' -o int --placements 3 --samples 65536 </dev/null >int.log 2>&1 &
pid=$!
i=0
while [ $i -lt 400 ] && [ "$(grep -c '"status": "done"' int/session.json 2>/dev/null)" != 1 ]; do
    sleep 0.05
    i=$((i + 1))
done
sleep 0.2
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
[ $rc -eq 130 ] && grep -q "stopped: 1 placement saved in int; continue with hpfr measure -o int --resume" int.log &&
    [ "$(grep -c '"status": "done"' int/session.json)" = 1 ] && ok "Ctrl-C: stopped with placement 1 saved, exit 130" ||
    bad "Ctrl-C (rc $rc)" "$(cat int.log)"

# Clocks further apart than hpfr corrects: the placement is refused and nothing of it written;
# with the clocks fixed, --resume measures it.
for d in 5000 -5000; do
    way=fast
    [ $d -lt 0 ] && way=slow
    "$HPFR" measure -D hpfr_sim --capture-device "hpfr_sim:DRIFT=$d" -o "far$d" --placements 2 \
        --samples 65536 </dev/null >far.log 2>&1
    rc=$?
    if [ $rc -eq 2 ] && [ "$(grep -c "^hpfr" far.log)" -eq 1 ] &&
        grep -q "^hpfr measure: placement 1: the capture clock (hpfr_sim:DRIFT=$d) runs 5000 ppm $way against the playback clock (hpfr_sim), more than the 1000 ppm hpfr corrects" far.log &&
        [ ! -e "far$d/placement-1" ] && [ -s "far$d/session.json" ] && ! grep -q '"done"' "far$d/session.json"; then
        ok "drift of $d ppm: refused in one line, placement 1 not kept"
    else
        bad "drift of $d ppm (rc $rc)" "$(cat far.log; ls "far$d")"
    fi
done
if "$HPFR" measure -o far5000 --resume --capture-device 'hpfr_sim:DRIFT=50' </dev/null >far.log 2>&1 &&
    [ "$(grep -c '"status": "done"' far5000/session.json)" = 2 ]; then
    ok "--resume with the capture clock fixed measures both placements"
    check_fr far5000 2 0.1 20000
else
    bad "--resume after refused drift" "$(cat far.log)"
fi

# A microphone that dies, or an input gain turned up, in the middle of a session (--resume
# does no level check): the analysis refuses the placement, the earlier ones stay.
"$HPFR" measure -D hpfr_sim -o mid --placements 1 --samples 65536 </dev/null >/dev/null 2>&1
"$HPFR" measure -D 'hpfr_sim:FAULTS=dead@2' -o mid --placements 2 --resume </dev/null >mid.log 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "mid/placement-2/capture.wav: no sweep found in channel 2" mid.log &&
    grep -q "1 placement saved in mid are intact" mid.log && [ "$(grep -c '"done"' mid/session.json)" = 1 ] &&
    ok "a mic dead mid-session: channel 2 named, placement 2 not recorded" || bad "dead mid-session (rc $rc)" "$(cat mid.log)"
"$HPFR" measure -D 'hpfr_sim:FAULTS=clip@30' -o mid --resume </dev/null >mid.log 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "the recording clips" mid.log && [ "$(grep -c '"done"' mid/session.json)" = 1 ] &&
    ok "clipping mid-session: refused, placement 2 not recorded" || bad "clipping mid-session (rc $rc)" "$(cat mid.log)"
"$HPFR" measure -D hpfr_sim -o mid --resume </dev/null >mid.log 2>&1 && [ "$(grep -c '"done"' mid/session.json)" = 2 ] &&
    ok "--resume after the fault measures placement 2" || bad "--resume after mid-session faults" "$(cat mid.log)"
check_fr mid 2 0.1 20000

# --level auto: 6 dB of headroom.
if "$HPFR" measure -D hpfr_sim -o auto --level auto --placements 1 --samples 65536 </dev/null \
    >auto.log 2>&1; then
    peak=$(sed -n 's/.*input 1 (left mic): peak *\(-[0-9.]*\) dBFS.*/\1/p' auto.log | tail -n 1)
    awk -v p="$peak" 'BEGIN { exit !(p <= -6 && p > -6.5) }' &&
        ok "--level auto leaves 6 dB of headroom (peak $peak dBFS)" || bad "--level auto peak $peak" "$(cat auto.log)"
else
    bad "--level auto" "$(cat auto.log)"
fi

# At a terminal: a prompt before each placement; Enter measures, s skips, q stops (resumable).
if command -v script >/dev/null 2>&1; then
    printf '\ns\nq\n' | timeout 60 script -qec "'$HPFR' measure -D hpfr_sim -o tty --placements 4 --samples 65536" \
        /dev/null >tty.log 2>&1
    n_prompts=$(grep -o "re-seat the headphones and press Enter" tty.log | wc -l)
    if [ "$n_prompts" = 3 ] && grep -q '"status": "skipped"' tty/session.json &&
        [ "$(grep -c '"status": "done"' tty/session.json)" = 1 ] && grep -q -- "--resume" tty.log; then
        ok "prompts at a terminal: Enter measured placement 1, s skipped 2, q stopped before 3"
    else
        bad "prompts ($n_prompts)" "$(tr '\r' '\n' <tty.log | tail -n 20)"
    fi
    grep -q "in1 \[" tty.log && ok "a live line with input meters at a terminal" || bad "no input meters" "$(cat tty.log)"
else
    bad "script (util-linux) is needed for the terminal test"
fi

# Bad usage.
if grep -q '^ *[0-9]' /proc/asound/cards 2>/dev/null; then
    ok "# skipped: this machine has a sound card, so no -D means \"default\""
else
    "$HPFR" measure -o nodev --samples 65536 </dev/null >nodev.log 2>&1
    [ $? -eq 2 ] && grep -q "hpfr_sim" nodev.log && [ "$(wc -l <nodev.log)" -eq 1 ] &&
        ok "no sound card and no -D: one line pointing at -D hpfr_sim" || bad "no -D" "$(cat nodev.log)"
fi
"$HPFR" measure -D hpfr_sim -o one --samples 65536 </dev/null >again.log 2>&1
[ $? -eq 2 ] && grep -q -- "--resume" again.log && ok "an existing session needs --resume" ||
    bad "existing session" "$(cat again.log)"
"$HPFR" measure -D nosuchpcm -o x --samples 65536 </dev/null >nopcm.log 2>&1
[ $? -eq 2 ] && grep -q "nosuchpcm" nopcm.log && [ "$(wc -l <nopcm.log)" -eq 1 ] && ok "an unknown PCM is named in one line" || bad "unknown PCM" "$(cat nopcm.log)"

# hpfr devices lists the rig with what it offers.
"$HPFR" devices >dev.log 2>&1 && grep -q "hpfr_sim " dev.log && grep -q "44100, 48000, 88200, 96000, 192000" dev.log &&
    grep -q "FLOAT_LE S32_LE S24_3LE S16_LE" dev.log && ok "hpfr devices lists hpfr_sim's rates, formats, channels" ||
    bad "hpfr devices" "$(cat dev.log)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
