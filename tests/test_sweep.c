/*
 * test_sweep.c - `--sweep KEY=V1,V2,...`: splitting values (commas inside
 * brackets and quotes stay), the errors, the order of combinations, names.
 */
#include <string.h>
#include <criterion/criterion.h>
#include "dp_sweep.h"

TestSuite(sweep);

static dp_sweep parse_ok(const char *arg)
{
    dp_sweep sw;
    char err[256] = "";
    cr_assert_eq(dp_sweep_parse(arg, &sw, err, sizeof err), 0, "%s: %s", arg, err);
    return sw;
}

static void parse_bad(const char *arg, const char *want)
{
    dp_sweep sw;
    char err[256] = "";
    cr_assert_eq(dp_sweep_parse(arg, &sw, err, sizeof err), -1, "%s should fail", arg);
    cr_assert_not_null(strstr(err, want), "%s: got '%s', want '%s'", arg, err, want);
    cr_assert_null(sw.values, "nothing to free after an error");
}

/* Plain values, blanks around them trimmed (catches splitting on every
 * comma or keeping " 100" as the value). */
Test(sweep, splits_on_commas_and_trims)
{
    dp_sweep sw = parse_ok("casualties.per_day=80, 100 ,120");
    cr_assert_str_eq(sw.key, "casualties.per_day");
    cr_assert_eq(sw.n, 3);
    cr_assert_str_eq(sw.values[0], "80");
    cr_assert_str_eq(sw.values[1], "100");
    cr_assert_str_eq(sw.values[2], "120");
    dp_sweep_free(&sw);
    sw = parse_ok("name=one");
    cr_assert_eq(sw.n, 1);
    cr_assert_str_eq(sw.values[0], "one");
    dp_sweep_free(&sw);
}

/* Commas inside (), [], {} and quotes belong to the value (catches a
 * naive split that would make `uniform(1` a value). */
Test(sweep, commas_inside_brackets_and_quotes_stay)
{
    dp_sweep sw = parse_ok("force.initial=uniform(1, 2),truncate(normal(5, 1), 0, 9),70 to 110");
    cr_assert_eq(sw.n, 3);
    cr_assert_str_eq(sw.values[0], "uniform(1, 2)");
    cr_assert_str_eq(sw.values[1], "truncate(normal(5, 1), 0, 9)");
    cr_assert_str_eq(sw.values[2], "70 to 110");
    dp_sweep_free(&sw);
    sw = parse_ok("thresholds.strength=[0.5, 0],[0.25],{a: 1, b: 2}");
    cr_assert_eq(sw.n, 3);
    cr_assert_str_eq(sw.values[0], "[0.5, 0]");
    cr_assert_str_eq(sw.values[1], "[0.25]");
    cr_assert_str_eq(sw.values[2], "{a: 1, b: 2}");
    dp_sweep_free(&sw);
    sw = parse_ok("name='a, b',\"c, \\\"d, e\",'it''s, x'");
    cr_assert_eq(sw.n, 3);
    cr_assert_str_eq(sw.values[0], "'a, b'");
    cr_assert_str_eq(sw.values[1], "\"c, \\\"d, e\"");
    cr_assert_str_eq(sw.values[2], "'it''s, x'");
    dp_sweep_free(&sw);
    sw = parse_ok("casualties.per_day=discrete([1, 2], [3, 4]),5");
    cr_assert_eq(sw.n, 2);
    cr_assert_str_eq(sw.values[0], "discrete([1, 2], [3, 4])");
    dp_sweep_free(&sw);
}

/* Syntax problems are refused with a message saying what is wrong. */
Test(sweep, syntax_errors)
{
    parse_bad("casualties.per_day", "KEY=V1,V2");
    parse_bad("=1,2", "KEY=V1,V2");
    parse_bad("a=", "no values");
    parse_bad("a=  ", "no values");
    parse_bad("a=1,,2", "value 2 is empty");
    parse_bad("a=1,2,", "value 3 is empty");
    parse_bad("a=uniform(1, 2", "unclosed '('");
    parse_bad("a=uniform(1, 2]", "']' without a matching '['");
    parse_bad("a=1),2", "')' without a matching '('");
    parse_bad("a='1, 2", "unclosed '");
    parse_bad("a=1,2,1", "'1' is given twice");
}

/* Combinations run as nested loops, the last sweep fastest; names list
 * the values in the order the sweeps were given. */
Test(sweep, combinations_names_and_sets)
{
    dp_sweep sw[2] = {parse_ok("casualties.per_day=80,100"),
                      parse_ok("force.initial=11000,12000,13000")};
    cr_assert_eq(dp_sweep_count(sw, 2, 1000), 6);
    cr_assert_eq(dp_sweep_count(sw, 2, 5), 0, "more than max");
    cr_assert_eq(dp_sweep_count(sw, 0, 1000), 1, "no sweep: the scenario itself");
    const char *want[6] = {
        "K [casualties.per_day=80, force.initial=11000]",
        "K [casualties.per_day=80, force.initial=12000]",
        "K [casualties.per_day=80, force.initial=13000]",
        "K [casualties.per_day=100, force.initial=11000]",
        "K [casualties.per_day=100, force.initial=12000]",
        "K [casualties.per_day=100, force.initial=13000]"};
    for (size_t c = 0; c < 6; c++) {
        char *name = dp_sweep_name("K", sw, 2, c);
        cr_assert_str_eq(name, want[c]);
        free(name);
    }
    char *set = dp_sweep_set(sw, 2, 4, 0);
    cr_assert_str_eq(set, "casualties.per_day=100");
    free(set);
    set = dp_sweep_set(sw, 2, 4, 1);
    cr_assert_str_eq(set, "force.initial=12000");
    free(set);
    char *name = dp_sweep_name("K", sw, 0, 0);
    cr_assert_str_eq(name, "K", "no sweep: the name unchanged");
    free(name);
    dp_sweep_free(&sw[0]);
    dp_sweep_free(&sw[1]);
}
