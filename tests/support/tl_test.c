#include "tl_test.h"
#undef print_error
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tl_test_print(const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    print_error("%s", buf);
}

void tl_test_assert_ok(int rc, const char *expr, const char *file, int line)
{
    if (rc != TL_OK) {
        const tl_error *e = tl_error_last();
        tl_test_print("%s:%d: %s returned %s: %s%s%s\n", file, line, expr, tl_error_name(rc),
                      e->message, e->path[0] ? " at " : "", e->path);
        _fail(file, line);
    }
}

void tl_test_assert_error(int rc, int want, const char *expr, const char *file, int line)
{
    if (rc != want) {
        const tl_error *e = tl_error_last();
        tl_test_print("%s:%d: %s returned %s, expected %s (last error: %s)\n", file, line, expr,
                      tl_error_name(rc), tl_error_name(want), e->message);
        _fail(file, line);
    }
    if (want != TL_OK && tl_error_last()->code != want) {
        tl_test_print("%s:%d: %s: tl_error_last()->code is %s, expected %s\n", file, line, expr,
                      tl_error_name(tl_error_last()->code), tl_error_name(want));
        _fail(file, line);
    }
}

char *tl_test_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

const char *tl_test_data(const char *relative)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", TL_TEST_DATA_DIR, relative);
    return path;
}

static unsigned long alloc_count, fail_at;
static long outstanding;

void tl_test_alloc_reset(void)
{
    alloc_count = 0;
    fail_at = 0;
    outstanding = 0;
}
void tl_test_alloc_fail_at(unsigned long n)
{
    fail_at = n;
}
unsigned long tl_test_alloc_count(void)
{
    return alloc_count;
}
long tl_test_alloc_outstanding(void)
{
    return outstanding;
}

static void *counting_malloc(size_t n)
{
    if (fail_at && ++alloc_count == fail_at)
        return NULL;
    if (!fail_at)
        ++alloc_count;
    void *p = malloc(n ? n : 1);
    if (p)
        ++outstanding;
    return p;
}

static void *counting_realloc(void *p, size_t n)
{
    if (!p)
        return counting_malloc(n);
    if (fail_at && ++alloc_count == fail_at)
        return NULL;
    if (!fail_at)
        ++alloc_count;
    return realloc(p, n ? n : 1);
}

static void counting_free(void *p)
{
    if (p) {
        --outstanding;
        free(p);
    }
}

void tl_test_alloc_install(void)
{
    tl_set_allocator(counting_malloc, counting_realloc, counting_free);
}
void tl_test_alloc_uninstall(void)
{
    tl_set_allocator(NULL, NULL, NULL);
}
