// Hop probes for C# and PowerShell: constructors and read-only properties over the raw API
// (bindings/swig/hop.i). Both sides of an exchange run in this process (Exchange), which is
// how a diagnostic script repeats a lab case (client -> web -> db) without a network. Every
// failure is a TokenLensException keyed on the call's tl_result (TL_EAUTH: the GSS-API or SSPI
// words in the message, NativeKind "gss-major" / "security-status").
namespace TokenLens
{
    public partial class HopClient
    {
        // PowerShell passes $null to a string parameter as "": both mean "not given" here.
        internal static string Opt(string s) => string.IsNullOrEmpty(s) ? null : s;

        /// <summary>Authenticate to <paramref name="target"/> (an SPN) with the default credentials, or
        /// those of <paramref name="principal"/> (a client keytab on POSIX; "DOMAIN\user" for NTLM).</summary>
        public static HopClient Create(string target, HopMech mechanism = HopMech.HOP_MECH_NEGOTIATE,
                                       HopDelegation delegation = HopDelegation.HOP_DELEGATE_POLICY,
                                       string principal = null, string keytab = null)
        {
            TokenLensNative.TlSwigHopClientNew(out HopClient c, target, mechanism, delegation, Opt(principal), Opt(keytab));
            return c;
        }

        /// <summary>The next hop as the caller that arrived at <paramref name="from"/>, with the
        /// credentials it delegated (TokenLensException TL_ESTATE when none arrived, GSSAPI). The client
        /// borrows them: dispose it before <paramref name="from"/>.</summary>
        public static HopClient CreateDelegated(HopServer from, string target,
                                                HopMech mechanism = HopMech.HOP_MECH_KERBEROS,
                                                HopDelegation delegation = HopDelegation.HOP_DELEGATE_POLICY)
        {
            TokenLensNative.TlSwigHopClientNewDelegated(out HopClient c, from, target, mechanism, delegation);
            return c;
        }

        public bool Done => TokenLensNative.TlHopClientDone(this);
        /// <summary>"Negotiate", "Kerberos", "NTLM", or "unknown" before completion.</summary>
        public string Mechanism => TokenLensNative.TlHopMechName(TokenLensNative.TlHopClientMech(this));
        public bool Delegated => TokenLensNative.TlHopClientDelegated(this);
        /// <summary>"granted", "not_forwardable", "not_ok_as_delegate", "mech_cannot_delegate", ...</summary>
        public string Reason => TokenLensNative.TlHopDelegReasonName(TokenLensNative.TlHopClientDelegReason(this));
        public string ReasonText => TokenLensNative.TlHopDelegReasonText(TokenLensNative.TlHopClientDelegReason(this));
        /// <summary>Whose credentials were used ("alice@LAB.TEST").</summary>
        public string Name => TokenLensNative.TlHopClientName(this);
        /// <summary>Flags of the service ticket used, or null when not visible (NTLM, SSPI).</summary>
        public string TicketFlags => TokenLensNative.TlSwigHopClientTicketFlagsText(this);
    }

    public partial class HopServer
    {
        /// <summary>Accept <paramref name="mechanism"/> (UNKNOWN: any) with the acceptor keytab.</summary>
        public static HopServer Create(HopMech mechanism = HopMech.HOP_MECH_UNKNOWN, string principal = null,
                                       string keytab = null)
        {
            TokenLensNative.TlSwigHopServerNew(out HopServer s, mechanism, HopClient.Opt(principal), HopClient.Opt(keytab));
            return s;
        }

        /// <summary>Run the exchange between <paramref name="client"/> and <paramref name="server"/>
        /// in this process until both sides are done.</summary>
        public static void Exchange(HopClient client, HopServer server)
        {
            TokenLensNative.TlSwigHopPump(client, server);
        }

        public bool Done => TokenLensNative.TlHopServerDone(this);
        /// <summary>Who connected ("alice@LAB.TEST"); null before completion.</summary>
        public string ClientName => TokenLensNative.TlHopServerClientName(this);
        public string Mechanism => TokenLensNative.TlHopMechName(TokenLensNative.TlHopServerMech(this));
        /// <summary>True when delegated credentials arrived with the client.</summary>
        public bool Delegated => TokenLensNative.TlHopServerDelegated(this);
        public string TicketFlags => TokenLensNative.TlSwigHopServerTicketFlagsText(this);
    }
}
