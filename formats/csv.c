/* SPDX-License-Identifier: MIT */
/* CSV table writer: fixed decimals per column keep files diffable and golden-comparable. */
#include "csv.h"
#include "num.h"
#include <string.h>

static hp_err check_args(FILE *f, const double *const *cols, size_t ncols, size_t nrows,
                         const int *decimals)
{
    if (!f || !cols || !decimals || ncols == 0)
        return HP_EINVAL;
    for (size_t c = 0; c < ncols; c++)
        if ((nrows > 0 && !cols[c]) || decimals[c] < 0 || decimals[c] > 17)
            return HP_EINVAL;
    return HP_OK;
}

hp_err hp_csv_write(FILE *f, const char *header, const double *const *cols, size_t ncols,
                    size_t nrows, const int *decimals)
{
    hp_err err = check_args(f, cols, ncols, nrows, decimals);
    if (err != HP_OK)
        return err;
    if (header) {
        size_t n = strlen(header);
        if (fputs(header, f) == EOF || ((n == 0 || header[n - 1] != '\n') && fputc('\n', f) == EOF))
            return HP_EIO;
    }
    /* One row at a time into a buffer and one fwrite: stdio's per-call locking would cost
     * more than the formatting. */
    char line[4096], buf[400]; /* %.17f of DBL_MAX is 327 characters */
    for (size_t r = 0; r < nrows; r++) {
        size_t used = 0;
        for (size_t c = 0; c < ncols; c++) {
            if ((err = hp_num_fixed(buf, sizeof buf, cols[c][r], decimals[c])) != HP_OK)
                return err;
            size_t n = strlen(buf);
            if (used + n + 2 > sizeof line) {
                if (fwrite(line, 1, used, f) != used)
                    return HP_EIO;
                used = 0;
            }
            if (c > 0)
                line[used++] = ',';
            memcpy(line + used, buf, n);
            used += n;
        }
        line[used++] = '\n';
        if (fwrite(line, 1, used, f) != used)
            return HP_EIO;
    }
    return ferror(f) ? HP_EIO : HP_OK;
}
