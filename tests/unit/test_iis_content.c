/* The SITE=SDDL content reader (tokenlens/iis_content.h) shared by the CLI and the bindings:
 * good and bad lines, where errors point, bounds, and allocation failures. */
#include "tl_test.h"
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
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl_iis_content *c = NULL;
        assert_tl_ok(tl_iis_content_new(&c));
        size_t len = strlen(rows[i].text);
        if (i == 3)
            len = sizeof "coke=D:(A;;FR;;;WD)\n\nx\0y=D:\n" - 1;
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
    for (int i = 0; i < TL_IIS_CONTENT_MAX_SITES; i++)
        assert_tl_ok(tl_iis_content_add(c, "s", "D:"));
    assert_tl_error(tl_iis_content_add(c, "s", "D:"), TL_ELIMIT);
    tl_iis_content *none = NULL;
    tl_iis_isolation *iso = (tl_iis_isolation *)1;
    assert_tl_error(tl_iis_content_evaluate(&iso, NULL, none), TL_EINVAL);
    assert_null(iso);
    tl_iis_content_free(c);
    tl_iis_content_free(NULL);
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
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests_name("iis_content", tests, NULL, NULL);
}
