/* Active Directory records: LDAP attributes decoded into delegation facts (no network), and
 * explain --ad's scenario filling over fake lookups. The live path is tests/adlab. */
#include "ad_internal.h"
#include "internal.h"
#include <stdio.h>
#include "tl_test.h"
#include "tokenlens.h"

#include <string.h>

/* S-1-5-21-1-2-3-<rid> in binary */
static size_t sid_bin(uint8_t *out, uint32_t rid)
{
    tl_sid s;
    uint32_t subs[] = {21, 1, 2, 3, rid};
    tl_sid_init(&s, 5, subs, 5);
    size_t n = 0;
    tl_sid_to_binary(out, TL_SID_MAX_BINARY, &s, &n);
    return n;
}

static void add(tl__ad_entry *e, const char *attr, const void *v, size_t len)
{
    const tl__ad_attr *a = tl__ad_entry_attr(e, attr);
    if (!a) {
        assert_int_equal(tl__ad_entry_add_attr(e, attr), TL_OK);
        a = &e->attrs[e->nattrs - 1];
    }
    assert_int_equal(tl__ad_attr_add_val((tl__ad_attr *)a, v, len), TL_OK);
}

static void adds(tl__ad_entry *e, const char *attr, const char *v)
{
    add(e, attr, v, strlen(v));
}

/* an account entry: name, rid, uac, optional delegate-to SPN and RBCD SDDL */
static tl__ad_entry *account(tl__ad_entries *r, const char *sam, uint32_t rid, const char *uac,
                             const char *to, const char *rbcd_sddl)
{
    char dn[128];
    snprintf(dn, sizeof dn, "CN=%s,CN=Users,DC=contoso,DC=com", sam);
    assert_int_equal(tl__ad_entries_add(r, dn), TL_OK);
    tl__ad_entry *e = &r->items[r->count - 1];
    uint8_t b[TL_SID_MAX_BINARY];
    adds(e, "sAMAccountName", sam);
    add(e, "objectSid", b, sid_bin(b, rid));
    adds(e, "userAccountControl", uac);
    if (to)
        adds(e, "msDS-AllowedToDelegateTo", to);
    if (rbcd_sddl) {
        tl_sd *sd = NULL;
        uint8_t *bin = NULL;
        size_t len = 0;
        assert_int_equal(tl_sd_from_sddl(&sd, rbcd_sddl, NULL), TL_OK);
        assert_int_equal(tl_sd_to_binary(&bin, &len, sd), TL_OK);
        add(e, "msDS-AllowedToActOnBehalfOfOtherIdentity", bin, len);
        tl_free(bin);
        tl_sd_free(sd);
    }
    return e;
}

static int fake_resolve(void *ctx, const tl_sid *sid, char **out)
{
    uint32_t rid = sid->sub_authority[sid->sub_authority_count - 1];
    *out = rid == 1109 ? tl__strdup("CONTOSO\\svc-plain") : NULL;
    return TL_OK;
}

static void test_decode_table(void **state)
{
    static const struct {
        const char *uac;
        const char *to;
        const char *mode;
        uint32_t flags;
    } rows[] = {
        {"512", NULL, "none", 0x200},
        {"524800", NULL, "unconstrained", 0x80200},          /* TRUSTED_FOR_DELEGATION */
        {"512", "MSSQLSvc/db01:1433", "constrained", 0x200}, /* Kerberos only */
        {"16777728", "MSSQLSvc/db01:1433", "constrained_any_protocol", 0x1000200}, /* T2A4D */
        {"1049088", NULL, "none", 0x100200},        /* NOT_DELEGATED */
        {"-2147483136", NULL, "none", 0x80000200u}, /* negative INTEGER */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl__ad_entries r = {0};
        tl__ad_entry *e = account(&r, "svc-web", 1106, rows[i].uac, rows[i].to, NULL);
        tl_ad_account *a = NULL;
        assert_int_equal(tl__ad_account_decode(&a, e, NULL, "CONTOSO", NULL, NULL), TL_OK);
        assert_string_equal(tl_ad_account_name(a), "CONTOSO\\svc-web");
        assert_int_equal(tl_ad_account_flags(a), rows[i].flags);
        assert_string_equal(tl_ad_account_delegation_mode(a), rows[i].mode);
        assert_int_equal(tl_ad_account_delegate_to_count(a), rows[i].to ? 1 : 0);
        assert_int_equal(tl_error_last()->code, TL_OK);
        tl_ad_account_free(a);
        tl__ad_entries_free(&r);
    }
}

static void test_rbcd_and_protected_users(void **state)
{
    tl__ad_entries r = {0}, g = {0};
    /* two allow ACEs (one repeated), one deny: allowed_to_act lists the allowed, once each */
    tl__ad_entry *e =
        account(&r, "svc-files", 1110, "512", NULL,
                "O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-1109)"
                "(D;;CC;;;S-1-5-21-1-2-3-1200)(A;;CC;;;S-1-5-21-1-2-3-1109)(A;;CC;;;S-1-5-18)");
    assert_int_equal(tl__ad_entries_add(&g, e->dn), TL_OK);
    uint8_t b[TL_SID_MAX_BINARY];
    add(&g.items[0], "tokenGroups", b, sid_bin(b, 513));
    add(&g.items[0], "tokenGroups", b, sid_bin(b, 525)); /* Protected Users, from nesting */
    tl_ad_account *a = NULL;
    assert_int_equal(tl__ad_account_decode(&a, e, &g.items[0], "CONTOSO", fake_resolve, NULL),
                     TL_OK);
    assert_true(tl_ad_account_protected_users(a));
    assert_int_equal(tl_ad_account_allowed_to_act_count(a), 2);
    assert_string_equal(tl_ad_account_allowed_to_act_name(a, 0), "CONTOSO\\svc-plain");
    assert_null(tl_ad_account_allowed_to_act_name(a, 1));
    char *json = NULL;
    assert_int_equal(tl_ad_account_to_json(&json, a), TL_OK);
    assert_non_null(strstr(json, "\"protected_users\": true"));
    assert_non_null(strstr(json, "\"sid\": \"S-1-5-18\""));
    assert_non_null(strstr(json, "\"name\": \"CONTOSO\\\\svc-plain\""));
    tl_free(json);
    tl_ad_account_free(a);
    tl__ad_entries_free(&r);
    tl__ad_entries_free(&g);
}

static void test_decode_bad(void **state)
{
    static const struct {
        const char *attr;
        const char *value;
        size_t len;
        int code;
        const char *msg;
    } rows[] = {
        {"userAccountControl", "12x", 3, TL_EPARSE, "not a 32-bit integer"},
        {"userAccountControl", "99999999999", 11, TL_EPARSE, "not a 32-bit integer"},
        {"userAccountControl", "4294967296", 10, TL_EPARSE, "out of range"},
        {"objectSid", "\x01\x05\x00", 3, TL_EPARSE, "objectSid"},
        {"msDS-AllowedToActOnBehalfOfOtherIdentity", "\x01\x00\x04\x80", 4, TL_EPARSE,
         "msDS-AllowedToAct"},
        {"servicePrincipalName", "HTTP/a\0b", 8, TL_EPARSE, "NUL"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl__ad_entries r = {0};
        assert_int_equal(tl__ad_entries_add(&r, "CN=x"), TL_OK);
        tl__ad_entry *e = &r.items[0];
        uint8_t b[TL_SID_MAX_BINARY];
        adds(e, "sAMAccountName", "x");
        if (strcmp(rows[i].attr, "objectSid"))
            add(e, "objectSid", b, sid_bin(b, 1));
        if (strcmp(rows[i].attr, "userAccountControl"))
            adds(e, "userAccountControl", "512");
        add(e, rows[i].attr, rows[i].value, rows[i].len);
        tl_ad_account *a = (tl_ad_account *)1;
        assert_int_equal(tl__ad_account_decode(&a, e, NULL, NULL, NULL, NULL), rows[i].code);
        assert_null(a);
        assert_non_null(strstr(tl_error_last()->message, rows[i].msg));
        tl__ad_entries_free(&r);
    }
    /* no sAMAccountName, no objectSid, no userAccountControl */
    tl__ad_entries r = {0};
    assert_int_equal(tl__ad_entries_add(&r, "CN=y"), TL_OK);
    tl_ad_account *a = NULL;
    assert_int_equal(tl__ad_account_decode(&a, &r.items[0], NULL, NULL, NULL, NULL), TL_EPARSE);
    assert_non_null(strstr(tl_error_last()->message, "sAMAccountName"));
    tl__ad_entries_free(&r);
}

static void test_filter_escape(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } rows[] = {
        {"svc-web", 7, "svc-web"},
        {"*)(uid=*", 8, "\\2a\\29\\28uid=\\2a"},
        {"a\\b", 3, "a\\5cb"},
        {"\x01\x05\x00", 3, "\\01\\05\\00"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *e = tl__ad_filter_escape(rows[i].in, rows[i].len);
        assert_string_equal(e, rows[i].out);
        tl__free(e);
    }
}

static void test_spn_states(void **state)
{
    static const struct {
        size_t holders;
        const char *state;
    } rows[] = {{0, "missing"}, {1, "registered"}, {2, "duplicate"}};
    for (size_t i = 0; i < 3; i++) {
        tl__ad_entries r = {0};
        for (size_t k = 0; k < rows[i].holders; k++) {
            assert_int_equal(tl__ad_entries_add(&r, "CN=h"), TL_OK);
            adds(&r.items[k], "sAMAccountName", k ? "svc-b" : "svc-a");
        }
        tl_ad_spn *s = NULL;
        assert_int_equal(tl__ad_spn_make(&s, "HTTP/web", &r, "CONTOSO"), TL_OK);
        assert_string_equal(tl_ad_spn_state_name(tl_ad_spn_state_of(s)), rows[i].state);
        char *json = NULL;
        assert_int_equal(tl_ad_spn_to_json(&json, s), TL_OK);
        assert_non_null(strstr(json, rows[i].state));
        if (rows[i].holders)
            assert_non_null(strstr(json, "\"CONTOSO\\\\svc-a\""));
        tl_free(json);
        tl_ad_spn_free(s);
        tl__ad_entries_free(&r);
    }
}

/* ---- explain --ad over fake lookups ---- */
static int fake_account(void *ctx, const char *name, tl_ad_account **out)
{
    tl__ad_entries r = {0};
    tl__ad_entry *e;
    if (!tl__strcasecmp(name, "CONTOSO\\svc-web"))
        e = account(&r, "svc-web", 1106, "16777728", "MSSQLSvc/db01.contoso.com:1433", NULL);
    else if (!tl__strcasecmp(name, "CONTOSO\\bob"))
        e = account(&r, "bob", 1104, "1049088", NULL, NULL);
    else if (!tl__strcasecmp(name, "CONTOSO\\svc-db"))
        e = account(&r, "svc-db", 1110, "512", NULL, "O:BAD:(A;;CC;;;S-1-5-21-1-2-3-1109)");
    else
        return tl__error(TL_ENOTFOUND, "no such account: %s", name);
    int rc = tl__ad_account_decode(out, e, NULL, "CONTOSO", fake_resolve, NULL);
    tl__ad_entries_free(&r);
    return rc;
}

static int fake_spn(void *ctx, const char *spn, tl_ad_spn **out)
{
    tl__ad_entries r = {0};
    if (!tl__strcasecmp(spn, "MSSQLSvc/db01.contoso.com:1433")) {
        tl__ad_entries_add(&r, "CN=svc-db");
        adds(&r.items[0], "sAMAccountName", "svc-db");
    }
    int rc = tl__ad_spn_make(out, spn, &r, "CONTOSO");
    tl__ad_entries_free(&r);
    return rc;
}

static void test_fill(void **state)
{
    const char *scen =
        "{\"tokenlens_scenario\": 1, \"machine\": {\"name\": \"WEB01\", \"domain\": \"CONTOSO\"},"
        " \"app_pool\": {\"name\": \"p\", \"identity\": \"SpecificUser\", \"user\": "
        "\"CONTOSO\\\\svc-web\"},"
        " \"delegation\": {\"mode\": \"none\", \"to\": []},"
        " \"request\": {\"user\": \"CONTOSO\\\\bob\", \"protocol\": \"kerberos\", \"sensitive\": "
        "false},"
        " \"hops\": [{\"target\": \"MSSQLSvc/db01.contoso.com:1433\", \"from\": "
        "\"request_thread\"},"
        "          {\"target\": \"cifs/gone.contoso.com\", \"from\": \"request_thread\", \"spn\": "
        "\"registered\"},"
        "          {\"target\": \"local\", \"from\": \"request_thread\"}]}";
    tl_ad_filled *f = NULL;
    assert_int_equal(tl__ad_fill(&f, scen, strlen(scen), fake_account, fake_spn, NULL), TL_OK);
    static const struct {
        const char *field, *file, *ad;
    } want[] = {
        {"$.delegation.mode", "\"none\"", "\"constrained_any_protocol\""},
        {"$.delegation.to", "[]", "[\"MSSQLSvc/db01.contoso.com:1433\"]"},
        {"$.request.sensitive", "false", "true"},
        {"$.hops[0].allowed_to_act", NULL, "[\"CONTOSO\\\\svc-plain\"]"},
        {"$.hops[1].spn", "\"registered\"", "\"missing\""},
    };
    assert_int_equal(tl_ad_filled_difference_count(f), 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(tl_ad_filled_difference_field(f, i), want[i].field);
        if (want[i].file)
            assert_string_equal(tl_ad_filled_difference_file(f, i), want[i].file);
        else
            assert_null(tl_ad_filled_difference_file(f, i));
        assert_string_equal(tl_ad_filled_difference_ad(f, i), want[i].ad);
    }
    /* defaults that agree are not added: no protected_users, no spn on hop 0 */
    const char *j = tl_ad_filled_json(f);
    assert_null(strstr(j, "protected_users"));
    assert_non_null(strstr(j, "\"sensitive\": true"));
    assert_int_equal(tl_ad_filled_note_count(f), 0);
    tl_ad_filled_free(f);

    /* an account AD does not know is a note, the file's values stay */
    const char *other =
        "{\"app_pool\": {\"identity\": \"SpecificUser\", \"user\": \"FABRIKAM\\\\x\"},"
        " \"delegation\": {\"mode\": \"unconstrained\"}, \"request\": {\"user\": null}}";
    assert_int_equal(tl__ad_fill(&f, other, strlen(other), fake_account, fake_spn, NULL), TL_OK);
    assert_int_equal(tl_ad_filled_difference_count(f), 0);
    assert_int_equal(tl_ad_filled_note_count(f), 1);
    assert_non_null(strstr(tl_ad_filled_note_at(f, 0), "FABRIKAM\\x"));
    assert_non_null(strstr(tl_ad_filled_json(f), "unconstrained"));
    tl_ad_filled_free(f);

    /* not JSON / not an object */
    static const char *const bad[] = {"{", "[1]", "{\"a\": 1, \"a\": 2}"};
    for (size_t i = 0; i < 3; i++) {
        f = (tl_ad_filled *)1;
        assert_int_equal(tl__ad_fill(&f, bad[i], strlen(bad[i]), fake_account, fake_spn, NULL),
                         TL_EPARSE);
        assert_null(f);
    }
}

static void test_connect_bad_options(void **state)
{
    tl_ad_options o = TL_AD_OPTIONS_INIT;
    o.version = 99;
    tl_ad *ad = (tl_ad *)1;
    assert_int_equal(tl_ad_connect(&ad, &o), TL_EINVAL);
    assert_null(ad);
    o.version = TL_AD_OPTIONS_VERSION;
    o.server = "dc1.example.com/evil?x";
    assert_true(tl_ad_connect(&ad, &o) < 0);
    assert_null(ad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_table),        cmocka_unit_test(test_rbcd_and_protected_users),
        cmocka_unit_test(test_decode_bad),          cmocka_unit_test(test_filter_escape),
        cmocka_unit_test(test_spn_states),          cmocka_unit_test(test_fill),
        cmocka_unit_test(test_connect_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
