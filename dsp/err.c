/* SPDX-License-Identifier: MIT */
/* Text for hp_err codes. */
#include "hp_err.h"

const char *hp_strerror(hp_err err)
{
    switch (err) {
    case HP_OK: return "success";
    case HP_EINVAL: return "invalid argument";
    case HP_ENOMEM: return "out of memory";
    case HP_EIO: return "input/output error";
    case HP_EPARSE: return "malformed data";
    case HP_EXRUN: return "audio over/underrun";
    case HP_ENODATA: return "no usable signal";
    case HP_EFORMAT: return "unsupported or mismatched format";
    case HP_EDEVICE: return "audio device error";
    case HP_ERANGE: return "value out of range";
    case HP_ECANCELED: return "stopped by the user";
    }
    return "unknown error";
}
