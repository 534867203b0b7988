// Enumerable views over the count + indexed getter pairs of the generated proxies. Each item
// is an owning copy (or plain strings), so it stays valid after the parent is disposed.
using System.Collections.Generic;

namespace TokenLens
{
    public partial class Token
    {
        /// <summary>TokenGroups, in order (owning copies).</summary>
        public IEnumerable<SidAndAttributes> Groups
        {
            get { for (uint i = 0, n = GroupCount(); i < n; i++) yield return GetGroup(i); }
        }

        /// <summary>TokenRestrictedSids, in order (empty for a token that is not restricted).</summary>
        public IEnumerable<SidAndAttributes> RestrictedSids
        {
            get { for (uint i = 0, n = RestrictedCount(); i < n; i++) yield return GetRestricted(i); }
        }

        /// <summary>TokenPrivileges, in order (owning copies).</summary>
        public IEnumerable<Privilege> Privileges
        {
            get { for (uint i = 0, n = PrivilegeCount(); i < n; i++) yield return GetPrivilege(i); }
        }
    }

    /// <summary>One hop of an explanation, copied out of the native explanation.</summary>
    public sealed class HopInfo
    {
        public string Target { get; internal set; }
        public string From { get; internal set; }
        public string RunsAs { get; internal set; }
        public string RunsAsSid { get; internal set; }
        public string RunsAsLevel { get; internal set; }
        public string ArrivesAs { get; internal set; }
        public string ArrivesAsSid { get; internal set; }
        /// <summary>"Kerberos", "NTLM", or null for a local access or a call that never happens.</summary>
        public string Protocol { get; internal set; }
        /// <summary>"ok", "anonymous" or "denied".</summary>
        public string Outcome { get; internal set; }
        public string Fix { get; internal set; }
        /// <summary>(rule id, text) pairs; the last one decides what arrives.</summary>
        public IList<KeyValuePair<string, string>> Steps { get; internal set; }
    }

    public partial class Explanation
    {
        /// <summary>The hops, in scenario order, as plain copies.</summary>
        public IEnumerable<HopInfo> Hops
        {
            get
            {
                for (uint i = 0, n = HopCount(); i < n; i++)
                {
                    var steps = new List<KeyValuePair<string, string>>();
                    for (uint k = 0, m = HopStepCount(i); k < m; k++)
                        steps.Add(new KeyValuePair<string, string>(HopStepRule(i, k), HopStepText(i, k)));
                    yield return new HopInfo
                    {
                        Target = HopTarget(i), From = HopFrom(i),
                        RunsAs = HopRunsAsName(i), RunsAsSid = HopRunsAsSid(i), RunsAsLevel = HopRunsAsLevel(i),
                        ArrivesAs = HopArrivesAsName(i), ArrivesAsSid = HopArrivesAsSid(i),
                        Protocol = HopProtocol(i), Outcome = HopOutcome(i), Fix = HopFix(i),
                        Steps = steps,
                    };
                }
            }
        }
    }

    public partial class AccessResult
    {
        /// <summary>The deciding steps as (kind, text) pairs, in order.</summary>
        public IEnumerable<KeyValuePair<string, string>> Reasons
        {
            get { for (uint i = 0, n = ReasonCount(); i < n; i++) yield return new KeyValuePair<string, string>(ReasonKind(i), ReasonText(i)); }
        }
    }
}
