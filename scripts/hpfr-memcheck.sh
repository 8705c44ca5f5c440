#!/bin/sh
# SPDX-License-Identifier: MIT
# hpfr under valgrind memcheck, usable wherever a script takes HPFR=<hpfr binary>, e.g.
#   HPFR_BIN=build/hpfr MEMCHECK_LOGS=/tmp/mc HPFR=scripts/hpfr-memcheck.sh sh scripts/demo.sh
# Each invocation writes its own log, MEMCHECK_LOGS/hpfr.PID.log, and exits with status 99 on
# any memory error or any block definitely lost (possibly lost and reachable blocks, e.g.
# library caches, are reported in the log but are not errors). Programs hpfr starts (gnuplot)
# are not checked, and a forked child writes no log of its own.
: "${HPFR_BIN:?set HPFR_BIN to the hpfr binary}"
: "${MEMCHECK_LOGS:?set MEMCHECK_LOGS to a directory for the valgrind logs}"
exec valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --child-silent-after-fork=yes --log-file="$MEMCHECK_LOGS/hpfr.%p.log" "$HPFR_BIN" "$@"
