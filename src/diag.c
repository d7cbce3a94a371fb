/*
 * diag.c - the diagnostics list: add, sort by position, print with the
 * source line and a caret (in the manner of jq's src/locfile.c), and
 * "did you mean" by edit distance.
 *
 * Columns are counted in characters (UTF-8 code points), as libyaml counts
 * them; the caret line copies the tabs of the source line so that it stays
 * aligned whatever the tab width.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dp_diag.h"

/* Source lines longer than this (in characters) are shown as a window
 * around the column, so that a 1 MB line does not flood the terminal. */
#define LINE_SHOW 160
#define LINE_BEFORE 60

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void dp_diag_add(dp_diags *d, dp_severity sev, dp_pos pos, const char *fmt, ...)
{
    if (sev == DP_ERROR)
        d->errors++;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        dp_diag *v = realloc(d->v, cap * sizeof *v);
        if (!v) {
            d->oom = true;
            return;
        }
        d->v = v;
        d->cap = cap;
    }
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (msg)
        vsnprintf(msg, (size_t)len + 1, fmt, ap2);
    va_end(ap2);
    char *file = dup_str(pos.file);
    char *text = dup_str(pos.text);
    if (!msg || (pos.file && !file) || (pos.text && !text)) {
        free(msg);
        free(file);
        free(text);
        d->oom = true;
        return;
    }
    d->v[d->n] = (dp_diag){
        .sev = sev, .file = file, .line = pos.line, .col = pos.col,
        .msg = msg, .seq = d->n, .text = text,
    };
    d->n++;
}

static int cmp_diag(const void *pa, const void *pb)
{
    const dp_diag *a = pa, *b = pb;
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void dp_diags_sort(dp_diags *d)
{
    if (d->n > 1)
        qsort(d->v, d->n, sizeof *d->v, cmp_diag);
}

void dp_diags_free(dp_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
        free(d->v[i].text);
    }
    free(d->v);
    *d = (dp_diags){0};
}

dp_read_status dp_read_file(const char *path, char **out, size_t *len, int *err)
{
    *out = NULL;
    *len = 0;
    *err = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = errno;
        return DP_READ_OPEN;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            char *nb = realloc(buf, 2 * cap);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                *err = errno ? errno : EIO;
            break;
        }
    }
    fclose(f);
    if (!buf)
        return DP_READ_NOMEM;
    if (*err) {
        free(buf);
        return DP_READ_IO;
    }
    *out = buf;
    *len = n;
    return DP_READ_OK;
}

/* Finds line `line` (1-based) of buf: start and length without the newline
 * (nor a trailing CR). False when the file has fewer lines. */
static bool find_line(const char *buf, size_t len, int line, const char **start,
                      size_t *n)
{
    if (len == 0)
        return false;
    const char *p = buf, *end = buf + len;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return false;
        p = nl + 1;
    }
    if (p == end)
        return false;   /* the end of the file, after its last newline */
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t m = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (m > 0 && p[m - 1] == '\r')
        m--;
    *start = p;
    *n = m;
    return true;
}

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Bytes in the well-formed UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need = c < 0x80 ? 0 : c >= 0xC2 && c < 0xE0 ? 1 : c >= 0xE0 && c < 0xF0 ? 2
                : c >= 0xF0 && c < 0xF5 ? 3 : 4;
    if (need == 4 || need >= n)
        return need == 0 ? 1 : 0;
    for (size_t k = 1; k <= need; k++)
        if (!is_cont(s[k]))
            return 0;
    return need + 1;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; chars++) {
        size_t len = utf8_len((const unsigned char *)s + i, n - i);
        i += len ? len : 1;
    }
    return chars;
}

/* Prints the source line (or a window of it) and a caret under column col
 * (1-based characters; 0: no caret). Control characters and bytes that are
 * not UTF-8 show as '?'. Returns -1 when a write failed. */
static int print_source(FILE *out, const char *s, size_t n, int col)
{
    size_t nchars = count_chars(s, n);
    size_t c0 = 0, c1 = nchars;          /* characters shown: [c0, c1) */
    size_t target = col > 0 ? (size_t)col - 1 : 0;
    if (nchars > LINE_SHOW) {
        c0 = target > LINE_BEFORE ? target - LINE_BEFORE : 0;
        if (c0 > nchars)
            c0 = nchars;
        c1 = c0 + LINE_SHOW < nchars ? c0 + LINE_SHOW : nchars;
    }
    const char *pre = c0 > 0 ? "..." : "";
    const char *post = c1 < nchars ? "..." : "";
    if (fprintf(out, "    %s", pre) < 0)
        return -1;
    char caret[LINE_SHOW + 8];   /* the caret line keeps the source's tabs */
    size_t nc = 0, ci = 0;
    for (size_t i = 0; i < n; ci++) {
        const unsigned char *c = (const unsigned char *)s + i;
        size_t len = utf8_len(c, n - i);
        bool bad = len == 0 || (*c < 0x20 && *c != '\t') || *c == 0x7f;
        if (len == 0)
            len = 1;
        if (ci >= c0 && ci < c1) {
            if (ci < target && nc < LINE_SHOW)
                caret[nc++] = *c == '\t' ? '\t' : ' ';
            if (bad ? putc('?', out) == EOF : fwrite(c, 1, len, out) != len)
                return -1;
        }
        i += len;
    }
    if (fprintf(out, "%s\n", post) < 0)
        return -1;
    if (col <= 0)
        return 0;
    /* a column past the end of the line: pad up to it */
    for (size_t k = ci > c0 ? ci : c0; k < target && nc < LINE_SHOW; k++)
        caret[nc++] = ' ';
    caret[nc] = '\0';
    if (fprintf(out, "    %*s%s^\n", (int)strlen(pre), "", caret) < 0)
        return -1;
    return 0;
}

int dp_diags_print(FILE *out, const dp_diags *d)
{
    int rc = 0;
    const char *cached = NULL;  /* file name whose contents are in buf */
    char *buf = NULL;
    size_t len = 0;
    for (size_t i = 0; i < d->n; i++) {
        const dp_diag *g = &d->v[i];
        const char *sev = g->sev == DP_ERROR ? "error" : "warning";
        int w;
        if (g->file && g->line > 0 && g->col > 0)
            w = fprintf(out, "%s:%d:%d: %s: %s\n", g->file, g->line, g->col, sev, g->msg);
        else if (g->file && g->line > 0)
            w = fprintf(out, "%s:%d: %s: %s\n", g->file, g->line, sev, g->msg);
        else if (g->file)
            w = fprintf(out, "%s: %s: %s\n", g->file, sev, g->msg);
        else
            w = fprintf(out, "%s: %s\n", sev, g->msg);
        if (w < 0)
            rc = -1;
        if (g->line <= 0)
            continue;
        const char *ls;
        size_t ln;
        if (g->text) {
            /* a source that is not a file (a --set argument): its text */
            if (find_line(g->text, strlen(g->text), g->line, &ls, &ln)
                && print_source(out, ls, ln, g->col) < 0)
                rc = -1;
            continue;
        }
        if (!g->file)
            continue;
        if (!cached || strcmp(cached, g->file) != 0) {
            free(buf);
            int err;
            dp_read_file(g->file, &buf, &len, &err);  /* buf NULL: no line */
            cached = g->file;
        }
        if (buf && find_line(buf, len, g->line, &ls, &ln)
            && print_source(out, ls, ln, g->col) < 0)
            rc = -1;
    }
    free(buf);
    if (fflush(out) != 0)
        rc = -1;
    return rc;
}

static int tolower_ascii(char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

/* Optimal string alignment distance (Levenshtein with adjacent
 * transpositions counting one edit: "casualites" is 1 from "casualties"),
 * ASCII case-insensitive; gives up (returns limit + 1) beyond limit. */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb,
                            size_t limit)
{
    if ((na > nb ? na - nb : nb - na) > limit)
        return limit + 1;
    size_t *base = malloc(3 * (nb + 1) * sizeof *base);
    if (!base)
        return limit + 1;
    size_t *prev2 = base, *prev = base + nb + 1, *cur = prev + nb + 1;
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    size_t r = limit + 1;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        size_t rowmin = cur[0];
        for (size_t j = 1; j <= nb; j++) {
            int ca = tolower_ascii(a[i - 1]), cb = tolower_ascii(b[j - 1]);
            size_t v = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower_ascii(b[j - 2])
                && tolower_ascii(a[i - 2]) == cb && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < rowmin)
                rowmin = v;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
        if (rowmin > limit)
            goto done;
    }
    r = prev[nb];
done:
    free(base);
    return r;
}

const char *dp_suggest(const char *word, const char *const *cands, size_t n)
{
    if (!word)
        return NULL;
    size_t nw = strlen(word);
    if (nw == 0)
        return NULL;
    /* about a third of the word, at least one edit (two from 6 letters) */
    size_t limit = nw / 3;
    if (limit < 1)
        limit = 1;
    if (nw >= 6 && limit < 2)
        limit = 2;
    const char *best = NULL;
    size_t bestd = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t dist = edit_distance(word, nw, cands[i], strlen(cands[i]), limit);
        if (dist < bestd) {
            bestd = dist;
            best = cands[i];
        }
    }
    return best;
}
