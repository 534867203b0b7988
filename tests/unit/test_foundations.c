/* Issue 12's rules, checked against the library: the vocabulary it owns (tl_sid_kind_name,
 * canonical names from tl_sid_resolve_name), outputs untouched on failure, a successful call
 * leaving no error behind, and versioned option structs (libgit2's structinit test). */
#include "tl_test.h"
#include <stddef.h>
#include <string.h>

/* ---- vocabulary ------------------------------------------------------------------------- */

static void sid_kind_names(void **state)
{
    (void)state;
    static const struct {
        tl_sid_kind kind;
        const char *name;
    } rows[] = {
        {TL_SID_KIND_UNKNOWN, "unknown"},
        {TL_SID_KIND_WELL_KNOWN, "well-known"},
        {TL_SID_KIND_BUILTIN, "builtin"},
        {TL_SID_KIND_DOMAIN_RELATIVE, "domain-relative"},
        {TL_SID_KIND_IIS_APPPOOL, "iis-apppool"},
        {TL_SID_KIND_SERVICE, "service"},
        {TL_SID_KIND_LOGON_SESSION, "logon-session"},
        {TL_SID_KIND_INTEGRITY, "integrity"},
        {TL_SID_KIND_CAPABILITY, "capability"},
        {TL_SID_KIND_ACCOUNT, "account"},
        {(tl_sid_kind)99, "unknown"},
        {(tl_sid_kind)-1, "unknown"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_string_equal(tl_sid_kind_name(rows[i].kind), rows[i].name);
}

static void canonical_names(void **state)
{
    (void)state;
    tl_sid domain;
    assert_tl_ok(tl_sid_from_string(&domain, "S-1-5-21-1004336348-1177238915-682003330"));
    static const struct {
        const char *text;
        int with_domain;
        int rc;
        const char *name;
    } rows[] = {
        /* virtual accounts: the typed account part behind the canonical domain spelling */
        {"iis apppool\\Coke", 0, TL_OK, "IIS APPPOOL\\Coke"},
        {"IIS APPPOOL\\DefaultAppPool", 0, TL_OK, "IIS APPPOOL\\DefaultAppPool"},
        {"nt service\\TrustedInstaller", 0, TL_OK, "NT SERVICE\\TrustedInstaller"},
        /* well-known: LookupAccountSid's spelling whatever was typed */
        {"ba", 0, TL_OK, "BUILTIN\\Administrators"},
        {"builtin\\administrators", 0, TL_OK, "BUILTIN\\Administrators"},
        {"nt authority\\iusr", 0, TL_OK, "NT AUTHORITY\\IUSR"},
        {"S-1-5-18", 0, TL_OK, "NT AUTHORITY\\SYSTEM"},
        {"DA", 1, TL_OK, "Domain Admins"},
        /* no name, or no SID */
        {"S-1-5-21-1-2-3-1001", 0, TL_ENOTFOUND, NULL},
        {"S-1-5-82-1-2-3-4-5", 0, TL_ENOTFOUND, NULL},
        {"DU", 0, TL_ENOTFOUND, NULL},
        {"S-1-5-x", 0, TL_EPARSE, NULL},
        {"CONTOSO\\alice", 0, TL_ENOTFOUND, NULL},
        {"IIS APPPOOL\\", 0, TL_EPARSE, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *name = (char *)"untouched";
        int rc = tl_sid_resolve_name(&name, rows[i].text, rows[i].with_domain ? &domain : NULL);
        if (rc != rows[i].rc)
            fail_msg("%s: rc %s, want %s (%s)", rows[i].text, tl_error_name(rc),
                     tl_error_name(rows[i].rc), tl_error_last()->message);
        if (rows[i].name) {
            assert_non_null(name);
            assert_string_equal(name, rows[i].name);
            /* A success never leaves the failed well-known lookup behind. */
            assert_int_equal(tl_error_last()->code, TL_OK);
        } else {
            assert_null(name);
            assert_int_equal(tl_error_last()->code, rows[i].rc);
        }
        tl_free(name);
    }
    assert_tl_error(tl_sid_resolve_name(NULL, "BA", NULL), TL_EINVAL);
}

/* The domain-relative alias path decides on the alias table, not on an error message: a
 * domain-relative alias without a domain names the alias; an unknown two-letter name falls
 * through to account names. */
static void two_letter_names(void **state)
{
    (void)state;
    tl_sid sid;
    assert_tl_error(tl_sid_resolve(&sid, "DU", NULL), TL_ENOTFOUND);
    assert_non_null(strstr(tl_error_last()->message, "relative to a domain"));
    assert_tl_error(tl_sid_resolve(&sid, "QQ", NULL), TL_ENOTFOUND);
    assert_non_null(strstr(tl_error_last()->message, "unknown account 'QQ'"));
    assert_tl_ok(tl_sid_resolve(&sid, "wd", NULL));
    char s[TL_SID_STRING_MAX];
    assert_tl_ok(tl_sid_to_string(s, sizeof s, &sid));
    assert_string_equal(s, "S-1-1-0");
}

/* ---- outputs untouched on failure ------------------------------------------------------- */

#define POISON 0xA5

static void poison(void *p, size_t n)
{
    memset(p, POISON, n);
}

static int untouched(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != POISON)
            return 0;
    return 1;
}

static void sid_outputs_untouched_on_failure(void **state)
{
    (void)state;
    static const uint8_t truncated[] = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0};
    const uint32_t subs[16] = {0};
    tl_sid sid, domain;
    size_t n;
    uint32_t rid;
    assert_tl_ok(tl_sid_from_string(&domain, "S-1-5-21-1-2-3"));
#define CHECK(call, code)                                                                          \
    do {                                                                                           \
        poison(&sid, sizeof sid);                                                                  \
        poison(&n, sizeof n);                                                                      \
        poison(&rid, sizeof rid);                                                                  \
        assert_tl_error(call, code);                                                               \
        if (!untouched(&sid, sizeof sid) || !untouched(&n, sizeof n) ||                            \
            !untouched(&rid, sizeof rid))                                                          \
            fail_msg("%s wrote an output on failure", #call);                                      \
    } while (0)
    CHECK(tl_sid_from_string(&sid, "S-1-5-32-x"), TL_EPARSE);
    CHECK(tl_sid_from_string(&sid, "S-1-5"), TL_EPARSE);
    CHECK(tl_sid_from_binary(&sid, truncated, sizeof truncated, &n), TL_EPARSE);
    CHECK(tl_sid_init(&sid, 5, subs, 16), TL_ERANGE);
    CHECK(tl_sid_init(&sid, 1ull << 48, subs, 1), TL_ERANGE);
    CHECK(tl_sid_resolve(&sid, "CONTOSO\\alice", NULL), TL_ENOTFOUND);
    CHECK(tl_sid_resolve(&sid, "DU", NULL), TL_ENOTFOUND);
    CHECK(tl_sid_resolve(&sid, "Domain Users", NULL), TL_ENOTFOUND);
    CHECK(tl_sid_from_sddl_alias(&sid, "DU", NULL), TL_ENOTFOUND);
    CHECK(tl_sid_from_sddl_alias(&sid, "ZZ", NULL), TL_ENOTFOUND);
    CHECK(tl_sid_iis_apppool(&sid, ""), TL_EINVAL);
    CHECK(tl_sid_service(&sid, ""), TL_EINVAL);
    CHECK(tl_sid_to_binary(&rid, sizeof rid, &domain, &n), TL_ERANGE);
    CHECK(tl_sid_split_rid(&sid, &rid, &(tl_sid){0}), TL_EINVAL);
#undef CHECK
    /* and on success a later successful call clears the failure */
    assert_tl_error(tl_sid_from_string(&sid, "S-1-5-x"), TL_EPARSE);
    assert_tl_ok(tl_sid_from_string(&sid, "S-1-5-18"));
}

/* ---- versioned option structs (libgit2's tests/core/structinit.c) ---------------------- */

/* One checker per public option struct, and one row per checker. The rule: `version` is the
 * first field, INIT sets it to TL_<X>_OPTIONS_VERSION (>= 1), and every other byte of INIT is
 * zero, so zero always means "the default" and a caller compiled against an older header (a
 * smaller struct, an older version) stays valid. When a header adds an options struct, add
 * STRUCTINIT(type, VERSION, INIT) below and its name to the table. (Static objects: their
 * padding is zero, so whole objects compare byte for byte.) */
#define STRUCTINIT(TYPE, VERSION, INIT)                                                            \
    static void structinit_##TYPE(void)                                                            \
    {                                                                                              \
        static const TYPE init = INIT;                                                             \
        static const TYPE zero;                                                                    \
        if (offsetof(TYPE, version) != 0)                                                          \
            fail_msg("%s: `version` is not the first field", #TYPE);                               \
        if (init.version != (VERSION) || (VERSION) < 1)                                            \
            fail_msg("%s: INIT sets version %u, the header says %u", #TYPE,                        \
                     (unsigned)init.version, (unsigned)(VERSION));                                 \
        const unsigned char *a = (const unsigned char *)&init, *z = (const unsigned char *)&zero;  \
        for (size_t k = sizeof init.version; k < sizeof(TYPE); k++)                                \
            if (a[k] != z[k])                                                                      \
                fail_msg("%s: INIT byte %zu is not zero: zero must mean the default", #TYPE, k);   \
    }

STRUCTINIT(tl_hop_options, TL_HOP_OPTIONS_VERSION, TL_HOP_OPTIONS_INIT)

static void option_structs_are_versioned(void **state)
{
    (void)state;
    void (*const checks[])(void) = {
        structinit_tl_hop_options,
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        checks[i]();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sid_kind_names),
        cmocka_unit_test(canonical_names),
        cmocka_unit_test(two_letter_names),
        cmocka_unit_test(sid_outputs_untouched_on_failure),
        cmocka_unit_test(option_structs_are_versioned),
    };
    return cmocka_run_group_tests_name("foundations", tests, NULL, NULL);
}
