/* SPDX-License-Identifier: MIT */
/* FFTW wrapper: one r2c and one c2r plan per object, executed with the new-array interface. */
#include "fft.h"
#include <fftw3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct hp_fft {
    size_t n;
    fftw_plan fwd, inv;
    double *rbuf;           /* aligned scratch used for planning and for unaligned callers */
    fftw_complex *cbuf;
};

static void set_err(hp_err *err, hp_err v)
{
    if (err)
        *err = v;
}

double *hp_fft_alloc_real(size_t n)
{
    if (n == 0 || n > SIZE_MAX / sizeof(double))
        return NULL;
    return fftw_malloc(n * sizeof(double));
}

double complex *hp_fft_alloc_complex(size_t n)
{
    if (n == 0 || n > SIZE_MAX / sizeof(double complex))
        return NULL;
    return fftw_malloc(n * sizeof(double complex));
}

void hp_fft_buf_free(void *p)
{
    if (p)
        fftw_free(p);
}

hp_fft *hp_fft_new(size_t n, hp_err *err)
{
    /* FFTW takes int sizes; 2^30 is far beyond any sweep we analyse. */
    if (n < 2 || n > ((size_t)1 << 30)) {
        set_err(err, HP_EINVAL);
        return NULL;
    }
    hp_fft *f = calloc(1, sizeof *f);
    if (!f) {
        set_err(err, HP_ENOMEM);
        return NULL;
    }
    f->n = n;
    f->rbuf = hp_fft_alloc_real(n);
    f->cbuf = (fftw_complex *)hp_fft_alloc_complex(n / 2 + 1);
    if (!f->rbuf || !f->cbuf)
        goto nomem;
    /* ESTIMATE does not touch the arrays; wisdom, when imported, is used automatically. The
     * inverse plan waits for its first use: planning a new size costs milliseconds, more than
     * the transform, and many users only go forward. */
    f->fwd = fftw_plan_dft_r2c_1d((int)n, f->rbuf, f->cbuf, FFTW_ESTIMATE);
    if (!f->fwd)
        goto nomem;
    set_err(err, HP_OK);
    return f;
nomem:
    hp_fft_free(f);
    set_err(err, HP_ENOMEM);
    return NULL;
}

void hp_fft_free(hp_fft *f)
{
    if (!f)
        return;
    if (f->fwd)
        fftw_destroy_plan(f->fwd);
    if (f->inv)
        fftw_destroy_plan(f->inv);
    hp_fft_buf_free(f->rbuf);
    hp_fft_buf_free(f->cbuf);
    free(f);
}

size_t hp_fft_size(const hp_fft *f)
{
    return f ? f->n : 0;
}

static int aligned_like(const void *p, const void *planned)
{
    return fftw_alignment_of((double *)(uintptr_t)p) == fftw_alignment_of((double *)(uintptr_t)planned);
}

hp_err hp_fft_forward(hp_fft *f, const double *in, double complex *out)
{
    if (!f || !in || !out)
        return HP_EINVAL;
    size_t nc = f->n / 2 + 1;
    /* Out-of-place r2c preserves its input in FFTW, so an aligned input is used directly. */
    double *src = (double *)(uintptr_t)in;
    if (!aligned_like(in, f->rbuf) || (const void *)in == (const void *)out) {
        memcpy(f->rbuf, in, f->n * sizeof *in);
        src = f->rbuf;
    }
    if (aligned_like(out, f->cbuf) && (const void *)out != (const void *)in) {
        fftw_execute_dft_r2c(f->fwd, src, (fftw_complex *)out);
    } else {
        fftw_execute_dft_r2c(f->fwd, src, f->cbuf);
        memcpy(out, f->cbuf, nc * sizeof *out);
    }
    return HP_OK;
}

hp_err hp_fft_plan_inverse(hp_fft *f)
{
    if (!f)
        return HP_EINVAL;
    if (!f->inv && !(f->inv = fftw_plan_dft_c2r_1d((int)f->n, f->cbuf, f->rbuf, FFTW_ESTIMATE)))
        return HP_ENOMEM;
    return HP_OK;
}

hp_err hp_fft_inverse(hp_fft *f, const double complex *in, double *out)
{
    if (!f || !in || !out)
        return HP_EINVAL;
    hp_err e = hp_fft_plan_inverse(f);
    if (e != HP_OK)
        return e;
    size_t nc = f->n / 2 + 1;
    memcpy(f->cbuf, in, nc * sizeof *in);
    if (aligned_like(out, f->rbuf) && (const void *)out != (const void *)in) {
        fftw_execute_dft_c2r(f->inv, f->cbuf, out);
    } else {
        fftw_execute_dft_c2r(f->inv, f->cbuf, f->rbuf);
        memcpy(out, f->rbuf, f->n * sizeof *out);
    }
    double scale = 1.0 / (double)f->n;
    for (size_t i = 0; i < f->n; i++)
        out[i] *= scale;
    return HP_OK;
}

size_t hp_fft_good_size(size_t n)
{
    if (n <= 2)
        return 2;
    for (size_t m = n; m != 0 && m <= ((size_t)1 << 31); m++) {
        size_t r = m;
        static const size_t primes[] = {2, 3, 5, 7};
        for (size_t i = 0; i < 4; i++)
            while (r % primes[i] == 0)
                r /= primes[i];
        if (r == 1)
            return m;
    }
    return 0;
}

hp_err hp_fft_import_wisdom(const char *wisdom)
{
    if (!wisdom)
        return HP_EINVAL;
    return fftw_import_wisdom_from_string(wisdom) ? HP_OK : HP_EPARSE;
}

char *hp_fft_export_wisdom(void)
{
    return fftw_export_wisdom_to_string();
}

void hp_fft_wisdom_free(char *wisdom)
{
    /* fftw_export_wisdom_to_string allocates with malloc (FFTW 3.3 manual, 4.7.2). */
    free(wisdom);
}

hp_err hp_fft_inverse_destroy(hp_fft *f, double complex *in, double *out)
{
    if (!f || !in || !out)
        return HP_EINVAL;
    hp_err e = hp_fft_plan_inverse(f);
    if (e != HP_OK)
        return e;
    if (!aligned_like(in, f->cbuf) || !aligned_like(out, f->rbuf) || (void *)in == (void *)out)
        return hp_fft_inverse(f, in, out);
    fftw_execute_dft_c2r(f->inv, (fftw_complex *)in, out);
    double scale = 1.0 / (double)f->n;
    for (size_t i = 0; i < f->n; i++)
        out[i] *= scale;
    return HP_OK;
}
