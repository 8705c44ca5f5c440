/* SPDX-License-Identifier: MIT */
/* placeholder until the subcommand table lands */
#include <stdio.h>
int main(void) { puts("hpfr"); return 0; }
