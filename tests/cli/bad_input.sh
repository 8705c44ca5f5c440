#!/bin/sh
# SPDX-License-Identifier: MIT
# Bad input to every hpfr subcommand. Every case comes from the tables in
# tests/bad-input.md (command, case id, expected stderr patterns); see that file for what each
# row means. An error must exit with status 2, print exactly the expected lines (one, except
# where a warning comes first), nothing on stdout, and leave the scratch directory as it was:
# no output, no temporary file, old files untouched.
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"  # resolved before any cd
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HERE=$(cd "$(dirname "$0")" && pwd)
MD=$HERE/../bad-input.md
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
SIMREC=$O/tests/tools/simrec
WAVTOOL=$O/tests/tools/wavtool
SIMSESSION=$O/tests/tools/simsession
for x in "$HPFR" "$SIMREC" "$WAVTOOL" "$SIMSESSION"; do
    [ -x "$x" ] || die "$x is missing (make O=$O $x)"
done
command -v sox >/dev/null 2>&1 || die "sox is not installed"
[ -r "$O/hpfr-alsa.conf" ] || die "the simulated rig is not built (make O=$O)"
unset HPFR_PLACEMENT ALSA_CONFIG_PATH
[ -r "$MD" ] || die "$MD is missing"

T=$(mktemp -d) || die "mktemp -d failed"
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
W=$T/w  # the scratch directory the commands run in
C=$T/c  # captured output, outside W so that it is not part of the snapshot
mkdir "$W" "$C"
# hpfr caches FFTW wisdom under ~/.cache; keep the tests off the user's home.
HPFR_WISDOM=$T/fftw-wisdom
export HPFR_WISDOM

# ok/bad and the pass/fail counters.
. "$TESTS_LIB"

# `hpfr` in a table command is this function. AS_NOBODY=1 runs it as an unprivileged user.
hpfr() {
    if [ "${AS_NOBODY-0}" = 1 ]; then
        setpriv --reuid=65534 --regid=65534 --clear-groups "$HPFR" "$@"
    else
        "$HPFR" "$@"
    fi
}

# ---- fixtures (listed in tests/bad-input.md) ----
# Calibration files and calibrator recordings (hpfr analyze --mic-cal/--profile, hpfr calib).
calib_fixtures() {
    printf '20\t1.0\n1000\t0.0\nhello world\n20000\t-1.0\n' >cal-garbage.txt &&
    printf '20 1\n2000 0\n1000 0\n20000 -1\n' >cal-unsorted.txt &&
    printf '20 1\n1000 0\n1000 0.5\n20000 -1\n' >cal-dup.txt &&
    printf '100 0.5\n10000 -0.5\n' >cal-narrow.txt &&
    printf '"Sens Factor =0dB, EARS Serial 000-0000, compensation RAW V1"\n"Use this file on the LEFT channel. Your sensitive side is RIGHT."\n10 0 0\n20000 0 0\n' >cal-left.txt &&
    printf '"Sens Factor =0dB, EARS Serial 000-0000, compensation RAW V1"\n"Use this file on the RIGHT channel. Your sensitive side is LEFT."\n10 0 0\n20000 0 0\n' >cal-right.txt &&
    printf 'hpfr-rig 1\nmicrophone 1 cal-left.txt\n' >rig-bad.cal &&
    printf 'hpfr-rig 1\nmic 1 missing.txt\n' >rig-missing.cal &&
    printf 'hpfr-interface 1\nchannel 1 rate 44100\n20 0 0\n20000 0 0\n' >iface44.cal &&
    printf 'hpfr-rig 1\ninterface iface44.cal\n' >rig-iface44.cal &&
    sox -n -r 48000 -c 1 -b 32 -e float calib-ok.wav synth 2 sine 1000 gain -20 2>/dev/null &&
    sox -n -r 48000 -c 1 -b 32 -e float calib-250.wav synth 2 sine 250 gain -20 2>/dev/null &&
    sox -n -r 48000 -c 1 -b 32 -e float calib-1200.wav synth 2 sine 1200 gain -20 2>/dev/null &&
    sox -n -r 48000 -c 1 -b 32 -e float calib-short.wav synth 0.5 sine 1000 gain -20 2>/dev/null &&
    sox -n -r 48000 -c 1 -b 32 -e float n.wav synth 2 whitenoise gain -30 2>/dev/null &&
    sox -n -r 48000 -c 1 -b 32 -e float t.wav synth 2 sine 1000 gain -70 2>/dev/null &&
    sox -m n.wav t.wav calib-quiet.wav 2>/dev/null &&
    sox -n -r 48000 -c 1 -b 32 -e float t.wav synth 1 sine 1000 gain -21 2>/dev/null &&
    sox calib-ok.wav t.wav calib-unstable.wav 2>/dev/null &&
    rm -f n.wav t.wav
}

# Sessions and the inputs of average, leak, compare, eq, plot and report.
session_fixtures() {
    "$HPFR" measure -D hpfr_sim -o ms --placements 2 --samples 16384 >/dev/null &&
    cp -r ms ms-unr && chmod 000 ms-unr/placement-1/summary.json &&
    "$SIMSESSION" -o sess --placements 3 &&
    "$SIMSESSION" -o sess1 --placements 2 --skip 2 &&
    "$SIMSESSION" -o sess-skip --placements 3 --skip 2 &&
    cp -r sess sess-unr && chmod 000 sess-unr/placement-2/fr-L.csv &&
    mkdir badsess && printf '{"format": "hpfr-session", "version": 1,\n' >badsess/session.json &&
    cp ms/placement-1/fr-L.csv fr.csv &&
    cp fr.csv unreadable.csv && chmod 000 unreadable.csv &&
    : >empty.csv &&
    printf 'frequency,raw\n20,0\n30,abc\n1000,1\n' >garbage.csv &&
    "$HPFR" leak sess -o lko >/dev/null &&
    printf 'hpfr-spl 1\n' >bad.cal
}

# EQ directories for hpfr verify: each has one problem, the other file is valid.
verify_fixtures() {
    apo='Preamp: -3 dB\nFilter 1: ON PK Fc 1000 Hz Gain 3 dB Q 1\n'
    csv='frequency,raw,target\n20,0,0\n1000,0,0\n20000,0,0\n'
    mkdir eq-noapo eq-nocsv eq-badapo eq-badtype eq-highfc eq-badcsv eq-notarget &&
    printf "$csv" >eq-noapo/eq.csv &&
    printf "$apo" >eq-nocsv/ParametricEQ.txt &&
    printf 'Preamp: -3 dB\nFilter 1: ON PK Fc 100 Hz Gain 3 dB Q 1\nFilter 2: ON PK Fc abc Hz Gain 3 dB Q 1\n' \
        >eq-badapo/ParametricEQ.txt && printf "$csv" >eq-badapo/eq.csv &&
    printf 'Preamp: -3 dB\nFilter 1: ON BP Fc 100 Hz Gain 3 dB Q 1\n' >eq-badtype/ParametricEQ.txt &&
    printf "$csv" >eq-badtype/eq.csv &&
    printf 'Preamp: -3 dB\nFilter 1: ON PK Fc 23000 Hz Gain 3 dB Q 1\n' >eq-highfc/ParametricEQ.txt &&
    printf "$csv" >eq-highfc/eq.csv &&
    printf "$apo" >eq-badcsv/ParametricEQ.txt &&
    printf 'frequency,raw,target\n20,0,0\n1000,abc,0\n20000,0,0\n' >eq-badcsv/eq.csv &&
    printf "$apo" >eq-notarget/ParametricEQ.txt &&
    printf 'frequency,raw\n20,0\n1000,0\n20000,0\n' >eq-notarget/eq.csv
}

fixtures() {
    cd "$W" || return 1
    "$HPFR" sweep -o sweep.wav --samples 65536 >/dev/null &&
    "$HPFR" sweep -o sweep2.wav --samples 65536 --channels 2 >/dev/null &&
    "$HPFR" sweep -o sweep44.wav --samples 65536 --rate 44100 >/dev/null &&
    "$HPFR" sweep -o other.wav --samples 262144 >/dev/null || return 1
    frames=$(soxi -s sweep.wav 2>/dev/null) || return 1
    sox -M sweep.wav sweep.wav sweep.wav sweep3.wav 2>/dev/null &&
    "$WAVTOOL" poke sweep.wav sweep-nan.wav 5000 1 nan &&
    "$SIMREC" sweep.wav rec.wav --noise -90 &&
    "$SIMREC" sweep.wav rec2.wav --noise -90 --mics 2 &&
    "$SIMREC" sweep44.wav rec-44k.wav --noise -90 &&
    "$SIMREC" other.wav rec-other.wav --noise -90 &&
    "$SIMREC" sweep2.wav rec-stereo-mono.wav --noise -90 --mics 1 &&
    sox rec.wav rec-short.wav trim 0 0.5 2>/dev/null &&
    sox -n -r 48000 -c 1 -e float -b 32 rec-silence.wav trim 0 "${frames}s" &&
    sox -n -r 48000 -c 1 -e float -b 32 rec-noise.wav synth "${frames}s" whitenoise gain -20 &&
    sox -n -r 48000 -c 1 -e float -b 32 rec-sine.wav synth "${frames}s" sine 1000 gain -12 &&
    "$WAVTOOL" poke rec.wav rec-nan.wav 20000 1 nan &&
    "$WAVTOOL" poke rec2.wav rec-nan2.wav 30000 2 nan &&
    "$WAVTOOL" poke rec.wav rec-inf.wav 25000 1 inf &&
    "$WAVTOOL" poke rec.wav rec-ninf.wav 0 1 -inf &&
    "$WAVTOOL" poke rec.wav c1.wav 40000 1 1.0 &&
    "$WAVTOOL" poke c1.wav c2.wav 50000 1 -1.0 &&
    "$WAVTOOL" poke c2.wav rec-clip.wav 60000 1 1.0 &&
    sox rec.wav rec-gain.wav gain 12 2>/dev/null &&
    head -c 100000 rec.wav >rec-trunc.wav &&
    echo "frequency,raw,smoothed,phase" >notwav.wav &&
    : >empty.wav &&
    cp rec.wav unreadable.wav && chmod 000 unreadable.wav &&
    echo "notes" >notes.txt &&
    cp sweep.wav old.wav &&
    mkdir olddir out-old out-blocked out-blocked/summary.json &&
    echo "old results" >out-old/fr.csv && echo "{}" >out-old/summary.json &&
    echo "old results" >out-blocked/fr.csv &&
    calib_fixtures &&
    session_fixtures &&
    verify_fixtures &&
    rm -f c1.wav c2.wav
}
(fixtures) || die "could not make the fixtures"

# Everything under W: paths, types and modes, plus inode, size and mtime (in ns) of files. A
# write changes the mtime, a replacement the inode, so this tells the content apart as well
# as a checksum would, at a fraction of the cost over some 300 cases.
snapshot() {
    (cd "$W" && find . \( -type f -printf '%p f %m %i %s %T@\n' \) -o \( ! -type f -printf '%p %y %m\n' \)) |
        LC_ALL=C sort
}

# ---- the table ----
# One line per row: section (E or W), id, command, pattern cell; tab-separated.
awk '
/^## / { sec = ($0 ~ /^## Errors/) ? "E" : ($0 ~ /^## Warnings/) ? "W" : ""; next }
sec != "" && /^\| `/ {
    line = $0
    sub(/^\| /, "", line)
    sub(/ \|[ \t]*$/, "", line)
    n = split(line, f, / \| /)
    if (n != 3) { print "X\tline " NR "\t\t"; next }
    cmd = f[1]; gsub(/^`|`$/, "", cmd)
    id = f[2]
    if (match(id, /^`[^`]+`/)) id = substr(id, 2, RLENGTH - 2); else id = "line " NR
    print sec "\t" id "\t" cmd "\t" f[3]
}' "$MD" >"$T/rows"

nrows=$(wc -l <"$T/rows")
if [ "$nrows" -lt 10 ]; then
    bad "tests/bad-input.md: expected the Errors and Warnings tables, found $nrows rows"
fi
if grep -q '^X' "$T/rows"; then
    bad "tests/bad-input.md: rows without exactly three cells" "$(grep '^X' "$T/rows" | cut -f2)"
fi
dups=$(cut -f2 "$T/rows" | sort | uniq -d)
if [ -n "$dups" ]; then bad "tests/bad-input.md: duplicate case ids" "$dups"; fi

field() { awk -F '\t' -v id="$1" -v k="$2" '$2 == id { print $k; exit }' "$T/rows"; }

# The pattern cell as one ERE per line ("..." last when more lines may follow).
patterns() {
    field "$1" 4 | awk '{
        n = split($0, p, /<br>/)
        for (i = 1; i <= n; i++) {
            s = p[i]
            gsub(/^[ \t]*`|`[ \t]*$/, "", s)
            gsub(/\\\|/, "|", s)
            print s
        }
    }'
}

# Why the stderr in $C/err does not match the patterns of case $1, or nothing.
check_lines() {
    patterns "$1" >"$C/pats"
    more=0
    if [ "$(tail -n 1 "$C/pats")" = "..." ]; then
        more=1
        sed -i '$d' "$C/pats"
    fi
    want=$(wc -l <"$C/pats")
    got=$(wc -l <"$C/err")
    # A last line without a newline still counts.
    if [ -s "$C/err" ] && [ "$(tail -c 1 "$C/err" | od -An -c | tr -d ' ')" != '\n' ]; then
        got=$((got + 1))
    fi
    if [ "$more" = 0 ] && [ "$got" -ne "$want" ]; then
        echo "stderr has $got lines, expected $want"
    elif [ "$got" -lt "$want" ]; then
        echo "stderr has $got lines, expected at least $want"
    fi
    i=1
    while [ "$i" -le "$want" ]; do
        pat=$(sed -n "${i}p" "$C/pats")
        line=$(sed -n "${i}p" "$C/err")
        if ! printf '%s\n' "$line" | grep -Eq -e "$pat"; then
            echo "stderr line $i does not match /$pat/"
        fi
        i=$((i + 1))
    done
}

# Can a command run as nobody here (for the unreadable-file cases when we are root)?
nobody_ok=0
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$HPFR" --version >/dev/null 2>&1; then
    chmod 755 "$T" "$W"
    nobody_ok=1
fi

for id in $(cut -f2 "$T/rows" | grep -v '^line '); do
    sec=$(field "$id" 1)
    cmd=$(field "$id" 3)
    as_nobody=0
    case "$id" in *unreadable*) unreadable=1 ;; *) unreadable=0 ;; esac
    if [ "$unreadable" = 1 ]; then
        if [ "$(id -u)" -eq 0 ]; then
            if [ "$nobody_ok" = 1 ]; then
                as_nobody=1
            else
                ok "$id # SKIP running as root, which can read a mode-000 file, and setpriv cannot run hpfr as nobody here"
                continue
            fi
        fi
    fi
    before=$(snapshot)
    (cd "$W" && AS_NOBODY=$as_nobody && eval "$cmd") </dev/null >"$C/out" 2>"$C/err"
    rc=$?
    after=$(snapshot)
    why=$(check_lines "$id")
    shown="\$ $cmd$( [ "$as_nobody" = 1 ] && echo '   (as nobody)')
exit status $rc
stderr:
$(sed 's/^/  | /' "$C/err")"
    if [ "$sec" = E ]; then
        [ "$rc" -eq 2 ] || why="exit status $rc, expected 2${why:+
$why}"
        if [ -s "$C/out" ]; then
            why="${why:+$why
}stdout is not empty:
$(sed 's/^/  | /' "$C/out")"
        fi
        if [ "$before" != "$after" ]; then
            why="${why:+$why
}files changed (< before, > after):
$(printf '%s\n' "$before" >"$C/b"; printf '%s\n' "$after" >"$C/a"; diff "$C/b" "$C/a" | grep '^[<>]')"
        fi
        if [ -z "$why" ]; then
            ok "$id: exit 2, $(wc -l <"$C/err" | tr -d ' ') stderr line(s) as in bad-input.md, nothing written$([ "$as_nobody" = 1 ] && echo ' (run as nobody)')"
        else
            bad "$id" "$why
$shown"
        fi
    else
        [ "$rc" -eq 0 ] || why="exit status $rc, expected 0${why:+
$why}"
        outp=$(printf '%s\n' "$cmd" | sed -n 's/.* -o \([^ )]*\).*/\1/p')
        if [ -z "$outp" ] || [ ! -e "$W/$outp" ]; then
            why="${why:+$why
}output ${outp:-(no -o in the command)} was not written"
        fi
        [ -n "$outp" ] && rm -rf "${W:?}/$outp"
        if [ "$(snapshot)" != "$before" ]; then
            why="${why:+$why
}files other than $outp changed"
        fi
        if [ -z "$why" ]; then
            ok "$id: exit 0 with the warning, output written"
        else
            bad "$id" "$why
$shown"
        fi
    fi
    # Restore the fixture tree if a case left something behind, so that later cases
    # are judged on their own.
    if [ "$before" != "$(snapshot)" ]; then
        rm -rf "$W" && mkdir "$W" && (fixtures) || die "could not remake the fixtures after $id"
        if [ "$nobody_ok" = 1 ]; then chmod 755 "$W"; fi
    fi
done

# ---- help and version: exit 0, text on stdout, nothing on stderr ----
for args in "--help" "-h" "help" "sweep --help" "analyze --help" "help sweep" "help analyze" \
    "sweep -o x.wav --help" "--version"; do
    # shellcheck disable=SC2086  # word splitting of args is intended
    (cd "$W" && "$HPFR" $args) </dev/null >"$C/out" 2>"$C/err"
    rc=$?
    if [ "$rc" -eq 0 ] && [ -s "$C/out" ] && [ ! -s "$C/err" ] && [ ! -e "$W/x.wav" ]; then
        ok "hpfr $args: exit 0, $(wc -l <"$C/out" | tr -d ' ') lines on stdout"
    else
        bad "hpfr $args: expected exit 0, text on stdout, empty stderr, nothing written" \
            "exit status $rc
stdout: $(head -n 3 "$C/out")
stderr: $(cat "$C/err")"
    fi
done
# Every subcommand the overview lists: --help exits 0 with its usage on stdout, nothing on
# stderr; so does --help after other options.
subs=$("$HPFR" --help | awk '/^  [a-z]/ { print $1 }')
[ "$(echo "$subs" | wc -w)" -ge 12 ] || bad "hpfr --help lists only: $subs"
for sub in $subs; do
    for where in first last; do
        if [ "$where" = first ]; then
            "$HPFR" "$sub" --help </dev/null >"$C/out" 2>"$C/err"
        else
            "$HPFR" "$sub" -o "$W/x.out" --help </dev/null >"$C/out" 2>"$C/err"
        fi
        rc=$?
        if [ "$rc" -eq 0 ] && head -n 1 "$C/out" | grep -q "^usage: hpfr $sub" && [ ! -s "$C/err" ] &&
            [ ! -e "$W/x.out" ]; then
            ok "hpfr $sub --help ($where): exit 0, its usage on stdout"
        else
            bad "hpfr $sub --help ($where): expected exit 0 and 'usage: hpfr $sub' first on stdout" \
                "exit status $rc
stdout: $(head -n 2 "$C/out")
stderr: $(cat "$C/err")"
        fi
    done
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
