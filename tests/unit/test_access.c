/*
 * Access check, one table row per MS-DTYP 2.5.3.2 rule (docs/access-check.md): verdict,
 * granted mask and the deciding reason (its kind and ACE index). Every failing row is
 * reported.
 */
#include "tl_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER "S-1-5-21-1-2-3-1000"

/* Subject spec: space-separated U=sid, G=sid (enabled), GD=sid (deny-only), GX=sid
 * (disabled), R=sid (restricted), P=privilege (enabled), IL=rid. */
static tl_token *subject(const char *spec)
{
    tl_token *t;
    assert_tl_ok(tl_token_new(&t));
    char buf[512];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        assert_non_null(eq);
        *eq = 0;
        const char *v = eq + 1;
        tl_sid sid;
        if (strcmp(tok, "P") == 0) {
            assert_tl_ok(tl_token_add_privilege(t, v, 0, TL_PRIVILEGE_ENABLED));
            continue;
        }
        if (strcmp(tok, "IL") == 0) {
            assert_tl_ok(tl_token_set_integrity(t, true, (uint32_t)strtoul(v, NULL, 0)));
            continue;
        }
        assert_tl_ok(tl_sid_resolve(&sid, v, NULL));
        if (strcmp(tok, "U") == 0)
            assert_tl_ok(tl_token_set_user(t, &sid, 0));
        else if (strcmp(tok, "G") == 0)
            assert_tl_ok(tl_token_add_group(t, &sid, TL_GROUP_ENABLED | TL_GROUP_MANDATORY));
        else if (strcmp(tok, "GD") == 0)
            assert_tl_ok(tl_token_add_group(t, &sid, TL_GROUP_USE_FOR_DENY_ONLY));
        else if (strcmp(tok, "GX") == 0)
            assert_tl_ok(tl_token_add_group(t, &sid, 0));
        else if (strcmp(tok, "R") == 0)
            assert_tl_ok(tl_token_add_restricted(t, &sid, TL_GROUP_ENABLED));
        else
            fail_msg("bad subject key %s", tok);
    }
    return t;
}

typedef struct row {
    const char *rule;
    const char *sddl;
    const char *subject;
    const char *desired; /* SDDL rights, or "MAX" */
    uint32_t flags;
    tl_object_kind object;
    bool allowed;
    long granted;      /* expected tl_access_result_granted, -1: not checked */
    int reason_kind;   /* a reason of this kind must exist, -1: not checked */
    long reason_index; /* ... with this ACE index */
} row;

#define ANYONE "U=" USER " G=WD"

static const row rows[] = {
    {"deny before a later allow", "D:(D;;FW;;;WD)(A;;FA;;;WD)", ANYONE, "FW", 0, 0, false, 0,
     TL_REASON_DENY_ACE, 0},
    {"a deny of write still lets read data through", "D:(D;;0x2;;;WD)(A;;FA;;;WD)", ANYONE, "0x1",
     0, 0, true, 0x1, TL_REASON_ALLOW_ACE, 1},
    {"FW and FR share READ_CONTROL|SYNCHRONIZE: denying FW denies FR", "D:(D;;FW;;;WD)(A;;FA;;;WD)",
     ANYONE, "FR", 0, 0, false, 0, TL_REASON_DENY_ACE, 0},
    {"allow before deny: order decides", "D:(A;;FA;;;WD)(D;;FA;;;WD)", ANYONE, "FA", 0, 0, true,
     0x1f01ff, TL_REASON_ALLOW_ACE, 0},
    {"NULL DACL grants everything", "D:NO_ACCESS_CONTROL", ANYONE, "FA", 0, 0, true, 0x1f01ff,
     TL_REASON_NULL_DACL, -1},
    {"empty DACL grants nothing", "D:", ANYONE, "FR", 0, 0, false, 0, TL_REASON_NO_DACL_MATCH, -1},
    {"owner gets READ_CONTROL|WRITE_DAC", "O:" USER "D:", ANYONE, "RCWD", 0, 0, true, 0x60000,
     TL_REASON_OWNER, -1},
    {"owner gets nothing else implicitly", "O:" USER "D:", ANYONE, "FR", 0, 0, false, 0, -1, -1},
    {"owner's implicit rights survive a deny", "O:" USER "D:(D;;FA;;;WD)", ANYONE, "RC", 0, 0, true,
     0x20000, TL_REASON_OWNER, -1},
    {"OWNER RIGHTS replaces the implicit rights", "O:" USER "D:(A;;FR;;;OW)", ANYONE, "WD", 0, 0,
     false, 0, TL_REASON_OWNER_RIGHTS, -1},
    {"OWNER RIGHTS ACE grants to the owner", "O:" USER "D:(A;;FR;;;OW)", ANYONE, "FR", 0, 0, true,
     0x120089, TL_REASON_ALLOW_ACE, 0},
    {"deny-only group does not match an allow", "D:(A;;FA;;;BA)", ANYONE " GD=BA", "FR", 0, 0,
     false, 0, TL_REASON_NO_DACL_MATCH, -1},
    {"deny-only group matches a deny", "D:(D;;FA;;;BA)(A;;FA;;;WD)", ANYONE " GD=BA", "FR", 0, 0,
     false, 0, TL_REASON_DENY_ACE, 0},
    {"disabled group matches nothing", "D:(D;;FA;;;BA)(A;;FA;;;WD)", ANYONE " GX=BA", "FR", 0, 0,
     true, 0x120089, TL_REASON_ALLOW_ACE, 1},
    {"restricted token: both passes must grant", "D:(A;;FA;;;WD)(A;;FR;;;RC)", ANYONE " R=RC", "FA",
     0, 0, false, 0, TL_REASON_RESTRICTED, -1},
    {"restricted token: read granted in both passes", "D:(A;;FA;;;WD)(A;;FR;;;RC)", ANYONE " R=RC",
     "FR", 0, 0, true, 0x120089, -1, -1},
    {"no label: Medium with no-write-up stops Low writing", "D:(A;;FA;;;WD)", ANYONE " IL=0x1000",
     "FW", 0, 0, false, 0, TL_REASON_INTEGRITY, -1},
    {"no-write-up leaves read to Low", "D:(A;;FA;;;WD)", ANYONE " IL=0x1000", "FR", 0, 0, true,
     0x120089, -1, -1},
    {"no-read-up label stops Medium reading", "D:(A;;FA;;;WD)S:(ML;;NWNR;;;HI)",
     ANYONE " IL=0x2000", "FR", 0, 0, false, 0, TL_REASON_INTEGRITY, 0},
    {"equal integrity is not up", "D:(A;;FA;;;WD)S:(ML;;NWNR;;;HI)", ANYONE " IL=0x3000", "FA", 0,
     0, true, 0x1f01ff, -1, -1},
    {"MAXIMUM_ALLOWED returns the grantable set", "D:(A;;FR;;;WD)(D;;FW;;;WD)", ANYONE, "MAX", 0, 0,
     true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"generic bits in ACEs are mapped", "D:(A;;GR;;;WD)", ANYONE, "FR", 0, 0, true, 0x120089,
     TL_REASON_ALLOW_ACE, 0},
    {"raw ACE masks: GR does not grant FR", "D:(A;;GR;;;WD)", ANYONE, "FR", TL_ACCESS_RAW_ACE_MASKS,
     0, false, 0, -1, -1},
    {"desired generic bits are mapped", "D:(A;;FR;;;WD)", ANYONE, "GR", 0, 0, true, 0x120089, -1,
     -1},
    {"key mapping", "D:(A;;GR;;;WD)", ANYONE, "KR", 0, TL_OBJECT_KEY, true, 0x20019, -1, -1},
    {"SeTakeOwnership grants WRITE_OWNER", "D:", ANYONE " P=SeTakeOwnershipPrivilege", "WO", 0, 0,
     true, 0x80000, TL_REASON_PRIVILEGE, -1},
    {"SeBackup needs backup intent", "D:", ANYONE " P=SeBackupPrivilege", "FR", 0, 0, false, 0, -1,
     -1},
    {"SeBackup with backup intent grants read", "D:", ANYONE " P=SeBackupPrivilege", "FR",
     TL_ACCESS_BACKUP_INTENT, 0, true, 0x120089, TL_REASON_PRIVILEGE, -1},
    {"SeRestore with backup intent grants write", "D:", ANYONE " P=SeRestorePrivilege", "FW",
     TL_ACCESS_BACKUP_INTENT, 0, true, 0x120116, TL_REASON_PRIVILEGE, -1},
    {"privileges can be ignored", "D:", ANYONE " P=SeTakeOwnershipPrivilege", "WO",
     TL_ACCESS_NO_PRIVILEGES, 0, false, 0, -1, -1},
    {"ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege", "D:NO_ACCESS_CONTROL", ANYONE, "0x1000000",
     0, 0, false, 0, TL_REASON_PRIVILEGE_REQUIRED, -1},
    {"SeSecurityPrivilege grants ACCESS_SYSTEM_SECURITY", "D:", ANYONE " P=SeSecurityPrivilege",
     "0x1000000", 0, 0, true, 0x1000000, TL_REASON_PRIVILEGE, -1},
    {"inherit-only ACEs do not apply", "D:(A;IO;FA;;;WD)", ANYONE, "FR", 0, 0, false, 0, -1, -1},
    {"object ACE naming an object type does not apply",
     "D:(OA;;FA;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;WD)", ANYONE, "FR", 0, 0, false, 0, -1, -1},
    {"object ACE without object type applies", "D:(OA;;FA;;;WD)", ANYONE, "FR", 0, 0, true,
     0x120089, TL_REASON_ALLOW_ACE, 0},
    {"conditional deny with an unknown condition (a claim) applies",
     "D:(XD;;FW;;;WD;(@User.Title == \"PM\"))(A;;FA;;;WD)", ANYONE, "FW", 0, 0, false, 0,
     TL_REASON_DENY_ACE, 0},
    {"conditional deny with a false condition does not apply",
     "D:(XD;;FW;;;WD;(Member_of {SID(BA)}))(A;;FA;;;WD)", ANYONE, "FW", 0, 0, true, 0x120116,
     TL_REASON_ALLOW_ACE, 1},
    {"conditional deny with a true condition applies",
     "D:(XD;;FW;;;WD;(Member_of {SID(WD)}))(A;;FA;;;WD)", ANYONE, "FW", 0, 0, false, 0,
     TL_REASON_DENY_ACE, 0},
    {"conditional allow with a false condition grants nothing",
     "D:(XA;;FA;;;WD;(Member_of {SID(BA)}))", ANYONE, "FR", 0, 0, false, 0, TL_REASON_SKIPPED_ACE,
     0},
    {"conditional allow with an unknown condition grants nothing",
     "D:(XA;;FA;;;WD;(@Device.Managed == 1))", ANYONE, "FR", 0, 0, false, 0, TL_REASON_SKIPPED_ACE,
     0},
    {"conditional allow with a true condition grants", "D:(XA;;FR;;;WD;(Member_of {SID(WD)}))",
     ANYONE, "FR", 0, 0, true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"Member_of needs every SID", "D:(XA;;FR;;;WD;(Member_of {SID(WD), SID(BA)}))", ANYONE, "FR", 0,
     0, false, 0, TL_REASON_SKIPPED_ACE, 0},
    {"Member_of_any needs one SID", "D:(XA;;FR;;;WD;(Member_of_any {SID(WD), SID(BA)}))", ANYONE,
     "FR", 0, 0, true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"Not_Member_of and ||", "D:(XA;;FR;;;WD;(Not_Member_of {SID(BA)} || @User.x == 1))", ANYONE,
     "FR", 0, 0, true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"&& with an unknown side is unknown", "D:(XA;;FR;;;WD;(Member_of {SID(WD)} && @User.x))",
     ANYONE, "FR", 0, 0, false, 0, TL_REASON_SKIPPED_ACE, 0},
    {"&& with a false side is false even if the other is unknown",
     "D:(XD;;FR;;;WD;(Member_of {SID(BA)} && @User.x))(A;;FR;;;WD)", ANYONE, "FR", 0, 0, true,
     0x120089, TL_REASON_ALLOW_ACE, 1},
    /* @Resource. attributes come from the descriptor's RA ACEs (MS-DTYP 2.4.4.17.8). */
    {"@Resource string == literal, case-insensitive by default",
     "D:(XA;;FR;;;WD;(@Resource.Dept == \"FINANCE\"))S:(RA;;;;;WD;(\"Dept\",TS,0x0,\"Finance\"))",
     ANYONE, "FR", 0, 0, true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"@Resource string compare honours CASE_SENSITIVE (flag 0x2)",
     "D:(XA;;FR;;;WD;(@Resource.Dept == \"FINANCE\"))S:(RA;;;;;WD;(\"Dept\",TS,0x2,\"Finance\"))",
     ANYONE, "FR", 0, 0, false, 0, TL_REASON_SKIPPED_ACE, 0},
    {"@Resource integer comparison",
     "D:(XA;;FR;;;WD;(@Resource.Level >= 3))S:(RA;;;;;WD;(\"Level\",TU,0x0,5))", ANYONE, "FR", 0, 0,
     true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"@Resource integer comparison, false",
     "D:(XA;;FR;;;WD;(@Resource.Level < 3))S:(RA;;;;;WD;(\"Level\",TI,0x0,5))", ANYONE, "FR", 0, 0,
     false, 0, TL_REASON_SKIPPED_ACE, 0},
    {"@Resource == @Resource compares the two value sets",
     "D:(XA;;FR;;;WD;(@RESOURCE.a == @RESOURCE.b))S:(RA;;;;;WD;(\"a\",TS,0x0,\"1\",\"2\"))"
     "(RA;;;;;WD;(\"b\",TS,0x0,\"2\",\"1\"))",
     ANYONE, "FR", 0, 0, true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"Any_of against a resource set",
     "D:(XA;;FR;;;WD;(@Resource.Project Any_of {\"x\", \"sql\"}))"
     "S:(RA;;;;;WD;(\"Project\",TS,0x0,\"Windows\",\"SQL\"))",
     ANYONE, "FR", 0, 0, true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"Contains needs every value",
     "D:(XA;;FR;;;WD;(@Resource.Project Contains {\"Windows\", \"Office\"}))"
     "S:(RA;;;;;WD;(\"Project\",TS,0x0,\"Windows\",\"SQL\"))",
     ANYONE, "FR", 0, 0, false, 0, TL_REASON_SKIPPED_ACE, 0},
    {"a missing resource attribute is unknown, so a conditional deny applies",
     "D:(XD;;FR;;;WD;(@Resource.Secret == 1))(A;;FR;;;WD)", ANYONE, "FR", 0, 0, false, 0,
     TL_REASON_DENY_ACE, 0},
    {"Exists on a resource attribute",
     "D:(XA;;FR;;;WD;(Exists @Resource.Level))S:(RA;;;;;WD;(\"Level\",TU,0x0,5))", ANYONE, "FR", 0,
     0, true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"Not_Exists on a missing resource attribute is true",
     "D:(XA;;FR;;;WD;(Not_Exists @Resource.Nope))", ANYONE, "FR", 0, 0, true, 0x120089,
     TL_REASON_ALLOW_ACE, 0},
    {"a boolean resource attribute used alone",
     "D:(XA;;FR;;;WD;(@Resource.Flag && Member_of {SID(WD)}))S:(RA;;;;;WD;(\"Flag\",TB,0x0,1))",
     ANYONE, "FR", 0, 0, true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"a SID-valued resource attribute compared with SID(...)",
     "D:(XA;;FR;;;WD;(@Resource.Owner == SID(BA)))S:(RA;;;;;WD;(\"Owner\",TD,0x0,BA))", ANYONE,
     "FR", 0, 0, true, 0x120089, TL_REASON_ALLOW_ACE, 0},
    {"types that differ compare as unknown",
     "D:(XA;;FR;;;WD;(@Resource.Level == \"5\"))S:(RA;;;;;WD;(\"Level\",TU,0x0,5))", ANYONE, "FR",
     0, 0, false, 0, TL_REASON_SKIPPED_ACE, 0},
    {"a deny-only group counts for a conditional deny's Member_of",
     "D:(XD;;FR;;;WD;(Member_of {SID(BA)}))(A;;FR;;;WD)", ANYONE " GD=BA", "FR", 0, 0, false, 0,
     TL_REASON_DENY_ACE, 0},
    {"user SID matches", "D:(A;;FR;;;" USER ")", "U=" USER, "FR", 0, 0, true, 0x120089,
     TL_REASON_ALLOW_ACE, 0},
    {"access is the union of several ACEs", "D:(A;;0x1;;;WD)(A;;0x2;;;BU)", ANYONE " G=BU", "0x3",
     0, 0, true, 0x3, TL_REASON_ALLOW_ACE, 1},
    {"nothing requested is denied", "D:NO_ACCESS_CONTROL", ANYONE, "", 0, 0, false, 0, -1, -1},
};

static void test_rules(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        tl_sd *sd;
        assert_tl_ok(tl_sd_from_sddl(&sd, r->sddl, NULL));
        tl_token *t = subject(r->subject);
        uint32_t desired = 0;
        if (strcmp(r->desired, "MAX") == 0)
            desired = TL_MAXIMUM_ALLOWED;
        else
            assert_tl_ok(tl_sddl_rights_from_string(&desired, r->desired));
        tl_access_options o = TL_ACCESS_OPTIONS_INIT;
        o.flags = r->flags;
        o.object = r->object;
        tl_access_result *res;
        assert_tl_ok(tl_access_check(&res, sd, t, desired, &o));
        bool ok = tl_access_result_allowed(res) == r->allowed;
        if (r->granted >= 0 && tl_access_result_granted(res) != (uint32_t)r->granted)
            ok = false;
        if (r->reason_kind >= 0) {
            bool found = false;
            for (size_t k = 0; k < tl_access_result_reason_count(res); k++) {
                const tl_access_reason *x = tl_access_result_reason_at(res, k);
                if ((int)x->kind == r->reason_kind &&
                    (r->reason_index < 0 || x->ace_index == r->reason_index))
                    found = true;
            }
            ok = ok && found;
        }
        if (!ok) {
            char *e = NULL;
            tl_access_result_explain(&e, res);
            printf("row %zu (%s): want %s granted 0x%lx reason %d@%ld; got:\n%s", i, r->rule,
                   r->allowed ? "ALLOWED" : "DENIED", r->granted, r->reason_kind, r->reason_index,
                   e ? e : "?");
            tl_free(e);
            bad++;
        }
        /* The fast path gives the same verdict and masks, and no reasons. */
        tl_access_options quiet = o;
        quiet.flags |= TL_ACCESS_NO_REASONS;
        tl_access_result *q;
        assert_tl_ok(tl_access_check(&q, sd, t, desired, &quiet));
        if (tl_access_result_allowed(q) != tl_access_result_allowed(res) ||
            tl_access_result_granted(q) != tl_access_result_granted(res) ||
            tl_access_result_grantable(q) != tl_access_result_grantable(res) ||
            tl_access_result_reason_count(q) != 0) {
            printf("row %zu (%s): TL_ACCESS_NO_REASONS disagrees\n", i, r->rule);
            bad++;
        }
        tl_access_result_free(q);
        tl_access_result_free(res);
        tl_token_free(t);
        tl_sd_free(sd);
    }
    assert_int_equal(bad, 0);
}

static void test_sid_list_subject(void **state)
{
    (void)state;
    /* The shape the IIS isolation verdict uses: a pool identity against a content ACL. */
    tl_sd *sd;
    assert_tl_ok(tl_sd_from_sddl(&sd,
                                 "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;"
                                 "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415)",
                                 NULL));
    tl_sid sids[2];
    assert_tl_ok(tl_sid_from_string(
        &sids[0], "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415"));
    assert_tl_ok(tl_sid_from_string(&sids[1], "S-1-1-0"));
    tl_access_result *r;
    assert_tl_ok(tl_access_check_sids(&r, sd, sids, 2, TL_GENERIC_READ, NULL));
    assert_true(tl_access_result_allowed(r));
    assert_int_equal(tl_access_result_granted(r), TL_FILE_GENERIC_READ);
    const tl_access_reason *x = tl_access_result_reason_at(r, 0);
    assert_non_null(x);
    assert_int_equal(x->ace_index, 2);
    assert_string_equal(
        x->ace,
        "(A;OICI;0x1200a9;;;S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415)");
    tl_access_result_free(r);
    /* IUSR is not in the ACL. */
    assert_tl_ok(tl_sid_from_string(&sids[0], "S-1-5-17"));
    assert_tl_ok(tl_access_check_sids(&r, sd, sids, 2, TL_GENERIC_READ, NULL));
    assert_false(tl_access_result_allowed(r));
    char *e;
    assert_tl_ok(tl_access_result_explain(&e, r));
    assert_non_null(strstr(e, "DENIED"));
    tl_free(e);
    tl_access_result_free(r);
    tl_sd_free(sd);
}

/* Issue 12: a successful call leaves no error behind; options are versioned; the library
 * owns the reason words. */
static void test_api_contract(void **state)
{
    (void)state;
    tl_sd *sd;
    /* A descriptor whose DACL entry fails to render its condition still checks fine. */
    assert_tl_ok(tl_sd_from_sddl(&sd, "D:(XA;;FR;;;WD;(@User.x == 1))(A;;FR;;;WD)", NULL));
    tl_token *t = subject(ANYONE);
    tl_sid bad;
    assert_int_equal(tl_sid_from_string(&bad, "not a SID"), TL_EPARSE); /* leave an error */
    tl_access_result *r;
    assert_tl_ok(tl_access_check(&r, sd, t, TL_FILE_GENERIC_READ, NULL));
    assert_int_equal(tl_error_last()->code, TL_OK);
    assert_true(tl_access_result_allowed(r));
    tl_access_result_free(r);
    tl_access_options o = TL_ACCESS_OPTIONS_INIT;
    assert_int_equal(o.version, TL_ACCESS_OPTIONS_VERSION);
    o.version = 99;
    assert_int_equal(tl_access_check(&r, sd, t, TL_FILE_GENERIC_READ, &o), TL_EINVAL);
    assert_null(r);
    assert_non_null(strstr(tl_error_last()->message, "TL_ACCESS_OPTIONS_INIT"));
    static const struct {
        tl_access_reason_kind k;
        const char *name;
    } names[] = {{TL_REASON_ALLOW_ACE, "allow_ace"},
                 {TL_REASON_DENY_ACE, "deny_ace"},
                 {TL_REASON_OWNER_RIGHTS, "owner_rights"},
                 {TL_REASON_NO_DACL_MATCH, "no_dacl_match"},
                 {TL_REASON_SKIPPED_ACE, "skipped_ace"},
                 {TL_REASON_PRIVILEGE_REQUIRED, "privilege_required"},
                 {(tl_access_reason_kind)99, "unknown"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_string_equal(tl_access_reason_kind_name(names[i].k), names[i].name);
    tl_token_free(t);
    tl_sd_free(sd);
    /* tl_sd_from_binary on a callback ACE that is not "artx": success, no error left. */
    static const uint8_t blob[] = {1, 0, 4, 0x80, 0,  0, 0, 0, 0, 0, 0, 0, 0,   0,   0,   0,  20, 0,
                                   0, 0, 2, 0,    32, 0, 1, 0, 0, 0, 9, 0, 24,  0,   1,   0,  0,  0,
                                   1, 1, 0, 0,    0,  0, 0, 1, 0, 0, 0, 0, 'x', 'y', 'z', 'w'};
    assert_int_equal(tl_sid_from_string(&bad, "nope"), TL_EPARSE);
    assert_tl_ok(tl_sd_from_binary(&sd, blob, sizeof blob));
    assert_int_equal(tl_error_last()->code, TL_OK);
    tl_sd_free(sd);
}

/* Reasons are recorded without formatting and built when read; reading twice gives the same
 * pointers, and a result outlives its descriptor. */
static void test_lazy_reasons(void **state)
{
    (void)state;
    tl_sd *sd;
    assert_tl_ok(tl_sd_from_sddl(&sd,
                                 "D:(A;;0x1;;;WD)(A;;0x2;;;WD)(A;;0x4;;;WD)(A;;0x8;;;WD)"
                                 "(A;;0x10;;;WD)(A;;0x20;;;WD)(D;;0x40;;;WD)",
                                 NULL));
    tl_token *t = subject(ANYONE);
    tl_access_result *r;
    assert_tl_ok(tl_access_check(&r, sd, t, 0x7f, NULL));
    tl_sd_free(sd); /* the result keeps what it needs */
    assert_int_equal(tl_access_result_reason_count(r), 7);
    const tl_access_reason *a = tl_access_result_reason_at(r, 5);
    assert_string_equal(a->text, "DACL[5] allows 0x20 to WD Everyone (group)");
    assert_string_equal(a->ace, "(A;;WP;;;WD)");
    assert_ptr_equal(tl_access_result_reason_at(r, 5)->text, a->text);
    const tl_access_reason *d = tl_access_result_reason_at(r, 6);
    assert_int_equal(d->kind, TL_REASON_DENY_ACE);
    assert_string_equal(d->text, "DACL[6] denies 0x40 to WD Everyone (group)");
    assert_null(tl_access_result_reason_at(r, 7));
    tl_access_result_free(r);
    tl_token_free(t);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    tl_sd *sd;
    assert_tl_ok(tl_sd_from_sddl(&sd, "O:BAD:(D;;FW;;;WD)(A;;FA;;;WD)(A;;FR;;;BU)", NULL));
    tl_token *t = subject(ANYONE " G=BU R=WD");
    tl_test_alloc_install();
    for (unsigned long k = 1; k < 60; k++) {
        tl_test_alloc_reset();
        tl_test_alloc_fail_at(k);
        tl_access_result *r = NULL;
        int rc = tl_access_check(&r, sd, t, TL_MAXIMUM_ALLOWED, NULL);
        if (rc)
            assert_int_equal(rc, TL_ENOMEM);
        char *e = NULL;
        if (r)
            tl_access_result_explain(&e, r);
        tl_free(e);
        tl_access_result_free(r);
        assert_int_equal(tl_test_alloc_outstanding(), 0);
    }
    tl_test_alloc_uninstall();
    tl_token_free(t);
    tl_sd_free(sd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),          cmocka_unit_test(test_sid_list_subject),
        cmocka_unit_test(test_alloc_failures), cmocka_unit_test(test_api_contract),
        cmocka_unit_test(test_lazy_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
