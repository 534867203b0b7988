/* Fault injection through the backend's Win32 function table (lib/backend/win32/win32_api.h):
 * every Win32 call the live backend makes is made to fail in turn, and each failure must give
 * a clean error (or a documented graceful fallback), leave no impersonation on the thread and
 * leak no handle. Allocation failures get the same treatment. */
#include "tl_test.h"
#include "backend/win32/win32_api.h"
#include <stdio.h>
#include <string.h>

/* ---- the injector ---------------------------------------------------------------------- */

static unsigned calls;     /* counted calls since reset */
static unsigned fail_on;   /* 1-based call to fail; 0 = none */
static const char *failed; /* name of the call that was made to fail */

static int inject(const char *name)
{
    if (fail_on && ++calls == fail_on) {
        failed = name;
        return 1;
    }
    if (!fail_on)
        ++calls;
    return 0;
}

#define FAIL_BOOL(name)                                                                            \
    do {                                                                                           \
        if (inject(#name)) {                                                                       \
            SetLastError(ERROR_ACCESS_DENIED);                                                     \
            return FALSE;                                                                          \
        }                                                                                          \
    } while (0)

static BOOL WINAPI f_OpenProcessToken(HANDLE p, DWORD a, PHANDLE h)
{
    FAIL_BOOL(OpenProcessToken);
    return tl__win32_real.OpenProcessToken(p, a, h);
}
static BOOL WINAPI f_OpenThreadToken(HANDLE t, DWORD a, BOOL s, PHANDLE h)
{
    FAIL_BOOL(OpenThreadToken);
    return tl__win32_real.OpenThreadToken(t, a, s, h);
}
static BOOL WINAPI f_GetTokenInformation(HANDLE h, TOKEN_INFORMATION_CLASS c, LPVOID i, DWORD l,
                                         PDWORD r)
{
    FAIL_BOOL(GetTokenInformation);
    return tl__win32_real.GetTokenInformation(h, c, i, l, r);
}
static BOOL WINAPI f_DuplicateTokenEx(HANDLE h, DWORD a, LPSECURITY_ATTRIBUTES sa,
                                      SECURITY_IMPERSONATION_LEVEL l, TOKEN_TYPE t, PHANDLE n)
{
    FAIL_BOOL(DuplicateTokenEx);
    return tl__win32_real.DuplicateTokenEx(h, a, sa, l, t, n);
}
static BOOL WINAPI f_SetThreadToken(PHANDLE t, HANDLE h)
{
    FAIL_BOOL(SetThreadToken);
    return tl__win32_real.SetThreadToken(t, h);
}
static BOOL WINAPI f_RevertToSelf(void)
{
    FAIL_BOOL(RevertToSelf);
    return tl__win32_real.RevertToSelf();
}
static BOOL WINAPI f_LookupAccountSidW(LPCWSTR sys, PSID sid, LPWSTR n, LPDWORD nl, LPWSTR d,
                                       LPDWORD dl, PSID_NAME_USE u)
{
    FAIL_BOOL(LookupAccountSidW);
    return tl__win32_real.LookupAccountSidW(sys, sid, n, nl, d, dl, u);
}
static NTSTATUS NTAPI f_LsaGetLogonSessionData(PLUID l, PSECURITY_LOGON_SESSION_DATA *d)
{
    if (inject("LsaGetLogonSessionData")) {
        *d = NULL;
        return (NTSTATUS)0xC0000022L; /* STATUS_ACCESS_DENIED */
    }
    return tl__win32_real.LsaGetLogonSessionData(l, d);
}

/* CloseHandle and LsaFreeReturnBuffer are not failed: they are the cleanup being verified. */
static void install(unsigned n)
{
    calls = 0;
    fail_on = n;
    failed = NULL;
    tl__win32_api_reset();
    tl__win32.OpenProcessToken = f_OpenProcessToken;
    tl__win32.OpenThreadToken = f_OpenThreadToken;
    tl__win32.GetTokenInformation = f_GetTokenInformation;
    tl__win32.DuplicateTokenEx = f_DuplicateTokenEx;
    tl__win32.SetThreadToken = f_SetThreadToken;
    tl__win32.RevertToSelf = f_RevertToSelf;
    tl__win32.LsaGetLogonSessionData = f_LsaGetLogonSessionData;
    tl__win32.LookupAccountSidW = f_LookupAccountSidW;
}

static int teardown(void **state)
{
    (void)state;
    tl__win32_api_reset();
    RevertToSelf();
    return 0;
}

/* ---- checks ------------------------------------------------------------------------------ */

static HANDLE next_handle(void)
{
    HANDLE h = CreateEventW(NULL, FALSE, FALSE, NULL);
    CloseHandle(h);
    return h;
}

static DWORD handle_count(void)
{
    DWORD n = 0;
    GetProcessHandleCount(GetCurrentProcess(), &n);
    return n;
}

static int thread_has_token(void)
{
    HANDLE h = NULL;
    if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &h)) {
        CloseHandle(h);
        return 1;
    }
    return 0;
}

/* Calls whose failure the backend absorbs by design (docs/win32-backend.md):
 * OpenThreadToken is retried with OpenAsSelf = TRUE, LSA refusing the logon session or
 * LookupAccountSid not mapping the SID leaves those details unknown, RevertToSelf falls back
 * to SetThreadToken(NULL, NULL). */
static int absorbed(const char *name)
{
    return strcmp(name, "OpenThreadToken") == 0 || strcmp(name, "LookupAccountSidW") == 0 ||
           strcmp(name, "LsaGetLogonSessionData") == 0 || strcmp(name, "RevertToSelf") == 0;
}

typedef int (*op_fn)(void);

static int op_process(void)
{
    tl_token *t = (tl_token *)1;
    int rc = tl_live_process_token(&t);
    if (rc != TL_OK)
        assert_null(t);
    tl_token_free(rc == TL_OK ? t : NULL);
    return rc;
}

static int op_effective(void)
{
    tl_token *t = (tl_token *)1;
    int rc = tl_live_effective_token(&t);
    if (rc != TL_OK)
        assert_null(t);
    tl_token_free(rc == TL_OK ? t : NULL);
    return rc;
}

static int op_thread_while_impersonating(void)
{
    tl__win32_api saved = tl__win32;
    tl__win32_api_reset();
    assert_true(ImpersonateSelf(SecurityImpersonation));
    tl__win32 = saved;
    tl_token *t = (tl_token *)1;
    int rc = tl_live_thread_token(&t);
    if (rc != TL_OK)
        assert_null(t);
    tl_token_free(rc == TL_OK ? t : NULL);
    RevertToSelf();
    return rc;
}

static const char *probe_step_failed;

static int op_probe(void)
{
    tl_probe *p = (tl_probe *)1;
    int rc = tl_live_probe_impersonation(&p);
    probe_step_failed = NULL;
    if (rc == TL_OK) {
        assert_true(tl_probe_thread_reverted(p));
        for (size_t i = 0; i < tl_probe_step_count(p); i++) {
            const tl_probe_step *s = tl_probe_step_at(p, i);
            assert_true(s->reverted);
            /* Anonymous may fail for real (ERROR_CANT_OPEN_ANONYMOUS). */
            if (s->rc != TL_OK && s->native != ERROR_CANT_OPEN_ANONYMOUS)
                probe_step_failed = s->message;
        }
        tl_probe_free(p);
    } else {
        assert_null(p);
    }
    return rc;
}

/* Fail call 1, 2, 3 ... of `op` until it runs through without reaching the injected call. */
static void fail_each_call(const char *what, op_fn op, int steps_may_absorb)
{
    HANDLE next = next_handle();
    DWORD count = handle_count();
    unsigned n;
    for (n = 1; n < 500; n++) {
        install(n);
        int rc = op();
        const char *name = failed;
        tl__win32_api_reset();
        if (!name) {
            assert_tl_ok(rc); /* every call ran for real */
            break;
        }
        if (rc != TL_OK) {
            const tl_error *e = tl_error_last();
            if (rc != TL_EOS || e->native != ERROR_ACCESS_DENIED || !e->message[0])
                fail_msg("%s: failing call %u (%s) gave %s native %ld '%s'", what, n, name,
                         tl_error_name(rc), e->native, e->message);
        } else if (!absorbed(name) && !(steps_may_absorb && probe_step_failed)) {
            fail_msg("%s: failing call %u (%s) went unnoticed", what, n, name);
        }
        if (thread_has_token()) {
            RevertToSelf();
            fail_msg("%s: failing call %u (%s) left the thread impersonating", what, n, name);
        }
        if (next_handle() != next || handle_count() != count)
            fail_msg("%s: failing call %u (%s) leaked a handle", what, n, name);
    }
    assert_true(n > 3); /* the loop really injected failures */
    print_message("%s: %u Win32 calls failed in turn\n", what, n - 1);
}

static void test_process_capture_faults(void **state)
{
    (void)state;
    fail_each_call("process token", op_process, 0);
}

static void test_effective_capture_faults(void **state)
{
    (void)state;
    fail_each_call("effective token", op_effective, 0);
}

static void test_thread_capture_faults(void **state)
{
    (void)state;
    fail_each_call("thread token", op_thread_while_impersonating, 0);
}

static void test_probe_faults(void **state)
{
    (void)state;
    fail_each_call("impersonation probe", op_probe, 1);
}

/* Allocation failures during a live capture and a probe: TL_ENOMEM, nothing leaked (memory,
 * handles) and the thread reverted. */
static void test_capture_allocation_failures(void **state)
{
    (void)state;
    HANDLE next = next_handle();
    tl_test_alloc_install();
    int done = 0;
    for (unsigned long n = 1; n < 5000 && !done; n++) {
        tl_test_alloc_reset();
        tl_test_alloc_fail_at(n);
        tl_token *t = NULL;
        tl_probe *p = NULL;
        int r1 = tl_live_process_token(&t);
        int r2 = tl_live_probe_impersonation(&p);
        if (r1 == TL_OK)
            tl_token_free(t);
        else
            assert_int_equal(r1, TL_ENOMEM);
        if (r2 == TL_OK)
            tl_probe_free(p);
        else
            assert_int_equal(r2, TL_ENOMEM);
        if (tl_test_alloc_outstanding() != 0)
            fail_msg("allocation %lu failing leaked %ld blocks", n, tl_test_alloc_outstanding());
        assert_false(thread_has_token());
        done = r1 == TL_OK && r2 == TL_OK;
    }
    tl_test_alloc_uninstall();
    assert_true(done);
    assert_ptr_equal(next_handle(), next);
}

/* The leak detector itself: one leaked handle moves the next handle value. */
static void test_leak_detector_sees_a_leak(void **state)
{
    (void)state;
    HANDLE before = next_handle();
    HANDLE leak = CreateEventW(NULL, FALSE, FALSE, NULL);
    HANDLE during = next_handle();
    CloseHandle(leak);
    assert_true(before != during);
    assert_ptr_equal(next_handle(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leak_detector_sees_a_leak),
        cmocka_unit_test_teardown(test_process_capture_faults, teardown),
        cmocka_unit_test_teardown(test_effective_capture_faults, teardown),
        cmocka_unit_test_teardown(test_thread_capture_faults, teardown),
        cmocka_unit_test_teardown(test_probe_faults, teardown),
        cmocka_unit_test_teardown(test_capture_allocation_failures, teardown),
    };
    return cmocka_run_group_tests_name("win32_live_faults", tests, NULL, NULL);
}
