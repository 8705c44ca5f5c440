/* SPDX-License-Identifier: MIT */
/* IR helpers and grids against hand-computed cases: circular onset search, window placement
 * and tapers, RMS, grid end points and spacing, and misuse. */
#include "t.h"
#include "grid.h"
#include "ir.h"
#include <stdlib.h>

static void onset(void)
{
    double h[100] = {0};
    h[40] = 0.05;  /* below -20 dB of the peak: not the onset */
    h[45] = 0.2;   /* the onset */
    h[46] = -0.05;
    h[47] = 1.0;   /* the peak */
    hp_ir_onset o;
    CHECK(hp_ir_find_onset(h, 100, 0, 100, -20, 10, &o) == HP_OK);
    CHECK(o.peak_index == 47 && o.peak == 1.0 && o.onset_index == 45);
    /* Circular: a peak at index 1 with its onset wrapped to the end. */
    double g[50] = {0};
    g[1] = -2.0;
    g[49] = 0.5;
    CHECK(hp_ir_find_onset(g, 50, 0, 50, -20, 5, &o) == HP_OK);
    CHECK(o.peak_index == 1 && o.onset_index == 49);
    double z[8] = {0};
    CHECK(hp_ir_find_onset(z, 8, 0, 8, -20, 2, &o) == HP_ENODATA);
    CHECK(hp_ir_find_onset(h, 100, 0, 101, -20, 2, &o) == HP_EINVAL);
    CHECK(hp_ir_find_onset(h, 100, 0, 10, 3, 2, &o) == HP_EINVAL);
    CHECK(hp_ir_find_onset(NULL, 100, 0, 10, -20, 2, &o) == HP_EINVAL);
}

static void windows(void)
{
    double h[20], out[16], seg[9];
    for (int i = 0; i < 20; i++)
        h[i] = i + 1;
    /* time zero 10, 2 before, 6 after, no taper: index 0 <- h[10], the two before wrap to the end. */
    hp_ir_window w = {10.0, 2, 6, 0, 0};
    CHECK(hp_ir_extract(h, 20, &w, out, 16) == HP_OK);
    CHECK(out[0] == 11 && out[6] == 17 && out[7] == 0 && out[15] == 10 && out[14] == 9);
    CHECK(hp_ir_segment(h, 20, &w, seg) == HP_OK);
    CHECK(seg[0] == 9 && seg[2] == 11 && seg[8] == 17);
    /* Tapers are half-Hann: symmetric, below one inside, one in the flat part. */
    hp_ir_window t = {10.0, 2, 6, 2, 2};
    CHECK(hp_ir_segment(h, 20, &t, seg) == HP_OK);
    CHECK_NEAR(seg[0] / 9, 0.5 - 0.5 * cos(M_PI * 0.5 / 2), 1e-12);
    CHECK_NEAR(seg[8] / 17, seg[0] / 9, 1e-12);
    CHECK(seg[4] == 13);
    /* Wrap on the buffer itself: time zero near the end. */
    hp_ir_window e = {19.0, 1, 2, 0, 0};
    CHECK(hp_ir_segment(h, 20, &e, seg) == HP_OK);
    CHECK(seg[0] == 19 && seg[1] == 20 && seg[2] == 1 && seg[3] == 2);
    CHECK(hp_ir_extract(h, 20, &w, out, 8) == HP_EINVAL);      /* window longer than out */
    hp_ir_window big = {0, 15, 15, 0, 0};
    CHECK(hp_ir_segment(h, 20, &big, seg) == HP_EINVAL);       /* longer than the buffer */
    hp_ir_window nan = {NAN, 1, 1, 0, 0};
    CHECK(hp_ir_segment(h, 20, &nan, seg) == HP_EINVAL);
    double r;
    CHECK(hp_ir_rms(h, 20, 18, 4, &r) == HP_OK);
    CHECK_NEAR(r, sqrt((19.0 * 19 + 20 * 20 + 1 + 4) / 4), 1e-12);
    CHECK(hp_ir_rms(h, 20, 0, 0, &r) == HP_EINVAL);
    CHECK(hp_ir_wrap(-1, 20) == 19 && hp_ir_wrap(41, 20) == 1);
}

static void grids(void)
{
    hp_grid g;
    CHECK(hp_grid_log(20, 20000, 48, &g) == HP_OK);
    CHECK(g.n == 479 && /* round(48 log2 1000) + 1 */ g.f_hz[0] == 20 && g.f_hz[g.n - 1] == 20000);
    double step = log2(g.f_hz[1] / g.f_hz[0]);
    CHECK_NEAR(step, 1.0 / 48, 0.001 / 48);
    CHECK_NEAR(log2(g.f_hz[300] / g.f_hz[299]), step, 1e-12);
    hp_grid_release(&g);
    CHECK(g.f_hz == NULL && g.n == 0);
    CHECK(hp_grid_autoeq(&g) == HP_OK);
    CHECK(g.n == 695 && g.f_hz[0] == 20);
    CHECK_NEAR(g.f_hz[694], 19955.54, 0.01);
    hp_grid_release(&g);
    CHECK(hp_grid_log(0, 100, 48, &g) == HP_EINVAL);
    CHECK(hp_grid_log(100, 100, 48, &g) == HP_EINVAL);
    CHECK(hp_grid_log(20, 20000, 0, &g) == HP_EINVAL);
    CHECK(hp_grid_log(20, INFINITY, 48, &g) == HP_EINVAL);
    CHECK(hp_grid_log(20, 20000, 48, NULL) == HP_EINVAL);
    hp_grid_release(NULL);
}

int main(void)
{
    onset();
    windows();
    grids();
    T_DONE();
}
