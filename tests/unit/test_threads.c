/* Issue 18 item 8: the library's lazily initialised and per-thread state is safe to use from
 * several threads at once. The threads start together, before anything in the process has
 * touched that state, so the first use of each lazy initialiser (the C.UTF-8 locale for pool
 * names, the parsed well-known SID tables) happens concurrently; each thread also checks its
 * own thread-local last error and the access check's per-thread spare result. Every thread
 * must get the answers a single thread gets. Meant for the ThreadSanitizer build (preset
 * `tsan`, scripts/test.sh stage tsan), where a data race fails the run; natively and under
 * Wine it checks the answers. */
#include "tl_test.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#include <sched.h>
#endif

#define THREADS 6
#define ROUNDS 60

static atomic_int go;

typedef struct {
    int id;
    int failures;
    char first_failure[160];
    char pool_upper[TL_SID_STRING_MAX];
    char pool_lower[TL_SID_STRING_MAX];
} worker;

static void fail_once(worker *w, const char *what)
{
    if (!w->failures++)
        snprintf(w->first_failure, sizeof w->first_failure, "thread %d: %s", w->id, what);
}

static const char scenario[] =
    "{\"tokenlens_scenario\": 1, \"machine\": {\"name\": \"WEB01\", \"domain\": \"CONTOSO\"},"
    " \"app_pool\": {\"name\": \"Coke\", \"identity\": \"ApplicationPoolIdentity\"},"
    " \"site\": {\"anonymous\": {\"enabled\": false}, \"windows\": {\"enabled\": true},"
    " \"impersonate\": true},"
    " \"request\": {\"user\": \"CONTOSO\\\\alice\", \"protocol\": \"ntlm\"},"
    " \"hops\": [{\"target\": \"MSSQLSvc/db01.contoso.com:1433\"}]}";

static void round_of_work(worker *w, int round)
{
    tl_sid s;
    char buf[TL_SID_STRING_MAX];
    /* Non-ASCII pool names: the upper-casing loads the C.UTF-8 locale on first use. */
    if (tl_sid_iis_apppool(&s, "\xC3\xA4pfel-P\xC3\xB6\xC3\xB6l") != TL_OK ||
        tl_sid_to_string(buf, sizeof buf, &s) != TL_OK)
        fail_once(w, "tl_sid_iis_apppool (lower case)");
    else if (round == 0)
        memcpy(w->pool_lower, buf, sizeof buf);
    else if (strcmp(buf, w->pool_lower) != 0)
        fail_once(w, "a pool SID changed between rounds");
    if (tl_sid_iis_apppool(&s, "\xC3\x84PFEL-P\xC3\x96\xC3\x96L") != TL_OK ||
        tl_sid_to_string(buf, sizeof buf, &s) != TL_OK)
        fail_once(w, "tl_sid_iis_apppool (upper case)");
    else if (round == 0)
        memcpy(w->pool_upper, buf, sizeof buf);
    /* The well-known tables: alias -> SID -> name. */
    char *name = NULL;
    if (tl_sid_from_sddl_alias(&s, "BA", NULL) != TL_OK || tl_sid_lookup_name(&name, &s) != TL_OK ||
        !name || strcmp(name, "BUILTIN\\Administrators") != 0)
        fail_once(w, "BA is not BUILTIN\\Administrators");
    tl_free(name);
    /* The last error is per thread: this thread's failure stays this thread's, and once
     * cleared no other thread's failure shows up here. */
    char bad[48];
    snprintf(bad, sizeof bad, "S-1-5-x%d", w->id);
    if (tl_sid_from_string(&s, bad) == TL_OK || tl_error_last()->code == TL_OK)
        fail_once(w, "a bad SID string was accepted or left no error");
    else if (!strstr(tl_error_last()->message, bad) && tl_error_last()->offset == TL_NO_OFFSET)
        fail_once(w, "the last error is not this thread's");
    tl_error_clear();
    if (tl_sid_from_string(&s, "S-1-5-18") != TL_OK || tl_error_last()->code != TL_OK)
        fail_once(w, "another thread's error showed up in this one");
    /* The access check reuses a per-thread result. */
    tl_sd *sd = NULL;
    tl_access_result *r = NULL;
    tl_sid sids[2];
    tl_sid_from_string(&sids[0], "S-1-5-21-1-2-3-1001");
    tl_sid_from_string(&sids[1], "S-1-5-32-544");
    if (tl_sd_from_sddl(&sd, "O:BAG:BAD:(A;;FR;;;BA)(D;;FW;;;BU)", NULL) != TL_OK ||
        tl_access_check_sids(&r, sd, sids, 2, 0x120089 /* FILE_GENERIC_READ */, NULL) != TL_OK ||
        !tl_access_result_allowed(r))
        fail_once(w, "the access check did not allow FR to BA");
    tl_access_result_free(r);
    tl_sd_free(sd);
    /* The engine end to end. */
    tl_scenario *sc = NULL;
    tl_explanation *e = NULL;
    if (tl_scenario_from_json(&sc, scenario, strlen(scenario)) != TL_OK ||
        tl_scenario_explain(&e, sc) != TL_OK || tl_explanation_hop_count(e) != 1)
        fail_once(w, "the scenario did not explain");
    tl_explanation_free(e);
    tl_scenario_free(sc);
}

#ifdef _WIN32
static DWORD WINAPI run(LPVOID arg)
#else
static void *run(void *arg)
#endif
{
    worker *w = arg;
    while (!atomic_load(&go))
#ifdef _WIN32
        SwitchToThread();
#else
        sched_yield();
#endif
    for (int i = 0; i < ROUNDS; i++)
        round_of_work(w, i);
#ifdef _WIN32
    return 0;
#else
    return NULL;
#endif
}

static void threads_share_the_lazy_state(void **state)
{
    (void)state;
    static worker w[THREADS];
#ifdef _WIN32
    HANDLE t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i].id = i;
        t[i] = CreateThread(NULL, 0, run, &w[i], 0, NULL);
        assert_non_null(t[i]);
    }
    atomic_store(&go, 1);
    for (int i = 0; i < THREADS; i++) {
        WaitForSingleObject(t[i], INFINITE);
        CloseHandle(t[i]);
    }
#else
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i].id = i;
        assert_int_equal(pthread_create(&t[i], NULL, run, &w[i]), 0);
    }
    atomic_store(&go, 1);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
#endif
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        if (w[i].failures) {
            print_error("%s (%d failures)\n", w[i].first_failure, w[i].failures);
            failures += w[i].failures;
        }
        /* Case-insensitive pool names: the locale mapped the non-ASCII letters in every
         * thread, and every thread got the same SID. */
        if (strcmp(w[i].pool_upper, w[i].pool_lower) != 0 ||
            strcmp(w[i].pool_upper, w[0].pool_upper) != 0) {
            print_error("thread %d: pool SIDs %s / %s, thread 0 %s\n", i, w[i].pool_lower,
                        w[i].pool_upper, w[0].pool_upper);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_share_the_lazy_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
