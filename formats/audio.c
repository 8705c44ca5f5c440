/* SPDX-License-Identifier: MIT */
/* Audio input on libsndfile: files and in-memory bytes (sf_open_virtual) are read into
 * interleaved doubles with the same checks, so the fuzzed path is the production path.
 * Writing is in audio_write.c. */
#include "audio.h"
#include "riffcheck.h"
#include "sfmem.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Frames read per libsndfile call; the buffer grows geometrically from here so that a header
 * claiming billions of frames cannot make us allocate before the data is really there. */
#define CHUNK_FRAMES ((size_t)65536)

/* hp_riff_read_fn over an in-memory file and over a file descriptor, for the LIST-chunk
 * guard. */
static size_t mem_read_at(void *user, unsigned long long off, void *buf, size_t n)
{
    const hp_sfmem *m = user;
    if (off >= (unsigned long long)m->len)
        return 0;
    if (n > (unsigned long long)m->len - off)
        n = (size_t)((unsigned long long)m->len - off);
    memcpy(buf, m->data + off, n);
    return n;
}

static size_t fd_read_at(void *user, unsigned long long off, void *buf, size_t n)
{
    int fd = *(const int *)user;
    size_t got = 0;
    while (got < n && off + got <= (unsigned long long)INT64_MAX) {
        ssize_t k = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    return got;
}

/* ---- reading ---- */

/* libsndfile's message for sf (or the last open failure when sf is NULL), minus the final
 * period so the CLI can append it after "FILE: ". */
static void sf_reason(hp_diag *d, SNDFILE *sf)
{
    hp_diag_set(d, "%s", sf_strerror(sf));
    if (d) {
        size_t n = strlen(d->reason);
        while (n > 0 && (d->reason[n - 1] == '.' || d->reason[n - 1] == ' ' || d->reason[n - 1] == '\n'))
            d->reason[--n] = '\0';
    }
}

/* Perceptual codecs drop what the ear would not miss: what comes out of them is not what the
 * microphone recorded, so no measurement can be made of it. (Their decoders are also where
 * libsndfile reads the same file differently as floats and as doubles, and libmpg123 writes to
 * stderr.) */
static int lossy(int format)
{
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_VORBIS: case SF_FORMAT_OPUS: case SF_FORMAT_MPEG_LAYER_I:
    case SF_FORMAT_MPEG_LAYER_II: case SF_FORMAT_MPEG_LAYER_III: return 1;
    default: return 0;
    }
}

static hp_err check_info(const SF_INFO *info, hp_diag *d)
{
    if (lossy(info->format)) {
        hp_diag_set(d, "lossy compressed audio (MP3, Ogg Vorbis or Opus) cannot be measured; "
                       "use WAV, FLAC or AIFF");
        return HP_EFORMAT;
    }
    if (info->channels < 1 || info->channels > HP_AUDIO_MAX_CHANNELS) {
        hp_diag_set(d, "%d channels (at most %d supported)", info->channels, HP_AUDIO_MAX_CHANNELS);
        return HP_EFORMAT;
    }
    if (info->samplerate <= 0) {
        hp_diag_set(d, "invalid sample rate %d Hz", info->samplerate);
        return HP_EFORMAT;
    }
    if (info->frames == 0) {
        hp_diag_set(d, "no audio frames");
        return HP_ENODATA;
    }
    return HP_OK;
}

/* What is being read: samples as doubles (hp_audio) or floats (hp_audio_f). */
typedef struct {
    int is_float;
    void *data;          /* interleaved samples */
    size_t frames;
    unsigned channels;
} sbuf;

static double sample_at(const sbuf *b, size_t i)
{
    return b->is_float ? (double)((const float *)b->data)[i] : ((const double *)b->data)[i];
}

static size_t sample_size(const sbuf *b)
{
    return b->is_float ? sizeof(float) : sizeof(double);
}

/* Index of the first NaN or infinity among samples [from, to) of b, or to. */
static size_t first_nonfinite(const sbuf *b, size_t from, size_t to)
{
    if (b->is_float) {
        const float *x = b->data;
        for (size_t i = from; i < to; i++)
            if (!isfinite(x[i]))
                return i;
        return to;
    }
    const double *x = b->data;
    for (size_t i = from; i < to; i++)
        if (!isfinite(x[i]))
            return i;
    return to;
}

/* Finds the first NaN or infinity among samples [from, to) of b. */
static hp_err check_finite(const sbuf *b, size_t from, size_t to, hp_diag *d)
{
    for (size_t i = first_nonfinite(b, from, to); i < to; i++) {
        double v = sample_at(b, i);
        if (isfinite(v))
            continue;
        if (d) {
            d->sample = (long long)(i / b->channels);
            d->channel = (int)(i % b->channels) + 1;
        }
        hp_diag_set(d, "sample %zu of channel %u is %s", i / b->channels,
                    (unsigned)(i % b->channels) + 1, isnan(v) ? "NaN" : "infinite");
        return HP_EPARSE;
    }
    return HP_OK;
}

/* Grows b->data to the next capacity (in frames) in *cap: first_frames at first, then
 * doubling, refusing size_t overflow. */
static hp_err grow(sbuf *b, size_t *cap, size_t first_frames)
{
    size_t max_frames = SIZE_MAX / sample_size(b) / b->channels;
    if (*cap >= max_frames)
        return HP_ENOMEM;
    size_t ncap = *cap == 0 ? first_frames : *cap > max_frames / 2 ? max_frames : *cap * 2;
    if (ncap > max_frames)
        ncap = max_frames;
    void *p = realloc(b->data, ncap * b->channels * sample_size(b));
    if (!p)
        return HP_ENOMEM;
    b->data = p;
    *cap = ncap;
    return HP_OK;
}

/* Bytes per sample of uncompressed formats, whose frame count a file's size bounds; 0 for
 * the others. */
static size_t bytes_per_sample(int format)
{
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: return 1;
    case SF_FORMAT_PCM_16: return 2;
    case SF_FORMAT_PCM_24: return 3;
    case SF_FORMAT_PCM_32: case SF_FORMAT_FLOAT: return 4;
    case SF_FORMAT_DOUBLE: return 8;
    default: return 0;
    }
}

/* Space for all of a recording whose size is known, at once: megabytes that are written once.
 * On a virtual machine the first touch of each 4 KiB page costs about as much as reading its
 * samples, so from 1 MiB up the buffer is 2 MiB aligned, rounded up to whole 2 MiB, and marked
 * for transparent huge pages (one fault per 2 MiB). Freed with free(). */
static void *alloc_whole(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    void *p = NULL;
    if (bytes < huge / 2 || bytes > SIZE_MAX - huge)
        return malloc(bytes);
    size_t whole = (bytes + huge - 1) / huge * huge;
    if (posix_memalign(&p, huge, whole) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, whole, MADV_HUGEPAGE); /* a hint: without it the pages are just small */
#endif
    return p;
}

/* Reads every frame into b->data (b->channels already set), checking each chunk. `sure` is
 * true when the claimed frame count fits the file's size: then the buffer is allocated whole.
 * Otherwise it grows geometrically, so that a header claiming billions of frames cannot make
 * us allocate before the data is really there. */
static hp_err read_frames(SNDFILE *sf, sf_count_t claimed, int sure, sbuf *b, hp_diag *d)
{
    size_t cap = 0;
    size_t first = claimed > 0 && claimed < (sf_count_t)CHUNK_FRAMES ? (size_t)claimed : CHUNK_FRAMES;
    hp_err err = HP_OK;
    if (sure && claimed > 0 && (size_t)claimed <= SIZE_MAX / sample_size(b) / b->channels) {
        if (!(b->data = alloc_whole((size_t)claimed * b->channels * sample_size(b))))
            return HP_ENOMEM;
        cap = (size_t)claimed;
    }
    while (claimed < 0 || (sf_count_t)b->frames < claimed) {
        if (b->frames == cap && (err = grow(b, &cap, first)) != HP_OK)
            return err;
        size_t want = cap - b->frames < CHUNK_FRAMES ? cap - b->frames : CHUNK_FRAMES;
        size_t at = b->frames * b->channels;
        sf_count_t got = b->is_float
                             ? sf_readf_float(sf, (float *)b->data + at, (sf_count_t)want)
                             : sf_readf_double(sf, (double *)b->data + at, (sf_count_t)want);
        if (got <= 0)
            break;
        b->frames += (size_t)got;
        if ((err = check_finite(b, at, b->frames * b->channels, d)) != HP_OK)
            return err;
    }
    if (sf_error(sf) != SF_ERR_NO_ERROR) {
        sf_reason(d, sf);
        return HP_EFORMAT;
    }
    if (b->frames == 0) {
        hp_diag_set(d, "no audio frames");
        return HP_ENODATA;
    }
    /* SF_COUNT_MAX means "unknown length" (pipes); otherwise a short file is corrupt. */
    if (claimed != SF_COUNT_MAX && (sf_count_t)b->frames < claimed) {
        if (d)
            d->sample = (long long)b->frames;
        hp_diag_set(d, "truncated: header says %lld frames, only %zu present", (long long)claimed,
                    b->frames);
        return HP_EFORMAT;
    }
    if (b->frames < cap) {
        void *shrunk = realloc(b->data, b->frames * b->channels * sample_size(b));
        if (shrunk)
            b->data = shrunk;
    }
    return HP_OK;
}

/* True for the size lines libsndfile logs when a container or its audio chunk claims more
 * bytes than the file holds: "data : 2400 (should be 886)", " SSND : 2008 (should be 1708)",
 * "RIFF : 2506 (should be 992)", "  Riff size : 2096 (should be 1796)". Container sizes get
 * 8 bytes of slack: some writers omit the pad byte or count the RIFF header itself. */
static int cut_short(const char *line, long long *declared, long long *present)
{
    static const char *const markers[] = {"data", "SSND", "RIFF", "riff", "FORM", "Riff size"};
    while (*line == ' ')
        line++;
    for (size_t m = 0; m < sizeof markers / sizeof markers[0]; m++) {
        size_t n = strlen(markers[m]);
        if (strncmp(line, markers[m], n) == 0 &&
            sscanf(line + n, " : %lld (should be %lld)", declared, present) == 2)
            /* The difference in unsigned arithmetic: libsndfile logs any 64-bit size,
             * LLONG_MIN included, and declared - 8 would overflow there. */
            return *declared > *present &&
                   (unsigned long long)*declared - (unsigned long long)*present > (m < 2 ? 0u : 8u);
    }
    return 0;
}

/* libsndfile silently clamps a data chunk that runs past the end of the file (and only
 * says so in its log), so a cut-off download or copy would pass as a shorter recording.
 * Sizes from 0x7FFFF000 up are the placeholders streaming writers (arecord, sox to a pipe)
 * leave in the header; such files have no true length to compare against. */
static hp_err check_truncation(SNDFILE *sf, hp_diag *d)
{
    char *log = malloc(16384);
    hp_err err = HP_OK;
    if (!log)
        return HP_ENOMEM; /* not skipped: a cut-off file must never pass as a shorter one */
    log[0] = '\0';
    sf_command(sf, SFC_GET_LOG_INFO, log, 16384);
    char *save = NULL;
    for (char *line = strtok_r(log, "\n", &save); line && err == HP_OK;
         line = strtok_r(NULL, "\n", &save)) {
        long long declared, present;
        if (cut_short(line, &declared, &present) && declared < 0x7FFFF000LL) {
            hp_diag_set(d, "truncated: header says %lld bytes, only %lld present", declared, present);
            err = HP_EFORMAT;
        }
    }
    free(log);
    return err;
}

/* Whom read_open tells about the header before the samples are read (hp_audio_read_f_early). */
typedef struct {
    hp_audio_header_fn fn;
    void *user;
} header_hook;

/* Everything after a successful open of a file of `size` bytes: validate, tell hook (if any)
 * what the header says, read samples and the comment. Whatever was allocated is left in *b
 * and *comment, also on error. */
static hp_err read_open(SNDFILE *sf, const SF_INFO *info, long long size, sbuf *b,
                        double *rate_hz, char **comment, const header_hook *hook, hp_diag *d)
{
    hp_err err = check_truncation(sf, d);
    if (err == HP_OK)
        err = check_info(info, d);
    if (err != HP_OK)
        return err;
    *rate_hz = info->samplerate;
    b->channels = (unsigned)info->channels;
    size_t bps = bytes_per_sample(info->format);
    int sure = bps && info->frames > 0 &&
               (unsigned long long)info->frames <= (unsigned long long)size / bps / b->channels;
    const char *c = sf_get_string(sf, SF_STR_COMMENT);
    if (hook && hook->fn && info->frames > 0 && info->frames != SF_COUNT_MAX) {
        /* read_frames returns exactly the claimed count or fails */
        hp_audio_f head = {*rate_hz, (size_t)info->frames, b->channels, NULL,
                           (char *)(uintptr_t)(c && c[0] ? c : NULL)};
        hook->fn(&head, hook->user);
    }
    if ((err = read_frames(sf, info->frames, sure, b, d)) != HP_OK)
        return err;
    if (c && c[0] && !(*comment = strdup(c))) {
        hp_diag_set(d, "out of memory");
        return HP_ENOMEM;
    }
    return HP_OK;
}

static void start(hp_audio *out, hp_diag *d)
{
    if (out)
        memset(out, 0, sizeof *out);
    hp_diag_clear(d);
}

/* Reads the file in len bytes at buf into b (buf non-NULL). */
static hp_err read_mem(const void *buf, size_t len, sbuf *b, double *rate_hz, char **comment,
                       hp_diag *diag)
{
    if (len == 0) {
        hp_diag_set(diag, "empty file");
        return HP_ENODATA;
    }
    if (len > (size_t)INT64_MAX)
        return HP_EINVAL;
    hp_sfmem m;
    hp_sfmem_reader(&m, buf, len);
    hp_err err = hp_riff_check_lists(mem_read_at, &m, len, diag);
    if (err != HP_OK)
        return err;
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open_virtual(hp_sfmem_io(), SFM_READ, &info, &m);
    if (!sf) {
        sf_reason(diag, NULL);
        return HP_EFORMAT;
    }
    err = read_open(sf, &info, (long long)len, b, rate_hz, comment, NULL, diag);
    sf_close(sf);
    return err;
}

hp_err hp_audio_read_mem(const void *buf, size_t len, hp_audio *out, hp_diag *diag)
{
    start(out, diag);
    if (!out || (!buf && len > 0))
        return HP_EINVAL;
    sbuf b = {0, NULL, 0, 0};
    hp_err err = read_mem(buf, len, &b, &out->rate_hz, &out->comment, diag);
    out->data = b.data;
    out->frames = b.frames;
    out->channels = b.channels;
    if (err != HP_OK)
        hp_audio_release(out);
    return err;
}

hp_err hp_audio_read_mem_f(const void *buf, size_t len, hp_audio_f *out, hp_diag *diag)
{
    if (out)
        memset(out, 0, sizeof *out);
    hp_diag_clear(diag);
    if (!out || (!buf && len > 0))
        return HP_EINVAL;
    sbuf b = {1, NULL, 0, 0};
    hp_err err = read_mem(buf, len, &b, &out->rate_hz, &out->comment, diag);
    out->data = b.data;
    out->frames = b.frames;
    out->channels = b.channels;
    if (err != HP_OK)
        hp_audio_f_release(out);
    return err;
}

/* Opens path and reads it into b (never letting libsndfile guess a headerless format). */
static hp_err read_path(const char *path, sbuf *b, double *rate_hz, char **comment,
                        const header_hook *hook, hp_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        hp_diag_set(diag, "%s", strerror(errno));
        return HP_EIO;
    }
    hp_err err = HP_OK;
    struct stat st;
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = NULL;
    if (fstat(fd, &st) != 0) {
        hp_diag_set(diag, "%s", strerror(errno));
        err = HP_EIO;
    } else if (S_ISDIR(st.st_mode)) {
        hp_diag_set(diag, "is a directory");
        err = HP_EFORMAT;
    } else if (S_ISREG(st.st_mode) && st.st_size == 0) {
        hp_diag_set(diag, "empty file");
        err = HP_ENODATA;
    } else if (S_ISREG(st.st_mode) &&
               (err = hp_riff_check_lists(fd_read_at, &fd, (unsigned long long)st.st_size,
                                          diag)) != HP_OK) {
        /* refused before libsndfile would hang on it (riffcheck.h) */
    } else if (!(sf = sf_open_fd(fd, SFM_READ, &info, SF_FALSE))) {
        /* No path given to libsndfile on purpose: it would guess headerless formats from the
         * extension (".vox", ".gsm") and turn any text file into noise. */
        sf_reason(diag, NULL);
        err = HP_EFORMAT;
    } else {
        err = read_open(sf, &info, S_ISREG(st.st_mode) ? (long long)st.st_size : 0, b, rate_hz,
                        comment, hook, diag);
        sf_close(sf);
    }
    close(fd);
    return err;
}

hp_err hp_audio_read(const char *path, hp_audio *out, hp_diag *diag)
{
    start(out, diag);
    if (!path || !out)
        return HP_EINVAL;
    sbuf b = {0, NULL, 0, 0};
    hp_err err = read_path(path, &b, &out->rate_hz, &out->comment, NULL, diag);
    out->data = b.data;
    out->frames = b.frames;
    out->channels = b.channels;
    if (err != HP_OK)
        hp_audio_release(out);
    return err;
}

hp_err hp_audio_read_f(const char *path, hp_audio_f *out, hp_diag *diag)
{
    return hp_audio_read_f_early(path, out, diag, NULL, NULL);
}

hp_err hp_audio_read_f_early(const char *path, hp_audio_f *out, hp_diag *diag,
                             hp_audio_header_fn header, void *user)
{
    if (out)
        memset(out, 0, sizeof *out);
    hp_diag_clear(diag);
    if (!path || !out)
        return HP_EINVAL;
    sbuf b = {1, NULL, 0, 0};
    header_hook hook = {header, user};
    hp_err err = read_path(path, &b, &out->rate_hz, &out->comment, &hook, diag);
    out->data = b.data;
    out->frames = b.frames;
    out->channels = b.channels;
    if (err != HP_OK)
        hp_audio_f_release(out);
    return err;
}

void hp_audio_f_release(hp_audio_f *a)
{
    if (!a)
        return;
    free(a->data);
    free(a->comment);
    memset(a, 0, sizeof *a);
}

/* ---- buffers ---- */

hp_err hp_audio_alloc(hp_audio *a, size_t frames, unsigned channels, double rate_hz)
{
    if (!a)
        return HP_EINVAL;
    memset(a, 0, sizeof *a);
    if (frames == 0 || channels < 1 || channels > HP_AUDIO_MAX_CHANNELS || !isfinite(rate_hz) ||
        rate_hz <= 0)
        return HP_EINVAL;
    if (frames > SIZE_MAX / sizeof(double) / channels)
        return HP_ENOMEM;
    if (!(a->data = calloc(frames * channels, sizeof *a->data)))
        return HP_ENOMEM;
    a->frames = frames;
    a->channels = channels;
    a->rate_hz = rate_hz;
    return HP_OK;
}

void hp_audio_release(hp_audio *a)
{
    if (!a)
        return;
    free(a->data);
    free(a->comment);
    memset(a, 0, sizeof *a);
}

hp_err hp_audio_channel(const hp_audio *a, unsigned ch, double *out)
{
    if (!a || !out || !a->data || ch >= a->channels)
        return HP_EINVAL;
    for (size_t i = 0; i < a->frames; i++)
        out[i] = a->data[i * a->channels + ch];
    return HP_OK;
}
