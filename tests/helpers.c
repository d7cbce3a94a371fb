/* helpers.c - shared test fixtures. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include "helpers.h"

char *th_write_temp(const char *name, const char *text)
{
    char dir[] = "/tmp/deplete-test-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    cr_assert_not_null(path);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(fputs(text, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
    return path;
}

dp_scenario *th_load(const char *yaml)
{
    char *path = th_write_temp("scenario.yaml", yaml);
    dp_diags dg = {0};
    dp_scenario *s = dp_scenario_load(path, NULL, 0, &dg);
    if (!s || dg.errors) dp_diags_print(stderr, &dg);
    cr_assert_not_null(s, "scenario did not load:\n%s", yaml);
    dp_diags_free(&dg);
    unlink(path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rmdir(path);
    free(path);
    return s;
}

void th_simulate(th_run *r, const dp_scenario *s, uint64_t n, uint64_t seed, int threads)
{
    cr_assert_eq(dp_model_init(&r->m, s), 0);
    cr_assert_eq(dp_accum_init(&r->a, &r->m, false), 0);
    dp_run run = {.first = 0, .n = n, .seed = seed, .threads = threads};
    cr_assert_eq(dp_engine_run(&r->m, &run, &r->a), 0);
    dp_accum_finish(&r->a);
}

void th_run_free(th_run *r)
{
    dp_accum_free(&r->a);
    dp_model_free(&r->m);
}

double th_share_by(const dp_accum *a, size_t l, int t)
{
    const uint64_t *met = a->met + l * ((size_t)a->H + 1);
    uint64_t c = 0;
    for (int d = 1; d <= t && d <= a->H; d++) c += met[d];
    return (double)c / (double)a->n;
}

void th_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}
