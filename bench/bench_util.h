/* What the C benchmarks share (header-only, like iis_gen.h): a counting allocator for
 * tl_set_allocator that tracks the library heap's current and peak bytes, and a monotonic
 * clock in seconds. */
#ifndef TL_BENCH_UTIL_H
#define TL_BENCH_UTIL_H
#include <stdlib.h>
#include <time.h>

static size_t cur_bytes, peak_bytes;

static void *count_malloc(size_t n)
{
    size_t *p = malloc(n + sizeof(size_t) * 2);
    if (!p)
        return NULL;
    p[0] = n;
    cur_bytes += n;
    if (cur_bytes > peak_bytes)
        peak_bytes = cur_bytes;
    return p + 2;
}

static void count_free(void *q)
{
    if (!q)
        return;
    size_t *p = (size_t *)q - 2;
    cur_bytes -= p[0];
    free(p);
}

static void *count_realloc(void *q, size_t n)
{
    if (!q)
        return count_malloc(n);
    size_t *p = (size_t *)q - 2;
    size_t old = p[0];
    size_t *np = realloc(p, n + sizeof(size_t) * 2);
    if (!np)
        return NULL;
    np[0] = n;
    cur_bytes = cur_bytes - old + n;
    if (cur_bytes > peak_bytes)
        peak_bytes = cur_bytes;
    return np + 2;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
#endif
