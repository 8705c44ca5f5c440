#!/bin/sh
# SPDX-License-Identifier: MIT
# The exported pipewire-filter-chain.conf run by a real PipeWire daemon: a private, headless
# daemon (own runtime and config directories, a null sink as the only device, no session
# manager) loads the file as a drop-in; a sweep is played into each hpfr sink with pw-play,
# the null sink's monitor is recorded with pw-record, and the response measured from the
# recording (eqxtool check: exact DTFT ratio, so latency does not matter) must match the
# profile's own response within 0.1 dB from 20 Hz to 16 kHz: the parametric EQ chain
# (preamp included) and the minimum-phase FIR chain, for one ear and for two; and with the
# graph at 44.1 kHz, where each chain still runs at its own 48 kHz (audio.rate) and PipeWire
# resamples: the same 48 kHz curves.
# Without a session manager nobody links nodes or sets their ports up, so the script does
# what WirePlumber would: PortConfig on each stream node (pw-cli) and links (pw-link).
# Run by tests/run.sh with O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"  # resolved before any cd
set -u

die() { echo "FAIL - $1"; echo "${pass:-0} passed, $((${fail:-0} + 1)) failed"; exit 1; }
[ -n "${O-}" ] || die "set O=<build dir>"
O=$(cd "$O" && pwd)
X=$O/tests/tools/eqxtool
[ -x "$X" ] || die "$X is missing (make O=$O $X)"
for c in pipewire pw-play pw-record pw-cli pw-link pw-dump spa-json-dump python3 timeout; do
    command -v $c >/dev/null 2>&1 || die "$c is not installed (make deps)"
done

T=$(mktemp -d) || die "mktemp -d failed"
DAEMON=""
cleanup() {
    [ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$T" || die "cd $T"
. "$TESTS_LIB"

mkdir -p run conf/pipewire.conf.d || die "mkdir failed"
# Clients and daemon meet on this socket directory; clients keep the system client.conf.
XDG_RUNTIME_DIR=$T/run
PIPEWIRE_RUNTIME_DIR=$T/run
export XDG_RUNTIME_DIR PIPEWIRE_RUNTIME_DIR
unset PIPEWIRE_REMOTE PIPEWIRE_CONFIG_DIR PIPEWIRE_CONFIG_NAME

# write_conf RATE: the daemon's configuration with its graph at RATE.
GRAPH_RATE=48000
write_conf() {
GRAPH_RATE=$1
cat >conf/pipewire.conf <<EOF
context.properties = {
    core.daemon = true
    core.name = pipewire-0
    default.clock.rate = $1
    default.clock.allowed-rates = [ $1 ]
    link.max-buffers = 16
    support.dbus = false
    mem.allow-mlock = false
    log.level = 2
}
context.spa-libs = {
    audio.convert.* = audioconvert/libspa-audioconvert
    support.*       = support/libspa-support
}
context.modules = [
    { name = libpipewire-module-protocol-native }
    { name = libpipewire-module-access args = { } }
    { name = libpipewire-module-spa-node-factory }
    { name = libpipewire-module-client-node }
    { name = libpipewire-module-adapter }
    { name = libpipewire-module-link-factory }
    { name = libpipewire-module-metadata }
]
context.objects = [
    { factory = spa-node-factory
        args = {
            factory.name    = support.node.driver
            node.name       = Dummy-Driver
            node.group      = pipewire.dummy
            priority.driver = 20000
        }
    }
    { factory = adapter
        args = {
            factory.name     = support.null-audio-sink
            node.name        = hpfr_null
            media.class      = Audio/Sink
            audio.position   = [ FL FR ]
            adapter.auto-port-config = { mode = dsp monitor = true position = preserve }
        }
    }
]
EOF
}
write_conf 48000

# The profiles of eqx_engines.sh; the right ear's shelves have Q far from 0.707.
P="LSC:105:0.7:6.3 PK:60:1.5:-2.1 PK:1000:2:-3.2 PK:3000:4:3.1 HSC:10000:0.7:-4.4 PK:6500:5:-6.8"
PR="LSC:150:1.2:4 PK:200:0.8:-1.5 PK:2500:3:2.5 HSC:9000:0.45:-3 PK:7200:4:-5"
"$X" write one -n "Test HP" $P >x.log 2>&1 || die "eqxtool write failed: $(cat x.log)"
"$X" write two -n "Test HP" -R "$PR" $P >x.log 2>&1 || die "eqxtool write failed: $(cat x.log)"
"$X" sweep sweep48000.wav 48000 2 1 && "$X" sweep sweep44100.wav 44100 2 1 || die "eqxtool sweep failed"

# The id of the node called $1 (empty until it exists).
node_id() {
    timeout 5 pw-dump 2>/dev/null | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    if o.get("type", "").endswith(":Node") and o["info"]["props"].get("node.name") == sys.argv[1]:
        print(o["id"])
' "$1" 2>/dev/null
}
wait_node() {
    i=0
    while [ $i -lt 50 ]; do
        id=$(node_id "$1")
        [ -n "$id" ] && { echo "$id"; return 0; }
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# Stereo float ports in DSP mode, as a session manager would configure them.
port_config() {
    timeout 5 pw-cli set-param "$1" PortConfig "{ direction: $2, mode: dsp, monitor: false, \
control: false, format: { mediaType: audio, mediaSubtype: raw, format: F32P, rate: $GRAPH_RATE, \
channels: 2, position: [ FL, FR ] } }" >/dev/null
}
wait_port() {
    i=0
    while [ $i -lt 50 ]; do
        timeout 5 pw-link -io 2>/dev/null | grep -qx "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
link() { wait_port "$1" && wait_port "$2" && timeout 5 pw-link "$1" "$2"; }

# start_daemon DIR: a fresh daemon with DIR's pipewire-filter-chain.conf as its drop-in.
start_daemon() {
    rm -f run/pipewire-0 run/pipewire-0.lock conf/pipewire.conf.d/*.conf
    cp "$1/pipewire-filter-chain.conf" conf/pipewire.conf.d/hpfr.conf || return 1
    PIPEWIRE_CONFIG_DIR=$T/conf timeout 120 pipewire >daemon.log 2>&1 &
    DAEMON=$!
    wait_node hpfr_eq_input >/dev/null && wait_node hpfr_fir_input >/dev/null
}
stop_daemon() {
    kill "$DAEMON" 2>/dev/null
    wait "$DAEMON" 2>/dev/null
    DAEMON=""
}

# play SINK OUT.wav: plays the sweep into hpfr_SINK_input and records what reaches the null
# sink through hpfr_SINK_output.
play() {
    rec=""
    player=""
    play_steps "$@"
    rc=$?
    [ -n "$player" ] && kill "$player" 2>/dev/null && wait "$player" 2>/dev/null
    [ -n "$rec" ] && kill -INT "$rec" 2>/dev/null && wait "$rec" 2>/dev/null
    return $rc
}
play_steps() {
    sink=$1
    out=$2
    id=$(wait_node hpfr_${sink}_input) && port_config "$id" Input || return 1
    id=$(wait_node hpfr_${sink}_output) && port_config "$id" Output || return 1
    for ch in FL FR; do
        link hpfr_${sink}_output:output_$ch hpfr_null:playback_$ch || return 1
    done
    timeout 30 pw-record --rate $GRAPH_RATE --channels 2 --format f32 -P node.name=hpfr_rec "$out" \
        >rec.log 2>&1 &
    rec=$!
    id=$(wait_node hpfr_rec) && port_config "$id" Input || return 1
    for ch in FL FR; do
        link hpfr_null:monitor_$ch hpfr_rec:input_$ch || return 1
    done
    # Nothing plays before the player is linked: the recording starts in silence and holds
    # the whole sweep and its tail.
    timeout 30 pw-play -P node.name=hpfr_play sweep$GRAPH_RATE.wav >play.log 2>&1 &
    player=$!
    id=$(wait_node hpfr_play) && port_config "$id" Output || return 1
    for ch in FL FR; do
        link hpfr_play:output_$ch hpfr_${sink}_input:playback_$ch || return 1
    done
    wait $player || return 1
    player=""
    sleep 0.5
    kill -INT $rec
    wait $rec
    rec=""
    # The chain's output leaves the null sink to the next chain.
    for ch in FL FR; do
        timeout 5 pw-link -d hpfr_${sink}_output:output_$ch hpfr_null:playback_$ch 2>/dev/null
    done
    [ -s "$out" ]
}

# check DESC CMD...: ok when CMD exits 0; its output goes with a failure.
check() {
    desc=$1
    shift
    if out=$(timeout 120 "$@" 2>&1); then ok "$desc: $(echo "$out" | tr '\n' ' ')"; else bad "$desc" "$out"; fi
}

if ! start_daemon one; then
    # Say exactly why, then fall back to PipeWire's own parser of the same file.
    echo "NOTE - the PipeWire daemon did not come up here; its log:"
    sed 's/^/    /' daemon.log | tail -n 20
    stop_daemon
    for D in one two; do
        check "spa-json-dump reads $D/pipewire-filter-chain.conf" spa-json-dump "$D/pipewire-filter-chain.conf"
    done
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
fi
ok "a headless PipeWire daemon loaded the one-ear drop-in"
if play eq one-eq.wav; then
    check "PipeWire EQ chain within 0.1 dB (one ear)" "$X" check sweep48000.wav one-eq.wav peq 0.1 $P
else
    bad "playing through the EQ chain (one ear)" "$(cat daemon.log rec.log play.log)"
fi
if play fir one-fir.wav; then
    check "PipeWire FIR chain within 0.1 dB (one ear)" "$X" check sweep48000.wav one-fir.wav fir-minimum 0.1 $P
else
    bad "playing through the FIR chain (one ear)" "$(cat daemon.log rec.log play.log)"
fi
stop_daemon

if start_daemon two; then
    ok "a headless PipeWire daemon loaded the two-ear drop-in"
    if play eq two-eq.wav; then
        check "PipeWire EQ chains within 0.1 dB (two ears)" "$X" check sweep48000.wav two-eq.wav peq 0.1 -R "$PR" $P
    else
        bad "playing through the EQ chains (two ears)" "$(cat daemon.log rec.log play.log)"
    fi
    if play fir two-fir.wav; then
        check "PipeWire FIR chains within 0.1 dB (two ears)" "$X" check sweep48000.wav two-fir.wav fir-minimum 0.1 -R "$PR" $P
    else
        bad "playing through the FIR chains (two ears)" "$(cat daemon.log rec.log play.log)"
    fi
else
    bad "the daemon loads the two-ear drop-in" "$(cat daemon.log)"
fi
stop_daemon

# The graph at 44.1 kHz: the chains keep their own rate, so their curves are the 48 kHz ones.
write_conf 44100
if start_daemon one; then
    ok "a headless PipeWire daemon at 44.1 kHz loaded the one-ear drop-in"
    if play eq one-eq44.wav; then
        check "PipeWire EQ chain in a 44.1 kHz graph: the 48 kHz design within 0.1 dB" \
            "$X" check sweep44100.wav one-eq44.wav peq 0.1 -r 48000 $P
    else
        bad "playing through the EQ chain at 44.1 kHz" "$(cat daemon.log rec.log play.log)"
    fi
    if play fir one-fir44.wav; then
        check "PipeWire FIR chain in a 44.1 kHz graph within 0.1 dB" \
            "$X" check sweep44100.wav one-fir44.wav fir-minimum 0.1 $P
    else
        bad "playing through the FIR chain at 44.1 kHz" "$(cat daemon.log rec.log play.log)"
    fi
else
    bad "the daemon at 44.1 kHz loads the drop-in" "$(cat daemon.log)"
fi
stop_daemon

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
