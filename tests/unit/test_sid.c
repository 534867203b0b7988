/* SIDs: string and binary forms, names, aliases and virtual accounts, driven by the corpora
 * in tests/data/sid/ (each row names its source). Runs natively and under Wine. */
#include "tl_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- corpus reading: tab-separated, '#' comments ----------------------------------------- */

typedef struct row {
    char *f[3];
    int line;
} row;

static int load_tsv(const char *name, row **out)
{
    FILE *f = fopen(tl_test_data(name), "rb");
    if (!f)
        fail_msg("cannot open corpus %s", tl_test_data(name));
    row *rows = NULL;
    int n = 0, line = 0;
    char buf[1024];
    while (fgets(buf, sizeof buf, f)) {
        line++;
        buf[strcspn(buf, "\r\n")] = '\0';
        if (buf[0] == '#')
            continue;
        rows = realloc(rows, sizeof *rows * (size_t)(n + 1));
        assert_non_null(rows);
        row *r = &rows[n++];
        r->line = line;
        char *p = buf;
        for (int i = 0; i < 3; i++) {
            char *tab = p ? strchr(p, '\t') : NULL;
            if (tab)
                *tab = '\0';
            r->f[i] = tl_test_strdup(p ? p : "");
            p = tab ? tab + 1 : NULL;
        }
    }
    fclose(f);
    *out = rows;
    return n;
}

static void free_rows(row *rows, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 3; j++)
            free(rows[i].f[j]);
    free(rows);
}

/* ---- string form ------------------------------------------------------------------------- */

static void valid_strings_parse_to_canonical_form(void **state)
{
    row *rows;
    int n = load_tsv("sid/valid.tsv", &rows), bad = 0;
    assert_true(n >= 10);
    for (int i = 0; i < n; i++) {
        tl_sid sid;
        char s[TL_SID_STRING_MAX];
        if (tl_sid_from_string(&sid, rows[i].f[0]) != TL_OK) {
            print_error("valid.tsv:%d '%s' rejected: %s\n", rows[i].line, rows[i].f[0],
                        tl_error_last()->message);
            bad++;
            continue;
        }
        assert_tl_ok(tl_sid_to_string(s, sizeof s, &sid));
        if (strcmp(s, rows[i].f[1]) != 0) {
            print_error("valid.tsv:%d '%s' formats as '%s', expected '%s'\n", rows[i].line,
                        rows[i].f[0], s, rows[i].f[1]);
            bad++;
        }
    }
    free_rows(rows, n);
    assert_int_equal(bad, 0);
}

static void invalid_strings_fail_with_offset(void **state)
{
    row *rows;
    int n = load_tsv("sid/invalid.tsv", &rows), bad = 0;
    assert_true(n >= 10);
    for (int i = 0; i < n; i++) {
        tl_sid sid;
        memset(&sid, 0xAA, sizeof sid);
        int rc = tl_sid_from_string(&sid, rows[i].f[0]);
        size_t want = (size_t)strtoul(rows[i].f[1], NULL, 10);
        if (rc != TL_EPARSE) {
            print_error("invalid.tsv:%d '%s' (%s): got %s, expected TL_EPARSE\n", rows[i].line,
                        rows[i].f[0], rows[i].f[2], tl_error_name(rc));
            bad++;
        } else if (tl_error_last()->offset != want) {
            print_error("invalid.tsv:%d '%s' (%s): offset %zu, expected %zu (%s)\n", rows[i].line,
                        rows[i].f[0], rows[i].f[2], tl_error_last()->offset, want,
                        tl_error_last()->message);
            bad++;
        } else if (sid.revision != 0xAA || sid.sub_authority_count != 0xAA) {
            print_error("invalid.tsv:%d: output written on failure (must stay untouched)\n",
                        rows[i].line);
            bad++;
        }
    }
    free_rows(rows, n);
    assert_int_equal(bad, 0);
}

static void stringn_does_not_read_past_length(void **state)
{
    tl_sid sid;
    char s[TL_SID_STRING_MAX];
    assert_tl_ok(tl_sid_from_stringn(&sid, "S-1-5-18-999", 8));
    assert_tl_ok(tl_sid_to_string(s, sizeof s, &sid));
    assert_string_equal(s, "S-1-5-18");
}

static void to_string_reports_small_buffer(void **state)
{
    tl_sid sid;
    char s[8];
    assert_tl_ok(tl_sid_from_string(&sid, "S-1-5-32-544"));
    assert_tl_error(tl_sid_to_string(s, sizeof s, &sid), TL_ERANGE);
    char big[TL_SID_STRING_MAX];
    uint32_t subs[15];
    for (int i = 0; i < 15; i++)
        subs[i] = 0xFFFFFFFFu;
    assert_tl_ok(tl_sid_init(&sid, 0xFFFFFFFFFFFFull, subs, 15));
    assert_tl_ok(tl_sid_to_string(big, sizeof big, &sid)); /* the longest SID fits */
    assert_true(strlen(big) < TL_SID_STRING_MAX);
}

/* ---- binary form (MS-DTYP 2.4.2.2) ------------------------------------------------------ */

static void binary_round_trip_and_layout(void **state)
{
    tl_sid sid, back;
    uint8_t bin[TL_SID_MAX_BINARY];
    size_t n = 0, used = 0;
    assert_tl_ok(tl_sid_from_string(&sid, "S-1-5-32-544"));
    assert_tl_ok(tl_sid_to_binary(bin, sizeof bin, &sid, &n));
    /* Revision 1, 2 sub-authorities, authority big-endian 5, RIDs little-endian. */
    const uint8_t want[] = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(bin, want, sizeof want);
    assert_tl_ok(tl_sid_from_binary(&back, bin, n, &used));
    assert_int_equal(used, n);
    assert_true(tl_sid_equal(&sid, &back));
    assert_int_equal(tl_sid_binary_size(&sid), 16);
}

static void binary_rejects_bad_input(void **state)
{
    tl_sid sid;
    const uint8_t ok[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
    uint8_t b[sizeof ok];
    for (size_t len = 0; len < sizeof ok; len++) /* every truncation fails */
        assert_tl_error(tl_sid_from_binary(&sid, ok, len, NULL), TL_EPARSE);
    assert_tl_ok(tl_sid_from_binary(&sid, ok, sizeof ok, NULL));
    memcpy(b, ok, sizeof b);
    b[0] = 2;
    assert_tl_error(tl_sid_from_binary(&sid, b, sizeof b, NULL), TL_EPARSE);
    assert_int_equal(tl_error_last()->offset, 0);
    memcpy(b, ok, sizeof b);
    b[1] = 16;
    assert_tl_error(tl_sid_from_binary(&sid, b, sizeof b, NULL), TL_EPARSE);
    assert_int_equal(tl_error_last()->offset, 1);
    uint8_t small[8];
    assert_tl_ok(tl_sid_from_binary(&sid, ok, sizeof ok, NULL));
    assert_tl_error(tl_sid_to_binary(small, sizeof small, &sid, NULL), TL_ERANGE);
}

static void compare_equal_hash_agree(void **state)
{
    const char *sorted[] = {"S-1-1-0",  "S-1-5-18",     "S-1-5-18-1",
                            "S-1-5-19", "S-1-5-32-544", "S-1-16-8192"};
    tl_sid s[6];
    for (int i = 0; i < 6; i++)
        assert_tl_ok(tl_sid_from_string(&s[i], sorted[i]));
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            int c = tl_sid_compare(&s[i], &s[j]);
            assert_true(i < j ? c < 0 : i > j ? c > 0 : c == 0);
            assert_true(tl_sid_equal(&s[i], &s[j]) == (i == j));
        }
    tl_sid again;
    assert_tl_ok(tl_sid_from_string(&again, "s-1-0x5-0x12"));
    assert_true(tl_sid_equal(&again, &s[1]));
    assert_int_equal(tl_sid_hash(&again), tl_sid_hash(&s[1]));
    assert_int_not_equal(tl_sid_hash(&s[1]), tl_sid_hash(&s[3]));
}

static void rid_helpers(void **state)
{
    tl_sid dom, user, back;
    uint32_t rid;
    assert_tl_ok(tl_sid_from_string(&dom, "S-1-5-21-1004336348-1177238915-682003330"));
    assert_tl_ok(tl_sid_append_rid(&user, &dom, 1104));
    assert_tl_ok(tl_sid_split_rid(&back, &rid, &user));
    assert_int_equal(rid, 1104);
    assert_true(tl_sid_equal(&back, &dom));
}

/* ---- names and aliases ------------------------------------------------------------------- */

static void virtual_accounts_match_published_sids(void **state)
{
    row *rows;
    int n = load_tsv("sid/virtual.tsv", &rows), bad = 0;
    assert_true(n >= 5);
    for (int i = 0; i < n; i++) {
        tl_sid sid;
        char s[TL_SID_STRING_MAX];
        if (tl_sid_resolve(&sid, rows[i].f[0], NULL) != TL_OK) {
            print_error("virtual.tsv:%d %s: %s\n", rows[i].line, rows[i].f[0],
                        tl_error_last()->message);
            bad++;
            continue;
        }
        tl_sid_to_string(s, sizeof s, &sid);
        if (strcmp(s, rows[i].f[1]) != 0) {
            print_error("virtual.tsv:%d %s -> %s, published %s\n", rows[i].line, rows[i].f[0], s,
                        rows[i].f[1]);
            bad++;
        }
    }
    free_rows(rows, n);
    assert_int_equal(bad, 0);
}

static void virtual_account_names_fold_case(void **state)
{
    tl_sid a, b, c;
    /* Non-ASCII letters fold too (U+00C4 / U+00E4), so both spellings give one account. */
    assert_tl_ok(tl_sid_iis_apppool(&a, "\xC3\x84pfel"));
    assert_tl_ok(tl_sid_iis_apppool(&b, "\xC3\xA4PFEL"));
    assert_true(tl_sid_equal(&a, &b));
    assert_tl_ok(tl_sid_service(&a, "w32time"));
    assert_tl_ok(tl_sid_service(&b, "W32Time"));
    assert_true(tl_sid_equal(&a, &b));
    /* The two kinds never collide even for the same name. */
    assert_tl_ok(tl_sid_iis_apppool(&c, "W32Time"));
    assert_false(tl_sid_equal(&a, &c));
    assert_int_equal(tl_sid_kind_of(&c), TL_SID_KIND_IIS_APPPOOL);
    assert_int_equal(tl_sid_kind_of(&a), TL_SID_KIND_SERVICE);
}

static void virtual_account_bad_names(void **state)
{
    tl_sid s;
    assert_tl_error(tl_sid_iis_apppool(&s, ""), TL_EINVAL);
    assert_tl_error(tl_sid_resolve(&s, "IIS APPPOOL\\", NULL), TL_EPARSE);
    assert_tl_error(tl_sid_resolve(&s, "NT SERVICE\\", NULL), TL_EPARSE);
    assert_tl_error(tl_sid_iis_apppool(&s, "bad\xC3"), TL_EPARSE); /* truncated UTF-8 */
    assert_int_equal(tl_error_last()->offset, 3);
    assert_tl_error(tl_sid_service(&s, "\xED\xA0\x80"), TL_EPARSE); /* encoded surrogate */
}

static void every_wellknown_row_resolves_both_ways(void **state)
{
    tl_sid dom;
    assert_tl_ok(tl_sid_from_string(&dom, "S-1-5-21-1004336348-1177238915-682003330"));
    int bad = 0;
    for (size_t i = 0; i < tl_sid_wellknown_count(); i++) {
        const tl_sid_wellknown *w = tl_sid_wellknown_at(i);
        char full[256], *name = NULL;
        tl_sid sid;
        if (w->domain[0])
            snprintf(full, sizeof full, "%s\\%s", w->domain, w->name);
        else
            snprintf(full, sizeof full, "%s", w->name);
        if (tl_sid_resolve(&sid, full, &dom) != TL_OK) {
            print_error("row %zu %s does not resolve: %s\n", i, full, tl_error_last()->message);
            bad++;
            continue;
        }
        if (tl_sid_lookup_name(&name, &sid) != TL_OK || strcmp(name, full) != 0) {
            print_error("row %zu %s looks up as %s\n", i, full, name ? name : "(none)");
            bad++;
        }
        tl_free(name);
        if (w->sddl_alias) {
            tl_sid via_alias;
            const char *printed = tl_sid_sddl_alias(&sid, &dom);
            if (tl_sid_from_sddl_alias(&via_alias, w->sddl_alias, &dom) != TL_OK ||
                !tl_sid_equal(&via_alias, &sid) || !printed || strcmp(printed, w->sddl_alias)) {
                print_error("row %zu alias %s does not round-trip\n", i, w->sddl_alias);
                bad++;
            }
        }
    }
    assert_int_equal(bad, 0);
    assert_true(tl_sid_wellknown_count() >= 90);
    assert_null(tl_sid_wellknown_at(tl_sid_wellknown_count()));
}

static void iis_and_service_accounts_have_their_documented_sids(void **state)
{
    static const struct {
        const char *name, *sid;
    } cases[] = {
        {"NT AUTHORITY\\IUSR", "S-1-5-17"},
        {"IUSR", "S-1-5-17"},
        {"BUILTIN\\IIS_IUSRS", "S-1-5-32-568"},
        {"IS", "S-1-5-32-568"},
        {"NT AUTHORITY\\ANONYMOUS LOGON", "S-1-5-7"},
        {"AN", "S-1-5-7"},
        {"NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20"},
        {"NetworkService", "S-1-5-20"},
        {"NS", "S-1-5-20"},
        {"nt authority\\local service", "S-1-5-19"},
        {"LocalSystem", "S-1-5-18"},
        {"SY", "S-1-5-18"},
        {"wD", "S-1-1-0"}, /* aliases are case-insensitive (Wine tests recorded on Windows) */
        {"Everyone", "S-1-1-0"},
        {"BA", "S-1-5-32-544"},
        {"NT SERVICE\\ALL SERVICES", "S-1-5-80-0"},
        {"Mandatory Label\\High Mandatory Level", "S-1-16-12288"},
        {"S-1-5-0x11", "S-1-5-17"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tl_sid sid;
        char s[TL_SID_STRING_MAX];
        assert_tl_ok(tl_sid_resolve(&sid, cases[i].name, NULL));
        tl_sid_to_string(s, sizeof s, &sid);
        if (strcmp(s, cases[i].sid) != 0)
            fail_msg("%s resolved to %s, expected %s", cases[i].name, s, cases[i].sid);
    }
}

static void domain_relative_names_need_a_domain(void **state)
{
    tl_sid dom, sid;
    char s[TL_SID_STRING_MAX], *name = NULL;
    assert_tl_error(tl_sid_from_sddl_alias(&sid, "DU", NULL), TL_ENOTFOUND);
    assert_non_null(strstr(tl_error_last()->message, "domain"));
    assert_tl_error(tl_sid_resolve(&sid, "Domain Admins", NULL), TL_ENOTFOUND);
    assert_tl_ok(tl_sid_from_string(&dom, "S-1-5-21-1004336348-1177238915-682003330"));
    assert_tl_ok(tl_sid_from_sddl_alias(&sid, "DU", &dom));
    tl_sid_to_string(s, sizeof s, &sid);
    assert_string_equal(s, "S-1-5-21-1004336348-1177238915-682003330-513");
    assert_string_equal(tl_sid_sddl_alias(&sid, &dom), "DU");
    assert_null(tl_sid_sddl_alias(&sid, NULL)); /* without the domain Windows prints the SID */
    assert_tl_ok(tl_sid_lookup_name(&name, &sid));
    assert_string_equal(name, "Domain Users");
    tl_free(name);
    assert_int_equal(tl_sid_kind_of(&sid), TL_SID_KIND_DOMAIN_RELATIVE);
}

static void unknown_names_and_sids(void **state)
{
    tl_sid sid;
    char *name = (char *)"sentinel";
    assert_tl_error(tl_sid_resolve(&sid, "CONTOSO\\alice", NULL), TL_ENOTFOUND);
    assert_tl_error(tl_sid_resolve(&sid, "ZZ", NULL), TL_ENOTFOUND);
    assert_tl_error(tl_sid_resolve(&sid, "", NULL), TL_EPARSE);
    assert_tl_error(tl_sid_resolve(&sid, "\\alice", NULL), TL_EPARSE);
    assert_tl_error(tl_sid_resolve(&sid, "CONTOSO\\", NULL), TL_EPARSE);
    assert_tl_error(tl_sid_resolve(&sid, "S-1-5-18-", NULL), TL_EPARSE);
    assert_tl_ok(tl_sid_iis_apppool(&sid, "Coke"));
    assert_tl_error(tl_sid_lookup_name(&name, &sid), TL_ENOTFOUND);
    assert_null(name);
    assert_non_null(strstr(tl_error_last()->message, "IIS APPPOOL"));
    assert_tl_ok(tl_sid_from_string(&sid, "S-1-5-5-0-123456"));
    assert_tl_ok(tl_sid_lookup_name(&name, &sid));
    assert_string_equal(name, "NT AUTHORITY\\LogonSessionId_0_123456");
    tl_free(name);
}

static void allocation_failures_are_clean(void **state)
{
    tl_sid sid;
    assert_tl_ok(tl_sid_from_string(&sid, "S-1-5-17"));
    for (unsigned long k = 1; k < 10; k++) {
        char *name = NULL;
        tl_sid v;
        tl_test_alloc_reset();
        tl_test_alloc_install();
        tl_test_alloc_fail_at(k);
        int rc1 = tl_sid_lookup_name(&name, &sid);
        tl_test_alloc_fail_at(k);
        int rc2 = tl_sid_iis_apppool(&v, "DefaultAppPool");
        tl_free(name);
        long leaked = tl_test_alloc_outstanding();
        tl_test_alloc_uninstall();
        assert_true(rc1 == TL_OK || rc1 == TL_ENOMEM);
        assert_true(rc2 == TL_OK || rc2 == TL_ENOMEM);
        assert_int_equal(leaked, 0);
    }
}

/* Issue 18: a long echoed name is cut to 200 bytes with "...", between characters, and the
 * explanation after it survives; a message over 1 KiB ends in "... [message cut]", never in
 * half a UTF-8 character. */
static void long_names_are_echoed_bounded(void **state)
{
    (void)state;
    size_t n = 131000;
    char *big = malloc(n + 16);
    assert_non_null(big);
    memcpy(big, "CONTOSO\\", 8);
    for (size_t i = 8; i < n; i += 2)
        memcpy(big + i, "\xc3\xa9", 2); /* e-acute: a cut could split it */
    big[n] = '\0';
    tl_sid sid;
    assert_tl_error(tl_sid_resolve(&sid, big, NULL), TL_ENOTFOUND);
    const char *m = tl_error_last()->message;
    assert_true(strlen(m) < 600);
    assert_non_null(strstr(m, "...': tokenlens resolves SID strings"));
    const char *q = strchr(m, '\'');
    assert_non_null(q);
    const char *dots = strstr(q, "...'");
    /* what is kept of the name is whole characters: an even number of bytes after CONTOSO\ */
    assert_int_equal((size_t)(dots - (q + 1 + 8)) % 2, 0);
    assert_true(dots - (q + 1) <= 200);
    /* tl_sid_from_string echoes nothing long; a raw 1 KiB+ message is cut with a mark. */
    for (size_t i = 0; i < n; i += 2)
        memcpy(big + i, "\xc3\xa9", 2);
    big[n] = '\0';
    assert_tl_error(tl_sid_resolve(&sid, big, NULL), TL_ENOTFOUND);
    m = tl_error_last()->message;
    size_t len = strlen(m);
    assert_true(len < 1024);
    assert_true((unsigned char)m[len - 1] < 0x80);
    free(big);
}

static void error_model_basics(void **state)
{
    tl_sid sid;
    tl_error_clear();
    assert_int_equal(tl_error_last()->code, TL_OK);
    assert_string_equal(tl_error_last()->message, "");
    assert_int_equal(tl_error_last()->offset, TL_NO_OFFSET);
    assert_tl_error(tl_sid_from_string(&sid, "S-1-5-x"), TL_EPARSE);
    assert_non_null(strstr(tl_error_last()->message, "offset 6"));
    assert_string_equal(tl_error_name(TL_EPARSE), "TL_EPARSE");
    assert_string_equal(tl_error_name(12345), "TL_E?");
    assert_string_equal(tl_version(), TL_VERSION_STRING);
    assert_tl_error(tl_sid_from_string(NULL, "S-1-5-18"), TL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_strings_parse_to_canonical_form),
        cmocka_unit_test(invalid_strings_fail_with_offset),
        cmocka_unit_test(stringn_does_not_read_past_length),
        cmocka_unit_test(to_string_reports_small_buffer),
        cmocka_unit_test(binary_round_trip_and_layout),
        cmocka_unit_test(binary_rejects_bad_input),
        cmocka_unit_test(compare_equal_hash_agree),
        cmocka_unit_test(rid_helpers),
        cmocka_unit_test(virtual_accounts_match_published_sids),
        cmocka_unit_test(virtual_account_names_fold_case),
        cmocka_unit_test(virtual_account_bad_names),
        cmocka_unit_test(every_wellknown_row_resolves_both_ways),
        cmocka_unit_test(iis_and_service_accounts_have_their_documented_sids),
        cmocka_unit_test(domain_relative_names_need_a_domain),
        cmocka_unit_test(unknown_names_and_sids),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(error_model_basics),
        cmocka_unit_test(long_names_are_echoed_bounded),
    };
    return cmocka_run_group_tests_name("sid", tests, NULL, NULL);
}
