#!/bin/sh
# SPDX-License-Identifier: MIT
# valgrind memcheck of a whole `hpfr measure` on the simulated rig (ALSA, plugin, analysis,
# session files): no error and no byte definitely lost. Skipped in sanitizer builds, which
# valgrind cannot run. Run by tests/run.sh with HPFR=<hpfr binary> and O=<build dir>.
TESTS_LIB="$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
set -u
. "$TESTS_LIB"
HPFR=$(cd "$(dirname "$HPFR")" && pwd)/$(basename "$HPFR")
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
export HPFR_WISDOM="$T/wisdom"
unset HPFR_PLACEMENT ALSA_CONFIG_PATH
if ldd "$HPFR" | grep -q libasan; then
    ok "# skipped under AddressSanitizer (valgrind cannot run it)"
elif ! command -v valgrind >/dev/null 2>&1; then
    bad "valgrind is not installed (make deps installs it)"
else
    valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
        "$HPFR" measure -D hpfr_sim -o "$T/s" --placements 2 --samples 65536 </dev/null \
        >"$T/log" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$T/log" &&
        grep -q "definitely lost: 0 bytes" "$T/log"; then
        ok "valgrind memcheck: hpfr measure -D hpfr_sim, 0 errors, 0 bytes definitely lost"
    else
        bad "valgrind memcheck of hpfr measure (exit $rc)" "$(grep -E '==[0-9]+==' "$T/log" | tail -n 30)"
    fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
