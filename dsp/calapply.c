/* SPDX-License-Identifier: MIT */
/* Calibration applied to (and removed from) a response on its grid. */
#include "calapply.h"
#include <math.h>
#include "curve.h"

static hp_err validate(const hp_cal_correction *c, const double *mag, const double *phase,
                       size_t n)
{
    if (!c || !isfinite(c->offset_db))
        return HP_EINVAL;
    if (n && mag && c->db)
        for (size_t i = 0; i < n; i++)
            if (!isfinite(c->db[i]))
                return HP_EINVAL;
    if (n && phase && c->phase_deg)
        for (size_t i = 0; i < n; i++)
            if (!isfinite(c->phase_deg[i]))
                return HP_EINVAL;
    return HP_OK;
}

static hp_err run(const hp_cal_correction *c, double *raw, double *smooth, double *phase, size_t n,
                  double sign)
{
    hp_err e = validate(c, raw ? raw : smooth, phase, n);
    if (e != HP_OK)
        return e;
    double *mags[2] = {raw, smooth};
    for (int m = 0; m < 2; m++) {
        if (!mags[m])
            continue;
        for (size_t i = 0; i < n; i++)
            mags[m][i] += sign * ((c->db ? -c->db[i] : 0.0) + c->offset_db);
    }
    if (phase && c->phase_deg)
        for (size_t i = 0; i < n; i++)
            phase[i] = hp_phase_wrap_deg(phase[i] - sign * c->phase_deg[i]);
    return HP_OK;
}

hp_err hp_cal_apply(const hp_cal_correction *c, double *raw_db, double *smooth_db,
                    double *phase_deg, size_t n)
{
    return run(c, raw_db, smooth_db, phase_deg, n, 1.0);
}

hp_err hp_cal_remove(const hp_cal_correction *c, double *raw_db, double *smooth_db,
                     double *phase_deg, size_t n)
{
    return run(c, raw_db, smooth_db, phase_deg, n, -1.0);
}

hp_err hp_cal_compensate(const double *db, const double *comp_db, size_t n, double *out)
{
    if (n && (!db || !comp_db || !out))
        return HP_EINVAL;
    for (size_t i = 0; i < n; i++)
        out[i] = db[i] - comp_db[i];
    return HP_OK;
}
