#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: the pipeline on the simulated rig (an ALSA device built with hpfr), into demo-out/.
# For now: a 5-placement session of the closed-back preset through `hpfr measure -D hpfr_sim`,
# one placement with a broken seal, compared with the model's exact response.
set -e
HPFR=${HPFR:-build/hpfr}
OUT=demo-out
rm -rf "$OUT"
mkdir -p "$OUT"
# hpfr_sim: virtual clock (far faster than real time); LEAKS gives each placement's leak
# corner in Hz: placement 3 has a broken seal.
RIG='hpfr_sim:PRESET=closed-back,SEED=1,LEAKS=6/6/90/6/6'
echo "== 1. devices"
"$HPFR" devices | sed -n '/hpfr_sim /,/capture/p'
echo "== 2. measure: closed-back headphone, 5 placements (placement 3 with a broken seal)"
"$HPFR" measure -D "$RIG" -o "$OUT/closed-back" --name "Simulated closed-back" --yes </dev/null
echo "== 3. the model's exact response of each placement, to compare"
mkdir -p "$OUT/truth"
for n in 1 2 3 4 5; do
    "$HPFR" sim truth PRESET=closed-back SEED=1 LEAKS=6/6/90/6/6 --placement $n \
        -o "$OUT/truth/closed-back-$n.csv"
done
echo
echo "Results in $OUT/closed-back/:"
echo "  session.json                    the session: devices, sweep, placements"
echo "  placement-N/fr-L.csv, fr-R.csv  frequency responses (raw, 1/12-octave smoothed, phase)"
echo "  placement-N/thd-L.csv, thd-R.csv  THD and H2..H5 against frequency"
echo "  placement-N/xt-L.csv, xt-R.csv  crosstalk between the ears"
echo "  placement-N/ir-L.wav ...        impulse responses; summary.json: latency, SNR"
echo "  ../truth/closed-back-N.csv      the simulated headphone's exact response per placement"
