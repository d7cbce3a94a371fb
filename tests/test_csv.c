/*
 * test_csv.c - atomic CSV files: quoting (RFC 4180), the file appears only
 * on commit, a failed or abandoned file leaves nothing behind, and folders
 * are created.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <criterion/criterion.h>
#include "dp_csv.h"
#include "helpers.h"

TestSuite(csv);

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    if (d) closedir(d);
    return n;
}

Test(csv, quoting_and_commit)
{
    char dir[] = "/tmp/deplete-csv-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char sub[256];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    dp_csv c;
    cr_assert_eq(dp_csv_open(&c, sub, "t.csv"), 0, "creates missing folders");
    dp_csv_str(&c, "plain");
    dp_csv_str(&c, "with,comma");
    dp_csv_str(&c, "say \"hi\"");
    dp_csv_empty(&c);
    dp_csv_int(&c, -42);
    dp_csv_fmt(&c, "%.2f", 0.5);
    dp_csv_end_row(&c);
    dp_csv_str(&c, "line\nbreak");
    dp_csv_end_row(&c);
    char path[300];
    snprintf(path, sizeof path, "%s/t.csv", sub);
    cr_assert_null(fopen(path, "r"), "nothing under the final name before commit");
    cr_assert_eq(dp_csv_commit(&c), 0);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char buf[256];
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    buf[got] = '\0';
    fclose(f);
    cr_assert_str_eq(buf, "plain,\"with,comma\",\"say \"\"hi\"\"\",,-42,0.50\n\"line\nbreak\"\n");
    cr_assert_eq(count_files(sub), 1, "no temporary file left");
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0644);
    th_rmdir(sub);
    snprintf(sub, sizeof sub, "%s/a", dir);
    th_rmdir(sub);
    th_rmdir(dir);
}

Test(csv, abort_leaves_nothing)
{
    char dir[] = "/tmp/deplete-csv-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    dp_csv c;
    cr_assert_eq(dp_csv_open(&c, dir, "x.csv"), 0);
    dp_csv_str(&c, "half a file");
    dp_csv_abort(&c);
    cr_assert_eq(count_files(dir), 0);
    th_rmdir(dir);
}

Test(csv, errors_are_reported)
{
    dp_csv c;
    cr_assert_eq(dp_csv_open(&c, "/proc/deplete-no/such", "x.csv"), -1);
    /* a folder that is a file */
    char *file = th_write_temp("plain", "x");
    cr_assert_eq(dp_mkdirs(file), -1);
    cr_assert_eq(dp_csv_open(&c, file, "x.csv"), -1);
    /* a full device: every write checked, the commit fails, nothing kept */
    if (fopen("/dev/full", "w")) {
        cr_assert_eq(dp_csv_open(&c, "/tmp", "deplete-full.csv"), 0);
        fclose(c.f);
        c.f = fopen("/dev/full", "w");
        cr_assert_not_null(c.f);
        for (int i = 0; i < 10000; i++) dp_csv_str(&c, "filling the disk");
        cr_assert_eq(dp_csv_commit(&c), -1);
        cr_assert_null(fopen("/tmp/deplete-full.csv", "r"));
    }
    free(file);
}
