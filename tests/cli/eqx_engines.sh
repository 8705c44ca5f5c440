#!/bin/sh
# SPDX-License-Identifier: MIT
# The EQ exports checked by the programs that consume them, never by hpfr's own code alone:
# sox runs the exported effects chain and the exported FIRs on a sweep, and the response
# measured from its output (eqxtool check: exact DTFT ratio) must match the profile's own
# response, designed at the files' rate, within 0.1 dB from 20 Hz to 16 kHz; Python's json
# and yaml modules and PipeWire's spa-json-dump must parse the JSON, YAML and PipeWire files.
# Run by tests/run.sh with O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"  # resolved before any cd
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${O-}" ] || die "set O=<build dir>"
O=$(cd "$O" && pwd)
X=$O/tests/tools/eqxtool
[ -x "$X" ] || die "$X is missing (make O=$O $X)"
for c in sox python3 spa-json-dump timeout; do
    command -v $c >/dev/null 2>&1 || die "$c is not installed (make deps)"
done
python3 -c 'import json, yaml' 2>/dev/null || die "python3-yaml is not installed (make deps)"

T=$(mktemp -d) || die "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || die "cd $T"
. "$TESTS_LIB"

# check DESC CMD...: ok when CMD exits 0; its output goes with a failure.
check() {
    desc=$1
    shift
    if out=$(timeout 120 "$@" 2>&1); then ok "$desc: $(echo "$out" | tr '\n' ' ')"; else bad "$desc" "$out"; fi
}

# A realistic profile (AutoEq's shelves plus peaks; nothing narrower than a 4096-tap FIR can
# follow), and a different right ear for the per-channel case, with shelves whose Q is far
# from 0.707 (an engine that ignored the shelves' Q would show).
P="LSC:105:0.7:6.3 PK:60:1.5:-2.1 PK:1000:2:-3.2 PK:3000:4:3.1 HSC:10000:0.7:-4.4 PK:6500:5:-6.8"
PR="LSC:150:1.2:4 PK:200:0.8:-1.5 PK:2500:3:2.5 HSC:9000:0.45:-3 PK:7200:4:-5"

# sox without its warnings (it notes that float WAVs lack the extended fmt chunk).
sox() { command sox -V1 "$@"; }

# sox reads the coefficients of its fir effect from text, one per line: the WAV through
# sox's own .dat writer.
coefs() { sox "$1" -t dat - | awk '!/^;/ { print $2 }' >"$2"; }

for rate in 48000 44100; do
    D=out$rate
    check "eqxtool write at $rate Hz" "$X" write $D -r $rate -n "Test HP" $P
    "$X" sweep sweep$rate.wav $rate 1 || die "eqxtool sweep failed"
    # shellcheck disable=SC2046
    sox -q sweep$rate.wav -e float -b 32 peq$rate.wav $(cat $D/sox-effects.txt) ||
        bad "sox runs sox-effects.txt at $rate Hz"
    check "sox PEQ chain at $rate Hz within 0.1 dB" "$X" check sweep$rate.wav peq$rate.wav peq 0.1 -r $rate $P
    for phase in minimum linear; do
        coefs $D/fir-$phase-$rate.wav fir.txt
        sox -q sweep$rate.wav -e float -b 32 fir$rate.wav fir fir.txt || bad "sox fir at $rate Hz"
        check "sox $phase-phase FIR at $rate Hz within 0.1 dB" "$X" check sweep$rate.wav fir$rate.wav fir-$phase 0.1 -r $rate $P
    done
done

# Per channel: line 1 of sox-effects.txt is the left chain, line 2 the right one.
check "eqxtool write, two ears" "$X" write lr -R "$PR" $P
"$X" sweep sweep2.wav 48000 2 || die "eqxtool sweep failed"
# shellcheck disable=SC2046
sox -q sweep2.wav -e float -b 32 l.wav remix 1 $(sed -n 1p lr/sox-effects.txt) &&
    sox -q sweep2.wav -e float -b 32 r.wav remix 2 $(sed -n 2p lr/sox-effects.txt) &&
    sox -q -M l.wav r.wav lr.wav || bad "sox runs the two lines of sox-effects.txt"
check "sox PEQ chains per ear within 0.1 dB" "$X" check sweep2.wav lr.wav peq 0.1 -R "$PR" $P
coefs lr/fir-minimum-48000-L.wav fl.txt
coefs lr/fir-minimum-48000-R.wav fr.txt
sox -q sweep2.wav -e float -b 32 l.wav remix 1 fir fl.txt &&
    sox -q sweep2.wav -e float -b 32 r.wav remix 2 fir fr.txt &&
    sox -q -M l.wav r.wav lrf.wav || bad "sox runs the per-ear FIRs"
check "sox minimum-phase FIRs per ear within 0.1 dB" "$X" check sweep2.wav lrf.wav fir-minimum 0.1 -R "$PR" $P

# Standard parsers. The JSON and YAML must also say what the profile says.
for D in out48000 lr; do
    check "python json reads $D/easyeffects.json" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["output"]
eq = d["equalizer#0"]
assert d["plugins_order"] == ["equalizer#0"]
assert eq["num-bands"] == len(eq["left"]) == len(eq["right"]), "band count"
print("bands", eq["num-bands"], "split", eq["split-channels"], "input-gain", eq["input-gain"])
' $D/easyeffects.json
    check "python yaml reads $D/camilladsp.yml" python3 -c '
import yaml, sys
d = yaml.safe_load(open(sys.argv[1]))
for step in d["pipeline"]:
    for n in step["names"]:
        assert n in d["filters"], n
print(len(d["filters"]), "filters,", len(d["pipeline"]), "steps")
' $D/camilladsp.yml
    check "spa-json-dump reads $D/pipewire-filter-chain.conf" sh -c \
        "spa-json-dump '$D/pipewire-filter-chain.conf' | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d[\"context.modules\"]), \"modules\")'"
done
# The values in the EasyEffects preset are the profile's (the left ear of lr is P).
check "easyeffects.json holds the profile's filters" python3 -c '
import json, sys
eq = json.load(open(sys.argv[1]))["output"]["equalizer#0"]
want = [s.split(":") for s in sys.argv[2].split()]
types = {"LSC": "Lo-shelf", "PK": "Bell", "HSC": "Hi-shelf"}
for i, (t, f, q, g) in enumerate(want):
    b = eq["left"]["band%d" % i]
    assert (b["type"], b["frequency"], b["q"], b["gain"]) == (types[t], float(f), float(q), float(g)), b
print(len(want), "bands match")
' lr/easyeffects.json "$P"

# The CamillaDSP filters are the profile's, each ear's pipeline step runs them in order after
# the preamp, and the FIR step's $samplerate$ file name exists for every rate.
check "camilladsp.yml holds the profile's filters and FIR names" python3 -c '
import os, sys, yaml
d = yaml.safe_load(open(sys.argv[1] + "/camilladsp.yml"))
types = {"LSC": "Lowshelf", "PK": "Peaking", "HSC": "Highshelf"}
for ear, spec, sfx in (("L", sys.argv[2], "_L"), ("R", sys.argv[3], "_R")):
    want = [s.split(":") for s in spec.split()]
    step = [s for s in d["pipeline"] if s["names"][0] == "hpfr_preamp" and s["channels"] == [0 if ear == "L" else 1]][0]
    assert not step["bypassed"] and step["names"][1:] == ["hpfr_eq%s_%d" % (sfx, i + 1) for i in range(len(want))], step
    for i, (t, f, q, g) in enumerate(want):
        p = d["filters"]["hpfr_eq%s_%d" % (sfx, i + 1)]["parameters"]
        assert (p["type"], p["freq"], p["q"], p["gain"]) == (types[t], float(f), float(q), float(g)), p
    conv = d["filters"]["hpfr_fir" + sfx]["parameters"]["filename"]
    for rate in (44100, 48000, 88200, 96000, 192000):
        assert os.path.exists(os.path.join(sys.argv[1], conv.replace("$samplerate$", str(rate)))), conv
print("both ears match, FIR files for 5 rates")
' lr "$P" "$PR"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
