/* The whoami document (tokenlens/whoami.h): what loads, where errors point, the effective
 * token rule, the JSON round trip, and allocation failures. */
#include "tl_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_data(const char *name, size_t *len)
{
    char *text = NULL;
    tl_token *t = NULL;
    /* the snapshot corpus' own files, re-serialised so the test does not depend on layout */
    assert_tl_ok(tl_token_load(&t, tl_test_data(name)));
    assert_tl_ok(tl_token_to_json(&text, t));
    tl_token_free(t);
    *len = strlen(text);
    return text;
}

static char *doc(const char *process, const char *thread, const char *extra)
{
    size_t n = strlen(process) + strlen(thread) + strlen(extra) + 64;
    char *s = malloc(n);
    snprintf(s, n, "{\"process\": %s, \"thread\": %s%s}", process, thread, extra);
    return s;
}

static void loads_documents_and_single_tokens(void **state)
{
    (void)state;
    size_t plen, tlen;
    char *proc = read_data("token/wine-process.json", &plen);
    char *imp = read_data("token/iis-ntlm-impersonation.json", &tlen);
    struct {
        char *text;
        int has_process, has_thread, effective_is_thread;
    } rows[] = {
        {doc(proc, "null", ""), 1, 0, 0}, {doc(proc, imp, ""), 1, 1, 1},
        {doc("null", imp, ""), 0, 1, 1},  {doc(proc, imp, ", \"effective\": null"), 1, 1, 1},
        {tl_test_strdup(proc), 1, 0, 0}, /* a primary token alone is the process token */
        {tl_test_strdup(imp), 0, 1, 1},  /* an impersonation token alone is the thread token */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl_whoami *w = NULL;
        assert_tl_ok(tl_whoami_from_json(&w, rows[i].text, strlen(rows[i].text)));
        assert_int_equal(tl_whoami_process(w) != NULL, rows[i].has_process);
        assert_int_equal(tl_whoami_thread(w) != NULL, rows[i].has_thread);
        const tl_token *e = tl_whoami_effective(w);
        assert_non_null(e);
        assert_ptr_equal(e,
                         rows[i].effective_is_thread ? tl_whoami_thread(w) : tl_whoami_process(w));
        /* round trip: the JSON reloads to the same JSON */
        char *json = NULL, *again = NULL;
        tl_whoami *back = NULL;
        assert_tl_ok(tl_whoami_to_json(&json, w));
        assert_tl_ok(tl_whoami_from_json(&back, json, strlen(json)));
        assert_tl_ok(tl_whoami_to_json(&again, back));
        assert_string_equal(json, again);
        tl_free(json);
        tl_free(again);
        tl_whoami_free(back);
        tl_whoami_free(w);
        free(rows[i].text);
    }
    tl_free(proc);
    tl_free(imp);
}

static void errors_name_the_path(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        const char *path;
    } rows[] = {
        {"[]", TL_EPARSE, "$"},
        {"{\"process\": null, \"thread\": null}", TL_EPARSE, "$.process"},
        {"{}", TL_EPARSE, "$.process"},
        {"{\"process\": null, \"threads\": null}", TL_EPARSE, "$.threads"},
        {"{\"process\": {\"tokenlens_token\": 1, \"groups\": 7}}", TL_EPARSE, "$.process.groups"},
        {"{\"process\": ", TL_EPARSE, ""},
        {"", TL_EPARSE, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tl_whoami *w = (tl_whoami *)1;
        int rc = tl_whoami_from_json(&w, rows[i].text, strlen(rows[i].text));
        if (rc != rows[i].rc || strcmp(tl_error_last()->path, rows[i].path) != 0)
            fail_msg("row %zu: %s at '%s', want %s at '%s' (%s)", i, tl_error_name(rc),
                     tl_error_last()->path, tl_error_name(rows[i].rc), rows[i].path,
                     tl_error_last()->message);
        assert_null(w);
    }
    tl_whoami *w = NULL;
    assert_tl_error(tl_whoami_from_json(NULL, "{}", 2), TL_EINVAL);
    assert_tl_error(tl_whoami_from_json(&w, NULL, 2), TL_EINVAL);
    assert_tl_error(tl_whoami_from_json(&w, "{}", TL_TOKEN_MAX_FILE + 1), TL_ELIMIT);
    assert_tl_error(tl_whoami_load(&w, "/nonexistent/whoami.json"), TL_EIO);
    assert_tl_error(tl_whoami_to_json(NULL, NULL), TL_EINVAL);
    assert_null(tl_whoami_effective(NULL));
    tl_whoami_free(NULL);
}

static void capture_is_windows_only(void **state)
{
    (void)state;
    tl_whoami *w = (tl_whoami *)1;
    int rc = tl_whoami_capture(&w);
    if (tl_live_supported()) {
        assert_tl_ok(rc);
        assert_non_null(tl_whoami_process(w));
        tl_whoami_free(w);
    } else {
        assert_int_equal(rc, TL_ENOTSUP);
        assert_null(w);
    }
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    size_t len;
    char *proc = read_data("token/wine-process.json", &len);
    char *text = doc(proc, "null", "");
    int finished = 0;
    for (unsigned long n = 1; n < 100000 && !finished; n++) {
        tl_test_alloc_reset();
        tl_test_alloc_install();
        tl_test_alloc_fail_at(n);
        tl_whoami *w = NULL;
        char *json = NULL;
        int rc = tl_whoami_from_json(&w, text, strlen(text));
        if (rc == TL_OK)
            rc = tl_whoami_to_json(&json, w);
        tl_free(json);
        tl_whoami_free(w);
        long leaked = tl_test_alloc_outstanding();
        tl_test_alloc_uninstall();
        if (rc == TL_OK)
            finished = 1;
        else if (rc != TL_ENOMEM)
            fail_msg("allocation %lu failing gave %s (%s)", n, tl_error_name(rc),
                     tl_error_last()->message);
        if (leaked)
            fail_msg("allocation %lu failing leaked %ld blocks", n, leaked);
    }
    assert_true(finished);
    free(text);
    tl_free(proc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_documents_and_single_tokens),
        cmocka_unit_test(errors_name_the_path),
        cmocka_unit_test(capture_is_windows_only),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests_name("whoami", tests, NULL, NULL);
}
