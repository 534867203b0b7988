/* Hop probes over SSPI (Windows): Negotiate, Kerberos and NTLM through secur32.
 * Client: AcquireCredentialsHandleW(OUTBOUND) for the current logon (or, for a delegated hop,
 * while impersonating the caller) + InitializeSecurityContextW with ISC_REQ_DELEGATE.
 * Server: AcceptSecurityContext with ASC_REQ_DELEGATE; who connected from SECPKG_ATTR_NAMES,
 * the package from SECPKG_ATTR_NEGOTIATION_INFO / PACKAGE_INFO, the client's token from
 * QuerySecurityContextToken (its TokenImpersonationLevel says Delegation when the client
 * delegated). Ticket flags are not exposed through SSPI contexts: `klist` shows them. */
#define SECURITY_WIN32
#include "internal.h"
#include "hop/hop_internal.h"
#include "tokenlens/live.h"
#include <windows.h>
#include <security.h>
#include <string.h>
#include <wchar.h>

struct tl_hop_client {
    CredHandle cred;
    CtxtHandle ctx;
    bool have_cred, have_ctx;
    wchar_t *target;
    ULONG req;
    unsigned long max_token; /* cbMaxToken of the package: our output buffer size */
    tl_hop_delegation requested;
    bool done;
    tl__hop_outcome outcome;
    tl_hop_deleg_reason reason;
    char *name;
};

struct tl_hop_server {
    CredHandle cred;
    CtxtHandle ctx;
    bool have_cred, have_ctx;
    bool done;
    unsigned long max_token;
    tl_hop_mech mech;
    bool delegated;
    int level;
    char *client_name;
};

bool tl_hop_available(void)
{
    return true;
}

/* Both InitializeSecurityContext and AcceptSecurityContext may ask the caller to finish the
 * token with CompleteAuthToken (SEC_I_COMPLETE_*); fold that into OK / CONTINUE_NEEDED. */
static SECURITY_STATUS complete_if_needed(SECURITY_STATUS st, CtxtHandle *ctx, SecBufferDesc *out)
{
    if (st != SEC_I_COMPLETE_NEEDED && st != SEC_I_COMPLETE_AND_CONTINUE)
        return st;
    SECURITY_STATUS cs = CompleteAuthToken(ctx, out);
    if (cs != SEC_E_OK)
        return cs;
    return st == SEC_I_COMPLETE_NEEDED ? SEC_E_OK : SEC_I_CONTINUE_NEEDED;
}

static const wchar_t *package_of(tl_hop_mech m)
{
    switch (m) {
    case TL_HOP_MECH_KERBEROS:
        return L"Kerberos";
    case TL_HOP_MECH_NTLM:
        return L"NTLM";
    default:
        return L"Negotiate";
    }
}

static tl_hop_mech mech_from_package(const wchar_t *name)
{
    if (!name)
        return TL_HOP_MECH_UNKNOWN;
    if (_wcsicmp(name, L"Kerberos") == 0)
        return TL_HOP_MECH_KERBEROS;
    if (_wcsicmp(name, L"NTLM") == 0)
        return TL_HOP_MECH_NTLM;
    if (_wcsicmp(name, L"Negotiate") == 0)
        return TL_HOP_MECH_NEGOTIATE;
    return TL_HOP_MECH_UNKNOWN;
}

static char *utf8_of(const wchar_t *w)
{
    if (!w)
        return NULL;
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0)
        return NULL;
    char *s = tl__malloc((size_t)n);
    if (s && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) <= 0) {
        tl__free(s);
        s = NULL;
    }
    return s;
}

/* Symbolic names of the statuses a probe meets most (winerror.h); Wine's FormatMessage has no
 * text for most of them. */
static const char *sec_name(SECURITY_STATUS st)
{
    static const struct {
        unsigned long code;
        const char *name;
    } names[] = {
        {0x80090300ul, "SEC_E_INSUFFICIENT_MEMORY"},
        {0x80090301ul, "SEC_E_INVALID_HANDLE"},
        {0x80090302ul, "SEC_E_UNSUPPORTED_FUNCTION"},
        {0x80090303ul, "SEC_E_TARGET_UNKNOWN"},
        {0x80090304ul, "SEC_E_INTERNAL_ERROR"},
        {0x80090305ul, "SEC_E_SECPKG_NOT_FOUND"},
        {0x80090308ul, "SEC_E_INVALID_TOKEN"},
        {0x80090318ul, "SEC_E_INCOMPLETE_MESSAGE"},
        {0x8009030Cul, "SEC_E_LOGON_DENIED"},
        {0x8009030Dul, "SEC_E_UNKNOWN_CREDENTIALS"},
        {0x8009030Eul, "SEC_E_NO_CREDENTIALS"},
        {0x80090311ul, "SEC_E_NO_AUTHENTICATING_AUTHORITY"},
        {0x80090322ul, "SEC_E_WRONG_PRINCIPAL"},
        {0x80090324ul, "SEC_E_TIME_SKEW"},
        {0x8009033Dul, "SEC_E_KDC_UNKNOWN_ETYPE"},
        {0x80090345ul, "SEC_E_DELEGATION_REQUIRED"},
        {0x80090346ul, "SEC_E_BAD_BINDINGS"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == (unsigned long)st)
            return names[i].name;
    return "SECURITY_STATUS";
}

/* Raise TL_EAUTH "what: <system text> (SEC_E_x 0x...)" with the status as native. */
static int sec_fail(const char *what, SECURITY_STATUS st)
{
    char text[512] = "";
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             (DWORD)st, 0, text, sizeof text, NULL);
    while (n && (text[n - 1] == '\r' || text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = '\0';
    return tl__error_native_kind(TL_EAUTH, TL_NATIVE_SECURITY_STATUS, (long)st,
                                 "%s: %s (%s 0x%08lx)", what, n ? text : "no system text",
                                 sec_name(st), (unsigned long)st);
}

/* The package's largest token. Tokens are written into a buffer of this size rather than with
 * ISC_REQ_ALLOCATE_MEMORY, which some SSPs (Wine's Kerberos) do not implement. */
static int max_token_of(unsigned long *out, tl_hop_mech mech)
{
    PSecPkgInfoW info = NULL;
    SECURITY_STATUS st = QuerySecurityPackageInfoW((wchar_t *)package_of(mech), &info);
    if (st != SEC_E_OK)
        return sec_fail("unknown security package", st);
    *out = info->cbMaxToken ? info->cbMaxToken : 48000;
    FreeContextBuffer(info);
    if (*out > 1024ul * 1024ul)
        *out = 1024ul * 1024ul;
    return TL_OK;
}

static tl_hop_mech context_mech(CtxtHandle *ctx)
{
    tl_hop_mech m = TL_HOP_MECH_UNKNOWN;
    SecPkgContext_NegotiationInfoW ni;
    memset(&ni, 0, sizeof ni);
    if (QueryContextAttributesW(ctx, SECPKG_ATTR_NEGOTIATION_INFO, &ni) == SEC_E_OK &&
        ni.PackageInfo) {
        m = mech_from_package(ni.PackageInfo->Name);
        FreeContextBuffer(ni.PackageInfo);
        if (m != TL_HOP_MECH_UNKNOWN && m != TL_HOP_MECH_NEGOTIATE)
            return m;
    }
    SecPkgContext_PackageInfoW pi;
    memset(&pi, 0, sizeof pi);
    if (QueryContextAttributesW(ctx, SECPKG_ATTR_PACKAGE_INFO, &pi) == SEC_E_OK && pi.PackageInfo) {
        m = mech_from_package(pi.PackageInfo->Name);
        FreeContextBuffer(pi.PackageInfo);
    }
    return m;
}

static char *context_name(CtxtHandle *ctx)
{
    SecPkgContext_NamesW names;
    memset(&names, 0, sizeof names);
    if (QueryContextAttributesW(ctx, SECPKG_ATTR_NAMES, &names) != SEC_E_OK || !names.sUserName)
        return NULL;
    char *s = utf8_of(names.sUserName);
    FreeContextBuffer(names.sUserName);
    return s;
}

static int wide_of(wchar_t **out, const char *s)
{
    uint16_t *w = NULL;
    size_t units = 0;
    *out = NULL;
    int rc = tl__utf8_to_utf16(&w, &units, s, strlen(s));
    if (rc)
        return rc;
    wchar_t *p = tl__realloc(w, (units + 1) * sizeof *p);
    if (!p) {
        tl__free(w);
        return tl__oom();
    }
    p[units] = L'\0';
    *out = p;
    return TL_OK;
}

/* ---- client ------------------------------------------------------------------------------- */

static int client_alloc(tl_hop_client **out, const char *target, const tl_hop_options *in,
                        tl_hop_options *o)
{
    *out = NULL;
    int rc = tl__hop_options_check(o, in);
    if (rc)
        return rc;
    char *svc = NULL, *host = NULL;
    if ((rc = tl__hop_split_target(&svc, &host, target)) != TL_OK)
        return rc;
    tl__free(svc);
    tl__free(host);
    tl_hop_client *c = tl__calloc(1, sizeof *c);
    if (!c)
        return tl__oom();
    /* SSPI takes the SPN as is ("HTTP/web.lab.test", "MSSQLSvc/db:1433"). */
    if ((rc = wide_of(&c->target, target)) != TL_OK) {
        tl__free(c);
        return rc;
    }
    if ((rc = max_token_of(&c->max_token, o->mech)) != TL_OK) {
        tl__free(c->target);
        tl__free(c);
        return rc;
    }
    c->requested = o->delegation;
    c->req = ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONNECTION;
    if (o->delegation != TL_HOP_DELEGATE_NONE)
        c->req |= ISC_REQ_DELEGATE; /* SSPI always honours ok-as-delegate: ALWAYS acts as POLICY */
    *out = c;
    return TL_OK;
}

static int client_acquire(tl_hop_client *c, tl_hop_mech mech)
{
    TimeStamp expiry;
    /* pszPackage is declared non-const in older headers. */
    SECURITY_STATUS st =
        AcquireCredentialsHandleW(NULL, (wchar_t *)package_of(mech), SECPKG_CRED_OUTBOUND, NULL,
                                  NULL, NULL, NULL, &c->cred, &expiry);
    if (st != SEC_E_OK)
        return sec_fail("cannot acquire client credentials", st);
    c->have_cred = true;
    return TL_OK;
}

int tl_hop_client_new(tl_hop_client **out, const char *target, const tl_hop_options *opts)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_client_new: out is NULL");
    *out = NULL;
    if (!target)
        return tl__error(TL_EINVAL, "tl_hop_client_new: target is NULL");
    tl_hop_options o;
    tl_hop_client *c;
    int rc = client_alloc(&c, target, opts, &o);
    if (rc)
        return rc;
    /* o.principal / o.keytab: SSPI uses the caller's logon (or thread token); see the docs. */
    if ((rc = client_acquire(c, o.mech)) != TL_OK) {
        tl_hop_client_free(c);
        return rc;
    }
    *out = c;
    return TL_OK;
}

int tl_hop_client_new_delegated(tl_hop_client **out, const tl_hop_server *from, const char *target,
                                const tl_hop_options *opts)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_client_new_delegated: out is NULL");
    *out = NULL;
    if (!from)
        return tl__error(TL_EINVAL, "tl_hop_client_new_delegated: from is NULL");
    if (!target)
        return tl__error(TL_EINVAL, "tl_hop_client_new_delegated: target is NULL");
    if (!from->done)
        return tl__error(TL_ESTATE, "the incoming exchange is not complete yet");
    tl_hop_options o;
    tl_hop_client *c;
    int rc = client_alloc(&c, target, opts, &o);
    if (rc)
        return rc;
    /* Credentials acquired while impersonating belong to the caller's logon session. */
    CtxtHandle ctx = from->ctx;
    SECURITY_STATUS st = ImpersonateSecurityContext(&ctx);
    if (st != SEC_E_OK) {
        tl_hop_client_free(c);
        return sec_fail("cannot impersonate the caller", st);
    }
    rc = client_acquire(c, o.mech);
    st = RevertSecurityContext(&ctx);
    if (rc == TL_OK && st != SEC_E_OK)
        rc = sec_fail("cannot revert from the caller", st);
    if (rc) {
        tl_hop_client_free(c);
        return rc;
    }
    *out = c;
    return TL_OK;
}

int tl_hop_client_step(tl_hop_client *c, const uint8_t *in, size_t in_len, uint8_t **out_token,
                       size_t *out_len)
{
    if (out_token)
        *out_token = NULL;
    if (out_len)
        *out_len = 0;
    if (!c || !out_token || !out_len)
        return tl__error(TL_EINVAL, "tl_hop_client_step: NULL argument");
    if (c->done)
        return tl__error(TL_ESTATE, "the client exchange is already complete");
    if (in_len && !in)
        return tl__error(TL_EINVAL, "tl_hop_client_step: in is NULL with a length");
    if (c->have_ctx && !in_len)
        return tl__error(TL_EINVAL,
                         "tl_hop_client_step: the exchange continues but no token came back");
    if (in_len > 0xffffffffu)
        return tl__error(TL_ELIMIT, "token too large");
    SecBuffer ib = {(unsigned long)in_len, SECBUFFER_TOKEN, (void *)in};
    SecBufferDesc ibd = {SECBUFFER_VERSION, 1, &ib};
    SecBuffer ob = {c->max_token, SECBUFFER_TOKEN, tl__malloc(c->max_token)};
    SecBufferDesc obd = {SECBUFFER_VERSION, 1, &ob};
    ULONG attrs = 0;
    TimeStamp expiry;
    if (!ob.pvBuffer)
        return tl__oom();
    SECURITY_STATUS st = InitializeSecurityContextW(
        &c->cred, c->have_ctx ? &c->ctx : NULL, c->target, c->req, 0, SECURITY_NATIVE_DREP,
        in_len ? &ibd : NULL, 0, &c->ctx, &obd, &attrs, &expiry);
    st = complete_if_needed(st, &c->ctx, &obd);
    if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED) {
        tl__free(ob.pvBuffer);
        return sec_fail("client authentication failed", st);
    }
    c->have_ctx = true;
    int rc = tl__hop_copy_token(out_token, out_len, ob.pvBuffer, ob.cbBuffer);
    tl__free(ob.pvBuffer);
    if (rc)
        return rc;
    if (st == SEC_E_OK) {
        c->done = true;
        c->outcome.mech = context_mech(&c->ctx);
        c->outcome.requested = c->requested;
        c->outcome.granted = c->outcome.mech != TL_HOP_MECH_NTLM && (attrs & ISC_RET_DELEGATE) != 0;
        c->reason = tl__hop_deleg_reason(&c->outcome);
        c->name = context_name(&c->ctx);
        if (!c->name) { /* some SSPs answer SECPKG_ATTR_NAMES only on the server side */
            SecPkgCredentials_NamesW cn;
            memset(&cn, 0, sizeof cn);
            if (QueryCredentialsAttributesW(&c->cred, SECPKG_CRED_ATTR_NAMES, &cn) == SEC_E_OK &&
                cn.sUserName) {
                c->name = utf8_of(cn.sUserName);
                FreeContextBuffer(cn.sUserName);
            }
        }
    }
    return TL_OK;
}

bool tl_hop_client_done(const tl_hop_client *c)
{
    return c && c->done;
}
tl_hop_mech tl_hop_client_mech(const tl_hop_client *c)
{
    return c && c->done ? c->outcome.mech : TL_HOP_MECH_UNKNOWN;
}
bool tl_hop_client_delegated(const tl_hop_client *c)
{
    return c && c->done && c->outcome.granted;
}
tl_hop_deleg_reason tl_hop_client_deleg_reason(const tl_hop_client *c)
{
    return c && c->done ? c->reason : TL_HOP_DELEG_NOT_REQUESTED;
}
const char *tl_hop_client_name(const tl_hop_client *c)
{
    return c ? c->name : NULL;
}

int tl_hop_client_ticket_flags(uint32_t *out, const tl_hop_client *c)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_client_ticket_flags: out is NULL");
    *out = 0;
    if (!c)
        return tl__error(TL_EINVAL, "tl_hop_client_ticket_flags: client is NULL");
    return tl__error(TL_ENOTFOUND, "SSPI does not expose ticket flags on a context (see klist)");
}

void tl_hop_client_free(tl_hop_client *c)
{
    if (!c)
        return;
    if (c->have_ctx)
        DeleteSecurityContext(&c->ctx);
    if (c->have_cred)
        FreeCredentialsHandle(&c->cred);
    tl__free(c->target);
    tl__free(c->name);
    tl__free(c);
}

/* ---- server ------------------------------------------------------------------------------- */

int tl_hop_server_new(tl_hop_server **out, const tl_hop_options *opts)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_server_new: out is NULL");
    *out = NULL;
    tl_hop_options o;
    int rc = tl__hop_options_check(&o, opts);
    if (rc)
        return rc;
    tl_hop_server *s = tl__calloc(1, sizeof *s);
    if (!s)
        return tl__oom();
    s->level = -1;
    if ((rc = max_token_of(&s->max_token, o.mech)) != TL_OK) {
        tl__free(s);
        return rc;
    }
    TimeStamp expiry;
    SECURITY_STATUS st =
        AcquireCredentialsHandleW(NULL, (wchar_t *)package_of(o.mech), SECPKG_CRED_INBOUND, NULL,
                                  NULL, NULL, NULL, &s->cred, &expiry);
    if (st != SEC_E_OK) {
        tl__free(s);
        return sec_fail("cannot acquire acceptor credentials", st);
    }
    s->have_cred = true;
    *out = s;
    return TL_OK;
}

static void server_finish(tl_hop_server *s, ULONG attrs)
{
    s->done = true;
    s->mech = context_mech(&s->ctx);
    s->client_name = context_name(&s->ctx);
    HANDLE tok = NULL;
    if (QuerySecurityContextToken(&s->ctx, &tok) == SEC_E_OK && tok) {
        SECURITY_IMPERSONATION_LEVEL lvl;
        DWORD got = 0;
        if (GetTokenInformation(tok, TokenImpersonationLevel, &lvl, sizeof lvl, &got))
            s->level = (int)lvl;
        CloseHandle(tok);
    }
    /* Delegation arrived when the context says so; the token's level agrees (Delegation). */
    s->delegated = s->mech != TL_HOP_MECH_NTLM &&
                   ((attrs & ASC_RET_DELEGATE) != 0 || s->level == (int)SecurityDelegation);
}

int tl_hop_server_step(tl_hop_server *s, const uint8_t *in, size_t in_len, uint8_t **out_token,
                       size_t *out_len)
{
    if (out_token)
        *out_token = NULL;
    if (out_len)
        *out_len = 0;
    if (!s || !out_token || !out_len)
        return tl__error(TL_EINVAL, "tl_hop_server_step: NULL argument");
    if (s->done)
        return tl__error(TL_ESTATE, "the server exchange is already complete");
    if (!in || !in_len)
        return tl__error(TL_EINVAL, "tl_hop_server_step: the server needs the client's token");
    if (in_len > 0xffffffffu)
        return tl__error(TL_ELIMIT, "token too large");
    SecBuffer ib = {(unsigned long)in_len, SECBUFFER_TOKEN, (void *)in};
    SecBufferDesc ibd = {SECBUFFER_VERSION, 1, &ib};
    SecBuffer ob = {s->max_token, SECBUFFER_TOKEN, tl__malloc(s->max_token)};
    SecBufferDesc obd = {SECBUFFER_VERSION, 1, &ob};
    ULONG attrs = 0;
    TimeStamp expiry;
    if (!ob.pvBuffer)
        return tl__oom();
    SECURITY_STATUS st =
        AcceptSecurityContext(&s->cred, s->have_ctx ? &s->ctx : NULL, &ibd,
                              ASC_REQ_MUTUAL_AUTH | ASC_REQ_CONNECTION | ASC_REQ_DELEGATE,
                              SECURITY_NATIVE_DREP, &s->ctx, &obd, &attrs, &expiry);
    st = complete_if_needed(st, &s->ctx, &obd);
    if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED) {
        tl__free(ob.pvBuffer);
        return sec_fail("server could not accept the client", st);
    }
    s->have_ctx = true;
    int rc = tl__hop_copy_token(out_token, out_len, ob.pvBuffer, ob.cbBuffer);
    tl__free(ob.pvBuffer);
    if (rc == TL_OK && st == SEC_E_OK)
        server_finish(s, attrs);
    return rc;
}

bool tl_hop_server_done(const tl_hop_server *s)
{
    return s && s->done;
}
const char *tl_hop_server_client_name(const tl_hop_server *s)
{
    return s && s->done ? s->client_name : NULL;
}
tl_hop_mech tl_hop_server_mech(const tl_hop_server *s)
{
    return s && s->done ? s->mech : TL_HOP_MECH_UNKNOWN;
}
bool tl_hop_server_delegated(const tl_hop_server *s)
{
    return s && s->done && s->delegated;
}

int tl_hop_server_ticket_flags(uint32_t *out, const tl_hop_server *s)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_server_ticket_flags: out is NULL");
    *out = 0;
    if (!s)
        return tl__error(TL_EINVAL, "tl_hop_server_ticket_flags: server is NULL");
    return tl__error(TL_ENOTFOUND, "SSPI does not expose ticket flags on a context (see klist)");
}

int tl_hop_server_impersonation_level(int *out, const tl_hop_server *s)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_server_impersonation_level: out is NULL");
    *out = -1;
    if (!s)
        return tl__error(TL_EINVAL, "tl_hop_server_impersonation_level: server is NULL");
    if (!s->done)
        return tl__error(TL_ESTATE, "the server exchange is not complete yet");
    if (s->level < 0)
        return tl__error(TL_ENOTFOUND, "QuerySecurityContextToken gave no token for this context");
    *out = s->level;
    return TL_OK;
}

int tl_hop_server_token(tl_token **out, const tl_hop_server *s)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_server_token: out is NULL");
    *out = NULL;
    if (!s)
        return tl__error(TL_EINVAL, "tl_hop_server_token: server is NULL");
    if (!s->done)
        return tl__error(TL_ESTATE, "the server exchange is not complete yet");
    CtxtHandle ctx = s->ctx;
    SECURITY_STATUS st = ImpersonateSecurityContext(&ctx);
    if (st != SEC_E_OK)
        return sec_fail("cannot impersonate the client", st);
    int rc = tl_live_thread_token(out);
    st = RevertSecurityContext(&ctx);
    if (rc == TL_OK && st != SEC_E_OK) {
        tl_token_free(*out);
        *out = NULL;
        rc = sec_fail("cannot revert from the client", st);
    }
    return rc;
}

void tl_hop_server_free(tl_hop_server *s)
{
    if (!s)
        return;
    if (s->have_ctx)
        DeleteSecurityContext(&s->ctx);
    if (s->have_cred)
        FreeCredentialsHandle(&s->cred);
    tl__free(s->client_name);
    tl__free(s);
}
