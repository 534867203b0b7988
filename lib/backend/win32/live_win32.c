/* Live token capture through the Win32 API (docs/win32-backend.md).
 *
 * Every call goes through tl__win32 (the fault-injection seam). Query shapes, after System
 * Informer's phlib: fixed-size classes are read into a local of their exact type; SID-bearing
 * classes of bounded size (TokenUser, TokenOwner, TokenPrimaryGroup, TokenIntegrityLevel) into
 * a stack buffer sized for the largest SID; variable lists (TokenGroups, TokenPrivileges,
 * TokenRestrictedSids) grow and retry because they can change between the sizing call and the
 * read. Every handle opened here is closed on every path before returning. */
#include "internal.h"
#include "backend/win32/win32_api.h"
#include "tokenlens/live.h"
#include <string.h>

#define API tl__win32

/* Largest SID: 8 + 4 * 15 bytes (SECURITY_MAX_SID_SIZE). */
#define MAX_SID_BYTES 68
/* Grow-and-retry bound: the list only grows between calls if groups are being added. */
#define MAX_QUERY_TRIES 4
#define MAX_QUERY_BYTES (1u << 20)

bool tl_live_supported(void)
{
    return true;
}

static const char *class_name(TOKEN_INFORMATION_CLASS c)
{
    switch ((int)c) {
    case TokenUser:
        return "TokenUser";
    case TokenGroups:
        return "TokenGroups";
    case TokenPrivileges:
        return "TokenPrivileges";
    case TokenOwner:
        return "TokenOwner";
    case TokenPrimaryGroup:
        return "TokenPrimaryGroup";
    case TokenType:
        return "TokenType";
    case TokenImpersonationLevel:
        return "TokenImpersonationLevel";
    case TokenStatistics:
        return "TokenStatistics";
    case TokenRestrictedSids:
        return "TokenRestrictedSids";
    case TokenSessionId:
        return "TokenSessionId";
    case TokenElevationType:
        return "TokenElevationType";
    case TokenElevation:
        return "TokenElevation";
    case TokenIntegrityLevel:
        return "TokenIntegrityLevel";
    default:
        return "token information";
    }
}

static int os_error(DWORD err, const char *what)
{
    return tl__error_native_kind(TL_EOS, TL_NATIVE_WIN32, (long)err, "%s failed (Win32 error %lu)",
                                 what, (unsigned long)err);
}

/* Classes an implementation may lack (Wine answers TokenRestrictedSids with
 * STATUS_NOT_IMPLEMENTED, ERROR_INVALID_FUNCTION): the value is left unknown instead of
 * failing the capture. Only "not implemented" codes qualify; access denied still fails. */
static bool not_implemented(DWORD err)
{
    return err == ERROR_INVALID_FUNCTION || err == ERROR_CALL_NOT_IMPLEMENTED ||
           err == ERROR_NOT_SUPPORTED;
}

static int query_failed(TOKEN_INFORMATION_CLASS c)
{
    DWORD err = GetLastError();
    return tl__error_native_kind(TL_EOS, TL_NATIVE_WIN32, (long)err,
                                 "GetTokenInformation(%s) failed (Win32 error %lu)", class_name(c),
                                 (unsigned long)err);
}

/* Shape 1 and 2: fixed size or bounded stack buffer, exact length known in advance. */
static int query_fixed(HANDLE h, TOKEN_INFORMATION_CLASS c, void *buf, DWORD size)
{
    DWORD len = 0;
    if (!API.GetTokenInformation(h, c, buf, size, &len))
        return query_failed(c);
    return TL_OK;
}

/* Shape 3: grow and retry. Ownership: *out is freed with tl__free. */
static int query_alloc(HANDLE h, TOKEN_INFORMATION_CLASS c, void **out)
{
    *out = NULL;
    DWORD size = 512, len = 0;
    for (int i = 0; i < MAX_QUERY_TRIES; i++) {
        void *buf = tl__malloc(size);
        if (!buf)
            return tl__oom();
        if (API.GetTokenInformation(h, c, buf, size, &len)) {
            *out = buf;
            return TL_OK;
        }
        DWORD err = GetLastError();
        tl__free(buf);
        if (err != ERROR_INSUFFICIENT_BUFFER && err != ERROR_MORE_DATA) {
            SetLastError(err);
            return query_failed(c);
        }
        if (len <= size || len > MAX_QUERY_BYTES)
            return tl__error_native_kind(
                TL_EOS, TL_NATIVE_WIN32, (long)err,
                "GetTokenInformation(%s) asked for an implausible %lu bytes", class_name(c),
                (unsigned long)len);
        size = len;
    }
    return tl__error(TL_EOS, "GetTokenInformation(%s) kept growing after %d tries", class_name(c),
                     MAX_QUERY_TRIES);
}

static int sid_from_psid(tl_sid *out, PSID psid)
{
    const BYTE *b = psid;
    if (!b || b[1] > 15)
        return tl__error(TL_EOS, "Windows returned a malformed SID");
    return tl_sid_from_binary(out, b, 8 + 4u * b[1], NULL);
}

static int add_groups(tl_token *t, const TOKEN_GROUPS *g,
                      int (*add)(tl_token *, const tl_sid *, uint32_t))
{
    for (DWORD i = 0; i < g->GroupCount; i++) {
        tl_sid sid;
        int rc = sid_from_psid(&sid, g->Groups[i].Sid);
        if (!rc)
            rc = add(t, &sid, g->Groups[i].Attributes);
        if (rc)
            return rc;
    }
    return TL_OK;
}

static uint64_t luid64(LUID l)
{
    return ((uint64_t)(uint32_t)l.HighPart << 32) | l.LowPart;
}

/* `wchars` UTF-16 units to a UTF-8 copy. Ownership: *out is freed with tl__free. */
static int utf8_of_wide(char **out, const WCHAR *w, int wchars)
{
    *out = NULL;
    int n = wchars ? WideCharToMultiByte(CP_UTF8, 0, w, wchars, NULL, 0, NULL, NULL) : 0;
    if (wchars && n <= 0)
        return os_error(GetLastError(), "WideCharToMultiByte");
    char *p = tl__malloc((size_t)n + 1);
    if (!p)
        return tl__oom();
    if (n)
        WideCharToMultiByte(CP_UTF8, 0, w, wchars, p, n, NULL, NULL);
    p[n] = '\0';
    *out = p;
    return TL_OK;
}

/* LSA_UNICODE_STRING (Length in bytes) to a UTF-8 copy; NULL buffer -> NULL. */
static int utf8_of(char **out, const LSA_UNICODE_STRING *s)
{
    *out = NULL;
    if (!s->Buffer)
        return TL_OK;
    return utf8_of_wide(out, s->Buffer, s->Length / 2);
}

/* "DOMAIN\\user" for the token's user, from LookupAccountSid into bounded buffers (account
 * and domain names are at most 256 characters). A SID Windows cannot map (an orphaned or
 * remote domain account, ERROR_NONE_MAPPED) leaves the name unknown: not an error. */
static int capture_user_name(tl_token *t, PSID sid)
{
    WCHAR name[257], domain[257], both[515];
    DWORD nlen = 257, dlen = 257;
    SID_NAME_USE use;
    if (!API.LookupAccountSidW(NULL, sid, name, &nlen, domain, &dlen, &use))
        return TL_OK;
    int n = 0;
    if (dlen && dlen < 257) {
        memcpy(both, domain, dlen * sizeof(WCHAR));
        n = (int)dlen;
        both[n++] = L'\\';
    }
    if (nlen >= 257)
        return TL_OK;
    memcpy(both + n, name, nlen * sizeof(WCHAR));
    n += (int)nlen;
    char *utf8 = NULL;
    int rc = utf8_of_wide(&utf8, both, n);
    if (rc == TL_OK)
        rc = tl_token_set_user_name(t, utf8);
    tl__free(utf8);
    return rc;
}

/* The logon session behind the token. LSA refuses sessions the caller may not see (and Wine
 * returns fixed data); that leaves the details unknown, which is not an error: the LUID from
 * TokenStatistics is always recorded. */
static int capture_logon_session(tl_token *t, LUID luid)
{
    PSECURITY_LOGON_SESSION_DATA data = NULL;
    NTSTATUS st = API.LsaGetLogonSessionData(&luid, &data);
    if (st != 0 || !data)
        return TL_OK;
    char *package = NULL, *domain = NULL, *user = NULL;
    int rc;
    if (!(rc = utf8_of(&package, &data->AuthenticationPackage)) &&
        !(rc = utf8_of(&domain, &data->LogonDomain)) && !(rc = utf8_of(&user, &data->UserName)))
        rc = tl_token_set_logon_session(
            t, package && *package ? package : NULL, (tl_logon_type)data->LogonType,
            domain && *domain ? domain : NULL, user && *user ? user : NULL);
    tl__free(package);
    tl__free(domain);
    tl__free(user);
    API.LsaFreeReturnBuffer(data);
    return rc;
}

/* Read every class tokenlens models from an open token handle (TOKEN_QUERY). */
static int capture(HANDLE h, tl_token **out)
{
    *out = NULL;
    tl_token *t = NULL;
    void *buf = NULL;
    int rc = tl_token_new(&t);
    if (rc)
        return rc;
    union {
        TOKEN_USER user;
        TOKEN_OWNER owner;
        TOKEN_PRIMARY_GROUP group;
        TOKEN_MANDATORY_LABEL label;
        BYTE bytes[sizeof(TOKEN_MANDATORY_LABEL) + MAX_SID_BYTES];
    } sb;
    tl_sid sid;

    if ((rc = query_fixed(h, TokenUser, &sb, sizeof sb)) ||
        (rc = sid_from_psid(&sid, sb.user.User.Sid)) ||
        (rc = tl_token_set_user(t, &sid, sb.user.User.Attributes)) ||
        (rc = capture_user_name(t, sb.user.User.Sid)))
        goto done;

    if ((rc = query_alloc(h, TokenGroups, &buf)) || (rc = add_groups(t, buf, tl_token_add_group)))
        goto done;
    tl__free(buf);
    buf = NULL;

    rc = query_alloc(h, TokenRestrictedSids, &buf);
    if (rc == TL_OK) {
        tl_token_set_restricted_known(t, true);
        if ((rc = add_groups(t, buf, tl_token_add_restricted)))
            goto done;
    } else if (!(rc == TL_EOS && not_implemented((DWORD)tl_error_last()->native))) {
        goto done;
    } else {
        tl_error_clear(); /* tolerated: a successful capture leaves no error behind */
    }
    rc = TL_OK;
    tl__free(buf);
    buf = NULL;

    if ((rc = query_alloc(h, TokenPrivileges, &buf)))
        goto done;
    {
        const TOKEN_PRIVILEGES *p = buf;
        for (DWORD i = 0; i < p->PrivilegeCount; i++)
            if ((rc = tl_token_add_privilege(t, NULL, luid64(p->Privileges[i].Luid),
                                             p->Privileges[i].Attributes)))
                goto done;
    }
    tl__free(buf);
    buf = NULL;

    if ((rc = query_fixed(h, TokenOwner, &sb, sizeof sb)) ||
        (rc = sid_from_psid(&sid, sb.owner.Owner)) || (rc = tl_token_set_owner(t, &sid)))
        goto done;
    if ((rc = query_fixed(h, TokenPrimaryGroup, &sb, sizeof sb)) ||
        (rc = sid_from_psid(&sid, sb.group.PrimaryGroup)) ||
        (rc = tl_token_set_primary_group(t, &sid)))
        goto done;
    if ((rc = query_fixed(h, TokenIntegrityLevel, &sb, sizeof sb)) ||
        (rc = sid_from_psid(&sid, sb.label.Label.Sid)))
        goto done;
    if (tl_sid_authority(&sid) == 16 && sid.sub_authority_count >= 1)
        tl_token_set_integrity(t, true, sid.sub_authority[sid.sub_authority_count - 1]);

    TOKEN_TYPE type;
    if ((rc = query_fixed(h, TokenType, &type, sizeof type)))
        goto done;
    tl_token_set_type(t, type == TokenImpersonation ? TL_TOKEN_IMPERSONATION : TL_TOKEN_PRIMARY);
    if (type == TokenImpersonation) {
        /* Only impersonation tokens have a level; asking a primary token fails. */
        SECURITY_IMPERSONATION_LEVEL level;
        if ((rc = query_fixed(h, TokenImpersonationLevel, &level, sizeof level)))
            goto done;
        if ((int)level < 0 || (int)level > 3) {
            rc = tl__error(TL_EOS, "Windows returned impersonation level %d", (int)level);
            goto done;
        }
        tl_token_set_impersonation_level(t, (tl_impersonation_level)level);
    }

    TOKEN_ELEVATION elevation;
    TOKEN_ELEVATION_TYPE etype;
    if ((rc = query_fixed(h, TokenElevation, &elevation, sizeof elevation)) ||
        (rc = query_fixed(h, TokenElevationType, &etype, sizeof etype)))
        goto done;
    tl_token_set_elevation(t, true, elevation.TokenIsElevated != 0,
                           (int)etype >= 1 && (int)etype <= 3 ? (tl_elevation_type)etype
                                                              : TL_ELEVATION_TYPE_UNKNOWN);

    DWORD session = 0;
    if ((rc = query_fixed(h, TokenSessionId, &session, sizeof session)))
        goto done;
    tl_token_set_session_id(t, session);

    TOKEN_STATISTICS stats;
    if ((rc = query_fixed(h, TokenStatistics, &stats, sizeof stats)))
        goto done;
    tl_token_set_logon_id(t, true, luid64(stats.AuthenticationId));
    rc = capture_logon_session(t, stats.AuthenticationId);

done:
    tl__free(buf);
    if (rc) {
        tl_token_free(t);
        return rc;
    }
    *out = t;
    return TL_OK;
}

int tl_live_process_token(tl_token **out)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_live_process_token: out is NULL");
    *out = NULL;
    HANDLE h = NULL;
    if (!API.OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &h))
        return os_error(GetLastError(), "OpenProcessToken");
    int rc = capture(h, out);
    API.CloseHandle(h);
    if (rc)
        tl__error_prefix("process token");
    return rc;
}

/* Open the calling thread's token for `access`. First with OpenAsSelf = FALSE (the access
 * check runs against the impersonated identity), then, when that fails for any reason other
 * than "no token", with OpenAsSelf = TRUE (the check runs against the process identity). The
 * retry matters: an Identification-level token cannot open objects, so the first attempt
 * fails with ERROR_BAD_IMPERSONATION_LEVEL (Raymond Chen, "The Old New Thing", 2018-05-30;
 * OpenThreadToken docs). TL_ENOTFOUND (native ERROR_NO_TOKEN) when not impersonating. */
static int open_thread_token(HANDLE *out, DWORD access, bool *as_self)
{
    *out = NULL;
    *as_self = false;
    if (API.OpenThreadToken(GetCurrentThread(), access, FALSE, out))
        return TL_OK;
    DWORD first = GetLastError();
    if (first == ERROR_NO_TOKEN)
        return tl__error_native_kind(TL_ENOTFOUND, TL_NATIVE_WIN32, ERROR_NO_TOKEN,
                                     "the thread is not impersonating (no thread token)");
    if (API.OpenThreadToken(GetCurrentThread(), access, TRUE, out)) {
        *as_self = true;
        return TL_OK;
    }
    DWORD err = GetLastError();
    if (err == ERROR_NO_TOKEN)
        return tl__error_native_kind(TL_ENOTFOUND, TL_NATIVE_WIN32, ERROR_NO_TOKEN,
                                     "the thread is not impersonating (no thread token)");
    return tl__error_native_kind(
        TL_EOS, TL_NATIVE_WIN32, (long)err,
        "OpenThreadToken failed (Win32 error %lu; with OpenAsSelf=FALSE: %lu)", (unsigned long)err,
        (unsigned long)first);
}

int tl_live_thread_token(tl_token **out)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_live_thread_token: out is NULL");
    *out = NULL;
    HANDLE h;
    bool as_self;
    int rc = open_thread_token(&h, TOKEN_QUERY, &as_self);
    if (rc)
        return rc;
    rc = capture(h, out);
    API.CloseHandle(h);
    if (rc)
        tl__error_prefix("thread token");
    return rc;
}

int tl_live_effective_token(tl_token **out)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_live_effective_token: out is NULL");
    int rc = tl_live_thread_token(out);
    if (rc != TL_ENOTFOUND)
        return rc;
    tl_error_clear();
    return tl_live_process_token(out);
}

/* ---- impersonation probe ------------------------------------------------------------------ */

struct tl_probe {
    tl_token *process;
    tl_probe_step steps[4];
    tl_token *tokens[4];
    char messages[4][256]; /* tl_probe_step::message of a failed step points here */
    bool reverted;
};

void tl_probe_free(tl_probe *p)
{
    if (!p)
        return;
    tl_token_free(p->process);
    for (int i = 0; i < 4; i++)
        tl_token_free(p->tokens[i]);
    tl__free(p);
}

const tl_token *tl_probe_process_token(const tl_probe *p)
{
    return p ? p->process : NULL;
}
size_t tl_probe_step_count(const tl_probe *p)
{
    return p ? 4 : 0;
}
const tl_probe_step *tl_probe_step_at(const tl_probe *p, size_t i)
{
    return p && i < 4 ? &p->steps[i] : NULL;
}
const tl_token *tl_probe_step_token(const tl_probe *p, size_t i)
{
    return p && i < 4 ? p->tokens[i] : NULL;
}
bool tl_probe_thread_reverted(const tl_probe *p)
{
    return p && p->reverted;
}

/* 1: the thread holds no token; 0: it holds one; -1: could not tell. */
static int thread_has_no_token(void)
{
    HANDLE h = NULL;
    if (API.OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &h)) {
        API.CloseHandle(h);
        return 0;
    }
    return GetLastError() == ERROR_NO_TOKEN ? 1 : -1;
}

/* Drop the thread's impersonation and prove it: RevertToSelf, falling back to
 * SetThreadToken(NULL, NULL) (which also removes the token), until OpenThreadToken reports
 * ERROR_NO_TOKEN. Runs on every path of the probe. */
static bool revert_and_verify(void)
{
    if (!API.RevertToSelf())
        API.SetThreadToken(NULL, NULL);
    for (int attempt = 0; attempt < 3; attempt++) {
        int none = thread_has_no_token();
        if (none == 1)
            return true;
        if (none == 0 && !API.RevertToSelf())
            API.SetThreadToken(NULL, NULL);
    }
    return false;
}

static void step_fail(tl_probe *p, tl_probe_step *s, int rc)
{
    const tl_error *e = tl_error_last();
    char *buf = p->messages[s - p->steps];
    s->rc = rc;
    s->native = e->native;
    snprintf(buf, sizeof p->messages[0], "%s", e->message);
    s->message = buf;
}

static void probe_level(tl_probe *p, HANDLE process, int level)
{
    tl_probe_step *s = &p->steps[level];
    HANDLE dup = NULL, h = NULL;
    s->level = level;
    s->observed_level = -1;
    s->message = "";
    if (!API.DuplicateTokenEx(process, TOKEN_IMPERSONATE | TOKEN_QUERY, NULL,
                              (SECURITY_IMPERSONATION_LEVEL)level, TokenImpersonation, &dup)) {
        step_fail(p, s, os_error(GetLastError(), "DuplicateTokenEx"));
        return;
    }
    if (!API.SetThreadToken(NULL, dup)) {
        step_fail(p, s, os_error(GetLastError(), "SetThreadToken"));
        API.CloseHandle(dup);
        return;
    }
    /* The thread holds its own reference now. */
    API.CloseHandle(dup);
    int rc = open_thread_token(&h, TOKEN_QUERY, &s->opened_as_self);
    if (rc == TL_OK) {
        rc = capture(h, &p->tokens[level]);
        API.CloseHandle(h);
    }
    if (rc == TL_OK) {
        s->observed_type = tl_token_get_type(p->tokens[level]);
        s->observed_level = tl_token_impersonation_level(p->tokens[level]);
        s->rc = TL_OK;
    } else {
        if (level == TL_IMPERSONATION_ANONYMOUS && tl_error_last()->native == 1347)
            tl__error_prefix("Windows does not open Anonymous-level tokens "
                             "(ERROR_CANT_OPEN_ANONYMOUS), so the level cannot be read back");
        step_fail(p, s, rc);
    }
}

int tl_live_probe_impersonation(tl_probe **out)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_live_probe_impersonation: out is NULL");
    *out = NULL;
    HANDLE h = NULL;
    bool as_self;
    int rc = open_thread_token(&h, TOKEN_QUERY, &as_self);
    if (rc == TL_OK) {
        API.CloseHandle(h);
        return tl__error(TL_ESTATE, "the calling thread already impersonates; the probe would "
                                    "replace that token (run it on a thread that does not)");
    }
    if (rc != TL_ENOTFOUND)
        return rc;
    tl_error_clear();

    tl_probe *p = tl__calloc(1, sizeof *p);
    if (!p)
        return tl__oom();
    for (size_t i = 0; i < sizeof p->steps / sizeof p->steps[0]; i++)
        p->steps[i].message = "";
    HANDLE process = NULL;
    if (!API.OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY | TOKEN_DUPLICATE, &process)) {
        rc = os_error(GetLastError(), "OpenProcessToken");
        tl_probe_free(p);
        return rc;
    }
    if ((rc = capture(process, &p->process)) != TL_OK) {
        API.CloseHandle(process);
        tl_probe_free(p);
        tl__error_prefix("process token");
        return rc;
    }
    bool all_reverted = true;
    for (int level = 0; level < 4; level++) {
        probe_level(p, process, level);
        /* Always revert, whatever the step did. */
        p->steps[level].reverted = revert_and_verify();
        all_reverted = all_reverted && p->steps[level].reverted;
    }
    API.CloseHandle(process);
    p->reverted = all_reverted;
    if (!all_reverted) {
        tl_probe_free(p);
        return tl__error(TL_EOS, "could not verify that the thread reverted to the process "
                                 "identity; it may still impersonate");
    }
    *out = p;
    return TL_OK;
}
