#!/usr/bin/env python3
"""Which identity will a SQL Server connection made right now arrive as, and why?

    why_db_identity.py SCENARIO.json [--spn MSSQLSvc/db01.contoso.com:1433]
    why_db_identity.py --live [--spn ...]        (Windows: the calling thread, right now)

With a scenario (format v1, see examples/scenarios/), the explain engine answers for the
scenario's first hop to a MSSQLSvc/ SPN (or --spn). With --live on Windows, the script reads
the thread's effective token, describes it as a scenario (process identity, impersonation,
logon package) and asks the same engine, so the answer and its cited rules are the ones the
CLI and the docs give. Off Windows, --live exits with status 3 like `tokenlens whoami`.
Exit status: 0 answered, 1 the scenario did not load, 2 usage, 3 not supported here.

Put it at the exact point of a database call in a diagnostic script, e.g.
    subprocess.run([sys.executable, "why_db_identity.py", "--live"])
(or import `live_scenario` and `report` from it).
"""
import argparse
import os
import sys

import tokenlens

SQL_DEFAULT = "MSSQLSvc/db01.contoso.com:1433"

# Process identities an IIS application pool can have, by SID (docs/explain.md).
_POOL_IDENTITY_BY_SID = {
    "S-1-5-20": "NetworkService",
    "S-1-5-19": "LocalService",
    "S-1-5-18": "LocalSystem",
}


def live_scenario(spn):
    """Describe the calling thread, right now, as an explain scenario (Windows only)."""
    process = tokenlens.Token.current()
    thread = tokenlens.Token.thread()  # None when not impersonating
    machine = os.environ.get("COMPUTERNAME", "HOST")
    domain = os.environ.get("USERDNSDOMAIN") and os.environ.get("USERDOMAIN")

    user = process.user
    pool = {"name": "live", "identity": "SpecificUser", "user": user.name or str(user)}
    if str(user) in _POOL_IDENTITY_BY_SID:
        pool = {"name": "live", "identity": _POOL_IDENTITY_BY_SID[str(user)]}
    elif user.kind is tokenlens.SidKind.IIS_APPPOOL and process.logon.user:
        pool = {"name": process.logon.user, "identity": "ApplicationPoolIdentity"}

    scenario = {
        "tokenlens_scenario": 1,
        "name": "live thread on %s" % machine,
        "machine": {"name": machine, "domain": domain or None},
        "app_pool": pool,
        "site": {"name": "live", "anonymous": {"enabled": False, "user": "IUSR"},
                 "windows": {"enabled": True, "providers": ["Negotiate", "NTLM"],
                             "use_app_pool_credentials": False, "kernel_mode": True},
                 "impersonate": thread is not None},
        "delegation": {"mode": "none", "to": []},
        "request": {"user": None},
        "hops": [{"target": spn, "from": "request_thread" if thread else "after_revert"}],
    }
    if thread is not None:
        who = thread.logon
        name = "%s\\%s" % (who.domain, who.user) if who.user else (thread.user.name or str(thread.user))
        kerberos = (who.package or "").lower() == "kerberos"
        scenario["request"] = {"user": name, "protocol": "kerberos" if kerberos else "ntlm",
                               "sensitive": False}
        if thread.impersonation_level is tokenlens.ImpersonationLevel.DELEGATION:
            # The token already carries delegable credentials: model the account as allowed
            # to delegate to this SPN (the only way a Delegation-level token exists).
            scenario["delegation"] = {"mode": "constrained", "to": [spn]}
    return scenario


def pick_hop(explanation, spn):
    for hop in explanation.hops:
        if spn and hop.target.lower() == spn.lower():
            return hop
    for hop in explanation.hops:
        if hop.target.lower().startswith("mssqlsvc/"):
            return hop
    return explanation.hops[0] if explanation.hops else None


def report(explanation, spn=None, out=sys.stdout):
    hop = pick_hop(explanation, spn)
    p = explanation.process
    t = explanation.request_thread
    print("process runs as:      %s (%s)" % (p.name, p.sid or "SID not knowable offline"), file=out)
    print("request thread:       %s%s" % (t.name, " impersonating at %s level" % t.level
                                         if t.level else " (not impersonating)"), file=out)
    if hop is None:
        print("the scenario makes no off-box call", file=out)
        return 0
    print("connection to:        %s (from the %s)" % (hop.target, hop.from_.replace("_", " ")),
          file=out)
    print("SQL Server sees:      %s  [%s, %s]" % (hop.arrives_as.name, hop.protocol or "local",
                                                  hop.outcome), file=out)
    print("why:", file=out)
    for step in hop.steps:
        print("  - %s  (%s)" % (step.text, step.rule), file=out)
    if hop.fix:
        print("fix: %s" % hop.fix, file=out)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", help="scenario JSON (format v1)")
    parser.add_argument("--live", action="store_true", help="the calling thread (Windows)")
    parser.add_argument("--spn", help="the SQL Server SPN (default: the scenario's)")
    args = parser.parse_args(argv)
    if bool(args.scenario) == bool(args.live):
        parser.error("give a scenario file or --live")
    try:
        if args.live:
            explanation = tokenlens.explain(live_scenario(args.spn or SQL_DEFAULT))
        else:
            explanation = tokenlens.explain(args.scenario)
    except tokenlens.NotSupportedError as exc:
        print("why_db_identity: %s" % exc, file=sys.stderr)
        return 3
    except tokenlens.TokenLensError as exc:
        where = getattr(exc, "input", None)
        print("why_db_identity: %s%s" % ("%s: " % where if where else "", exc), file=sys.stderr)
        return 1
    return report(explanation, args.spn)


if __name__ == "__main__":
    sys.exit(main())
