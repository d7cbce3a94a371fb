/*
 * dp_sweep.h - `--sweep KEY=V1,V2,...`: one scenario per combination of
 * values (the cartesian product of every sweep), each loaded with an extra
 * `--set KEY=Vi` and named after its values.
 */
#ifndef DP_SWEEP_H
#define DP_SWEEP_H

#include <stddef.h>

typedef struct dp_sweep {
    char *key;               /* owned */
    char **values;           /* owned, trimmed of surrounding blanks */
    size_t n;
} dp_sweep;

/* Parses "KEY=V1,V2,...". Values are split on commas outside (), [], {} and
 * quotes, so `KEY=uniform(1, 2),uniform(2, 3)` has two. 0, or -1 with the
 * problem (no '=', empty value, unbalanced bracket, repeated value) in err
 * and nothing to free. */
int dp_sweep_parse(const char *arg, dp_sweep *sw, char *err, size_t errsize);
void dp_sweep_free(dp_sweep *sw);

/* Number of combinations of n sweeps (1 when n is 0), or 0 when it would
 * exceed max. */
size_t dp_sweep_count(const dp_sweep *sw, size_t n, size_t max);

/* Index of the value of sweep i in combination c: combinations run in the
 * order of nested loops, the last sweep varying fastest. */
size_t dp_sweep_pick(const dp_sweep *sw, size_t n, size_t c, size_t i);

/* "KEY=VALUE" of sweep i in combination c, for dp_scenario_load (malloc'd;
 * NULL when memory ran out). */
char *dp_sweep_set(const dp_sweep *sw, size_t n, size_t c, size_t i);

/* "base [k1=v1, k2=v2]" for combination c (malloc'd; NULL when memory ran
 * out). */
char *dp_sweep_name(const char *base, const dp_sweep *sw, size_t n, size_t c);

#endif
