#!/bin/sh
# SPDX-License-Identifier: MIT
# hpfr average, leak and compare end to end, against the simulated rig's truth. Sessions come
# from tests/tools/simsession (the rig model of dsp/rigmodel.h) either directly (exact fr-*.csv
# and impulse responses) or as captures of a real `hpfr sweep` through the model that
# `hpfr analyze` turns into the session's files, as `hpfr measure` will. The truth
# (truth/leak.csv: leak parameters and the leak sections' exact levels; truth/fr-*.csv: exact
# responses) comes from the filter coefficients, never from an earlier hpfr run.
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"  # resolved before any cd
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
SIMSESSION=$O/tests/tools/simsession
for x in "$HPFR" "$SIMSESSION"; do
    [ -x "$x" ] || die "$x is missing (make O=$O $x)"
done

T=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || die "cd $T"
HPFR_WISDOM=$T/fftw-wisdom
export HPFR_WISDOM

. "$TESTS_LIB"

# run DESC CMD...: ok when CMD exits 0, else FAIL with its output.
run() {
    desc=$1
    shift
    if "$@" >out.log 2>err.log; then
        ok "$desc"
        return 0
    fi
    bad "$desc (exit status $?)" "\$ $*
$(cat out.log err.log)"
    return 1
}

# check DESC OUTPUT: the checks below print nothing when all is well, else one line per
# problem.
check() {
    if [ -z "$2" ]; then ok "$1"; else bad "$1" "$2"; fi
}

# is EXPECTED ACTUAL: prints a problem unless they are equal.
is() {
    [ "$1" = "$2" ] || echo "expected '$1', found '$2'"
}

# A session through `hpfr analyze`: simsession's captures of the sweep, analysed in place.
analyzed_session() {
    dir=$1
    shift
    "$SIMSESSION" -o "$dir" --capture sweep.wav "$@" || return 1
    for p in "$dir"/placement-*; do
        "$HPFR" analyze --sweep sweep.wav --rec "$p/capture.wav" -o "$p" >/dev/null || return 1
    done
}

# Compares leak.csv with truth/leak.csv: every placement's model and corner (within 3 % for
# corners of 10 Hz and more; the reference's own corner, the tiny leak of a good seal, is an
# extrapolation below 10 Hz and within 10 %), and the loss at 20/50/100 Hz re the reference
# placement REF within 0.2 dB. Prints the problems, then a "worst" line on stderr.
compare_leak() {
    awk -F, -v ref="$3" '
        FNR == 1 { next }
        FILENAME == ARGV[1] {  # truth
            k = $1 "," $2
            order[k] = $3; corner[k] = $4; l20[k] = $7; l50[k] = $8; l100[k] = $9
            next
        }
        {
            k = $1 "," $2; r = ref "," $2
            if (!(k in order)) { print "no truth for " k; next }
            want = order[k] == 2 ? "inertive" : "resistive"
            if ($3 != want) print k ": model " $3 ", truth " want
            e = $4 / corner[k] - 1; if (e < 0) e = -e
            tol = corner[k] >= 10 ? 0.03 : 0.10
            if (corner[k] >= 10 && e > worst_c) worst_c = e
            if (e > tol) print k ": corner " $4 " Hz, truth " corner[k] " Hz"
            split("7 8 9", col, " ")
            t[1] = -(l20[k] - l20[r]); t[2] = -(l50[k] - l50[r]); t[3] = -(l100[k] - l100[r])
            for (i = 1; i <= 3; i++) {
                d = $(6 + i) - t[i]; if (d < 0) d = -d
                if (d > worst_l) worst_l = d
                if (d > 0.2) print k ": loss column " (6 + i) " = " $(6 + i) ", truth " t[i]
            }
            n++
        }
        END {
            if (n == 0) print "no rows"
            printf "worst corner error %.3f %%, loss error %.4f dB\n", 100 * worst_c, worst_l > "/dev/stderr"
        }' "$1" "$2"
}

# Truth figures from truth/fr-<ear>-<k>.csv for placements 1..N: for each ear the bass level
# (mean dB over 20-50 Hz minus mean over 500 Hz-2 kHz) per placement and its sample standard
# deviation, and the consistency (RMS over the band of the per-frequency sample standard
# deviation) for 20-200, 200-5000 and 5000-10000 Hz. Prints "EAR spread S c1 c2 c3", then
# "bass_spread MAX" (the largest over the ears).
truth_figures() {
    dir=$1 n=$2
    for ear in L R; do
        files=""
        k=1
        while [ "$k" -le "$n" ]; do files="$files $dir/truth/fr-$ear-$k.csv"; k=$((k + 1)); done
        # shellcheck disable=SC2086
        awk -F, -v ear="$ear" -v n="$n" '
            FNR == 1 { p++; next }
            {
                f[FNR] = $1; v[p, FNR] = $2; rows = FNR
                if ($1 >= 20 && $1 < 50) { bs[p] += $2; bn[p]++ }
                if ($1 >= 500 && $1 < 2000) { rs[p] += $2; rn[p]++ }
            }
            END {
                m = 0
                for (q = 1; q <= n; q++) { b[q] = bs[q] / bn[q] - rs[q] / rn[q]; m += b[q] / n }
                ss = 0
                for (q = 1; q <= n; q++) ss += (b[q] - m) ^ 2
                split("20 200 5000", lo, " "); split("200 5000 10000", hi, " ")
                out = sprintf("%s spread %.6f", ear, sqrt(ss / (n - 1)))
                for (bd = 1; bd <= 3; bd++) {
                    s2 = 0; c = 0
                    for (i = 2; i <= rows; i++) {
                        if (f[i] < lo[bd] || f[i] >= hi[bd]) continue
                        mu = 0
                        for (q = 1; q <= n; q++) mu += v[q, i] / n
                        var = 0
                        for (q = 1; q <= n; q++) var += (v[q, i] - mu) ^ 2
                        s2 += var / (n - 1); c++
                    }
                    out = out sprintf(" %.6f", sqrt(s2 / c))
                }
                print out
            }' $files
    done | awk '{ print; if ($3 > m) m = $3 } END { printf "bass_spread %.6f\n", m }'
}

# The figures hpfr reported: from average/summary.json the consistency per channel (in file
# order: L's three bands, then R's) and from leak/summary.json the bass spread.
reported_figures() {
    sed -n 's/^ *"\(20-200\|200-5000\|5000-10000\)": \([-0-9.e]*\),\{0,1\}$/\2/p' "$1/average/summary.json" |
        awk '{ v[NR] = $1 } END { printf "L %s %s %s\nR %s %s %s\n", v[1], v[2], v[3], v[4], v[5], v[6] }'
    sed -n 's/^ *"bass_spread_db": \([-0-9.e]*\),\{0,1\}$/bass_spread \1/p' "$1/leak/summary.json"
}

# Reported against truth, within 0.1 dB.
compare_figures() {
    truth_figures "$1" "$2" >truth.txt
    reported_figures "$1" >reported.txt
    awk '
        FILENAME == ARGV[1] {
            if ($1 == "bass_spread") t["bass"] = $2
            else { t[$1, 1] = $4; t[$1, 2] = $5; t[$1, 3] = $6 }
            next
        }
        $1 == "bass_spread" { d = $2 - t["bass"]; if (d < 0) d = -d; if (d > 0.1) print "bass spread " $2 ", truth " t["bass"]; n++; next }
        {
            for (b = 1; b <= 3; b++) {
                d = $(b + 1) - t[$1, b]; if (d < 0) d = -d
                if (d > 0.1 || $(b + 1) == "") print $1 " band " b ": " $(b + 1) ", truth " t[$1, b]
                n++
            }
        }
        END { if (n != 7) print "expected 7 figures, found " n }' truth.txt reported.txt
}

# Outliers by the truth: per ear, the bass levels of placements 1..N from truth/fr-*.csv,
# their robust z-scores (x - median) / max(1.4826 MAD, 0.5 dB), flagged beyond 3.5. Prints
# "EAR PLACEMENT" per flagged placement, sorted.
truth_outliers() {
    dir=$1 n=$2
    for ear in L R; do
        k=1
        while [ "$k" -le "$n" ]; do
            awk -F, -v k="$k" 'FNR > 1 && $1 >= 20 && $1 < 50 { b += $2; nb++ }
                               FNR > 1 && $1 >= 500 && $1 < 2000 { r += $2; nr++ }
                               END { printf "%d %.9f\n", k, b / nb - r / nr }' "$dir/truth/fr-$ear-$k.csv"
            k=$((k + 1))
        done | sort -k2 -g | awk -v ear="$ear" '
            { p[NR] = $1; v[NR] = $2 }
            END {
                m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                n = NR
                for (i = 1; i <= n; i++) {  # insertion sort of |v - m| (mawk has no asort)
                    x = v[i] > m ? v[i] - m : m - v[i]
                    for (j = i - 1; j >= 1 && d[j] > x; j--) d[j + 1] = d[j]
                    d[j + 1] = x
                }
                mad = n % 2 ? d[(n + 1) / 2] : (d[n / 2] + d[n / 2 + 1]) / 2
                s = 1.4826 * mad; if (s < 0.5) s = 0.5
                for (i = 1; i <= NR; i++) { z = (v[i] - m) / s; if (z > 3.5 || z < -3.5) print ear, p[i] }
            }'
    done | sort
}

# The outliers hpfr reported in average/summary.json, as "EAR PLACEMENT", sorted.
reported_outliers() {
    awk '/"channel": "[LR]"/ { gsub(/[",]/, "", $2); ear = $2 }
         /"placement": [0-9]/ { gsub(/,/, "", $2); print ear, $2 }' "$1/average/summary.json" | sort
}

verdict() {
    sed -n 's/^ *"verdict": "\([a-z-]*\)",\{0,1\}$/\1/p' "$1/leak/summary.json"
}

# ---- exact sessions: the leak fit over 10-150 Hz, inertive and resistive ----

LEAKS=5,10,15,20,30,50,75,100,150
for preset in closed-back open-back; do
    run "$preset: simsession with leak corners $LEAKS" \
        "$SIMSESSION" -o "exact-$preset" --preset "$preset" --placements 9 --leaks "$LEAKS" || continue
    run "$preset: hpfr leak --reference 1" "$HPFR" leak "exact-$preset" --reference 1 || continue
    check "$preset: leak.csv header" \
        "$(is placement,ear,model,corner_hz,f0_hz,q,loss20_db,loss50_db,loss100_db,residual_db \
              "$(head -n 1 "exact-$preset/leak/leak.csv")")"
    check "$preset: leak.csv has one row per placement and ear" \
        "$(awk 'END { if (NR != 19) print NR - 1 " rows" }' "exact-$preset/leak/leak.csv")"
    check "$preset: corners within 3 % and bass loss within 0.2 dB of the model (exact session)" \
        "$(compare_leak "exact-$preset/truth/leak.csv" "exact-$preset/leak/leak.csv" 1 2>worst.txt)"
    sed 's/^/    /' worst.txt
    check "$preset: the reference row has zero loss" \
        "$(awk -F, '$1 == 1 { n++; if ($7 != "0.000" || $8 != "0.000" || $9 != "0.000") print }
                    END { if (n != 2) print n " reference rows" }' "exact-$preset/leak/leak.csv")"
    check "$preset: leak curves 10 Hz-1 kHz as leak-<ear>-<placement>.csv" \
        "$(for e in L R; do for k in 1 2 3 4 5 6 7 8 9; do
               f=exact-$preset/leak/leak-$e-$k.csv
               [ "$(head -n 1 "$f")" = frequency,db ] || echo "$f: header"
               [ "$(sed -n 2p "$f" | cut -d, -f1)" = 10.000 ] || echo "$f: first row"
               [ "$(tail -n 1 "$f" | cut -d, -f1)" = 1000.000 ] || echo "$f: last row"
           done; done 2>&1)"
done
# The 150 Hz curve, read at 20 Hz, against the truth (an independent reader of the curve file).
check "closed-back: leak-L-9.csv at 20 Hz equals the truth's loss within 0.2 dB" \
    "$(awk -F, 'FILENAME == ARGV[1] { if ($1 == 1 && $2 == "L") r = $7; if ($1 == 9 && $2 == "L") p = $7; next }
                FNR > 1 && $1 + 0 <= 20 { v0 = $2; f0 = $1 } FNR > 1 && $1 + 0 > 20 && !done { v1 = $2; f1 = $1; done = 1 }
                END { v = v0 + (v1 - v0) * log(20 / f0) / log(f1 / f0); d = v - (p - r); if (d < 0) d = -d
                      if (d > 0.2) print "curve " v " dB at 20 Hz, truth " p - r }' \
       exact-closed-back/truth/leak.csv exact-closed-back/leak/leak-L-9.csv)"

# ---- through hpfr analyze ----

run "hpfr sweep: stereo left-then-right sweep" "$HPFR" sweep -o sweep.wav --channels 2 --samples 131072
run "closed-back, 6 leak corners, captured and analysed" \
    analyzed_session ana-leaks --preset closed-back --placements 6 --leaks 5,10,20,40,80,150
run "hpfr leak on the analysed session" "$HPFR" leak ana-leaks --reference 1 &&
    check "analysed: corners within 3 % and bass loss within 0.2 dB of the model" \
        "$(compare_leak ana-leaks/truth/leak.csv ana-leaks/leak/leak.csv 1 2>worst.txt)"
sed 's/^/    /' worst.txt

for preset in closed-back open-back; do
    run "$preset preset, seed 1, 6 placements, captured and analysed" \
        analyzed_session "ana-$preset" --preset "$preset" --placements 6 --seed 1 || continue
    run "$preset: hpfr average" "$HPFR" average "ana-$preset"
    check "$preset: average writes SESSION/average/" \
        "$(for f in average-L.csv average-R.csv balance.csv summary.json; do
               [ -s "ana-$preset/average/$f" ] || echo "missing $f"; done)"
    check "$preset: average-L.csv header" \
        "$(is frequency,power_db,mean_db,std_db,min_db,max_db "$(head -n 1 "ana-$preset/average/average-L.csv")")"
    run "$preset: hpfr leak (best-sealed reference)" "$HPFR" leak "ana-$preset"
    check "$preset: consistency per band and bass spread equal the truth's within 0.1 dB" \
        "$(compare_figures "ana-$preset" 6)"
    sed 's/^/    truth: /' truth.txt
    sed 's/^/    hpfr:  /' reported.txt
    truth_outliers "ana-$preset" 6 >outliers.txt
    check "$preset: outlier placements as the truth's robust z-scores flag them ($(tr '\n' ' ' <outliers.txt))" \
        "$(is "$(cat outliers.txt)" "$(reported_outliers "ana-$preset")")"
done
check "closed-back judged seal-sensitive" "$(is seal-sensitive "$(verdict ana-closed-back)")"
check "open-back judged seal-insensitive" "$(is seal-insensitive "$(verdict ana-open-back)")"
check "the verdict is printed with its evidence" \
    "$(is 3 "$("$HPFR" leak ana-closed-back -o leak-again |
               grep -c -e '^seal: seal-sensitive$' -e 'varies by' -e 'losing more than')")"

# ---- compare ----

run "hpfr compare closed-back open-back" "$HPFR" compare ana-closed-back ana-open-back -o cmp
check "compare: table, curves and summary written" \
    "$(for f in compare.txt compare.csv fr-L.csv fr-R.csv leak-L.csv leak-R.csv balance.csv summary.json; do
           [ -s "cmp/$f" ] || echo "missing $f"; done)"
check "compare: the verdicts side by side" "$(is seal,seal-sensitive,seal-insensitive "$(grep '^seal,' cmp/compare.csv)")"
check "compare: bass spreads equal those of hpfr leak" \
    "$(a=$(sed -n 's/^ *"bass_spread_db": \([-0-9.e]*\),$/\1/p' ana-closed-back/leak/summary.json)
       b=$(sed -n 's/^ *"bass_spread_db": \([-0-9.e]*\),$/\1/p' ana-open-back/leak/summary.json)
       awk -F, -v a="$a" -v b="$b" '$1 == "bass_spread_db" { n++; if (($2 - a) ^ 2 > 1e-4 || ($3 - b) ^ 2 > 1e-4 || a == "" || b == "") print }
                                    END { if (n != 1) print n " bass_spread_db rows" }' cmp/compare.csv)"
check "compare: no note when grids and rates agree" "$(grep '^note:' out.log)"

run "exact open-back session on AutoEq's grid at 44.1 kHz" \
    "$SIMSESSION" -o other --preset open-back --placements 4 --grid autoeq --rate 44100
run "hpfr compare across grids and rates" "$HPFR" compare ana-closed-back other -o cmp2
check "compare: says the grids were brought to a common one" \
    "$(is 1 "$(grep -c '^note: .*grids differ.*common 1/48-octave grid' out.log)")"
check "compare: says the rates differ" \
    "$(is 1 "$(grep -c '^note: .*different rates (A: 48000 Hz, B: 44100 Hz)' out.log)")"
check "compare: the notes are in summary.json and compare.txt" \
    "$(is 2 "$(cat cmp2/summary.json cmp2/compare.txt | grep -c 'grids differ')")"
check "compare: the curves share the common grid" \
    "$(awk -F, 'NR == 2 && $1 != "20.000" { print "first " $1 } END { if (NR != 480) print NR - 1 " rows" }' cmp2/fr-L.csv)"

# A skipped placement is ignored; --smoothed reads the other column.
run "session with placement 2 skipped" "$SIMSESSION" -o skip --placements 4 --skip 2
run "hpfr average --smoothed on it" "$HPFR" average skip --smoothed -o skip-avg
check "only the done placements are used" "$(is 1 "$(grep -c ': 3 placements (1 3 4), smoothed column' out.log)")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
