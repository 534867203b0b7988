/* The web.config reader, SqlClient connection strings and the whoami text importer through
 * their public C API (the CLI suites in tests/webconfig and tests/whoami cover the JSON):
 * table-driven; runs natively and under Wine. Sources of each row: docs/webconfig.md. */
#include "tl_test.h"
#include <stdlib.h>
#include <string.h>

static const struct conn_row {
    const char *text, *provider;
    int integrated;
    const char *host;
    int port;
    const char *instance, *spn;
} conn_rows[] = {
    {"Data Source=db01.contoso.com;Integrated Security=SSPI", NULL, 1, "db01.contoso.com", 1433,
     NULL, "MSSQLSvc/db01.contoso.com:1433"},
    {"server=tcp:db01,1500;trusted_connection=YES", NULL, 1, "db01", 1500, NULL,
     "MSSQLSvc/db01:1500"},
    {"Addr=db01\\INST;Integrated Security=true", NULL, 1, "db01", -1, "INST", "MSSQLSvc/db01:INST"},
    {"Network Address=db01\\INST,2000;Integrated Security=true", NULL, 1, "db01", 2000, "INST",
     "MSSQLSvc/db01:2000"},
    {"Data Source=(local);Integrated Security=true", NULL, 1, "local", 1433, NULL, NULL},
    {"Data Source=localhost\\SQLEXPRESS;Integrated Security=true", NULL, 1, "local", -1,
     "SQLEXPRESS", NULL},
    {"Data Source=(localdb)\\MSSQLLocalDB;Integrated Security=true", NULL, 1, "(localdb)", -1,
     "MSSQLLocalDB", NULL},
    {"Data Source=np:\\\\db02\\pipe\\MSSQL$SALES\\sql\\query;Integrated Security=true", NULL, 1,
     "db02", -1, "SALES", "MSSQLSvc/db02:SALES"},
    {"Data Source=db01;User ID=web;Password='a;b''c'", NULL, 0, "db01", 1433, NULL,
     "MSSQLSvc/db01:1433"},
    {"Data Source=db01;Integrated Security=SSPI", "Oracle.ManagedDataAccess.Client", 1, "db01",
     1433, NULL, NULL},
    {"metadata=res://*/M.csdl;provider=System.Data.SqlClient;provider connection string=\""
     "data source=db03;integrated security=True\"",
     "System.Data.EntityClient", 1, "db03", 1433, NULL, "MSSQLSvc/db03:1433"},
};

static void test_connection_strings(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof conn_rows / sizeof conn_rows[0]; i++) {
        const struct conn_row *r = &conn_rows[i];
        tl_connection *c = NULL;
        if (tl_connection_parse(&c, r->text, r->provider) != TL_OK) {
            print_error("%s: %s\n", r->text, tl_error_last()->message);
            failures++;
            continue;
        }
        const char *spn = tl_connection_spn(c), *inst = tl_connection_instance(c);
        if (tl_connection_integrated(c) != (bool)r->integrated ||
            strcmp(tl_connection_host(c), r->host) != 0 || tl_connection_port(c) != r->port ||
            (inst == NULL) != (r->instance == NULL) || (inst && strcmp(inst, r->instance)) ||
            (spn == NULL) != (r->spn == NULL) || (spn && strcmp(spn, r->spn))) {
            print_error("%s: integrated %d host %s port %d instance %s spn %s\n", r->text,
                        tl_connection_integrated(c), tl_connection_host(c), tl_connection_port(c),
                        inst ? inst : "-", spn ? spn : "-");
            failures++;
        }
        tl_connection_free(c);
    }
    assert_int_equal(failures, 0);
    /* synonyms resolve through tl_connection_get; malformed text names its offset */
    tl_connection *c = NULL;
    assert_tl_ok(tl_connection_parse(&c, "Server=a;Database=b;UID=u;PWD=p", NULL));
    assert_string_equal(tl_connection_get(c, "initial catalog"), "b");
    assert_string_equal(tl_connection_get(c, "User ID"), "u");
    tl_connection_free(c);
    static int sentinel;
    c = (tl_connection *)(void *)&sentinel;
    assert_tl_error(tl_connection_parse(&c, "Server='db01;Integrated Security=true", NULL),
                    TL_EPARSE);
    assert_ptr_equal(c, (void *)&sentinel);
    assert_int_equal(tl_error_last()->offset, 7);
    assert_tl_error(tl_connection_parse(&c, "Server", NULL), TL_EPARSE);
    assert_tl_error(tl_connection_parse(&c, "=x", NULL), TL_EPARSE);
}

static void test_webconfig_memory(void **state)
{
    (void)state;
    const char *xml =
        "\xef\xbb\xbf<configuration><connectionStrings configSource=\"cs.config\"/>"
        "<system.web><identity impersonate=\"true\" userName=\"CONTOSO\\svc\"/></system.web>"
        "<appSettings><add key=\"Drop\" value=\"\\\\fs01\\drop\"/></appSettings>"
        "<system.webServer><aspNetCore processPath=\"dotnet\"/></system.webServer>"
        "</configuration>";
    tl_webconfig *w = NULL;
    assert_tl_ok(tl_webconfig_parse(&w, xml, strlen(xml), "mem.config", NULL));
    assert_true(tl_webconfig_impersonate(w));
    assert_string_equal(tl_webconfig_impersonate_user(w), "CONTOSO\\svc");
    assert_string_equal(tl_webconfig_hosting_model(w), "outofprocess"); /* the module default */
    assert_true(tl_webconfig_forward_windows_auth_token(w));
    assert_int_equal(tl_webconfig_unc_count(w), 1);
    assert_string_equal(tl_webconfig_unc_at(w, 0), "\\\\fs01\\drop");
    bool noted = false;
    for (size_t i = 0; i < tl_webconfig_note_count(w); i++)
        noted |= strstr(tl_webconfig_note_at(w, i), "cs.config") != NULL;
    assert_true(noted); /* an include that cannot be followed is said, not dropped */
    char *json = NULL;
    assert_tl_ok(tl_webconfig_to_json(&json, w));
    assert_non_null(strstr(json, "\"hosting_model\": \"outofprocess\""));
    tl_free(json);
    tl_webconfig_free(w);
    /* hostile and wrong input: errors with the line, output untouched */
    static const char *const bad[] = {
        "<!DOCTYPE c [<!ENTITY a \"b\">]><configuration/>",
        "<configuration>\n<system.web>\n<identity impersonate=\"true\"",
        "<html/>",
    };
    static int sentinel;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        w = (tl_webconfig *)(void *)&sentinel;
        assert_tl_error(tl_webconfig_parse(&w, bad[i], strlen(bad[i]), "bad.config", NULL),
                        TL_EPARSE);
        assert_ptr_equal(w, (void *)&sentinel);
        assert_non_null(strstr(tl_error_last()->message, "bad.config"));
        assert_non_null(strstr(tl_error_last()->path, "line "));
    }
    tl_webconfig_options o = TL_WEBCONFIG_OPTIONS_INIT;
    o.max_bytes = 8;
    assert_tl_error(tl_webconfig_parse(&w, xml, strlen(xml), NULL, &o), TL_ELIMIT);
    o.version = 99;
    assert_tl_error(tl_webconfig_parse(&w, xml, strlen(xml), NULL, &o), TL_EINVAL);
}

static void test_whoami_text(void **state)
{
    (void)state;
    const char *text =
        "C:\\>whoami /all\r\n\r\nUSER INFORMATION\r\n----------------\r\n\r\n"
        "User Name     SID\r\n============= ========\r\n"
        "contoso\\alice S-1-5-21-1-2-3-1106\r\n\r\n"
        "GROUP INFORMATION\r\n-----------------\r\n\r\n"
        "Group Name Type SID Attributes\r\n========== ==== === ==========\r\n"
        "Everyone Well-known group S-1-1-0 Mandatory group, Enabled by default, Enabled group\r\n"
        "X Group S-1-5-21-1-2-3-7 Zauberhaft\r\n"
        "Mandatory Label\\Low Mandatory Level Label S-1-16-4096\r\n\r\n"
        "ERROR: Unable to get user claims information.\r\n";
    tl_token *t = NULL;
    char *notes = NULL;
    assert_tl_ok(tl_token_from_whoami_text(&t, text, strlen(text), &notes));
    char s[TL_SID_STRING_MAX];
    tl_sid_to_string(s, sizeof s, tl_token_user(t));
    assert_string_equal(s, "S-1-5-21-1-2-3-1106");
    assert_string_equal(tl_token_user_name(t), "contoso\\alice");
    assert_int_equal(tl_token_group_count(t), 3);
    assert_int_equal(tl_token_group_at(t, 0)->attributes, 7);
    assert_int_equal(tl_token_group_at(t, 1)->attributes, 0); /* not guessed */
    assert_true(tl_token_has_integrity(t));
    assert_int_equal(tl_token_integrity_rid(t), 0x1000);
    assert_non_null(notes);
    assert_non_null(strstr(notes, "Zauberhaft"));
    tl_free(notes);
    tl_token_free(t);
    static int sentinel;
    t = (tl_token *)(void *)&sentinel;
    assert_tl_error(tl_token_from_whoami_text(&t, "hello\n", 6, NULL), TL_EPARSE);
    assert_ptr_equal(t, (void *)&sentinel);
    assert_tl_error(tl_token_from_whoami_text(&t, "a\0b", 3, NULL), TL_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connection_strings),
        cmocka_unit_test(test_webconfig_memory),
        cmocka_unit_test(test_whoami_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
