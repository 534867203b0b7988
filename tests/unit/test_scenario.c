/* Scenario loader and explanations over the shipped examples: each example's JSON equals its
 * expected answer (examples/scenarios/expected/), the getters agree with the JSON, every bad
 * file in tests/data/scenarios/bad fails with its code and JSON path, and allocation failures
 * at any point are reported without leaks. Runs natively and under Wine. */
#include "tl_test.h"
#include "sim_internal.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const examples[] = {
    "after-revert",
    "anonymous-batch-logon",
    "anonymous-request-with-protocol",
    "anonymous-specific-user",
    "aspnetcore-no-impersonation",
    "aspnetcore-run-impersonated",
    "basic-cleartext",
    "basic-logon-methods",
    "client-credential-guard-constrained",
    "client-edge-unconstrained",
    "coke-anonymous-iusr",
    "cross-domain-constrained",
    "forest-trust",
    "http-spn-missing",
    "ip-address-target",
    "kerberos-constrained-delegation",
    "kerberos-unconstrained",
    "kernel-mode-app-pool-account",
    "localservice",
    "localsystem-ntlm-policy",
    "new-credentials",
    "ntlm-double-hop",
    "pepsi-anonymous-pool-identity",
    "protected-users-delegation",
    "protected-users-ntlm",
    "protocol-transition",
    "rbcd",
    "rbcd-ntlm-user",
    "same-box-sql",
    "sensitive-account",
    "spn-missing",
    "thread-pool-continuation",
    "workgroup",
};
#define NEXAMPLES (sizeof examples / sizeof examples[0])

static const char *example_path(const char *name, bool expected)
{
    static char rel[256];
    snprintf(rel, sizeof rel, "../../examples/scenarios/%s%s.json", expected ? "expected/" : "",
             name);
    return tl_test_data(rel);
}

static json_t *load_json_file(const char *path)
{
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    if (!j)
        fail_msg("%s: %s (line %d)", path, err.text, err.line);
    return j;
}

static bool str_eq_json(const char *s, const json_t *j)
{
    if (!s)
        return json_is_null(j);
    return json_is_string(j) && strcmp(s, json_string_value(j)) == 0;
}

/* The getters (what the bindings use) give the same answers as the JSON. */
static int getters_match_json(const tl_explanation *e, const json_t *j, const char *name)
{
    int bad = 0;
#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_error("%s: getter disagrees with JSON: %s\n", name, what);                       \
            bad++;                                                                                 \
        }                                                                                          \
    } while (0)
    const json_t *p = json_object_get(j, "process"), *t = json_object_get(j, "request_thread");
    CHECK(str_eq_json(tl_explanation_process_name(e), json_object_get(p, "name")), "process name");
    CHECK(str_eq_json(tl_explanation_process_sid(e), json_object_get(p, "sid")), "process sid");
    CHECK(str_eq_json(tl_explanation_thread_name(e), json_object_get(t, "name")), "thread name");
    CHECK(str_eq_json(tl_explanation_thread_sid(e), json_object_get(t, "sid")), "thread sid");
    CHECK(str_eq_json(tl_impersonation_level_name(tl_explanation_thread_level(e)),
                      json_object_get(t, "impersonation_level")),
          "thread level");
    const json_t *lg = json_object_get(t, "logon");
    CHECK(str_eq_json(tl_explanation_thread_logon_package(e), json_object_get(lg, "package")),
          "logon package");
    CHECK(str_eq_json(tl_explanation_thread_logon_type(e), json_object_get(lg, "type")),
          "logon type");
    CHECK(tl_explanation_thread_step_count(e) == json_array_size(json_object_get(t, "steps")),
          "thread steps");
    CHECK(tl_explanation_process_step_count(e) == json_array_size(json_object_get(p, "steps")),
          "process steps");
    const json_t *hops = json_object_get(j, "hops");
    CHECK(tl_explanation_hop_count(e) == json_array_size(hops), "hop count");
    for (size_t i = 0; i < json_array_size(hops) && i < tl_explanation_hop_count(e); i++) {
        const tl_explained_hop *h = tl_explanation_hop_at(e, i);
        const json_t *jh = json_array_get(hops, i);
        const json_t *aa = json_object_get(jh, "arrives_as"), *ra = json_object_get(jh, "runs_as");
        CHECK(str_eq_json(tl_explained_hop_target(h), json_object_get(jh, "target")), "target");
        CHECK(str_eq_json(tl_explain_from_name(tl_explained_hop_from(h)),
                          json_object_get(jh, "from")),
              "from");
        if (json_is_null(aa)) { /* the hop never happens: both getters NULL, outcome denied */
            CHECK(!tl_explained_hop_arrives_as_name(h) && !tl_explained_hop_arrives_as_sid(h) &&
                      tl_explained_hop_outcome(h) == TL_EXPLAIN_OUTCOME_DENIED,
                  "arrives_as null");
        } else {
            CHECK(str_eq_json(tl_explained_hop_arrives_as_name(h), json_object_get(aa, "name")),
                  "arrives name");
            CHECK(str_eq_json(tl_explained_hop_arrives_as_sid(h), json_object_get(aa, "sid")),
                  "arrives sid");
        }
        CHECK(json_is_boolean(json_object_get(jh, "unsettled")) &&
                  json_is_true(json_object_get(jh, "unsettled")) == tl_explained_hop_unsettled(h),
              "hop unsettled");
        CHECK(str_eq_json(tl_explained_hop_runs_as_name(h), json_object_get(ra, "name")),
              "runs name");
        CHECK(str_eq_json(tl_explained_hop_runs_as_sid(h), json_object_get(ra, "sid")), "runs sid");
        CHECK(str_eq_json(tl_impersonation_level_name(tl_explained_hop_runs_as_level(h)),
                          json_object_get(ra, "impersonation_level")),
              "runs level");
        CHECK(str_eq_json(tl_explain_protocol_name(tl_explained_hop_protocol(h)),
                          json_object_get(jh, "protocol")),
              "protocol");
        CHECK(str_eq_json(tl_explain_outcome_name(tl_explained_hop_outcome(h)),
                          json_object_get(jh, "outcome")),
              "outcome");
        CHECK(str_eq_json(tl_explained_hop_fix(h), json_object_get(jh, "fix")), "fix");
        const json_t *steps = json_object_get(jh, "steps");
        CHECK(tl_explained_hop_step_count(h) == json_array_size(steps) &&
                  tl_explained_hop_step_count(h) > 0,
              "hop steps");
        for (size_t k = 0; k < json_array_size(steps) && k < tl_explained_hop_step_count(h); k++) {
            const json_t *st = json_array_get(steps, k);
            CHECK(str_eq_json(tl_explained_hop_step_rule(h, k), json_object_get(st, "rule")),
                  "step rule");
            CHECK(str_eq_json(tl_explained_hop_step_text(h, k), json_object_get(st, "text")),
                  "step text");
            CHECK(tl__sim_rule_known(tl_explained_hop_step_rule(h, k)),
                  "step cites a catalogued rule");
        }
        CHECK(tl_explained_hop_step_rule(h, tl_explained_hop_step_count(h)) == NULL,
              "step past the end is NULL");
    }
    CHECK(tl_explanation_hop_at(e, tl_explanation_hop_count(e)) == NULL, "hop past end is NULL");
#undef CHECK
    return bad;
}

static void examples_match_their_expected_answers(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < NEXAMPLES; i++) {
        tl_scenario *s = NULL;
        tl_explanation *e = NULL;
        char *text = NULL;
        if (tl_scenario_load(&s, example_path(examples[i], false)) != TL_OK) {
            print_error("%s: %s (at %s)\n", examples[i], tl_error_last()->message,
                        tl_error_last()->path);
            bad++;
            continue;
        }
        assert_tl_ok(tl_scenario_explain(&e, s));
        assert_tl_ok(tl_explanation_to_json(&text, e));
        json_error_t err;
        json_t *got = json_loads(text, 0, &err);
        json_t *want = load_json_file(example_path(examples[i], true));
        assert_non_null(got);
        if (!json_equal(got, want)) {
            print_error("%s: explanation differs from examples/scenarios/expected/%s.json\n%s\n",
                        examples[i], examples[i], text);
            bad++;
        }
        bad += getters_match_json(e, got, examples[i]);
        json_decref(got);
        json_decref(want);
        tl_free(text);
        tl_explanation_free(e);
        tl_scenario_free(s);
    }
    assert_int_equal(bad, 0);
}

/* The acceptance checks of issue 4, spelled out. */
static const tl_explained_hop *first_hop(tl_explanation **e, tl_scenario **s, const char *name)
{
    assert_tl_ok(tl_scenario_load(s, example_path(name, false)));
    assert_tl_ok(tl_scenario_explain(e, *s));
    return tl_explanation_hop_at(*e, 0);
}

static void ntlm_double_hop_arrives_anonymous(void **state)
{
    (void)state;
    tl_scenario *s;
    tl_explanation *e;
    const tl_explained_hop *h = first_hop(&e, &s, "ntlm-double-hop");
    assert_string_equal(tl_explained_hop_arrives_as_name(h), "NT AUTHORITY\\ANONYMOUS LOGON");
    assert_string_equal(tl_explained_hop_arrives_as_sid(h), "S-1-5-7");
    assert_int_equal(tl_explained_hop_outcome(h), TL_EXPLAIN_OUTCOME_ANONYMOUS);
    assert_int_equal(tl_explanation_thread_level(e), TL_IMPERSONATION_IMPERSONATION);
    assert_string_equal(tl_explanation_thread_logon_package(e), "NTLM");
    tl_explanation_free(e);
    tl_scenario_free(s);
}

static void kerberos_delegation_arrives_as_user(void **state)
{
    (void)state;
    tl_scenario *s;
    tl_explanation *e;
    const tl_explained_hop *h = first_hop(&e, &s, "kerberos-constrained-delegation");
    assert_string_equal(tl_explained_hop_arrives_as_name(h), "CONTOSO\\alice");
    assert_null(tl_explained_hop_arrives_as_sid(h)); /* a domain account without its domain SID */
    assert_int_equal(tl_explained_hop_protocol(h), TL_EXPLAIN_PROTOCOL_KERBEROS);
    assert_int_equal(tl_explained_hop_outcome(h), TL_EXPLAIN_OUTCOME_OK);
    tl_explanation_free(e);
    tl_scenario_free(s);
}

static void pool_identity_is_local_name_and_machine_account_remotely(void **state)
{
    (void)state;
    tl_scenario *s;
    tl_explanation *e;
    first_hop(&e, &s, "pepsi-anonymous-pool-identity");
    const tl_explained_hop *local = tl_explanation_hop_at(e, 0),
                           *remote = tl_explanation_hop_at(e, 1);
    assert_string_equal(tl_explained_hop_arrives_as_name(local), "IIS APPPOOL\\Pepsi");
    assert_string_equal(tl_explained_hop_arrives_as_sid(local), tl_explanation_process_sid(e));
    assert_string_equal(tl_explained_hop_arrives_as_name(remote), "CONTOSO\\WEB01$");
    assert_non_null(strstr(tl_explained_hop_fix(remote), "grant CONTOSO\\WEB01$"));
    assert_non_null(strstr(tl_explained_hop_fix(remote), "not IIS APPPOOL\\Pepsi"));
    /* The pool SID is the virtual-account SID of the lower-cased name. */
    tl_sid sid;
    char buf[TL_SID_STRING_MAX];
    assert_tl_ok(tl_sid_iis_apppool(&sid, "pepsi"));
    assert_tl_ok(tl_sid_to_string(buf, sizeof buf, &sid));
    assert_string_equal(tl_explanation_process_sid(e), buf);
    tl_explanation_free(e);
    tl_scenario_free(s);
}

/* ---- renderings -------------------------------------------------------------------------- */

static void story_and_diagram_tell_the_same_answer(void **state)
{
    (void)state;
    tl_scenario *s;
    tl_explanation *e;
    char *text = NULL, *dot = NULL;
    first_hop(&e, &s, "ntlm-double-hop");
    assert_tl_ok(tl_explanation_to_text(&text, e));
    assert_tl_ok(tl_explanation_to_dot(&dot, e));
    /* The story names the process, the thread's level and each arrival with its reason. */
    assert_non_null(strstr(text, "runs as IIS APPPOOL\\Coke"));
    assert_non_null(strstr(text, "impersonating at Impersonation level"));
    assert_non_null(strstr(text, "arrives as NT AUTHORITY\\ANONYMOUS LOGON (S-1-5-7) over NTLM "
                                 "(outcome: anonymous) because [ntlm.no-delegation]"));
    assert_non_null(strstr(text, "arrives as CONTOSO\\WEB01$ over Kerberos (outcome: ok)"));
    assert_non_null(strstr(text, "fix: "));
    /* The diagram: client -> web -> each target, labels escaped for DOT. */
    assert_non_null(strstr(dot, "digraph tokenlens {"));
    assert_non_null(strstr(dot, "client -> web [label=\"NTLM\"]"));
    assert_non_null(strstr(dot, "NT AUTHORITY\\\\ANONYMOUS LOGON\\nNTLM, anonymous"));
    assert_non_null(strstr(dot, "web -> hop3"));
    tl_free(text);
    tl_free(dot);
    tl_explanation_free(e);
    tl_scenario_free(s);
}

static void dot_escapes_quotes_and_backslashes(void **state)
{
    (void)state;
    static const char json[] =
        "{\"tokenlens_scenario\": 1, \"name\": \"a \\\"quoted\\\" name\","
        " \"machine\": {\"name\": \"WEB01\", \"domain\": \"CONTOSO\"},"
        " \"app_pool\": {\"name\": \"P\\\"q\", \"identity\": \"ApplicationPoolIdentity\"},"
        " \"site\": {\"anonymous\": {\"enabled\": false},"
        "   \"windows\": {\"enabled\": true}, \"impersonate\": true},"
        " \"request\": {\"user\": \"CONTOSO\\\\a'b\", \"protocol\": \"ntlm\"},"
        " \"hops\": [{\"target\": \"local\"}]}";
    tl_scenario *s = NULL;
    tl_explanation *e = NULL;
    char *dot = NULL;
    assert_tl_ok(tl_scenario_from_json(&s, json, strlen(json)));
    assert_tl_ok(tl_scenario_explain(&e, s));
    assert_tl_ok(tl_explanation_to_dot(&dot, e));
    assert_non_null(strstr(dot, "label=\"a \\\"quoted\\\" name\""));
    /* a quote cannot be in an account name (docs/explain.md): the pool name carries one */
    assert_non_null(strstr(dot, "CONTOSO\\\\a'b"));
    assert_non_null(strstr(dot, "IIS APPPOOL\\\\P\\\"q"));
    /* Every '"' is either a delimiter or escaped: count unescaped quotes per line is even. */
    for (const char *line = dot; *line;) {
        const char *end = strchr(line, '\n');
        int quotes = 0;
        for (const char *c = line; c < end; c++)
            if (*c == '"' && (c == line || c[-1] != '\\'))
                quotes++;
        assert_int_equal(quotes % 2, 0);
        line = end + 1;
    }
    tl_free(dot);
    tl_explanation_free(e);
    tl_scenario_free(s);
}

/* ---- bad scenarios ----------------------------------------------------------------------- */

static void bad_scenarios_fail_with_code_and_path(void **state)
{
    (void)state;
    json_t *index = load_json_file(tl_test_data("scenarios/bad/index.json"));
    assert_true(json_array_size(index) >= 30);
    int bad = 0;
    size_t i;
    json_t *row;
    json_array_foreach(index, i, row)
    {
        const char *file = json_string_value(json_object_get(row, "file"));
        const char *code = json_string_value(json_object_get(row, "code"));
        const char *path = json_string_value(json_object_get(row, "path"));
        char rel[256];
        snprintf(rel, sizeof rel, "scenarios/bad/%s", file);
        tl_scenario *s = (tl_scenario *)&rel; /* must be reset to NULL on failure */
        int rc = tl_scenario_load(&s, tl_test_data(rel));
        const tl_error *err = tl_error_last();
        if (rc == TL_OK) {
            print_error("%s: loaded, expected %s at %s\n", file, code, path);
            tl_scenario_free(s);
            bad++;
            continue;
        }
        if (s != NULL) {
            print_error("%s: *out not NULL after failure\n", file);
            bad++;
        }
        if (strcmp(tl_error_name(rc), code) != 0 || strcmp(err->path, path) != 0) {
            print_error("%s: %s at '%s' (%s), expected %s at '%s'\n", file, tl_error_name(rc),
                        err->path, err->message, code, path);
            bad++;
        }
        if (!path[0] && err->offset == TL_NO_OFFSET) {
            print_error("%s: a JSON syntax error must carry a byte offset\n", file);
            bad++;
        }
    }
    json_decref(index);
    assert_int_equal(bad, 0);
}

static void api_misuse_and_limits(void **state)
{
    (void)state;
    tl_scenario *s = NULL;
    tl_explanation *e = NULL;
    char *text = NULL;
    assert_tl_error(tl_scenario_from_json(NULL, "{}", 2), TL_EINVAL);
    assert_tl_error(tl_scenario_from_json(&s, NULL, 0), TL_EINVAL);
    assert_tl_error(tl_scenario_load(&s, tl_test_data("scenarios/no-such-file.json")), TL_EIO);
    assert_null(s);
    assert_tl_error(tl_scenario_from_json(&s, "", 0), TL_EPARSE);
    assert_tl_error(tl_scenario_from_json(&s, "{}", (size_t)TL_SCENARIO_MAX_BYTES + 1), TL_ELIMIT);
    assert_tl_error(tl_scenario_explain(&e, NULL), TL_EINVAL);
    assert_tl_error(tl_scenario_explain(NULL, NULL), TL_EINVAL);
    assert_tl_error(tl_explanation_to_json(&text, NULL), TL_EINVAL);
    assert_tl_error(tl_explanation_to_text(NULL, NULL), TL_EINVAL);
    assert_tl_error(tl_explanation_to_dot(&text, NULL), TL_EINVAL);
    assert_null(text);
    tl_scenario_free(NULL);
    tl_explanation_free(NULL);
    assert_null(tl_explanation_hop_at(NULL, 0));
    assert_int_equal(tl_explanation_hop_count(NULL), 0);
    assert_null(tl_explained_hop_target(NULL));
    assert_null(tl_scenario_name(NULL));
    /* Names compare case-insensitively, as IIS compares them; defaults fill the rest. */
    static const char minimal[] =
        "{\"tokenlens_scenario\": 1, \"machine\": {\"name\": \"WEB01\"},"
        " \"app_pool\": {\"name\": \"P\", \"identity\": \"networkservice\"},"
        " \"site\": {}, \"request\": {\"user\": null, \"protocol\": null}, \"hops\": []}";
    assert_tl_ok(tl_scenario_from_json(&s, minimal, strlen(minimal)));
    assert_null(tl_scenario_name(s));
    assert_tl_ok(tl_scenario_explain(&e, s));
    assert_string_equal(tl_explanation_process_name(e), "NT AUTHORITY\\NETWORK SERVICE");
    assert_string_equal(tl_explanation_process_sid(e), "S-1-5-20");
    /* Anonymous authentication defaults to IUSR; ASP.NET impersonation defaults to off. */
    assert_string_equal(tl_explanation_thread_name(e), "NT AUTHORITY\\NETWORK SERVICE");
    assert_int_equal(tl_explanation_thread_level(e), TL_IMPERSONATION_NONE);
    assert_int_equal(tl_explanation_hop_count(e), 0);
    tl_explanation_free(e);
    tl_scenario_free(s);
}

/* ---- the C view of the 0.2 fields ----------------------------------------------------------- */

/* tl_scenario_to_json writes every optional field with the value the engine uses, and what it
 * writes loads back to the same explanation. */
static void scenario_to_json_spells_out_defaults_and_round_trips(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < NEXAMPLES; i++) {
        tl_scenario *s = NULL, *s2 = NULL;
        tl_explanation *e = NULL, *e2 = NULL;
        char *full = NULL, *j1 = NULL, *j2 = NULL;
        assert_tl_ok(tl_scenario_load(&s, example_path(examples[i], false)));
        assert_tl_ok(tl_scenario_to_json(&full, s));
        assert_int_equal(tl_error_last()->code, TL_OK);
        json_t *root = json_loads(full, 0, NULL);
        assert_non_null(root);
        static const char *const paths[][2] = {{"machine", "local_system_use_machine_id"},
                                               {"site", "basic"},
                                               {"app", "framework"},
                                               {"request", "protected_users"},
                                               {"request", "forest"}};
        for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
            if (!json_object_get(json_object_get(root, paths[k][0]), paths[k][1])) {
                print_error("%s: to_json lacks %s.%s\n", examples[i], paths[k][0], paths[k][1]);
                bad++;
            }
        json_decref(root);
        assert_tl_ok(tl_scenario_from_json(&s2, full, strlen(full)));
        assert_tl_ok(tl_scenario_explain(&e, s));
        assert_tl_ok(tl_scenario_explain(&e2, s2));
        assert_tl_ok(tl_explanation_to_json(&j1, e));
        assert_tl_ok(tl_explanation_to_json(&j2, e2));
        if (strcmp(j1, j2) != 0) {
            print_error("%s: the written-out scenario explains differently\n", examples[i]);
            bad++;
        }
        tl_free(full);
        tl_free(j1);
        tl_free(j2);
        tl_explanation_free(e);
        tl_explanation_free(e2);
        tl_scenario_free(s);
        tl_scenario_free(s2);
    }
    char *out = (char *)"x";
    assert_tl_error(tl_scenario_to_json(&out, NULL), TL_EINVAL);
    assert_null(out);
    assert_tl_error(tl_scenario_to_json(NULL, NULL), TL_EINVAL);
    assert_int_equal(bad, 0);
}

/* The library owns the words: every enum value has its JSON word, out-of-range values NULL. */
static void vocabulary_names(void **state)
{
    (void)state;
    assert_string_equal(tl_explain_outcome_name(TL_EXPLAIN_OUTCOME_OK), "ok");
    assert_string_equal(tl_explain_outcome_name(TL_EXPLAIN_OUTCOME_ANONYMOUS), "anonymous");
    assert_string_equal(tl_explain_outcome_name(TL_EXPLAIN_OUTCOME_DENIED), "denied");
    assert_null(tl_explain_outcome_name((tl_explain_outcome)3));
    assert_string_equal(tl_explain_protocol_name(TL_EXPLAIN_PROTOCOL_KERBEROS), "Kerberos");
    assert_string_equal(tl_explain_protocol_name(TL_EXPLAIN_PROTOCOL_NTLM), "NTLM");
    assert_null(tl_explain_protocol_name(TL_EXPLAIN_PROTOCOL_NONE));
    assert_null(tl_explain_protocol_name((tl_explain_protocol)7));
    assert_string_equal(tl_explain_from_name(TL_EXPLAIN_FROM_REQUEST_THREAD), "request_thread");
    assert_string_equal(tl_explain_from_name(TL_EXPLAIN_FROM_THREAD_POOL), "thread_pool");
    assert_string_equal(tl_explain_from_name(TL_EXPLAIN_FROM_AFTER_REVERT), "after_revert");
    assert_string_equal(tl_explain_from_name(TL_EXPLAIN_FROM_NEW_CREDENTIALS), "new_credentials");
    assert_null(tl_explain_from_name((tl_explain_from)4));
    assert_null(tl_impersonation_level_name(TL_IMPERSONATION_NONE));
    assert_int_equal(tl_explained_hop_outcome(NULL), TL_EXPLAIN_OUTCOME_DENIED);
    assert_int_equal(tl_explained_hop_protocol(NULL), TL_EXPLAIN_PROTOCOL_NONE);
    assert_int_equal(tl_explained_hop_runs_as_level(NULL), TL_IMPERSONATION_NONE);
    assert_false(tl_explained_hop_unsettled(NULL));
    assert_false(tl_explained_hop_step_unsettled(NULL, 0));
}

/* The three wrong answers of issue 13, as regressions (each against its example). */
static void issue13_regressions(void **state)
{
    (void)state;
    static const struct {
        const char *example;
        size_t hop;
        const char *arrives;
        tl_explain_protocol protocol;
        tl_explain_outcome outcome;
    } cases[] = {
        /* same-box SQL: the user and the pool identity arrive as themselves */
        {"same-box-sql", 0, "CONTOSO\\alice", TL_EXPLAIN_PROTOCOL_NTLM, TL_EXPLAIN_OUTCOME_OK},
        {"same-box-sql", 1, "IIS APPPOOL\\Coke", TL_EXPLAIN_PROTOCOL_KERBEROS,
         TL_EXPLAIN_OUTCOME_OK},
        {"same-box-sql", 2, "IIS APPPOOL\\Coke", TL_EXPLAIN_PROTOCOL_KERBEROS,
         TL_EXPLAIN_OUTCOME_OK},
        /* an IP-address target means NTLM: no delegation, the machine account over NTLM */
        {"ip-address-target", 0, "NT AUTHORITY\\ANONYMOUS LOGON", TL_EXPLAIN_PROTOCOL_NTLM,
         TL_EXPLAIN_OUTCOME_ANONYMOUS},
        {"ip-address-target", 1, "CONTOSO\\alice", TL_EXPLAIN_PROTOCOL_KERBEROS,
         TL_EXPLAIN_OUTCOME_OK},
        {"ip-address-target", 2, "CONTOSO\\WEB01$", TL_EXPLAIN_PROTOCOL_NTLM,
         TL_EXPLAIN_OUTCOME_OK},
        /* an anonymous request that names a protocol loads and runs as IUSR */
        {"anonymous-request-with-protocol", 1, "NT AUTHORITY\\IUSR", TL_EXPLAIN_PROTOCOL_NONE,
         TL_EXPLAIN_OUTCOME_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tl_scenario *s;
        tl_explanation *e;
        first_hop(&e, &s, cases[i].example);
        const tl_explained_hop *h = tl_explanation_hop_at(e, cases[i].hop);
        assert_non_null(h);
        assert_string_equal(tl_explained_hop_arrives_as_name(h), cases[i].arrives);
        assert_int_equal(tl_explained_hop_protocol(h), cases[i].protocol);
        assert_int_equal(tl_explained_hop_outcome(h), cases[i].outcome);
        tl_explanation_free(e);
        tl_scenario_free(s);
    }
}

/* ---- allocation failures ----------------------------------------------------------------- */

static int run_all(const char *json, size_t len)
{
    tl_scenario *s = NULL;
    tl_explanation *e = NULL;
    char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
    int rc = tl_scenario_from_json(&s, json, len);
    if (rc == TL_OK)
        rc = tl_scenario_to_json(&d, s);
    if (rc == TL_OK)
        rc = tl_scenario_explain(&e, s);
    if (rc == TL_OK)
        rc = tl_explanation_to_json(&a, e);
    if (rc == TL_OK)
        rc = tl_explanation_to_text(&b, e);
    if (rc == TL_OK)
        rc = tl_explanation_to_dot(&c, e);
    tl_free(a);
    tl_free(b);
    tl_free(c);
    tl_free(d);
    tl_explanation_free(e);
    tl_scenario_free(s);
    return rc;
}

static void allocation_failures_are_reported_without_leaks(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < NEXAMPLES; i++) {
        char *json = NULL;
        size_t len = 0;
        assert_tl_ok(tl__read_file(&json, &len, example_path(examples[i], false), 1 << 20));
        tl_test_alloc_install();
        for (unsigned long n = 1;; n++) {
            tl_test_alloc_reset();
            tl_test_alloc_fail_at(n);
            int rc = run_all(json, len);
            long leaked = tl_test_alloc_outstanding();
            if (leaked != 0) {
                print_error("%s: %ld allocations leaked when allocation %lu failed\n", examples[i],
                            leaked, n);
                bad++;
            }
            if (rc == TL_OK) {
                /* allocation n was never reached: every failure point was tried */
                if (n < 20) {
                    print_error("%s: only %lu allocations: is the allocator hooked?\n", examples[i],
                                n);
                    bad++;
                }
                break;
            }
            if (rc != TL_ENOMEM) {
                print_error("%s: allocation %lu failing gave %s, expected TL_ENOMEM\n", examples[i],
                            n, tl_error_name(rc));
                bad++;
                break;
            }
            if (n > 100000)
                fail_msg("%s: no end to allocations", examples[i]);
        }
        tl_test_alloc_uninstall();
        tl_free(json);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(examples_match_their_expected_answers),
        cmocka_unit_test(ntlm_double_hop_arrives_anonymous),
        cmocka_unit_test(kerberos_delegation_arrives_as_user),
        cmocka_unit_test(pool_identity_is_local_name_and_machine_account_remotely),
        cmocka_unit_test(story_and_diagram_tell_the_same_answer),
        cmocka_unit_test(dot_escapes_quotes_and_backslashes),
        cmocka_unit_test(bad_scenarios_fail_with_code_and_path),
        cmocka_unit_test(api_misuse_and_limits),
        cmocka_unit_test(scenario_to_json_spells_out_defaults_and_round_trips),
        cmocka_unit_test(vocabulary_names),
        cmocka_unit_test(issue13_regressions),
        cmocka_unit_test(allocation_failures_are_reported_without_leaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
