/*
 * test_expr.c - distribution expressions (src/expr.c).
 *
 * Every form parses to its type and parameters as written (percents divided,
 * dates as day numbers); every error names the field and what was expected,
 * at its column; every problem is reported, none that a syntax error caused.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>
#include "dp_date.h"
#include "dp_expr.h"

#define FIELD "casualties.per_day"
#define LINE 7
#define COL 10   /* column of the expression's first character */

static void setup(void)
{
    gsl_set_error_handler_off();
}

TestSuite(expr, .init = setup);

static dp_expr_ctx ctx_plain(void)
{
    return (dp_expr_ctx){.dates = false, .have_start = true, .start = 0, .field = FIELD};
}

/* A day field whose day 1 is 2024-12-01. */
static dp_expr_ctx ctx_days(void)
{
    dp_expr_ctx c = {.dates = true, .have_start = true, .field = "phases.0.from"};
    cr_assert(dp_date_parse("2024-12-01", 10, &c.start));
    return c;
}

static dp_pos here(void)
{
    return (dp_pos){.file = "s.yaml", .line = LINE, .col = COL};
}

static dp_dist parse_ctx(const char *text, const dp_expr_ctx *c)
{
    dp_diags dg;
    memset(&dg, 0, sizeof dg);
    dp_dist d;
    bool ok = dp_expr_parse(text, c, here(), &d, &dg);
    cr_assert(ok && dg.n == 0, "'%s' failed: %s", text, dg.n ? dg.v[0].msg : "(no message)");
    cr_assert_not_null(d.type);
    dp_diags_free(&dg);
    return d;
}

static dp_dist parse(const char *text)
{
    dp_expr_ctx c = ctx_plain();
    return parse_ctx(text, &c);
}

static void expect_type(const dp_dist *d, const char *name, int np, const double *p)
{
    cr_assert_str_eq(d->type->name, name);
    for (int i = 0; i < np; i++)
        cr_assert(d->p[i] == p[i] || fabs(d->p[i] - p[i]) <= 1e-15 * fabs(p[i]),
                  "%s: p[%d] = %.17g, want %.17g", name, i, d->p[i], p[i]);
}

typedef struct want {
    int col;          /* column in the file */
    const char *msg;  /* whole message */
} want;

/* The expression fails with exactly these messages, in order of addition;
 * *out is left empty. */
static void expect_errors_ctx(const char *text, const dp_expr_ctx *c, const want *w, size_t n)
{
    dp_diags dg;
    memset(&dg, 0, sizeof dg);
    dp_dist d;
    memset(&d, 0xAB, sizeof d);
    bool ok = dp_expr_parse(text, c, here(), &d, &dg);
    cr_assert_not(ok, "'%s' accepted", text);
    cr_assert_null(d.type, "'%s': out not left empty", text);
    cr_assert_null(d.inner);
    cr_assert_null(d.values);
    for (size_t i = 0; i < dg.n && i < n; i++) {
        cr_assert_str_eq(dg.v[i].msg, w[i].msg, "'%s', message %zu", text, i);
        cr_assert_eq(dg.v[i].col, w[i].col, "'%s': '%s' at column %d, want %d", text,
                     dg.v[i].msg, dg.v[i].col, w[i].col);
        cr_assert_eq(dg.v[i].line, LINE);
        cr_assert_str_eq(dg.v[i].file, "s.yaml");
        cr_assert_eq(dg.v[i].sev, DP_ERROR);
    }
    cr_assert_eq(dg.n, n, "'%s': %zu messages, want %zu (first: %s)", text, dg.n, n,
                 dg.n ? dg.v[0].msg : "none");
    cr_assert_eq(dg.errors, n);
    dp_diags_free(&dg);
}

static void expect_errors(const char *text, const want *w, size_t n)
{
    dp_expr_ctx c = ctx_plain();
    expect_errors_ctx(text, &c, w, n);
}

#define ERRORS(text, ...)                                          \
    do {                                                           \
        const want w_[] = {__VA_ARGS__};                           \
        expect_errors(text, w_, sizeof w_ / sizeof *w_);           \
    } while (0)

#define ERRORS_DAYS(text, ...)                                     \
    do {                                                           \
        const want w_[] = {__VA_ARGS__};                           \
        dp_expr_ctx c_ = ctx_days();                               \
        expect_errors_ctx(text, &c_, w_, sizeof w_ / sizeof *w_);  \
    } while (0)

#define F FIELD ": "

/* ---- the forms ---- */

/* Numbers: sign, fraction, exponent, percent. Catches a percent not divided
 * or divided twice, and a lost sign or exponent. */
Test(expr, numbers)
{
    static const struct { const char *text; double v; } cases[] = {
        {"12000", 12000}, {"12%", 0.12}, {"-3", -3}, {"+4.5", 4.5}, {"0", 0},
        {"1e3", 1000}, {"1.5E-2", 0.015}, {"2.5e+1%", 0.25}, {".5", 0.5}, {"5.", 5},
        {"-0.8%", -0.008}, {"  42  ", 42}, {"\t7\n", 7}, {"1e-400", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        dp_dist d = parse(cases[i].text);
        cr_assert(dp_dist_is_fixed(&d), "%s", cases[i].text);
        cr_assert(fabs(d.p[0] - cases[i].v) <= 1e-15 * fabs(cases[i].v), "%s -> %.17g",
                  cases[i].text, d.p[0]);
        dp_dist_free(&d);
    }
}

/* "a to b", percents on both sides: catches a and b swapped, the derived
 * mu and sigma not filled. */
Test(expr, to)
{
    dp_dist d = parse("70 to 120");
    expect_type(&d, "to", 2, (double[]){70, 120});
    cr_assert(fabs(d.p[2] - (log(70) + log(120)) / 2) < 1e-14);
    cr_assert(fabs(d.p[3] - (log(120) - log(70)) / (2 * 1.6448536269514722)) < 1e-14);
    d = parse("0.4% to 1.5%");
    expect_type(&d, "to", 2, (double[]){0.004, 0.015});
    d = parse("\n 3e2\tto  4E2 ");
    expect_type(&d, "to", 2, (double[]){300, 400});
}

/* Every function form with its parameters in order. Catches parameters
 * shifted or swapped, percents inside calls, whitespace intolerance. */
Test(expr, functions)
{
    dp_dist d = parse("uniform(11000, 12000)");
    expect_type(&d, "uniform", 2, (double[]){11000, 12000});
    d = parse("  uniform ( 0 ,\t0.3 )  ");
    expect_type(&d, "uniform", 2, (double[]){0, 0.3});
    d = parse("normal(-5, 2.5)");
    expect_type(&d, "normal", 2, (double[]){-5, 2.5});
    d = parse("lognormal(2, 0.5)");
    expect_type(&d, "lognormal", 2, (double[]){2, 0.5});
    d = parse("triangular(1%, 2%, 300%)");
    expect_type(&d, "triangular", 3, (double[]){0.01, 0.02, 3});
    cr_assert_str_eq(parse("triangular(0.5%, 2%, 3)").type->name, "triangular");
    d = parse("pert(10, 15, 30)");
    expect_type(&d, "pert", 5, (double[]){10, 15, 30, 2, 4});
    d = parse("beta(2, 6)");
    expect_type(&d, "beta", 2, (double[]){2, 6});
    d = parse("gamma(0.5,4)");
    expect_type(&d, "gamma", 2, (double[]){0.5, 4});
    d = parse("uniform(\n1,\n2\n)");
    expect_type(&d, "uniform", 2, (double[]){1, 2});
}

/* discrete: the lists, normalised and sorted by prepare. Catches values and
 * weights swapped, a lost last item, percents in lists. */
Test(expr, discrete)
{
    dp_dist d = parse("discrete([3, 1, 2], [50%, 20%, 30%])");
    cr_assert_str_eq(d.type->name, "discrete");
    cr_assert_eq(d.n, 3);
    static const double v[] = {1, 2, 3}, w[] = {0.2, 0.3, 0.5};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(d.values[i], v[i]);
        cr_assert(fabs(d.weights[i] - w[i]) < 1e-15);
    }
    cr_assert_eq(d.cum[2], 1.0);
    dp_dist_free(&d);
    d = parse("discrete( [ 7 ] , [ 1 ] )");
    cr_assert_eq(d.n, 1);
    cr_assert_eq(d.values[0], 7);
    dp_dist_free(&d);
}

/* truncate of any expression, nested too. Catches lo/hi read into the
 * wrong slots, the inner lost or leaked (ASan). */
Test(expr, truncate)
{
    dp_dist d = parse("truncate(70 to 120, 80, 110)");
    cr_assert_str_eq(d.type->name, "truncate");
    cr_assert(d.p[0] == 80 && d.p[1] == 110);
    expect_type(d.inner, "to", 2, (double[]){70, 120});
    dp_dist_free(&d);

    d = parse("truncate( normal(0, 1) , -1, 2 )");
    expect_type(d.inner, "normal", 2, (double[]){0, 1});
    cr_assert(d.p[0] == -1 && d.p[1] == 2);
    dp_dist_free(&d);

    d = parse("truncate(truncate(uniform(0, 10), 1, 9), 2%, 300%)");
    cr_assert_str_eq(d.inner->type->name, "truncate");
    cr_assert(d.p[0] == 0.02 && d.p[1] == 3);
    expect_type(d.inner->inner, "uniform", 2, (double[]){0, 10});
    dp_dist_free(&d);

    d = parse("truncate(discrete([1, 2, 3], [1, 1, 1]), 1.5, 3)");
    cr_assert_eq(d.type->quantile(&d, 0), 2);
    dp_dist_free(&d);

    d = parse("truncate(5, 0, 10)");
    cr_assert(dp_dist_is_fixed(d.inner));
    dp_dist_free(&d);
}

/* Dates in a day field are day numbers from start (day 1), inside any form.
 * Catches an off-by-one (day 0 = start) and dates refused where allowed. */
Test(expr, dates_in_day_fields)
{
    dp_expr_ctx c = ctx_days();
    dp_dist d = parse_ctx("2024-12-01", &c);
    cr_assert_eq(d.p[0], 1);
    d = parse_ctx("2024-11-30", &c);
    cr_assert_eq(d.p[0], 0);
    d = parse_ctx("2025-01-15", &c);
    cr_assert_eq(d.p[0], 46);
    d = parse_ctx("2025-03-01", &c);   /* through February 2025 (28 days) */
    cr_assert_eq(d.p[0], 91);
    d = parse_ctx("uniform(2025-02-01, 2025-02-15)", &c);
    expect_type(&d, "uniform", 2, (double[]){63, 77});
    d = parse_ctx("2025-01-01 to 2025-03-01", &c);
    expect_type(&d, "to", 2, (double[]){32, 91});
    d = parse_ctx("truncate(normal(2025-03-01, 5), 2025-02-20, 2025-03-10)", &c);
    cr_assert(d.p[0] == 82 && d.p[1] == 100 && d.inner->p[0] == 91);
    dp_dist_free(&d);
    d = parse_ctx("discrete([2025-01-01, 40], [1, 3])", &c);
    cr_assert(d.values[0] == 32 && d.values[1] == 40);
    dp_dist_free(&d);
    d = parse_ctx("15", &c);   /* numbers stay day numbers */
    cr_assert_eq(d.p[0], 15);
    c.start = 0;               /* 1970-01-01 */
    d = parse_ctx("2000-02-29", &c);
    cr_assert_eq(d.p[0], 11017);
}

/* The canonical text parses back to the same law. */
Test(expr, format_round_trip)
{
    static const char *texts[] = {
        "12000", "0.3", "70 to 120", "uniform(0, 0.3)", "normal(-5, 2.5)",
        "lognormal(2, 0.5)", "triangular(1, 2, 3)", "pert(10, 15, 30)", "beta(2, 6)",
        "gamma(0.5, 4)", "discrete([1, 2], [0.25, 0.75])",
        "truncate(normal(0, 1), -1, 2)", "truncate(70 to 120, 80, 110)",
    };
    char buf[256];
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        dp_dist d = parse(texts[i]);
        cr_assert_str_eq(dp_dist_format(&d, buf, sizeof buf), texts[i]);
        dp_dist e = parse(buf);
        cr_assert_eq(e.type, d.type);
        for (int k = 0; k < DP_DIST_NPARAM; k++)
            cr_assert_eq(e.p[k], d.p[k], "%s p[%d]", texts[i], k);
        dp_dist_free(&d);
        dp_dist_free(&e);
    }
}

/* ---- errors ---- */

/* Unknown names, with the nearest valid one when close; "fixed" and "to"
 * are not function names. */
Test(expr, unknown_distribution)
{
    ERRORS("unifrom(1, 2)", {10, F "unknown distribution 'unifrom' (did you mean 'uniform'?)"});
    ERRORS("Normal(0, 1)", {10, F "unknown distribution 'Normal' (did you mean 'normal'?)"});
    ERRORS("  trinagular(1,2,3)",
           {12, F "unknown distribution 'trinagular' (did you mean 'triangular'?)"});
    ERRORS("weibull(1, 2)", {10, F "unknown distribution 'weibull'"});
    ERRORS("fixed(3)", {10, F "unknown distribution 'fixed'"});
    ERRORS("lots", {10, F "expected a number or a distribution, got 'lots'"});
    ERRORS("uniform", {17, F "expected '(' after 'uniform'"});
    ERRORS("uniform 1 2", {18, F "expected '(' after 'uniform'"});
    ERRORS("to(1, 2)", {10, F "expected a number or a distribution, got 'to'"});
}

/* Numbers that are not: hex, inf, nan, overflow, junk. Catches strtod's
 * extensions getting through and an infinite value accepted. */
Test(expr, not_numbers)
{
    ERRORS("0x10", {10, F "expected a number or a distribution, got '0x10'"});
    ERRORS("inf", {10, F "'inf' is not a finite number"});
    ERRORS("-Infinity", {10, F "'-Infinity' is not a finite number"});
    ERRORS("NaN", {10, F "'NaN' is not a finite number"});
    ERRORS("1e999", {10, F "'1e999' is not a finite number"});
    ERRORS("12abc", {10, F "expected a number or a distribution, got '12abc'"});
    ERRORS("1.2.3", {10, F "expected a number or a distribution, got '1.2.3'"});
    ERRORS("1e", {10, F "expected a number or a distribution, got '1e'"});
    ERRORS("12 %", {13, F "unexpected '%' after the expression"});
    ERRORS("", {10, F "expected a number or a distribution"});
    ERRORS("   ", {13, F "expected a number or a distribution"});
    ERRORS("(1)", {10, F "expected a number or a distribution, got '('"});
    ERRORS("1,000", {11, F "unexpected ',' after the expression"});
}

/* Structure: the column of the first thing that breaks the grammar, and
 * nothing that only follows from it (no count of arguments after a missing
 * comma). */
Test(expr, syntax)
{
    ERRORS("uniform(1, 2", {22, F "expected ',' or ')'"});
    ERRORS("uniform(1 2)", {20, F "expected ',' or ')'"});
    ERRORS("normal(0 0, 1)", {19, F "expected ',' or ')'"});
    ERRORS("uniform(1 2 3", {20, F "expected ',' or ')'"});
    ERRORS("uniform(1, 2))", {23, F "unexpected ')' after the expression"});
    ERRORS("70 to 120 foo", {20, F "unexpected 'foo' after the expression"});
    ERRORS("gamma(1, 2) to 3", {22, F "unexpected 'to' after the expression"});
    ERRORS("70 to", {15, F "expected a number after 'to', got nothing"});
    ERRORS("70 to x", {16, F "expected a number after 'to', got 'x'"});
    ERRORS("truncate(uniform(1 2), 0, 5)", {29, F "expected ',' or ')'"});
    ERRORS("truncate(uniform(1, 2), 0, 5", {38, F "expected ',' or ')'"});
    ERRORS("uniform(1,,2)", {20, F "expected a number for b in uniform(a, b), got nothing"});
    ERRORS("discrete([1 2], [1, 1])", {22, F "expected ',' or ']'"});
    ERRORS("discrete([1, 2], [1, 1]", {33, F "expected ',' or ')'"});
    ERRORS("discrete([1, 2, [1, 1])", {26, F "expected a number for a value, got '[1, 1]'"});
}

/* Arguments: the count, with the parameter names; each bad argument on its
 * own, then the count when it is known. */
Test(expr, arguments)
{
    ERRORS("uniform(1, 2, 3)", {10, F "uniform takes 2 parameters (a, b), got 3"});
    ERRORS("uniform(1)", {10, F "uniform takes 2 parameters (a, b), got 1"});
    ERRORS("uniform()", {10, F "uniform takes 2 parameters (a, b), got 0"});
    ERRORS("triangular(1, 2)", {10, F "triangular takes 3 parameters (min, mode, max), got 2"});
    ERRORS("truncate(normal(0, 1), 5)", {10, F "truncate takes 3 parameters (D, lo, hi), got 2"});
    ERRORS("discrete([1, 2])",
           {10, F "discrete takes 2 lists ([v1, ...], [w1, ...]), got 1"});
    ERRORS("uniform(x, y)",
           {18, F "expected a number for a in uniform(a, b), got 'x'"},
           {21, F "expected a number for b in uniform(a, b), got 'y'"});
    ERRORS("uniform(1e999, inf)",
           {18, F "'1e999' is not a finite number"},
           {25, F "'inf' is not a finite number"});
    ERRORS("triangular(1, 2, 3, 4, x)",
           {33, F "expected a number, got 'x'"},
           {10, F "triangular takes 3 parameters (min, mode, max), got 5"});
    ERRORS("normal(uniform(1, 2), 3)",
           {17, F "expected a number for mean in normal(mean, sd), got 'uniform(1, 2)'"});
    ERRORS("uniform(2 to 3, 5)",
           {18, F "expected a number for a in uniform(a, b), got '2 to 3'"});
    ERRORS("pert(a, b, c, d)",
           {15, F "expected a number for min in pert(min, mode, max), got 'a'"},
           {18, F "expected a number for mode in pert(min, mode, max), got 'b'"},
           {21, F "expected a number for max in pert(min, mode, max), got 'c'"},
           {24, F "expected a number, got 'd'"},
           {10, F "pert takes 3 parameters (min, mode, max), got 4"});
    ERRORS("truncate(unifrom(1, 2), x, 5)",
           {19, F "unknown distribution 'unifrom' (did you mean 'uniform'?)"},
           {34, F "expected a number for lo in truncate(D, lo, hi), got 'x'"});
    ERRORS("truncate(0 to 1, 2, 3)", {19, F "a to b: a must be > 0"});
    ERRORS("discrete(1, [1])", {19, F "expected a list of values [v1, ...], got '1'"});
    ERRORS("discrete([1, 2], [1, 1, 1])", {10, F "discrete: 2 values but 3 weights"});
    ERRORS("discrete([1], [x, 2%])", {25, F "expected a number for a weight, got 'x'"});
    ERRORS("discrete([inf, 1, y], [1, 2, 3])",
           {20, F "'inf' is not a finite number"},
           {28, F "expected a number for a value, got 'y'"});
    ERRORS("uniform(((1, 2)",
           {18, F "expected a number for a in uniform(a, b), got '((1, 2)'"});
    ERRORS("uniform(x",
           {18, F "expected a number for a in uniform(a, b), got 'x'"},
           {19, F "expected ',' or ')'"});
}

/* Every rule of every distribution, through the parser, at the start of
 * the expression. */
Test(expr, rules)
{
    ERRORS("uniform(2, 1)", {10, F "uniform: a must be < b"});
    ERRORS("uniform(1, 1)", {10, F "uniform: a must be < b"});
    ERRORS("normal(0, 0)", {10, F "normal: sd must be > 0"});
    ERRORS("normal(0, -1)", {10, F "normal: sd must be > 0"});
    ERRORS("lognormal(0, 0)", {10, F "lognormal: sigma must be > 0"});
    ERRORS("  0 to 5", {12, F "a to b: a must be > 0"});
    ERRORS("-1 to 5", {10, F "a to b: a must be > 0"});
    ERRORS("5 to 5", {10, F "a to b: a must be < b"});
    ERRORS("120 to 70", {10, F "a to b: a must be < b"});
    ERRORS("triangular(1, 0, 2)", {10, F "triangular: mode must lie in [min, max]"});
    ERRORS("triangular(0, 3, 2)", {10, F "triangular: mode must lie in [min, max]"});
    ERRORS("triangular(1, 1, 1)", {10, F "triangular: min must be < max"});
    ERRORS("pert(1, 5, 3)", {10, F "pert: mode must lie in [min, max]"});
    ERRORS("pert(2, 2, 2)", {10, F "pert: min must be < max"});
    ERRORS("beta(0, 1)", {10, F "beta: a must be > 0"});
    ERRORS("beta(1, -1)", {10, F "beta: b must be > 0"});
    ERRORS("gamma(0, 1)", {10, F "gamma: shape must be > 0"});
    ERRORS("gamma(1, 0)", {10, F "gamma: scale must be > 0"});
    ERRORS("discrete([1, 2], [1, -1])", {10, F "discrete: weights must be >= 0"});
    ERRORS("discrete([1, 2], [0, 0%])", {10, F "discrete: weights must not all be 0"});
    ERRORS("discrete([], [])", {10, F "discrete: needs at least one value"});
    ERRORS("truncate(normal(0, 1), 2, 1)", {10, F "truncate: lo must be < hi"});
    ERRORS("truncate(uniform(0, 1), 2, 3)", {10, F "truncate: no probability inside [lo, hi]"});
    ERRORS("truncate(discrete([1, 3], [1, 1]), 1.5, 2.5)",
           {10, F "truncate: no probability inside [lo, hi]"});
    ERRORS("uniform(-1e308, 1e308)", {10, F "uniform: b - a is too large"});
}

/* Dates: only in day fields, only real ones, never as weights. */
Test(expr, date_errors)
{
    ERRORS("2025-01-01", {10, F "a date is only allowed in a day field"});
    ERRORS("uniform(2025-01-01, 2025-02-01)",
           {18, F "a date is only allowed in a day field"},
           {30, F "a date is only allowed in a day field"});
#define P "phases.0.from: "
    ERRORS_DAYS("2025-02-29", {10, P "date '2025-02-29' does not exist"});
    ERRORS_DAYS("uniform(2024-04-31, 2025-13-01)",
                {18, P "date '2024-04-31' does not exist"},
                {30, P "date '2025-13-01' does not exist"});
    ERRORS_DAYS("discrete([2025-01-01], [2025-01-01])", {34, P "a weight cannot be a date"});
    ERRORS_DAYS("2025-01-01 to 2025-00-01", {24, P "date '2025-00-01' does not exist"});
    ERRORS_DAYS("2025-1-01", {10, P "expected a number or a distribution, got '2025-1-01'"});
#undef P
}

/* Without a start (its absence is reported by the loader) a date cannot
 * become a day: the parse fails without a message of its own, but other
 * problems are still reported. */
Test(expr, date_without_start)
{
    dp_expr_ctx c = ctx_days();
    c.have_start = false;
    dp_diags dg;
    memset(&dg, 0, sizeof dg);
    dp_dist d;
    cr_assert_not(dp_expr_parse("2025-01-01", &c, here(), &d, &dg));
    cr_assert_eq(dg.n, 0);
    cr_assert_null(d.type);
    cr_assert_not(dp_expr_parse("uniform(2025-01-01, x)", &c, here(), &d, &dg));
    cr_assert_eq(dg.n, 1);
    cr_assert_str_eq(dg.v[0].msg,
                     "phases.0.from: expected a number for b in uniform(a, b), got 'x'");
    dp_diags_free(&dg);
    dp_dist e = parse_ctx("uniform(1, 20)", &c);   /* numbers are fine */
    cr_assert_eq(e.p[1], 20);
}

/* Columns count characters, not bytes (UTF-8 before the error); an unknown
 * column stays unknown; no field, no prefix. */
Test(expr, columns_and_prefix)
{
    ERRORS("1 \xc3\x97 2", {12, F "unexpected '\xc3\x97' after the expression"});
    ERRORS("\xe2\x80\x9c" "1\xe2\x80\x9d", {10, F "expected a number or a distribution, got '\xe2\x80\x9c" "1\xe2\x80\x9d'"});
    ERRORS("uniform(\xc3\xa9, 1 2)",
           {18, F "expected a number for a in uniform(a, b), got '\xc3\xa9'"},
           {23, F "expected ',' or ')'"});

    dp_expr_ctx c = ctx_plain();
    c.field = NULL;
    dp_diags dg;
    memset(&dg, 0, sizeof dg);
    dp_dist d;
    dp_pos pos = {.file = "x.yaml", .line = 0, .col = 0};
    cr_assert_not(dp_expr_parse("normal(0, 0)", &c, pos, &d, &dg));
    cr_assert_eq(dg.n, 1);
    cr_assert_str_eq(dg.v[0].msg, "normal: sd must be > 0");
    cr_assert_eq(dg.v[0].col, 0);
    dp_diags_free(&dg);
}
