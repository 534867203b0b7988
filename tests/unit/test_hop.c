/* Hop probes: the parts that need no KDC (names, reason texts and the delegation decision,
 * ticket flag formatting, SPN parsing, option checks, error paths of the probe API), plus an
 * in-process NTLM exchange where gss-ntlmssp is present. Runs natively and under Wine (SSPI).
 * The Kerberos cases against a real KDC live in tests/hoplab. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* setenv */
#endif
#include "tl_test.h"
#include "hop/hop_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
static void set_env(const char *name, const char *value)
{
    setenv(name, value, 1);
}
#endif

/* LeakSanitizer: gss-ntlmssp 1.2 never frees the server name its acquire_cred allocates, and
 * it makes OpenSSL 3 set up providers it never tears down. Neither is tokenlens memory (the
 * allocation-failure tests check ours); same list as tests/hoplab/valgrind-gss.supp. */
#if defined(__GNUC__) && !defined(_WIN32)
#define TL_TEST_VISIBLE __attribute__((visibility("default"), used))
#else
#define TL_TEST_VISIBLE
#endif
TL_TEST_VISIBLE const char *__lsan_default_suppressions(void);
TL_TEST_VISIBLE const char *__lsan_default_suppressions(void)
{
    return "leak:gssntlmssp.so\nleak:CRYPTO_zalloc\nleak:krb5int_open_plugin\n";
}

/* Valgrind (memcheck's default 12 frames) cannot see that the OpenSSL provider objects
 * gss-ntlmssp 1.2 leaks are its own, so under valgrind the NTLM exchanges run only when the
 * caller passes --num-callers=50 --suppressions=tests/hoplab/valgrind-gss.supp and says so
 * with TL_TEST_GSS_SUPPRESSED=1. ASan needs nothing: the list above is compiled in. */
static bool ntlm_leaks_would_fail_valgrind(void)
{
#ifdef _WIN32
    return false;
#else
    const char *pre = getenv("LD_PRELOAD");
    const char *ok = getenv("TL_TEST_GSS_SUPPRESSED");
    return pre && strstr(pre, "vgpreload") && !(ok && strcmp(ok, "1") == 0);
#endif
}

/* ---- names and reasons -------------------------------------------------------------------- */

static void mechanism_names_round_trip(void **state)
{
    static const struct {
        const char *text;
        int rc;
        tl_hop_mech mech;
        const char *name;
    } rows[] = {
        {"negotiate", TL_OK, TL_HOP_MECH_NEGOTIATE, "Negotiate"},
        {"Negotiate", TL_OK, TL_HOP_MECH_NEGOTIATE, "Negotiate"},
        {"SPNEGO", TL_OK, TL_HOP_MECH_NEGOTIATE, "Negotiate"},
        {"kerberos", TL_OK, TL_HOP_MECH_KERBEROS, "Kerberos"},
        {"krb5", TL_OK, TL_HOP_MECH_KERBEROS, "Kerberos"},
        {"NTLM", TL_OK, TL_HOP_MECH_NTLM, "NTLM"},
        {"", TL_EINVAL, TL_HOP_MECH_UNKNOWN, "unknown"},
        {"digest", TL_EINVAL, TL_HOP_MECH_UNKNOWN, "unknown"},
        {"kerberos ", TL_EINVAL, TL_HOP_MECH_UNKNOWN, "unknown"},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl_hop_mech m = (tl_hop_mech)99;
        int rc = tl_hop_mech_from_string(&m, rows[i].text);
        if (rc != rows[i].rc || m != rows[i].mech ||
            strcmp(tl_hop_mech_name(m), rows[i].name) != 0) {
            print_error("row %zu '%s': rc %s mech %d (%s)\n", i, rows[i].text, tl_error_name(rc),
                        (int)m, tl_hop_mech_name(m));
            bad++;
        }
    }
    assert_int_equal(bad, 0);
    assert_tl_error(tl_hop_mech_from_string(NULL, "ntlm"), TL_EINVAL);
    tl_hop_mech m;
    assert_tl_error(tl_hop_mech_from_string(&m, NULL), TL_EINVAL);
    assert_string_equal(tl_hop_mech_name((tl_hop_mech)42), "unknown");
}

static void every_reason_has_a_name_and_text(void **state)
{
    static const char *names[] = {
        "granted", "not_requested", "not_forwardable", "not_ok_as_delegate", "mech_cannot_delegate",
        "refused"};
    for (int r = TL_HOP_DELEG_GRANTED; r <= TL_HOP_DELEG_REFUSED; r++) {
        assert_string_equal(tl_hop_deleg_reason_name((tl_hop_deleg_reason)r), names[r]);
        const char *t = tl_hop_deleg_reason_text((tl_hop_deleg_reason)r);
        assert_non_null(t);
        assert_true(strlen(t) > 20);
    }
    /* Texts name the Active Directory setting an admin has to change. */
    assert_non_null(strstr(tl_hop_deleg_reason_text(TL_HOP_DELEG_NOT_FORWARDABLE),
                           "sensitive and cannot be delegated"));
    assert_non_null(strstr(tl_hop_deleg_reason_text(TL_HOP_DELEG_NOT_OK_AS_DELEGATE),
                           "trusted for delegation"));
    assert_non_null(strstr(tl_hop_deleg_reason_text(TL_HOP_DELEG_MECH_CANNOT), "NTLM"));
    assert_string_equal(tl_hop_deleg_reason_name((tl_hop_deleg_reason)6), "unknown");
    assert_string_equal(tl_hop_deleg_reason_text((tl_hop_deleg_reason)-1), "unknown reason");
}

/* The decision table behind tl_hop_client_deleg_reason(). */
static void delegation_reason_follows_the_flags(void **state)
{
    const uint32_t F = TL_HOP_TKT_FORWARDABLE, O = TL_HOP_TKT_OK_AS_DELEGATE;
    static const struct {
        tl_hop_mech mech;
        tl_hop_delegation req;
        bool granted, known;
        uint32_t flags;
        tl_hop_deleg_reason want;
    } rows[] = {
        {TL_HOP_MECH_KERBEROS, TL_HOP_DELEGATE_POLICY, true, true, 0x40040000u,
         TL_HOP_DELEG_GRANTED},
        /* granted wins even when the flags are not visible (SSPI) */
        {TL_HOP_MECH_KERBEROS, TL_HOP_DELEGATE_POLICY, true, false, 0, TL_HOP_DELEG_GRANTED},
        {TL_HOP_MECH_KERBEROS, TL_HOP_DELEGATE_NONE, false, true, 0x40040000u,
         TL_HOP_DELEG_NOT_REQUESTED},
        {TL_HOP_MECH_NTLM, TL_HOP_DELEGATE_NONE, false, false, 0, TL_HOP_DELEG_NOT_REQUESTED},
        {TL_HOP_MECH_NTLM, TL_HOP_DELEGATE_POLICY, false, false, 0, TL_HOP_DELEG_MECH_CANNOT},
        {TL_HOP_MECH_NTLM, TL_HOP_DELEGATE_ALWAYS, false, false, 0, TL_HOP_DELEG_MECH_CANNOT},
        /* a sensitive user: the ticket is not forwardable, whatever the target */
        {TL_HOP_MECH_KERBEROS, TL_HOP_DELEGATE_POLICY, false, true, 0x00040000u,
         TL_HOP_DELEG_NOT_FORWARDABLE},
        {TL_HOP_MECH_KERBEROS, TL_HOP_DELEGATE_ALWAYS, false, true, 0,
         TL_HOP_DELEG_NOT_FORWARDABLE},
        /* forwardable but the target is not trusted: only the policy client cares */
        {TL_HOP_MECH_KERBEROS, TL_HOP_DELEGATE_POLICY, false, true, 0x40000000u,
         TL_HOP_DELEG_NOT_OK_AS_DELEGATE},
        {TL_HOP_MECH_KERBEROS, TL_HOP_DELEGATE_ALWAYS, false, true, 0x40000000u,
         TL_HOP_DELEG_REFUSED},
        {TL_HOP_MECH_KERBEROS, TL_HOP_DELEGATE_POLICY, false, true, 0x40040000u,
         TL_HOP_DELEG_REFUSED},
        {TL_HOP_MECH_KERBEROS, TL_HOP_DELEGATE_POLICY, false, false, 0, TL_HOP_DELEG_REFUSED},
    };
    (void)F;
    (void)O;
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl__hop_outcome o = {rows[i].mech, rows[i].req, rows[i].granted, rows[i].known,
                             rows[i].flags};
        tl_hop_deleg_reason got = tl__hop_deleg_reason(&o);
        if (got != rows[i].want) {
            print_error("row %zu: got %s, want %s\n", i, tl_hop_deleg_reason_name(got),
                        tl_hop_deleg_reason_name(rows[i].want));
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* ---- ticket flags ------------------------------------------------------------------------- */

static void ticket_flags_format_in_rfc4120_order(void **state)
{
    static const struct {
        uint32_t flags;
        const char *want;
    } rows[] = {
        {0, ""},
        {TL_HOP_TKT_FORWARDABLE, "forwardable"},
        /* what klist -f shows as "FRAO" on a delegable service ticket */
        {0x40a40000u, "forwardable renewable pre_authent ok_as_delegate"},
        /* the delegated TGT that arrives at the middle tier */
        {0x60000000u, "forwardable forwarded"},
        {TL_HOP_TKT_ANONYMOUS | TL_HOP_TKT_NAME_CANONICALIZE, "name_canonicalize anonymous"},
        {0x00000200u, "0x00000200"},
        {0x80000001u, "reserved 0x00000001"},
        {TL_HOP_TKT_INITIAL | TL_HOP_TKT_PRE_AUTHENT | TL_HOP_TKT_TRANSITED_CHECKED,
         "initial pre_authent transited_policy_checked"},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *s = NULL;
        assert_tl_ok(tl_hop_ticket_flags_format(&s, rows[i].flags));
        if (strcmp(s, rows[i].want) != 0) {
            print_error("0x%08lx: got '%s', want '%s'\n", (unsigned long)rows[i].flags, s,
                        rows[i].want);
            bad++;
        }
        tl_free(s);
    }
    assert_int_equal(bad, 0);
    assert_tl_error(tl_hop_ticket_flags_format(NULL, 1), TL_EINVAL);
}

static void ticket_flags_survive_allocation_failures(void **state)
{
    tl_test_alloc_install();
    for (unsigned long n = 1; n < 50; n++) {
        tl_test_alloc_reset();
        tl_test_alloc_fail_at(n);
        char *s = (char *)"x";
        int rc = tl_hop_ticket_flags_format(&s, 0xfffffe00u);
        if (rc == TL_OK) {
            tl_free(s);
            assert_int_equal(tl_test_alloc_outstanding(), 0);
            break;
        }
        assert_int_equal(rc, TL_ENOMEM);
        assert_null(s);
        assert_int_equal(tl_test_alloc_outstanding(), 0);
    }
    tl_test_alloc_uninstall();
}

/* ---- targets and options ------------------------------------------------------------------ */

static void targets_split_into_service_and_host(void **state)
{
    static const struct {
        const char *target;
        int rc;
        const char *svc, *host;
        size_t offset;
    } rows[] = {
        {"HTTP/web.lab.test", TL_OK, "HTTP", "web.lab.test", 0},
        {"MSSQLSvc/db.lab.test:1433", TL_OK, "MSSQLSvc", "db.lab.test", 0},
        {"HTTP/web.lab.test@LAB.TEST", TL_OK, "HTTP", "web.lab.test", 0},
        {"cifs/files/contoso.com", TL_OK, "cifs", "files", 0},
        {"HTTP@web.lab.test", TL_OK, "HTTP", "web.lab.test", 0},
        {"", TL_EINVAL, NULL, NULL, TL_NO_OFFSET},
        {"web.lab.test", TL_EINVAL, NULL, NULL, 0},
        {"/web.lab.test", TL_EINVAL, NULL, NULL, 0},
        {"HTTP/", TL_EINVAL, NULL, NULL, 5},
        {"HTTP/:80", TL_EINVAL, NULL, NULL, 5},
        {"HTTP/we b", TL_EINVAL, NULL, NULL, 7},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *svc = (char *)"x", *host = (char *)"x";
        int rc = tl__hop_split_target(&svc, &host, rows[i].target);
        bool ok = rc == rows[i].rc;
        if (ok && rc == TL_OK)
            ok = strcmp(svc, rows[i].svc) == 0 && strcmp(host, rows[i].host) == 0;
        if (ok && rc != TL_OK)
            ok = !svc && !host && tl_error_last()->offset == rows[i].offset;
        if (!ok) {
            print_error("'%s': rc %s svc '%s' host '%s' offset %zu (%s)\n", rows[i].target,
                        tl_error_name(rc), svc ? svc : "(null)", host ? host : "(null)",
                        tl_error_last()->offset, tl_error_last()->message);
            bad++;
        }
        if (rc == TL_OK) {
            tl_free(svc);
            tl_free(host);
        }
    }
    assert_int_equal(bad, 0);
}

static void options_are_checked(void **state)
{
    tl_hop_options out, in = TL_HOP_OPTIONS_INIT;
    assert_tl_ok(tl__hop_options_check(&out, NULL));
    assert_int_equal(out.mech, TL_HOP_MECH_NEGOTIATE);
    assert_int_equal(out.delegation, TL_HOP_DELEGATE_NONE);
    assert_tl_ok(tl__hop_options_check(&out, &in));
    assert_int_equal(out.mech, TL_HOP_MECH_NEGOTIATE); /* default mechanism */
    in.version = 2;
    assert_tl_error(tl__hop_options_check(&out, &in), TL_EINVAL);
    assert_non_null(strstr(tl_error_last()->message, "TL_HOP_OPTIONS_INIT"));
    in.version = TL_HOP_OPTIONS_VERSION;
    in.mech = (tl_hop_mech)7;
    assert_tl_error(tl__hop_options_check(&out, &in), TL_EINVAL);
    in.mech = TL_HOP_MECH_NTLM;
    in.delegation = (tl_hop_delegation)3;
    assert_tl_error(tl__hop_options_check(&out, &in), TL_EINVAL);
}

/* ---- the probe API without a KDC ---------------------------------------------------------- */

static void api_rejects_bad_arguments(void **state)
{
    tl_hop_client *c = (tl_hop_client *)&c;
    tl_hop_server *s = (tl_hop_server *)&s;
    tl_hop_options bad = TL_HOP_OPTIONS_INIT;
    bad.version = 0;
    int unsup = tl_hop_available() ? TL_EINVAL : TL_ENOTSUP;
    assert_tl_error(tl_hop_client_new(NULL, "HTTP/web", NULL), unsup);
    assert_tl_error(tl_hop_client_new(&c, NULL, NULL), unsup);
    assert_null(c);
    c = (tl_hop_client *)&c;
    assert_tl_error(tl_hop_client_new(&c, "HTTP/web", &bad), unsup);
    assert_null(c);
    assert_tl_error(tl_hop_client_new(&c, "no-service-here", NULL), unsup);
    assert_tl_error(tl_hop_client_new_delegated(&c, NULL, "HTTP/web", NULL), unsup);
    assert_tl_error(tl_hop_server_new(NULL, NULL), unsup);
    assert_tl_error(tl_hop_server_new(&s, &bad), unsup);
    assert_null(s);

    uint8_t *tok = (uint8_t *)"x";
    size_t len = 7;
    assert_tl_error(tl_hop_client_step(NULL, NULL, 0, &tok, &len), unsup);
    assert_null(tok);
    assert_int_equal(len, 0);
    assert_tl_error(tl_hop_server_step(NULL, (const uint8_t *)"x", 1, &tok, &len), unsup);

    /* getters and free accept NULL */
    assert_false(tl_hop_client_done(NULL));
    assert_false(tl_hop_client_delegated(NULL));
    assert_int_equal(tl_hop_client_mech(NULL), TL_HOP_MECH_UNKNOWN);
    assert_null(tl_hop_client_name(NULL));
    assert_false(tl_hop_server_done(NULL));
    assert_false(tl_hop_server_delegated(NULL));
    assert_null(tl_hop_server_client_name(NULL));
    assert_int_equal(tl_hop_server_mech(NULL), TL_HOP_MECH_UNKNOWN);
    uint32_t flags = 1;
    assert_int_not_equal(tl_hop_client_ticket_flags(&flags, NULL), TL_OK);
    assert_int_equal(flags, 0);
    int level = 5;
    assert_int_not_equal(tl_hop_server_impersonation_level(&level, NULL), TL_OK);
    assert_int_equal(level, -1);
    tl_hop_client_free(NULL);
    tl_hop_server_free(NULL);
}

/* A server handed garbage says so with TL_EAUTH and the native status. */
static void server_rejects_a_garbage_token(void **state)
{
    if (!tl_hop_available())
        skip();
    tl_hop_server *s = NULL;
    if (tl_hop_server_new(&s, NULL) != TL_OK) {
        print_message("no acceptor credentials here (%s): skipped\n", tl_error_last()->message);
        skip();
    }
    uint8_t *tok = NULL;
    size_t len = 0;
    static const uint8_t junk[] = "this is not a GSS or SPNEGO token";
    assert_tl_error(tl_hop_server_step(s, junk, sizeof junk, &tok, &len), TL_EAUTH);
    assert_true(tl_error_last()->native != 0);
    assert_null(tok);
    assert_false(tl_hop_server_done(s));
    assert_null(tl_hop_server_client_name(s));
    assert_tl_error(tl_hop_server_step(s, NULL, 0, &tok, &len), TL_EINVAL);
    uint32_t flags;
    assert_tl_error(tl_hop_server_ticket_flags(&flags, s), TL_ENOTFOUND);
    tl_hop_client *c = NULL;
    assert_tl_error(tl_hop_client_new_delegated(&c, s, "HTTP/web.lab.test", NULL), TL_ESTATE);
    /* the client's token and level exist only on Windows, and only once the exchange is done */
    int level = 7;
    tl_token *tok2 = (tl_token *)&level;
#ifdef _WIN32
    assert_tl_error(tl_hop_server_impersonation_level(&level, s), TL_ESTATE);
    assert_tl_error(tl_hop_server_token(&tok2, s), TL_ESTATE);
#else
    assert_tl_error(tl_hop_server_impersonation_level(&level, s), TL_ENOTSUP);
    assert_tl_error(tl_hop_server_token(&tok2, s), TL_ENOTSUP);
#endif
    assert_int_equal(level, -1);
    assert_null(tok2);
    assert_tl_error(tl_hop_server_token(NULL, s), TL_EINVAL);
    tl_hop_server_free(s);
}

/* Kerberos with no credentials and no realm: the failure carries the mechanism's own words. */
static void kerberos_without_credentials_fails_with_the_gss_text(void **state)
{
    if (!tl_hop_available())
        skip();
#ifndef _WIN32
    set_env("KRB5_CONFIG", tl_test_data("hop/no-such-krb5.conf"));
    set_env("KRB5CCNAME", "FILE:/nonexistent/tokenlens-test-ccache");
#endif
    tl_hop_options o = TL_HOP_OPTIONS_INIT;
    o.mech = TL_HOP_MECH_KERBEROS;
    o.delegation = TL_HOP_DELEGATE_POLICY;
    tl_hop_client *c = NULL;
    int rc = tl_hop_client_new(&c, "HTTP/web.invalid", &o);
    if (rc == TL_OK) {
        uint8_t *tok = NULL;
        size_t len = 0;
        rc = tl_hop_client_step(c, NULL, 0, &tok, &len);
        tl_free(tok);
        if (rc == TL_OK) { /* a machine that really has Kerberos: nothing to test */
            tl_hop_client_free(c);
            skip();
        }
        assert_false(tl_hop_client_done(c));
        tl_hop_client_free(c);
    }
    assert_int_equal(rc, TL_EAUTH);
    const tl_error *e = tl_error_last();
    assert_true(e->native != 0);
    print_message("expected failure: %s\n", e->message);
#ifndef _WIN32
    assert_non_null(strstr(e->message, "GSS major"));
#endif
}

/* NTLM end to end in one process (gss-ntlmssp reads alice's password from NTLM_USER_FILE on
 * both sides): the mechanism is NTLM, nothing is delegated and the reason says why. */
#ifndef _WIN32
static int ntlm_exchange(tl_hop_client *c, tl_hop_server *s)
{
    uint8_t *ct = NULL, *st = NULL;
    size_t cl = 0, sl = 0;
    int rc, rounds = 0;
    while (!tl_hop_client_done(c) || !tl_hop_server_done(s)) {
        if (++rounds > 5)
            return TL_ERROR;
        if (!tl_hop_client_done(c)) {
            rc = tl_hop_client_step(c, st, sl, &ct, &cl);
            tl_free(st);
            st = NULL;
            sl = 0;
            if (rc)
                return rc;
        }
        if (cl) {
            rc = tl_hop_server_step(s, ct, cl, &st, &sl);
            tl_free(ct);
            ct = NULL;
            cl = 0;
            if (rc)
                return rc;
        }
    }
    tl_free(st);
    return TL_OK;
}
#endif

static void ntlm_in_process_is_never_delegated(void **state)
{
    if (!tl_hop_available())
        skip();
    if (ntlm_leaks_would_fail_valgrind()) {
        print_message("under valgrind without the GSS suppressions: skipped (see "
                      "tests/hoplab/valgrind-gss.supp)\n");
        skip();
    }
#ifdef _WIN32
    skip(); /* Wine's NTLM needs Samba's ntlm_auth; covered by the Windows docs instead */
#else
    set_env("NTLM_USER_FILE", tl_test_data("hop/ntlm-users"));
    tl_hop_options co = TL_HOP_OPTIONS_INIT, so = TL_HOP_OPTIONS_INIT;
    co.mech = TL_HOP_MECH_NTLM;
    co.delegation = TL_HOP_DELEGATE_ALWAYS;
    co.principal = "LAB\\alice";
    so.mech = TL_HOP_MECH_NTLM;
    tl_hop_client *c = NULL;
    tl_hop_server *s = NULL;
    if (tl_hop_client_new(&c, "HTTP/web.lab.test", &co) != TL_OK ||
        tl_hop_server_new(&s, &so) != TL_OK) {
        print_message("gss-ntlmssp not usable here (%s): skipped\n", tl_error_last()->message);
        tl_hop_client_free(c);
        skip();
    }
    assert_tl_ok(ntlm_exchange(c, s));
    assert_int_equal(tl_hop_client_mech(c), TL_HOP_MECH_NTLM);
    assert_false(tl_hop_client_delegated(c));
    assert_int_equal(tl_hop_client_deleg_reason(c), TL_HOP_DELEG_MECH_CANNOT);
    uint32_t flags = 1;
    assert_tl_error(tl_hop_client_ticket_flags(&flags, c), TL_ENOTFOUND);
    assert_int_equal(flags, 0);
    assert_int_equal(tl_hop_server_mech(s), TL_HOP_MECH_NTLM);
    assert_string_equal(tl_hop_server_client_name(s), "LAB\\alice");
    assert_false(tl_hop_server_delegated(s));
    assert_tl_error(tl_hop_server_ticket_flags(&flags, s), TL_ENOTFOUND);
    int level;
    assert_tl_error(tl_hop_server_impersonation_level(&level, s), TL_ENOTSUP);
    /* the middle tier cannot go on as alice */
    tl_hop_client *next = NULL;
    assert_tl_error(tl_hop_client_new_delegated(&next, s, "MSSQLSvc/db.lab.test:1433", NULL),
                    TL_ESTATE);
    assert_non_null(strstr(tl_error_last()->message, "ANONYMOUS LOGON"));
    assert_null(next);
    /* a finished exchange takes no more tokens */
    uint8_t *tok;
    size_t len;
    assert_tl_error(tl_hop_client_step(c, (const uint8_t *)"x", 1, &tok, &len), TL_ESTATE);
    assert_tl_error(tl_hop_server_step(s, (const uint8_t *)"x", 1, &tok, &len), TL_ESTATE);
    tl_hop_client_free(c);
    tl_hop_server_free(s);
#endif
}

static void ntlm_exchange_survives_allocation_failures(void **state)
{
    if (!tl_hop_available())
        skip();
    if (ntlm_leaks_would_fail_valgrind())
        skip();
#ifdef _WIN32
    skip();
#else
    set_env("NTLM_USER_FILE", tl_test_data("hop/ntlm-users"));
    tl_hop_options co = TL_HOP_OPTIONS_INIT, so = TL_HOP_OPTIONS_INIT;
    co.mech = so.mech = TL_HOP_MECH_NTLM;
    co.principal = "LAB\\alice";
    tl_test_alloc_install();
    bool finished = false;
    for (unsigned long n = 1; n < 200 && !finished; n++) {
        tl_test_alloc_reset();
        tl_test_alloc_fail_at(n);
        tl_hop_client *c = NULL;
        tl_hop_server *s = NULL;
        int rc = tl_hop_client_new(&c, "HTTP/web.lab.test", &co);
        if (rc == TL_OK)
            rc = tl_hop_server_new(&s, &so);
        if (rc == TL_OK)
            rc = ntlm_exchange(c, s);
        if (rc == TL_OK)
            finished = true;
        else if (rc == TL_EAUTH && n == 1) {
            tl_hop_client_free(c);
            tl_hop_server_free(s);
            tl_test_alloc_uninstall();
            skip(); /* no gss-ntlmssp */
        } else
            assert_int_equal(rc, TL_ENOMEM);
        tl_hop_client_free(c);
        tl_hop_server_free(s);
        assert_int_equal(tl_test_alloc_outstanding(), 0);
    }
    tl_test_alloc_uninstall();
    assert_true(finished);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mechanism_names_round_trip),
        cmocka_unit_test(every_reason_has_a_name_and_text),
        cmocka_unit_test(delegation_reason_follows_the_flags),
        cmocka_unit_test(ticket_flags_format_in_rfc4120_order),
        cmocka_unit_test(ticket_flags_survive_allocation_failures),
        cmocka_unit_test(targets_split_into_service_and_host),
        cmocka_unit_test(options_are_checked),
        cmocka_unit_test(api_rejects_bad_arguments),
        cmocka_unit_test(server_rejects_a_garbage_token),
        cmocka_unit_test(kerberos_without_credentials_fails_with_the_gss_text),
        cmocka_unit_test(ntlm_in_process_is_never_delegated),
        cmocka_unit_test(ntlm_exchange_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
