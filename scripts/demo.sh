#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: the whole pipeline on the simulated rig (an ALSA device built with hpfr), into
# demo-out/: a closed-back and an open-back headphone, 5 placements each (placement 3 with a
# broken seal), placement statistics, leak analysis and comparison, EQ to Harman over-ear 2018
# in every export format, hpfr verify of that EQ, every plot kind as PNG and SVG, and the report.
# HPFR names the hpfr binary (default build/hpfr), DEMO_OUT the output directory (default
# demo-out; it is replaced).
set -e
HPFR=${HPFR:-build/hpfr}
OUT=${DEMO_OUT:-demo-out}
case "$OUT" in
/ | . | ..) echo "demo.sh: DEMO_OUT=$OUT: give a directory of its own" >&2; exit 2 ;;
esac
rm -rf "$OUT"
mkdir -p "$OUT/plots" "$OUT/truth"
step() { printf '\n== %s\n' "$*"; }

step "1. devices"
"$HPFR" devices | sed -n '/hpfr_sim /,/capture/p'

# hpfr_sim runs on a virtual clock, far faster than real time. The closed-back headphone's
# LEAKS gives each placement's leak corner in Hz: placement 3 has a broken seal. The open-back
# one leaks through its own baffle; its seating varies from the seed.
CLOSED="PRESET=closed-back,SEED=1,LEAKS=6/6/90/6/6"
for kind in closed-back open-back; do
    rig="PRESET=$kind,SEED=1"
    [ $kind = closed-back ] && rig=$CLOSED
    step "2. measure: $kind headphone, 5 placements"
    "$HPFR" measure -D "hpfr_sim:$rig" -o "$OUT/$kind" --name "Simulated $kind" --yes </dev/null
    for n in 1 2 3 4 5; do
        # shellcheck disable=SC2046
        "$HPFR" sim truth $(echo "$rig" | tr ',' ' ') --placement $n -o "$OUT/truth/$kind-$n.csv"
    done
    step "3. $kind: placement statistics and seal analysis"
    "$HPFR" average "$OUT/$kind"
    "$HPFR" leak "$OUT/$kind"
done

step "4. closed-back against open-back"
"$HPFR" compare "$OUT/closed-back" "$OUT/open-back" -o "$OUT/compare"

step "5. EQ of the closed-back headphone to Harman over-ear 2018, every export format"
"$HPFR" eq "$OUT/closed-back" --target harman-oe-2018 -o "$OUT/closed-back/eq" \
    --name "Simulated closed-back"

step "6. verify: the closed-back headphone measured again through its EQ, 5 placements"
"$HPFR" verify -D "hpfr_sim:$CLOSED" --eq "$OUT/closed-back/eq" --placements 5 \
    --name "Simulated closed-back, EQ applied" --yes </dev/null

step "7. plots (PNG and SVG)"
P1="$OUT/closed-back/placement-1"
for ext in png svg; do
    "$HPFR" plot fr "$OUT/closed-back/eq/"eq*.csv -o "$OUT/plots/fr.$ext"
    "$HPFR" plot placements "$OUT/closed-back" -o "$OUT/plots/placements.$ext"
    "$HPFR" plot leak "$OUT/closed-back/leak" "$OUT/open-back/leak" -o "$OUT/plots/leak.$ext"
    "$HPFR" plot ir "$P1/ir-L.wav" -o "$OUT/plots/ir.$ext"
    "$HPFR" plot thd "$P1/thd-L.csv" -o "$OUT/plots/thd.$ext"
    "$HPFR" plot eq "$OUT/closed-back/eq" -o "$OUT/plots/eq.$ext"
    "$HPFR" plot balance "$P1" -o "$OUT/plots/balance.$ext"
    "$HPFR" plot compare "$OUT/closed-back" "$OUT/open-back" -o "$OUT/plots/compare.$ext"
done
ls "$OUT/plots"

step "8. report"
"$HPFR" report "$OUT/closed-back" -o "$OUT/report.html"

printf '\nOpen:\n'
echo "  $OUT/report.html                  the closed-back session: summary, every plot, EQ"
echo "  $OUT/plots/                       every plot kind as PNG and SVG"
echo "  $OUT/closed-back/eq/              EQ profiles: ParametricEQ.txt (EqualizerAPO), PipeWire,"
echo "                                    EasyEffects, CamillaDSP, sox, REW, FIR WAVs"
echo "  $OUT/closed-back/eq/verify/       the EQ measured: residual-L.csv, residual-R.csv, summary.json"
echo "  $OUT/compare/                     closed-back against open-back: leak, bass loss, balance"
echo "  $OUT/<kind>/leak/, average/        seal analysis and placement statistics"
echo "  $OUT/truth/                       the simulated headphones' exact responses"
