/* Issue 18 item 6: names the scenario contract rules out are refused with their JSON path and
 * what a valid value looks like (docs/explain.md "Names in a scenario"), and the valid forms
 * (including every shape the shipped examples use) still load. One base scenario; each row
 * sets one value at one place. */
#include "tl_test.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scenario with every name field present. */
static const char base[] =
    "{\"tokenlens_scenario\": 1,"
    " \"machine\": {\"name\": \"WEB01\", \"domain\": \"CONTOSO\"},"
    " \"app_pool\": {\"name\": \"Orders\", \"identity\": \"SpecificUser\", \"user\": "
    "\"CONTOSO\\\\svc-web\"},"
    " \"site\": {\"anonymous\": {\"enabled\": true, \"user\": \"IUSR\"},"
    "           \"windows\": {\"enabled\": true}, \"impersonate\": true},"
    " \"delegation\": {\"mode\": \"constrained\", \"to\": [\"MSSQLSvc/db01.contoso.com:1433\"]},"
    " \"request\": {\"user\": \"CONTOSO\\\\alice\", \"protocol\": \"kerberos\"},"
    " \"hops\": [{\"target\": \"MSSQLSvc/db01.contoso.com:1433\", \"allowed_to_act\": "
    "[\"CONTOSO\\\\WEB01$\"], \"domain\": \"CONTOSO\"},"
    "          {\"target\": \"cifs/files01\", \"from\": \"new_credentials\", \"credentials\": "
    "\"CONTOSO\\\\svc-share\"}]}";

typedef struct {
    const char *where;  /* object path: "machine", "hops[0]", ... */
    const char *key;    /* key in that object; an array key sets its first element */
    const char *value;  /* the string to set */
    const char *path;   /* expected JSON path of the error, NULL = must load */
    const char *phrase; /* expected in the message */
} row;

static const row rows[] = {
    /* request.user: DOMAIN\user, as the contract says */
    {"request", "user", "\\", "$.request.user", "domain before '\\' is empty"},
    {"request", "user", "alice", "$.request.user", "has no domain"},
    {"request", "user", "alice@contoso.com", "$.request.user", "DOMAIN\\user such as"},
    {"request", "user", "a\\b\\c", "$.request.user", "one '\\'"},
    {"request", "user", "CONTOSO\\", "$.request.user", "user name is empty"},
    {"request", "user", "\\alice", "$.request.user", "domain before '\\' is empty"},
    {"request", "user", "CONTOSO\\al:ice", "$.request.user", "none of"},
    {"request", "user", "CONTOSO\\alice.", "$.request.user", "end with a period"},
    {"request", "user", "CONTOSO\\...", "$.request.user", "end with a period"},
    {"request", "user", "CONTOSOCONTOSOCO\\alice", "$.request.user", "at most 15"},
    {"request", "user", "CONTOSO\\alice", NULL, NULL},
    {"request", "user", "WEB01\\alice", NULL, NULL},
    {"request", "user", "NT AUTHORITY\\SYSTEM", NULL, NULL},
    {"request", "user", "S-1-5-21-1-2-3-1001", NULL, NULL},
    /* machine.name: a NetBIOS computer name, without the account's '$' */
    {"machine", "name", "WEB01$", "$.machine.name", "trailing '$'"},
    {"machine", "name", "WEB0123456789012", "$.machine.name", "at most 15"},
    {"machine", "name", "WEB 01", "$.machine.name", "no spaces"},
    {"machine", "name", "WEB*01", "$.machine.name", "none of"},
    {"machine", "name", "WEB01\\X", "$.machine.name", "none of"},
    {"machine", "name", "web/01", "$.machine.name", "none of"},
    {"machine", "name", ".WEB01", "$.machine.name", "start with a period"},
    {"machine", "name", "WEB012345678901", NULL, NULL},
    {"machine", "name", "web-01", NULL, NULL},
    /* machine.domain and hops[].domain: NetBIOS domain names */
    {"machine", "domain", "CONTOSOCONTOSO12", "$.machine.domain", "at most 15"},
    {"machine", "domain", "CON|TOSO", "$.machine.domain", "none of"},
    {"machine", "domain", " CONTOSO", "$.machine.domain", "leading or trailing space"},
    {"hops[0]", "domain", "EM:EA", "$.hops[0].domain", "none of"},
    {"hops[0]", "domain", "EMEA", NULL, NULL},
    /* app_pool.user */
    {"app_pool", "user", "\\", "$.app_pool.user", "domain before '\\' is empty"},
    {"app_pool", "user", "a\\b\\c", "$.app_pool.user", "one '\\'"},
    {"app_pool", "user", "svc-web", NULL, NULL},
    {"app_pool", "user", "svc-web@contoso.com", NULL, NULL},
    /* site.anonymous.user */
    {"site.anonymous", "user", "\\", "$.site.anonymous.user", "\"IUSR\""},
    {"site.anonymous", "user", "CONTOSO\\web[anon]", "$.site.anonymous.user", "none of"},
    {"site.anonymous", "user", "", NULL, NULL},
    {"site.anonymous", "user", "CONTOSO\\web-anon", NULL, NULL},
    /* hops[].credentials and allowed_to_act */
    {"hops[1]", "credentials", "\\", "$.hops[1].credentials", "CONTOSO\\svc-share"},
    {"hops[1]", "credentials", "x\\y\\z", "$.hops[1].credentials", "one '\\'"},
    {"hops[0]", "allowed_to_act", "\\", "$.hops[0].allowed_to_act[0]", "WEB01$"},
    {"hops[0]", "allowed_to_act", "WEB01$", NULL, NULL},
    {"hops[0]", "allowed_to_act", "S-1-5-21-1-2-3-1104", NULL, NULL},
    /* SPNs: hop targets and delegation.to */
    {"hops[0]", "target", "/db01", "$.hops[0].target", "service class"},
    {"hops[0]", "target", "MSSQLSvc/", "$.hops[0].target", "host after '/' is empty"},
    {"hops[0]", "target", "MSSQLSvc/:1433", "$.hops[0].target", "host after '/' is empty"},
    {"hops[0]", "target", "MSSQLSvc/db01:0", "$.hops[0].target", "1 to 65535"},
    {"hops[0]", "target", "MSSQLSvc/db01:65536", "$.hops[0].target", "1 to 65535"},
    {"hops[0]", "target", "MSSQLSvc/db01:14x3", "$.hops[0].target", "1 to 65535"},
    {"hops[0]", "target", "MSSQLSvc/db01:RS", NULL, NULL},
    {"hops[0]", "target", "MSSQLSvc/db01:SQL 2019", "$.hops[0].target", "1 to 65535"},
    {"hops[0]", "target", "MSSQLSvc/db01:", "$.hops[0].target", "1 to 65535"},
    {"hops[0]", "target", "MSSQL Svc/db01", "$.hops[0].target", "service class"},
    {"hops[0]", "target", "MSSQLSvc/db 01", "$.hops[0].target", "no spaces"},
    {"hops[0]", "target", "MSSQLSvc/db01/", "$.hops[0].target", "service name"},
    {"hops[0]", "target", "cifs/[fd00::5", "$.hops[0].target", "IPv6"},
    {"hops[0]", "target", "cifs/[fd00::5]x", "$.hops[0].target", ":port"},
    {"hops[0]", "target", "MSSQLSvc/db01.contoso.com:1433", NULL, NULL},
    {"hops[0]", "target", "cifs/[fd00::5]:445", NULL, NULL},
    {"hops[0]", "target", "cifs/fd00::5", NULL, NULL},
    {"hops[0]", "target", "ldap/dc01.contoso.com/contoso.com", NULL, NULL},
    {"delegation", "to", "MSSQLSvc/db01:99999", "$.delegation.to[0]", "1 to 65535"},
    {"delegation", "to", "nohost", "$.delegation.to[0]", "'/'"},
};

/* The object at `where` ("a", "a.b" or "a[i]") in root. */
static json_t *at(json_t *root, const char *where)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", where);
    char *br = strchr(buf, '[');
    if (br) {
        *br = '\0';
        return json_array_get(json_object_get(root, buf), (size_t)atoi(br + 1));
    }
    char *dot = strchr(buf, '.');
    if (dot) {
        *dot = '\0';
        return json_object_get(json_object_get(root, buf), dot + 1);
    }
    return json_object_get(root, buf);
}

static void names_are_checked(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        json_t *root = json_loads(base, 0, NULL);
        assert_non_null(root);
        json_t *obj = at(root, r->where);
        assert_non_null(obj);
        json_t *old = json_object_get(obj, r->key);
        if (json_is_array(old))
            json_array_set_new(old, 0, json_string(r->value));
        else
            json_object_set_new(obj, r->key, json_string(r->value));
        char *text = json_dumps(root, 0);
        json_decref(root);
        tl_scenario *s = NULL;
        int rc = tl_scenario_from_json(&s, text, strlen(text));
        free(text);
        const tl_error *e = tl_error_last();
        if (!r->path) {
            if (rc != TL_OK) {
                print_error("%s.%s = '%s': refused (%s at %s), expected to load\n", r->where,
                            r->key, r->value, e->message, e->path);
                bad++;
            } else if (e->code != TL_OK) {
                print_error("%s.%s = '%s': loaded but left an error behind\n", r->where, r->key,
                            r->value);
                bad++;
            }
            tl_scenario_free(s);
            continue;
        }
        if (rc != TL_EPARSE || s != NULL || strcmp(e->path, r->path) != 0 ||
            !strstr(e->message, r->phrase) || !strstr(e->message, "expected")) {
            print_error("%s.%s = '%s': rc %d at '%s': '%s'; expected TL_EPARSE at %s with '%s' "
                        "and what is expected\n",
                        r->where, r->key, r->value, rc, e->path, e->message, r->path, r->phrase);
            bad++;
        }
        tl_scenario_free(s);
    }
    assert_int_equal(bad, 0);
}

/* tl_name_check (tokenlens/names.h) applies the loader's rules to one name: the CLI checks
 * --machine, --domain, --user, --hop and --target with it before building a scenario. */
static void name_check_applies_the_loader_rules(void **state)
{
    (void)state;
    static const struct {
        tl_name_kind kind;
        const char *value;
        const char *phrase; /* NULL: valid */
    } cases[] = {
        {TL_NAME_COMPUTER, "WEB01", NULL},
        {TL_NAME_COMPUTER, "WEB01$", "trailing '$'"},
        {TL_NAME_COMPUTER, "ABCDEFGHIJKLMNOP", "expected a NetBIOS computer name"},
        {TL_NAME_COMPUTER, "", "expected a NetBIOS computer name"},
        {TL_NAME_DOMAIN, "CONTOSO", NULL},
        {TL_NAME_DOMAIN, "CON/TOSO", "expected a NetBIOS domain name"},
        {TL_NAME_DOMAIN_USER, "CONTOSO\\alice", NULL},
        {TL_NAME_DOMAIN_USER, "alice", "expected DOMAIN\\user"},
        {TL_NAME_DOMAIN_USER, "\\", "expected DOMAIN\\user"},
        {TL_NAME_DOMAIN_USER, "a\\b\\c", "expected DOMAIN\\user"},
        {TL_NAME_ACCOUNT, "svc-web", NULL},
        {TL_NAME_ACCOUNT, "a\\b\\c", "expected an account"},
        {TL_NAME_SPN, "MSSQLSvc/db01.contoso.com:1433", NULL},
        {TL_NAME_SPN, "MSSQLSvc/db01:99999", "expected an SPN"},
        {TL_NAME_SPN, "nohost", "expected an SPN"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = tl_name_check(cases[i].kind, cases[i].value);
        const tl_error *e = tl_error_last();
        if (!cases[i].phrase) {
            assert_int_equal(rc, TL_OK);
            assert_int_equal(e->code, TL_OK);
        } else {
            if (rc != TL_EINVAL || !strstr(e->message, cases[i].phrase))
                print_error("%s '%s': rc %d, '%s'; expected TL_EINVAL with '%s'\n",
                            tl_name_kind_name(cases[i].kind), cases[i].value, rc, e->message,
                            cases[i].phrase);
            assert_int_equal(rc, TL_EINVAL);
            assert_non_null(strstr(e->message, cases[i].phrase));
        }
    }
    assert_int_equal(tl_name_check(TL_NAME_COMPUTER, NULL), TL_EINVAL);
    assert_int_equal(tl_name_check((tl_name_kind)99, "x"), TL_EINVAL);
    assert_string_equal(tl_name_kind_name(TL_NAME_SPN), "spn");
    assert_string_equal(tl_name_kind_name((tl_name_kind)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_are_checked),
        cmocka_unit_test(name_check_applies_the_loader_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
