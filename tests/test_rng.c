/*
 * test_rng.c - PCG64-DXSM against NumPy's published vectors, jumps, the
 * per-trajectory streams, the double conversions and the gsl_rng wrapper.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dp_rng.h"

static void setup(void)
{
    gsl_set_error_handler_off();
}

TestSuite(rng, .init = setup, .timeout = 30);

/* ---- NumPy's SeedSequence (numpy/random/bit_generator.pyx), pool size 4,
 * no spawn key: entropy words -> generate_state(4, uint64). ---- */

#define SS_INIT_A 0x43b0d7e5u
#define SS_MULT_A 0x931e8875u
#define SS_INIT_B 0x8b51f9ddu
#define SS_MULT_B 0x58f38dedu
#define SS_MIX_MULT_L 0xca01f9ddu
#define SS_MIX_MULT_R 0x4973f715u
#define SS_XSHIFT 16

static uint32_t ss_hashmix(uint32_t value, uint32_t *hash_const)
{
    value ^= *hash_const;
    *hash_const *= SS_MULT_A;
    value *= *hash_const;
    value ^= value >> SS_XSHIFT;
    return value;
}

static uint32_t ss_mix(uint32_t x, uint32_t y)
{
    uint32_t result = SS_MIX_MULT_L * x - SS_MIX_MULT_R * y;
    result ^= result >> SS_XSHIFT;
    return result;
}

/* entropy: an integer seed as NumPy splits it, 32-bit words low first. */
static void seed_sequence_u64x4(uint64_t entropy, uint64_t out[4])
{
    uint32_t ent[2];
    size_t nent = 0;
    if (entropy == 0)
        ent[nent++] = 0;
    while (entropy > 0) {
        ent[nent++] = (uint32_t)entropy;
        entropy >>= 32;
    }

    uint32_t pool[4];
    uint32_t hc = SS_INIT_A;
    for (size_t i = 0; i < 4; i++)
        pool[i] = ss_hashmix(i < nent ? ent[i] : 0, &hc);
    for (size_t src = 0; src < 4; src++)
        for (size_t dst = 0; dst < 4; dst++)
            if (src != dst)
                pool[dst] = ss_mix(pool[dst], ss_hashmix(pool[src], &hc));

    uint32_t words[8];
    uint32_t hb = SS_INIT_B;
    for (size_t i = 0; i < 8; i++) {
        uint32_t v = pool[i % 4];
        v ^= hb;
        hb *= SS_MULT_B;
        v *= hb;
        v ^= v >> SS_XSHIFT;
        words[i] = v;
    }
    for (size_t j = 0; j < 4; j++)
        out[j] = (uint64_t)words[2 * j] | ((uint64_t)words[2 * j + 1] << 32);
}

/* PCG64DXSM(SeedSequence(entropy)): state words 0,1 and increment words 2,3,
 * high word first (numpy's pcg64_set_seed). */
static void numpy_pcg64dxsm(dp_pcg64 *g, uint64_t entropy)
{
    uint64_t w[4];
    seed_sequence_u64x4(entropy, w);
    dp_pcg64_seed(g, ((dp_u128)w[0] << 64) | w[1],
                  ((dp_u128)w[2] << 64) | w[3]);
}

static dp_u128 u128(uint64_t hi, uint64_t lo)
{
    return ((dp_u128)hi << 64) | lo;
}

/* Catches: any error in SeedSequence's port or in dp_pcg64_seed (e.g.
 * seeding with the cheap multiplier), before the output function is
 * involved. Values: NumPy 1.24, PCG64DXSM(0xdeadbeaf).state. */
Test(rng, seed_matches_numpy_state)
{
    uint64_t w[4];
    seed_sequence_u64x4(0xdeadbeaf, w);
    cr_expect_eq(w[0], 5778446405158232650ULL);
    cr_expect_eq(w[1], 4639759349701729399ULL);
    cr_expect_eq(w[2], 13222832537653397986ULL);
    cr_expect_eq(w[3], 2330059127936092250ULL);

    dp_pcg64 g;
    numpy_pcg64dxsm(&g, 0xdeadbeaf);
    cr_expect(g.state == u128(0xdcbf51eca8a06d6dULL, 0xa11c0e6f95be4591ULL));
    cr_expect(g.inc == u128(0x6f01e045569d93c4ULL, 0x40ac10dd049310b5ULL));
}

/* Checks 1000 outputs against a NumPy CSV ("seed, 0x..." then "i, 0x...").
 * Catches: any error in the DXSM output, the step, or the seeding. */
static void check_numpy_csv(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/%s", DP_SOURCE_DIR, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);

    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, f));
    char *comma = strchr(line, ',');
    cr_assert_not_null(comma);
    cr_assert_eq(strncmp(line, "seed", 4), 0);
    uint64_t seed = strtoull(comma + 1, NULL, 0);

    dp_pcg64 g;
    numpy_pcg64dxsm(&g, seed);
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        long idx = strtol(line, &comma, 10);
        cr_assert_eq(*comma, ',');
        uint64_t want = strtoull(comma + 1, NULL, 0);
        cr_assert_eq(idx, rows);
        uint64_t got = dp_pcg64_next(&g);
        cr_assert_eq(got, want, "%s row %d: got %#" PRIx64 " want %#" PRIx64,
                     name, rows, got, want);
        rows++;
    }
    fclose(f);
    cr_assert_eq(rows, 1000);
}

Test(rng, numpy_vectors_deadbeaf)
{
    check_numpy_csv("pcg64dxsm-testset-1.csv");
}

Test(rng, numpy_vectors_zero)
{
    check_numpy_csv("pcg64dxsm-testset-2.csv");
}

/* Catches: a jump that is off by one step, uses the wrong multiplier or
 * mishandles the high bits of delta. */
Test(rng, advance_equals_steps)
{
    static const unsigned deltas[] = {0, 1, 2, 3, 64, 1000, 12345};
    for (size_t j = 0; j < sizeof deltas / sizeof deltas[0]; j++) {
        dp_pcg64 a, b;
        dp_rng_stream(&a, 42, j);
        b = a;
        dp_pcg64_advance(&a, deltas[j]);
        for (unsigned s = 0; s < deltas[j]; s++)
            (void)dp_pcg64_next(&b);
        cr_expect(a.state == b.state && a.inc == b.inc, "delta %u", deltas[j]);
        cr_expect_eq(dp_pcg64_next(&a), dp_pcg64_next(&b));
    }

    /* 2^128 - 1 steps undo one step (the period is 2^128) */
    dp_pcg64 a, b;
    dp_rng_stream(&a, 7, 7);
    b = a;
    (void)dp_pcg64_next(&a);
    dp_pcg64_advance(&a, ~(dp_u128)0);
    cr_expect(a.state == b.state);

    /* jumps compose: (x) then (y) equals (x + y), for 128-bit x, y */
    dp_u128 x = u128(0x0123456789abcdefULL, 0xfedcba9876543210ULL);
    dp_u128 y = u128(0x8000000000000001ULL, 0x1111111111111111ULL);
    dp_rng_stream(&a, 1, 2);
    b = a;
    dp_pcg64_advance(&a, x);
    dp_pcg64_advance(&a, y);
    dp_pcg64_advance(&b, x + y);
    cr_expect(a.state == b.state);
}

/* Pins dp_rng_stream: changing the derivation changes every result the
 * program has produced. Catches an accidental change of the hash. Values
 * from an independent Python transcription of rng.c's Feistel + seeding. */
Test(rng, stream_pinned)
{
    dp_pcg64 g;
    dp_rng_stream(&g, 20250122, 0);
    cr_expect(g.inc & 1u);
    uint64_t first0 = dp_pcg64_next(&g);
    dp_rng_stream(&g, 20250122, 1);
    uint64_t first1 = dp_pcg64_next(&g);
    cr_expect_eq(first0, 0xae8b7bbedf700b2dULL, "stream(20250122,0) starts %#" PRIx64, first0);
    cr_expect_eq(first1, 0x32ddcb4dd178b27fULL, "stream(20250122,1) starts %#" PRIx64, first1);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* z-score of the Pearson correlation of the first n doubles of two streams
 * (sd of r under independence is 1/sqrt(n)). */
static double stream_corr_z(dp_pcg64 a, dp_pcg64 b, size_t n)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t j = 0; j < n; j++) {
        double x = dp_pcg64_double(&a) - 0.5, y = dp_pcg64_double(&b) - 0.5;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
    }
    double cov = sxy - sx * sy / (double)n;
    double r = cov / sqrt((sxx - sx * sx / (double)n) * (syy - sy * sy / (double)n));
    return r * sqrt((double)n);
}

/*
 * Neighbouring trajectories get unrelated streams. Catches: a stream
 * function that ignores i or the seed, makes (seed, i) and (seed, i+1) start
 * alike (e.g. state = seed + i: DXSM ignores the state's lowest bit), makes
 * one stream a near shift of its neighbour (e.g. advancing a base stream by
 * i), or linearly correlated neighbours.
 */
Test(rng, streams_unrelated)
{
    enum { N = 100000, HEAD = 100 };
    static const uint64_t is[] = {0, 1, 2, 1000, 0xFFFFFFFFULL,
                                  0x7FFFFFFFFFFFFFFFULL, 0xFFFFFFFFFFFFFFFEULL};
    static const uint64_t seeds[] = {0, 20250122};
    uint64_t *out = malloc(N * sizeof *out);
    cr_assert_not_null(out);

    for (size_t si = 0; si < 2; si++) {
        for (size_t j = 0; j < sizeof is / sizeof is[0]; j++) {
            uint64_t seed = seeds[si], i = is[j];
            dp_pcg64 a, b, c;
            dp_rng_stream(&a, seed, i);
            dp_rng_stream(&b, seed, i + 1);
            dp_rng_stream(&c, seed + 1, i);
            cr_expect(a.inc != b.inc && a.state != b.state);
            cr_expect(a.inc != c.inc && a.state != c.state);

            double z = stream_corr_z(a, b, N);
            cr_expect(fabs(z) < 5.5, "seed %" PRIu64 " i %" PRIu64 ": z %g",
                      seed, i, z);
            z = stream_corr_z(a, c, N);
            cr_expect(fabs(z) < 5.5, "seeds %" PRIu64 ",+1 i %" PRIu64
                      ": z %g", seed, i, z);

            /* no output of b's head occurs among a's first N outputs:
             * by chance that has probability HEAD * N / 2^64 */
            dp_pcg64 t = a;
            for (size_t k = 0; k < N; k++)
                out[k] = dp_pcg64_next(&t);
            qsort(out, N, sizeof *out, cmp_u64);
            t = b;
            for (size_t k = 0; k < HEAD; k++) {
                uint64_t v = dp_pcg64_next(&t);
                cr_expect_null(bsearch(&v, out, N, sizeof *out, cmp_u64),
                               "stream i+1 overlaps stream i (i %" PRIu64 ")",
                               i);
            }
        }
    }
    free(out);
}

/* A state whose next output is `want` (any odd DXSM multiplier h of the high
 * word works: lo = want * h^-1 mod 2^64, odd when want is odd). */
static dp_pcg64 state_with_output(uint64_t want)
{
    for (uint64_t hi = 0x0123456789abcdefULL;; hi++) {
        uint64_t h = hi;
        h ^= h >> 32;
        h *= DP_PCG_CHEAP_MULT;
        h ^= h >> 48;
        if (!(h & 1u))
            continue;
        uint64_t inv = h;           /* Newton: 3, 6, 12, 24, 48, 96 bits */
        for (int s = 0; s < 5; s++)
            inv *= 2 - h * inv;
        dp_pcg64 g = {u128(hi, want * inv), 1};
        return g;
    }
}

/* Catches: a conversion that can round up to 1.0 (e.g. x * 2^-64 in
 * double), or an open-interval draw that reaches 0 or 1. */
Test(rng, double_ends)
{
    dp_pcg64 g = state_with_output(UINT64_MAX);
    dp_pcg64 h = g;
    cr_assert_eq(dp_pcg64_next(&h), UINT64_MAX);
    h = g;
    double d = dp_pcg64_double(&h);
    cr_expect(d < 1.0);
    cr_expect_eq(d, 1.0 - 0x1p-53);
    h = g;
    d = dp_pcg64_double_open(&h);
    cr_expect(d < 1.0 && d > 0.0);
    cr_expect(d == 1.0 - 0x1p-53);

    /* a high word of 0 makes the output 0 */
    dp_pcg64 z = {u128(0, 0x12345), 1};
    h = z;
    cr_assert_eq(dp_pcg64_next(&h), 0);
    h = z;
    cr_expect_eq(dp_pcg64_double(&h), 0.0);
    h = z;
    d = dp_pcg64_double_open(&h);
    cr_expect(d > 0.0 && d == 0x1p-53);

    dp_rng_stream(&g, 3, 3);
    for (int k = 0; k < 1000000; k++) {
        d = dp_pcg64_double_open(&g);
        if (!(d > 0.0 && d < 1.0))
            cr_assert_fail("double_open gave %a", d);
    }
}

/* Catches: a double with fewer than 53 random bits (e.g. a 32-bit draw, or
 * (double)x / 2^64, which rounds away the low bits). Every bit of x * 2^53
 * must be seen both set and clear; by chance a bit stays fixed over 1000
 * draws with probability 2^-999. */
Test(rng, double_has_53_bits)
{
    dp_pcg64 g;
    dp_rng_stream(&g, 99, 0);
    uint64_t ever_set = 0, ever_clear = 0;
    for (int k = 0; k < 1000; k++) {
        double d = dp_pcg64_double(&g);
        double m = d * 0x1p53;
        cr_assert(m == floor(m) && d >= 0 && d < 1);
        uint64_t bits = (uint64_t)m;
        ever_set |= bits;
        ever_clear |= ~bits;
    }
    uint64_t mask = (UINT64_C(1) << 53) - 1;
    cr_expect_eq(ever_set & mask, mask, "never set: %#" PRIx64,
                 ~ever_set & mask);
    cr_expect_eq(ever_clear & mask, mask, "never clear: %#" PRIx64,
                 ~ever_clear & mask);
}

/* Catches: a wrapper whose state, get, get_double or set differ from the
 * native generator, or whose min/max are not the full 64-bit range. */
Test(rng, gsl_wrapper_same_numbers)
{
    gsl_rng *r = gsl_rng_alloc(dp_rng_type);
    cr_assert_not_null(r);
    cr_expect_str_eq(gsl_rng_name(r), "pcg64-dxsm");
    cr_expect_eq(gsl_rng_min(r), 0UL);
    cr_expect_eq(gsl_rng_max(r), 0xFFFFFFFFFFFFFFFFUL);
    cr_expect_eq(gsl_rng_size(r), sizeof(dp_pcg64));

    dp_pcg64 g;
    gsl_rng_set(r, 12345);
    dp_rng_stream(&g, 12345, 0);
    for (int k = 0; k < 1000; k++) {
        cr_assert_eq(gsl_rng_get(r), dp_pcg64_next(&g));
        cr_assert_eq(gsl_rng_uniform(r), dp_pcg64_double(&g));
    }

    /* reseeding one allocated gsl_rng per trajectory, as the engine does */
    dp_rng_stream(dp_rng_state(r), 5, 17);
    dp_rng_stream(&g, 5, 17);
    for (int k = 0; k < 100; k++)
        cr_assert_eq(gsl_rng_get(r), dp_pcg64_next(&g));

    gsl_rng_set(r, 0);
    dp_rng_stream(&g, 0, 0);
    cr_expect_eq(gsl_rng_get(r), dp_pcg64_next(&g));
    gsl_rng_free(r);
}

/* Chi-square of n_bins equiprobable cells. */
static double chisq_uniform_p(const uint64_t *count, size_t n_bins,
                              uint64_t total)
{
    double e = (double)total / (double)n_bins, x2 = 0;
    for (size_t b = 0; b < n_bins; b++)
        x2 += ((double)count[b] - e) * ((double)count[b] - e) / e;
    return gsl_cdf_chisq_Q(x2, (double)(n_bins - 1));
}

/* Catches: a wrong min/max (gsl_rng_uniform_int scales by max - min) or a
 * biased get. Threshold p < 1e-8; with 1e5 per cell a cell off by 2% fails. */
Test(rng, gsl_uniform_int_unbiased)
{
    gsl_rng *r = gsl_rng_alloc(dp_rng_type);
    cr_assert_not_null(r);
    gsl_rng_set(r, 2024);

    enum { CELLS = 7, PER = 100000 };
    uint64_t count[CELLS] = {0};
    for (int k = 0; k < CELLS * PER; k++) {
        unsigned long v = gsl_rng_uniform_int(r, CELLS);
        cr_assert_lt(v, (unsigned long)CELLS);
        count[v]++;
    }
    double p = chisq_uniform_p(count, CELLS, (uint64_t)CELLS * PER);
    cr_expect_gt(p, 1e-8, "uniform_int(7): p = %g", p);

    /* a range above 2^63, beyond any 32-bit generator */
    unsigned long big = 0xC000000000000000UL;
    uint64_t count6[6] = {0};
    for (int k = 0; k < 6 * PER; k++) {
        unsigned long v = gsl_rng_uniform_int(r, big);
        cr_assert_lt(v, big);
        count6[(unsigned)(((dp_u128)v * 6) / big)]++;
    }
    p = chisq_uniform_p(count6, 6, 6 * (uint64_t)PER);
    cr_expect_gt(p, 1e-8, "uniform_int(3*2^62): p = %g", p);
    gsl_rng_free(r);
}
