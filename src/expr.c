/*
 * expr.c - distribution expressions (SPEC 2.1) -> dp_dist.
 *
 * Grammar (whitespace anywhere between tokens):
 *   expr  := value [ "to" value ]           a number, or "a to b"
 *          | NAME "(" [ arg { "," arg } ] ")"
 *   arg   := value                          uniform, normal, ... (numeric)
 *          | expr                           truncate's D
 *          | "[" [ value { "," value } ] "]"   discrete's two lists
 *   value := number ["%"] | YYYY-MM-DD      (a date only in a day field)
 *   number: [+-] digits [. digits] [e [+-] digits], or [+-] . digits;
 *           no hex, inf or nan.
 *
 * A recursive descent over a one-token lookahead. Errors go to the diagnostics
 * at their column inside the text. To report every problem and not only the
 * first, a bad argument is skipped to the ',' or closing bracket that ends it
 * (brackets balanced) and the list goes on; when the brackets do not balance
 * the parse stops, so that nothing is reported that a syntax error caused.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "dp_date.h"
#include "dp_expr.h"

/* Results of the parse functions. BAD: reported; the caller resynchronises
 * from the start of the argument. FATAL: reported (or caused by a report);
 * the brackets cannot be trusted, stop. */
enum { OK, BAD, FATAL };

/* word_value: a value token with an unusable value (reported), or a token
 * that is no value at all (not reported: the caller knows what it wanted). */
enum { VALUE_OK, VALUE_BAD, NOT_VALUE };

typedef enum { T_END, T_WORD, T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_COMMA } tok_kind;

typedef struct token {
    tok_kind kind;
    size_t at, len;   /* byte offset in the text */
} token;

typedef struct parser {
    const char *text;
    size_t len;
    size_t at;               /* next byte to read */
    const dp_expr_ctx *ctx;
    dp_pos pos;
    dp_diags *dg;
    bool failed;             /* a failure that is not reported here */
} parser;

/* Longest text quoted back in a message. */
#define QUOTE_MAX 40

/* ---- messages ---- */

static void err(parser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void err(parser *p, size_t at, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dp_pos pos = p->pos;
    if (pos.col > 0)   /* count characters, not UTF-8 continuation bytes */
        for (size_t i = 0; i < at && i < p->len; i++)
            pos.col += ((unsigned char)p->text[i] & 0xC0) != 0x80;
    if (p->ctx->field)
        dp_diag_add(p->dg, DP_ERROR, pos, "%s: %s", p->ctx->field, msg);
    else
        dp_diag_add(p->dg, DP_ERROR, pos, "%s", msg);
    p->failed = true;
}

/* "'text'" (cut to QUOTE_MAX) for text[a, b), or "nothing" when empty. */
static const char *quote(const parser *p, size_t a, size_t b, char *buf, size_t size)
{
    while (b > a && isspace((unsigned char)p->text[b - 1]))
        b--;
    if (b <= a)
        return "nothing";
    int n = (int)(b - a);
    if (n > QUOTE_MAX)
        snprintf(buf, size, "'%.*s...'", QUOTE_MAX - 3, p->text + a);
    else
        snprintf(buf, size, "'%.*s'", n, p->text + a);
    return buf;
}

/* ---- tokens ---- */

static bool is_delim(char c)
{
    return c == '(' || c == ')' || c == '[' || c == ']' || c == ',';
}

static token peek(parser *p)
{
    size_t i = p->at;
    while (i < p->len && isspace((unsigned char)p->text[i]))
        i++;
    token t = {T_END, i, 0};
    if (i >= p->len)
        return t;
    switch (p->text[i]) {
    case '(': t.kind = T_LPAREN; t.len = 1; return t;
    case ')': t.kind = T_RPAREN; t.len = 1; return t;
    case '[': t.kind = T_LBRACK; t.len = 1; return t;
    case ']': t.kind = T_RBRACK; t.len = 1; return t;
    case ',': t.kind = T_COMMA; t.len = 1; return t;
    default: break;
    }
    size_t j = i;
    while (j < p->len && !isspace((unsigned char)p->text[j]) && !is_delim(p->text[j]))
        j++;
    t.kind = T_WORD;
    t.len = j - i;
    return t;
}

static void consume(parser *p, token t)
{
    p->at = t.at + t.len;
}

static const char *tok_quote(const parser *p, token t, char *buf, size_t size)
{
    return quote(p, t.at, t.at + t.len, buf, size);
}

static bool word_is(const parser *p, token t, const char *w)
{
    return t.kind == T_WORD && t.len == strlen(w) && memcmp(p->text + t.at, w, t.len) == 0;
}

/* Where the argument starting at `from` ends: the ',' or `closer` at bracket
 * depth 0. SCAN_OPEN: the text ended at depth 0 (a list left open). */
enum { SCAN_FOUND, SCAN_OPEN, SCAN_FAIL };

static int scan_arg(const parser *p, size_t from, char closer, size_t *end)
{
    int depth = 0;
    for (size_t i = from; i < p->len; i++) {
        char c = p->text[i];
        if (c == '(' || c == '[') {
            depth++;
        } else if (c == ')' || c == ']') {
            if (depth == 0) {
                *end = i;
                return c == closer ? SCAN_FOUND : SCAN_FAIL;
            }
            depth--;
        } else if (c == ',' && depth == 0) {
            *end = i;
            return SCAN_FOUND;
        }
    }
    *end = p->len;
    return depth == 0 ? SCAN_OPEN : SCAN_FAIL;
}

/* Skips a bad argument. False (after saying that the list is left open, when
 * that is all that is wrong and `say` allows) when the parse must stop. */
static bool resync(parser *p, size_t from, char closer, bool say)
{
    size_t end;
    int s = scan_arg(p, from, closer, &end);
    if (s == SCAN_FOUND) {
        p->at = end;
        return true;
    }
    while (from < p->len && isspace((unsigned char)p->text[from]))
        from++;
    if (s == SCAN_OPEN && say && from < end)   /* not where the bad arg was */
        err(p, end, "expected ',' or '%c'", closer);
    return false;
}

/* ---- values ---- */

static bool number_syntax(const char *s, size_t n, bool *percent)
{
    size_t i = 0, nd = 0, nf = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < n && isdigit((unsigned char)s[i]))
        i++, nd++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && isdigit((unsigned char)s[i]))
            i++, nf++;
    }
    if (nd + nf == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t ne = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        while (i < n && isdigit((unsigned char)s[i]))
            i++, ne++;
        if (ne == 0)
            return false;
    }
    *percent = i < n && s[i] == '%';
    if (*percent)
        i++;
    return i == n;
}

static bool not_finite_word(const char *s, size_t n)
{
    static const char *const words[] = {"inf", "infinity", "nan"};
    if (n > 0 && (s[0] == '+' || s[0] == '-'))
        s++, n--;
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (n == strlen(words[k]) && strncasecmp(s, words[k], n) == 0)
            return true;
    return false;
}

static bool is_ident(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return false;
    return true;
}

/* The value of a word: a number, a percent, or a date (as a day number). */
static int word_value(parser *p, token t, bool weight, double *v)
{
    const char *s = p->text + t.at;
    size_t n = t.len;
    bool percent;
    if (dp_date_like(s, n)) {
        int64_t day;
        if (!p->ctx->dates) {
            err(p, t.at, "a date is only allowed in a day field");
            return VALUE_BAD;
        }
        if (weight) {
            err(p, t.at, "a weight cannot be a date");
            return VALUE_BAD;
        }
        if (!dp_date_parse(s, n, &day)) {
            err(p, t.at, "date '%.*s' does not exist", (int)n, s);
            return VALUE_BAD;
        }
        if (!p->ctx->have_start) {   /* the missing start is reported */
            p->failed = true;
            return VALUE_BAD;
        }
        *v = (double)(day - p->ctx->start + 1);
        return VALUE_OK;
    }
    if (number_syntax(s, n, &percent)) {
        /* the word ends at a delimiter, '%' or the end: strtod stops there */
        double x = strtod(s, NULL);
        if (percent)
            x /= 100;
        if (!isfinite(x)) {
            err(p, t.at, "'%.*s' is not a finite number", (int)n, s);
            return VALUE_BAD;
        }
        *v = x;
        return VALUE_OK;
    }
    if (not_finite_word(s, n)) {
        err(p, t.at, "'%.*s' is not a finite number", (int)n, s);
        return VALUE_BAD;
    }
    return NOT_VALUE;
}

/* One value argument, inside a list closed by `closer`; `what` names it for
 * messages ("b in uniform(a, b)"). */
static int parse_value(parser *p, const char *what, bool weight, char closer, double *v)
{
    token t = peek(p);
    if (t.kind == T_WORD) {
        int rc = word_value(p, t, weight, v);
        if (rc != NOT_VALUE) {
            consume(p, t);
            return rc == VALUE_OK ? OK : BAD;
        }
    }
    char buf[QUOTE_MAX + 8];
    size_t end;
    scan_arg(p, t.at, closer, &end);
    err(p, t.at, "expected a number%s%s, got %s", what ? " for " : "", what ? what : "",
        quote(p, t.at, end, buf, sizeof buf));
    return BAD;
}

/* ---- distributions ---- */

static bool callable(const dp_dist_type *t)
{
    return t && strchr(t->usage, '(') != NULL;
}

static bool is_named(const dp_dist_type *t, const char *name)
{
    return strcmp(t->name, name) == 0;
}

/* Arguments as written: numeric ones, discrete's 2 lists, truncate's 3. */
static int expected_args(const dp_dist_type *t)
{
    if (t->arity >= 0)
        return t->arity;
    return is_named(t, "discrete") ? 2 : 3;
}

enum { ARG_VALUE, ARG_EXPR, ARG_LIST };

static int arg_kind(const dp_dist_type *t, int i)
{
    if (is_named(t, "discrete"))
        return ARG_LIST;
    if (is_named(t, "truncate") && i == 0)
        return ARG_EXPR;
    return ARG_VALUE;
}

/* "b in uniform(a, b)" for argument i, or NULL past the last. */
static const char *arg_name(const dp_dist_type *t, int i, char *buf, size_t size)
{
    if (i >= expected_args(t))
        return NULL;
    const char *s = strchr(t->usage, '(');
    for (int k = 0; k < i && s; k++)
        s = strchr(s + 1, ',');
    if (!s)
        return NULL;
    s++;
    while (*s == ' ')
        s++;
    size_t n = strcspn(s, ",)");
    snprintf(buf, size, "%.*s in %s", (int)n, s, t->usage);
    return buf;
}

static int parse_expr(parser *p, dp_dist *out);

/* [v1, v2, ...] into a new array (*v, *n). */
static int parse_list(parser *p, bool weights, double **v, size_t *n)
{
    char buf[QUOTE_MAX + 8];
    token t = peek(p);
    *v = NULL;
    *n = 0;
    if (t.kind != T_LBRACK) {
        size_t end;
        scan_arg(p, t.at, ')', &end);
        err(p, t.at, "expected a list of %s [%s, ...], got %s",
            weights ? "weights" : "values", weights ? "w1" : "v1",
            quote(p, t.at, end, buf, sizeof buf));
        return BAD;
    }
    consume(p, t);
    bool bad = false;
    size_t cap = 0;
    if (peek(p).kind == T_RBRACK) {
        consume(p, peek(p));
        return OK;
    }
    for (;;) {
        size_t start = peek(p).at;
        double x = 0;
        int r = parse_value(p, weights ? "a weight" : "a value", weights, ']', &x);
        if (r == OK) {
            if (*n == cap) {
                size_t nc = cap ? 2 * cap : 8;
                double *nv = realloc(*v, nc * sizeof *nv);
                if (!nv) {
                    err(p, start, "out of memory");
                    goto fatal;
                }
                *v = nv;
                cap = nc;
            }
            (*v)[(*n)++] = x;
            t = peek(p);
            if (t.kind == T_COMMA || t.kind == T_RBRACK) {
                consume(p, t);
                if (t.kind == T_RBRACK)
                    break;
                continue;
            }
            err(p, t.at, "expected ',' or ']'");
            if (!resync(p, start, ']', false))
                goto fatal;
        } else if (!resync(p, start, ']', true)) {
            goto fatal;
        }
        bad = true;
        t = peek(p);
        consume(p, t);
        if (t.kind == T_RBRACK)
            break;
    }
    return bad ? BAD : OK;
fatal:
    free(*v);
    *v = NULL;
    *n = 0;
    return FATAL;
}

/* NAME "(" args ")" with the '(' next; name_at is where NAME starts. */
static int parse_call(parser *p, const dp_dist_type *type, size_t name_at, dp_dist *out)
{
    char buf[96];
    int nexp = expected_args(type);
    bool is_trunc = is_named(type, "truncate");
    int first_value = is_trunc ? 1 : 0;   /* args that fill p[] from p[0] */
    double vals[DP_DIST_NPARAM] = {0};
    dp_dist inner = {0};
    double *lists[2] = {NULL, NULL};
    size_t nlist[2] = {0, 0};
    int count = 0;
    bool bad = false;
    bool syntax = false;   /* then the count of arguments means nothing */

    consume(p, peek(p));   /* "(" */
    if (peek(p).kind == T_RPAREN) {
        consume(p, peek(p));
    } else {
        for (;;) {
            token first = peek(p);
            size_t start = first.at;
            int kind = arg_kind(type, count), r;
            bool missing = first.kind != T_WORD && !(kind == ARG_LIST && first.kind == T_LBRACK);
            if (kind == ARG_EXPR) {
                dp_dist d = {0};
                r = parse_expr(p, &d);
                if (r == OK && count == 0)
                    inner = d;
                else
                    dp_dist_free(&d);
            } else if (kind == ARG_LIST) {
                double *v;
                size_t n;
                r = parse_list(p, count == 1, &v, &n);
                if (r == OK && count < 2) {
                    lists[count] = v;
                    nlist[count] = n;
                } else {
                    free(v);
                }
            } else {
                double x = 0;
                r = parse_value(p, arg_name(type, count, buf, sizeof buf), false, ')', &x);
                int k = count - first_value;
                if (r == OK && count < nexp && k >= 0 && k < DP_DIST_NPARAM)
                    vals[k] = x;
            }
            count++;
            if (r == FATAL)
                goto fatal;
            if (r == OK) {
                token t = peek(p);
                if (t.kind == T_COMMA) {
                    consume(p, t);
                    continue;
                }
                if (t.kind == T_RPAREN) {
                    consume(p, t);
                    break;
                }
                size_t end;
                if (kind == ARG_VALUE && word_is(p, t, "to") &&
                    scan_arg(p, start, ')', &end) == SCAN_FOUND) {
                    char q[QUOTE_MAX + 8];
                    const char *what = arg_name(type, count - 1, buf, sizeof buf);
                    err(p, start, "expected a number%s%s, got %s", what ? " for " : "",
                        what ? what : "", quote(p, start, end, q, sizeof q));
                } else {
                    err(p, t.at, "expected ',' or ')'");
                    syntax = true;
                }
                if (!resync(p, start, ')', false))
                    goto fatal;
            } else {
                syntax |= missing;
                if (!resync(p, start, ')', true))
                    goto fatal;
            }
            bad = true;
            token t = peek(p);
            consume(p, t);
            if (t.kind == T_RPAREN)
                break;
        }
    }

    if (count != nexp && !syntax) {
        const char *args = strchr(type->usage, '(');
        err(p, name_at, "%s takes %d %s %s, got %d", type->name, nexp,
            is_named(type, "discrete") ? "lists" : "parameters", args, count);
        bad = true;
    } else if (!bad && count == nexp && is_named(type, "discrete") && nlist[0] != nlist[1]) {
        err(p, name_at, "discrete: %zu value%s but %zu weight%s", nlist[0],
            nlist[0] == 1 ? "" : "s", nlist[1], nlist[1] == 1 ? "" : "s");
        bad = true;
    }
    if (bad)
        goto fail;

    memset(out, 0, sizeof *out);
    out->type = type;
    memcpy(out->p, vals, sizeof vals);
    if (is_trunc) {
        out->inner = malloc(sizeof *out->inner);
        if (!out->inner) {
            err(p, name_at, "out of memory");
            goto fail;
        }
        *out->inner = inner;
        memset(&inner, 0, sizeof inner);
    }
    if (is_named(type, "discrete")) {
        out->n = nlist[0];
        out->values = lists[0];
        out->weights = lists[1];
        lists[0] = lists[1] = NULL;
    }
    const char *msg = type->prepare(out);
    if (msg) {
        err(p, name_at, "%s", msg);
        dp_dist_free(out);
        return BAD;
    }
    return OK;

fail:
    dp_dist_free(&inner);
    free(lists[0]);
    free(lists[1]);
    return BAD;
fatal:
    dp_dist_free(&inner);
    free(lists[0]);
    free(lists[1]);
    return FATAL;
}

static void unknown_name(parser *p, token t)
{
    const char *names[16];
    size_t n = 0;
    for (const dp_dist_type *const *ty = dp_dist_types; *ty && n < 16; ty++)
        if (callable(*ty))
            names[n++] = (*ty)->name;
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)t.len, p->text + t.at);
    const char *s = dp_suggest(word, names, n);
    if (s)
        err(p, t.at, "unknown distribution '%s' (did you mean '%s'?)", word, s);
    else
        err(p, t.at, "unknown distribution '%s'", word);
}

static int parse_expr(parser *p, dp_dist *out)
{
    char buf[QUOTE_MAX + 8];
    token t = peek(p);
    memset(out, 0, sizeof *out);
    if (t.kind != T_WORD) {
        if (t.kind == T_END)
            err(p, t.at, "expected a number or a distribution");
        else
            err(p, t.at, "expected a number or a distribution, got %s",
                tok_quote(p, t, buf, sizeof buf));
        return BAD;
    }
    const char *s = p->text + t.at;
    if (is_ident(s, t.len) && !word_is(p, t, "to") && !not_finite_word(s, t.len)) {
        const dp_dist_type *type = dp_dist_find(s, t.len);
        consume(p, t);
        token t2 = peek(p);
        if (t2.kind == T_LPAREN) {
            if (!callable(type)) {
                unknown_name(p, t);
                return BAD;
            }
            return parse_call(p, type, t.at, out);
        }
        if (callable(type))
            err(p, t2.at, "expected '(' after '%s'", type->name);
        else
            err(p, t.at, "expected a number or a distribution, got %s",
                tok_quote(p, t, buf, sizeof buf));
        return BAD;
    }

    double a = 0, b = 0;
    int ra = word_value(p, t, false, &a);
    if (ra == NOT_VALUE) {
        err(p, t.at, "expected a number or a distribution, got %s",
            tok_quote(p, t, buf, sizeof buf));
        return BAD;
    }
    consume(p, t);
    token tt = peek(p);
    if (!word_is(p, tt, "to")) {
        if (ra != VALUE_OK)
            return BAD;
        dp_dist_fixed(out, a);
        return OK;
    }
    consume(p, tt);
    token tb = peek(p);
    int rb = tb.kind == T_WORD ? word_value(p, tb, false, &b) : NOT_VALUE;
    if (rb == NOT_VALUE) {
        err(p, tb.at, "expected a number after 'to', got %s", tok_quote(p, tb, buf, sizeof buf));
        return BAD;
    }
    consume(p, tb);
    if (ra != VALUE_OK || rb != VALUE_OK)
        return BAD;
    out->type = dp_dist_find("to", 2);
    out->p[0] = a;
    out->p[1] = b;
    const char *msg = out->type->prepare(out);
    if (msg) {
        err(p, t.at, "%s", msg);
        memset(out, 0, sizeof *out);
        return BAD;
    }
    return OK;
}

bool dp_expr_parse(const char *text, const dp_expr_ctx *ctx, dp_pos pos,
                   dp_dist *out, dp_diags *dg)
{
    parser p = {text ? text : "", text ? strlen(text) : 0, 0, ctx, pos, dg, false};
    dp_dist d;
    int r = parse_expr(&p, &d);
    if (r == OK) {
        token t = peek(&p);
        if (t.kind != T_END) {
            char buf[QUOTE_MAX + 8];
            err(&p, t.at, "unexpected %s after the expression", tok_quote(&p, t, buf, sizeof buf));
        }
    }
    if (r != OK || p.failed) {
        dp_dist_free(&d);
        memset(out, 0, sizeof *out);
        return false;
    }
    *out = d;
    return true;
}
