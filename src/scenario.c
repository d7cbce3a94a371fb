/*
 * scenario.c - the scenario schema (SPEC 2) as data, and the loader that
 * walks a YAML tree over it into a validated dp_scenario.
 *
 * Each mapping of the file has one const table of {key, handler, field,
 * domain, required, help} (in the manner of netplan's src/parse.c); walk()
 * is the only code that looks at keys: it reports unknown keys (with the
 * nearest valid one) and keys given twice, then calls the handlers in TABLE
 * order, not file order. So `start` is known before any day field whatever
 * the order in the file, and the parameter table has the same order for the
 * same content (the engine draws it in that order).
 *
 * Nothing here prints or exits: every problem goes to the dp_diags list and
 * the walk goes on, so that one run reports them all. A parameter whose text
 * was wrong still gets its slot (with no distribution), so that later checks
 * (correlations naming it) do not report it a second time.
 *
 * Choices where SPEC 2 is silent:
 *  - return_to_duty needs both fraction and delay (no default delay).
 *  - thresholds.strength is [0] unless written (also when only
 *    thresholds.casualties is written); `strength: []` turns it off.
 *  - A distribution with less than WARN_OUTSIDE of its mass outside the
 *    domain is still conditioned on it, without a warning (less than one
 *    draw in a million); one with less than MIN_INSIDE inside is an error.
 *  - An observation dated outside 1..H is reported here, as a warning.
 *  - A level or percentile listed twice is a warning. `confidence` may be
 *    written as a percentage (95%), like the levels.
 *  - A correlation with a fixed parameter is a warning (it has no effect).
 *  - A correlation matrix that is not positive definite is one error per
 *    group of linked parameters, naming the pairs among a failing set of
 *    parameters that passes without any one of them, at the first pair
 *    written. r = 1 or -1 makes it singular, so it is such an error.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "dp_date.h"
#include "dp_expr.h"
#include "dp_params.h"
#include "dp_scenario.h"
#include "scenario_tree.h"

#define WARN_OUTSIDE 1e-6
#define MIN_INSIDE 1e-9
#define MAX_KEYS 20
#define CLIP 60           /* longest piece of user text quoted in a message */
#define PATHBUF (DP_PATH_MAX + 32)

/* ---- domains (SPEC 1.1) ---- */

enum { D_COUNT, D_NONNEG, D_POS, D_PROB, D_DAY };

static const struct {
    dp_domain dom;
    int round;
    const char *text;
} domains[] = {
    [D_COUNT] = {{0, 1e9, false}, DP_ROUND_COUNT, "[0, 1e9]"},
    [D_NONNEG] = {{0, INFINITY, false}, DP_ROUND_NONE, "[0, inf)"},
    [D_POS] = {{0, INFINITY, true}, DP_ROUND_NONE, "(0, inf)"},
    [D_PROB] = {{0, 1, false}, DP_ROUND_NONE, "[0, 1]"},
    [D_DAY] = {{-INFINITY, INFINITY, false}, DP_ROUND_DAY, "any day"},
};

/* ---- the loader and its tables ---- */

typedef struct loader {
    dp_scenario *s;
    dp_diags *dg;
    bool oom;
    bool have_start;
    size_t cap_params, cap_phases, cap_reinf, cap_wd, cap_obs, cap_corr;
    const dp_node *below_node;   /* the withdrawal rule, once seen */
    char below_path[PATHBUF];
} loader;

typedef struct key_spec key_spec;
typedef void handler_fn(loader *L, const key_spec *k, const dp_node *v, void *obj,
                        const char *path);

/* What walk() found for each key of a table (NULL when absent). */
typedef struct found {
    const key_spec *keys;
    const dp_node *key[MAX_KEYS], *val[MAX_KEYS];
} found;

typedef struct map_spec {
    const key_spec *keys;
    /* cross-field checks and defaults once the mapping is walked */
    void (*finish)(loader *L, const dp_node *map, void *obj, const char *path,
                   const found *f);
} map_spec;

/* A list of mappings: each item is walked into a fresh item object. */
typedef struct list_spec {
    const map_spec *item;
    void (*init)(void *obj);
} list_spec;

struct key_spec {
    const char *key;
    handler_fn *fn;
    size_t off;          /* the field of obj that receives the value */
    int dom;             /* D_*, for parameters */
    const void *sub;     /* map_spec or list_spec */
    bool required;
    const char *help;
};

/* ---- small helpers ---- */

static void nomem(loader *L)
{
    if (!L->oom)
        dp_diag_add(L->dg, DP_ERROR, (dp_pos){L->s->file, 0, 0, NULL}, "out of memory");
    L->oom = true;
}

/* Grows the array whose pointer is at arrp (a T **) to hold n + 1
 * elements of size bytes; false (reported) on failure. The pointer is
 * moved with memcpy, which is defined for any T. */
static bool grow(loader *L, void *arrp, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? 2 * *cap : 4;
    void *arr;
    memcpy(&arr, arrp, sizeof arr);
    void *p = realloc(arr, c * size);
    if (!p) {
        nomem(L);
        return false;
    }
    memcpy(arrp, &p, sizeof p);
    *cap = c;
    return true;
}

static char *dup_str(loader *L, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p) {
        nomem(L);
        return NULL;
    }
    memcpy(p, s, n);
    return p;
}

/* User text for a message, cut to CLIP characters. */
static const char *clip(const char *s, char buf[CLIP + 4])
{
    size_t n = strlen(s);
    if (n <= CLIP)
        return s;
    memcpy(buf, s, CLIP);
    memcpy(buf + CLIP, "...", 4);
    return buf;
}

static void err(loader *L, dp_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(loader *L, dp_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void vadd(loader *L, dp_severity sev, dp_pos pos, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    dp_diag_add(L->dg, sev, pos, "%s", msg);
}

static void err(loader *L, dp_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(L, DP_ERROR, pos, fmt, ap);
    va_end(ap);
}

static void warn(loader *L, dp_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(L, DP_WARNING, pos, fmt, ap);
    va_end(ap);
}

static void join(char out[PATHBUF], const char *path, const char *key)
{
    if (*path)
        snprintf(out, PATHBUF, "%s.%s", path, key);
    else
        snprintf(out, PATHBUF, "%s", key);
}

/* A scalar with a value; otherwise reports "PATH: expected WHAT, got ...".
 * A BAD node was reported already: false, silently. */
static bool want_scalar(loader *L, const dp_node *v, const char *path, const char *what)
{
    if (v->kind == DP_NODE_BAD)
        return false;
    if (v->kind == DP_NODE_SCALAR && !dp_node_is_null(v))
        return true;
    err(L, v->pos, "%s: expected %s, got %s", path, what, dp_node_kind_name(v));
    return false;
}

static bool want_kind(loader *L, const dp_node *v, dp_node_kind kind, const char *path,
                      const char *what)
{
    if (v->kind == DP_NODE_BAD)
        return false;
    if (v->kind == kind)
        return true;
    err(L, v->pos, "%s: expected %s, got %s", path, what, dp_node_kind_name(v));
    return false;
}

/* A decimal number as YAML writes one ("-1.5e3", "12", ".5"), optionally
 * followed by % when pct is set (then divided by 100). No hex, inf or nan. */
static bool parse_number(const char *t, bool pct, double *out)
{
    const char *p = t;
    if (*p == '+' || *p == '-')
        p++;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (digits == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    bool percent = pct && *p == '%';
    if (*p != '\0' && !(percent && p[1] == '\0'))
        return false;
    double x = strtod(t, NULL);
    if (!isfinite(x))
        return false;
    *out = percent ? x / 100 : x;
    return true;
}

/* A whole number >= 0: digits (underscores between them allowed, as YAML
 * 1.1 does: 1_000_000), or a decimal number that is exactly whole and at
 * most 2^53 ("1e6"). */
static bool parse_whole(const char *t, uint64_t *out)
{
    const char *p = t;
    if (*p == '+')
        p++;
    uint64_t u = 0;
    bool any = false, over = false, plain = true;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            unsigned dgt = (unsigned)(*p - '0');
            if (u > (UINT64_MAX - dgt) / 10)
                over = true;
            u = u * 10 + dgt;
            any = true;
        } else if (*p == '_' && any && p[1] >= '0' && p[1] <= '9') {
            continue;
        } else {
            plain = false;
            break;
        }
    }
    if (plain && any) {
        if (over)
            return false;
        *out = u;
        return true;
    }
    double x;
    if (!parse_number(t, false, &x) || x < 0 || x > 9007199254740992.0 || x != floor(x))
        return false;
    *out = (uint64_t)x;
    return true;
}

/* "5.5%" for a probability; never "0%" or "100%" for what is neither. */
static void fmt_pct(double p, char buf[32])
{
    double pc = 100 * p;
    if (p < 1 && pc >= 99.95)
        snprintf(buf, 32, "more than 99.9%%");
    else if (pc >= 1)
        snprintf(buf, 32, "%.1f%%", pc);
    else
        snprintf(buf, 32, "%.2g%%", pc);
}

/* ---- parameters ---- */

/* Checks the mass of d inside domain dk: an error for a fixed value
 * outside, or no mass inside; a warning saying how often a draw falls
 * outside. Fills *outside. False on error. */
static bool check_domain(loader *L, const char *path, const dp_node *v, const dp_dist *d,
                         int dk, double *outside)
{
    *outside = 0;
    if (dk == D_DAY)
        return true;
    dp_domain dom = domains[dk].dom;
    const char *dtext = domains[dk].text;
    char cb[CLIP + 4];
    const char *txt = clip(v->text, cb);
    if (dp_dist_is_fixed(d)) {
        if (!dp_domain_has(dom, d->p[0])) {
            err(L, v->pos, "%s: %s is outside %s", path, txt, dtext);
            return false;
        }
        return true;
    }
    double in = dp_dist_mass_in(d, dom, NULL, NULL);
    if (!(in >= MIN_INSIDE)) {
        err(L, v->pos, "%s: %s (practically) never draws a value within %s", path, txt, dtext);
        return false;
    }
    double out = 1 - in;
    if (out < 0)
        out = 0;
    *outside = out;
    if (out < WARN_OUTSIDE)
        return true;
    double below = dom.lo_open ? d->type->cdf(d, dom.lo) : dp_dist_cdf_left(d, dom.lo);
    double above = 1 - d->type->cdf(d, dom.hi);
    char pct[32], where[64], num[32];
    fmt_pct(out, pct);
    if (below >= 0.01 * out && above >= 0.01 * out) {
        snprintf(where, sizeof where, "outside %s", dtext);
    } else if (above >= 0.01 * out) {
        snprintf(num, sizeof num, "%g", dom.hi);
        snprintf(where, sizeof where, "above %s", num);
    } else {
        snprintf(num, sizeof num, "%g", dom.lo);
        snprintf(where, sizeof where, "%s %s", dom.lo_open ? "at or below" : "below", num);
    }
    warn(L, v->pos, "%s: %s puts %s of its draws %s; those draws are redrawn within %s",
         path, txt, pct, where, dtext);
    return true;
}

/* Parses v as the distribution of a field of domain dk. False (reported)
 * when it is not a valid one. */
static bool parse_dist(loader *L, const char *path, const dp_node *v, int dk,
                       dp_dist *out, double *outside)
{
    memset(out, 0, sizeof *out);
    *outside = 0;
    if (!want_scalar(L, v, path, dk == D_DAY ? "a day number, a date or a distribution"
                                             : "a number or a distribution"))
        return false;
    dp_expr_ctx ctx = {
        .dates = dk == D_DAY, .have_start = L->have_start, .start = L->s->start,
        .field = path,
    };
    if (!dp_expr_parse(v->text, &ctx, dp_node_text_pos(v), out, L->dg)) {
        memset(out, 0, sizeof *out);
        return false;
    }
    if (!check_domain(L, path, v, out, dk, outside)) {
        dp_dist_free(out);
        return false;
    }
    return true;
}

/* Adds the parameter at path (its slot is kept even when v is wrong: see
 * the file comment). Returns its index, or DP_NONE when memory ran out. */
static int add_param_dist(loader *L, const char *path, dp_pos pos, int dk,
                          const dp_node *v, const dp_dist *fixed)
{
    dp_scenario *s = L->s;
    if (!grow(L, &s->params, s->n_params, &L->cap_params, sizeof *s->params))
        return DP_NONE;
    dp_param *p = &s->params[s->n_params];
    memset(p, 0, sizeof *p);
    snprintf(p->path, sizeof p->path, "%s", path);
    p->domain = domains[dk].dom;
    p->round = domains[dk].round;
    p->pos = pos;
    p->pos.text = NULL;  /* a --set argument need not outlive the load */
    if (v)
        parse_dist(L, path, v, dk, &p->dist, &p->outside);
    else
        p->dist = *fixed;
    return (int)s->n_params++;
}

static int add_param(loader *L, const char *path, const dp_node *v, int dk)
{
    return add_param_dist(L, path, v->pos, dk, v, NULL);
}

static int add_fixed(loader *L, const char *path, dp_pos pos, int dk, double x)
{
    dp_dist d;
    dp_dist_fixed(&d, x);
    return add_param_dist(L, path, pos, dk, NULL, &d);
}

/* ---- the walker ---- */

static size_t table_len(const key_spec *t)
{
    size_t n = 0;
    while (t[n].key)
        n++;
    return n;
}

static void key_list(const key_spec *t, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; t[i].key && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", t[i].key);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* "line 5" when first is in the same file as here, else "file:line:col". */
static void first_at(dp_pos first, dp_pos here, char buf[PATHBUF])
{
    if (first.file && here.file && strcmp(first.file, here.file) == 0
        && first.line != here.line)
        snprintf(buf, PATHBUF, "line %d", first.line);
    else
        snprintf(buf, PATHBUF, "%s:%d:%d", first.file ? first.file : "?", first.line,
                 first.col);
}

/* Walks mapping map (already checked to be one) over table mspec into obj;
 * path names the mapping ("" for the root). */
static void walk(loader *L, const dp_node *map, const map_spec *mspec, void *obj,
                 const char *path)
{
    const key_spec *t = mspec->keys;
    size_t nt = table_len(t);
    if (nt > MAX_KEYS)   /* a table longer than found can hold: a bug here */
        nt = MAX_KEYS;
    found f = {.keys = t};
    const char *names[MAX_KEYS];
    for (size_t i = 0; i < nt; i++)
        names[i] = t[i].key;
    char where[PATHBUF + 8], cb[CLIP + 4];
    if (*path)
        snprintf(where, sizeof where, "'%s'", path);
    else
        snprintf(where, sizeof where, "the root mapping");

    for (size_t j = 0; j < map->n; j++) {
        const dp_node *k = dp_node_key(map, j), *v = dp_node_val(map, j);
        if (k->kind == DP_NODE_BAD)
            continue;
        if (k->kind != DP_NODE_SCALAR) {
            err(L, k->pos, "keys in %s must be plain names, not %s", where, dp_node_kind_name(k));
            continue;
        }
        size_t i = 0;
        while (i < nt && strcmp(t[i].key, k->text) != 0)
            i++;
        if (i == nt) {
            const char *near = dp_suggest(k->text, names, nt);
            if (near) {
                err(L, k->pos, "unknown key '%s' in %s (did you mean '%s'?)",
                    clip(k->text, cb), where, near);
            } else {
                char list[512];
                key_list(t, list, sizeof list);
                err(L, k->pos, "unknown key '%s' in %s (expected one of: %s)",
                    clip(k->text, cb), where, list);
            }
            continue;
        }
        if (f.key[i]) {
            char full[PATHBUF], at[PATHBUF];
            join(full, path, t[i].key);
            first_at(f.key[i]->pos, k->pos, at);
            err(L, k->pos, "'%s' is given twice (first at %s)", full, at);
            continue;
        }
        f.key[i] = k;
        f.val[i] = v;
    }
    for (size_t i = 0; i < nt; i++) {
        char full[PATHBUF];
        join(full, path, t[i].key);
        if (f.val[i]) {
            if (t[i].fn)
                t[i].fn(L, &t[i], f.val[i], obj, full);
        } else if (t[i].required) {
            if (*path)
                err(L, map->pos, "%s: missing '%s' (%s)", path, t[i].key, t[i].help);
            else
                err(L, map->pos, "missing '%s' (%s)", t[i].key, t[i].help);
        }
    }
    if (mspec->finish)
        mspec->finish(L, map, obj, path, &f);
}

/* ---- handlers ---- */

#define FIELD(obj, off, type) ((type *)(void *)((char *)(obj) + (off)))

static void h_param(loader *L, const key_spec *k, const dp_node *v, void *obj, const char *path)
{
    *FIELD(obj, k->off, int) = add_param(L, path, v, k->dom);
}

static void h_map(loader *L, const key_spec *k, const dp_node *v, void *obj, const char *path)
{
    char what[PATHBUF];
    snprintf(what, sizeof what, "a mapping (%s)", k->help);
    if (want_kind(L, v, DP_NODE_MAP, path, what))
        walk(L, v, k->sub, obj, path);
}

/* Item objects of the lists. */
typedef struct wd_item {
    dp_withdrawal w;
    int fraction, size, below;
} wd_item;

typedef union item_buf {
    dp_phase phase;
    dp_reinforcement reinf;
    wd_item wd;
    dp_observation obs;
} item_buf;

static void h_list(loader *L, const key_spec *k, const dp_node *v, void *obj, const char *path)
{
    (void)obj;
    const list_spec *ls = k->sub;
    char what[PATHBUF];
    snprintf(what, sizeof what, "a list (%s)", k->help);
    if (!want_kind(L, v, DP_NODE_SEQ, path, what))
        return;
    for (size_t i = 0; i < v->n && !L->oom; i++) {
        char ipath[PATHBUF];
        snprintf(ipath, sizeof ipath, "%s.%zu", path, i);
        const dp_node *it = v->kid[i];
        if (!want_kind(L, it, DP_NODE_MAP, ipath, "a mapping"))
            continue;
        item_buf buf;
        memset(&buf, 0, sizeof buf);
        ls->init(&buf);
        walk(L, it, ls->item, &buf, ipath);
    }
}

static void h_name(loader *L, const key_spec *k, const dp_node *v, void *obj, const char *path)
{
    (void)k, (void)obj;
    if (!want_scalar(L, v, path, "text"))
        return;
    if (v->len == 0) {
        err(L, v->pos, "%s: must not be empty", path);
        return;
    }
    free(L->s->name);
    L->s->name = dup_str(L, v->text);
}

static void h_start(loader *L, const key_spec *k, const dp_node *v, void *obj, const char *path)
{
    (void)k, (void)obj;
    if (!want_scalar(L, v, path, "a date YYYY-MM-DD"))
        return;
    char cb[CLIP + 4];
    if (dp_date_parse(v->text, v->len, &L->s->start)) {
        L->have_start = true;
    } else if (dp_date_like(v->text, v->len)) {
        err(L, v->pos, "%s: %s is not a date that exists", path, clip(v->text, cb));
    } else {
        err(L, v->pos, "%s: expected a date YYYY-MM-DD, got '%s'", path, clip(v->text, cb));
    }
}

static void h_horizon(loader *L, const key_spec *k, const dp_node *v, void *obj,
                      const char *path)
{
    (void)k, (void)obj;
    const char *what = "a whole number of days from 1 to 36500";
    uint64_t u;
    char cb[CLIP + 4];
    if (!want_scalar(L, v, path, what))
        return;
    if (!parse_whole(v->text, &u) || u < 1 || u > 36500)
        err(L, v->pos, "%s: expected %s, got '%s'", path, what, clip(v->text, cb));
    else
        L->s->horizon = (int)u;
}

static void h_trajectories(loader *L, const key_spec *k, const dp_node *v, void *obj,
                           const char *path)
{
    (void)k, (void)obj;
    const char *what = "a whole number >= 1";
    uint64_t u;
    char cb[CLIP + 4];
    if (!want_scalar(L, v, path, what))
        return;
    if (!parse_whole(v->text, &u) || u < 1)
        err(L, v->pos, "%s: expected %s, got '%s'", path, what, clip(v->text, cb));
    else
        L->s->trajectories = u;
}

static void h_seed(loader *L, const key_spec *k, const dp_node *v, void *obj, const char *path)
{
    (void)k, (void)obj;
    const char *what = "a whole number from 0 to 18446744073709551615";
    uint64_t u;
    char cb[CLIP + 4];
    if (!want_scalar(L, v, path, what))
        return;
    if (!parse_whole(v->text, &u))
        err(L, v->pos, "%s: expected %s, got '%s'", path, what, clip(v->text, cb));
    else
        L->s->seed = u;
}

static void h_delay(loader *L, const key_spec *k, const dp_node *v, void *obj, const char *path)
{
    (void)obj;
    dp_scenario *s = L->s;
    if (parse_dist(L, path, v, k->dom, &s->rtd_delay, &s->rtd_delay_outside)) {
        s->has_rtd_delay = true;
        s->rtd_delay_pos = v->pos;
        s->rtd_delay_pos.text = NULL;
    }
}

static void free_levels(dp_levels *lv)
{
    for (size_t i = 0; i < lv->n; i++)
        free(lv->text[i]);
    free(lv->text);
    free(lv->x);
    *lv = (dp_levels){0};
}

/* thresholds.strength / .casualties: a list of numbers >= 0 (or 50%). */
static void h_levels(loader *L, const key_spec *k, const dp_node *v, void *obj,
                     const char *path)
{
    dp_levels *lv = FIELD(obj, k->off, dp_levels);
    char what[PATHBUF + 64];
    snprintf(what, sizeof what, "a list of fractions of the initial strength, e.g. [%s]",
             strcmp(k->key, "strength") == 0 ? "0.5, 0" : "1.0");
    if (!want_kind(L, v, DP_NODE_SEQ, path, what))
        return;
    free_levels(lv);
    if (v->n == 0)
        return;
    lv->x = calloc(v->n, sizeof *lv->x);
    lv->text = calloc(v->n, sizeof *lv->text);
    if (!lv->x || !lv->text) {
        nomem(L);
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const dp_node *it = v->kid[i];
        char ipath[PATHBUF], cb[CLIP + 4];
        snprintf(ipath, sizeof ipath, "%s.%zu", path, i);
        double x;
        if (!want_scalar(L, it, ipath, "a number >= 0"))
            continue;
        if (!parse_number(it->text, true, &x) || x < 0) {
            err(L, it->pos, "%s: expected a number >= 0 (a fraction of the initial strength), got '%s'",
                ipath, clip(it->text, cb));
            continue;
        }
        for (size_t j = 0; j < lv->n; j++)
            if (lv->x[j] == x)
                warn(L, it->pos, "%s: the level %s is listed twice", path, clip(it->text, cb));
        char *t = dup_str(L, it->text);
        if (!t)
            return;
        lv->x[lv->n] = x;
        lv->text[lv->n] = t;
        lv->n++;
    }
}

static void h_percentiles(loader *L, const key_spec *k, const dp_node *v, void *obj,
                          const char *path)
{
    (void)k, (void)obj;
    dp_scenario *s = L->s;
    if (!want_kind(L, v, DP_NODE_SEQ, path, "a list of percentiles, e.g. [5, 50, 95]"))
        return;
    if (v->n == 0) {
        err(L, v->pos, "%s: expected at least one percentile", path);
        return;
    }
    double *p = calloc(v->n, sizeof *p);
    if (!p) {
        nomem(L);
        return;
    }
    free(s->percentiles);
    s->percentiles = p;
    s->n_percentiles = 0;
    for (size_t i = 0; i < v->n; i++) {
        const dp_node *it = v->kid[i];
        char ipath[PATHBUF], cb[CLIP + 4];
        snprintf(ipath, sizeof ipath, "%s.%zu", path, i);
        double x;
        if (!want_scalar(L, it, ipath, "a number strictly between 0 and 100"))
            continue;
        if (!parse_number(it->text, false, &x) || !(x > 0 && x < 100)) {
            err(L, it->pos, "%s: expected a number strictly between 0 and 100, got '%s'",
                ipath, clip(it->text, cb));
            continue;
        }
        for (size_t j = 0; j < s->n_percentiles; j++)
            if (p[j] == x)
                warn(L, it->pos, "%s: the percentile %s is listed twice", path,
                     clip(it->text, cb));
        p[s->n_percentiles++] = x;
    }
}

static void h_confidence(loader *L, const key_spec *k, const dp_node *v, void *obj,
                         const char *path)
{
    (void)k, (void)obj;
    const char *what = "a number strictly between 0 and 1";
    double x;
    char cb[CLIP + 4];
    if (!want_scalar(L, v, path, what))
        return;
    if (!parse_number(v->text, true, &x) || !(x > 0 && x < 1))
        err(L, v->pos, "%s: expected %s, got '%s'", path, what, clip(v->text, cb));
    else
        L->s->confidence = x;
}

/* An observation's day: a date or a whole day number, fixed. */
static void h_obs_day(loader *L, const key_spec *k, const dp_node *v, void *obj,
                      const char *path)
{
    (void)k;
    dp_observation *o = obj;
    const char *what = "a date YYYY-MM-DD or a whole day number";
    char cb[CLIP + 4];
    if (!want_scalar(L, v, path, what))
        return;
    if (dp_date_like(v->text, v->len)) {
        int64_t e;
        if (!dp_date_parse(v->text, v->len, &e))
            err(L, v->pos, "%s: %s is not a date that exists", path, clip(v->text, cb));
        else if (L->have_start)
            o->day = e - L->s->start + 1;
        /* else: start is wrong or missing, reported already */
        return;
    }
    const char *t = v->text;
    bool neg = *t == '-';
    uint64_t u;
    if (!parse_whole(neg ? t + 1 : t, &u) || u > 1000000000)
        err(L, v->pos, "%s: expected %s, got '%s'", path, what, clip(v->text, cb));
    else
        o->day = neg ? -(int64_t)u : (int64_t)u;
}

static void h_obs_count(loader *L, const key_spec *k, const dp_node *v, void *obj,
                        const char *path)
{
    double x;
    char cb[CLIP + 4];
    if (!want_scalar(L, v, path, "a number >= 0"))
        return;
    if (!parse_number(v->text, false, &x) || x < 0)
        err(L, v->pos, "%s: expected a number >= 0, got '%s'", path, clip(v->text, cb));
    else
        *FIELD(obj, k->off, double) = x;
}

static void h_obs_error(loader *L, const key_spec *k, const dp_node *v, void *obj,
                        const char *path)
{
    double x;
    char cb[CLIP + 4];
    const char *what = "a number > 0 (the log-scale standard deviation of the report)";
    if (!want_scalar(L, v, path, what))
        return;
    if (!parse_number(v->text, false, &x) || !(x > 0))
        err(L, v->pos, "%s: expected %s, got '%s'", path, what, clip(v->text, cb));
    else
        *FIELD(obj, k->off, double) = x;
}

/* correlations: a list of [path, path, r]. Runs after every parameter
 * exists (the last key of the root table). */
static int corr_param(loader *L, const dp_node *n, const char *ipath)
{
    dp_scenario *s = L->s;
    char cb[CLIP + 4];
    if (!want_scalar(L, n, ipath, "a parameter path such as force.initial"))
        return DP_NONE;
    int i = dp_scenario_param(s, n->text);
    if (i != DP_NONE)
        return i;
    if (strcmp(n->text, "return_to_duty.delay") == 0) {
        err(L, n->pos, "%s: return_to_duty.delay is drawn for each returning soldier, "
            "not once per trajectory: it cannot be correlated", ipath);
        return DP_NONE;
    }
    const char **names = malloc((s->n_params ? s->n_params : 1) * sizeof *names);
    if (!names) {
        nomem(L);
        return DP_NONE;
    }
    for (size_t j = 0; j < s->n_params; j++)
        names[j] = s->params[j].path;
    const char *near = dp_suggest(n->text, names, s->n_params);
    if (near)
        err(L, n->pos, "%s: '%s' is not a parameter of this scenario (did you mean '%s'?)",
            ipath, clip(n->text, cb), near);
    else
        err(L, n->pos, "%s: '%s' is not a parameter of this scenario", ipath,
            clip(n->text, cb));
    free(names);
    return DP_NONE;
}

/* SPEC 2.4: the normal correlation matrix of the params drawn through the
 * copula (params.c: both ends of a correlation drawn, not fixed) must be
 * positive definite, as its Cholesky factorisation tells. */
static bool corr_drawn(const dp_scenario *s, int i)
{
    const dp_dist *d = &s->params[i].dist;
    return d->type && !dp_dist_is_fixed(d);
}

static bool corr_used(const dp_scenario *s, const dp_correlation *c)
{
    return corr_drawn(s, c->a) && corr_drawn(s, c->b);
}

/* Gives the params with keep[i] their places at[i] (else -1); how many. */
static size_t corr_places(const dp_scenario *s, const bool *keep, int *at)
{
    size_t m = 0;
    for (size_t i = 0; i < s->n_params; i++)
        at[i] = keep[i] ? (int)m++ : -1;
    return m;
}

/* 1 when the matrix over the params placed by at (m of them) is positive
 * definite, 0 when not, -1 when out of memory. */
static int corr_pd(const dp_scenario *s, const int *at, size_t m)
{
    gsl_matrix *x = gsl_matrix_alloc(m, m);
    if (!x)
        return -1;
    gsl_matrix_set_identity(x);
    for (size_t j = 0; j < s->n_correlations; j++) {
        const dp_correlation *c = &s->correlations[j];
        if (!corr_used(s, c) || at[c->a] < 0 || at[c->b] < 0)
            continue;
        double rho = dp_copula_rho(c->r);
        gsl_matrix_set(x, (size_t)at[c->a], (size_t)at[c->b], rho);
        gsl_matrix_set(x, (size_t)at[c->b], (size_t)at[c->a], rho);
    }
    int ok = gsl_linalg_cholesky_decomp1(x) == GSL_SUCCESS;
    gsl_matrix_free(x);
    return ok;
}

/* The group of params keep[] marks fails: narrows it to a set whose matrix
 * still fails but passes without any one of its params, and reports the
 * pairs among them at the first one written. */
static void corr_report(loader *L, bool *keep, int *at, const char *path)
{
    const dp_scenario *s = L->s;
    for (size_t i = 0; i < s->n_params; i++) {
        if (!keep[i])
            continue;
        keep[i] = false;
        int rc = corr_pd(s, at, corr_places(s, keep, at));
        if (rc < 0) {
            nomem(L);
            return;
        }
        keep[i] = rc == 1;   /* needed for the failure */
    }
    corr_places(s, keep, at);
    char msg[1024], where[PATHBUF];
    size_t len = 0;
    const dp_correlation *first = NULL;
    bool unit = false;
    len += (size_t)snprintf(msg, sizeof msg,
                            "%s: the matrix is not positive definite; check the pairs", path);
    for (size_t j = 0; j < s->n_correlations && len < sizeof msg; j++) {
        const dp_correlation *c = &s->correlations[j];
        if (!corr_used(s, c) || at[c->a] < 0 || at[c->b] < 0 || c->r == 0)
            continue;
        where[0] = '\0';
        if (first)
            first_at(c->pos, first->pos, where);
        else
            first = c;
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s [%s, %s, %g]%s%s%s",
                                c == first ? "" : ",", s->params[c->a].path,
                                s->params[c->b].path, c->r, *where ? " (" : "", where,
                                *where ? ")" : "");
        unit = unit || fabs(c->r) == 1;
    }
    if (!first)
        return;   /* cannot happen: a failing matrix has a pair */
    if (unit && len < sizeof msg)
        snprintf(msg + len, sizeof msg - len,
                 "; r = 1 or -1 makes the matrix singular (use e.g. 0.999)");
    err(L, first->pos, "%s", msg);
}

/* Each group of params linked by correlations is checked on its own, so that
 * every broken group is reported, in the order of their first pairs. */
static void corr_check(loader *L, const char *path)
{
    const dp_scenario *s = L->s;
    size_t n = s->n_params;
    int *group = malloc((n ? n : 1) * sizeof *group);
    int *at = malloc((n ? n : 1) * sizeof *at);
    bool *keep = malloc((n ? n : 1) * sizeof *keep);
    bool *done = calloc(n ? n : 1, sizeof *done);
    if (!group || !at || !keep || !done) {
        nomem(L);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        group[i] = (int)i;
    for (size_t j = 0; j < s->n_correlations; j++) {
        const dp_correlation *c = &s->correlations[j];
        int ga = group[c->a], gb = group[c->b];
        if (!corr_used(s, c) || ga == gb)
            continue;
        for (size_t i = 0; i < n; i++)
            if (group[i] == gb)
                group[i] = ga;
    }
    for (size_t j = 0; j < s->n_correlations && !L->oom; j++) {
        const dp_correlation *c = &s->correlations[j];
        int g = group[c->a];
        if (!corr_used(s, c) || done[g])
            continue;
        done[g] = true;
        for (size_t i = 0; i < n; i++)
            keep[i] = group[i] == g;
        int rc = corr_pd(s, at, corr_places(s, keep, at));
        if (rc < 0)
            nomem(L);
        else if (rc == 0)
            corr_report(L, keep, at, path);
    }
out:
    free(group);
    free(at);
    free(keep);
    free(done);
}

static void h_correlations(loader *L, const key_spec *k, const dp_node *v, void *obj,
                           const char *path)
{
    (void)k, (void)obj;
    dp_scenario *s = L->s;
    if (!want_kind(L, v, DP_NODE_SEQ, path,
                   "a list of [path, path, r], e.g. - [force.initial, casualties.per_day, 0.4]"))
        return;
    for (size_t i = 0; i < v->n; i++) {
        const dp_node *it = v->kid[i];
        char ipath[PATHBUF], cb[CLIP + 4];
        snprintf(ipath, sizeof ipath, "%s.%zu", path, i);
        if (!want_kind(L, it, DP_NODE_SEQ, ipath, "[path, path, r]"))
            continue;
        if (it->n != 3) {
            err(L, it->pos, "%s: expected [path, path, r] (3 elements), got %zu element%s",
                ipath, it->n, it->n == 1 ? "" : "s");
            continue;
        }
        int a = corr_param(L, it->kid[0], ipath);
        int b = corr_param(L, it->kid[1], ipath);
        const dp_node *rn = it->kid[2];
        double r = NAN;
        if (want_scalar(L, rn, ipath, "a correlation r from -1 to 1")
            && (!parse_number(rn->text, false, &r) || !(r >= -1 && r <= 1))) {
            err(L, rn->pos, "%s: expected a correlation r from -1 to 1, got '%s'", ipath,
                clip(rn->text, cb));
            r = NAN;
        }
        if (a == DP_NONE || b == DP_NONE || isnan(r))
            continue;
        if (a == b) {
            err(L, it->kid[1]->pos, "%s: %s cannot be correlated with itself", ipath,
                s->params[a].path);
            continue;
        }
        bool twice = false;
        for (size_t j = 0; j < s->n_correlations; j++) {
            const dp_correlation *c = &s->correlations[j];
            if ((c->a == a && c->b == b) || (c->a == b && c->b == a)) {
                char at[PATHBUF];
                first_at(c->pos, it->pos, at);
                err(L, it->pos, "%s: the pair %s, %s is given twice (first at %s)", ipath,
                    s->params[a].path, s->params[b].path, at);
                twice = true;
                break;
            }
        }
        if (twice)
            continue;
        for (int side = 0; side < 2; side++) {
            const dp_param *p = &s->params[side ? b : a];
            if (p->dist.type && dp_dist_is_fixed(&p->dist))
                warn(L, it->kid[side]->pos, "%s: %s is a fixed value: the correlation has no effect",
                     ipath, p->path);
        }
        if (!grow(L, &s->correlations, s->n_correlations, &L->cap_corr,
                  sizeof *s->correlations))
            return;
        dp_pos pos = it->pos;
        pos.text = NULL;
        s->correlations[s->n_correlations++] = (dp_correlation){a, b, r, pos};
    }
    if (s->n_correlations)
        corr_check(L, path);
}

/* ---- finishers: cross-field checks, defaults, list items ---- */

/* True when a was written after b: later in the file, or in a --set. */
static bool is_later(const dp_node *a, const dp_node *b)
{
    if ((a->pos.text != NULL) != (b->pos.text != NULL))
        return a->pos.text != NULL;
    return a->pos.line > b->pos.line || (a->pos.line == b->pos.line && a->pos.col > b->pos.col);
}

/* The key node walk() found for key, or NULL. */
static const dp_node *fkey(const found *f, const char *key)
{
    for (size_t i = 0; f->keys[i].key; i++)
        if (strcmp(f->keys[i].key, key) == 0)
            return f->key[i];
    return NULL;
}

static void casualties_finish(loader *L, const dp_node *map, void *obj, const char *path,
                              const found *f)
{
    (void)obj;
    dp_scenario *s = L->s;
    const dp_node *per_day = fkey(f, "per_day");
    const dp_node *rate = fkey(f, "rate");
    if (per_day && rate) {
        const dp_node *later = is_later(rate, per_day) ? rate : per_day;
        err(L, later->pos, "%s: give either per_day (losses a day) or rate (a fraction "
            "of the force a day), not both", path);
    } else if (!per_day && !rate) {
        err(L, map->pos, "%s: missing 'per_day' (losses a day) or 'rate' (a fraction of "
            "the force a day)", path);
    }
    s->proportional = rate && !per_day;
    if (s->wounded_per_killed == DP_NONE)
        s->wounded_per_killed = add_fixed(L, "casualties.wounded_per_killed", map->pos,
                                          D_NONNEG, 3);
}

static void phase_init(void *obj)
{
    dp_phase *p = obj;
    p->from = p->intensity = DP_NONE;
}

static void phase_finish(loader *L, const dp_node *map, void *obj, const char *path,
                         const found *f)
{
    (void)map, (void)path, (void)f;
    dp_scenario *s = L->s;
    if (grow(L, &s->phases, s->n_phases, &L->cap_phases, sizeof *s->phases))
        s->phases[s->n_phases++] = *(dp_phase *)obj;
}

static void reinf_init(void *obj)
{
    dp_reinforcement *r = obj;
    r->day = r->size = r->chance = DP_NONE;
}

static void reinf_finish(loader *L, const dp_node *map, void *obj, const char *path,
                         const found *f)
{
    (void)f;
    dp_scenario *s = L->s;
    dp_reinforcement *r = obj;
    if (r->chance == DP_NONE) {
        char p[PATHBUF];
        join(p, path, "chance");
        r->chance = add_fixed(L, p, map->pos, D_PROB, 1);
    }
    if (grow(L, &s->reinforcements, s->n_reinforcements, &L->cap_reinf,
             sizeof *s->reinforcements))
        s->reinforcements[s->n_reinforcements++] = *r;
}

static void wd_init(void *obj)
{
    wd_item *w = obj;
    w->w.day = w->w.amount = w->w.chance = DP_NONE;
    w->fraction = w->size = w->below = DP_NONE;
}

static void wd_finish(loader *L, const dp_node *map, void *obj, const char *path,
                      const found *f)
{
    dp_scenario *s = L->s;
    wd_item *w = obj;
    const dp_node *kbelow = fkey(f, "below");
    if (kbelow) {
        /* the rule: `below` alone */
        static const char *const others[] = {"day", "fraction", "size", "chance"};
        for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
            const dp_node *k = fkey(f, others[i]);
            if (k)
                err(L, k->pos, "%s: a withdrawal rule (below) stands alone: '%s' belongs "
                    "to a scheduled withdrawal (day and fraction or size), write it as "
                    "another item", path, others[i]);
        }
        if (L->below_node) {
            err(L, kbelow->pos, "%s: only one withdrawal rule (below) is allowed; "
                "the first is %s", path, L->below_path);
            return;
        }
        L->below_node = kbelow;
        snprintf(L->below_path, sizeof L->below_path, "%s", path);
        s->below = w->below;
        return;
    }
    const dp_node *kfrac = fkey(f, "fraction");
    const dp_node *ksize = fkey(f, "size");
    if (!fkey(f, "day"))
        err(L, map->pos, "%s: missing 'day' (the day of a scheduled withdrawal), or "
            "'below' alone for the withdrawal rule", path);
    if (kfrac && ksize) {
        const dp_node *later = is_later(ksize, kfrac) ? ksize : kfrac;
        err(L, later->pos, "%s: give either fraction (of the active force) or size "
            "(soldiers), not both", path);
    } else if (!kfrac && !ksize) {
        err(L, map->pos, "%s: missing 'fraction' (of the active force) or 'size' "
            "(soldiers)", path);
    }
    w->w.is_fraction = kfrac != NULL;
    w->w.amount = kfrac ? w->fraction : w->size;
    if (w->w.chance == DP_NONE) {
        char p[PATHBUF];
        join(p, path, "chance");
        w->w.chance = add_fixed(L, p, map->pos, D_PROB, 1);
    }
    if (grow(L, &s->withdrawals, s->n_withdrawals, &L->cap_wd,
             sizeof *s->withdrawals))
        s->withdrawals[s->n_withdrawals++] = w->w;
}

static void obs_init(void *obj)
{
    dp_observation *o = obj;
    o->day = INT64_MIN;
    o->killed = o->wounded = o->casualties = o->strength = NAN;
    o->error = 0.5;
}

static void obs_finish(loader *L, const dp_node *map, void *obj, const char *path,
                       const found *f)
{
    dp_scenario *s = L->s;
    dp_observation *o = obj;
    static const char *const figures[] = {"killed", "wounded", "casualties", "strength"};
    bool any = false;
    for (size_t i = 0; i < sizeof figures / sizeof *figures; i++)
        any = any || fkey(f, figures[i]);
    if (!any)
        err(L, map->pos, "%s: give at least one reported figure: killed, wounded, "
            "casualties or strength", path);
    o->pos = map->pos;
    o->pos.text = NULL;
    if (grow(L, &s->observations, s->n_observations, &L->cap_obs,
             sizeof *s->observations))
        s->observations[s->n_observations++] = *o;
}

static void root_finish(loader *L, const dp_node *map, void *obj, const char *path,
                        const found *f)
{
    (void)map, (void)obj, (void)path, (void)f;
    dp_scenario *s = L->s;
    for (size_t i = 0; i < s->n_observations; i++) {
        const dp_observation *o = &s->observations[i];
        if (o->day == INT64_MIN || (o->day >= 1 && o->day <= s->horizon))
            continue;
        char date[11] = "";
        if (L->have_start && o->day > -3000000 && o->day < 3000000)
            dp_date_format(s->start + o->day - 1, date);
        warn(L, o->pos, "observations.%zu: day %" PRId64 "%s%s%s lies outside the horizon "
             "(days 1 to %d): it is ignored", i, o->day, *date ? " (" : "", date,
             *date ? ")" : "", s->horizon);
    }
}

/* ---- the schema ---- */

#define S(field) offsetof(dp_scenario, field)

static const key_spec force_keys[] = {
    {"initial", h_param, S(initial), D_COUNT, NULL, true, "the initial strength, soldiers"},
    {0},
};
static const map_spec force_map = {force_keys, NULL};

static const key_spec casualty_keys[] = {
    {"per_day", h_param, S(casualty), D_NONNEG, NULL, false, "combat casualties a day"},
    {"rate", h_param, S(casualty), D_PROB, NULL, false,
     "combat casualties a day as a fraction of the active force"},
    {"dispersion", h_param, S(dispersion), D_POS, NULL, false,
     "negative binomial shape k; omit for Poisson"},
    {"wounded_per_killed", h_param, S(wounded_per_killed), D_NONNEG, NULL, false,
     "wounded for each killed (default 3)"},
    {0},
};
static const map_spec casualty_map = {casualty_keys, casualties_finish};

static const key_spec non_battle_keys[] = {
    {"per_day", h_param, S(non_battle), D_NONNEG, NULL, true,
     "losses a day to desertion, disease, accidents"},
    {0},
};
static const map_spec non_battle_map = {non_battle_keys, NULL};

static const key_spec rtd_keys[] = {
    {"fraction", h_param, S(rtd_fraction), D_PROB, NULL, true,
     "the fraction of the wounded who return to duty"},
    {"delay", h_delay, 0, D_NONNEG, NULL, true,
     "days until a wounded soldier returns, drawn for each soldier"},
    {0},
};
static const map_spec rtd_map = {rtd_keys, NULL};

#define PH(field) offsetof(dp_phase, field)
static const key_spec phase_keys[] = {
    {"from", h_param, PH(from), D_DAY, NULL, true, "the day or date the phase starts"},
    {"intensity", h_param, PH(intensity), D_NONNEG, NULL, true,
     "the multiplier of the casualty rate from that day"},
    {0},
};
static const map_spec phase_map = {phase_keys, phase_finish};
static const list_spec phase_list = {&phase_map, phase_init};

#define RF(field) offsetof(dp_reinforcement, field)
static const key_spec reinf_keys[] = {
    {"day", h_param, RF(day), D_DAY, NULL, true, "the day or date they arrive"},
    {"size", h_param, RF(size), D_COUNT, NULL, true, "how many soldiers"},
    {"chance", h_param, RF(chance), D_PROB, NULL, false,
     "the probability it happens at all (default 1)"},
    {0},
};
static const map_spec reinf_map = {reinf_keys, reinf_finish};
static const list_spec reinf_list = {&reinf_map, reinf_init};

#define WD(field) offsetof(wd_item, field)
static const key_spec withdrawal_keys[] = {
    {"day", h_param, WD(w.day), D_DAY, NULL, false, "the day or date of the withdrawal"},
    {"fraction", h_param, WD(fraction), D_PROB, NULL, false,
     "the fraction of the active force withdrawn"},
    {"size", h_param, WD(size), D_COUNT, NULL, false, "how many soldiers are withdrawn"},
    {"chance", h_param, WD(w.chance), D_PROB, NULL, false,
     "the probability it happens at all (default 1)"},
    {"below", h_param, WD(below), D_PROB, NULL, false,
     "the rule: pull the whole force out at this fraction of the initial strength"},
    {0},
};
static const map_spec withdrawal_map = {withdrawal_keys, wd_finish};
static const list_spec withdrawal_list = {&withdrawal_map, wd_init};

#define TH(field) offsetof(dp_scenario, field)
static const key_spec threshold_keys[] = {
    {"strength", h_levels, TH(strength), 0, NULL, false,
     "depleted when the active force is at most these fractions of the initial strength"},
    {"casualties", h_levels, TH(casualties), 0, NULL, false,
     "depleted when killed + wounded reach these fractions of the initial strength"},
    {0},
};
static const map_spec threshold_map = {threshold_keys, NULL};

static const key_spec report_keys[] = {
    {"percentiles", h_percentiles, 0, 0, NULL, false, "the percentiles reported"},
    {"confidence", h_confidence, 0, 0, NULL, false, "the level of the confidence intervals"},
    {0},
};
static const map_spec report_map = {report_keys, NULL};

#define OB(field) offsetof(dp_observation, field)
static const key_spec observation_keys[] = {
    {"day", h_obs_day, 0, 0, NULL, true, "the date of the report"},
    {"killed", h_obs_count, OB(killed), 0, NULL, false, "cumulative killed reported"},
    {"wounded", h_obs_count, OB(wounded), 0, NULL, false, "cumulative wounded reported"},
    {"casualties", h_obs_count, OB(casualties), 0, NULL, false,
     "cumulative killed + wounded reported"},
    {"strength", h_obs_count, OB(strength), 0, NULL, false, "active strength reported"},
    {"error", h_obs_error, OB(error), 0, NULL, false,
     "log-scale standard deviation of the report (default 0.5)"},
    {0},
};
static const map_spec observation_map = {observation_keys, obs_finish};
static const list_spec observation_list = {&observation_map, obs_init};

/* Table order is the order of the walk: start before any day field,
 * correlations after every parameter. */
static const key_spec root_keys[] = {
    {"name", h_name, 0, 0, NULL, false, "the scenario's name in the output"},
    {"start", h_start, 0, 0, NULL, true, "the date of day 1, YYYY-MM-DD"},
    {"horizon", h_horizon, 0, 0, NULL, false, "days simulated, default 365"},
    {"trajectories", h_trajectories, 0, 0, NULL, false, "default 1000000"},
    {"seed", h_seed, 0, 0, NULL, false, "the random seed"},
    {"force", h_map, 0, 0, &force_map, true, "initial: the initial strength"},
    {"casualties", h_map, 0, 0, &casualty_map, true, "per_day: or rate:"},
    {"non_battle", h_map, 0, 0, &non_battle_map, false, "per_day:"},
    {"return_to_duty", h_map, 0, 0, &rtd_map, false, "fraction: and delay:"},
    {"phases", h_list, 0, 0, &phase_list, false, "items of from: and intensity:"},
    {"reinforcements", h_list, 0, 0, &reinf_list, false, "items of day:, size:, chance:"},
    {"withdrawals", h_list, 0, 0, &withdrawal_list, false,
     "items of day:, fraction: or size:, chance:; or one item below:"},
    {"thresholds", h_map, 0, 0, &threshold_map, false, "strength: and casualties: lists"},
    {"report", h_map, 0, 0, &report_map, false, "percentiles: and confidence:"},
    {"observations", h_list, 0, 0, &observation_list, false,
     "items of day: and killed:, wounded:, casualties:, strength:, error:"},
    {"correlations", h_correlations, 0, 0, NULL, false, "items [path, path, r]"},
    {0},
};
static const map_spec root_map = {root_keys, root_finish};

/* ---- the loader ---- */

static const double default_percentiles[] = {5, 10, 25, 50, 75, 90, 95};

/* The file name without folder and extension. */
static char *name_from_file(loader *L, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    const char *dot = strrchr(b, '.');
    if (dot && dot != b)
        n = (size_t)(dot - b);
    char *s = malloc(n + 1);
    if (!s) {
        nomem(L);
        return NULL;
    }
    memcpy(s, b, n);
    s[n] = '\0';
    return s;
}

static bool set_defaults(loader *L, const char *path)
{
    dp_scenario *s = L->s;
    s->file = dup_str(L, path);
    s->horizon = DP_DEFAULT_HORIZON;
    s->trajectories = DP_DEFAULT_TRAJECTORIES;
    s->seed = DP_DEFAULT_SEED;
    s->initial = s->casualty = s->dispersion = s->wounded_per_killed = DP_NONE;
    s->non_battle = s->rtd_fraction = s->below = DP_NONE;
    s->confidence = 0.95;
    size_t np = sizeof default_percentiles / sizeof *default_percentiles;
    s->percentiles = malloc(sizeof default_percentiles);
    s->strength.x = malloc(sizeof *s->strength.x);
    s->strength.text = malloc(sizeof *s->strength.text);
    char *zero = dup_str(L, "0");
    if (!s->file || !s->percentiles || !s->strength.x || !s->strength.text || !zero) {
        free(zero);
        nomem(L);
        return false;
    }
    memcpy(s->percentiles, default_percentiles, sizeof default_percentiles);
    s->n_percentiles = np;
    s->strength.x[0] = 0;
    s->strength.text[0] = zero;
    s->strength.n = 1;
    return true;
}

dp_scenario *dp_scenario_load(const char *path, const char *const *sets, size_t n_sets,
                              dp_diags *dg)
{
    size_t errors0 = dg->errors;
    dp_scenario *s = calloc(1, sizeof *s);
    if (!s) {
        dp_diag_add(dg, DP_ERROR, (dp_pos){path, 0, 0, NULL}, "out of memory");
        return NULL;
    }
    loader L = {.s = s, .dg = dg};
    if (!set_defaults(&L, path)) {
        dp_scenario_free(s);
        return NULL;
    }
    dp_node *root = dp_tree_load_file(s->file, dg, &L.oom);
    for (size_t i = 0; i < n_sets && !L.oom; i++)
        dp_tree_set(root, sets[i], dg, &L.oom);
    if (root && !L.oom) {
        walk(&L, root, &root_map, s, "");
        if (!s->name)
            s->name = name_from_file(&L, s->file);
    }
    dp_node_free(root);
    if (dg->errors > errors0 || L.oom) {
        dp_scenario_free(s);
        return NULL;
    }
    return s;
}

void dp_scenario_free(dp_scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_params; i++)
        dp_dist_free(&s->params[i].dist);
    free(s->params);
    dp_dist_free(&s->rtd_delay);
    free(s->phases);
    free(s->reinforcements);
    free(s->withdrawals);
    free_levels(&s->strength);
    free_levels(&s->casualties);
    free(s->percentiles);
    free(s->observations);
    free(s->correlations);
    free(s->name);
    free(s->file);
    free(s);
}

int dp_scenario_param(const dp_scenario *s, const char *path)
{
    for (size_t i = 0; i < s->n_params; i++)
        if (strcmp(s->params[i].path, path) == 0)
            return (int)i;
    return DP_NONE;
}
