/* The SITE=SDDL content reader (tokenlens/iis_content.h) shared by the CLI and the bindings:
 * good and bad lines, where errors point, bounds, and allocation failures. */
#include "tl_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void parses_lines(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        size_t count;
        const char *first_site;
    } rows[] = {
        {"", TL_OK, 0, NULL},
        {"# only a comment\n\n   \n", TL_OK, 0, NULL},
        {"coke=D:(A;;FR;;;WD)", TL_OK, 1, "coke"},
        {"coke=D:(A;;FR;;;WD)\r\npepsi=D:(A;;FA;;;BA)\n# end\n", TL_OK, 2, "coke"},
        {"\tfanta=O:BAG:SYD:(A;OICI;FA;;;SY)\t\n", TL_OK, 1, "fanta"},
        /* the name is everything before the first '=', as typed (IIS site names may hold
         * spaces); the line's own ends are trimmed */
        {"  coke = D:(A;;FR;;;WD)  \r\n", TL_OK, 1, "coke "},
        {"a=b=D:", TL_EPARSE, 0, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl_iis_content *c = NULL;
        assert_tl_ok(tl_iis_content_new(&c));
        int rc = tl_iis_content_parse(c, rows[i].text, strlen(rows[i].text));
        if (rc != rows[i].rc)
            fail_msg("row %zu: %s, want %s (%s)", i, tl_error_name(rc), tl_error_name(rows[i].rc),
                     tl_error_last()->message);
        assert_int_equal(tl_iis_content_count(c), rows[i].count);
        if (rows[i].first_site)
            assert_string_equal(tl_iis_content_site(c, 0), rows[i].first_site);
        assert_null(tl_iis_content_site(c, rows[i].count));
        assert_null(tl_iis_content_sd(c, rows[i].count));
        if (rc == TL_OK)
            assert_int_equal(tl_error_last()->code, TL_OK);
        tl_iis_content_free(c);
    }
}

static void errors_name_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        const char *path;
        const char *says;
    } rows[] = {
        {"coke=D:(A;;FR;;;WD)\nbroken line\n", TL_EPARSE, "line 2", "expected SITE=SDDL"},
        {"=D:(A;;FR;;;WD)\n", TL_EPARSE, "line 1", "expected SITE=SDDL"},
        {"# c\ncoke=D:(A;;FR;;;ZZ)\n", TL_EPARSE, "line 2", "coke: "},
        {"coke=D:(A;;FR;;;WD)\n\nx\0y=D:\n", TL_EPARSE, "line 3", "NUL byte"},
        /* issue 18: whole input or an error naming the line */
        {"coke=D:(A;;FR;;;WD)\npepsi=D:(A;;FR;;;WD)\xff\n", TL_EPARSE, "line 2", "invalid UTF-8"},
        {"coke=D:(A;;FR;;;WD)\n\xc0\xaf\n", TL_EPARSE, "line 2", "invalid UTF-8"}, /* overlong */
        {"coke=D:(A;;FR;;;WD)\n\xed\xa0\x80\n", TL_EPARSE, "line 2",
         "invalid UTF-8"},                                                         /* surrogate */
        {"coke=D:(A;;FR;;;WD)\n\xe2\x82\n", TL_EPARSE, "line 2", "invalid UTF-8"}, /* cut */
        {"\xff\xfe"
         "c\0o\0",
         TL_EPARSE, "line 1", "UTF-16"},
        {"coke=D:(A;;FR;;;WD)\n# x\nCOKE=D:(A;;FA;;;BA)\n", TL_EPARSE, "line 3",
         "given twice (first on line 1)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl_iis_content *c = NULL;
        assert_tl_ok(tl_iis_content_new(&c));
        size_t len = strlen(rows[i].text);
        if (i == 3)
            len = sizeof "coke=D:(A;;FR;;;WD)\n\nx\0y=D:\n" - 1;
        if (i == 8)
            len = 6;
        assert_int_equal(tl_iis_content_parse(c, rows[i].text, len), rows[i].rc);
        assert_string_equal(tl_error_last()->path, rows[i].path);
        if (!strstr(tl_error_last()->message, rows[i].says))
            fail_msg("row %zu: '%s' lacks '%s'", i, tl_error_last()->message, rows[i].says);
        tl_iis_content_free(c);
    }
}

static void bad_arguments_and_bounds(void **state)
{
    (void)state;
    tl_iis_content *c = NULL;
    assert_tl_error(tl_iis_content_new(NULL), TL_EINVAL);
    assert_tl_ok(tl_iis_content_new(&c));
    assert_tl_error(tl_iis_content_add(c, "", "D:"), TL_EINVAL);
    assert_tl_error(tl_iis_content_add(c, NULL, "D:"), TL_EINVAL);
    assert_tl_error(tl_iis_content_add_spec(c, "no-equals"), TL_EPARSE);
    assert_tl_error(tl_iis_content_parse(c, NULL, 3), TL_EINVAL);
    assert_tl_error(tl_iis_content_parse(c, "x", TL_IIS_CONTENT_MAX_FILE + 1), TL_ELIMIT);
    assert_tl_error(tl_iis_content_load(c, "/nonexistent/content"), TL_EIO);
    assert_int_equal(tl_iis_content_count(c), 0);
    for (int i = 0; i < TL_IIS_CONTENT_MAX_SITES; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        assert_tl_ok(tl_iis_content_add(c, name, "D:"));
    }
    assert_tl_error(tl_iis_content_add(c, "one-more", "D:"), TL_ELIMIT);
    tl_iis_content *none = NULL;
    tl_iis_isolation *iso = (tl_iis_isolation *)1;
    assert_tl_error(tl_iis_content_evaluate(&iso, NULL, none), TL_EINVAL);
    assert_null(iso);
    tl_iis_content_free(c);
    tl_iis_content_free(NULL);
}

/* Issue 18 item 1: a failed parse adds nothing (a verdict is never given from the lines
 * before the fault), a line after byte 1,048,575 is read, an over-long line is refused by
 * number, and a UTF-8 byte order mark is skipped. */
static void whole_input_or_nothing(void **state)
{
    (void)state;
    tl_iis_content *c = NULL;
    assert_tl_ok(tl_iis_content_new(&c));
    assert_tl_ok(tl_iis_content_add(c, "before", "D:"));
    static const char two[] = "coke=D:(A;;FR;;;WD)\npepsi=D:(A;;FR;;;WD)\nbroken\n";
    assert_tl_error(tl_iis_content_parse(c, two, sizeof two - 1), TL_EPARSE);
    assert_int_equal(tl_iis_content_count(c), 1);
    assert_string_equal(tl_iis_content_site(c, 0), "before");
    /* the rollback also forgets the names: coke can be added now */
    assert_tl_ok(tl_iis_content_add(c, "coke", "D:"));
    assert_tl_error(tl_iis_content_add(c, "Before", "D:"), TL_EPARSE);
    if (!strstr(tl_error_last()->message, "given twice"))
        fail_msg("duplicate: %s", tl_error_last()->message);
    tl_iis_content_free(c);

    /* exactly TL_IIS_CONTENT_MAX_FILE bytes: comment padding, then a line at the very end */
    size_t n = TL_IIS_CONTENT_MAX_FILE;
    char *big = malloc(n);
    assert_non_null(big);
    static const char last[] = "\nlate=D:(A;;FR;;;WD)\n";
    memset(big, '#', n);
    for (size_t at = 1000; at + 1 < n - sizeof last; at += 1000)
        big[at] = '\n';
    memcpy(big + n - (sizeof last - 1), last, sizeof last - 1);
    assert_tl_ok(tl_iis_content_new(&c));
    assert_tl_ok(tl_iis_content_parse(c, big, n));
    assert_int_equal(tl_iis_content_count(c), 1);
    assert_string_equal(tl_iis_content_site(c, 0), "late");
    /* the same line made bad: the error names it */
    big[n - 3] = '!';
    assert_tl_error(tl_iis_content_parse(c, big, n), TL_EPARSE);
    assert_int_equal(tl_iis_content_count(c), 1);
    assert_true(tl_error_last()->offset >= 1048575 - sizeof last);
    /* one line longer than the line limit */
    memset(big, 'a', n);
    big[0] = '\n';
    assert_tl_error(tl_iis_content_parse(c, big, TL_IIS_CONTENT_MAX_LINE + 2), TL_ELIMIT);
    assert_string_equal(tl_error_last()->path, "line 2");
    assert_tl_ok(tl_iis_content_parse(c, "\n", 1));
    free(big);
    tl_iis_content_free(c);

    assert_tl_ok(tl_iis_content_new(&c));
    static const char bom[] = "\xef\xbb\xbf# saved by Notepad\ncoke=D:(A;;FR;;;WD)\n";
    assert_tl_ok(tl_iis_content_parse(c, bom, sizeof bom - 1));
    assert_int_equal(tl_iis_content_count(c), 1);
    assert_string_equal(tl_iis_content_site(c, 0), "coke");
    static const char utf8[] = "caf\xc3\xa9 \xf0\x9f\x8d\xb5=D:(A;;FR;;;WD)\n";
    assert_tl_ok(tl_iis_content_parse(c, utf8, sizeof utf8 - 1));
    assert_int_equal(tl_iis_content_count(c), 2);
    tl_iis_content_free(c);
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    static const char text[] = "coke=D:(A;;FR;;;WD)\npepsi=O:BAG:SYD:(A;OICI;FA;;;SY)\n";
    int finished = 0;
    for (unsigned long n = 1; n < 10000 && !finished; n++) {
        tl_test_alloc_reset();
        tl_test_alloc_install();
        tl_test_alloc_fail_at(n);
        tl_iis_content *c = NULL;
        int rc = tl_iis_content_new(&c);
        if (rc == TL_OK)
            rc = tl_iis_content_parse(c, text, sizeof text - 1);
        size_t count = tl_iis_content_count(c);
        tl_iis_content_free(c);
        long leaked = tl_test_alloc_outstanding();
        tl_test_alloc_uninstall();
        if (rc == TL_OK) {
            assert_int_equal(count, 2);
            finished = 1;
        } else if (rc != TL_ENOMEM) {
            fail_msg("allocation %lu failing gave %s", n, tl_error_name(rc));
        }
        if (leaked)
            fail_msg("allocation %lu failing leaked %ld blocks", n, leaked);
    }
    assert_true(finished);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_lines),
        cmocka_unit_test(errors_name_the_line),
        cmocka_unit_test(bad_arguments_and_bounds),
        cmocka_unit_test(whole_input_or_nothing),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests_name("iis_content", tests, NULL, NULL);
}
