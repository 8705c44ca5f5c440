#!/bin/sh
# SPDX-License-Identifier: MIT
# `hpfr report` end to end on sessions measured from the simulated rig (hpfr measure -D
# hpfr_sim): the summary's numbers against the rig's truth (latency from `hpfr sim truth
# --params`; THD at 100 Hz and 1 kHz from the model's harmonic levels shaped by its exact
# response; L/R imbalance from the exact responses; leak corners of a leak analysis written
# from the model's corners; the preamp of ParametricEQ.txt), capture times against
# session.json; a session alone states what is missing; synthetic `hpfr average`, `hpfr leak`
# and `hpfr eq` outputs in their documented formats add their sections; the page opens in
# headless Chromium from disk with every image rendered, no console errors, no request
# beyond the page, links that resolve, no sideways scrolling on a phone, and screenshots
# saved; names with markup are escaped; a damaged optional part is stated, not an error; no
# gnuplot still gives the page; bad input exits 2 with one line and leaves nothing behind.
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
for c in gnuplot node "${HPFR_CHROMIUM:-chromium}"; do
    command -v "$c" >/dev/null 2>&1 || die "$c is not installed (make deps)"
done
. "$TESTS_LIB"

D=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$D"' EXIT
trap 'exit 1' INT TERM
T=$D/c                       # captured output
SHOTS=$O/tests/report        # the browser's screenshots stay here for a look
mkdir -p "$T" "$D/w" "$D/tmp" "$SHOTS" && cd "$D/w" || die "cd $D/w"
export TMPDIR="$D/tmp"       # hpfr report's plot scratch directory: must be gone afterwards

NAME='<script>alert(1)</script> & "Q" '"'"'x'"'"' é'
"$HPFR" measure -D hpfr_sim -o S --name "$NAME" --placements 3 --samples 65536 --yes \
    </dev/null >"$T/measure" 2>&1 || die "hpfr measure: $(tail -n 3 "$T/measure")"
for p in 1 2 3; do
    "$HPFR" sim truth --placement $p -o "truth-$p.csv" &&
        "$HPFR" sim truth --placement $p --params >"params-$p.json" || die "hpfr sim truth"
done

# ---- helpers ----
# The text of summary row ID of a page, tags removed and entities decoded.
row() {
    sed -n "s|.*<tr id=\"s-$1\"><th>[^<]*</th><td>\(.*\)</td></tr>.*|\1|p" "$2" |
        sed 's/<[^>]*>//g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&amp;/\&/g'
}
# A JSON value: json FILE EXPRESSION (in terms of d, the parsed document).
json() { node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(eval(process.argv[2]))' "$1" "$2"; }
# near NAME GOT WANT TOL: |GOT - WANT| <= TOL
near() {
    if awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN { d = a - b; exit !(a != "" && (d < 0 ? -d : d) <= t) }'
    then ok "$1: $2 (truth $3, within $4)"; else bad "$1: $2, truth $3, tolerance $4"; fi
}
# The browser's verdicts as ok/bad lines; its other output stays in $T/browser.
browser() {
    label=$1; shift
    node "$HERE/report_browser.js" "$@" >"$T/browser" 2>&1
    rc=$?
    while IFS= read -r line; do
        case "$line" in
            "ok "*) ok "$label: browser ${line#ok }" ;;
            "FAIL "*) bad "$label: browser ${line#FAIL }" ;;
        esac
    done <"$T/browser"
    [ "$rc" -eq 0 ] || grep -q '^FAIL ' "$T/browser" || bad "$label: browser exit $rc" "$(tail -n 5 "$T/browser")"
}
# report LABEL ARGS...: hpfr report must succeed without a word on stderr
report() {
    label=$1; shift
    if "$HPFR" report "$@" >"$T/out" 2>"$T/err" && [ ! -s "$T/err" ]; then
        ok "$label: exit 0, quiet"; return 0
    fi
    bad "$label: hpfr report $*" "$(cat "$T/err")"
    return 1
}

# Expected THD (%) at F Hz of one ear (column C: 2 left, 3 right) averaged over the truth
# files: the rig's nonlinearity sits before its filters (a Hammerstein model, rigmodel.h), so
# harmonic n, made at H_n dB re the fundamental (h2_db, h3_db of --params), reaches the
# microphone at H_n + |H(nF)| - |H(F)|; |H| is read off the exact response, interpolated in
# log f on its 1/48-octave grid.
thd_truth() {
    F=$1 C=$2; shift 2
    h2=$(json params-1.json 'd.left.h2_db') h3=$(json params-1.json 'd.left.h3_db')
    awk -F, -v F="$F" -v C="$C" -v h2="$h2" -v h3="$h3" '
        function at(x,   i, t) {
            for (i = 1; i < n; i++) if (f[i] <= x && x <= f[i + 1]) {
                t = log(x / f[i]) / log(f[i + 1] / f[i]); return y[i] + t * (y[i + 1] - y[i]) }
            return -1000
        }
        function emit() { s += 100 * sqrt(10 ^ ((h2 + at(2 * F) - at(F)) / 10) + 10 ^ ((h3 + at(3 * F) - at(F)) / 10)); m++ }
        FNR == 1 { if (n) emit(); n = 0; next }
        { n++; f[n] = $1; y[n] = $C }
        END { emit(); printf "%.5f\n", s / m }' "$@"
}

# ---- a session alone ----
mkdir out
if report "session alone" S -o out/alone.html; then
    grep -q '^wrote out/alone.html: 3 placements' "$T/out" && ok "session alone: says what it wrote" ||
        bad "session alone: stdout" "$(cat "$T/out")"
fi
A=out/alone.html
lat=$(json params-1.json 'd.latency_frames')
got=$(row latency $A)
[ "$got" = "$lat frames ($(awk -v l="$lat" 'BEGIN { printf "%.3f", l * 1000 / 48000 }') ms)" ] &&
    ok "latency: $got (truth $lat frames)" || bad "latency: '$got', truth $lat frames"
for f in 100 1k; do
    F=$f; [ "$f" = 1k ] && F=1000
    cell=$(row "thd$f" $A)
    for ear in L R; do
        C=2; [ $ear = R ] && C=3
        v=$(printf '%s\n' "$cell" | sed -n "s/.*$ear \([0-9.]*\) %.*/\1/p")
        want=$(thd_truth $F $C truth-1.csv truth-2.csv truth-3.csv)
        # 0.1 dB in the harmonic level: the measured harmonics carry the sweep's noise and
        # windowing; the three decimals shown round by at most 0.0005 %.
        near "THD at $F Hz, $ear (%)" "$v" "$want" "$(awk -v w="$want" 'BEGIN { print w * (10 ^ (0.1 / 20) - 1) + 0.0005 }')"
    done
done
imb=$(row imbalance $A | sed -n 's/^\([-+0-9.]*\) dB.*/\1/p')
imb_abs=$(row imbalance $A | sed -n 's/.*mean |L-R| \([0-9.]*\) dB.*/\1/p')
truth_imb=$(awk -F, 'FNR == 1 { next } { d[FNR] += $2 - $3; n[FNR]++ }
    END { for (k in d) { v = d[k] / n[k]; s += v; a += v < 0 ? -v : v; m++ } printf "%.5f %.5f\n", s / m, a / m }' \
    truth-1.csv truth-2.csv truth-3.csv)
# the measured responses are within 0.005 dB of the exact ones on average; two decimals shown
near "L/R imbalance (dB)" "$imb" "${truth_imb% *}" 0.01
near "mean |L-R| (dB)" "$imb_abs" "${truth_imb#* }" 0.01
for p in 1 2 3; do
    want=$(json S/session.json "d.placements[$((p - 1))].captured")
    grep -q "<tr id=\"p-$p\"><td><a href=\"[^\"]*\">$p</a></td><td class=\"captured\">$want</td>" $A &&
        ok "placement $p: captured $want, as session.json says" || bad "placement $p: capture time $want not shown"
done
for cmd in "hpfr average" "hpfr leak" "hpfr eq"; do
    grep -q "class=\"missing\">.*$cmd S" $A && ok "session alone: missing part stated ($cmd)" ||
        bad "session alone: no note about $cmd"
done
[ "$(row leak-corners $A)" = "not computed: run hpfr leak S" ] && ok "leak corners: not computed" ||
    bad "leak corners row: $(row leak-corners $A)"
if grep -q '<script>alert' $A || ! grep -q '<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Q&quot; &#39;x&#39; é</h1>' $A
then bad "name escaped in the page"; else ok "name escaped in the page"; fi
export EXPECT_H1="$NAME"
browser "session alone" $A "$SHOTS"
unset EXPECT_H1
mv "$SHOTS/report-desktop.png" "$SHOTS/alone-desktop.png" 2>/dev/null
mv "$SHOTS/report-phone.png" "$SHOTS/alone-phone.png" 2>/dev/null

# ---- with average, leak and eq (written in their documented formats) ----
mkdir S/average S/leak
for ear in L R; do
    # per frequency over the placements' raw column: power average, mean, sample SD, min, max
    paste -d, S/placement-1/fr-$ear.csv S/placement-2/fr-$ear.csv S/placement-3/fr-$ear.csv | awk -F, '
        NR == 1 { print "frequency,power_db,mean_db,std_db,min_db,max_db"; next }
        { a = $2; b = $6; c = $10; m = (a + b + c) / 3
          p = 10 * log(( 10 ^ (a / 10) + 10 ^ (b / 10) + 10 ^ (c / 10)) / 3) / log(10)
          s = sqrt(((a - m) ^ 2 + (b - m) ^ 2 + (c - m) ^ 2) / 2)
          lo = a < b ? a : b; lo = lo < c ? lo : c; hi = a > b ? a : b; hi = hi > c ? hi : c
          printf "%s,%.4f,%.4f,%.4f,%.4f,%.4f\n", $1, p, m, s, lo, hi }' >S/average/average-$ear.csv
done
cat >S/average/summary.json <<'EOF'
{"hpfr_version": "0.1.0", "session": "S", "placements": [1, 2, 3], "column": "raw",
 "channels": [
  {"channel": "L", "file": "average-L.csv", "consistency_db": {"20-200": 0.31, "200-5000": 0.14, "5000-10000": 0.92},
   "bass_level_db": {"per_placement": [1.5, 1.5, 0.9], "median": 1.5, "std": 0.36, "range": 0.64}, "outliers": []},
  {"channel": "R", "file": "average-R.csv", "consistency_db": {"20-200": 1.83, "200-5000": 0.13, "5000-10000": 0.49},
   "bass_level_db": {"per_placement": [1.6, 1.6, -2.6], "median": 1.6, "std": 2.45, "range": 4.25},
   "outliers": [{"placement": 3, "bass_level_db": -2.6, "robust_z": -8.4, "reason": "bass level 4.2 dB below the median <of the placements>"}]}],
 "bass_spread": {"db": 2.45, "channel": "R"},
 "balance": {"file": "balance.csv", "mean_db": 0.44, "mean_abs_db": 0.52, "bands_db": {}}}
EOF
# leak.csv from the model's corners; each curve the placement's inertive leak over the
# best-sealed placement's, |H|^2 = (x^4 + x^2/Q^2) / ((1 - x^2)^2 + x^2/Q^2), x = f/f0.
echo "placement,ear,model,corner_hz,f0_hz,q,loss20_db,loss50_db,loss100_db,residual_db" >S/leak/leak.csv
for p in 1 2 3; do
    for ear in left right; do
        e=L; [ $ear = right ] && e=R
        printf '%s,%s,inertive,%s,%s,%s,0,0,0,0.001\n' $p $e "$(json params-$p.json "d.$ear.leak.corner_hz")" \
            "$(json params-$p.json "d.$ear.leak.f0_hz")" "$(json params-$p.json "d.$ear.leak.q")" >>S/leak/leak.csv
    done
done
for e in L R; do
    ref=$(awk -F, -v e=$e '$2 == e && (min == "" || $4 < min) { min = $4; f0 = $5; q = $6 } END { print f0, q }' S/leak/leak.csv)
    for p in 1 2 3; do
        awk -F, -v e=$e -v p=$p -v ref="$ref" 'BEGIN { split(ref, r, " ") }
            $1 == p && $2 == e { f0 = $5; q = $6 }
            function db(f, f0, q,   x) { x = f / f0; return 10 * log((x ^ 4 + x ^ 2 / q ^ 2) / ((1 - x ^ 2) ^ 2 + x ^ 2 / q ^ 2)) / log(10) }
            END { print "frequency,db"; for (k = 0; k <= 160; k++) { f = 10 * 2 ^ (k / 24); printf "%.3f,%.4f\n", f, db(f, f0, q) - db(f, r[1], r[2]) } }' \
            S/leak/leak.csv >S/leak/leak-$e-$p.csv
    done
done
cat >S/leak/summary.json <<'EOF'
{"session": "S", "seal": {"verdict": "seal-sensitive", "bass_spread_db": 2.45, "channel": "R", "threshold_db": 1,
 "evidence": ["bass level varies by 2.45 dB", "placements losing more than 3 dB at 20 Hz: 3 (R)"]},
 "channels": [{"channel": "L", "reference": 3}, {"channel": "R", "reference": 1}]}
EOF
EQ='E Q #1 <&>'
mkdir "$EQ"
printf 'Preamp: -5.3 dB\nFilter 1: ON LSC Fc 105 Hz Gain 4.0 dB Q 0.70\nFilter 2: ON PK Fc 2800 Hz Gain -5.5 dB Q 1.80\nFilter 3: ON HSC Fc 10000 Hz Gain -2.0 dB Q 0.70\n' \
    >"$EQ/ParametricEQ.txt"
printf '{"format": "hpfr-eq", "version": 1, "target": {"name": "harman-oe-2018"}, "channels": [{"channel": "L+R", "preamp_db": -5.3, "max_boost_db": 4.0, "rms_error_before_db": 2.7, "rms_error_after_db": 0.61, "preference_before": {"score": 58}, "preference_after": {"score": 104}}]}\n' \
    >"$EQ/summary.json"
awk -F, 'NR == 1 { print "frequency,raw,smoothed,error,target,equalization,parametric_eq,equalized_raw"; next }
    { printf "%s,%s,%s,%.3f,0,%.3f,%.3f,%.3f\n", $1, $2, $3, $2, -$2, -$2, 0 }' S/placement-1/fr-L.csv >"$EQ/eq.csv"
printf 'Filter Settings file\n' >"$EQ/rew.txt"

mkdir -p out/sub
if report "full" S -o out/sub/full.html --eq "$EQ"; then :; fi
R=out/sub/full.html
for p in 1 2 3; do
    for ear in left right; do
        e=L; [ $ear = right ] && e=R
        want=$(awk -v c="$(json params-$p.json "d.$ear.leak.corner_hz")" 'BEGIN { printf "%.1f", c }')
        got=$(sed -n "s|.*<tr id=\"p-$p\">.*<td class=\"n leak-$e\">\([^<]*\)</td>.*|\1|p" $R)
        [ "$got" = "$want" ] && ok "leak corner placement $p $e: $got Hz (model $want)" ||
            bad "leak corner placement $p $e: '$got', model $want"
    done
done
lo=$(awk -F, '$2 == "L" { printf "%.1f\n", $4 }' S/leak/leak.csv | sort -n | sed -n '1p')
hi=$(awk -F, '$2 == "L" { printf "%.1f\n", $4 }' S/leak/leak.csv | sort -n | sed -n '$p')
row leak-corners $R | grep -q "^L $lo–$hi Hz · R " && ok "leak corners: L $lo–$hi Hz" ||
    bad "leak corners row: $(row leak-corners $R), expected L $lo–$hi Hz"
[ "$(row seal $R)" = "seal-sensitive" ] && ok "seal verdict shown" || bad "seal verdict: $(row seal $R)"
row bass-spread $R | grep -q '^2.45 dB (channel R)' && ok "bass spread shown" || bad "bass spread: $(row bass-spread $R)"
pre=$(sed -n 's/^Preamp: \([-0-9.]*\) dB$/\1/p' "$EQ/ParametricEQ.txt")
[ "$(row preamp $R)" = "$pre dB" ] && ok "preamp $(row preamp $R), as ParametricEQ.txt says" ||
    bad "preamp: $(row preamp $R), ParametricEQ.txt says $pre dB"
row eq $R | grep -q '^3 filters to the target harman-oe-2018; RMS error 2.70 → 0.61 dB$' && ok "EQ row" ||
    bad "EQ row: $(row eq $R)"
grep -q 'href="../../E%20Q%20%231%20%3C%26%3E/ParametricEQ.txt">ParametricEQ.txt</a>' $R &&
    ok "profile link relative and percent-encoded" || bad "profile link" "$(grep -o 'href="[^"]*ParametricEQ[^"]*"' $R)"
grep -q 'below the median &lt;of the placements&gt;' $R && ok "outlier reason escaped" || bad "outlier reason"
for id in fig-average fig-leak fig-eq fig-eq-fr; do
    grep -q "<figure id=\"$id\">.*<img" $R && ok "figure $id" || bad "no figure $id"
done
browser "full" $R "$SHOTS"
grep -q '^link	\.\./\.\./E%20Q%20%231%20%3C%26%3E/rew.txt$' "$T/browser" && ok "rew.txt linked" || bad "rew.txt not linked"

# ---- a damaged optional part: stated, with one warning, not an error ----
cp -r S/leak leak-bad && sed -i '3s/.*/1,R,inertive,oops,1,1,0,0,0,0/' leak-bad/leak.csv
"$HPFR" report S -o out/leakbad.html --leak leak-bad --eq "$EQ" >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 0 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
    grep -q '^hpfr report: warning: leak analysis (hpfr leak) left out: leak-bad/leak.csv:3:[0-9]*: column corner_hz' "$T/err" &&
    grep -q 'class="missing">leak-bad/leak.csv:3:' out/leakbad.html
then ok "damaged leak.csv: warned and stated"; else bad "damaged leak.csv (exit $rc)" "$(cat "$T/err")"; fi

# ---- no gnuplot: the page without plots, one warning ----
HPFR_GNUPLOT=$D/no-gnuplot "$HPFR" report S -o out/noplot.html >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 0 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q '^hpfr report: warning: no plots: cannot run .*install gnuplot' "$T/err" &&
    ! grep -q '<img' out/noplot.html && grep -q 'class="missing">No plot of every placement' out/noplot.html &&
    [ -n "$(row latency out/noplot.html)" ]
then ok "no gnuplot: page written, plots stated missing"; else bad "no gnuplot (exit $rc)" "$(cat "$T/err")"; fi

# ---- bad input: exit 2, one line, nothing written ----
mkdir olddir G H
echo notes >notes.txt
echo "old report" >old.html
printf '{\n  "format": "hpfr-session",\n  "version": 1,, "rate": 48000\n}\n' >G/session.json
printf '{"format": "something else", "version": 1}\n' >H/session.json
cp -r S B && printf '{"paths": [\n' >B/placement-2/summary.json
cp -r S B2 && awk -F, -v OFS=, 'NR == 5 { $3 = "oops" } { print }' S/placement-1/thd-L.csv >B2/placement-1/thd-L.csv
snapshot() { (find . -print | sort; find . -type f -exec md5sum {} + | sort; ls -A "$TMPDIR") 2>&1; }
snapshot >"$T/before"
bad_case() {
    label=$1 pattern=$2; shift 2
    sh -c "$*" >"$T/out" 2>"$T/err"; rc=$?
    snapshot >"$T/after"
    if [ $rc -eq 2 ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -Eq "$pattern" "$T/err" &&
        cmp -s "$T/before" "$T/after"
    then ok "bad input $label: $(cat "$T/err")"
    else bad "bad input $label (exit $rc)" "$(cat "$T/err"; diff "$T/before" "$T/after" | head -5)"; fi
}
RPT="\"$HPFR\" report"
bad_case "missing session" '^hpfr report: nope: No such file or directory$' "$RPT nope -o r.html"
bad_case "not a directory" '^hpfr report: notes\.txt: not a session directory$' "$RPT notes.txt -o r.html"
bad_case "garbage session.json" '^hpfr report: G/session\.json:3:[0-9]+: ' "$RPT G -o r.html"
bad_case "not a session" '^hpfr report: H/session\.json:1: not an hpfr session' "$RPT H -o r.html"
bad_case "damaged placement summary" '^hpfr report: B/placement-2/summary\.json:[0-9]+:[0-9]+: ' "$RPT B -o r.html"
bad_case "damaged thd" '^hpfr report: B2/placement-1/thd-L\.csv:5:[0-9]+: column thd_db' "$RPT B2 -o r.html"
bad_case "missing --eq" '^hpfr report: --eq nope: No such file or directory$' "$RPT S -o r.html --eq nope"
bad_case "output dir missing" '^hpfr report: nodir/r\.html: No such file or directory$' "$RPT S -o nodir/r.html"
bad_case "output parent a file" '^hpfr report: notes\.txt/r\.html: Not a directory$' "$RPT S -o notes.txt/r.html"
bad_case "output a directory" '^hpfr report: olddir: is a directory' "$RPT S -o olddir"
bad_case "no -o" '^hpfr report: need -o REPORT\.html$' "$RPT S"
bad_case "no session" '^hpfr report: no session given' "$RPT -o r.html"
bad_case "stray argument" "^hpfr report: unexpected argument 'extra'" "$RPT S extra -o r.html"
bad_case "unknown option" '^hpfr report: unknown option --bogus' "$RPT S --bogus -o r.html"
# The file-size limit is hit writing the page (about 2 MB; the plots gnuplot writes are far
# smaller): how a full disk looks. old.html keeps its content, no temporary is left.
bad_case "file too large" '^hpfr report: old\.html: File too large$' "ulimit -f 1500; $RPT S -o old.html"
[ "$(cat old.html)" = "old report" ] && ok "old.html kept" || bad "old.html changed"
[ -z "$(ls -A "$TMPDIR")" ] && ok "no temporary plot directory left" || bad "left in TMPDIR: $(ls -A "$TMPDIR")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
