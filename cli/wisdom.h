/* SPDX-License-Identifier: MIT */
/* FFTW wisdom cached between runs ($HPFR_WISDOM, else $XDG_CACHE_HOME/hpfr/fftw-wisdom, else
 * ~/.cache/hpfr/fftw-wisdom): it halves the planning time of transform sizes seen before.
 * It only ever holds FFTW_ESTIMATE wisdom; a missing or unwritable cache is not an error. */
#ifndef HP_CLI_WISDOM_H
#define HP_CLI_WISDOM_H

/* Imports the cached wisdom, if any. Returns the text loaded (NULL if none), to pass to
 * hp_cli_wisdom_save, which frees it. */
char *hp_cli_wisdom_load(void);

/* Writes the process's wisdom back when it grew (or nothing was loaded). Frees `loaded`.
 * Like FFTW planning, neither function may run while another thread plans. */
void hp_cli_wisdom_save(char *loaded);

#endif
