// The idiomatic constructors of the owned handles, over the raw API (TokenLensNative). Each
// is one raw call: its `TYPE **out` is a C# out parameter (the proxy owns the handle), and a
// negative tl_result has already been thrown as a TokenLensException by the SWIG typemap, keyed
// on the return code alone (bindings/swig/csharp.i), as LibGit2Sharp's Ensure.ZeroResult.
namespace TokenLens
{
    public partial class Token
    {
        /// <summary>An empty token to fill with SetUser / AddGroup (tl_token_new).</summary>
        public static Token Create() { TokenLensNative.TlTokenNew(out Token t); return t; }

        /// <summary>Read a snapshot file (docs/token-snapshot.md).</summary>
        public static Token Load(string path) { TokenLensNative.TlTokenLoad(out Token t, path); return t; }

        /// <summary>Parse snapshot JSON text.</summary>
        public static Token FromJson(string json) { TokenLensNative.TlcsTokenFromJson(out Token t, json); return t; }

        /// <summary>A deep copy (tl_token_copy).</summary>
        public Token Copy() { TokenLensNative.TlTokenCopy(out Token t, this); return t; }

        /// <summary>The process's primary token; TokenLensNotSupportedException off Windows.</summary>
        public static Token CaptureProcess() { TokenLensNative.TlLiveProcessToken(out Token t); return t; }

        /// <summary>The calling thread's impersonation token; TokenLensNotFoundException when the
        /// thread does not impersonate.</summary>
        public static Token CaptureThread() { TokenLensNative.TlLiveThreadToken(out Token t); return t; }

        /// <summary>The thread token when impersonating, else the process token.</summary>
        public static Token CaptureEffective() { TokenLensNative.TlLiveEffectiveToken(out Token t); return t; }
    }

    public partial class Scenario
    {
        /// <summary>Read a scenario file (format v1); parse errors carry the JSON path or byte offset.</summary>
        public static Scenario Load(string path) { TokenLensNative.TlScenarioLoad(out Scenario s, path); return s; }

        /// <summary>Parse scenario JSON text.</summary>
        public static Scenario FromJson(string json) { TokenLensNative.TlcsScenarioFromJson(out Scenario s, json); return s; }

        /// <summary>Run the model. The explanation does not borrow from the scenario.</summary>
        public Explanation Explain() { TokenLensNative.TlScenarioExplain(out Explanation e, this); return e; }
    }

    public partial class SecurityDescriptor
    {
        /// <summary>Parse SDDL; domain-relative aliases (DU, DA ...) need <paramref name="domain"/>.
        /// Errors name the byte offset.</summary>
        public static SecurityDescriptor FromSddl(string sddl, Sid domain = null)
        {
            TokenLensNative.TlSdFromSddl(out SecurityDescriptor sd, sddl, domain);
            return sd;
        }
    }

    public partial class AccessResult
    {
        /// <summary>Offline AccessCheck of <paramref name="token"/> against <paramref name="sd"/> for
        /// <paramref name="desired"/> (TL_ACCESS_* flags, generic mapping of <paramref name="objectKind"/>).
        /// The result keeps every deciding step as a reason.</summary>
        public static AccessResult Check(SecurityDescriptor sd, Token token, uint desired, uint flags = 0,
                                         ObjectKind objectKind = ObjectKind.OBJECT_FILE)
        {
            TokenLensNative.TlSwigAccessCheck(out AccessResult r, sd, token, desired, flags, objectKind);
            return r;
        }
    }

    public partial class IisAudit
    {
        /// <summary>Read and audit an applicationHost.config file.</summary>
        public static IisAudit Load(string path) { TokenLensNative.TlIisAuditLoad(out IisAudit a, path, null); return a; }
    }
}
