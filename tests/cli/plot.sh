#!/bin/sh
# SPDX-License-Identifier: MIT
# `hpfr plot` end to end: every kind renders PNG, SVG and HTML from generated fixtures
# (tests/tools/plotfix) with gnuplot exiting 0 and saying nothing; the PNG has the asked size,
# the SVG is well-formed XML with the curves, legend entries and axis ticks it should have,
# the HTML runs in node against a fake canvas without fetching anything; --keep-script keeps
# a script gnuplot can rerun and data equal to what is computed from the inputs; hostile
# titles come out as text; bad input exits 2 with one line and leaves nothing behind.
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
FIX=$O/tests/tools/plotfix
[ -x "$FIX" ] || die "$FIX is missing (make O=$O $FIX)"
for c in gnuplot xmllint node; do
    command -v "$c" >/dev/null 2>&1 || die "$c is not installed (make deps)"
done
. "$TESTS_LIB"

D=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$D"' EXIT
trap 'exit 1' INT TERM
T=$D/c      # captured output, outside the working directory the snapshots look at
mkdir "$T" "$D/w" && cd "$D/w" || die "cd $D/w"
"$FIX" session cb closed-back 5 'HD 600' && "$FIX" leak lk && "$FIX" eq eq &&
    "$FIX" session ob open-back 3 'Open "one"' || die "fixtures"
mkdir out

# ---- helpers ----
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d %d\n", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'; }
# The plain text of every <text> element (hpfr's SVGs are noenhanced: no tspans), entities decoded.
svg_texts() { grep -o '<text[^>]*>[^<]*</text>' "$1" | sed 's/<[^>]*>//g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/'"'"'/g; s/&amp;/\&/g'; }
svg_curves() { grep -c '<g id="gnuplot_plot_' "$1"; }
has_line() { printf '%s\n' "$2" | grep -qxF -- "$1"; }

# run NAME ARGS...: hpfr plot must succeed quietly
run() {
    name=$1; shift
    if "$HPFR" plot "$@" >"$T/stdout" 2>"$T/stderr" && [ ! -s "$T/stderr" ]; then
        return 0
    fi
    bad "$name: hpfr plot $*" "$(cat "$T/stderr")"
    return 1
}

# kind_case KIND NCURVES FREQTICKS LEGENDS INPUT...: PNG (1600x900), SVG, HTML
kind_case() {
    kind=$1 ncurves=$2 freqticks=$3 legends=$4; shift 4
    run "$kind png" "$kind" "$@" -o "out/$kind.png" || return
    if [ "$(png_size "out/$kind.png")" = "1600 900" ]; then ok "$kind: PNG 1600x900"
    else bad "$kind: PNG size $(png_size "out/$kind.png")"; fi
    run "$kind svg" "$kind" "$@" -o "out/$kind.svg" || return
    if ! xmllint --noout "out/$kind.svg" 2>"$T/xml"; then bad "$kind: SVG is not XML" "$(cat "$T/xml")"; return; fi
    texts=$(svg_texts "out/$kind.svg")
    n=$(svg_curves "out/$kind.svg")
    if [ "$n" -eq "$ncurves" ]; then ok "$kind: SVG has $n curves"; else bad "$kind: SVG has $n curves, expected $ncurves"; fi
    missing=""
    if [ "$freqticks" = yes ]; then
        for t in 20 50 100 200 500 1k 2k 5k 10k 20k; do has_line "$t" "$texts" || missing="$missing $t"; done
    fi
    old_ifs=$IFS; IFS='|'
    for l in $legends; do has_line "$l" "$texts" || missing="$missing [$l]"; done
    IFS=$old_ifs
    if [ -z "$missing" ]; then ok "$kind: SVG axis ticks and legend entries"; else bad "$kind: SVG lacks$missing"; fi
    run "$kind html" "$kind" "$@" -o "out/$kind.html" || return
    if node "$HERE/canvas_check.js" "out/$kind.html" >"$T/js" 2>&1; then ok "$kind: HTML self-contained, draws and toggles"
    else bad "$kind: HTML check" "$(tail -n 5 "$T/js")"; fi
}

# ---- every kind ----
kind_case fr 4 yes 'L raw|L smoothed|R raw|R smoothed' cb/placement-1
kind_case placements 14 yes 'min-max|placement 1|placement 5|mean of 5|Left (L)|Right (R)' cb
kind_case balance 6 yes 'placement 1|mean of 5|Left - right (dB)' cb
kind_case compare 3 yes "HD 600|Open \"one\"|eq" cb ob eq/eq.csv
kind_case ir 4 no 'L|R|onset|window start|fade-out|window end|Time re onset (ms)' cb/placement-1
kind_case thd 20 yes 'L THD|L H2|R H5|Distortion (% of fundamental)' cb/placement-1
kind_case leak 14 no 'placement 1|placement 4|fit: 1st order, corner 40 Hz|fit: 2nd order, f0 35 Hz, Q 0.80|Left ear|Right ear' lk
kind_case eq 7 yes 'PK 640 Hz, -4.5 dB, Q 1.41|HSC 10 kHz, -2.0 dB, Q 0.70|sum of the filters|sum with preamp -6.2 dB|FIR minimum-48000' eq

# leak: two headphones side by side
run "leak x2" leak lk lk -o out/leak2.svg && {
    n=$(svg_curves out/leak2.svg)
    [ "$n" -eq 28 ] && ok "leak of two directories: 4 panels, 28 curves" || bad "leak x2: $n curves"
}

# titles from session.json and summary.json
texts=$(svg_texts out/placements.svg)
want='Placements  ·  HD 600  ·  2026-11-21  ·  rig profile coupler-A.cal'
has_line "$want" "$texts" && ok "placements title from session.json" || bad "placements title" "$(printf '%s\n' "$texts" | grep Placements)"
texts=$(svg_texts out/thd.svg)
printf '%s\n' "$texts" | grep -q '^Harmonic distortion  ·  HD 600  ·  2026-11-21  ·  smoothing 1/12  ·  rig profile' &&
    ok "thd title adds the smoothing from summary.json" || bad "thd title" "$(printf '%s\n' "$texts" | grep Harmonic)"

# ---- options ----
run size fr cb/placement-1 -o out/small.png --size 640,360 &&
    { [ "$(png_size out/small.png)" = "640 360" ] && ok "--size 640,360" || bad "--size: $(png_size out/small.png)"; }
run ylim fr cb/placement-1 -o out/ylim.svg --ylim -30,10 && {
    texts=$(svg_texts out/ylim.svg)
    has_line -30 "$texts" && has_line 10 "$texts" && ! has_line 15 "$texts" && has_line -25 "$texts" &&
        ok "--ylim -30,10 in 5 dB steps" || bad "--ylim ticks"
}
run normalize compare cb ob -o out/cmp1k.svg --normalize 1k &&
    { svg_texts out/cmp1k.svg | grep -q '^Level re 1 kHz (dB)$' && ok "--normalize 1k" || bad "--normalize 1k label"; }

# --keep-script: the script reruns in its directory; the data is what the inputs give
run keep placements cb -o out/keep/pl.png --keep-script && {
    if [ -f out/keep/pl.gp ] && [ -f out/keep/pl.dat ] && [ "$(ls -A out/keep | wc -l)" -eq 3 ]; then
        ok "--keep-script keeps pl.gp and pl.dat, nothing else"
    else bad "--keep-script files: $(ls -A out/keep)"; fi
    rm out/keep/pl.png
    if (cd out/keep && gnuplot pl.gp) 2>"$T/gp" && [ ! -s "$T/gp" ] && [ "$(png_size out/keep/pl.png)" = "1600 900" ]; then
        ok "the kept script redraws the plot with gnuplot alone"
    else bad "rerunning pl.gp" "$(cat "$T/gp")"; fi
    # the mean of the left ear, as awk computes it from the five fr-L.csv files
    awk -F, 'FNR > 1 { s[FNR] += $3; f[FNR] = $1; n = FNR } END { for (i = 2; i <= n; i++) printf "%.17g %.17g\n", f[i], s[i] / 5 }' \
        cb/placement-[1-5]/fr-L.csv >"$T/mean.awk"
    awk '/^# block/ { b = ($0 ~ /panel 1, mean of 5$/) } b && /^[0-9]/ { print }' out/keep/pl.dat >"$T/mean.dat"
    worst=$(paste -d' ' "$T/mean.awk" "$T/mean.dat" | awk '{ d = $2 - $4; if (d < 0) d = -d; e = $1 - $3; if (e < 0) e = -e; if (d > w) w = d; if (e > w) w = e; n++ } END { if (n != 479) print "rows " n; else printf "%.3g\n", w }')
    case "$worst" in
        rows*) bad "placements data: $worst" ;;
        *) awk -v w="$worst" 'BEGIN { exit !(w < 1e-9) }' && ok "plotted mean equals the mean of the inputs (max diff $worst)" ||
            bad "plotted mean differs by $worst" ;;
    esac
}

# ---- hostile text: titles and names are text, never gnuplot, SVG or HTML syntax ----
nasty=$(printf 'it'"'"'s "q" \\back\\slash @x &amp {b} ^_ ~ </script> <!-- %%s\nline2 \303\251')
want=$(printf 'it'"'"'s "q" \\back\\slash @x &amp {b} ^_ ~ </script> <!-- %%s line2 \303\251')
run "nasty svg" fr cb/placement-1 -o out/nasty.svg --title "$nasty" && {
    xmllint --noout out/nasty.svg 2>/dev/null && has_line "$want" "$(svg_texts out/nasty.svg)" &&
        ok "hostile --title reaches the SVG as plain text" || bad "hostile title in SVG" "$(svg_texts out/nasty.svg | head -n 2)"
}
run "nasty png" fr cb/placement-1 -o out/nasty.png --title "$nasty" && ok "hostile --title in PNG"
run "nasty html" fr cb/placement-1 -o out/nasty.html --title "$nasty" && {
    node "$HERE/canvas_check.js" out/nasty.html >"$T/js" 2>&1 && grep -qxF "text: $want" "$T/js" &&
        ok "hostile --title drawn as text by the HTML page" || bad "hostile title in HTML" "$(head -n 3 "$T/js")"
}
mkdir -p evil/placement-1 && cp cb/placement-1/fr-*.csv evil/placement-1/ &&
cat >evil/session.json <<'JSON'
{"format": "hpfr-session", "version": 1, "name": "A \"q\" 'n' \\ @{x}\n2 </script>",
 "created": "2026-01-02T00:00:00Z", "placements": [{"index": 1, "dir": "placement-1", "status": "done"}]}
JSON
run "nasty name" placements evil -o out/evil.svg && {
    has_line "Placements  ·  A \"q\" 'n' \\ @{x} 2 </script>  ·  2026-01-02" "$(svg_texts out/evil.svg)" &&
        ok "hostile headphone name from session.json is plain text" || bad "hostile name" "$(svg_texts out/evil.svg | grep Placements)"
}

# ---- bad input: exit 2, one line on stderr, nothing on stdout, nothing written ----
printf 'frequency,raw,smoothed\n20,1,1\n25,oops,1\n' >garbage.csv
: >file.txt
snapshot() { find . -path ./out -prune -o -print | sort; find . -path ./out -prune -o -type f -print | sort | xargs md5sum; }
# (out/ holds the plots made above; nothing may appear next to it or anywhere else)
refuse() {
    name=$1 pattern=$2; shift 2
    snapshot >"$T/before"
    "$HPFR" "$@" >"$T/stdout" 2>"$T/stderr"
    rc=$?
    snapshot >"$T/after"
    if [ "$rc" -ne 2 ]; then bad "$name: exit $rc" "$(cat "$T/stderr")"
    elif [ "$(wc -l <"$T/stderr")" -ne 1 ] || ! grep -qE -- "$pattern" "$T/stderr"; then bad "$name: stderr" "$(cat "$T/stderr")"
    elif [ -s "$T/stdout" ]; then bad "$name: stdout not empty"
    elif ! cmp -s "$T/before" "$T/after"; then bad "$name: files changed" "$(diff "$T/before" "$T/after")"
    else ok "$name: $(cat "$T/stderr")"; fi
}
refuse "missing file" '^hpfr plot: nope\.csv: No such file or directory$' plot fr nope.csv -o new.png
refuse "garbage CSV" "^hpfr plot: garbage\.csv:3:4: column raw: 'oops' is not a number$" plot fr garbage.csv -o new.png
refuse "unknown kind" "^hpfr plot: unknown plot kind 'spectrogram' \(fr, placements, balance, compare, ir, thd, leak, eq\)$" plot spectrogram cb -o new.png
refuse "unwritable output" '^hpfr plot: file\.txt: cannot create or write the directory' plot fr cb/placement-1 -o file.txt/new.png
refuse "unwritable output dir" '^hpfr plot: file\.txt/sub: cannot create or write the directory' plot fr cb/placement-1 -o file.txt/sub/new.svg
refuse "bad extension" '^hpfr plot: new\.pdf: the name must end in \.png, \.svg or \.html$' plot fr cb/placement-1 -o new.pdf
refuse "no -o" '^hpfr plot: need -o FILE' plot fr cb/placement-1
refuse "no input" '^hpfr plot: fr needs ' plot fr -o new.png
refuse "too many" '^hpfr plot: placements takes at most 1 input$' plot placements cb ob -o new.png
refuse "bad --size" "^hpfr plot: --size 10: out of range" plot fr cb/placement-1 -o new.png --size 10,10
refuse "bad --ylim" '^hpfr plot: --ylim 5,-5: the first number must be the lower$' plot fr cb/placement-1 -o new.png --ylim 5,-5
refuse "--normalize elsewhere" '^hpfr plot: --normalize is for compare$' plot fr cb/placement-1 -o new.png --normalize 1k
refuse "session for fr" 'cb: a measurement session' plot fr cb -o new.png
refuse "not a session" 'not a session directory' plot placements lk -o new.png
HPFR_GNUPLOT=/nonexistent/gnuplot refuse "no gnuplot" 'install gnuplot \(Debian: apt-get install gnuplot-nox\)$' plot fr cb/placement-1 -o out2/new.png
printf '#!/bin/sh\ncat >/dev/null\necho "         line 7: undefined variable: oops" >&2\nexit 1\n' >"$T/badgp"
chmod +x "$T/badgp"
HPFR_GNUPLOT=$T/badgp refuse "gnuplot error" '^hpfr plot: gnuplot failed \(exit status 1\): line 7: undefined variable: oops$' plot fr cb/placement-1 -o out2/new.svg
[ ! -e out2 ] && ok "no output directory left by the failures" || bad "out2 was left behind"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
