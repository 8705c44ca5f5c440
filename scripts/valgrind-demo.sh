#!/bin/sh
# SPDX-License-Identifier: MIT
# make valgrind-demo: the whole of `make demo` (scripts/demo.sh) with every hpfr invocation
# under valgrind memcheck (scripts/hpfr-memcheck.sh). Passes when the demo completes and every
# invocation's log reports 0 errors, definite leaks counting as errors. Takes 4-5 minutes
# on a busy 2-core machine.
# HPFR=<hpfr binary>; KEEP=DIR keeps the logs and the demo output in DIR.
set -u
HPFR=${HPFR:-build/hpfr}
HPFR_BIN=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null 2>&1 || { echo "valgrind is not installed (make deps)"; exit 1; }
if ldd "$HPFR_BIN" | grep -q libasan; then
    echo "valgrind cannot run a sanitizer build: use the plain one (make valgrind-demo)"
    exit 1
fi
if [ -n "${KEEP-}" ]; then
    W=$KEEP
    rm -rf "$W" && mkdir -p "$W"
else
    W=$(mktemp -d) || exit 1
    trap 'rm -rf "$W"' EXIT
fi
mkdir -p "$W/logs"
export HPFR_BIN MEMCHECK_LOGS="$W/logs" HPFR_WISDOM="$W/fftw-wisdom" DEMO_OUT="$W/demo-out"
start=$(date +%s)
HPFR="$here/hpfr-memcheck.sh" sh "$here/demo.sh" >"$W/demo.log" 2>&1
rc=$?
secs=$(($(date +%s) - start))
n=0 bad=0
for log in "$W"/logs/*.log; do
    [ -e "$log" ] || continue
    n=$((n + 1))
    if ! grep -q "ERROR SUMMARY: 0 errors" "$log" || grep -q "definitely lost: [1-9]" "$log"; then
        bad=$((bad + 1))
        echo "memcheck found problems in: $(sed -n 's/.*Command: //p' "$log")"
        grep -E '^==[0-9]+== ' "$log" | sed -n '/Command:/,$p' | tail -n 40
    fi
done
if [ $rc -ne 0 ]; then
    echo "the demo failed under valgrind (exit $rc):"
    tail -n 20 "$W/demo.log"
fi
echo "valgrind-demo: $n hpfr invocations under memcheck, $bad with errors or definite leaks, demo exit $rc, $secs s"
[ $rc -eq 0 ] && [ $bad -eq 0 ] && [ $n -gt 0 ]
