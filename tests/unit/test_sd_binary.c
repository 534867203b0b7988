/*
 * Binary self-relative descriptors: the MS-DTYP 2.5.1.4 example parses to its SDDL, every
 * truncation and every single-byte corruption is handled without crashing (run under ASan
 * and valgrind), and specific malformed inputs fail with the offset of the fault.
 */
#include "tl_test.h"
#include <stdlib.h>
#include <string.h>

/* MS-DTYP 2.5.1.4: "O:BAG:BAD:P(A;CIOI;GRGX;;;BU)(A;CIOI;GA;;;BA)(A;CIOI;GA;;;SY)
 * (A;CIOI;GA;;;CO)S:P(AU;FA;GR;;;WD)" in self-relative form. */
static const uint8_t msdtyp[] = {
    0x01, 0x00, 0x14, 0xb0, 0x90, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
    0x30, 0x00, 0x00, 0x00, 0x02, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x80, 0x14, 0x00,
    0x00, 0x00, 0x00, 0x80, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x60, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x03, 0x18, 0x00, 0x00, 0x00, 0x00, 0xa0,
    0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00, 0x21, 0x02, 0x00, 0x00,
    0x00, 0x03, 0x18, 0x00, 0x00, 0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
    0x20, 0x00, 0x00, 0x00, 0x20, 0x02, 0x00, 0x00, 0x00, 0x03, 0x14, 0x00, 0x00, 0x00, 0x00, 0x10,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x12, 0x00, 0x00, 0x00, 0x00, 0x03, 0x14, 0x00,
    0x00, 0x00, 0x00, 0x10, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00, 0x20, 0x02, 0x00, 0x00,
    0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00, 0x20, 0x02, 0x00, 0x00};

static void test_msdtyp_example(void **state)
{
    (void)state;
    tl_sd *sd;
    char *text;
    assert_tl_ok(tl_sd_from_binary(&sd, msdtyp, sizeof msdtyp));
    assert_tl_ok(tl_sd_to_sddl(&text, sd, NULL));
    assert_string_equal(text, "O:BAG:BAD:P(A;OICI;GXGR;;;BU)(A;OICI;GA;;;BA)(A;OICI;GA;;;SY)"
                              "(A;OICI;GA;;;CO)S:P(AU;FA;GR;;;WD)");
    uint8_t *bin;
    size_t n;
    assert_tl_ok(tl_sd_to_binary(&bin, &n, sd));
    assert_int_equal(n, sizeof msdtyp);
    assert_memory_equal(bin, msdtyp, n);
    tl_free(bin);
    tl_free(text);
    tl_sd_free(sd);
}

static void test_every_truncation(void **state)
{
    (void)state;
    /* The last part (the group) ends at the last byte, so every shorter buffer fails. */
    for (size_t n = 0; n < sizeof msdtyp; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, msdtyp, n);
        tl_sd *sd = (tl_sd *)1;
        int rc = tl_sd_from_binary(&sd, copy, n);
        assert_int_equal(rc, TL_EPARSE);
        assert_null(sd);
        assert_true(tl_error_last()->offset <= n);
        free(copy);
    }
}

static void test_every_corruption(void **state)
{
    (void)state;
    static const uint8_t values[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
    uint8_t copy[sizeof msdtyp];
    int parsed = 0;
    for (size_t i = 0; i < sizeof msdtyp; i++)
        for (size_t v = 0; v < sizeof values; v++) {
            memcpy(copy, msdtyp, sizeof copy);
            copy[i] = values[v];
            tl_sd *sd = NULL;
            if (tl_sd_from_binary(&sd, copy, sizeof copy) == TL_OK) {
                parsed++;
                char *t = NULL;
                uint8_t *b = NULL;
                size_t n;
                if (tl_sd_to_sddl(&t, sd, NULL) == TL_OK)
                    assert_non_null(t);
                if (tl_sd_to_binary(&b, &n, sd) == TL_OK)
                    assert_true(n >= 20);
                tl_free(t);
                tl_free(b);
                tl_sd_free(sd);
            } else {
                assert_null(sd);
            }
        }
    assert_true(parsed > 0);
}

static void test_malformed(void **state)
{
    (void)state;
    uint8_t b[sizeof msdtyp];
    tl_sd *sd;
    static const struct {
        size_t at;
        uint8_t value;
        size_t want_offset;
    } cases[] = {
        {0, 2, 0},          /* descriptor revision 2 */
        {3, 0x30, 2},       /* SE_SELF_RELATIVE cleared */
        {0x14, 9, 0x14},    /* SACL revision 9 */
        {0x16, 0xff, 0x16}, /* SACL size beyond the buffer */
        {0x1e, 0x02, 0x1e}, /* SACL ACE size 0x0214 beyond the ACL */
        {4, 0xf0, 4},       /* owner offset beyond the buffer: reported at its field */
        {0x1c, 0x42, 0x1c}, /* unknown ACE type */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(b, msdtyp, sizeof b);
        b[cases[i].at] = cases[i].value;
        if (cases[i].at == 0x1e)
            b[0x1f] = 0x02;
        sd = NULL;
        assert_tl_error(tl_sd_from_binary(&sd, b, sizeof b), TL_EPARSE);
        if (tl_error_last()->offset != cases[i].want_offset)
            fail_msg("case %zu: offset %zu, want %zu (%s)", i, tl_error_last()->offset,
                     cases[i].want_offset, tl_error_last()->message);
        assert_null(sd);
    }
    /* Trailing slack after the described parts is allowed. */
    uint8_t longer[sizeof msdtyp + 16];
    memset(longer, 0xcc, sizeof longer);
    memcpy(longer, msdtyp, sizeof msdtyp);
    assert_tl_ok(tl_sd_from_binary(&sd, longer, sizeof longer));
    tl_sd_free(sd);
    /* DACL present with offset 0 is a NULL DACL. */
    static const uint8_t null_dacl[20] = {1, 0, 4, 0x80};
    assert_tl_ok(tl_sd_from_binary(&sd, null_dacl, sizeof null_dacl));
    assert_true(tl_sd_acl_is_null(sd, TL_ACL_DACL));
    char *t;
    assert_tl_ok(tl_sd_to_sddl(&t, sd, NULL));
    assert_string_equal(t, "D:NO_ACCESS_CONTROL");
    tl_free(t);
    tl_sd_free(sd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msdtyp_example),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_every_corruption),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
