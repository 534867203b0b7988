/*
 * C# overlay of the tokenlens SWIG interface (PowerShell module: bindings/powershell).
 *
 * Generated with:  swig -csharp -namespace TokenLens -dllimport tokenlens_csharp \
 *                       -DSWIG_CSHARP_NO_STRING_HELPER <tl_swig_flags: -I..> csharp.i
 * (bindings/powershell/CMakeLists.txt). It %includes the shared interface tokenlens.i, which
 * decides what is wrapped and who owns what; this file only adds what is C#-specific.
 *
 * What this file adds for C#:
 *   - names: one %rename rule turns every C name into CamelCase (tl_sid_from_string ->
 *     TlSidFromString in the raw TokenLensNative class; token.group_count -> GroupCount);
 *     the proxy classes get short names (Sid, Token, ...).
 *   - errors: a negative tl_result (never a leftover error of an earlier call) raises a
 *     TokenLensException subclass (one table, TokenLensException.cs)
 *     through SWIG's C# pending-exception mechanism: the C wrapper calls back into C#, which
 *     parks the exception; the generated C# method rethrows it after the P/Invoke returns.
 *   - ownership: objects the library allocates are returned as owning proxies (IDisposable,
 *     finalizer calls tl_<type>_free); borrowed views (a token's groups, a SID in a struct)
 *     are copied into owning proxies so no C# object can outlive the memory it points to.
 *   - collections: count + indexed getter pairs; the proxies are partial classes and the
 *     hand-written layer (bindings/powershell/src/Collections.cs) adds IEnumerable views.
 * Every module is wrapped unconditionally (a missing C function is a build failure).
 */
%module TokenLensNative
#define TL_SWIG_MODULE_DECLARED

%include <stdint.i>

%{
#include <stdlib.h>
#include <string.h>
#include "tokenlens/common.h"
#include "tokenlens/sid.h"
%}
%{
#include "tokenlens/token.h"
%}
%{
#include "tokenlens/live.h"
%}
%{
#include "tokenlens/sim.h"
%}
%{
#include "tokenlens/sd.h"
%}
%{
#include "tokenlens/iis.h"
%}
%{
#include "tokenlens/access.h"
%}
%{
#include "tokenlens/iis_content.h"
%}

/* ---- names ------------------------------------------------------------------------------ */
%rename("%(camelcase)s") "";
%rename("%(strip:[TL_])s", %$isenumitem) "";
%rename(Sid) tl_sid;
%rename(SidAndAttributes) tl_sid_and_attributes;
%rename(Privilege) tl_privilege;
%rename(WellKnownSid) tl_sid_wellknown;
%rename(Token) tl_token;
%rename(SidKind) tl_sid_kind;
%rename(TokenType) tl_token_type;
%rename(ImpersonationLevel) tl_impersonation_level;
%rename(ElevationType) tl_elevation_type;
%rename(LogonType) tl_logon_type;
%rename(ErrorCode) tl_error_code;
%rename(ErrorInfo) tl_error;
%rename(Probe) tl_probe;
%rename(ProbeStep) tl_probe_step;
%rename(Scenario) tl_scenario;
%rename(Explanation) tl_explanation;
%rename(SecurityDescriptor) tl_sd;
%rename(Ace) tl_ace;
%rename(AclKind) tl_acl_kind;
%rename(Guid) tl_guid;
%rename(AccessResult) tl_access_result;
%rename(AccessReason) tl_access_reason;
%rename(AccessReasonKind) tl_access_reason_kind;
%rename(AccessOptions) tl_access_options;
%rename(ObjectKind) tl_object_kind;
%rename(IisAudit) tl_iis_audit;
%rename(IisSite) tl_iis_site;
%rename(IisApp) tl_iis_app;
%rename(IisAuth) tl_iis_auth;
%rename(IisPool) tl_iis_pool;
%rename(IisIdentity) tl_iis_identity;
%rename(IisIdentityType) tl_iis_identity_type;
%rename(IisSharedIdentity) tl_iis_shared_identity;
%rename(IisFinding) tl_iis_finding;
%rename(IisFindingKind) tl_iis_finding_kind;
%rename(IisSeverity) tl_iis_severity;

%pragma(csharp) moduleclassmodifiers="public static class"
/* Partial, so bindings/powershell/src can add enumerable views next to the generated code. */
%typemap(csclassmodifiers) tl_token, struct tl_token, tl_explanation, struct tl_explanation,
                           tl_access_result, struct tl_access_result, tl_scenario,
                           struct tl_scenario, tl_sd, struct tl_sd, tl_iis_audit,
                           struct tl_iis_audit "public partial class"

/* ---- strings are UTF-8 on both sides ------------------------------------------------------ */
/* tokenlens takes and returns UTF-8. .NET's default char* marshalling is the ANSI code page on
 * Windows, which would mangle a non-ASCII pool or account name, so every char* crosses as
 * LPUTF8Str, including SWIG's string-return callback (replaced here; CMake passes
 * -DSWIG_CSHARP_NO_STRING_HELPER so SWIG does not emit its ANSI one). LPUTF8Str is written as
 * (UnmanagedType)48: netstandard2.0's reference assemblies lack the name, the runtimes that
 * load the module (.NET Core/5+, .NET Framework 4.7+) implement the value. */
%typemap(imtype,
         inattributes="[global::System.Runtime.InteropServices.MarshalAs((global::System.Runtime.InteropServices.UnmanagedType)48)]",
         outattributes="[return: global::System.Runtime.InteropServices.MarshalAs((global::System.Runtime.InteropServices.UnmanagedType)48)]")
    char *, char *&, char[ANY], char[] "string"
%insert(runtime) %{
typedef char *(SWIGSTDCALL *SWIG_CSharpStringHelperCallback)(const char *);
static SWIG_CSharpStringHelperCallback SWIG_csharp_string_callback = NULL;
#ifdef __cplusplus
extern "C"
#endif
SWIGEXPORT void SWIGSTDCALL TokenLensRegisterStringCallback(SWIG_CSharpStringHelperCallback callback) {
    SWIG_csharp_string_callback = callback;
}
%}
%pragma(csharp) imclasscode=%{
  /* Copies a C string returned by the wrapper into a managed string (UTF-8 both ways). */
  internal sealed class TokenLensStringHelper {
    [return: global::System.Runtime.InteropServices.MarshalAs((global::System.Runtime.InteropServices.UnmanagedType)48)]
    public delegate string StringDelegate(
        [global::System.Runtime.InteropServices.MarshalAs((global::System.Runtime.InteropServices.UnmanagedType)48)] string text);
    static readonly StringDelegate stringDelegate = new StringDelegate(CreateString);

    [global::System.Runtime.InteropServices.DllImport("$dllimport", EntryPoint="TokenLensRegisterStringCallback")]
    static extern void TokenLensRegisterStringCallback(StringDelegate cb);

    static string CreateString(string text) { return text; }

    static TokenLensStringHelper() { TokenLensRegisterStringCallback(stringDelegate); }
  }
  static TokenLensStringHelper stringHelper = new TokenLensStringHelper();
%}

/* ---- errors -> exceptions --------------------------------------------------------------- */
%{
typedef void (SWIGSTDCALL *tlcs_error_callback)(int code, const char *message, const char *path,
                                                 long long offset, long long native_code,
                                                 const char *native_kind);
static tlcs_error_callback tlcs_on_error = NULL;

#ifdef __cplusplus
extern "C"
#endif
SWIGEXPORT void SWIGSTDCALL TokenLensRegisterErrorCallback(tlcs_error_callback cb) {
    tlcs_on_error = cb;
}

/* Park the calling thread's tokenlens error as a pending C# exception. */
static void tlcs_raise_last(void) {
    const tl_error *e = tl_error_last();
    long long off = e->offset == TL_NO_OFFSET ? -1 : (long long)e->offset;
    if (tlcs_on_error)
        tlcs_on_error(e->code, e->message, e->path, off, (long long)e->native,
                      tl_native_kind_name(e->native_kind));
    else
        SWIG_CSharpSetPendingException(SWIG_CSharpApplicationException, e->message);
}

static void tlcs_raise(int code, const char *message) {
    if (tlcs_on_error)
        tlcs_on_error(code, message, "", -1, 0, "none");
    else
        SWIG_CSharpSetPendingException(SWIG_CSharpApplicationException, message);
}

/* The one place a tl_result becomes an exception: negative -> park it (with tl_error_last()
 * when that record is this failure's, else a message naming `call`); the result passes
 * through. Keyed on the code only, so a successful call never throws for an error an earlier
 * call left behind (LibGit2Sharp's Ensure.ZeroResult). */
static tl_result tlcs_check(tl_result rc, const char *call) {
    if (rc < 0) {
        const tl_error *e = tl_error_last();
        if (e->code == rc && e->message[0]) {
            tlcs_raise_last();
        } else {
            char msg[200];
            snprintf(msg, sizeof msg, "%.120s failed: %s", call, tl_error_name(rc));
            tlcs_raise(rc, msg);
        }
    }
    return rc;
}
#define TLCS(call) tlcs_check((call), #call)
%}

%{
/* Formatting helpers hand back a thread-local buffer that the wrapper copies straight into
 * a C# string before returning, so no allocation crosses the boundary. */
#if defined(_MSC_VER)
#  define TLCS_THREAD __declspec(thread)
#else
#  define TLCS_THREAD _Thread_local
#endif
static TLCS_THREAD char tlcs_buf[512];

static tl_sid *tlcs_sid_alloc(void) {
    tl_sid *s = (tl_sid *)calloc(1, sizeof *s);
    if (!s)
        tlcs_raise(TL_ENOMEM, "out of memory");
    return s;
}
static tl_sid *tlcs_sid_copy(const tl_sid *src) {
    tl_sid *s;
    if (!src)
        return NULL;
    s = tlcs_sid_alloc();
    if (s)
        *s = *src;
    return s;
}
%}

%pragma(csharp) imclasscode=%{
  /* Registers the callback that turns a tokenlens error into a parked C# exception. */
  internal sealed class TokenLensErrorHelper {
    public delegate void ErrorDelegate(int code,
        [global::System.Runtime.InteropServices.MarshalAs((global::System.Runtime.InteropServices.UnmanagedType)48)] string message,
        [global::System.Runtime.InteropServices.MarshalAs((global::System.Runtime.InteropServices.UnmanagedType)48)] string path,
        long offset, long nativeCode,
        [global::System.Runtime.InteropServices.MarshalAs((global::System.Runtime.InteropServices.UnmanagedType)48)] string nativeKind);
    static readonly ErrorDelegate errorDelegate = new ErrorDelegate(SetPending);

    [global::System.Runtime.InteropServices.DllImport("$dllimport", EntryPoint="TokenLensRegisterErrorCallback")]
    static extern void TokenLensRegisterErrorCallback(ErrorDelegate cb);

    static void SetPending(int code, string message, string path, long offset, long nativeCode, string nativeKind) {
      SWIGPendingException.Set(TokenLensException.FromNative(code, message, path, offset, nativeCode, nativeKind));
    }

    static TokenLensErrorHelper() { TokenLensRegisterErrorCallback(errorDelegate); }
  }
  static TokenLensErrorHelper errorHelper = new TokenLensErrorHelper();
%}

/*
 * Errors are keyed on return codes, never on leftover error state: the raw functions through
 * the tl_result typemap, the methods below through TLCS() around each library call (or an
 * explicit tlcs_raise for their own failures). The empty %exception only makes every
 * generated C# method check for a parked exception after the P/Invoke returns.
 */
%typemap(out, canthrow=1) tl_result %{ $result = tlcs_check($1, "$symname"); %}
%exception %{
    $action
%}
%noexception tl_error_last;
%noexception tl_error_clear;
%noexception tl_error_name;
%noexception tl_version;

/* Strings the library allocates are copied into a C# string, then released with tl_free. */
%typemap(newfree) char * "tl_free($1);";

/* size_t results through a pointer (tl_sid_from_binary's `consumed`, tl_iis_site_find's `out`)
 * become `out ulong`. The C side writes a size_t temporary and widens it, so the managed
 * side always sees 8 bytes whatever the platform's size_t is. */
%typemap(ctype) size_t *consumed, size_t *written, size_t *out "unsigned long long *"
%typemap(imtype) size_t *consumed, size_t *written, size_t *out "out ulong"
%typemap(cstype) size_t *consumed, size_t *written, size_t *out "out ulong"
%typemap(csin) size_t *consumed, size_t *written, size_t *out "out $csinput"
%typemap(in) size_t *consumed, size_t *written, size_t *out (size_t temp = 0) %{ $1 = &temp; %}
%typemap(argout) size_t *consumed, size_t *written, size_t *out %{ if ($input) *$input = (unsigned long long)temp$argnum; %}

/* ---- raw API (tokenlens.i): out-pointer and buffer forms are replaced by methods below ---- */
%ignore tl_sid_from_binary;
%ignore tl_sid_to_binary;
%ignore tl_sid_to_string;
%ignore tl_sid_lookup_name;
%ignore tl_sid::authority;
%ignore tl_sid::sub_authority;
%ignore tl_sid_wellknown_at;
/* Borrowed pointers into a token: the Token methods below return owning copies instead. */
%ignore tl_error_last;
%ignore tl_token_user;
%ignore tl_token_owner;
%ignore tl_token_primary_group;
%ignore tl_token_group_at;
%ignore tl_token_restricted_at;
%ignore tl_token_privilege_at;
%ignore tl_token_privilege_find;
%ignore tl_token_free;
%ignore tl_token_from_json; /* tlcs_token_from_json: the length is the text's */
%ignore tl_scenario_from_json;
%ignore tl_token_to_json;
%ignore tl_group_attributes_string;
%ignore tl_privilege_attributes_string;
%ignore tl_impersonation_level_from_name;
%ignore tl_logon_type_from_name;
%{
static const tl_explained_hop *tlcs_hop(const tl_explanation *e, size_t i) {
    const tl_explained_hop *h = tl_explanation_hop_at(e, i);
    if (!h)
        tlcs_raise(TL_ERANGE, "hop index out of range");
    return h;
}
%}

%{
typedef struct tlcs_isolation_row {
    char *reader, *identity, *identity_sid, *content, *reason;
    bool known, can_read;
} tlcs_isolation_row;

typedef struct tlcs_isolation {
    size_t count;
    bool holds;
    tlcs_isolation_row *rows;
} tlcs_isolation;

static char *tlcs_strdup(const char *s) {
    size_t n;
    char *d;
    if (!s)
        return NULL;
    n = strlen(s) + 1;
    d = (char *)malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void tlcs_isolation_release(tlcs_isolation *iso) {
    size_t i;
    if (!iso)
        return;
    for (i = 0; i < iso->count; i++) {
        free(iso->rows[i].reader);
        free(iso->rows[i].identity);
        free(iso->rows[i].identity_sid);
        free(iso->rows[i].content);
        free(iso->rows[i].reason);
    }
    free(iso->rows);
    free(iso);
}

static const tlcs_isolation_row *tlcs_row(const tlcs_isolation *iso, size_t i) {
    if (i >= iso->count) {
        tlcs_raise(TL_ERANGE, "isolation check index out of range");
        return NULL;
    }
    return &iso->rows[i];
}
%}

/* ---- owned handles: `TYPE **out` is a C# `out` parameter (as python.i returns it) -------- */
/* The P/Invoke fills an IntPtr; the proxy that owns it is built in a finally block, so it
 * exists (or is null: the C contract leaves *out NULL on failure) even when the tl_result
 * typemap throws. */
%define TL_OUT_HANDLE(TYPE, FREE)
%typemap(ctype) TYPE **out "void **"
%typemap(imtype) TYPE **out "out global::System.IntPtr"
%typemap(cstype) TYPE **out "out $*csclassname"
%typemap(csin, pre="    global::System.IntPtr temp$csinput = global::System.IntPtr.Zero;",
         post="      $csinput = temp$csinput == global::System.IntPtr.Zero ? null : new $*csclassname(temp$csinput, true);")
    TYPE **out "out temp$csinput"
%typemap(in) TYPE **out %{ $1 = (TYPE **)$input; if ($1) *$1 = NULL; %}
%enddef

%include "csharp_lifetime.i"
%include "tokenlens.i"

/* Length-delimited JSON inputs, for C#: the text's own length (UTF-8 bytes). */
%inline %{
tl_result tlcs_token_from_json(tl_token **out, const char *text) {
    return tl_token_from_json(out, text, text ? strlen(text) : 0);
}
tl_result tlcs_scenario_from_json(tl_scenario **out, const char *text) {
    return tl_scenario_from_json(out, text, text ? strlen(text) : 0);
}
%}


/* ---- Sid --------------------------------------------------------------------------------- */
%newobject tl_sid::Parse;
%newobject tl_sid::Resolve;
%newobject tl_sid::IisAppPool;
%newobject tl_sid::Service;
%newobject tl_sid::AccountName;
%newobject tl_sid::ResolveName;
%csmethodmodifiers tl_sid::ToString "public override";
%extend tl_sid {
    /** A string SID ("S-1-5-32-544") as ConvertStringSidToSid parses it. */
    static tl_sid *Parse(const char *text) {
        tl_sid *s = tlcs_sid_alloc();
        if (s && TLCS(tl_sid_from_string(s, text)) < 0) { free(s); return NULL; }
        return s;
    }
    /** A SID string, SDDL alias, well-known name or virtual account (tl_sid_resolve). */
    static tl_sid *Resolve(const char *text, const tl_sid *domain = NULL) {
        tl_sid *s = tlcs_sid_alloc();
        if (s && TLCS(tl_sid_resolve(s, text, domain)) < 0) { free(s); return NULL; }
        return s;
    }
    /** IIS APPPOOL\<pool> (S-1-5-82-...), computed offline. */
    static tl_sid *IisAppPool(const char *pool) {
        tl_sid *s = tlcs_sid_alloc();
        if (s && TLCS(tl_sid_iis_apppool(s, pool)) < 0) { free(s); return NULL; }
        return s;
    }
    /** NT SERVICE\<name> (S-1-5-80-...), computed offline. */
    static tl_sid *Service(const char *name) {
        tl_sid *s = tlcs_sid_alloc();
        if (s && TLCS(tl_sid_service(s, name)) < 0) { free(s); return NULL; }
        return s;
    }
    /** Canonical string form. */
    const char *ToString() {
        if (TLCS(tl_sid_to_string(tlcs_buf, sizeof tlcs_buf, $self)) < 0)
            return NULL;
        return tlcs_buf;
    }
    /** Well-known account name, or null when the SID is not well known (never throws). */
    char *AccountName() {
        char *name = NULL;
        if (tl_sid_lookup_name(&name, $self) < 0) {
            tl_error_clear();
            return NULL;
        }
        return name;
    }
    tl_sid_kind Kind() { return tl_sid_kind_of($self); }
    /** The kind's canonical word ("iis-apppool"), as `tokenlens sid` prints it. */
    const char *KindName() { return tl_sid_kind_name(tl_sid_kind_of($self)); }
    /** Canonical account name of `text` (tl_sid_resolve_name), or null when it has none (a
     *  string SID of an account); other failures throw. */
    static char *ResolveName(const char *text, const tl_sid *domain = NULL) {
        char *name = NULL;
        tl_result rc = tl_sid_resolve_name(&name, text, domain);
        if (rc == TL_ENOTFOUND)
            return NULL;
        TLCS(rc);
        return name;
    }
    /** The SDDL alias Windows prints for this SID, or null. */
    const char *SddlAlias() { return tl_sid_sddl_alias($self, NULL); }
    bool Equals(const tl_sid *other) { return other && tl_sid_equal($self, other); }
}

%inline %{
/** Rows of the well-known SID table (copies of static strings). */
static size_t tlcs_wellknown_count(void) { return tl_sid_wellknown_count(); }
static const char *tlcs_wellknown_field(size_t index, int field) {
    const tl_sid_wellknown *w = tl_sid_wellknown_at(index);
    if (!w)
        return NULL;
    switch (field) {
    case 0: return w->sid;
    case 1: return w->domain;
    case 2: return w->name;
    default: return w->sddl_alias;
    }
}
%}

/* ---- Token ------------------------------------------------------------------------------- */
%newobject tl_token::ToJson;
%newobject tl_token::UserSid;
%newobject tl_token::OwnerSid;
%newobject tl_token::PrimaryGroupSid;
%newobject tl_token::GetGroup;
%newobject tl_token::GetRestricted;
%newobject tl_token::GetPrivilege;
%newobject tl_sid_and_attributes::GetSid;
%extend tl_sid_and_attributes {
    tl_sid *GetSid() { return tlcs_sid_copy(&$self->sid); }
    const char *AttributesText() {
        if (TLCS(tl_group_attributes_string(tlcs_buf, sizeof tlcs_buf, $self->attributes)) < 0)
            return NULL;
        return tlcs_buf;
    }
}
%extend tl_privilege {
    const char *AttributesText() {
        if (TLCS(tl_privilege_attributes_string(tlcs_buf, sizeof tlcs_buf, $self->attributes)) < 0)
            return NULL;
        return tlcs_buf;
    }
}
%extend tl_token {
    char *ToJson() {
        char *s = NULL;
        TLCS(tl_token_to_json(&s, $self));
        return s;
    }
    void Save(const char *path) { TLCS(tl_token_save($self, path)); }
    bool SameAs(const tl_token *other) { return other && tl_token_equal($self, other); }

    tl_sid *UserSid() { return tlcs_sid_copy(tl_token_user($self)); }
    tl_sid *OwnerSid() { return tlcs_sid_copy(tl_token_owner($self)); }
    tl_sid *PrimaryGroupSid() { return tlcs_sid_copy(tl_token_primary_group($self)); }
    unsigned int UserAttributes() { return tl_token_user_attributes($self); }

    size_t GroupCount() { return tl_token_group_count($self); }
    tl_sid_and_attributes *GetGroup(size_t index) {
        const tl_sid_and_attributes *g = tl_token_group_at($self, index);
        tl_sid_and_attributes *c;
        if (!g) { tlcs_raise(TL_ERANGE, "group index out of range"); return NULL; }
        c = (tl_sid_and_attributes *)malloc(sizeof *c);
        if (!c) { tlcs_raise(TL_ENOMEM, "out of memory"); return NULL; }
        *c = *g;
        return c;
    }
    size_t RestrictedCount() { return tl_token_restricted_count($self); }
    tl_sid_and_attributes *GetRestricted(size_t index) {
        const tl_sid_and_attributes *g = tl_token_restricted_at($self, index);
        tl_sid_and_attributes *c;
        if (!g) { tlcs_raise(TL_ERANGE, "restricted SID index out of range"); return NULL; }
        c = (tl_sid_and_attributes *)malloc(sizeof *c);
        if (!c) { tlcs_raise(TL_ENOMEM, "out of memory"); return NULL; }
        *c = *g;
        return c;
    }
    size_t PrivilegeCount() { return tl_token_privilege_count($self); }
    tl_privilege *GetPrivilege(size_t index) {
        const tl_privilege *p = tl_token_privilege_at($self, index);
        tl_privilege *c;
        size_t n;
        if (!p) { tlcs_raise(TL_ERANGE, "privilege index out of range"); return NULL; }
        /* One block: the struct, then its own copy of the name (the proxy's destructor is
         * free(), so the copy outlives the token and is released with it). */
        n = strlen(p->name) + 1;
        c = (tl_privilege *)malloc(sizeof *c + n);
        if (!c) { tlcs_raise(TL_ENOMEM, "out of memory"); return NULL; }
        *c = *p;
        memcpy((char *)(c + 1), p->name, n);
        c->name = (const char *)(c + 1);
        return c;
    }

    int TokenType() { return (int)tl_token_get_type($self); }
    /** Native level 0..3 (Anonymous..Delegation), -1 when not impersonating. */
    int ImpersonationLevel() { return (int)tl_token_impersonation_level($self); }
    bool HasIntegrity() { return tl_token_has_integrity($self); }
    unsigned int IntegrityRid() { return tl_token_integrity_rid($self); }
    /** False when TokenElevation was not captured (then Elevated() says nothing). */
    bool HasElevation() { return tl_token_has_elevation($self); }
    bool Elevated() { return tl_token_elevated($self); }
    int ElevationType() { return (int)tl_token_elevation_type($self); }
    unsigned int SessionId() { return tl_token_session_id($self); }
    bool HasLogonId() { return tl_token_has_logon_id($self); }
    unsigned long long LogonId() { return tl_token_logon_id($self); }
    const char *LogonPackage() { return tl_token_logon_package($self); }
    int LogonType() { return (int)tl_token_logon_type($self); }
    const char *LogonDomain() { return tl_token_logon_domain($self); }
    const char *LogonUser() { return tl_token_logon_user($self); }
}

/* ---- live capture, explain, descriptors, access, IIS -------------------------------------- */
%extend tl_token {
    /** True when this build can capture live tokens (Windows). */
    static bool LiveSupported() { return tl_live_supported(); }
}

%newobject tl_scenario::ToJson;
%newobject tl_explanation::ToJson;
%newobject tl_explanation::ToText;
%newobject tl_explanation::ToDot;
%extend tl_scenario {
    const char *Name() { return tl_scenario_name($self); }
    /** The scenario with every default written out (tl_scenario_to_json). */
    char *ToJson() { char *s = NULL; TLCS(tl_scenario_to_json(&s, $self)); return s; }
}
/* Hops are views into the explanation; they are reached by index so that no C# object can
 * hold a pointer that outlives the explanation. Strings are copied into C# strings. */
%extend tl_explanation {
    char *ToJson() { char *s = NULL; TLCS(tl_explanation_to_json(&s, $self)); return s; }
    char *ToText() { char *s = NULL; TLCS(tl_explanation_to_text(&s, $self)); return s; }
    char *ToDot() { char *s = NULL; TLCS(tl_explanation_to_dot(&s, $self)); return s; }
    const char *ScenarioName() { return tl_explanation_scenario_name($self); }
    const char *ProcessName() { return tl_explanation_process_name($self); }
    const char *ProcessSid() { return tl_explanation_process_sid($self); }
    const char *ThreadName() { return tl_explanation_thread_name($self); }
    const char *ThreadSid() { return tl_explanation_thread_sid($self); }
    const char *ThreadLevel() { return tl_impersonation_level_name(tl_explanation_thread_level($self)); }
    const char *ThreadLogonPackage() { return tl_explanation_thread_logon_package($self); }
    const char *ThreadLogonType() { return tl_explanation_thread_logon_type($self); }
    size_t ProcessStepCount() { return tl_explanation_process_step_count($self); }
    const char *ProcessStepRule(size_t i) { return tl_explanation_process_step_rule($self, i); }
    const char *ProcessStepText(size_t i) { return tl_explanation_process_step_text($self, i); }
    size_t ThreadStepCount() { return tl_explanation_thread_step_count($self); }
    const char *ThreadStepRule(size_t i) { return tl_explanation_thread_step_rule($self, i); }
    const char *ThreadStepText(size_t i) { return tl_explanation_thread_step_text($self, i); }
    size_t HopCount() { return tl_explanation_hop_count($self); }
    const char *HopTarget(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_target(h) : NULL; }
    const char *HopFrom(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explain_from_name(tl_explained_hop_from(h)) : NULL; }
    const char *HopRunsAsName(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_runs_as_name(h) : NULL; }
    const char *HopRunsAsSid(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_runs_as_sid(h) : NULL; }
    const char *HopRunsAsLevel(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_impersonation_level_name(tl_explained_hop_runs_as_level(h)) : NULL; }
    const char *HopArrivesAsName(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_arrives_as_name(h) : NULL; }
    const char *HopArrivesAsSid(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_arrives_as_sid(h) : NULL; }
    const char *HopProtocol(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explain_protocol_name(tl_explained_hop_protocol(h)) : NULL; }
    const char *HopOutcome(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explain_outcome_name(tl_explained_hop_outcome(h)) : NULL; }
    bool HopUnsettled(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_unsettled(h) : false; }
    bool HopStepUnsettled(size_t i, size_t step) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_step_unsettled(h, step) : false; }
    const char *HopFix(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_fix(h) : NULL; }
    size_t HopStepCount(size_t i) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_step_count(h) : 0; }
    const char *HopStepRule(size_t i, size_t step) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_step_rule(h, step) : NULL; }
    const char *HopStepText(size_t i, size_t step) { const tl_explained_hop *h = tlcs_hop($self, i); return h ? tl_explained_hop_step_text(h, step) : NULL; }
}

%newobject tl_sd::ToSddl;
%newobject tl_sd::OwnerSid;
%newobject tl_sd::GroupSid;
%extend tl_sd {
    /** Canonical SDDL as Windows writes it. */
    char *ToSddl(const tl_sid *domain = NULL) { char *s = NULL; TLCS(tl_sd_to_sddl(&s, $self, domain)); return s; }
    tl_sid *OwnerSid() { return tlcs_sid_copy(tl_sd_owner($self)); }
    tl_sid *GroupSid() { return tlcs_sid_copy(tl_sd_group($self)); }
    unsigned short Control() { return tl_sd_control($self); }
    /** An access mask from SDDL rights ("FR", "RPWP", "0x1200a9", "1179785"): the library's
     *  table, as inside an ACE. Parse errors name the offset. */
    static unsigned int ParseRights(const char *text) {
        uint32_t mask = 0;
        TLCS(tl_sddl_rights_from_string(&mask, text));
        return mask;
    }
    bool DaclPresent() { return tl_sd_acl_present($self, TL_ACL_DACL); }
    bool SaclPresent() { return tl_sd_acl_present($self, TL_ACL_SACL); }
    size_t DaclCount() { return tl_sd_ace_count($self, TL_ACL_DACL); }
    size_t SaclCount() { return tl_sd_ace_count($self, TL_ACL_SACL); }
}

%extend tl_access_result {
    bool Allowed() { return tl_access_result_allowed($self); }
    unsigned int Granted() { return tl_access_result_granted($self); }
    unsigned int Desired() { return tl_access_result_desired($self); }
    size_t ReasonCount() { return tl_access_result_reason_count($self); }
    const char *ReasonKind(size_t i) {
        /* The library's words (tl_access_reason_kind_name), as the CLI's JSON prints them. */
        const tl_access_reason *r = tl_access_result_reason_at($self, i);
        if (!r) { tlcs_raise(TL_ERANGE, "reason index out of range"); return NULL; }
        return tl_access_reason_kind_name(r->kind);
    }
    const char *ReasonText(size_t i) {
        const tl_access_reason *r = tl_access_result_reason_at($self, i);
        if (!r) { tlcs_raise(TL_ERANGE, "reason index out of range"); return NULL; }
        return r->text;
    }
    const char *ReasonAce(size_t i) {
        const tl_access_reason *r = tl_access_result_reason_at($self, i);
        if (!r) { tlcs_raise(TL_ERANGE, "reason index out of range"); return NULL; }
        return r->ace;
    }
    unsigned int ReasonMask(size_t i) {
        const tl_access_reason *r = tl_access_result_reason_at($self, i);
        if (!r) { tlcs_raise(TL_ERANGE, "reason index out of range"); return 0; }
        return r->mask;
    }
}
%extend tl_token {
    /** Set the user SID (attributes 0). */
    void SetUser(const tl_sid *sid) { TLCS(tl_token_set_user($self, sid, 0)); }
    /** Append an enabled group (SE_GROUP_ENABLED | ENABLED_BY_DEFAULT | MANDATORY). */
    void AddGroup(const tl_sid *sid) {
        TLCS(tl_token_add_group($self, sid, TL_GROUP_ENABLED | TL_GROUP_ENABLED_BY_DEFAULT | TL_GROUP_MANDATORY));
    }
}

%newobject tl_iis_audit::ToJson;
%newobject tl_iis_audit::SiteScenarioJson;
%extend tl_iis_audit {
    /** The audit as `tokenlens iis --json` prints it. */
    char *ToJson() { char *s = NULL; TLCS(tl_iis_audit_to_json(&s, $self)); return s; }
    size_t SiteCount() { return tl_iis_site_count($self); }
    /** Site `site` as an explain scenario (format v1); NULL arguments take the library's
     *  defaults (tl_iis_scenario_options). */
    char *SiteScenarioJson(size_t site, const char *machine = NULL, const char *domain = NULL,
                           const char *request_user = NULL, const char *protocol = NULL,
                           const char *hop_target = NULL, const char *application = NULL) {
        char *s = NULL;
        tl_iis_scenario_options o = TL_IIS_SCENARIO_OPTIONS_INIT;
        o.machine = machine;
        o.domain = domain;
        o.request_user = request_user;
        o.protocol = protocol;
        o.hop_target = hop_target;
        o.application = application;
        TLCS(tl_iis_site_scenario_json(&s, $self, site, &o));
        return s;
    }
    size_t FindingCount() { return tl_iis_finding_count($self); }
}

/* The isolation verdict takes parallel C arrays and borrows from the audit. For C#: collect
 * (site, SDDL) pairs in an owned list, evaluate, and copy every check out at once, so the
 * result owns its strings and outlives neither the audit nor the descriptors. */
%rename(IisIsolation) tlcs_isolation;
%nodefaultctor tlcs_isolation;
typedef struct tlcs_isolation {} tlcs_isolation;
%extend tl_iis_content {
    tl_iis_content() {
        tl_iis_content *c = NULL;
        TLCS(tl_iis_content_new(&c));
        return c;
    }
    /** Add a site's content-folder descriptor (SDDL; parse errors name the byte offset). */
    void Add(const char *site, const char *sddl) { TLCS(tl_iis_content_add($self, site, sddl)); }
    /** Add the SITE=SDDL lines of a content file (errors name the line). */
    void Load(const char *path) { TLCS(tl_iis_content_load($self, path)); }
    size_t Count() { return tl_iis_content_count($self); }
}
%extend tlcs_isolation {
    ~tlcs_isolation() { tlcs_isolation_release($self); }
    /** True when no site's anonymous identity can read another site's content. */
    bool Holds() { return $self->holds; }
    size_t Count() { return $self->count; }
    const char *Reader(size_t i) { const tlcs_isolation_row *r = tlcs_row($self, i); return r ? r->reader : NULL; }
    const char *Identity(size_t i) { const tlcs_isolation_row *r = tlcs_row($self, i); return r ? r->identity : NULL; }
    const char *IdentitySid(size_t i) { const tlcs_isolation_row *r = tlcs_row($self, i); return r ? r->identity_sid : NULL; }
    const char *Content(size_t i) { const tlcs_isolation_row *r = tlcs_row($self, i); return r ? r->content : NULL; }
    /** False when the reader's SID is unknown (a specific account): then there is no answer. */
    bool Known(size_t i) { const tlcs_isolation_row *r = tlcs_row($self, i); return r && r->known; }
    bool CanRead(size_t i) { const tlcs_isolation_row *r = tlcs_row($self, i); return r && r->can_read; }
    const char *Reason(size_t i) { const tlcs_isolation_row *r = tlcs_row($self, i); return r ? r->reason : NULL; }
}
%newobject tl_iis_audit::Isolation;
%extend tl_iis_audit {
    /** The isolation verdict for the content folders in `content` (FILE_GENERIC_READ of each
     *  site's anonymous identity on each site's folder). */
    tlcs_isolation *Isolation(const tl_iis_content *content) {
        tl_iis_isolation *iso = NULL;
        tlcs_isolation *out;
        size_t i, n;
        if (TLCS(tl_iis_content_evaluate(&iso, $self, content)) < 0)
            return NULL;
        out = (tlcs_isolation *)calloc(1, sizeof *out);
        n = tl_iis_isolation_count(iso);
        if (out && n)
            out->rows = (tlcs_isolation_row *)calloc(n, sizeof *out->rows);
        if (!out || (n && !out->rows)) {
            free(out);
            tl_iis_isolation_free(iso);
            tlcs_raise(TL_ENOMEM, "out of memory");
            return NULL;
        }
        out->holds = tl_iis_isolation_holds(iso);
        for (i = 0; i < n; i++) {
            const tl_iis_isolation_check *c = tl_iis_isolation_at(iso, i);
            tlcs_isolation_row *r = &out->rows[i];
            char sid[TL_SID_STRING_MAX] = "";
            out->count = i + 1;
            if (c->identity && c->identity->sid_known)
                TLCS(tl_sid_to_string(sid, sizeof sid, &c->identity->sid));
            r->reader = tlcs_strdup(c->reader);
            r->identity = tlcs_strdup(c->identity ? c->identity->name : NULL);
            r->identity_sid = sid[0] ? tlcs_strdup(sid) : NULL;
            r->content = tlcs_strdup(c->content);
            r->reason = tlcs_strdup(c->reason);
            r->known = c->known;
            r->can_read = c->can_read;
            if ((c->reader && !r->reader) || (c->content && !r->content) ||
                (c->reason && !r->reason) || (sid[0] && !r->identity_sid) ||
                (c->identity && c->identity->name && !r->identity)) {
                tlcs_isolation_release(out);
                tl_iis_isolation_free(iso);
                tlcs_raise(TL_ENOMEM, "out of memory");
                return NULL;
            }
        }
        tl_iis_isolation_free(iso);
        return out;
    }
}
