/* SPDX-License-Identifier: MIT */
/* The sweep parameters hpfr records in its sweep WAV files (the WAV comment string), so that
 * `hpfr analyze` needs nothing but the file. */
#ifndef HP_SWEEPMETA_H
#define HP_SWEEPMETA_H
#include <stddef.h>
#include "hp_err.h"
#include "sweep.h"

/* Writes "hpfr-sweep 1 rate=48000 f1=10 f2=24000 L=0.7 T=5.44... level=-12 fade_in_oct=0.5
 * fade_out_s=0.005 channels=1 frames=321517 sweep_frames=261417 start1=12000 start2=12000"
 * into buf (NUL-terminated). HP_ERANGE if it does not fit. */
hp_err hp_sweepmeta_format(const hp_sweep_info *info, char *buf, size_t len) HP_WUR;

/* Parses such a string. HP_ENODATA when it is not hpfr sweep metadata, HP_EPARSE when it is
 * but a field is missing or out of range. */
hp_err hp_sweepmeta_parse(const char *text, hp_sweep_info *info) HP_WUR;

#endif
