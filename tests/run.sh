#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs test binaries and test scripts, each under a timeout, and sums their
# "N passed, N failed" lines into one final line.
total_p=0
total_f=0
for t in "$@"; do
    log=$(mktemp)
    case "$t" in
        *.sh) timeout 600 sh "$t" >"$log" 2>&1 ;;
        *) timeout 600 "$t" >"$log" 2>&1 ;;
    esac
    rc=$?
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    [ -n "$p" ] || p=0
    [ -n "$f" ] || f=0
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1  # crashed, timed out or failed without saying so
    fi
    if [ "$f" -ne 0 ]; then
        echo "FAIL $t (exit $rc)"
        sed 's/^/    /' "$log" | tail -n 40
    else
        echo "ok   $t ($p)"
    fi
    rm -f "$log"
    total_p=$((total_p + p))
    total_f=$((total_f + f))
done
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
