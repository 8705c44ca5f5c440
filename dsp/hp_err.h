/* SPDX-License-Identifier: MIT */
/* One error type for the whole project; libraries return these, only the CLI prints. */
#ifndef HP_ERR_H
#define HP_ERR_H

#if defined(__GNUC__)
#define HP_WUR __attribute__((warn_unused_result))
#else
#define HP_WUR
#endif

typedef enum {
    HP_OK = 0,
    HP_EINVAL = -1,   /* argument out of range or inconsistent */
    HP_ENOMEM = -2,   /* allocation failed or size overflow */
    HP_EIO = -3,      /* read or write failed */
    HP_EPARSE = -4,   /* malformed input data */
    HP_EXRUN = -5,    /* audio over/underrun */
    HP_ENODATA = -6,  /* input holds no usable signal (e.g. no sweep found) */
    HP_EFORMAT = -7,  /* unsupported or mismatched format (rate, channels) */
    HP_EDEVICE = -8,  /* audio device failure */
    HP_ERANGE = -9,   /* a value is outside what can be represented or measured */
    HP_ECANCELED = -10, /* stopped by the user (Ctrl-C, q) */
} hp_err;

/* Static English description of an error code; never NULL. Thread-safe. */
const char *hp_strerror(hp_err err);

#endif
