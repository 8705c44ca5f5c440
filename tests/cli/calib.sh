#!/bin/sh
# SPDX-License-Identifier: MIT
# Calibration through the CLI, against the truth of the simulated chain: simrec's headphone
# model (simrec --truth), then micsim's known microphones and interface. A measurement made
# through microphones with known deviations, corrected with those microphones' files, must
# match the headphone's exact response within 0.05 dB; the interface found by
# `hpfr calib loopback` must match the interface filter; `hpfr calib spl` must find the
# offset of a sine of known amplitude. Run by tests/run.sh with HPFR=<hpfr> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
DATA="$(cd "$(dirname "$0")/../data/calib" && pwd)"
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
SIMREC=$O/tests/tools/simrec
MICSIM=$O/tests/tools/micsim
for x in "$HPFR" "$SIMREC" "$MICSIM"; do
    [ -x "$x" ] || die "$x is missing (make O=$O $x)"
done
command -v sox >/dev/null 2>&1 || die "sox is not installed"
T=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || die "cd $T"
HPFR_WISDOM=$T/fftw-wisdom
export HPFR_WISDOM
. "$TESTS_LIB"

run() {
    desc=$1
    shift
    "$@" >out.log 2>err.log
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

# vs FILE TRUTH TOL OFFSET: column 2 of FILE is within TOL dB of TRUTH's column 2 + OFFSET on
# every row (same frequencies, row by row).
vs() {
    [ -f "$1" ] || { echo "$1 does not exist"; return 1; }
    awk -F, -v tol="$3" -v off="$4" '
        NR == FNR { tf[FNR] = $1; tv[FNR] = $2; nt = FNR; next }
        FNR == 1 { next }
        {
            n = FNR
            if ($1 != tf[FNR]) { print "row " FNR ": frequency " $1 " vs " tf[FNR]; bad = 1; exit 1 }
            d = $2 - tv[FNR] - off; if (d < 0) d = -d
            if (d > max) { max = d; at = $1 }
        }
        END {
            if (bad) exit 1
            if (n != nt) { printf "%d rows, truth has %d\n", n, nt; exit 1 }
            printf "max %.4f dB at %s Hz", max, at
            if (max > tol) { printf ", more than %s\n", tol; exit 1 }
        }' "$2" "$1"
}

# Two microphones, left-then-right sweep; the headphone model's exact response is t.csv.
run "sweep, left then right" "$HPFR" sweep -o s.wav --samples 65536 --channels 2
run "simrec: headphone, 2 mics" "$SIMREC" s.wav hp.wav --noise -90 --mics 2 --truth t.csv
run "micsim: microphone A on input 1, B on input 2" "$MICSIM" hp.wav m.wav --mic mic
run "analyze --mic-cal mic-1.txt,mic-2.txt" "$HPFR" analyze --sweep s.wav --rec m.wav -o o1 \
    --mic-cal mic-1.txt,mic-2.txt
check "fr-L.csv (UMIK-format file) within 0.05 dB of the headphone's truth" vs o1/fr-L.csv t.csv 0.05 0
check "fr-R.csv (EARS-format file) within 0.05 dB of the headphone's truth" vs o1/fr-R.csv t.csv 0.05 0
run "analyze without calibration" "$HPFR" analyze --sweep s.wav --rec m.wav -o o0
if vs o0/fr-R.csv t.csv 1 0 >/dev/null; then
    bad "without --mic-cal fr-R.csv should be off by more than 1 dB (the microphone shows)"
else
    ok "without --mic-cal fr-R.csv is off by more than 1 dB"
fi
check "the header stays frequency,raw,smoothed,phase" \
    sh -c '[ "$(head -n 1 o1/fr-L.csv)" = frequency,raw,smoothed,phase ]'

mkdir rig
# Interface: the loopback of a known interface filter, then a measurement through it.
run "micsim --iface: loopback recording" "$MICSIM" s.wav lb.wav --iface --iface-truth it.csv
run "calib loopback" "$HPFR" calib loopback --sweep s.wav --rec lb.wav -o rig/iface.cal
# iface.cal rows of input 1 as frequency,db with the truth's 3 decimals, against the truth.
iface_vs_truth() {
    sed -n '/^channel 1 /,/^channel 2 /p' rig/iface.cal | awk '/^[0-9]/ { printf "%.3f,%s\n", $1, $2 }' >i1.csv
    awk -F, 'NR == FNR { t[$1] = $2; next }
        ($1 in t) { d = $2 - t[$1]; if (d < 0) d = -d; if (d > m) m = d; n++ }
        END { printf "max %.4f dB over %d rows", m, n; exit (m > 0.02 || n < 479) }' it.csv i1.csv
}
check "iface.cal input 1 within 0.02 dB of the interface filter" iface_vs_truth
run "micsim --iface: the measurement through the same interface" "$MICSIM" m.wav mi.wav --iface
cp mic-1.txt mic-2.txt rig/
cp "$DATA/autoeq-diffuse_field_iso_11904-2.csv" rig/df.csv
printf 'hpfr-rig 1\n# test rig\nmic 1 mic-1.txt\nmic 2 mic-2.txt\ninterface iface.cal\nspl_offset 1 100\nspl spl.cal\ncompensation df.csv\n' >rig/rig.cal

# SPL: a 1 kHz sine at -20 dBFS is a 94 dB calibrator at an offset of 114 dB.
sox -n -r 48000 -c 1 -b 32 -e float cal.wav synth 3 sine 1000 gain -20 2>/dev/null
sox -n -r 48000 -c 2 -b 32 -e float cal2.wav synth 3 sine 1000 sine 1000 remix 1 2v0.5 2>/dev/null
run "calib spl --channel 2 (input 2 of a stereo recording, at -6.02 dBFS)" \
    "$HPFR" calib spl --rec cal2.wav --ref 94 --channel 2 -o rig/spl.cal
run "calib spl (mono, input 1), merged into spl.cal" "$HPFR" calib spl --rec cal.wav --ref 114 -o rig/spl.cal
check "spl.cal: input 1 offset 134 within 0.05 dB, input 2 offset 94+6.02 within 0.05 dB" \
    awk '$1=="channel"{o[$2]=$4} END{d1=o[1]-134; d2=o[2]-(94+20*log(2)/log(10)); if(d1<0)d1=-d1; if(d2<0)d2=-d2;
         printf "%.4f, %.4f", o[1], o[2]; exit (d1>0.05||d2>0.05)}' rig/spl.cal

run "analyze --profile rig/rig.cal" "$HPFR" analyze --sweep s.wav --rec mi.wav -o o2 --profile rig/rig.cal
check "profile: fr-L.csv = truth + 100 dB (spl_offset overrides spl.cal) within 0.05 dB" vs o2/fr-L.csv t.csv 0.05 100
check "profile: fr-R.csv = truth + spl.cal's offset within 0.05 dB" \
    sh -c "off=\$(awk '\$1==\"channel\"&&\$2==2{print \$4}' rig/spl.cal) &&
           awk -F, -v off=\"\$off\" 'NR==FNR{t[FNR]=\$2;next} FNR>1{d=\$2-t[FNR]-off;if(d<0)d=-d;if(d>m)m=d} END{printf \"max %.4f dB\",m; exit m>0.05}' t.csv o2/fr-R.csv"
check "fr-comp-L.csv = fr-L.csv minus the diffuse-field curve (interpolated in log f)" \
    sh -c "awk -F, 'FILENAME==ARGV[1]{if(FNR>1){n++;F[n]=\$1;V[n]=\$2};next}
        FILENAME==ARGV[2]{if(FNR>1)r[FNR]=\$2;next}
        FNR>1{f=\$1; if(f<=F[1])c=V[1]; else if(f>=F[n])c=V[n]; else {for(i=1;F[i+1]<f;i++);
              c=V[i]+(V[i+1]-V[i])*log(f/F[i])/log(F[i+1]/F[i])}
              d=\$2-(r[FNR]-c); if(d<0)d=-d; if(d>m)m=d; k++}
        END{printf \"max %.5f dB over %d rows\",m,k; exit (m>0.0002||k<400)}' rig/df.csv o2/fr-L.csv o2/fr-comp-L.csv"
check "summary.json records the units" sh -c 'grep -c "\"units\": \"dB SPL\"" o2/summary.json | grep -qx 2'

# calib output: sensitivity from a value and from a recording.
run "calib output --vrms 0.1 --spl 94 --impedance 32" "$HPFR" calib output --vrms 0.1 --spl 94 --impedance 32 -o sens.txt
check "114 dB SPL/V and 94 - 10 log10(0.3125) dB SPL/mW, to the file's 3 decimals" \
    awk '$1=="db_spl_per_v"{v=$2} $1=="db_spl_per_mw"{w=$2}
         END{dv=v-114; dw=w-(94-10*log(0.3125)/log(10)); if(dv<0)dv=-dv; if(dw<0)dw=-dw;
             printf "%s, %s", v, w; exit (dv>0.0005||dw>0.0005)}' sens.txt
run "calib output --rec with --spl-cal" "$HPFR" calib output --vrms 2 --rec cal.wav --spl-cal rig/spl.cal -o sens2.txt
check "tone read as 114 dB SPL: 114 - 6.02 = 107.98 dB SPL/V" sh -c 'grep -qx "db_spl_per_v 107.979" sens2.txt'

check "hpfr calib --help starts with its usage line, on stdout" \
    sh -c '"$0" calib --help 2>err.txt | head -n 1 | grep -q "^usage: hpfr calib spl" && [ ! -s err.txt ]' "$HPFR"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
