/*
 * test_diag.c - the diagnostics list: counting, sorting, printing with the
 * source line and a caret, and "did you mean".
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp_diag.h"

static char diag_dir[64];

static void diag_setup(void)
{
    strcpy(diag_dir, "/tmp/dp-diag-XXXXXX");
    cr_assert(mkdtemp(diag_dir) != NULL);
}

static void diag_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", diag_dir);
    cr_assert(system(cmd) == 0);
}

TestSuite(diag, .init = diag_setup, .fini = diag_teardown);

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    cr_assert(fputs(text, f) >= 0);
    cr_assert(fclose(f) == 0);
}

/* What dp_diags_print writes, as a string (caller frees). */
static char *printed(const dp_diags *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(f != NULL);
    cr_assert(dp_diags_print(f, d) == 0);
    fclose(f);
    return buf;
}

static dp_pos at(const char *file, int line, int col)
{
    return (dp_pos){file, line, col, NULL};
}

/* Catches: errors not counted, warnings counted as errors, messages not
 * formatted, file not copied (the caller's buffer may go away). */
Test(diag, add_counts_and_copies)
{
    dp_diags d = {0};
    char name[16];
    strcpy(name, "a.yaml");
    dp_diag_add(&d, DP_ERROR, at(name, 3, 4), "bad %s %d", "value", 7);
    dp_diag_add(&d, DP_WARNING, at(name, 1, 1), "careful");
    strcpy(name, "zzz");
    cr_assert_eq(d.n, 2);
    cr_assert_eq(d.errors, 1);
    cr_assert_str_eq(d.v[0].msg, "bad value 7");
    cr_assert_str_eq(d.v[0].file, "a.yaml");
    cr_assert_eq(d.v[0].line, 3);
    cr_assert_eq(d.v[0].col, 4);
    cr_assert_eq(d.v[1].sev, DP_WARNING);
    cr_assert_null(d.v[0].text);
    cr_assert(!d.oom);
    dp_diags_free(&d);
    cr_assert_eq(d.n, 0);
    cr_assert_null(d.v);
}

/* Catches: a sort that ignores the file, compares columns before lines, or
 * is not stable for equal positions (order of addition must win). */
Test(diag, sort_by_file_line_col_then_order)
{
    dp_diags d = {0};
    dp_diag_add(&d, DP_ERROR, at("b.yaml", 1, 1), "b1");
    dp_diag_add(&d, DP_ERROR, at("a.yaml", 5, 2), "a5-2");
    dp_diag_add(&d, DP_ERROR, at("a.yaml", 5, 1), "a5-1 first");
    dp_diag_add(&d, DP_WARNING, at("a.yaml", 2, 9), "a2");
    dp_diag_add(&d, DP_ERROR, at("a.yaml", 5, 1), "a5-1 second");
    dp_diag_add(&d, DP_ERROR, at("a.yaml", 10, 1), "a10");
    for (int i = 0; i < 20; i++)
        dp_diag_add(&d, DP_ERROR, at("c.yaml", 1, 1), "c%d", i);
    dp_diags_sort(&d);
    const char *want[] = {"a2", "a5-1 first", "a5-1 second", "a5-2", "a10", "b1"};
    for (size_t i = 0; i < 6; i++)
        cr_assert_str_eq(d.v[i].msg, want[i], "at %zu: %s", i, d.v[i].msg);
    for (int i = 0; i < 20; i++) {
        char m[16];
        snprintf(m, sizeof m, "c%d", i);
        cr_assert_str_eq(d.v[6 + i].msg, m);
    }
    dp_diags_free(&d);
}

/* Catches: a caret off by one, the wrong line shown, tabs not kept in the
 * caret line (misaligned under a tab), a missing severity word. */
Test(diag, print_with_source_and_caret)
{
    char path[128];
    snprintf(path, sizeof path, "%s/s.yaml", diag_dir);
    write_file(path, "name: x\nforce:\n  initial: -5\n\tbad: 1\n");
    dp_diags d = {0};
    dp_diag_add(&d, DP_ERROR, at(path, 3, 12), "force.initial: -5 is outside [0, 1e9]");
    dp_diag_add(&d, DP_WARNING, at(path, 4, 3), "tabbed");
    char *out = printed(&d);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:3:12: error: force.initial: -5 is outside [0, 1e9]\n"
             "      initial: -5\n"
             "               ^\n"
             "%s:4:3: warning: tabbed\n"
             "    \tbad: 1\n"
             "    \t ^\n", path, path);
    cr_assert_str_eq(out, want);
    free(out);
    dp_diags_free(&d);
}

/* Catches: source printed when the position is unknown, a crash on a line
 * past the end of the file or on a file that cannot be read. */
Test(diag, print_without_source)
{
    char path[128];
    snprintf(path, sizeof path, "%s/two.yaml", diag_dir);
    write_file(path, "a: 1\nb: 2\n");
    dp_diags d = {0};
    dp_diag_add(&d, DP_ERROR, at(path, 0, 0), "cannot open");
    dp_diag_add(&d, DP_ERROR, at(path, 9, 1), "past the end");
    dp_diag_add(&d, DP_ERROR, at("/nonexistent/x.yaml", 2, 3), "unreadable");
    dp_diag_add(&d, DP_ERROR, at(NULL, 0, 0), "no file");
    dp_diag_add(&d, DP_ERROR, at(path, 2, 0), "line only");
    char *out = printed(&d);
    char want[1024];
    snprintf(want, sizeof want,
             "%s: error: cannot open\n"
             "%s:9:1: error: past the end\n"
             "/nonexistent/x.yaml:2:3: error: unreadable\n"
             "error: no file\n"
             "%s:2: error: line only\n"
             "    b: 2\n", path, path, path);
    cr_assert_str_eq(out, want);
    free(out);
    dp_diags_free(&d);
}

/* Catches: a caret counted in bytes instead of characters (libyaml counts
 * characters), and a column past the end of the line not padded. */
Test(diag, print_utf8_and_end_of_line)
{
    char path[128];
    snprintf(path, sizeof path, "%s/u.yaml", diag_dir);
    write_file(path, "name: \xc3\xa9t\xc3\xa9 x\nab\n");
    dp_diags d = {0};
    dp_diag_add(&d, DP_ERROR, at(path, 1, 11), "at x");
    dp_diag_add(&d, DP_ERROR, at(path, 2, 4), "after the end");
    char *out = printed(&d);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:1:11: error: at x\n"
             "    name: \xc3\xa9t\xc3\xa9 x\n"
             "              ^\n"
             "%s:2:4: error: after the end\n"
             "    ab\n"
             "       ^\n", path, path);
    cr_assert_str_eq(out, want);
    free(out);
    dp_diags_free(&d);
}

/* Catches: a megabyte line printed whole, and the window losing the caret. */
Test(diag, print_long_line_window)
{
    char path[128];
    snprintf(path, sizeof path, "%s/long.yaml", diag_dir);
    size_t n = 1 << 20;
    char *line = malloc(n + 2);
    cr_assert(line != NULL);
    memset(line, 'x', n);
    line[500000] = 'Y';
    line[n] = '\n';
    line[n + 1] = '\0';
    write_file(path, line);
    free(line);
    dp_diags d = {0};
    dp_diag_add(&d, DP_ERROR, at(path, 1, 500001), "the Y");
    char *out = printed(&d);
    cr_assert_lt(strlen(out), 600, "printed %zu bytes", strlen(out));
    /* the caret sits under the Y */
    char *l2 = strchr(out, '\n') + 1;
    char *l3 = strchr(l2, '\n') + 1;
    char *y = strchr(l2, 'Y');
    char *c = strchr(l3, '^');
    cr_assert(y && c);
    cr_assert_eq(y - l2, c - l3);
    cr_assert(strstr(l2, "...") == l2 + 4, "window starts with ...");
    free(out);
    dp_diags_free(&d);
}

/* Catches: a --set diagnostic that tries to read a file named --set, or
 * drops its text; control characters and broken UTF-8 sent raw to the
 * terminal. */
Test(diag, print_text_source_and_garbage)
{
    char path[128];
    snprintf(path, sizeof path, "%s/g.yaml", diag_dir);
    write_file(path, "a\x01\xff" "b\n");
    dp_diags d = {0};
    dp_diag_add(&d, DP_ERROR, (dp_pos){"--set", 1, 5, "abc.x=1"}, "here");
    dp_diag_add(&d, DP_ERROR, at(path, 1, 4), "garbage");
    cr_assert_str_eq(d.v[0].text, "abc.x=1");
    char *out = printed(&d);
    char want[1024];
    snprintf(want, sizeof want,
             "--set:1:5: error: here\n"
             "    abc.x=1\n"
             "        ^\n"
             "%s:1:4: error: garbage\n"
             "    a??b\n"
             "       ^\n", path);
    cr_assert_str_eq(out, want);
    free(out);
    dp_diags_free(&d);
}

/* Catches: a write error not reported (dp_diags_print must return -1). */
Test(diag, print_reports_write_failure)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        cr_skip_test("no /dev/full");
    dp_diags d = {0};
    dp_diag_add(&d, DP_ERROR, at("x.yaml", 0, 0), "%s", "message");
    cr_assert_eq(dp_diags_print(f, &d), -1);
    fclose(f);
    dp_diags_free(&d);
}

static const char *const root_keys[] = {
    "name", "start", "horizon", "trajectories", "seed", "force", "casualties",
    "non_battle", "return_to_duty", "phases", "reinforcements", "withdrawals",
    "thresholds", "report", "observations", "correlations",
};
#define NKEYS (sizeof root_keys / sizeof *root_keys)

/* Catches: plain Levenshtein without transpositions being too strict,
 * case sensitivity, a threshold so loose that anything matches. */
Test(diag, suggest)
{
    cr_assert_str_eq(dp_suggest("casualites", root_keys, NKEYS), "casualties");
    cr_assert_str_eq(dp_suggest("horizn", root_keys, NKEYS), "horizon");
    cr_assert_str_eq(dp_suggest("Horizon", root_keys, NKEYS), "horizon");
    cr_assert_str_eq(dp_suggest("sed", root_keys, NKEYS), "seed");
    cr_assert_str_eq(dp_suggest("reinforcement", root_keys, NKEYS), "reinforcements");
    cr_assert_str_eq(dp_suggest("threshold", root_keys, NKEYS), "thresholds");
    cr_assert_str_eq(dp_suggest("nonbattle", root_keys, NKEYS), "non_battle");
    cr_assert_str_eq(dp_suggest("obsrevations", root_keys, NKEYS), "observations");
    cr_assert_null(dp_suggest("xyz", root_keys, NKEYS));
    cr_assert_null(dp_suggest("colour", root_keys, NKEYS));
    cr_assert_null(dp_suggest("losses", root_keys, NKEYS));
    cr_assert_null(dp_suggest("", root_keys, NKEYS));
    cr_assert_null(dp_suggest("name", root_keys, 0));
}

/* Catches: a tie not broken by table order, the nearest not preferred,
 * a quadratic blow-up on a huge word. */
Test(diag, suggest_nearest_and_ties)
{
    const char *c1[] = {"rate", "date", "per_day"};
    cr_assert_str_eq(dp_suggest("bate", c1, 3), "rate");
    const char *c2[] = {"initials", "initial"};
    cr_assert_str_eq(dp_suggest("inital", c2, 2), "initial");
    const char *c3[] = {"force.initial", "casualties.per_day", "reinforcements.0.size"};
    cr_assert_str_eq(dp_suggest("force.inital", c3, 3), "force.initial");
    cr_assert_str_eq(dp_suggest("reinforcements.1.size", c3, 3), "reinforcements.0.size");
    size_t n = 1 << 20;
    char *big = malloc(n + 1);
    cr_assert(big != NULL);
    memset(big, 'a', n);
    big[n] = '\0';
    cr_assert_null(dp_suggest(big, root_keys, NKEYS));
    free(big);
}
