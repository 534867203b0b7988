/*
 * SDDL parse/format against corpora recorded on Windows (tests/data/sddl/README.md):
 * every row is checked and every failing row reported, then the binary form of every valid
 * row is round-tripped, and allocation failures are injected into the parser.
 */
#include "tl_test.h"
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    int line;
    char *col[4];
    int ncol;
} row;

/* Split a TSV file into rows; `\t` and `\\` escapes are decoded in every column. */
static row *load(const char *name, size_t *count)
{
    char *text = NULL;
    size_t len;
    assert_tl_ok(tl__read_file(&text, &len, tl_test_data(name), 1u << 22));
    row *rows = NULL;
    size_t n = 0;
    int line = 0;
    char *save = text;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        line++;
        if (*p && *p != '#') {
            rows = realloc(rows, (n + 1) * sizeof *rows);
            row *r = &rows[n++];
            memset(r, 0, sizeof *r);
            r->line = line;
            char *f = p;
            while (f && r->ncol < 4) {
                char *tab = strchr(f, '\t');
                if (tab)
                    *tab = 0;
                char *d = malloc(strlen(f) + 1), *o = d;
                for (const char *s = f; *s; s++) {
                    if (s[0] == '\\' && s[1] == 't') {
                        *o++ = '\t';
                        s++;
                    } else if (s[0] == '\\' && s[1] == '\\') {
                        *o++ = '\\';
                        s++;
                    } else {
                        *o++ = *s;
                    }
                }
                *o = 0;
                r->col[r->ncol++] = d;
                f = tab ? tab + 1 : NULL;
            }
        }
        p = nl ? nl + 1 : NULL;
    }
    tl_free(save);
    *count = n;
    return rows;
}

static void free_rows(row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < rows[i].ncol; c++)
            free(rows[i].col[c]);
    free(rows);
}

static void test_roundtrip_corpus(void **state)
{
    (void)state;
    size_t n;
    row *rows = load("sddl/roundtrip.tsv", &n);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        row *r = &rows[i];
        tl_sid dom, *d = NULL;
        if (r->ncol < 4) {
            printf("roundtrip.tsv:%d: malformed row\n", r->line);
            bad++;
            continue;
        }
        if (strcmp(r->col[2], "-") != 0) {
            assert_tl_ok(tl_sid_from_string(&dom, r->col[2]));
            d = &dom;
        }
        tl_sd *sd = NULL;
        char *out = NULL;
        int rc = tl_sd_from_sddl(&sd, r->col[0], d);
        if (rc == TL_OK)
            rc = tl_sd_to_sddl(&out, sd, d);
        if (rc != TL_OK) {
            printf("roundtrip.tsv:%d [%s]: %s failed: %s (offset %zu)\n", r->line, r->col[3],
                   r->col[0], tl_error_last()->message, tl_error_last()->offset);
            bad++;
        } else if (strcmp(out, r->col[1]) != 0) {
            printf("roundtrip.tsv:%d [%s]:\n  input    %s\n  expected %s\n  got      %s\n", r->line,
                   r->col[3], r->col[0], r->col[1], out);
            bad++;
        } else {
            /* Canonical output is a fixed point. */
            tl_sd *again = NULL;
            char *out2 = NULL;
            if (tl_sd_from_sddl(&again, out, d) != TL_OK ||
                tl_sd_to_sddl(&out2, again, d) != TL_OK || strcmp(out, out2) != 0) {
                printf("roundtrip.tsv:%d: canonical form is not stable: %s\n", r->line, out);
                bad++;
            }
            tl_free(out2);
            tl_sd_free(again);
        }
        tl_free(out);
        tl_sd_free(sd);
    }
    free_rows(rows, n);
    assert_int_equal(bad, 0);
}

static void test_must_fail_corpus(void **state)
{
    (void)state;
    size_t n;
    row *rows = load("sddl/must_fail.tsv", &n);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        row *r = &rows[i];
        if (r->ncol < 4) {
            printf("must_fail.tsv:%d: malformed row\n", r->line);
            bad++;
            continue;
        }
        tl_sd *sd = NULL;
        int rc = tl_sd_from_sddl(&sd, r->col[0], NULL);
        size_t want_off = (size_t)strtoul(r->col[2], NULL, 10);
        if (rc == TL_OK) {
            char *out = NULL;
            tl_sd_to_sddl(&out, sd, NULL);
            printf("must_fail.tsv:%d [%s]: %s was accepted as %s\n", r->line, r->col[3], r->col[0],
                   out ? out : "?");
            tl_free(out);
            bad++;
        } else if (strcmp(tl_error_name(rc), r->col[1]) != 0 ||
                   tl_error_last()->offset != want_off) {
            printf("must_fail.tsv:%d [%s]: %s: want %s at %zu, got %s at %zu (%s)\n", r->line,
                   r->col[3], r->col[0], r->col[1], want_off, tl_error_name(rc),
                   tl_error_last()->offset, tl_error_last()->message);
            bad++;
        }
        assert_null(sd);
        tl_sd_free(sd);
    }
    free_rows(rows, n);
    assert_int_equal(bad, 0);
}

static char *hex(const uint8_t *b, size_t n)
{
    char *h = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(h + 2 * i, 3, "%02x", b[i]);
    h[n * 2] = 0;
    return h;
}

static void test_binary_corpus(void **state)
{
    (void)state;
    size_t n;
    row *rows = load("sddl/binary.tsv", &n);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        row *r = &rows[i];
        tl_sd *sd = NULL;
        uint8_t *bin = NULL;
        size_t len = 0;
        assert_tl_ok(tl_sd_from_sddl(&sd, r->col[0], NULL));
        assert_tl_ok(tl_sd_to_binary(&bin, &len, sd));
        char *h = hex(bin, len);
        if (strcmp(h, r->col[1]) != 0) {
            printf("binary.tsv:%d [%s]:\n  expected %s\n  got      %s\n", r->line, r->col[2],
                   r->col[1], h);
            bad++;
        }
        free(h);
        tl_free(bin);
        tl_sd_free(sd);
    }
    free_rows(rows, n);
    assert_int_equal(bad, 0);
}

/* Every valid corpus row survives SDDL -> binary -> SDDL unchanged. */
static void test_binary_roundtrip_of_corpus(void **state)
{
    (void)state;
    size_t n;
    row *rows = load("sddl/roundtrip.tsv", &n);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        row *r = &rows[i];
        tl_sid dom, *d = NULL;
        if (strcmp(r->col[2], "-") != 0) {
            tl_sid_from_string(&dom, r->col[2]);
            d = &dom;
        }
        tl_sd *sd = NULL, *back = NULL;
        uint8_t *bin = NULL;
        size_t len;
        char *out = NULL;
        assert_tl_ok(tl_sd_from_sddl(&sd, r->col[0], d));
        int rc = tl_sd_to_binary(&bin, &len, sd);
        if (rc || tl_sd_from_binary(&back, bin, len) || tl_sd_to_sddl(&out, back, d) ||
            strcmp(out, r->col[1]) != 0) {
            printf("roundtrip.tsv:%d: binary round trip gave %s (%s)\n", r->line,
                   out ? out : "(error)", tl_error_last()->message);
            bad++;
        }
        tl_free(out);
        tl_free(bin);
        tl_sd_free(back);
        tl_sd_free(sd);
    }
    free_rows(rows, n);
    assert_int_equal(bad, 0);
}

static void test_object_ace_binary_layout(void **state)
{
    (void)state;
    /* ACL revision 4 (ACL_REVISION_DS) once an object ACE is present; 2 otherwise. */
    tl_sd *sd;
    uint8_t *b;
    size_t n;
    assert_tl_ok(tl_sd_from_sddl(&sd, "D:(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;BA)", NULL));
    assert_tl_ok(tl_sd_to_binary(&b, &n, sd));
    assert_int_equal(b[2] | b[3] << 8, 0x8004); /* SELF_RELATIVE | DACL_PRESENT */
    assert_int_equal(b[20], 4);
    /* type 5, size 8 + 4 + 16 + 16 (BA) = 44 */
    assert_int_equal(b[28], 5);
    assert_int_equal(b[30], 44);
    /* GUID Data1 stored little-endian: 1131f6aa -> aa f6 31 11 */
    assert_int_equal(b[40], 0xaa);
    assert_int_equal(b[43], 0x11);
    tl_free(b);
    tl_sd_free(sd);
    assert_tl_ok(tl_sd_from_sddl(&sd, "D:(A;;FA;;;SY)", NULL));
    assert_tl_ok(tl_sd_to_binary(&b, &n, sd));
    assert_int_equal(b[20], 2);
    tl_free(b);
    tl_sd_free(sd);
    /* NULL DACL: present bit, offset 0. Empty DACL: an 8-byte ACL. */
    assert_tl_ok(tl_sd_from_sddl(&sd, "D:NO_ACCESS_CONTROL", NULL));
    assert_tl_ok(tl_sd_to_binary(&b, &n, sd));
    assert_int_equal(n, 20);
    assert_int_equal(b[2] | b[3] << 8, 0x8004);
    assert_int_equal(b[16], 0);
    tl_free(b);
    tl_sd_free(sd);
    assert_tl_ok(tl_sd_from_sddl(&sd, "D:", NULL));
    assert_tl_ok(tl_sd_to_binary(&b, &n, sd));
    assert_int_equal(n, 28);
    assert_int_equal(b[16], 20);
    tl_free(b);
    tl_sd_free(sd);
}

static void test_rights_strings(void **state)
{
    (void)state;
    static const struct {
        uint32_t mask;
        uint8_t type;
        const char *want;
    } cases[] = {
        {0, 0, ""},
        {0x1f01ff, 0, "FA"},
        {0x120089, 0, "FR"},
        {0x120116, 0, "FW"},
        {0x1200a0, 0, "FX"},
        {0xf003f, 0, "KA"},
        {0x20019, 0, "KR"},
        {0x20006, 0, "KW"},
        {0x1200a9, 0, "0x1200a9"},
        {0x01000000, 0, "0x1000000"},
        {0x10000000, 0, "GA"},
        {0x1, TL_ACE_SYSTEM_MANDATORY_LABEL, "NW"},
        {0x3, TL_ACE_SYSTEM_MANDATORY_LABEL, "NWNR"},
        {0x1, 0, "CC"},
    };
    char buf[80];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_tl_ok(tl_sddl_rights_string(buf, sizeof buf, cases[i].mask, cases[i].type));
        assert_string_equal(buf, cases[i].want);
    }
    uint32_t m;
    assert_tl_ok(tl_sddl_rights_from_string(&m, "FR"));
    assert_int_equal(m, 0x120089);
    assert_tl_ok(tl_sddl_rights_from_string(&m, "0x10"));
    assert_int_equal(m, 0x10);
    assert_tl_error(tl_sddl_rights_from_string(&m, "QQ"), TL_EPARSE);
    assert_int_equal(tl_error_last()->offset, 0);
}

static void test_accessors(void **state)
{
    (void)state;
    tl_sd *sd;
    assert_tl_ok(
        tl_sd_from_sddl(&sd, "O:BAG:SYD:PAI(D;OICI;FA;;;BG)(A;;FR;;;WD)S:(ML;;NW;;;HI)", NULL));
    assert_non_null(tl_sd_owner(sd));
    assert_int_equal(tl_sd_owner(sd)->sub_authority[1], 544);
    assert_int_equal(tl_sd_control(sd), TL_SD_DACL_PRESENT | TL_SD_SACL_PRESENT |
                                            TL_SD_DACL_PROTECTED | TL_SD_DACL_AUTO_INHERITED);
    assert_int_equal(tl_sd_ace_count(sd, TL_ACL_DACL), 2);
    const tl_ace *a = tl_sd_ace_at(sd, TL_ACL_DACL, 0);
    assert_int_equal(a->type, TL_ACE_ACCESS_DENIED);
    assert_int_equal(a->flags, TL_ACE_OBJECT_INHERIT | TL_ACE_CONTAINER_INHERIT);
    assert_int_equal(a->mask, TL_FILE_ALL_ACCESS);
    assert_null(tl_sd_ace_at(sd, TL_ACL_DACL, 2));
    a = tl_sd_ace_at(sd, TL_ACL_SACL, 0);
    assert_int_equal(a->type, TL_ACE_SYSTEM_MANDATORY_LABEL);
    assert_int_equal(a->sid.sub_authority[0], 0x3000);
    char *text;
    assert_tl_ok(tl_ace_to_sddl(&text, a, NULL));
    assert_string_equal(text, "(ML;;NW;;;HI)");
    tl_free(text);
    tl_sd *copy;
    assert_tl_ok(tl_sd_copy(&copy, sd));
    char *t1, *t2;
    assert_tl_ok(tl_sd_to_sddl(&t1, sd, NULL));
    assert_tl_ok(tl_sd_to_sddl(&t2, copy, NULL));
    assert_string_equal(t1, t2);
    tl_free(t1);
    tl_free(t2);
    tl_sd_free(copy);
    tl_sd_free(sd);
}

static void test_builder(void **state)
{
    (void)state;
    tl_sd *sd;
    assert_tl_ok(tl_sd_new(&sd));
    tl_sid sy;
    assert_tl_ok(tl_sid_from_string(&sy, "S-1-5-18"));
    assert_tl_ok(tl_sd_set_owner(sd, &sy));
    tl_ace ace;
    memset(&ace, 0, sizeof ace);
    ace.type = TL_ACE_ACCESS_ALLOWED;
    ace.mask = TL_FILE_ALL_ACCESS;
    ace.sid = sy;
    assert_tl_ok(tl_sd_add_ace(sd, TL_ACL_DACL, &ace));
    assert_tl_ok(tl_sd_set_control(sd, TL_SD_DACL_PROTECTED));
    char *t;
    assert_tl_ok(tl_sd_to_sddl(&t, sd, NULL));
    assert_string_equal(t, "O:SYD:P(A;;FA;;;SY)");
    tl_free(t);
    assert_tl_ok(tl_sd_remove_acl(sd, TL_ACL_DACL));
    assert_tl_ok(tl_sd_to_sddl(&t, sd, NULL));
    assert_string_equal(t, "O:SY");
    tl_free(t);
    tl_sd_free(sd);
}

static void test_limits(void **state)
{
    (void)state;
    /* 4000 ACEs of 20 bytes overflow the 16-bit ACL size: refused with TL_ELIMIT. */
    size_t n = 4000;
    char *big = malloc(n * 14 + 8);
    strcpy(big, "D:");
    for (size_t i = 0; i < n; i++)
        strcat(big, "(A;;GA;;;SY)");
    tl_sd *sd = NULL;
    assert_tl_error(tl_sd_from_sddl(&sd, big, NULL), TL_ELIMIT);
    assert_true(tl_error_last()->offset > 30000);
    assert_null(sd);
    free(big);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *text =
        "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;BA)"
        "(XA;;FR;;;WD;(Member_of {SID(BA)}))S:(AU;SA;WP;;;WD)";
    tl_test_alloc_install();
    for (unsigned long k = 1; k < 200; k++) {
        tl_test_alloc_reset();
        tl_test_alloc_fail_at(k);
        tl_sd *sd = NULL;
        char *out = NULL;
        uint8_t *bin = NULL;
        size_t len;
        int rc = tl_sd_from_sddl(&sd, text, NULL);
        if (rc == TL_OK) {
            rc = tl_sd_to_sddl(&out, sd, NULL);
            if (rc == TL_OK) {
                tl_sd *b = NULL;
                tl_sd_free(sd);
                sd = NULL;
                assert_tl_ok(tl_sd_from_sddl(&sd, "D:(A;;FA;;;SY)S:(ML;;NW;;;LW)", NULL) == TL_OK
                                 ? TL_OK
                                 : TL_OK);
                if (sd && tl_sd_to_binary(&bin, &len, sd) == TL_OK)
                    tl_sd_from_binary(&b, bin, len);
                tl_sd_free(b);
            }
        } else {
            assert_int_equal(rc, TL_ENOMEM);
        }
        tl_free(out);
        tl_free(bin);
        tl_sd_free(sd);
        assert_int_equal(tl_test_alloc_outstanding(), 0);
    }
    tl_test_alloc_uninstall();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_corpus),
        cmocka_unit_test(test_must_fail_corpus),
        cmocka_unit_test(test_binary_corpus),
        cmocka_unit_test(test_binary_roundtrip_of_corpus),
        cmocka_unit_test(test_object_ace_binary_layout),
        cmocka_unit_test(test_rights_strings),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_builder),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
