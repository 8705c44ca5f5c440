# SPDX-License-Identifier: MIT
# Shared by the tests/cli/*.sh scripts: the ok/bad reporters and their pass/fail counters;
# each script prints "$pass passed, $fail failed" itself at the end.
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() {
    fail=$((fail + 1))
    echo "FAIL - $1"
    if [ -n "${2-}" ]; then printf '%s\n' "$2" | sed 's/^/    /'; fi
}
