#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench, issue 3: hpfr measure through ALSA on the simulated rig. One "name value unit"
# line per figure on stdout; notes on stderr. Run with HPFR and O like bench/run.sh.
#   rig_virtual_throughput_x         seconds of audio per second of wall time, virtual clock,
#                                    through the ALSA duplex path (bench/rigspeed, 60 s)
#   measure_rt_cpu_percent           CPU use of a real-time measure (hpfr_sim_rt, 48 kHz, one
#                                    placement of a 2^18 stereo sweep: level check, two sweeps,
#                                    analysis), user + system over wall time; the simulated
#                                    device renders inside the same process, so this also pays
#                                    for the rig (target below 10% of one core)
#   measure_5placements_2^18_s       wall time of a whole 5-placement stereo session with 2^18
#                                    sweeps on the virtual clock, median of 3 (target < 5 s)
set -eu
: "${HPFR:?set HPFR to the hpfr binary}"
: "${O:?set O to the build directory}"
note() { printf 'bench: %s\n' "$*" >&2; }
fig() { printf '%s %s %s\n' "$1" "$2" "$3"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hpfr-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
O=$(cd "$O" && pwd)
HPFR_WISDOM=$tmp/fftw-wisdom
HPFR_ALSA_CONF=$O/hpfr-alsa.conf
export HPFR_WISDOM HPFR_ALSA_CONF

note "simulated rig throughput (virtual clock, 60 s of audio)"
set -- $("$O/bench/rigspeed" 60)
fig rig_virtual_throughput_x "$(calc %.0f "$1 / $2")" x

note "real-time measure, one placement (about 14 s)"
set -- $("$O/bench/timecmd" 1 sh -c "rm -rf '$tmp/rt'; exec '$HPFR' measure -D hpfr_sim_rt -o '$tmp/rt' --placements 1 --samples 262144 --yes </dev/null")
fig measure_rt_cpu_percent "$(calc %.1f "100 * $5 / $1")" %

note "5-placement stereo session, 2^18 sweeps, virtual clock"
set -- $("$O/bench/timecmd" 3 sh -c "rm -rf '$tmp/s5'; exec '$HPFR' measure -D hpfr_sim -o '$tmp/s5' --placements 5 --samples 262144 --yes </dev/null")
fig "measure_5placements_2^18_s" "$(calc %.2f "$1 / 1000")" s
