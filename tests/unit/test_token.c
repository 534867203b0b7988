/* Token snapshots: the model, names, JSON round trips, strict loading, allocation failures,
 * and snapshots captured under Wine loading on any platform. Portable: also runs under Wine. */
#include "tl_test.h"
#include <stdio.h>
#include <string.h>

static tl_sid sid_of(const char *s)
{
    tl_sid sid;
    assert_tl_ok(tl_sid_from_string(&sid, s));
    return sid;
}

/* A token with every field set, as an IIS worker thread impersonating an NTLM user. */
static tl_token *rich_token(void)
{
    tl_token *t = NULL;
    assert_tl_ok(tl_token_new(&t));
    tl_sid user = sid_of("S-1-5-21-1004336348-1177238915-682003330-1105");
    tl_sid du = sid_of("S-1-5-21-1004336348-1177238915-682003330-513");
    assert_tl_ok(tl_token_set_user(t, &user, 0));
    assert_tl_ok(tl_token_set_user_name(t, "CONTOSO\\alice"));
    static const struct {
        const char *sid;
        uint32_t attr;
    } groups[] = {
        {"S-1-1-0", 7},
        {"S-1-5-32-545", 7},
        {"S-1-5-2", 7},
        {"S-1-5-64-10", 7},
        {"S-1-5-5-0-1978170", 0xC0000007u},
        {"S-1-16-8192", 0x60},
        {"S-1-5-32-544", 0x10},
    };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        tl_sid g = sid_of(groups[i].sid);
        assert_tl_ok(tl_token_add_group(t, &g, groups[i].attr));
    }
    tl_sid r = sid_of("S-1-5-12");
    assert_tl_ok(tl_token_add_restricted(t, &r, 7));
    assert_tl_ok(tl_token_add_privilege(t, NULL, 23, 3));
    assert_tl_ok(tl_token_add_privilege(t, "SeImpersonatePrivilege", 29, 0x80000000u));
    assert_tl_ok(tl_token_add_privilege(t, NULL, 999, 0)); /* unknown LUID: no name */
    assert_tl_ok(tl_token_set_owner(t, &user));
    assert_tl_ok(tl_token_set_primary_group(t, &du));
    assert_tl_ok(tl_token_set_type(t, TL_TOKEN_IMPERSONATION));
    assert_tl_ok(tl_token_set_impersonation_level(t, TL_IMPERSONATION_IMPERSONATION));
    assert_tl_ok(tl_token_set_integrity(t, true, 0x2000));
    assert_tl_ok(tl_token_set_elevation(t, true, false, TL_ELEVATION_TYPE_LIMITED));
    assert_tl_ok(tl_token_set_session_id(t, 2));
    assert_tl_ok(tl_token_set_logon_id(t, true, 0x1e2f3a));
    assert_tl_ok(tl_token_set_logon_session(t, "NTLM", TL_LOGON_NETWORK, "CONTOSO",
                                            "alice \xc3\xa9t\xc3\xa9")); /* UTF-8 kept */
    return t;
}

static void test_new_token_is_empty(void **state)
{
    (void)state;
    tl_token *t = NULL;
    assert_tl_ok(tl_token_new(&t));
    assert_null(tl_token_user(t));
    assert_null(tl_token_owner(t));
    assert_null(tl_token_primary_group(t));
    assert_int_equal(tl_token_group_count(t), 0);
    assert_null(tl_token_group_at(t, 0));
    assert_null(tl_token_privilege_at(t, 0));
    assert_null(tl_token_restricted_at(t, 0));
    assert_false(tl_token_restricted_known(t));
    assert_int_equal(tl_token_get_type(t), TL_TOKEN_TYPE_UNKNOWN);
    assert_int_equal(tl_token_impersonation_level(t), TL_IMPERSONATION_NONE);
    assert_false(tl_token_has_integrity(t));
    assert_false(tl_token_has_elevation(t));
    assert_false(tl_token_elevated(t));
    assert_false(tl_token_has_impersonation_level(t));
    assert_false(tl_token_has_logon_type(t));
    assert_false(tl_token_has_logon_id(t));
    assert_int_equal(tl_token_logon_type(t), TL_LOGON_TYPE_UNKNOWN);
    assert_null(tl_token_logon_package(t));
    assert_null(tl_token_user_name(t));
    tl_token_free(t);
    tl_token_free(NULL);
    assert_tl_error(tl_token_new(NULL), TL_EINVAL);
}

static void test_getters_after_setters(void **state)
{
    (void)state;
    tl_token *t = rich_token();
    char buf[TL_SID_STRING_MAX];
    assert_tl_ok(tl_sid_to_string(buf, sizeof buf, tl_token_user(t)));
    assert_string_equal(buf, "S-1-5-21-1004336348-1177238915-682003330-1105");
    assert_string_equal(tl_token_user_name(t), "CONTOSO\\alice");
    assert_int_equal(tl_token_group_count(t), 7);
    assert_int_equal(tl_token_group_at(t, 4)->attributes, 0xC0000007u);
    assert_null(tl_token_group_at(t, 7));
    assert_int_equal(tl_token_restricted_count(t), 1);
    assert_true(tl_token_restricted_known(t));
    assert_int_equal(tl_token_privilege_count(t), 3);
    assert_string_equal(tl_token_privilege_at(t, 0)->name, "SeChangeNotifyPrivilege");
    assert_string_equal(tl_token_privilege_at(t, 2)->name, "");
    assert_non_null(tl_token_privilege_find(t, "seimpersonateprivilege"));
    assert_null(tl_token_privilege_find(t, "SeDebugPrivilege"));
    assert_int_equal(tl_token_impersonation_level(t), TL_IMPERSONATION_IMPERSONATION);
    assert_int_equal(tl_token_integrity_rid(t), 0x2000);
    assert_int_equal(tl_token_logon_type(t), TL_LOGON_NETWORK);
    assert_string_equal(tl_token_logon_package(t), "NTLM");
    assert_int_equal(tl_token_logon_id(t), 0x1e2f3a);
    tl_token_free(t);
}

static void test_setters_reject_bad_values(void **state)
{
    (void)state;
    tl_token *t = NULL;
    assert_tl_ok(tl_token_new(&t));
    tl_sid bad;
    memset(&bad, 0, sizeof bad); /* revision 0 */
    assert_tl_error(tl_token_set_user(t, &bad, 0), TL_EINVAL);
    assert_tl_error(tl_token_add_group(t, &bad, 0), TL_EINVAL);
    assert_tl_error(tl_token_add_group(t, NULL, 0), TL_EINVAL);
    assert_tl_error(tl_token_set_type(t, (tl_token_type)7), TL_EINVAL);
    assert_tl_error(tl_token_set_impersonation_level(t, (tl_impersonation_level)4), TL_EINVAL);
    assert_tl_error(tl_token_set_elevation(t, true, true, (tl_elevation_type)9), TL_EINVAL);
    assert_tl_error(tl_token_add_privilege(t,
                                           "SeAVeryLongPrivilegeNameThatDoesNotFitInSixtyFour"
                                           "BytesAtAllNoNotEvenClose",
                                           1, 0),
                    TL_EINVAL);
    assert_tl_error(tl_token_add_group(NULL, &bad, 0), TL_EINVAL);
    tl_sid everyone = sid_of("S-1-1-0");
    for (int i = 0; i < TL_TOKEN_MAX_GROUPS; i++)
        assert_tl_ok(tl_token_add_group(t, &everyone, 7));
    assert_tl_error(tl_token_add_group(t, &everyone, 7), TL_ELIMIT);
    tl_token_free(t);
}

static void test_names(void **state)
{
    (void)state;
    static const struct {
        int level;
        const char *name;
    } levels[] = {{0, "Anonymous"}, {1, "Identification"}, {2, "Impersonation"}, {3, "Delegation"}};
    for (size_t i = 0; i < 4; i++) {
        tl_impersonation_level l;
        assert_string_equal(tl_impersonation_level_name(levels[i].level), levels[i].name);
        assert_tl_ok(tl_impersonation_level_from_name(&l, levels[i].name));
        assert_int_equal(l, levels[i].level);
    }
    assert_null(tl_impersonation_level_name(-1));
    assert_null(tl_impersonation_level_name(4));
    /* ntsecapi.h SECURITY_LOGON_TYPE numbering. */
    static const struct {
        int type;
        const char *name;
    } logons[] = {{2, "Interactive"},
                  {3, "Network"},
                  {4, "Batch"},
                  {5, "Service"},
                  {8, "NetworkCleartext"},
                  {9, "NewCredentials"},
                  {10, "RemoteInteractive"},
                  {11, "CachedInteractive"},
                  {0, "Undefined"}};
    for (size_t i = 0; i < sizeof logons / sizeof logons[0]; i++) {
        tl_logon_type lt;
        assert_string_equal(tl_logon_type_name(logons[i].type), logons[i].name);
        assert_tl_ok(tl_logon_type_from_name(&lt, logons[i].name));
        assert_int_equal(lt, logons[i].type);
    }
    assert_null(tl_logon_type_name(1));
    assert_null(tl_logon_type_name(14));
    tl_logon_type lt;
    assert_tl_error(tl_logon_type_from_name(&lt, "Kerberos"), TL_ENOTFOUND);
    assert_string_equal(tl_privilege_name(20), "SeDebugPrivilege");
    assert_string_equal(tl_privilege_name(36), "SeDelegateSessionUserImpersonatePrivilege");
    assert_null(tl_privilege_name(1));
    assert_null(tl_privilege_name(37));
    assert_string_equal(tl_integrity_name(0x3000), "High");
    assert_null(tl_integrity_name(0x3001));
}

static void test_attribute_strings(void **state)
{
    (void)state;
    static const struct {
        uint32_t attr;
        const char *want;
    } rows[] = {
        {0, ""},
        {7, "mandatory enabled_by_default enabled"},
        {0x10, "deny_only"},
        {0x60, "integrity integrity_enabled"},
        {0xC0000007u, "mandatory enabled_by_default enabled logon_id"},
        {0x20000004u, "enabled resource"},
        {0x100, "0x100"},
        {0x40000000u, "0x40000000"}, /* half of SE_GROUP_LOGON_ID is not the flag */
    };
    int failures = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char buf[200];
        assert_tl_ok(tl_group_attributes_string(buf, sizeof buf, rows[i].attr));
        if (strcmp(buf, rows[i].want) != 0) {
            print_error("row %u: 0x%x gave '%s', want '%s'\n", (unsigned)i, (unsigned)rows[i].attr,
                        buf, rows[i].want);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
    char buf[64];
    assert_tl_ok(tl_privilege_attributes_string(buf, sizeof buf, 0x80000003u));
    assert_string_equal(buf, "enabled_by_default enabled used_for_access");
    char tiny[8];
    assert_tl_error(tl_group_attributes_string(tiny, sizeof tiny, 7), TL_ERANGE);
}

static void test_copy_and_equal(void **state)
{
    (void)state;
    tl_token *t = rich_token(), *c = NULL;
    assert_tl_ok(tl_token_copy(&c, t));
    assert_true(tl_token_equal(t, c));
    assert_tl_ok(tl_token_set_session_id(c, 3));
    assert_false(tl_token_equal(t, c));
    tl_token_free(c);
    assert_tl_ok(tl_token_copy(&c, t));
    tl_sid x = sid_of("S-1-5-18");
    assert_tl_ok(tl_token_add_group(c, &x, 0));
    assert_false(tl_token_equal(t, c));
    tl_token_free(c);
    tl_token_free(t);
}

static void roundtrip(const tl_token *t)
{
    char *json = NULL;
    tl_token *back = NULL;
    assert_tl_ok(tl_token_to_json(&json, t));
    assert_tl_ok(tl_token_from_json(&back, json, strlen(json)));
    if (!tl_token_equal(t, back))
        fail_msg("round trip changed the token:\n%s", json);
    /* And the second serialisation is byte-identical. */
    char *again = NULL;
    assert_tl_ok(tl_token_to_json(&again, back));
    assert_string_equal(json, again);
    tl_free(again);
    tl_free(json);
    tl_token_free(back);
}

static void test_json_roundtrip(void **state)
{
    (void)state;
    tl_token *t = rich_token();
    roundtrip(t);
    tl_token_free(t);
    assert_tl_ok(tl_token_new(&t));
    roundtrip(t); /* everything unknown survives as null */
    tl_token_free(t);
}

static void test_json_shape(void **state)
{
    (void)state;
    tl_token *t = rich_token();
    char *json = NULL;
    assert_tl_ok(tl_token_to_json(&json, t));
    static const char *const expect[] = {
        "\"tokenlens_token\": 1",
        "\"type\": \"impersonation\"",
        "\"impersonation_level\": \"Impersonation\"",
        "\"user_name\": \"CONTOSO\\\\alice\"",
        "\"sid\": \"S-1-1-0\"",
        "\"name\": \"Everyone\"",
        "\"name\": \"SeChangeNotifyPrivilege\"",
        "\"luid\": \"0x1e2f3a\"",
        "\"package\": \"NTLM\"",
        "\"type\": \"Network\"",
        "\"user\": \"alice \\u00E9t\\u00E9\"",
        "\"integrity_level\": {",
        "\"name\": \"Medium\"",
        "\"elevation_type\": \"limited\"",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        if (!strstr(json, expect[i]))
            fail_msg("JSON lacks %s:\n%s", expect[i], json);
    tl_free(json);
    tl_token_free(t);
}

/* Strict loading: every row is a document that must fail with `code` at `path`. */
#define V "\"tokenlens_token\": 1"
static void test_json_strict(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        int code;
        const char *path;
    } rows[] = {
        {"[]", TL_EPARSE, "$"},
        {"{}", TL_EPARSE, "$.tokenlens_token"},
        {"{\"tokenlens_token\": 2}", TL_EPARSE, "$.tokenlens_token"},
        {"{\"tokenlens_token\": \"1\"}", TL_EPARSE, "$.tokenlens_token"},
        {"{" V ", \"colour\": 1}", TL_EPARSE, "$.colour"},
        {"{" V ", \"type\": \"secondary\"}", TL_EPARSE, "$.type"},
        {"{" V ", \"type\": 1}", TL_EPARSE, "$.type"},
        {"{" V ", \"impersonation_level\": \"Full\"}", TL_EPARSE, "$.impersonation_level"},
        {"{" V ", \"impersonation_level\": 2}", TL_EPARSE, "$.impersonation_level"},
        {"{" V ", \"user\": \"S-1-5-18\"}", TL_EPARSE, "$.user"},
        {"{" V ", \"user\": {\"sid\": \"S-1-5-x\", \"attributes\": 0}}", TL_EPARSE, "$.user.sid"},
        {"{" V ", \"user\": {\"attributes\": 0}}", TL_EPARSE, "$.user.sid"},
        {"{" V ", \"user\": {\"sid\": \"S-1-5-18\"}}", TL_EPARSE, "$.user.attributes"},
        {"{" V ", \"groups\": {}}", TL_EPARSE, "$.groups"},
        {"{" V ", \"user_name\": [\"CONTOSO\", \"alice\"]}", TL_EPARSE, "$.user_name"},
        {"{" V ", \"groups\": [{\"sid\": \"S-1-1-0\", \"attributes\": 7},"
         "{\"sid\": \"S-1-1-0\", \"attributes\": 7},{\"sid\": \"S-1-1-0\", \"attributes\": 7},"
         "{\"sid\": \"BA\", \"attributes\": 7}]}",
         TL_EPARSE, "$.groups[3].sid"},
        {"{" V ", \"groups\": [{\"sid\": \"S-1-1-0\", \"attributes\": -1}]}", TL_EPARSE,
         "$.groups[0].attributes"},
        {"{" V ", \"groups\": [{\"sid\": \"S-1-1-0\", \"attributes\": 4294967296}]}", TL_EPARSE,
         "$.groups[0].attributes"},
        {"{" V ", \"groups\": [{\"sid\": \"S-1-1-0\", \"attributes\": 7.0}]}", TL_EPARSE,
         "$.groups[0].attributes"},
        {"{" V ", \"groups\": [{\"sid\": \"S-1-1-0\", \"attributes\": 7, \"flags\": [1]}]}",
         TL_EPARSE, "$.groups[0].flags[0]"},
        {"{" V ", \"groups\": [{\"sid\": \"S-1-1-0\", \"attributes\": 7, \"x\": 1}]}", TL_EPARSE,
         "$.groups[0].x"},
        {"{" V ", \"groups\": [7]}", TL_EPARSE, "$.groups[0]"},
        {"{" V ", \"restricted_sids\": [{\"sid\": \"S-1-1\", \"attributes\": 7}]}", TL_EPARSE,
         "$.restricted_sids[0].sid"},
        {"{" V ", \"privileges\": [{\"name\": \"SeX\", \"attributes\": 0}]}", TL_EPARSE,
         "$.privileges[0].luid"},
        {"{" V ", \"privileges\": [{\"name\": \"SeX\", \"luid\": -3, \"attributes\": 0}]}",
         TL_EPARSE, "$.privileges[0].luid"},
        {"{" V ", \"privileges\": [{\"name\": 5, \"luid\": 3, \"attributes\": 0}]}", TL_EPARSE,
         "$.privileges[0].name"},
        {"{" V ", \"owner\": {\"sid\": \"S-1-5-18\", \"attributes\": 0}}", TL_EPARSE,
         "$.owner.attributes"},
        {"{" V ", \"primary_group\": {\"sid\": \"\"}}", TL_EPARSE, "$.primary_group.sid"},
        {"{" V ", \"integrity_level\": {\"sid\": \"S-1-5-18\"}}", TL_EPARSE,
         "$.integrity_level.sid"},
        {"{" V ", \"elevated\": \"yes\"}", TL_EPARSE, "$.elevated"},
        {"{" V ", \"elevation_type\": \"max\"}", TL_EPARSE, "$.elevation_type"},
        {"{" V ", \"session_id\": -1}", TL_EPARSE, "$.session_id"},
        {"{" V ", \"logon\": []}", TL_EPARSE, "$.logon"},
        {"{" V ", \"logon\": {\"luid\": 999}}", TL_EPARSE, "$.logon.luid"},
        {"{" V ", \"logon\": {\"luid\": \"0x\"}}", TL_EPARSE, "$.logon.luid"},
        {"{" V ", \"logon\": {\"luid\": \"0x12345678901234567\"}}", TL_EPARSE, "$.logon.luid"},
        {"{" V ", \"logon\": {\"luid\": \"999\"}}", TL_EPARSE, "$.logon.luid"},
        {"{" V ", \"logon\": {\"type\": \"Kerberos\"}}", TL_EPARSE, "$.logon.type"},
        {"{" V ", \"logon\": {\"type\": true}}", TL_EPARSE, "$.logon.type"},
        {"{" V ", \"logon\": {\"package\": 1}}", TL_EPARSE, "$.logon.package"},
        {"{" V ", \"logon\": {\"user\": \"a\\u0000b\"}}", TL_EPARSE, ""}, /* jansson refuses NUL */
        {"{" V ", \"logon\": {\"host\": \"x\"}}", TL_EPARSE, "$.logon.host"},
        /* Issue 18: control characters 1-31 cannot be in a Windows name (USER_INFO_0). */
        {"{" V ", \"user_name\": \"CONTOSO\\\\\\u001b]0;x\\u0007\"}", TL_EPARSE, "$.user_name"},
        {"{" V ", \"logon\": {\"domain\": \"CON\\u001b[2J\"}}", TL_EPARSE, "$.logon.domain"},
        {"{" V ", \"logon\": {\"user\": \"al\\u0001ice\"}}", TL_EPARSE, "$.logon.user"},
        {"{" V ", \"logon\": {\"package\": \"NTLM\\r\"}}", TL_EPARSE, "$.logon.package"},
        {"{" V ", \"privileges\": [{\"name\": \"Se\\u001fX\", \"luid\": 1, \"attributes\": 0}]}",
         TL_EPARSE, "$.privileges[0].name"},
        {"{" V
         ", \"groups\": [{\"sid\": \"S-1-1-0\", \"name\": \"Every\\tone\", \"attributes\": 7}]}",
         TL_EPARSE, "$.groups[0].name"},
        {"{" V ", \"owner\": {\"sid\": \"S-1-5-18\", \"name\": \"\\u001b\"}}", TL_EPARSE,
         "$.owner.name"},
    };
    int failures = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl_token *t = (tl_token *)1;
        int rc = tl_token_from_json(&t, rows[i].json, strlen(rows[i].json));
        const tl_error *e = tl_error_last();
        if (rc != rows[i].code || t != NULL || strcmp(e->path, rows[i].path) != 0 ||
            e->code != rc) {
            print_error("row %u: %s\n  got %s at '%s' (%s), want %s at '%s'\n", (unsigned)i,
                        rows[i].json, tl_error_name(rc), e->path, e->message,
                        tl_error_name(rows[i].code), rows[i].path);
            failures++;
        }
        if (rc == TL_OK)
            tl_token_free(t);
    }
    assert_int_equal(failures, 0);
}

static void test_json_syntax_error_has_offset(void **state)
{
    (void)state;
    const char *text = "{\"tokenlens_token\": 1,, }";
    tl_token *t = NULL;
    assert_tl_error(tl_token_from_json(&t, text, strlen(text)), TL_EPARSE);
    assert_int_equal(tl_error_last()->offset, 23); /* jansson: just past the bad token */
    assert_non_null(strstr(tl_error_last()->message, "line 1"));
    const char *dup = "{\"tokenlens_token\": 1, \"session_id\": 1, \"session_id\": 2}";
    assert_tl_error(tl_token_from_json(&t, dup, strlen(dup)), TL_EPARSE);
    assert_tl_error(tl_token_from_json(&t, "", 0), TL_EPARSE);
    assert_tl_error(tl_token_from_json(&t, NULL, 0), TL_EINVAL);
    /* Not NUL-terminated: only `len` bytes are read. */
    const char buf[] = {'{', '"', 't', 'o', 'k', 'e', 'n', 'l', 'e', 'n', 's',
                        '_', 't', 'o', 'k', 'e', 'n', '"', ':', '1', '}', 'X'};
    assert_tl_ok(tl_token_from_json(&t, buf, sizeof buf - 1));
    tl_token_free(t);
}

static void test_json_oversized_arrays(void **state)
{
    (void)state;
    /* TL_TOKEN_MAX_GROUPS + 1 groups and TL_TOKEN_MAX_PRIVILEGES + 1 privileges. */
    size_t n = TL_TOKEN_MAX_GROUPS + 1;
    size_t cap = 64 + n * 48;
    char *doc = test_malloc(cap);
    size_t len = (size_t)snprintf(doc, cap, "{" V ", \"groups\": [");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(doc + len, cap - len, "%s{\"sid\":\"S-1-1-0\",\"attributes\":7}",
                                i ? "," : "");
    len += (size_t)snprintf(doc + len, cap - len, "]}");
    tl_token *t = NULL;
    assert_tl_error(tl_token_from_json(&t, doc, len), TL_ELIMIT);
    assert_string_equal(tl_error_last()->path, "$.groups");
    len = (size_t)snprintf(doc, cap, "{" V ", \"privileges\": [");
    for (size_t i = 0; i <= TL_TOKEN_MAX_PRIVILEGES; i++)
        len += (size_t)snprintf(doc + len, cap - len, "%s{\"luid\":23,\"attributes\":3}",
                                i ? "," : "");
    len += (size_t)snprintf(doc + len, cap - len, "]}");
    assert_tl_error(tl_token_from_json(&t, doc, len), TL_ELIMIT);
    assert_string_equal(tl_error_last()->path, "$.privileges");
    test_free(doc);
}

/* Every allocation in turn fails: a clean TL_ENOMEM, no output, nothing leaked. */
static void test_allocation_failures(void **state)
{
    (void)state;
    tl_token *t = rich_token();
    char *json = NULL;
    assert_tl_ok(tl_token_to_json(&json, t));
    size_t len = strlen(json);
    tl_test_alloc_install();
    int finished = 0;
    for (unsigned long n = 1; n < 10000 && !finished; n++) {
        tl_test_alloc_reset();
        tl_test_alloc_fail_at(n);
        tl_token *back = (tl_token *)1, *copy = (tl_token *)1;
        char *out = (char *)1;
        int r1 = tl_token_from_json(&back, json, len);
        int r2 = tl_token_copy(&copy, t);
        int r3 = tl_token_to_json(&out, t);
        int failed = (r1 != TL_OK) + (r2 != TL_OK) + (r3 != TL_OK);
        if (r1 != TL_OK) {
            assert_int_equal(r1, TL_ENOMEM);
            assert_null(back);
        } else {
            tl_token_free(back);
        }
        if (r2 != TL_OK) {
            assert_int_equal(r2, TL_ENOMEM);
            assert_null(copy);
        } else {
            tl_token_free(copy);
        }
        if (r3 != TL_OK) {
            assert_int_equal(r3, TL_ENOMEM);
            assert_null(out);
        } else {
            tl_free(out);
        }
        if (tl_test_alloc_outstanding() != 0)
            fail_msg("allocation %lu failing leaked %ld blocks", n, tl_test_alloc_outstanding());
        finished = failed == 0;
    }
    tl_test_alloc_uninstall();
    assert_true(finished);
    tl_free(json);
    tl_token_free(t);
}

static void test_load_save_files(void **state)
{
    (void)state;
    tl_token *t = NULL;
    assert_tl_ok(tl_token_load(&t, tl_test_data("token/iis-ntlm-impersonation.json")));
    assert_int_equal(tl_token_impersonation_level(t), TL_IMPERSONATION_IMPERSONATION);
    assert_int_equal(tl_token_logon_type(t), TL_LOGON_NETWORK);
    assert_string_equal(tl_token_logon_package(t), "NTLM");
    assert_int_equal(tl_token_group_count(t), 9);
    assert_true(tl_token_restricted_known(t));
    roundtrip(t);
    const char *out = "test_token_saved.json";
    assert_tl_ok(tl_token_save(t, out));
    tl_token *back = NULL;
    assert_tl_ok(tl_token_load(&back, out));
    assert_true(tl_token_equal(t, back));
    remove(out);
    tl_token_free(back);
    tl_token_free(t);
    assert_tl_error(tl_token_load(&t, tl_test_data("token/does-not-exist.json")), TL_EIO);
}

/* A snapshot captured by the Windows backend under Wine (tests/win32, tokenlens.exe whoami
 * --save) loads on any platform. */
static void test_wine_snapshot_loads(void **state)
{
    (void)state;
    tl_token *t = NULL;
    assert_tl_ok(tl_token_load(&t, tl_test_data("token/wine-process.json")));
    char buf[TL_SID_STRING_MAX];
    assert_tl_ok(tl_sid_to_string(buf, sizeof buf, tl_token_user(t)));
    assert_memory_equal(buf, "S-1-5-21-", 9);
    assert_int_equal(tl_token_get_type(t), TL_TOKEN_PRIMARY);
    assert_int_equal(tl_token_impersonation_level(t), TL_IMPERSONATION_NONE);
    assert_non_null(tl_token_user_name(t)); /* LookupAccountSid ran under Wine */
    assert_true(tl_token_group_count(t) > 0);
    tl_sid everyone = sid_of("S-1-1-0");
    int found = 0;
    for (size_t i = 0; i < tl_token_group_count(t); i++)
        found |= tl_sid_equal(&tl_token_group_at(t, i)->sid, &everyone);
    assert_true(found);
    assert_non_null(tl_token_privilege_find(t, "SeChangeNotifyPrivilege"));
    roundtrip(t);
    tl_token_free(t);
}

static void test_live_off_windows(void **state)
{
    (void)state;
    if (tl_live_supported())
        skip(); /* the Windows build runs the real thing in tests/win32 */
    tl_token *t = (tl_token *)1;
    assert_tl_error(tl_live_process_token(&t), TL_ENOTSUP);
    assert_null(t);
    assert_non_null(strstr(tl_error_last()->message, "live capture needs Windows"));
    assert_tl_error(tl_live_thread_token(&t), TL_ENOTSUP);
    assert_tl_error(tl_live_effective_token(&t), TL_ENOTSUP);
    tl_probe *p = (tl_probe *)1;
    assert_tl_error(tl_live_probe_impersonation(&p), TL_ENOTSUP);
    assert_null(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_token_is_empty),
        cmocka_unit_test(test_getters_after_setters),
        cmocka_unit_test(test_setters_reject_bad_values),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_attribute_strings),
        cmocka_unit_test(test_copy_and_equal),
        cmocka_unit_test(test_json_roundtrip),
        cmocka_unit_test(test_json_shape),
        cmocka_unit_test(test_json_strict),
        cmocka_unit_test(test_json_syntax_error_has_offset),
        cmocka_unit_test(test_json_oversized_arrays),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_load_save_files),
        cmocka_unit_test(test_wine_snapshot_loads),
        cmocka_unit_test(test_live_off_windows),
    };
    return cmocka_run_group_tests_name("token", tests, NULL, NULL);
}
