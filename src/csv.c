/*
 * csv.c - atomic CSV files: temporary name, checked writes, checked close,
 * then rename.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dp_csv.h"

int dp_mkdirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p) return -1;
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                int e = errno;
                free(p);
                errno = e;
                return -1;
            }
            *s = c;
            if (!c) break;
        }
    }
    free(p);
    struct stat st;
    if (stat(dir, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
    return 0;
}

static char *join(const char *dir, const char *prefix, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s/%s%s%s", dir, prefix, name, suffix);
    return s;
}

int dp_csv_open(dp_csv *c, const char *dir, const char *name)
{
    memset(c, 0, sizeof *c);
    c->first = true;
    if (dp_mkdirs(dir) != 0) return -1;
    c->path = join(dir, "", name, "");
    c->tmp = join(dir, ".", name, ".XXXXXX");
    if (!c->path || !c->tmp) { dp_csv_abort(c); errno = ENOMEM; return -1; }
    int fd = mkstemp(c->tmp);
    if (fd < 0) { int e = errno; free(c->tmp); c->tmp = NULL; dp_csv_abort(c); errno = e; return -1; }
    fchmod(fd, 0644);   /* mkstemp makes it private; reports are for sharing */
    c->f = fdopen(fd, "w");
    if (!c->f) { int e = errno; close(fd); dp_csv_abort(c); errno = e; return -1; }
    return 0;
}

static void note(dp_csv *c, int ok)
{
    if (!ok && !c->err) c->err = errno ? errno : EIO;
}

static void sep(dp_csv *c)
{
    if (!c->first) note(c, putc(',', c->f) != EOF);
    c->first = false;
}

void dp_csv_str(dp_csv *c, const char *s)
{
    sep(c);
    if (strpbrk(s, ",\"\r\n") == NULL) {
        note(c, fputs(s, c->f) != EOF);
        return;
    }
    note(c, putc('"', c->f) != EOF);
    for (; *s; s++) {
        if (*s == '"') note(c, putc('"', c->f) != EOF);
        note(c, putc(*s, c->f) != EOF);
    }
    note(c, putc('"', c->f) != EOF);
}

void dp_csv_int(dp_csv *c, long long v)
{
    sep(c);
    note(c, fprintf(c->f, "%lld", v) >= 0);
}

void dp_csv_fmt(dp_csv *c, const char *fmt, ...)
{
    va_list ap;
    sep(c);
    va_start(ap, fmt);
    note(c, vfprintf(c->f, fmt, ap) >= 0);
    va_end(ap);
}

void dp_csv_empty(dp_csv *c) { sep(c); }

void dp_csv_end_row(dp_csv *c)
{
    note(c, putc('\n', c->f) != EOF);
    c->first = true;
}

int dp_csv_commit(dp_csv *c)
{
    if (!c->f) { errno = c->err ? c->err : EINVAL; return -1; }
    note(c, fflush(c->f) == 0);
    note(c, !ferror(c->f));
    int closed = fclose(c->f);
    c->f = NULL;
    note(c, closed == 0);
    if (!c->err && rename(c->tmp, c->path) != 0) note(c, 0);
    if (c->err) {
        int e = c->err;
        dp_csv_abort(c);
        errno = e;
        return -1;
    }
    free(c->tmp);
    c->tmp = NULL;
    dp_csv_abort(c);
    return 0;
}

void dp_csv_abort(dp_csv *c)
{
    if (c->f) fclose(c->f);
    if (c->tmp) unlink(c->tmp);
    free(c->tmp);
    free(c->path);
    c->f = NULL;
    c->tmp = c->path = NULL;
}
