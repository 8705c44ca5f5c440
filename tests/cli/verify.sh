#!/bin/sh
# SPDX-License-Identifier: MIT
# hpfr verify end to end on the simulated rig (an ALSA device; no mock): measure -> eq ->
# verify, for one filter set, a filter set per channel, both FIRs and another sample rate.
# Each corrected measurement is checked against two things:
#  - the fit's own prediction, eq.csv's equalized_raw plus the preamp (0.2 dB RMS, 20 Hz-16 kHz);
#  - an independent truth: `hpfr sim truth` (the rig's analytic response) plus the correction's
#    analytic response, computed here from ParametricEQ.txt with the RBJ cookbook formulas in
#    awk, or for a FIR by summing its DTFT directly (tests/tools/wavtool response).
# verify's own numbers (the summary's RMS figures, its prediction) are recomputed from its CSVs.
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"  # resolved before any cd
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
WAVTOOL=$O/tests/tools/wavtool
[ -r "$O/hpfr-alsa.conf" ] || die "the simulated rig is not built (make O=$O)"
[ -x "$WAVTOOL" ] || die "$WAVTOOL is missing (make O=$O $WAVTOOL)"
T=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || die "cd $T"
HPFR_WISDOM=$T/fftw-wisdom
export HPFR_WISDOM
unset HPFR_PLACEMENT ALSA_CONFIG_PATH
. "$TESTS_LIB"

RIG='PRESET=closed-back,SEED=4'
DEV="hpfr_sim:$RIG"
N=131072   # sweep samples: 2.7 s at 48 kHz, enough for 0.05 dB on this rig

# apo_db APO CHANNEL(L|R) RATE GRID.csv: "frequency,dB" of the APO file's preamp and filters
# for that channel at each frequency of GRID's first column, from the Audio EQ Cookbook
# (peaking, and the shelves in the Q form, as EqualizerAPO's PK, LSC and HSC).
apo_db() {
    awk -v ch="$2" -v fs="$3" '
    function mag2(b0, b1, b2, w) {
        return (b0 + b1 * cos(w) + b2 * cos(2 * w))^2 + (b1 * sin(w) + b2 * sin(2 * w))^2
    }
    function db(t, f0, g, q, f,   A, w0, c, al, sa, w, num, den) {
        A = 10^(g / 40); w0 = 2 * pi * f0 / fs; c = cos(w0); al = sin(w0) / (2 * q)
        sa = 2 * sqrt(A) * al; w = 2 * pi * f / fs
        if (t == "PK") {
            num = mag2(1 + al * A, -2 * c, 1 - al * A, w)
            den = mag2(1 + al / A, -2 * c, 1 - al / A, w)
        } else if (t == "LSC") {
            num = mag2(A * ((A + 1) - (A - 1) * c + sa), 2 * A * ((A - 1) - (A + 1) * c), A * ((A + 1) - (A - 1) * c - sa), w)
            den = mag2((A + 1) + (A - 1) * c + sa, -2 * ((A - 1) + (A + 1) * c), (A + 1) + (A - 1) * c - sa, w)
        } else {
            num = mag2(A * ((A + 1) + (A - 1) * c + sa), -2 * A * ((A - 1) + (A + 1) * c), A * ((A + 1) + (A - 1) * c - sa), w)
            den = mag2((A + 1) - (A - 1) * c + sa, 2 * ((A - 1) - (A + 1) * c), (A + 1) - (A - 1) * c - sa, w)
        }
        return 10 * log(num / den) / log(10)
    }
    BEGIN { pi = atan2(0, -1); scope = "all"; nf = 0; pre = 0; print "frequency,db" }
    FNR == NR {
        sub(/\r$/, "")
        if ($1 == "Channel:") { scope = $2; next }
        mine = scope == "all" || scope == ch
        if ($1 == "Preamp:" && mine) pre += $2
        if ($1 == "Filter" && $3 == "ON" && mine) {
            nf++; ty[nf] = $4; fc[nf] = $6; ga[nf] = $9; qq[nf] = $12
        }
        next
    }
    FNR == 1 { next }
    {
        split($0, v, ","); s = pre
        for (k = 1; k <= nf; k++) s += db(ty[k], fc[k], ga[k], qq[k], v[1])
        printf "%s,%.6f\n", v[1], s
    }' "$1" "$4"
}

# cmp_rms A.csv COLA B.csv COLB LO HI: RMS and max of A[COLA] - B[COLB] over the rows with
# LO <= frequency <= HI (files on one grid, header lines skipped; the frequencies must agree).
cmp_rms() {
    paste -d, "$1" "$3" | awk -F, -v a="$2" -v nb="$(head -n 1 "$1" | awk -F, '{ print NF }')" \
        -v b="$4" -v lo="$5" -v hi="$6" '
        FNR == 1 && $1 ~ /[a-z]/ { next }
        {
            fb = $(nb + 1)
            if ($1 - fb > 0.01 * $1 || fb - $1 > 0.01 * $1) { bad = 1; exit }
            if ($1 + 0 < lo || $1 + 0 > hi) next
            d = $a - $(nb + b); s += d * d; n++; if (d < 0) d = -d; if (d > m) m = d
        }
        END { if (bad || !n) print "nan nan"; else printf "%.4f %.4f\n", sqrt(s / n), m }'
}

# within "RMS MAX" RMS_LIMIT MAX_LIMIT
within() { echo "$1" | awk -v r="$2" -v m="$3" '{ exit !($1 <= r && $2 <= m) }'; }

# json_num FILE KEY: the first number under "KEY".
json_num() { sed -n "s/.*\"$2\": *\(-*[0-9.e+-]*\),*$/\1/p" "$1" | head -n 1; }

# The truth of placement P at RATE: truth-RATE-P.csv (frequency,left,right).
truth() {
    [ -s "truth-$1-$2.csv" ] || "$HPFR" sim truth $(echo "$RIG" | tr ',' ' ') --placement "$2" \
        --rate "$1" -o "truth-$1-$2.csv"
}

# expected V EAR COL RATE CORR.csv PLACEMENTS: the mean over placements 1..PLACEMENTS of the
# truth of ear column COL, plus the correction CORR.csv (frequency,dB), on V's grid: exp-EAR.csv.
expected() {
    p=1
    while [ "$p" -le "$6" ]; do truth "$4" "$p"; p=$((p + 1)); done
    awk -F, -v col="$3" -v np="$6" -v rate="$4" '
        FILENAME == ARGV[1] { if (FNR > 1) corr[FNR - 1] = $2; next }
        FNR == 1 { file++; next }
        { sum[FNR - 1] += $col / np; f[FNR - 1] = $1; n = FNR - 1 }
        END { print "frequency,expected"; for (i = 1; i <= n; i++) printf "%s,%.6f\n", f[i], sum[i] + corr[i] }
    ' "$5" $(p=1; while [ "$p" -le "$6" ]; do echo "truth-$4-$p.csv"; p=$((p + 1)); done) >"$1/exp-$2.csv"
}

# check_truth V EAR LABEL: V/residual-EAR.csv's measured column against V/exp-EAR.csv.
# The rig measures its own response within 0.05 dB at a 2^18 sweep (measure_e2e.sh); this sweep
# is half as long and the correction lowers its level by the preamp (~6 dB), so up to twice the
# noise: 0.1 dB at the worst point, 0.02 dB RMS.
check_truth() {
    e=$(cmp_rms "$1/residual-$2.csv" 4 "$1/exp-$2.csv" 2 20 16000)
    if within "$e" 0.02 0.1; then
        ok "$3 $2: measured within $e dB (RMS, max) of the truth plus the correction, 20 Hz-16 kHz"
    else
        bad "$3 $2: measured $e dB (RMS, max) off the truth plus the correction"
    fi
}

# check_fit V EAR EQCSV PREAMP LABEL: measured against the fit's prediction
# (equalized_raw + preamp), and verify's predicted column against the same (rounding only).
check_fit() {
    awk -F, -v p="$4" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "frequency,fit"; next }
        { printf "%s,%.4f\n", $1, $c["equalized_raw"] + p }' "$3" >"$1/fit-$2.csv"
    e=$(cmp_rms "$1/residual-$2.csv" 4 "$1/fit-$2.csv" 2 20 16000)
    if within "$e" 0.2 100; then
        ok "$5 $2: measured within $e dB (RMS, max) of the fit's prediction (limit 0.2 dB RMS)"
    else
        bad "$5 $2: measured $e dB (RMS, max) off the fit's prediction (limit 0.2 dB RMS)"
    fi
    # eq.csv and ParametricEQ.txt are rounded to 0.01 dB and 2-3 digits: 0.02 dB at most.
    e=$(cmp_rms "$1/residual-$2.csv" 3 "$1/fit-$2.csv" 2 20 20000)
    if within "$e" 0.02 0.02; then
        ok "$5 $2: verify's predicted column is the fit's prediction ($e dB)"
    else
        bad "$5 $2: verify's predicted column is $e dB off equalized_raw + preamp"
    fi
}

# check_stats V ROW: summary.json's figures for channel ROW against the CSV recomputed here.
check_stats() {
    f=$1/residual-$2.csv
    [ "$2" = L+R ] && f=$1/residual.csv
    awk -F, -v ch="$2" '
        NR > 1 { r = $4 - $2; d = $4 - $3
                 if ($1 <= 10000) { s10 += r * r; n10++ }
                 if ($1 <= 16000) { s16 += r * r; n16++; sd += d * d } }
        END { printf "%.3f %.3f %.3f\n", sqrt(s10 / n10), sqrt(s16 / n16), sqrt(sd / n16) }' "$f" >"$T/mine"
    sed -n "/\"channel\": \"$2\"/,/}/p" "$1/summary.json" >"$T/row"
    theirs="$(json_num "$T/row" residual_rms_db_20_10k) $(json_num "$T/row" residual_rms_db_20_16k) $(json_num "$T/row" measured_minus_predicted_rms_db_20_16k)"
    # The CSV holds 3 decimals; the summary was computed before rounding.
    if echo "$(cat "$T/mine") $theirs" | awk '{ for (i = 1; i <= 3; i++) { d = $i - $(i + 3); if (d > 0.002 || d < -0.002) exit 1 } }'; then
        ok "$1 $2: summary.json's RMS figures ($theirs) match the CSV"
    else
        bad "$1 $2: summary.json says $theirs, the CSV gives $(cat "$T/mine")"
    fi
}

# preamp APO: the first Preamp line's value (hpfr gives both ears one preamp).
preamp() { sed -n 's/^Preamp: *\(-*[0-9.]*\) dB.*/\1/p' "$1" | head -n 1; }

# ---- the measured session: 2 placements (their seating differs) ----
"$HPFR" measure -D "$DEV" -o s --placements 2 --samples $N --yes </dev/null >s.log 2>&1 ||
    die "measure: $(cat s.log)"

# ---- one filter set (ParametricEQ.txt without Channel:), fitted to placement 1's left ear ----
# (copied under another name: hpfr eq would pair fr-L.csv with its fr-R.csv)
cp s/placement-1/fr-L.csv left.csv || die "cp"
if "$HPFR" eq left.csv --target harman-oe-2018 -o eq1 >eq1.log 2>&1 &&
    [ -s eq1/eq.csv ] && ! grep -q Channel: eq1/ParametricEQ.txt; then
    ok "eq: one filter set (eq.csv, ParametricEQ.txt without Channel:)"
else
    bad "eq of one file" "$(cat eq1.log; ls eq1)"
fi
if "$HPFR" verify -D "$DEV" --eq eq1 --samples $N --yes </dev/null >v1.log 2>&1; then
    V=eq1/verify
    for f in session.json sweep.wav placement-1/fr-L.csv placement-1/capture.wav residual-L.csv \
        residual-R.csv summary.json; do
        [ -s "$V/$f" ] || bad "verify: $V/$f missing"
    done
    [ "$(head -n 1 "$V/residual-L.csv")" = "frequency,target,predicted,measured,residual" ] &&
        ok "verify of one filter set: session, placement, residual CSVs, summary.json" ||
        bad "residual CSV header" "$(head -n 1 "$V/residual-L.csv")"
    grep -q "^verdict: " v1.log && grep -q "20 Hz-16 kHz" v1.log && ok "a summary and a verdict on stdout" ||
        bad "no verdict" "$(cat v1.log)"
    P=$(preamp eq1/ParametricEQ.txt)
    # The fit was of the left ear of placement 1, which verify measured again.
    check_fit "$V" L eq1/eq.csv "$P" "one filter set"
    for ear in L R; do
        apo_db eq1/ParametricEQ.txt $ear 48000 "$V/residual-$ear.csv" >"$V/apo-$ear.csv"
        col=2; [ $ear = R ] && col=3
        expected "$V" $ear $col 48000 "$V/apo-$ear.csv" 1
        check_truth "$V" $ear "one filter set"
    done
    # The target column is eq.csv's target lowered by the preamp (one level for all columns).
    awk -F, -v p="$P" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "frequency,t"; next }
        { printf "%s,%.4f\n", $1, $c["target"] + p }' eq1/eq.csv >"$V/tgt.csv"
    e=$(cmp_rms "$V/residual-L.csv" 2 "$V/tgt.csv" 2 20 20000)
    within "$e" 0.01 0.01 && ok "target column: eq.csv's target plus the preamp ($e)" ||
        bad "target column is $e off eq.csv's target plus the preamp"
    check_stats "$V" L
    check_stats "$V" R
else
    bad "verify of one filter set" "$(cat v1.log)"
fi

# ---- one filter set fitted to the mean of both ears ("L+R" in summary.json): judged on the
# mean of the measured ears, written to residual.csv. The closed-back pair differs by more than
# the 0.5 dB that makes hpfr eq fit the ears apart, so the summary is relabelled here. ----
mkdir eqm && cp eq1/ParametricEQ.txt eq1/eq.csv eqm/ &&
    sed 's/"channel": "all"/"channel": "L+R"/' eq1/summary.json >eqm/summary.json
grep -q '"L+R"' eqm/summary.json || bad "eq1/summary.json has no \"channel\": \"all\"" "$(cat eq1/summary.json)"
if "$HPFR" verify -D "$DEV" --eq eqm --samples $N --yes </dev/null >vm.log 2>&1; then
    V=eqm/verify
    e=$(paste -d, "$V/residual-L.csv" "$V/residual-R.csv" "$V/residual.csv" | awk -F, '
        NR > 1 { d = ($4 + $9) / 2 - $14; if (d < 0) d = -d; if (d > m) m = d } END { print m + 0 }')
    awk -v e="$e" 'BEGIN { exit !(e <= 0.0011) }' && grep -q '"judged_on": "L+R"' "$V/summary.json" &&
        ok "a fit to both ears' mean: residual.csv holds the mean of the ears (to $e dB), judged on it" ||
        bad "L+R: residual.csv off the ears' mean by $e" "$(cat vm.log)"
    check_stats "$V" L+R
else
    bad "verify of an L+R fit" "$(cat vm.log)"
fi

# ---- a filter set per channel (Channel: L / Channel: R), fitted to the session's mean ----
if "$HPFR" eq s --target harman-oe-2018 -o eq2 >eq2.log 2>&1 && [ -s eq2/eq-L.csv ] &&
    grep -q "Channel: R" eq2/ParametricEQ.txt; then
    ok "eq of the session: a filter set per channel"
else
    bad "eq of the session" "$(cat eq2.log; ls eq2)"
fi
if "$HPFR" verify -D "$DEV" --eq eq2 --placements 2 --samples $N --yes </dev/null >v2.log 2>&1; then
    V=eq2/verify
    P=$(preamp eq2/ParametricEQ.txt)
    for ear in L R; do
        # Each ear's own filters: the right ear's block follows "Channel: R".
        check_fit "$V" $ear "eq2/eq-$ear.csv" "$P" "per channel, 2 placements averaged"
        apo_db eq2/ParametricEQ.txt $ear 48000 "$V/residual-$ear.csv" >"$V/apo-$ear.csv"
        col=2; [ $ear = R ] && col=3
        expected "$V" $ear $col 48000 "$V/apo-$ear.csv" 2
        check_truth "$V" $ear "per channel, 2 placements averaged"
        check_stats "$V" $ear
    done
    grep -q '"verdict": "as predicted"' "$V/summary.json" && ok "verdict: as predicted" ||
        bad "verdict" "$(cat v2.log)"
    # The ears' filter sets differ: playing each ear's through the other ear would not match.
    apo_db eq2/ParametricEQ.txt R 48000 "$V/residual-L.csv" >"$V/apo-swapped.csv"
    expected "$V" swapped 2 48000 "$V/apo-swapped.csv" 2
    e=$(cmp_rms "$V/residual-L.csv" 4 "$V/exp-swapped.csv" 2 20 16000)
    if within "$e" 0.05 100; then
        bad "the right ear's filters fit the left ear's measurement as well ($e)"
    else
        ok "the left ear was played its own filters (the right ear's would be $e dB off)"
    fi
else
    bad "verify per channel" "$(cat v2.log)"
fi

# ---- the report shows the verify of its EQ, with the numbers of verify's summary ----
if "$HPFR" report s --eq eq2 -o report.html >report.log 2>&1; then
    got=$(sed -n 's|.*<tr id="s-verified"><th>[^<]*</th><td>\(.*\)</td></tr>.*|\1|p' report.html)
    sed -n '/"channel": "L"/,/}/p' eq2/verify/summary.json >"$T/row"
    want=$(printf '%.2f dB RMS from the target (20 Hz–10 kHz), %.2f dB' \
        "$(json_num "$T/row" residual_rms_db_20_10k)" "$(json_num "$T/row" measured_minus_predicted_rms_db_20_16k)")
    echo "$got" | grep -q "^as predicted (2 placements): L $want" &&
        ok "report: EQ verified row ($got)" || bad "report's EQ verified row: '$got', want 'L $want'"
else
    bad "hpfr report with a verified EQ" "$(cat report.log)"
fi

# ---- the FIRs (minimum and linear phase) of the per-channel EQ ----
for phase in minimum linear; do
    V=fir-$phase
    if "$HPFR" verify -D "$DEV" --eq eq2 --fir $phase -o $V --placements 2 --samples $N --yes \
        </dev/null >$V.log 2>&1; then
        for ear in L R; do
            { echo frequency,db
              "$WAVTOOL" response "eq2/fir-$phase-48000-$ear.wav" "$V/residual-$ear.csv"; } >"$V/fir-$ear.csv"
            col=2; [ $ear = R ] && col=3
            expected "$V" $ear $col 48000 "$V/fir-$ear.csv" 2
            check_truth "$V" $ear "FIR $phase phase"
            check_stats "$V" $ear
            # verify's prediction: the fit's raw response plus the FIR's own response.
            awk -F, 'FILENAME == ARGV[1] { if (FNR > 1) r[FNR - 1] = $2; next }
                FNR == 1 { print "frequency,p"; next } { printf "%s,%.4f\n", $1, $2 + r[FNR - 1] }' \
                "eq2/eq-$ear.csv" "$V/fir-$ear.csv" >"$V/pred-$ear.csv"
            e=$(cmp_rms "$V/residual-$ear.csv" 3 "$V/pred-$ear.csv" 2 20 20000)
            within "$e" 0.01 0.01 && ok "FIR $phase $ear: predicted = raw + the FIR's response ($e)" ||
                bad "FIR $phase $ear: predicted is $e off raw + the FIR's response"
        done
        grep -q '"verdict": "as predicted"' "$V/summary.json" && ok "FIR $phase: as predicted" ||
            bad "FIR $phase verdict" "$(cat $V.log)"
    else
        bad "verify --fir $phase" "$(cat $V.log)"
    fi
done

# ---- another rate: the 48 kHz fit's filters designed at 44.1 kHz, the rate played at ----
if "$HPFR" verify -D "$DEV" --eq eq2 --rate 44100 -o r44 --placements 2 --samples $N --yes \
    </dev/null >r44.log 2>&1; then
    grep -q "fitted at 48000 Hz; they are designed at 44100 Hz" r44.log &&
        ok "44.1 kHz: the rate change is stated" || bad "44.1 kHz: no note" "$(cat r44.log)"
    for ear in L R; do
        apo_db eq2/ParametricEQ.txt $ear 44100 "r44/residual-$ear.csv" >"r44/apo-$ear.csv"
        col=2; [ $ear = R ] && col=3
        expected r44 $ear $col 44100 "r44/apo-$ear.csv" 2
        check_truth r44 $ear "played at 44.1 kHz"
    done
else
    bad "verify --rate 44100" "$(cat r44.log)"
fi

# ---- refusals after the inputs were read: an earlier verify, a correction that clips ----
"$HPFR" verify -D "$DEV" --eq eq1 --samples $N --yes </dev/null >again.log 2>&1
[ $? -eq 2 ] && grep -q "already holds a verify measurement" again.log && [ "$(wc -l <again.log)" -eq 1 ] &&
    ok "an existing verify directory is not overwritten" || bad "existing verify" "$(cat again.log)"
mkdir loud && cp eq1/eq.csv loud/ &&
    printf 'Filter 1: ON PK Fc 1000 Hz Gain 15 dB Q 0.5\n' >loud/ParametricEQ.txt
"$HPFR" verify -D "$DEV" --eq loud --samples $N --yes </dev/null >loud.log 2>&1
[ $? -eq 2 ] && grep -q "would clip: lower --level" loud.log && [ ! -e loud/verify ] &&
    ok "a correction that would clip is refused, and nothing is left behind" ||
    bad "clipping correction" "$(cat loud.log; ls loud)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
