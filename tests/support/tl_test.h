/* Shared test helpers: cmocka plus domain assertions that print tl_error_last(). */
#ifndef TL_TEST_H
#define TL_TEST_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tokenlens.h"

/* cmocka's print_error is declared with the platform printf archetype, which on mingw is
 * msvcrt's (no %zu). Route every test's print_error (and cmocka's fail_msg) through a C99
 * formatter so the same test source prints the same on Linux and under Wine. */
#if defined(__MINGW32__)
#define TL_TEST_PRINTF __attribute__((format(gnu_printf, 1, 2)))
#else
#define TL_TEST_PRINTF __attribute__((format(printf, 1, 2)))
#endif
void tl_test_print(const char *fmt, ...) TL_TEST_PRINTF;
#define print_error tl_test_print

/* Fails the test, printing the library's last error, when `expr` is not TL_OK. */
#define assert_tl_ok(expr) tl_test_assert_ok((expr), #expr, __FILE__, __LINE__)
/* Fails unless `expr` returns exactly the error `code`. */
#define assert_tl_error(expr, code) tl_test_assert_error((expr), (code), #expr, __FILE__, __LINE__)

void tl_test_assert_ok(int rc, const char *expr, const char *file, int line);
void tl_test_assert_error(int rc, int want, const char *expr, const char *file, int line);

/* strdup is not in C11: tests use this (free with free()). */
char *tl_test_strdup(const char *s);

/* Path of a file under tests/data (static buffer, valid until the next call). */
const char *tl_test_data(const char *relative);

/* Allocation failure injection: the Nth allocation from now fails (0 = never). Counts
 * allocations made since tl_test_alloc_reset(). */
void tl_test_alloc_reset(void);
void tl_test_alloc_fail_at(unsigned long n);
unsigned long tl_test_alloc_count(void);
/* Outstanding allocations (mallocs minus frees) since reset: a leak detector for the
 * failure-injection loops. */
long tl_test_alloc_outstanding(void);
void tl_test_alloc_install(void); /* route tokenlens allocations through the counters */
void tl_test_alloc_uninstall(void);

#endif
