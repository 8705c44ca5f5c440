#!/bin/sh
# SPDX-License-Identifier: MIT
# Bad input to hpfr average, leak and compare: each case must exit with status 2, print
# exactly one line on stderr naming the file (and line) and what is wrong, nothing on stdout,
# and leave every file as it was (no output directory, no temporary file).
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
W=$T/w  # the scratch directory the commands run in
C=$T/c  # captured output, outside W
mkdir "$W" "$C" && cd "$W" || die "cd $W"
HPFR_WISDOM=$T/fftw-wisdom
export HPFR_WISDOM

. "$TESTS_LIB"

snapshot() { find . -print0 | sort -z | xargs -0 ls -ld --time-style=+%s.%N 2>/dev/null | awk '{ $6 = ""; print }'; find . -type f -print0 | sort -z | xargs -0 md5sum; }

# fails DESC PATTERN CMD...: CMD must exit 2 with exactly one stderr line matching the
# extended regular expression PATTERN, print nothing on stdout, and change nothing.
fails() {
    desc=$1 pattern=$2
    shift 2
    snapshot >"$C/before"
    "$@" >"$C/out" 2>"$C/err"
    rc=$?
    snapshot >"$C/after"
    why=""
    [ "$rc" -eq 2 ] || why="exit status $rc, expected 2"
    [ -s "$C/out" ] && why="$why; stdout not empty"
    [ "$(wc -l <"$C/err")" -eq 1 ] || why="$why; $(wc -l <"$C/err") lines on stderr"
    grep -Eq -- "$pattern" "$C/err" || why="$why; stderr does not match $pattern"
    cmp -s "$C/before" "$C/after" || why="$why; files changed: $(diff "$C/before" "$C/after" | head -n 5)"
    if [ -z "$why" ]; then
        ok "$desc"
    else
        bad "$desc" "$why
\$ $*
$(cat "$C/out" "$C/err")"
    fi
}

# ---- fixtures ----
"$SIMSESSION" -o good --placements 3 >/dev/null || die "simsession"
"$SIMSESSION" -o one --placements 2 --skip 2 >/dev/null || die "simsession"
cp -r good garbage-json && printf '{"format": "hpfr-session",\n "version": 1,\n "rate": oops}\n' >garbage-json/session.json
cp -r good v2 && sed 's/"version": 1/"version": 2/' good/session.json >v2/session.json
cp -r good escape && sed 's|"dir": "placement-2"|"dir": "../good/placement-2"|' good/session.json >escape/session.json
cp -r good badline && sed '17s/.*/123.4,garbage,1,2/' good/placement-2/fr-L.csv >badline/placement-2/fr-L.csv
cp -r good short && head -n 100 good/placement-3/fr-R.csv >short/placement-3/fr-R.csv
cp -r good nocol && sed '1s/raw/rawx/' good/placement-1/fr-L.csv >nocol/placement-1/fr-L.csv
cp -r good grid && sed '5s/^[0-9.]*,/21.5,/' good/placement-2/fr-L.csv >grid/placement-2/fr-L.csv
cp -r good noir && rm noir/placement-3/ir-L.wav
cp -r good textir && echo "not audio" >textir/placement-2/ir-R.wav
cp -r good stereoir && sox -M good/placement-1/ir-L.wav good/placement-1/ir-R.wav stereoir/placement-1/ir-L.wav 2>/dev/null
"$SIMSESSION" -o rate44 --placements 3 --rate 44100 >/dev/null || die "simsession"
cp -r good mixedrate && cp rate44/placement-2/ir-L.wav mixedrate/placement-2/ir-L.wav
mkdir empty
: >afile

# ---- cases ----
for cmd in average leak; do
    fails "$cmd: a session with one measured placement" \
        "^hpfr $cmd: one/session.json: 1 placement measured \(status \"done\"\); statistics and leak analysis need at least 2$" \
        "$HPFR" "$cmd" one
    fails "$cmd: no session.json" "^hpfr $cmd: empty/session.json: No such file or directory$" "$HPFR" "$cmd" empty
    fails "$cmd: not a session directory" "^hpfr $cmd: nothere/session.json: No such file or directory$" "$HPFR" "$cmd" nothere
    fails "$cmd: session.json with a syntax error (line 3)" "^hpfr $cmd: garbage-json/session.json:3: " "$HPFR" "$cmd" garbage-json
    fails "$cmd: session format version 2" "^hpfr $cmd: v2/session.json:2: session format version is newer" "$HPFR" "$cmd" v2
    fails "$cmd: a placement dir outside the session" "^hpfr $cmd: escape/session.json:[0-9]+: placement \"dir\" must be a relative path inside the session" "$HPFR" "$cmd" escape
    fails "$cmd: a garbage line in fr-L.csv" "^hpfr $cmd: badline/placement-2/fr-L.csv:17: field 2: not a number 'garbage'$" "$HPFR" "$cmd" badline
    fails "$cmd: a short fr-R.csv" "^hpfr $cmd: short/placement-3/fr-R.csv: 99 frequencies, but good|short/placement-1/fr-L.csv has 479" "$HPFR" "$cmd" short
    fails "$cmd: no raw column" "^hpfr $cmd: nocol/placement-1/fr-L.csv:1: no \"raw\" column" "$HPFR" "$cmd" nocol
    fails "$cmd: placements on different grids" "^hpfr $cmd: grid/placement-2/fr-L.csv:5: 21.5 Hz where .* has 20.8.* Hz: placements must share one grid$" "$HPFR" "$cmd" grid
    fails "$cmd: an unknown option" "^hpfr $cmd: unknown option --bogus" "$HPFR" "$cmd" good --bogus
    fails "$cmd: no session given" "^hpfr $cmd: need the SESSION directory" "$HPFR" "$cmd"
    fails "$cmd: two sessions given" "^hpfr $cmd: unexpected argument 'good'" "$HPFR" "$cmd" good good
    fails "$cmd: output directory under a file" "^hpfr $cmd: afile/x: cannot create the output directory: Not a directory$" "$HPFR" "$cmd" good -o afile/x
done
fails "leak: a missing impulse response" "^hpfr leak: noir/placement-3/ir-L.wav: No such file or directory$" "$HPFR" leak noir
fails "leak: an impulse response that is not audio" "^hpfr leak: textir/placement-2/ir-R.wav: .+" "$HPFR" leak textir
fails "leak: a two-channel impulse response" "^hpfr leak: stereoir/placement-1/ir-L.wav: 2 channels; an impulse response file has one$" "$HPFR" leak stereoir
fails "leak: impulse responses at two rates" "^hpfr leak: mixedrate/placement-2/ir-L.wav: 44100 Hz, but the session's other impulse responses are at 48000 Hz$" "$HPFR" leak mixedrate
fails "leak: --reference to a placement that is not there" "^hpfr leak: --reference 7: good has no measured placement 7$" "$HPFR" leak good --reference 7
fails "leak: --reference not a number" "^hpfr leak: --reference 'x': not a number$" "$HPFR" leak good --reference x
fails "leak: --reference not an integer" "^hpfr leak: --reference 1.5: a placement number$" "$HPFR" leak good --reference 1.5
fails "leak: --threshold out of range" "^hpfr leak: --threshold 0: out of range" "$HPFR" leak good --threshold 0
fails "compare: one session" "^hpfr compare: need two SESSION directories" "$HPFR" compare good -o cmp
fails "compare: no -o" "^hpfr compare: need -o DIR$" "$HPFR" compare good good
fails "compare: a bad second session" "^hpfr compare: badline/placement-2/fr-L.csv:17: field 2: not a number 'garbage'$" "$HPFR" compare good badline -o cmp
fails "compare: a session with one placement" "^hpfr compare: one/session.json: 1 placement measured" "$HPFR" compare one good -o cmp

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
