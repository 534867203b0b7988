/*
 * icacls text as a descriptor source (tests/data/icacls/README.md) and the icacls-style
 * printout: the files parse to the descriptors they describe, bad input is refused with
 * the line and offset, and printing gives icacls' words back.
 */
#include "tl_test.h"
#include "internal.h"
#include <stdlib.h>
#include <string.h>

static tl_icacls *load(const char *name)
{
    char *text = NULL;
    size_t len = 0;
    assert_tl_ok(tl__read_file(&text, &len, tl_test_data(name), 1u << 20));
    tl_icacls *ic = NULL;
    assert_tl_ok(tl_icacls_parse(&ic, text, len, NULL));
    tl_free(text);
    return ic;
}

static void assert_sddl(const tl_sd *sd, const char *want)
{
    char *got = NULL;
    assert_tl_ok(tl_sd_to_sddl(&got, sd, NULL));
    assert_string_equal(got, want);
    tl_free(got);
}

static void test_listing(void **state)
{
    (void)state;
    tl_icacls *ic = load("icacls/listing.txt");
    assert_int_equal(tl_icacls_count(ic), 2);
    assert_string_equal(tl_icacls_path_at(ic, 0), "C:\\inetpub\\wwwroot");
    assert_string_equal(tl_icacls_path_at(ic, 1), "C:\\inetpub\\Coke Site"); /* a blank */
    assert_sddl(tl_icacls_sd_at(ic, 0),
                "D:(A;ID;FA;;;S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464)"
                "(A;CIIOID;FA;;;S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464)"
                "(A;ID;FA;;;SY)(A;OICIIOID;FA;;;SY)(A;ID;FA;;;BA)(A;OICIIOID;FA;;;BA)"
                "(A;ID;0x1200a9;;;BU)(A;OICIIOID;GXGR;;;BU)(A;OICIIOID;FA;;;CO)");
    /* IIS APPPOOL\Coke, a deny of W and D, Modify for a SID. */
    assert_sddl(tl_icacls_sd_at(ic, 1),
                "D:(A;OICI;0x1200a9;;;S-1-5-82-2346938391-3125840486-1306306810-1705824326-"
                "1878068061)(D;;0x110116;;;WD)(A;;0x1301bf;;;S-1-5-21-1-2-3-1000)");
    assert_null(tl_icacls_sd_at(ic, 2));
    assert_null(tl_icacls_path_at(ic, 2));
    char *text = NULL;
    assert_tl_ok(tl_sd_to_icacls(&text, tl_icacls_sd_at(ic, 1)));
    assert_string_equal(text, "S-1-5-82-2346938391-3125840486-1306306810-1705824326-1878068061:"
                              "(OI)(CI)(RX)\nEveryone:(DENY)(W,D)\nS-1-5-21-1-2-3-1000:(M)\n");
    tl_free(text);
    tl_icacls_free(ic);
}

static void test_save_file_utf16(void **state)
{
    (void)state;
    tl_icacls *ic = load("icacls/save-utf16.txt");
    assert_int_equal(tl_icacls_count(ic), 2);
    assert_string_equal(tl_icacls_path_at(ic, 0), "wwwroot");
    assert_sddl(tl_icacls_sd_at(ic, 0),
                "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)");
    char *text = NULL;
    assert_tl_ok(tl_sd_to_icacls(&text, tl_icacls_sd_at(ic, 0)));
    assert_string_equal(text, "NT AUTHORITY\\SYSTEM:(OI)(CI)(F)\nBUILTIN\\Administrators:(OI)(CI)"
                              "(F)\nBUILTIN\\Users:(OI)(CI)(RX)\n");
    tl_free(text);
    tl_icacls_free(ic);
}

static void test_rights_words(void **state)
{
    (void)state;
    static const struct {
        const char *sddl, *icacls;
    } rows[] = {
        {"D:(A;;FA;;;WD)", "Everyone:(F)\n"},
        {"D:(A;;0x1301bf;;;WD)", "Everyone:(M)\n"},
        {"D:(A;;FR;;;WD)", "Everyone:(R)\n"},
        {"D:(A;;0x100116;;;WD)", "Everyone:(W)\n"},
        {"D:(A;;SD;;;WD)", "Everyone:(D)\n"},
        {"D:(A;;;;;WD)", "Everyone:(N)\n"},
        {"D:(A;;0x1201bf;;;WD)", "Everyone:(RX,W)\n"},
        {"D:(A;;CCDC;;;WD)", "Everyone:(RD,WD)\n"},
        {"D:(A;CINP;GXGR;;;WD)", "Everyone:(CI)(NP)(GR,GE)\n"},
        {"D:(D;OICI;WDWO;;;WD)", "Everyone:(DENY)(OI)(CI)(WDAC,WO)\n"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl_sd *sd;
        char *text = NULL;
        assert_tl_ok(tl_sd_from_sddl(&sd, rows[i].sddl, NULL));
        assert_tl_ok(tl_sd_to_icacls(&text, sd));
        assert_string_equal(text, rows[i].icacls);
        /* and back: "x NAME:(...)" parses to the same DACL */
        char *line = malloc(strlen(text) + 8);
        strcpy(line, "C:\\x ");
        strcat(line, text);
        tl_icacls *ic = NULL;
        assert_tl_ok(tl_icacls_parse(&ic, line, strlen(line), NULL));
        assert_sddl(tl_icacls_sd_at(ic, 0), rows[i].sddl);
        tl_icacls_free(ic);
        free(line);
        tl_free(text);
        tl_sd_free(sd);
    }
    tl_sd *sd;
    char *text = NULL;
    assert_tl_ok(tl_sd_from_sddl(&sd, "D:(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;BA)", NULL));
    assert_int_equal(tl_sd_to_icacls(&text, sd), TL_ENOTIMPL);
    assert_null(text);
    tl_sd_free(sd);
}

static void test_bad_input(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int code;
        const char *says;
    } rows[] = {
        {"C:\\x Everyone:(Q)", TL_EPARSE, "line 1: expected PATH NAME"},
        {"C:\\x Everyone:(F)\n   Everyone:(ZZ)", TL_EPARSE, "line 2: unknown right"},
        {"C:\\x CONTOSO\\alice:(F)", TL_EPARSE, "expected PATH NAME"},
        {"C:\\x Everyone:(F)\n   CONTOSO\\alice:(F)", TL_ENOTFOUND, "line 2: account"},
        {"", TL_EPARSE, "no icacls entries"},
        {"Successfully processed 0 files; Failed processing 0 files\n", TL_EPARSE, "no icacls"},
        {"wwwroot\nD:(A;;QQ;;;WD)\n", TL_EPARSE, "line 2"},
        {"C:\\x Everyone:(F)\n  Everyone:F)", TL_EPARSE, "line 2: unbalanced"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl_icacls *ic = (tl_icacls *)1;
        int rc = tl_icacls_parse(&ic, rows[i].text, strlen(rows[i].text), NULL);
        if (rc != rows[i].code || !strstr(tl_error_last()->message, rows[i].says))
            fail_msg("row %zu: %s -> %d %s", i, rows[i].text, rc, tl_error_last()->message);
        assert_null(ic);
    }
    assert_int_equal(tl_icacls_parse(NULL, "", 0, NULL), TL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listing),
        cmocka_unit_test(test_save_file_utf16),
        cmocka_unit_test(test_rights_words),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
