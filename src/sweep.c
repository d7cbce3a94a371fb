/*
 * sweep.c - `--sweep KEY=V1,V2,...`: splitting the values, numbering the
 * combinations, and the names and --set arguments of each.
 *
 * A value is one YAML flow value, as for --set, so a comma inside
 * `uniform(1, 2)`, `[0.5, 0]`, `{a: 1, b: 2}` or quotes does not split it.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dp_sweep.h"

static int fail(char *err, size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errsize, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsize, fmt, ap);
    va_end(ap);
    return -1;
}

static bool blank(char c) { return c == ' ' || c == '\t'; }

/* [b, e) of s without surrounding blanks, as a new string */
static char *trimmed(const char *s, size_t b, size_t e)
{
    while (b < e && blank(s[b])) b++;
    while (e > b && blank(s[e - 1])) e--;
    char *v = malloc(e - b + 1);
    if (v) {
        memcpy(v, s + b, e - b);
        v[e - b] = '\0';
    }
    return v;
}

/* Ends of the top-level comma-separated pieces of s: ends[k] is the index
 * of the comma (or the terminating NUL) closing piece k. Returns the count,
 * or 0 with a message when the brackets or quotes do not balance. */
static size_t split(const char *s, size_t *ends, char *err, size_t errsize)
{
    char stack[64];
    size_t depth = 0, n = 0;
    char quote = 0;
    for (size_t i = 0;; i++) {
        char c = s[i];
        if (c == '\0') {
            if (quote) { fail(err, errsize, "unclosed %c", quote); return 0; }
            if (depth) { fail(err, errsize, "unclosed '%c'", stack[depth - 1]); return 0; }
            ends[n++] = i;
            return n;
        }
        if (quote) {
            if (c == '\\' && quote == '"' && s[i + 1]) i++;
            else if (c == quote) quote = 0;
            continue;
        }
        switch (c) {
        case '\'': case '"': quote = c; break;
        case '(': case '[': case '{':
            if (depth == sizeof stack) { fail(err, errsize, "brackets nested too deep"); return 0; }
            stack[depth++] = c;
            break;
        case ')': case ']': case '}': {
            char open = c == ')' ? '(' : c == ']' ? '[' : '{';
            if (!depth || stack[depth - 1] != open) {
                fail(err, errsize, "'%c' without a matching '%c'", c, open);
                return 0;
            }
            depth--;
            break;
        }
        case ',':
            if (!depth) ends[n++] = i;
            break;
        default: break;
        }
    }
}

int dp_sweep_parse(const char *arg, dp_sweep *sw, char *err, size_t errsize)
{
    memset(sw, 0, sizeof *sw);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) return fail(err, errsize, "expected KEY=V1,V2,...");
    const char *vals = eq + 1;
    size_t len = strlen(vals);
    size_t *ends = malloc((len + 1) * sizeof *ends);
    if (!ends) return fail(err, errsize, "out of memory");
    size_t n = split(vals, ends, err, errsize);
    if (!n) { free(ends); return -1; }
    sw->key = malloc((size_t)(eq - arg) + 1);
    sw->values = calloc(n, sizeof *sw->values);
    if (!sw->key || !sw->values) goto oom;
    memcpy(sw->key, arg, (size_t)(eq - arg));
    sw->key[eq - arg] = '\0';
    for (size_t k = 0, b = 0; k < n; b = ends[k++] + 1) {
        sw->values[k] = trimmed(vals, b, ends[k]);
        if (!sw->values[k]) goto oom;
        sw->n = k + 1;
        if (!*sw->values[k]) {
            if (n == 1) fail(err, errsize, "no values after '='");
            else fail(err, errsize, "value %zu is empty (write ~ to remove the field)", k + 1);
            goto bad;
        }
        for (size_t j = 0; j < k; j++)
            if (!strcmp(sw->values[j], sw->values[k])) {
                fail(err, errsize, "'%s' is given twice", sw->values[k]);
                goto bad;
            }
    }
    free(ends);
    return 0;
oom:
    fail(err, errsize, "out of memory");
bad:
    free(ends);
    dp_sweep_free(sw);
    return -1;
}

void dp_sweep_free(dp_sweep *sw)
{
    for (size_t k = 0; k < sw->n; k++) free(sw->values[k]);
    free(sw->values);
    free(sw->key);
    memset(sw, 0, sizeof *sw);
}

size_t dp_sweep_count(const dp_sweep *sw, size_t n, size_t max)
{
    size_t c = 1;
    for (size_t i = 0; i < n; i++) {
        if (sw[i].n && c > max / sw[i].n) return 0;
        c *= sw[i].n;
    }
    return c <= max ? c : 0;
}

size_t dp_sweep_pick(const dp_sweep *sw, size_t n, size_t c, size_t i)
{
    for (size_t j = n; j-- > i + 1;) c /= sw[j].n;
    return c % sw[i].n;
}

char *dp_sweep_set(const dp_sweep *sw, size_t n, size_t c, size_t i)
{
    const char *v = sw[i].values[dp_sweep_pick(sw, n, c, i)];
    size_t len = strlen(sw[i].key) + strlen(v) + 2;
    char *s = malloc(len);
    if (s) snprintf(s, len, "%s=%s", sw[i].key, v);
    return s;
}

char *dp_sweep_name(const char *base, const dp_sweep *sw, size_t n, size_t c)
{
    size_t len = strlen(base) + 3;
    for (size_t i = 0; i < n; i++)
        len += strlen(sw[i].key) + strlen(sw[i].values[dp_sweep_pick(sw, n, c, i)]) + 3;
    char *s = malloc(len), *p = s;
    if (!s) return NULL;
    p += sprintf(p, "%s", base);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s%s=%s", i ? ", " : " [", sw[i].key,
                     sw[i].values[dp_sweep_pick(sw, n, c, i)]);
    if (n) sprintf(p, "]");
    return s;
}
