/* SPDX-License-Identifier: MIT */
/* FFTW wrapper. A real transform of even size n is computed as a complex transform of n/2
 * points (even samples as real parts, odd samples as imaginary parts) plus one pass that
 * separates the two interleaved spectra (Cooley, Lewis & Welch 1970; Press et al.,
 * Numerical Recipes 12.3). The reason is planning time, which dominates a run-once program:
 * FFTW computes every twiddle factor of a plan with sincos, and a complex plan of n/2 points
 * needs half the factors of an r2c plan of n points and shares all of them with its inverse,
 * while r2c and c2r plans share none (measured with cached wisdom: 0.9 ms against 2.0 ms at
 * n = 135000, 5.4 ms against 25 ms at n = 1105920). Odd sizes use FFTW's r2c/c2r directly. */
#include "fft.h"
#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct hp_fft {
    size_t n;
    fftw_plan fwd, inv;     /* even n: complex n/2, in place; odd n: r2c and (lazily) c2r */
    double *rbuf;           /* aligned scratch, n + 2 doubles: planning and unaligned callers */
    size_t tw_shift;        /* even n: e^(-2 pi i k / n) = hi[k >> tw_shift] * lo[k & mask] */
    double *tw_lo, *tw_hi;  /* interleaved re, im */
};

static void set_err(hp_err *err, hp_err v)
{
    if (err)
        *err = v;
}

/* Transform buffers are megabytes that a run-once program touches once. Touching a fresh
 * 4 KiB page costs a fault and a clear (on a virtual machine, more than transforming the page's
 * samples); from 1 MiB up the buffers are 2 MiB aligned, rounded up to whole 2 MiB (address
 * space, not memory, until touched), and marked for transparent huge pages, which take one
 * fault per 2 MiB. Smaller ones get the 64-byte alignment FFTW's SIMD code wants (fftw_malloc
 * gives no more). */
#define HUGE_PAGE ((size_t)2 << 20)

static void *alloc_aligned(size_t bytes)
{
    void *p = NULL;
    if (bytes >= HUGE_PAGE / 2 && bytes <= SIZE_MAX - HUGE_PAGE) {
        size_t whole = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        if (posix_memalign(&p, HUGE_PAGE, whole) != 0)
            return NULL;
#ifdef MADV_HUGEPAGE
        madvise(p, whole, MADV_HUGEPAGE); /* a hint: without it the pages are just small */
#endif
        return p;
    }
    return posix_memalign(&p, 64, bytes) == 0 ? p : NULL;
}

double *hp_fft_alloc_real(size_t n)
{
    if (n == 0 || n > SIZE_MAX / sizeof(double))
        return NULL;
    return alloc_aligned(n * sizeof(double));
}

double complex *hp_fft_alloc_complex(size_t n)
{
    if (n == 0 || n > SIZE_MAX / sizeof(double complex))
        return NULL;
    return alloc_aligned(n * sizeof(double complex));
}

void hp_fft_buf_free(void *p)
{
    free(p);
}

static int is_even(const hp_fft *f)
{
    return f->n % 2 == 0;
}

/* The separation pass needs e^(-2 pi i k / n) for k = 0 .. n/4. A table of that size would
 * cost memory traffic; two tables of about sqrt(n/4) entries whose products give every
 * factor cost one complex multiplication each, and keep the error within a few ulp. */
static int make_twiddles(hp_fft *f)
{
    size_t quarter = f->n / 4 + 1, shift = 0;
    while (((size_t)1 << (2 * shift)) < quarter)
        shift++;
    size_t nlo = (size_t)1 << shift, nhi = (quarter >> shift) + 1;
    f->tw_shift = shift;
    f->tw_lo = malloc(2 * nlo * sizeof *f->tw_lo);
    f->tw_hi = malloc(2 * nhi * sizeof *f->tw_hi);
    if (!f->tw_lo || !f->tw_hi)
        return 0;
    double step = -2.0 * M_PI / (double)f->n;
    for (size_t k = 0; k < nlo; k++) {
        f->tw_lo[2 * k] = cos(step * (double)k);
        f->tw_lo[2 * k + 1] = sin(step * (double)k);
    }
    for (size_t k = 0; k < nhi; k++) {
        double a = step * (double)(k << shift);
        f->tw_hi[2 * k] = cos(a);
        f->tw_hi[2 * k + 1] = sin(a);
    }
    return 1;
}

/* Set once a plan had to be made without wisdom, so the caller knows whether exporting the
 * wisdom would add anything to its cache (exporting costs as much as a small transform).
 * Planning is single-threaded (see fft.h), and so is this flag. */
static int learned_wisdom;

/* FFTW_ESTIMATE plans, from wisdom when there is some for the problem, noting when there was
 * none. */
static fftw_plan plan_c2c(int m, fftw_complex *c, int sign)
{
    fftw_plan p = fftw_plan_dft_1d(m, c, c, sign, FFTW_ESTIMATE | FFTW_WISDOM_ONLY);
    if (!p) {
        learned_wisdom = 1;
        p = fftw_plan_dft_1d(m, c, c, sign, FFTW_ESTIMATE);
    }
    return p;
}

static fftw_plan plan_r2c(int n, double *r)
{
    fftw_plan p = fftw_plan_dft_r2c_1d(n, r, (fftw_complex *)r, FFTW_ESTIMATE | FFTW_WISDOM_ONLY);
    if (!p) {
        learned_wisdom = 1;
        p = fftw_plan_dft_r2c_1d(n, r, (fftw_complex *)r, FFTW_ESTIMATE);
    }
    return p;
}

static fftw_plan plan_c2r(int n, double *r)
{
    fftw_plan p = fftw_plan_dft_c2r_1d(n, (fftw_complex *)r, r, FFTW_ESTIMATE | FFTW_WISDOM_ONLY);
    if (!p) {
        learned_wisdom = 1;
        p = fftw_plan_dft_c2r_1d(n, (fftw_complex *)r, r, FFTW_ESTIMATE);
    }
    return p;
}

int hp_fft_learned_wisdom(void)
{
    return learned_wisdom;
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
    /* Never touched unless a caller passes unaligned buffers (ESTIMATE planning does not
     * touch its arrays), so it costs address space, not memory. */
    f->rbuf = hp_fft_alloc_real(n + 2);
    if (!f->rbuf)
        goto nomem;
    if (is_even(f)) {
        fftw_complex *c = (fftw_complex *)f->rbuf;
        int m = (int)(n / 2);
        f->fwd = plan_c2c(m, c, FFTW_FORWARD);
        /* Shares the forward plan's twiddle factors, so it costs next to nothing. */
        f->inv = f->fwd ? plan_c2c(m, c, FFTW_BACKWARD) : NULL;
        if (!f->inv || !make_twiddles(f))
            goto nomem;
    } else {
        /* In place; the inverse plan waits for its first use: many users only go forward. */
        f->fwd = plan_r2c((int)n, f->rbuf);
        if (!f->fwd)
            goto nomem;
    }
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
    free(f->tw_lo);
    free(f->tw_hi);
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

/* Even n: d holds the n/2-point transform Z of z[j] = x[2j] + i x[2j+1]; split_pair turns
 * bins k and j = m - k of it, in place, into those of x's spectrum. With E = (Z[k] + conj Z[j])
 * / 2 and O = (Z[k] - conj Z[j]) / 2i, the spectra of the even and odd samples,
 * X[k] = E + W^k O and X[j] = conj(E - W^k O), W^k = wr + i wi. */
static inline void split_pair(double *d, size_t k, size_t j, double wr, double wi)
{
    double ar = d[2 * k], ai = d[2 * k + 1], br = d[2 * j], bi = d[2 * j + 1];
    double er = 0.5 * (ar + br), ei = 0.5 * (ai - bi);
    double or_ = 0.5 * (ai + bi), oi = -0.5 * (ar - br);
    double tr = wr * or_ - wi * oi, ti = wr * oi + wi * or_;
    d[2 * k] = er + tr;
    d[2 * k + 1] = ei + ti;
    d[2 * j] = er - tr;
    d[2 * j + 1] = ti - ei;
}

/* The inverse of split_pair, scaled by s = 1/n so that the unnormalised backward transform of
 * the n/2 points that follows yields x itself; src == dst is allowed. */
static inline void merge_pair(const double *src, double *dst, size_t k, size_t j, double s,
                              double wr, double wi)
{
    double ar = src[2 * k], ai = src[2 * k + 1], br = src[2 * j], bi = src[2 * j + 1];
    double er = s * (ar + br), ei = s * (ai - bi);
    double dr = s * (ar - br), di = s * (ai + bi);
    double or_ = dr * wr + di * wi, oi = di * wr - dr * wi; /* D conj(W^k) */
    dst[2 * k] = er - oi;
    dst[2 * k + 1] = ei + or_;
    dst[2 * j] = er + oi;
    dst[2 * j + 1] = or_ - ei;
}

/* Filtering (hp_fft_filter_end_inplace) fuses three passes into one: split_pair's bins k and j
 * of x's spectrum, each multiplied by the filter's bin, and merge_pair of the products, so the
 * spectrum is read and written once instead of three times. h holds the filter's n/2 + 1 bins
 * interleaved; the four inputs are read before anything is written, so k == j is fine. */
static inline void filter_pair(double *d, const double *h, size_t k, size_t j, double s,
                               double wr, double wi)
{
    double ar = d[2 * k], ai = d[2 * k + 1], br = d[2 * j], bi = d[2 * j + 1];
    double er = 0.5 * (ar + br), ei = 0.5 * (ai - bi);
    double or_ = 0.5 * (ai + bi), oi = -0.5 * (ar - br);
    double tr = wr * or_ - wi * oi, ti = wr * oi + wi * or_;
    double xkr = er + tr, xki = ei + ti, xjr = er - tr, xji = ti - ei;
    double hkr = h[2 * k], hki = h[2 * k + 1], hjr = h[2 * j], hji = h[2 * j + 1];
    double yr = xkr * hkr - xki * hki, yi = xkr * hki + xki * hkr;
    double zr = xjr * hjr - xji * hji, zi = xjr * hji + xji * hjr;
    double fr = s * (yr + zr), fi = s * (yi - zi);
    double dr = s * (yr - zr), di = s * (yi + zi);
    double gr = dr * wr + di * wi, gi = di * wr - dr * wi;
    d[2 * k] = fr - gi;
    d[2 * k + 1] = fi + gr;
    d[2 * j] = fr + gi;
    d[2 * j + 1] = gr - fi;
}

enum pair_op { PAIR_SPLIT, PAIR_MERGE, PAIR_FILTER };

/* Visits the pairs k = 1 .. m/2, j = m - k in blocks that share the high twiddle factor, so
 * that e^(-2 pi i k / n) = hi[q] lo[r] costs one complex product and no call. SPLIT splits d
 * in place, MERGE merges src into d, FILTER filters d in place by the bins in src. Inlined
 * with a constant op, each becomes a loop of its own. */
static inline void pair_pass(const hp_fft *f, const double *src, double *d, enum pair_op op)
{
    size_t m = f->n / 2, kmax = m / 2, nlo = (size_t)1 << f->tw_shift;
    double s = 1.0 / (double)f->n;
    for (size_t q = 0, base = 0; base <= kmax; q++, base += nlo) {
        double hr = f->tw_hi[2 * q], hi = f->tw_hi[2 * q + 1];
        size_t r1 = kmax - base + 1 < nlo ? kmax - base + 1 : nlo;
        for (size_t r = base ? 0 : 1; r < r1; r++) {
            const double *lo = f->tw_lo + 2 * r;
            double wr = hr * lo[0] - hi * lo[1], wi = hr * lo[1] + hi * lo[0];
            size_t k = base + r;
            if (op == PAIR_MERGE)
                merge_pair(src, d, k, m - k, s, wr, wi);
            else if (op == PAIR_FILTER)
                filter_pair(d, src, k, m - k, s, wr, wi);
            else
                split_pair(d, k, m - k, wr, wi);
        }
    }
}

/* Even n: the n/2-point transform in d becomes x's n/2 + 1 bins (n + 2 doubles), in place. */
static void split_spectrum(const hp_fft *f, double *d)
{
    size_t m = f->n / 2;
    double z0r = d[0], z0i = d[1];
    d[0] = z0r + z0i;
    d[1] = 0;
    d[2 * m] = z0r - z0i;
    d[2 * m + 1] = 0;
    pair_pass(f, d, d, PAIR_SPLIT);
}

/* Even n: the n/2 + 1 bins of src become the n/2 complex points (in dst) whose unnormalised
 * backward transform is x itself; src == dst is allowed. */
static void merge_spectrum(const hp_fft *f, const double *src, double *dst)
{
    size_t m = f->n / 2;
    double s = 1.0 / (double)f->n;
    double x0 = src[0], xm = src[2 * m];
    dst[0] = s * (x0 + xm);
    dst[1] = s * (x0 - xm);
    pair_pass(f, src, dst, PAIR_MERGE);
}

/* Even n, aligned d of n + 2 doubles holding x: leaves x's n/2 + 1 bins in d. */
static void forward_even(const hp_fft *f, double *d)
{
    fftw_execute_dft(f->fwd, (fftw_complex *)d, (fftw_complex *)d);
    split_spectrum(f, d);
}

/* Even n, aligned d of n doubles holding merged points: leaves x in d. */
static void inverse_even(const hp_fft *f, double *d)
{
    fftw_execute_dft(f->inv, (fftw_complex *)d, (fftw_complex *)d);
}

hp_err hp_fft_forward(hp_fft *f, const double *in, double complex *out)
{
    if (!f || !in || !out)
        return HP_EINVAL;
    size_t nc = f->n / 2 + 1;
    if (is_even(f)) {
        double *d = aligned_like(out, f->rbuf) ? (double *)out : f->rbuf;
        if ((const void *)in != (const void *)d)
            memmove(d, in, f->n * sizeof *in);
        forward_even(f, d);
        if (d != (double *)out)
            memcpy(out, d, nc * sizeof *out);
        return HP_OK;
    }
    /* Odd n: in place in the scratch (an odd size holds n + 1 doubles of bins). */
    memmove(f->rbuf, in, f->n * sizeof *in);
    fftw_execute_dft_r2c(f->fwd, f->rbuf, (fftw_complex *)f->rbuf);
    memcpy(out, f->rbuf, nc * sizeof *out);
    return HP_OK;
}

hp_err hp_fft_plan_inverse(hp_fft *f)
{
    if (!f)
        return HP_EINVAL;
    if (!f->inv && !(f->inv = plan_c2r((int)f->n, f->rbuf)))
        return HP_ENOMEM;
    return HP_OK;
}

/* Odd n: c2r (which destroys its input) from a copy in the scratch, in place, then scaled. */
static hp_err inverse_odd(hp_fft *f, const double complex *in, double *out)
{
    hp_err e = hp_fft_plan_inverse(f);
    if (e != HP_OK)
        return e;
    size_t nc = f->n / 2 + 1;
    memmove(f->rbuf, in, nc * sizeof *in);
    fftw_execute_dft_c2r(f->inv, (fftw_complex *)f->rbuf, f->rbuf);
    double scale = 1.0 / (double)f->n;
    for (size_t i = 0; i < f->n; i++)
        out[i] = f->rbuf[i] * scale;
    return HP_OK;
}

hp_err hp_fft_inverse(hp_fft *f, const double complex *in, double *out)
{
    if (!f || !in || !out)
        return HP_EINVAL;
    if (!is_even(f))
        return inverse_odd(f, in, out);
    /* merge_spectrum reads all of `in` that it overwrites only when they coincide exactly. */
    int direct = aligned_like(out, f->rbuf) &&
                 ((const void *)in == (const void *)out ||
                  (const char *)in >= (const char *)(out + f->n) ||
                  (const char *)(in + f->n / 2 + 1) <= (const char *)out);
    double *d = direct ? out : f->rbuf;
    merge_spectrum(f, (const double *)in, d);
    inverse_even(f, d);
    if (d != out)
        memcpy(out, d, f->n * sizeof *out);
    return HP_OK;
}

hp_err hp_fft_inverse_destroy(hp_fft *f, double complex *in, double *out)
{
    return hp_fft_inverse(f, in, out);
}

hp_err hp_fft_forward_inplace(const hp_fft *f, double *buf)
{
    if (!f || !buf)
        return HP_EINVAL;
    if (is_even(f) && aligned_like(buf, f->rbuf)) {
        forward_even(f, buf);
        return HP_OK;
    }
    /* Odd sizes and unaligned buffers: a private aligned copy keeps this call thread-safe. */
    double *tmp = hp_fft_alloc_real(f->n + 2);
    if (!tmp)
        return HP_ENOMEM;
    memcpy(tmp, buf, f->n * sizeof *buf);
    if (is_even(f))
        forward_even(f, tmp);
    else
        fftw_execute_dft_r2c(f->fwd, tmp, (fftw_complex *)tmp);
    memcpy(buf, tmp, 2 * (f->n / 2 + 1) * sizeof *buf);
    hp_fft_buf_free(tmp);
    return HP_OK;
}

hp_err hp_fft_inverse_inplace(const hp_fft *f, double *buf)
{
    if (!f || !buf || !f->inv)
        return HP_EINVAL;
    if (is_even(f) && aligned_like(buf, f->rbuf)) {
        merge_spectrum(f, buf, buf);
        inverse_even(f, buf);
        return HP_OK;
    }
    double *tmp = hp_fft_alloc_real(f->n + 2);
    if (!tmp)
        return HP_ENOMEM;
    if (is_even(f)) {
        merge_spectrum(f, buf, tmp);
        inverse_even(f, tmp);
        memcpy(buf, tmp, f->n * sizeof *buf);
    } else {
        memcpy(tmp, buf, 2 * (f->n / 2 + 1) * sizeof *buf);
        fftw_execute_dft_c2r(f->inv, (fftw_complex *)tmp, tmp);
        double scale = 1.0 / (double)f->n;
        for (size_t i = 0; i < f->n; i++)
            buf[i] = tmp[i] * scale;
    }
    hp_fft_buf_free(tmp);
    return HP_OK;
}

/* Even n: the bins 0 and m (real for a real x) and then every pair, as split_spectrum, a
 * product with h and merge_spectrum would leave them. */
static void filter_spectrum(const hp_fft *f, double *d, const double *h)
{
    size_t m = f->n / 2;
    double s = 1.0 / (double)f->n;
    double z0r = d[0], z0i = d[1];
    double y0 = (z0r + z0i) * h[0], ym = (z0r - z0i) * h[2 * m];
    d[0] = s * (y0 + ym);
    d[1] = s * (y0 - ym);
    pair_pass(f, h, d, PAIR_FILTER);
}

/* Even n and aligned buf: the n/2-point transform only, in place (the packed form that
 * filter_spectrum reads); otherwise the whole forward transform. */
static int filter_packed(const hp_fft *f, const double *buf)
{
    return is_even(f) && aligned_like(buf, f->rbuf);
}

hp_err hp_fft_filter_begin_inplace(const hp_fft *f, double *buf)
{
    if (!f || !buf)
        return HP_EINVAL;
    if (!filter_packed(f, buf))
        return hp_fft_forward_inplace(f, buf);
    fftw_execute_dft(f->fwd, (fftw_complex *)buf, (fftw_complex *)buf);
    return HP_OK;
}

hp_err hp_fft_filter_end_inplace(const hp_fft *f, double *buf, const double *h)
{
    if (!f || !buf || !h || !f->inv)
        return HP_EINVAL;
    if (filter_packed(f, buf)) {
        filter_spectrum(f, buf, h);
        inverse_even(f, buf);
        return HP_OK;
    }
    for (size_t k = 0; k < f->n / 2 + 1; k++) {
        double yr = buf[2 * k], yi = buf[2 * k + 1], vr = h[2 * k], vi = h[2 * k + 1];
        buf[2 * k] = yr * vr - yi * vi;
        buf[2 * k + 1] = yr * vi + yi * vr;
    }
    return hp_fft_inverse_inplace(f, buf);
}

size_t hp_fft_good_size(size_t n)
{
    if (n <= 2)
        return 2;
    for (size_t m = n + n % 2; m != 0 && m <= ((size_t)1 << 31); m += 2) {
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
