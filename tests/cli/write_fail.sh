#!/bin/sh
# SPDX-License-Identifier: MIT
# Write failures: every command that writes files, run once under a file-size limit
# (RLIMIT_FSIZE through `ulimit -f`, which is how a full disk looks to a program too: hpfr
# ignores SIGXFSZ, so the write fails with EFBIG) and once with its output directory
# read-only. Each time, over an output of an earlier run: the command must exit with status
# 2, print one line "hpfr CMD: FILE: ..." naming the file or directory and the cause (File too
# large / Permission denied), and leave every file as it was, the earlier output included, with
# no temporary file. hpfr measure, stopped while adding a placement to a session, also says
# that the placements saved are intact (a second line); the session's files must stay as
# they were, session.json readable with its placements, and --resume must then complete it.
#
# Root ignores directory permissions, so as root the read-only cases run as nobody through
# setpriv (skipped, with the reason, when that is impossible).
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
SIMREC=$O/tests/tools/simrec
SIMSESSION=$O/tests/tools/simsession
for x in "$HPFR" "$SIMREC" "$SIMSESSION"; do
    [ -x "$x" ] || die "$x is missing (make O=$O $x)"
done
[ -r "$O/hpfr-alsa.conf" ] || die "the simulated rig is not built (make O=$O)"
. "$TESTS_LIB"
command -v sox >/dev/null 2>&1 || die "sox is not installed"

T=$(mktemp -d) || die "mktemp -d failed"
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
W=$T/w  # where the commands run
C=$T/c  # captured output
mkdir "$W" "$C"
HPFR_WISDOM=$T/fftw-wisdom
export HPFR_WISDOM
unset HPFR_PLACEMENT ALSA_CONFIG_PATH

# ---- fixtures, and the outputs of earlier runs that must survive ----
(
    cd "$W" &&
        "$HPFR" sweep -o sweep.wav --samples 16384 --channels 2 &&
        "$HPFR" sweep -o sw1.wav --samples 16384 &&
        "$SIMREC" sweep.wav rec2.wav --noise -90 --mics 2 &&
        "$SIMREC" sw1.wav loop.wav --model flat --mics 2 &&
        "$SIMSESSION" -o sess --placements 3 &&
        cp sess/placement-1/fr-L.csv fr.csv &&
        sox -n -r 48000 -c 1 -b 32 -e float calib-ok.wav synth 2 sine 1000 gain -20 &&
        "$HPFR" measure -D hpfr_sim -o ms --placements 2 --samples 16384 </dev/null &&
        mkdir sw plots rep cal &&
        cp sweep.wav sw/old.wav &&
        "$HPFR" analyze --sweep sweep.wav --rec rec2.wav -o ana &&
        "$HPFR" average sess -o avg &&
        "$HPFR" leak sess -o lk &&
        "$HPFR" compare sess sess -o cmp &&
        "$HPFR" eq fr.csv -o eq --fir-taps 64 &&
        "$HPFR" plot fr ana -o plots/fr.png &&
        "$HPFR" plot placements ms -o plots/pl.svg &&
        "$HPFR" plot fr ana -o plots/fr.html --keep-script &&
        "$HPFR" report ms -o rep/report.html &&
        "$HPFR" sim truth -o cal/truth.csv &&
        "$HPFR" calib spl --rec calib-ok.wav --ref 94 -o cal/spl.cal &&
        "$HPFR" calib output --vrms 0.5 --spl 100 -o cal/out.txt &&
        "$HPFR" calib loopback --sweep sw1.wav --rec loop.wav -o cal/iface.cal &&
        "$HPFR" calib loopback -D 'hpfr_sim:LOOPBACK=1' --inputs 3 --save sv -o cal/live.cal
) >"$C/fixtures.log" 2>&1 || die "could not make the fixtures: $(tail -n 5 "$C/fixtures.log")"

# Everything under W with each file's checksum (the measured session included).
snapshot() {
    (
        cd "$W" &&
            find . \( -type f -printf '%p f %m %s %T@\n' \) -o \( ! -type f -printf '%p %y %m\n' \) &&
            find . -type f -exec md5sum {} + 2>/dev/null
    ) | LC_ALL=C sort
}

# Whether (and how) the read-only cases can run.
as_nobody=0
ro_skip=""
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null 2>&1 &&
        setpriv --reuid=65534 --regid=65534 --clear-groups "$HPFR" --version >/dev/null 2>&1; then
        as_nobody=1
        chmod -R a+rX "$T"
        chmod a+w "$(dirname "$HPFR_WISDOM")" 2>/dev/null
    else
        ro_skip="running as root, which writes into read-only directories, and setpriv cannot run hpfr as nobody here"
    fi
fi

run_hpfr() {
    if [ "$mode" = ro ] && [ "$as_nobody" = 1 ]; then
        setpriv --reuid=65534 --regid=65534 --clear-groups "$HPFR" "$@"
    elif [ "$mode" = ro ]; then
        "$HPFR" "$@"
    else
        # shellcheck disable=SC2016  # expanded by the inner shell
        sh -c 'ulimit -f "$1" && shift && exec "$@"' sh "$limit" "$HPFR" "$@"
    fi
}

# case ID MODE DIR PATTERN COMMAND...
#   MODE fsize:N (limit of N 512-byte blocks) or ro (DIR read-only for the run). PATTERN: the
#   first stderr line (grep -E). Measure's second line is checked by measure_ok below.
case_() {
    id=$1 mode=${2%%:*} limit=${2#*:} dir=$3 pat=$4
    shift 4
    if [ "$mode" = ro ] && [ -n "$ro_skip" ]; then
        ok "$id # SKIP $ro_skip"
        return
    fi
    before=$(snapshot)
    [ "$mode" = ro ] && chmod a-w "$W/$dir"
    # Through pipes: under the limit, hpfr could not write its message into a file.
    rm -f "$C/outp" "$C/errp"
    mkfifo "$C/outp" "$C/errp" || die "mkfifo failed"
    cat "$C/outp" >"$C/out" &
    cat "$C/errp" >"$C/err" &
    (cd "$W" && run_hpfr "$@") </dev/null >"$C/outp" 2>"$C/errp"
    rc=$?
    wait
    [ "$mode" = ro ] && chmod u+w "$W/$dir"
    after=$(snapshot)
    want=1
    [ "$1" = measure ] && want=2
    why=""
    [ "$rc" -eq 2 ] || why="exit status $rc, expected 2"
    lines=$(wc -l <"$C/err" | tr -d ' ')
    [ "$lines" -eq "$want" ] || why="${why:+$why; }$lines lines on stderr, expected $want"
    head -n 1 "$C/err" | grep -Eq -e "$pat" || why="${why:+$why; }the first line does not match /$pat/"
    if [ "$1" = measure ]; then
        sed -n 2p "$C/err" | grep -Eq '^hpfr measure: 2 placements saved in ms are intact; .*--resume' ||
            why="${why:+$why; }no line saying the 2 placements saved are intact"
        # The --resume rewrites session.json (its planned count) before it starts; the rest of
        # the session must be as it was, and session.json must still hold its 2 placements.
        before=$(printf '%s\n' "$before" | grep -v 'ms/session\.json')
        after=$(printf '%s\n' "$after" | grep -v 'ms/session\.json')
        rm -rf "$C/avg"
        (cd "$W" && "$HPFR" average ms -o "$C/avg") >"$C/avg.log" 2>&1 &&
            grep -q '^ms "[^"]*": 2 placements (1 2)' "$C/avg.log" ||
            why="${why:+$why; }session.json no longer reads as 2 placements: $(cat "$C/avg.log")"
    fi
    if [ "$before" != "$after" ]; then
        printf '%s\n' "$before" >"$C/b"
        printf '%s\n' "$after" >"$C/a"
        why="${why:+$why; }files changed (< before, > after):
$(diff "$C/b" "$C/a" | grep '^[<>]' | head -n 10)"
    fi
    what="file-size limit $limit blocks"
    [ "$mode" = ro ] && what="$dir/ read-only$([ "$as_nobody" = 1 ] && echo ', as nobody')"
    if [ -z "$why" ]; then
        ok "$id ($what): exit 2, $(head -n 1 "$C/err")"
    else
        bad "$id ($what)" "$why
\$ hpfr $*
$(sed 's/^/  | /' "$C/err")"
    fi
}

F='(File too large)'
P='(Permission denied)'
L=fsize:16
case_ sweep-fsize $L . "^hpfr sweep: sw/old\\.wav: .*$F" sweep -o sw/old.wav
case_ sweep-ro ro sw "^hpfr sweep: sw/old\\.wav: .*$P" sweep -o sw/old.wav
case_ analyze-fsize $L . "^hpfr analyze: ana/[A-Za-z0-9.-]+: .*$F" analyze --sweep sweep.wav --rec rec2.wav -o ana
case_ analyze-ro ro ana "^hpfr analyze: ana(/[A-Za-z0-9.-]+)?: .*$P" analyze --sweep sweep.wav --rec rec2.wav -o ana
case_ analyze-ro-new ro ana "^hpfr analyze: ana/new: .*$P" analyze --sweep sweep.wav --rec rec2.wav -o ana/new
case_ average-fsize $L . "^hpfr average: avg/[A-Za-z0-9.-]+: .*$F" average sess -o avg
case_ average-ro ro avg "^hpfr average: avg(/[A-Za-z0-9.-]+)?: .*$P" average sess -o avg
case_ leak-fsize fsize:2 . "^hpfr leak: lk/[A-Za-z0-9.-]+: .*$F" leak sess -o lk
case_ leak-ro ro lk "^hpfr leak: lk(/[A-Za-z0-9.-]+)?: .*$P" leak sess -o lk
case_ compare-fsize $L . "^hpfr compare: cmp/[A-Za-z0-9.-]+: .*$F" compare sess sess -o cmp
case_ compare-ro ro cmp "^hpfr compare: cmp(/[A-Za-z0-9.-]+)?: .*$P" compare sess sess -o cmp
case_ eq-fsize $L . "^hpfr eq: eq/[A-Za-z0-9.-]+: .*$F" eq fr.csv -o eq --fir-taps 64
case_ eq-ro ro eq "^hpfr eq: eq(/[A-Za-z0-9.-]+)?: .*$P" eq fr.csv -o eq --fir-taps 64
case_ plot-png-fsize $L . "^hpfr plot: plots/fr\\.[a-z]+: .*$F" plot fr ana -o plots/fr.png
case_ plot-png-ro ro plots "^hpfr plot: plots/fr\\.[a-z]+: .*$P" plot fr ana -o plots/fr.png
case_ plot-svg-fsize $L . "^hpfr plot: plots/pl\\.[a-z]+: .*$F" plot placements ms -o plots/pl.svg
case_ plot-html-fsize $L . "^hpfr plot: plots/fr\\.[a-z]+: .*$F" plot fr ana -o plots/fr.html --keep-script
case_ plot-html-ro ro plots "^hpfr plot: plots/fr\\.[a-z]+: .*$P" plot fr ana -o plots/fr.html --keep-script
case_ report-fsize $L . "^hpfr report: rep/report\\.html: .*$F" report ms -o rep/report.html
case_ report-ro ro rep "^hpfr report: rep/report\\.html: .*$P" report ms -o rep/report.html
case_ sim-fsize fsize:4 . "^hpfr sim: cal/truth\\.csv: .*$F" sim truth -o cal/truth.csv
case_ sim-ro ro cal "^hpfr sim: cal/truth\\.csv: .*$P" sim truth -o cal/truth.csv
case_ calib-spl-fsize fsize:0 . "^hpfr calib: cal/spl\\.cal: .*$F" calib spl --rec calib-ok.wav --ref 94 -o cal/spl.cal
case_ calib-spl-ro ro cal "^hpfr calib: cal/spl\\.cal: .*$P" calib spl --rec calib-ok.wav --ref 94 -o cal/spl.cal
case_ calib-output-fsize fsize:0 . "^hpfr calib: cal/out\\.txt: .*$F" calib output --vrms 0.5 --spl 100 -o cal/out.txt
case_ calib-output-ro ro cal "^hpfr calib: cal/out\\.txt: .*$P" calib output --vrms 0.5 --spl 100 -o cal/out.txt
case_ calib-loopback-fsize $L . "^hpfr calib: cal/iface\\.cal: .*$F" calib loopback --sweep sw1.wav --rec loop.wav -o cal/iface.cal
case_ calib-loopback-ro ro cal "^hpfr calib: cal/iface\\.cal: .*$P" calib loopback --sweep sw1.wav --rec loop.wav -o cal/iface.cal
# --save writes the sweep (0.8 MB) and the capture (2.6 MB) as a pair: a limit between the two
# fails the capture after the sweep was written, and neither may replace the old pair.
case_ calib-save-fsize fsize:2000 . "^hpfr calib: sv/loopback\\.wav: .*$F" calib loopback -D 'hpfr_sim:LOOPBACK=1' --inputs 3 --save sv -o cal/live.cal
case_ measure-fsize $L . "^hpfr measure: ms/placement-3/[a-z-]+\\.wav: .*$F" measure -D hpfr_sim -o ms --placements 3 --resume
case_ measure-ro ro ms "^hpfr measure: ms/session\\.json: .*$P" measure -D hpfr_sim -o ms --placements 3 --resume

# After both failures the session is still good for --resume.
if (cd "$W" && "$HPFR" measure -D hpfr_sim -o ms --placements 3 --resume) </dev/null >"$C/resume.log" 2>&1 &&
    [ "$(grep -c '"status": "done"' "$W/ms/session.json")" = 3 ]; then
    ok "measure --resume completes the session after the write failures (3 placements)"
else
    bad "measure --resume after the write failures" "$(cat "$C/resume.log")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
