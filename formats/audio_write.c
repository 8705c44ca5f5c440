/* SPDX-License-Identifier: MIT */
/* Writing float WAVs: libsndfile encodes into memory (sf_open_virtual), and the bytes then go
 * to a path or a stream. Encoding in memory lets the comment be checked without reopening
 * the file, and lets the caller's stream decide where the bytes land: an output set writes
 * them over the space of a file it is replacing (outset.h), which a path writer, truncating
 * the file first, would free. */
#include "audio.h"
#include "sfmem.h"
#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- encoding ---- */

static hp_err check_writable(const hp_audio *a)
{
    if (a->frames == 0 || !a->data || a->channels < 1 || a->channels > HP_AUDIO_MAX_CHANNELS)
        return HP_EINVAL;
    if (!(a->rate_hz >= 1 && a->rate_hz <= 2e9) || a->rate_hz != floor(a->rate_hz))
        return HP_EINVAL;
    /* The RIFF size fields are 32-bit; leave room for the header and the comment. */
    if (a->frames > (UINT32_MAX - (1u << 20)) / 4 / a->channels)
        return HP_ERANGE;
    for (size_t i = 0; i < a->frames * a->channels; i++)
        if (!isfinite(a->data[i]))
            return HP_EINVAL;
    return HP_OK;
}

/* libsndfile writes long comments that it then cannot read back (1.2.0 drops an ICMT over
 * about 2 KB), so the promise "reads back identically" is checked, not assumed. */
static hp_err verify_comment(const hp_sfmem *written, const char *comment)
{
    hp_sfmem m;
    hp_sfmem_reader(&m, written->own, (size_t)written->len);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open_virtual(hp_sfmem_io(), SFM_READ, &info, &m);
    if (!sf)
        return HP_EFORMAT;
    const char *c = sf_get_string(sf, SF_STR_COMMENT);
    hp_err err = c && strcmp(c, comment) == 0 ? HP_OK : HP_ERANGE;
    sf_close(sf);
    return err;
}

/* a as a float WAV in m->own[0 .. m->len). */
static hp_err encode(const hp_audio *a, hp_sfmem *m)
{
    hp_sfmem_writer(m);
    hp_err err = check_writable(a);
    if (err != HP_OK)
        return err;
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = (int)a->rate_hz;
    info.channels = (int)a->channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE *sf = sf_open_virtual(hp_sfmem_io(), SFM_WRITE, &info, m);
    if (!sf)
        return m->failed ? HP_ENOMEM : HP_EFORMAT;
    /* No PEAK chunk: it holds the time of writing, so the same samples would give different
     * files, and keeping it costs a pass over the samples and a header rewrite at close.
     * Readers do not need it (the peaks are in the samples). */
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    /* Strings go in before the data so they land in the header's LIST chunk. */
    if (a->comment && a->comment[0] && sf_set_string(sf, SF_STR_COMMENT, a->comment) != 0)
        err = HP_EFORMAT;
    if (err == HP_OK && sf_writef_double(sf, a->data, (sf_count_t)a->frames) != (sf_count_t)a->frames)
        err = HP_EFORMAT;
    if (sf_close(sf) != 0 && err == HP_OK)
        err = HP_EFORMAT;
    if (m->failed)
        err = HP_ENOMEM;
    if (err == HP_OK && a->comment && a->comment[0])
        err = verify_comment(m, a->comment);
    if (err != HP_OK) {
        free(m->own);
        hp_sfmem_writer(m);
    }
    return err;
}

/* ---- writing ---- */

/* The encoded bytes into f, flushed: a failed write shows in fwrite or fflush (errno set). */
static hp_err put(FILE *f, const hp_sfmem *m)
{
    errno = 0;
    if (fwrite(m->own, 1, (size_t)m->len, f) == (size_t)m->len && fflush(f) == 0)
        return HP_OK;
    if (!errno)
        errno = EIO;
    return HP_EIO;
}

hp_err hp_audio_write_float_stream(FILE *f, const hp_audio *a)
{
    if (!f || !a)
        return HP_EINVAL;
    hp_sfmem m;
    hp_err err = encode(a, &m);
    if (err == HP_OK)
        err = put(f, &m);
    free(m.own);
    return err;
}

hp_err hp_audio_write_float(const char *path, const hp_audio *a)
{
    if (!path || !a)
        return HP_EINVAL;
    hp_sfmem m;
    hp_err err = encode(a, &m);
    if (err != HP_OK)
        return err;
    FILE *f = fopen(path, "we"); /* encoded first: a refused buffer leaves path alone */
    err = f ? put(f, &m) : HP_EIO;
    if (f && fclose(f) != 0 && err == HP_OK)
        err = HP_EIO;
    free(m.own);
    if (err != HP_OK && f) {
        int saved = errno;
        unlink(path);
        errno = saved;
    }
    return err;
}
