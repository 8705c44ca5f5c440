#!/bin/sh
# SPDX-License-Identifier: MIT
# End to end through the CLI: `hpfr sweep`, simrec's analytic headphone model, `hpfr analyze`.
# Results are checked against the model's exact response (simrec --truth: the filter
# coefficients on hpfr's default 1/48-octave grid), never against an earlier hpfr run.
# Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"  # resolved before any cd
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${HPFR-}" ] && [ -n "${O-}" ] || die "set HPFR=<hpfr binary> and O=<build dir>"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
SIMREC=$O/tests/tools/simrec
WAVTOOL=$O/tests/tools/wavtool
for x in "$HPFR" "$SIMREC" "$WAVTOOL"; do
    [ -x "$x" ] || die "$x is missing (make O=$O $x)"
done
command -v sox >/dev/null 2>&1 && command -v soxi >/dev/null 2>&1 || die "sox is not installed"

T=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || die "cd $T"
# hpfr caches FFTW wisdom under ~/.cache; keep the tests off the user's home.
HPFR_WISDOM=$T/fftw-wisdom
export HPFR_WISDOM

DELAY=123  # simrec --delay: the latency hpfr must report, to the sample
FR_HEADER=frequency,raw,smoothed,phase
THD_HEADER=frequency,thd_percent,thd_db,h2_db,h3_db,h4_db,h5_db

# ok/bad and the pass/fail counters.
. "$TESTS_LIB"

# run DESC CMD...: runs CMD, ok when it exits 0, else FAIL with its output. Returns its status.
run() {
    desc=$1
    shift
    "$@" >out.log 2>err.log
    rc=$?
    if [ "$rc" -eq 0 ]; then
        ok "$desc"
    else
        bad "$desc (exit status $rc)" "\$ $*
$(cat out.log err.log)"
    fi
    return "$rc"
}

# check DESC CMD...: ok when CMD exits 0; its stdout is the detail (ok) or the reason (FAIL).
check() {
    desc=$1
    shift
    if msg=$("$@" 2>&1); then
        ok "$desc${msg:+ ($msg)}"
    else
        bad "$desc" "$msg"
    fi
}

# fr_vs_truth FILE TRUTH TOL_DB OFFSET_DB LO_HZ HI_HZ: the raw column of FILE is within TOL_DB
# of TRUTH's + OFFSET_DB over [LO_HZ, HI_HZ], after checking that both have the same rows and
# the same frequencies, line by line.
fr_vs_truth() {
    [ -f "$1" ] || { echo "$1 does not exist"; return 1; }
    awk -F, -v tol="$3" -v off="$4" -v lo="$5" -v hi="$6" '
        NR == FNR { tf[FNR] = $1; tv[FNR] = $2; nt = FNR; next }
        FNR == 1 { next }
        {
            nf = FNR
            if ($1 != tf[FNR]) {
                if (!fm) fm = sprintf("row %d: frequency %s in the output, %s in the truth", FNR, $1, tf[FNR])
                next
            }
            f = $1 + 0
            if (f < lo - 1e-6 || f > hi + 1e-6) next
            n++
            if ($2 !~ /^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/) {
                if (!nn) nn = sprintf("row %d (%s Hz): raw is \"%s\"", FNR, $1, $2)
                next
            }
            want = tv[FNR] + off
            d = $2 - want
            if (d < 0) d = -d
            if (d > max) { max = d; at = $1 }
            if (d > tol) {
                nbad++
                if (nbad <= 6) rows = rows sprintf("  %s Hz: raw %s, truth%+g %.5f, off by %.4f dB\n", $1, $2, off, want, d)
            }
        }
        END {
            if (nf != nt) { printf "%d rows in the output, %d in the truth\n", nf, nt; exit 1 }
            if (fm) { print fm; exit 1 }
            if (nn) { print nn; exit 1 }
            if (n == 0) { print "no rows between " lo " and " hi " Hz"; exit 1 }
            printf "max %.4f dB at %s Hz, %d rows", max, at, n
            if (nbad) { printf "; %d rows off by more than %s dB:\n%s", nbad, tol, rows; exit 1 }
            printf "\n"
        }' "$2" "$1"
}

# eq A B: the strings are equal; says both when not.
eq() {
    [ "$1" = "$2" ] || { echo "got '$1', expected '$2'"; return 1; }
}

# same_cols FILE1 FILE2 COLS: the CSV columns COLS (cut -f syntax) are identical.
same_cols() {
    cut -d, -f"$3" "$1" >c1.tmp
    cut -d, -f"$3" "$2" >c2.tmp
    cmp -s c1.tmp c2.tmp && return 0
    echo "columns $3 of $1 and $2 differ, first at:"
    diff c1.tmp c2.tmp | head -n 4
    return 1
}

# differ_cols FILE1 FILE2 COLS: the CSV columns COLS differ somewhere.
differ_cols() {
    if same_cols "$@" >/dev/null; then
        echo "columns $3 of $1 and $2 are identical"
        return 1
    fi
}

# has_key FILE KEY: summary.json has a value for KEY.
has_key() {
    [ -n "$(json_vals "$1" "$2")" ] || { echo "no \"$2\" in $1"; return 1; }
}

# header FILE EXPECTED: the first line of FILE is exactly EXPECTED.
header() {
    [ -f "$1" ] || { echo "$1 does not exist"; return 1; }
    h=$(head -n 1 "$1")
    [ "$h" = "$2" ] || { echo "$1 starts with '$h', expected '$2'"; return 1; }
}

# only_files DIR NAME...: DIR holds exactly these entries (hidden ones included).
only_files() {
    d=$1
    shift
    printf '%s\n' "$@" | LC_ALL=C sort >want.lst
    (cd "$d" 2>/dev/null && ls -A) | LC_ALL=C sort >got.lst
    if ! cmp -s want.lst got.lst; then
        echo "$d: missing (<) or unexpected (>) entries:"
        diff want.lst got.lst | grep '^[<>]'
        return 1
    fi
}

# json_vals FILE KEY: every number or string value of KEY in FILE, one a line (summary.json
# is written one key per line).
json_vals() {
    sed -n 's/^[[:space:]]*"'"$2"'":[[:space:]]*"\{0,1\}\([^",]*\)"\{0,1\},\{0,1\}[[:space:]]*$/\1/p' "$1"
}

# all_equal FILE KEY VALUE [COUNT]: KEY occurs (COUNT times, if given) and every value is VALUE.
all_equal() {
    v=$(json_vals "$1" "$2")
    n=$(printf '%s\n' "$v" | grep -c .)
    [ -n "$v" ] || { echo "no \"$2\" in $1"; return 1; }
    if [ -n "${4-}" ] && [ "$n" -ne "$4" ]; then
        echo "\"$2\" occurs $n times in $1, expected $4"
        return 1
    fi
    if printf '%s\n' "$v" | grep -vqx -e "$3"; then
        echo "\"$2\" in $1: $(printf '%s\n' "$v" | paste -sd ' ' -), expected $3"
        return 1
    fi
    echo "$2 = $3"
}

# all_at_least FILE KEY MIN: every numeric value of KEY is >= MIN.
all_at_least() {
    v=$(json_vals "$1" "$2")
    [ -n "$v" ] || { echo "no \"$2\" in $1"; return 1; }
    printf '%s\n' "$v" | awk -v min="$3" -v k="$2" '
        { if ($1 + 0 < min + 0) low = low " " $1; all = all " " sprintf("%.1f", $1) }
        END { if (low != "") { print k ":" low ", expected >= " min; exit 1 } print k ":" all }'
}

# wav_is FILE RATE CHANNELS: soxi (an independent reader) agrees, and the file has samples.
wav_is() {
    r=$(soxi -r "$1" 2>/dev/null)
    c=$(soxi -c "$1" 2>/dev/null)
    s=$(soxi -s "$1" 2>/dev/null)
    if [ "$r" != "$2" ] || [ "$c" != "$3" ] || [ -z "$s" ] || [ "$s" -le 0 ]; then
        echo "$1: soxi says rate '$r', channels '$c', samples '$s'; expected $2 Hz, $3 channel(s)"
        return 1
    fi
    echo "$r Hz, $c ch, $s samples"
}

# sweep_meta FILE RATE: the WAV comment, read by libsndfile (tests/tools/wavtool), starts with
# "hpfr-sweep 1" and records the rate. Not `soxi -a`: SoX 14.4.2 skips the LIST/INFO ICMT
# chunk ("unsupported chunk `ICMT'" with -V4), so it shows no comment for any WAV.
sweep_meta() {
    cm=$("$WAVTOOL" info "$1" | sed -n 's/^comment //p')
    case "$cm" in
        "hpfr-sweep 1 "*"rate=$2 "*) echo "comment: $(echo "$cm" | cut -c1-40)..." ;;
        *) echo "$1: comment is '$cm'"; return 1 ;;
    esac
}

# valid_json FILE: parses, when jq or python3 is there to parse it.
valid_json() {
    if command -v jq >/dev/null 2>&1; then
        jq -e . "$1" >/dev/null 2>&1 || { echo "jq cannot parse $1"; return 1; }
        echo "jq parses it"
    elif command -v python3 >/dev/null 2>&1; then
        python3 -m json.tool "$1" >/dev/null 2>&1 || { echo "python3 cannot parse $1"; return 1; }
        echo "python3 parses it"
    else
        echo "no JSON parser here, only the grep checks below"
    fi
}

# set_files SUFFIX...: the names one analysed path per suffix should produce.
set_files() {
    for s in "$@"; do
        printf '%s\n' "fr$s.csv" "thd$s.csv" "ir$s.wav" "ir-h2$s.wav" "ir-h3$s.wav" "ir-h4$s.wav" "ir-h5$s.wav"
    done
}

# ============ mono sweep, two microphones ============
# Checks that need an analysis run only when it succeeded, so one failure is reported once.
echo "# mono sweep of 2^18 samples, 2 microphones, noise -90 dBFS, delay $DELAY"
run "hpfr sweep -o s.wav --samples 262144" "$HPFR" sweep -o s.wav --samples 262144 ||
    die "cannot go on without a sweep"
check "s.wav is 48 kHz mono (soxi)" wav_is s.wav 48000 1
check "s.wav carries its parameters" sweep_meta s.wav 48000
run "simrec: 2 mics, noise -90 dBFS" \
    "$SIMREC" s.wav r2.wav --noise -90 --mics 2 --delay $DELAY --truth t.csv
if run "hpfr analyze (2-channel recording)" "$HPFR" analyze --sweep s.wav --rec r2.wav -o o2; then
    # shellcheck disable=SC2046
    check "o2 holds exactly the -ch1/-ch2 sets and summary.json" \
        only_files o2 $(set_files -ch1 -ch2) summary.json
    for ch in 1 2; do
        check "fr-ch$ch.csv header" header o2/fr-ch$ch.csv $FR_HEADER
        check "thd-ch$ch.csv header" header o2/thd-ch$ch.csv $THD_HEADER
        check "fr-ch$ch.csv raw within 0.05 dB of truth, 20 Hz-20 kHz" \
            fr_vs_truth o2/fr-ch$ch.csv t.csv 0.05 0 20 20000
        check "thd-ch$ch.csv has one row per fr-ch$ch.csv row" \
            same_cols o2/thd-ch$ch.csv o2/fr-ch$ch.csv 1
        for w in ir ir-h2 ir-h3 ir-h4 ir-h5; do
            check "$w-ch$ch.wav is 48 kHz mono (soxi)" wav_is o2/$w-ch$ch.wav 48000 1
        done
    done
    check "summary.json is valid JSON" valid_json o2/summary.json
    check "summary.json: latency_frames = --delay $DELAY on both paths" \
        all_equal o2/summary.json latency_frames $DELAY 2
    check "summary.json: parameters_from metadata" all_equal o2/summary.json parameters_from metadata 1
    check "summary.json: smoothing 1/12 by default" all_equal o2/summary.json smoothing 1/12 1
    for k in hpfr_version peak_dbfs clip_count noise_floor_dbfs snr_db peak_to_noise_db f1_hz f2_hz; do
        check "summary.json has $k" has_key o2/summary.json $k
    done
fi

# Paths are analysed in worker threads: the same input must give the same results every time,
# and never a crash. 15 more runs of the case above (a crash here has been intermittent).
# Every file is compared byte for byte, WAVs too: they carry no PEAK chunk (whose time of
# writing made them differ), and the runs are more than a second apart.
if [ -f o2/summary.json ]; then
    rep_fail=""
    i=1
    while [ $i -le 15 ]; do
        rm -rf o2r
        [ $i -eq 1 ] && sleep 1.1
        "$HPFR" analyze --sweep s.wav --rec r2.wav -o o2r >rep.log 2>&1
        rc=$?
        if [ $rc -ne 0 ]; then
            rep_fail="run $i: exit status $rc: $(cat rep.log)"
            break
        fi
        for f in $(cd o2 && ls); do
            cmp -s "o2/$f" "o2r/$f" || { rep_fail="run $i: $f differs from the first run"; break; }
        done
        [ -n "$rep_fail" ] && break
        i=$((i + 1))
    done
    if [ -z "$rep_fail" ]; then
        ok "15 more runs of the 2-channel analysis: all exit 0 with identical files"
    else
        bad "15 more runs of the 2-channel analysis: all exit 0 with identical files" "$rep_fail"
    fi
fi

# Reruns into one directory: each keeps the files it replaces in .hpfr-prev/ and writes over
# the files kept the time before, here much longer ones (AutoEq's grid has 695 rows against
# 480). Every file must be byte for byte what a run into a fresh directory writes, and the
# kept ones what the run before wrote.
if [ -f o2/summary.json ] &&
    run "hpfr analyze --smooth 1/3 (fresh directory)" "$HPFR" analyze --sweep s.wav --rec r2.wav -o o2s --smooth 1/3 &&
    run "hpfr analyze --grid autoeq into o2k" "$HPFR" analyze --sweep s.wav --rec r2.wav -o o2k --grid autoeq &&
    run "hpfr analyze into o2k again" "$HPFR" analyze --sweep s.wav --rec r2.wav -o o2k &&
    run "hpfr analyze --smooth 1/3 into o2k a third time" "$HPFR" analyze --sweep s.wav --rec r2.wav -o o2k --smooth 1/3; then
    # shellcheck disable=SC2046
    check "o2k holds the -ch1/-ch2 sets, summary.json and .hpfr-prev" \
        only_files o2k $(set_files -ch1 -ch2) summary.json .hpfr-prev
    # shellcheck disable=SC2046
    check "o2k/.hpfr-prev holds the same names" only_files o2k/.hpfr-prev $(set_files -ch1 -ch2) summary.json
    keep_fail=""
    for f in $(cd o2s && ls); do
        cmp -s "o2s/$f" "o2k/$f" || keep_fail="$keep_fail o2k/$f differs from o2s/$f;"
        cmp -s "o2/$f" "o2k/.hpfr-prev/$f" || keep_fail="$keep_fail o2k/.hpfr-prev/$f differs from o2/$f;"
    done
    if [ -z "$keep_fail" ]; then
        ok "third run into o2k: its files as in a fresh directory, the second run's kept"
    else
        bad "third run into o2k: its files as in a fresh directory, the second run's kept" "$keep_fail"
    fi
fi

# ============ mono recording ============
echo "# one microphone: files without suffix"
run "simrec: 1 mic" "$SIMREC" s.wav r1.wav --noise -90 --delay $DELAY --truth t1.csv
if run "hpfr analyze (mono recording)" "$HPFR" analyze --sweep s.wav --rec r1.wav -o o1; then
    # shellcheck disable=SC2046
    check "o1 holds exactly fr.csv, thd.csv, ir*.wav, summary.json" only_files o1 $(set_files "") summary.json
    check "fr.csv header" header o1/fr.csv $FR_HEADER
    check "thd.csv header" header o1/thd.csv $THD_HEADER
    check "fr.csv raw within 0.05 dB of truth, 20 Hz-20 kHz" fr_vs_truth o1/fr.csv t1.csv 0.05 0 20 20000
    check "latency_frames = $DELAY" all_equal o1/summary.json latency_frames $DELAY 1
fi

# ============ left-then-right sweep ============
echo "# --channels 2: left then right, 2 mics, crosstalk -40 dB"
run "hpfr sweep --channels 2" "$HPFR" sweep -o st.wav --samples 262144 --channels 2
check "st.wav is 48 kHz stereo (soxi)" wav_is st.wav 48000 2
check "st.wav carries its parameters" sweep_meta st.wav 48000
run "simrec: crosstalk -40 dB, noise -90 dBFS" \
    "$SIMREC" st.wav rs.wav --mics 2 --crosstalk -40 --noise -90 --delay $DELAY --truth ts.csv
if run "hpfr analyze (left-then-right)" "$HPFR" analyze --sweep st.wav --rec rs.wav -o os; then
    # shellcheck disable=SC2046
    check "os holds exactly the -L/-R sets, xt-L.csv, xt-R.csv, summary.json" \
        only_files os $(set_files -L -R) xt-L.csv xt-R.csv summary.json
    for s in L R; do
        check "fr-$s.csv raw within 0.05 dB of truth, 20 Hz-20 kHz" fr_vs_truth os/fr-$s.csv ts.csv 0.05 0 20 20000
        check "xt-$s.csv header" header os/xt-$s.csv $FR_HEADER
    done
    check "latency_frames = $DELAY on all four paths" all_equal os/summary.json latency_frames $DELAY 4
fi
# The crosstalk path is 40 dB below the direct one, so at -90 dBFS noise its noise-driven error
# is 100 times larger (about 0.5 dB here). 0.1 dB needs the noise 40 dB lower as well.
run "simrec: crosstalk -40 dB, noise -130 dBFS" \
    "$SIMREC" st.wav rsq.wav --mics 2 --crosstalk -40 --noise -130 --delay $DELAY --truth ts.csv
if run "hpfr analyze (left-then-right, noise -130 dBFS)" "$HPFR" analyze --sweep st.wav --rec rsq.wav -o osq; then
    for s in L R; do
        check "xt-$s.csv raw within 0.1 dB of truth-40 dB, 20 Hz-20 kHz (noise -130 dBFS)" \
            fr_vs_truth osq/xt-$s.csv ts.csv 0.1 -40 20 20000
    done
fi

# ============ loopback reference ============
echo "# --ref-channel 3: simrec --loopback (channel 3 is the signal played, without delay)"
run "simrec: 2 mics + loopback" \
    "$SIMREC" s.wav rl.wav --mics 2 --loopback --noise -90 --delay $DELAY --truth tl.csv
if run "hpfr analyze --ref-channel 3" "$HPFR" analyze --sweep s.wav --rec rl.wav -o ol --ref-channel 3; then
    # shellcheck disable=SC2046
    check "ol holds the -ch1/-ch2 sets only (the reference is not analysed)" \
        only_files ol $(set_files -ch1 -ch2) summary.json
    for ch in 1 2; do
        check "fr-ch$ch.csv raw within 0.05 dB of truth (loopback reference)" \
            fr_vs_truth ol/fr-ch$ch.csv tl.csv 0.05 0 20 20000
    done
    check "latency relative to the loopback = $DELAY" all_equal ol/summary.json latency_frames $DELAY 2
    check "summary.json: reference_channel 3" all_equal ol/summary.json reference_channel 3 1
fi
# An interface latency of 500 frames delays microphones and loopback alike: measured against
# the loopback it disappears, measured against the sweep file it adds up.
sox rl.wav rlp.wav pad 500s 2>/dev/null
if run "hpfr analyze --ref-channel 3, whole recording delayed 500 frames" \
    "$HPFR" analyze --sweep s.wav --rec rlp.wav -o olp --ref-channel 3; then
    check "latency against the loopback still $DELAY" all_equal olp/summary.json latency_frames $DELAY 2
    for ch in 1 2; do
        check "fr-ch$ch.csv within 0.05 dB of truth (delayed, loopback reference)" \
            fr_vs_truth olp/fr-ch$ch.csv tl.csv 0.05 0 20 20000
    done
fi
if run "hpfr analyze without --ref-channel, same recording" \
    "$HPFR" analyze --sweep s.wav --rec rlp.wav -o olq; then
    check "latency against the sweep file: mics $((DELAY + 500)), loopback 500" \
        eq "$(json_vals olq/summary.json latency_frames | tr '\n' ' ')" "$((DELAY + 500)) $((DELAY + 500)) 500 "
fi
run "simrec: left-then-right + loopback, crosstalk -40 dB, noise -130 dBFS" \
    "$SIMREC" st.wav rsl.wav --mics 2 --loopback --crosstalk -40 --noise -130 --delay $DELAY --truth ts.csv
if run "hpfr analyze --ref-channel 3 (left-then-right)" \
    "$HPFR" analyze --sweep st.wav --rec rsl.wav -o osl --ref-channel 3; then
    for s in L R; do
        check "fr-$s.csv within 0.05 dB of truth (loopback reference)" \
            fr_vs_truth osl/fr-$s.csv ts.csv 0.05 0 20 20000
        check "xt-$s.csv within 0.1 dB of truth-40 dB (loopback reference)" \
            fr_vs_truth osl/xt-$s.csv ts.csv 0.1 -40 20 20000
    done
    check "latency = $DELAY on all four paths (loopback reference)" all_equal osl/summary.json latency_frames $DELAY 4
fi

# ============ grid and smoothing ============
echo "# --grid autoeq, --smooth"
if run "hpfr analyze --grid autoeq" "$HPFR" analyze --sweep s.wav --rec r1.wav -o og --grid autoeq; then
    check "autoeq fr.csv: 695 rows at 20*1.01^k Hz" awk -F, '
        NR == 1 { next }
        { want = 20 * 1.01 ^ (NR - 2); d = $1 - want; if (d < 0) d = -d
          if (d > 0.0005 + 1e-6 * want && !bad) bad = sprintf("row %d: %s Hz, expected %.3f", NR, $1, want) }
        END { if (bad) { print bad; exit 1 } if (NR - 1 != 695) { print NR - 1 " rows"; exit 1 }
              print NR - 1 " rows, " $1 " Hz last" }' og/fr.csv
    check "autoeq thd.csv: same frequencies as fr.csv" same_cols og/thd.csv og/fr.csv 1
    check "autoeq fr.csv header" header og/fr.csv $FR_HEADER
fi
for sm in 1/3 var psy none 1/6:db; do
    d=sm-$(echo "$sm" | tr '/:' '__')
    run "hpfr analyze --smooth $sm" "$HPFR" analyze --sweep s.wav --rec r1.wav -o "$d" --smooth "$sm" || continue
    check "summary.json: smoothing $sm" all_equal "$d"/summary.json smoothing "$sm" 1
    [ -f o1/fr.csv ] && check "--smooth $sm leaves the raw column as it is by default" \
        same_cols "$d"/fr.csv o1/fr.csv 1,2
    if [ "$sm" = none ]; then
        check "--smooth none: smoothed column equals raw on every row" awk -F, '
            NR > 1 && $2 != $3 { n++; if (n <= 3) ex = ex sprintf("\n  %s Hz: raw %s, smoothed %s", $1, $2, $3) }
            END { if (n) { printf "%d of %d rows differ:%s\n", n, NR - 1, ex; exit 1 } }' "$d"/fr.csv
    else
        check "--smooth ${sm}: smoothed differs from raw" awk -F, '
            NR > 1 && $2 != $3 { n++ } END { if (!n) { print "smoothed equals raw"; exit 1 } }' "$d"/fr.csv
    fi
done
[ -f sm-1_3/fr.csv ] && [ -f o1/fr.csv ] &&
    check "1/3 and 1/12 (default) smoothed columns differ" differ_cols sm-1_3/fr.csv o1/fr.csv 3

# ============ a foreign sweep: DRC's glsweep ============
# glsweep 48000 0.25 10 21000 5.5 0.5 0.05 0.005: -12 dBFS, 10 Hz-21 kHz in 5.5 s, 0.5 s of
# silence each side, fade-in over 5% of the sweep (0.275 s: 10 Hz to about 15 Hz) and
# fade-out over 0.5% (27.5 ms: the last 1/18 octave, from about 20.2 kHz). Full level is thus
# 15 Hz-20.2 kHz; 30 Hz-16 kHz keeps an octave of margin below and a third of an octave above.
echo "# a sweep file from DRC's glsweep, no hpfr metadata"
if command -v glsweep >/dev/null 2>&1; then
    run "glsweep 48000 0.25 10 21000 5.5 0.5 0.05 0.005" \
        glsweep 48000 0.25 10 21000 5.5 0.5 0.05 0.005 gl.raw glinv.raw &&
        run "sox: raw float32 to gl.wav" sox -t f32 -r 48000 -c 1 gl.raw gl.wav
    run "simrec through gl.wav, noise -90 dBFS" \
        "$SIMREC" gl.wav rgl.wav --noise -90 --delay $DELAY --truth tgl.csv
    if run "hpfr analyze with the glsweep file alone" "$HPFR" analyze --sweep gl.wav --rec rgl.wav -o ogl; then
        check "parameters_from estimated" all_equal ogl/summary.json parameters_from estimated 1
        check "estimated f1 within 10% of 10 Hz, f2 within 10% of 21 kHz" awk -v f1="$(json_vals ogl/summary.json f1_hz)" \
            -v f2="$(json_vals ogl/summary.json f2_hz)" 'BEGIN {
                printf "f1 %.2f Hz, f2 %.0f Hz\n", f1, f2
                exit !(f1 > 9 && f1 < 11 && f2 > 18900 && f2 < 23100) }'
        check "fr.csv within 0.05 dB of truth, 30 Hz-16 kHz (estimated parameters)" \
            fr_vs_truth ogl/fr.csv tgl.csv 0.05 0 30 16000
        check "latency = $DELAY (estimated parameters)" all_equal ogl/summary.json latency_frames $DELAY 1
    fi
    if run "hpfr analyze --f1 10 --f2 21000 with the glsweep file" \
        "$HPFR" analyze --sweep gl.wav --rec rgl.wav -o oglf --f1 10 --f2 21000; then
        check "parameters_from options" all_equal oglf/summary.json parameters_from options 1
        check "fr.csv within 0.05 dB of truth, 30 Hz-16 kHz (--f1/--f2)" \
            fr_vs_truth oglf/fr.csv tgl.csv 0.05 0 30 16000
        check "latency = $DELAY (--f1/--f2)" all_equal oglf/summary.json latency_frames $DELAY 1
    fi
    # The same with little noise: tells a noise problem from an estimation problem.
    run "simrec through gl.wav, noise -130 dBFS" \
        "$SIMREC" gl.wav rglq.wav --noise -130 --delay $DELAY --truth tgl.csv
    if run "hpfr analyze with the glsweep file alone (noise -130 dBFS)" \
        "$HPFR" analyze --sweep gl.wav --rec rglq.wav -o oglq; then
        check "fr.csv within 0.05 dB of truth, 30 Hz-16 kHz (noise -130 dBFS)" \
            fr_vs_truth oglq/fr.csv tgl.csv 0.05 0 30 16000
        check "latency = $DELAY (noise -130 dBFS)" all_equal oglq/summary.json latency_frames $DELAY 1
    fi
else
    ok "glsweep # SKIP glsweep is not installed (Debian package drc)"
fi

# ============ sample rates ============
echo "# --rate"
for r in 44100 48000 88200 96000 192000; do
    run "hpfr sweep --rate $r" "$HPFR" sweep -o sr$r.wav --rate $r &&
        check "sr$r.wav is $r Hz mono (soxi)" wav_is sr$r.wav $r 1 &&
        check "sr$r.wav carries its parameters" sweep_meta sr$r.wav $r
done
run "hpfr sweep --rate=44100 (the --option=value form)" "$HPFR" sweep -o eq.wav --rate=44100 &&
    check "--rate=44100 gives 44100 Hz (soxi)" wav_is eq.wav 44100 1
# Analysis away from 48 kHz, default sweep (f2 = 24 kHz, or Nyquist at 44.1 kHz). At -90 dBFS
# noise the peak-to-noise ratio is about 114 dB at 48 kHz; 90 dB leaves ample margin.
for r in 44100 88200 96000 192000; do
    if run "simrec at $r Hz" "$SIMREC" sr$r.wav rr$r.wav --noise -90 --delay $DELAY --truth tr$r.csv &&
        run "hpfr analyze at $r Hz" "$HPFR" analyze --sweep sr$r.wav --rec rr$r.wav -o or$r; then
        check "$r Hz: fr.csv within 0.05 dB of truth, 20 Hz-20 kHz" fr_vs_truth or$r/fr.csv tr$r.csv 0.05 0 20 20000
        if [ "$r" -le 48000 ]; then
            check "$r Hz: latency = $DELAY" all_equal or$r/summary.json latency_frames $DELAY 1
        else
            # The default sweep stops at 24 kHz here, which cannot place a response in time
            # more finely than about fs / (2 * 24 kHz) samples; hpfr then reports the IR peak,
            # which for this minimum-phase model lies up to that many samples after the delay.
            # (The pure delay below is exact at every rate.)
            res=$((r / 48000))
            lat=$(json_vals or$r/summary.json latency_frames)
            check "$r Hz: latency within the band's resolution ($DELAY .. $DELAY+$res)" \
                test "$lat" -ge "$DELAY" -a "$lat" -le $((DELAY + res))
        fi
        check "$r Hz: peak-to-noise >= 90 dB" all_at_least or$r/summary.json peak_to_noise_db 90
    fi
done
# A pure delay (simrec --model flat: gain 0.5, no filters) has an unambiguous latency.
for r in 44100 48000 88200 96000 192000; do
    if run "simrec --model flat at $r Hz" "$SIMREC" sr$r.wav rf$r.wav --model flat --noise -90 --delay $DELAY &&
        run "hpfr analyze, pure delay, $r Hz" "$HPFR" analyze --sweep sr$r.wav --rec rf$r.wav -o of$r; then
        check "$r Hz, pure delay: latency = $DELAY" all_equal of$r/summary.json latency_frames $DELAY 1
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
