#!/usr/bin/env python3
"""Compare two saved token snapshots and say what changed.

    snapshot_diff.py BEFORE.json AFTER.json

Typical use: capture the identity at two points of a request on Windows (with
`tokenlens whoami --json > x.json` or `tokenlens.Token.effective().save("x.json")`), copy the
files anywhere, and see why an access that worked in one place fails in the other: a group
that went deny-only, a privilege that is no longer enabled, an impersonation level that
dropped from Delegation to Impersonation, a logon that became a network logon.

Exit status like diff(1): 0 identical, 1 different, 2 trouble (unreadable or invalid file).
"""
import argparse
import sys

import tokenlens


def describe(sid):
    if sid is None:
        return "(none)"
    return "%s (%s)" % (sid.name, sid) if sid.name else str(sid)


def flags(value):
    names, known = [], 0
    for name, member in type(value).__members__.items():  # includes multi-bit LOGON_ID
        if member.value and value & member.value == member.value and known & member.value != member.value:
            names.append(name.lower())
            known |= member.value
    if int(value) & ~known:
        names.append(hex(int(value) & ~known))
    return "|".join(names) or "0"


def diff(a, b):
    """Lines describing how token `b` differs from token `a`."""
    out = []

    def field(label, x, y, show=str):
        if x != y:
            out.append("%-20s %s -> %s" % (label + ":", show(x), show(y)))

    field("user", a.user, b.user, describe)
    field("type", a.type.name.lower(), b.type.name.lower())
    field("impersonation", a.impersonation_level, b.impersonation_level,
          lambda v: v.name.capitalize() if v is not None else "(not impersonating)")
    field("integrity", a.integrity, b.integrity)
    field("elevated", a.elevated, b.elevated)
    field("owner", a.owner, b.owner, describe)
    field("primary group", a.primary_group, b.primary_group, describe)
    field("session", a.session_id, b.session_id)
    la, lb = a.logon, b.logon
    field("logon package", la.package, lb.package)
    field("logon type", la.type, lb.type, lambda t: t.name.lower() if t is not None else "?")
    field("logon user", "%s\\%s" % (la.domain, la.user) if la.user else "(unknown)",
          "%s\\%s" % (lb.domain, lb.user) if lb.user else "(unknown)")

    ga = {g.sid: g.attributes for g in a.groups}
    gb = {g.sid: g.attributes for g in b.groups}
    for sid in sorted(gb.keys() - ga.keys()):
        out.append("+ group %s [%s]" % (describe(sid), flags(gb[sid])))
    for sid in sorted(ga.keys() - gb.keys()):
        out.append("- group %s [%s]" % (describe(sid), flags(ga[sid])))
    for sid in sorted(ga.keys() & gb.keys()):
        if ga[sid] != gb[sid]:
            out.append("~ group %s [%s] -> [%s]" % (describe(sid), flags(ga[sid]), flags(gb[sid])))

    pa = {p.name or p.luid: p.attributes for p in a.privileges}
    pb = {p.name or p.luid: p.attributes for p in b.privileges}
    for name in sorted(pb.keys() - pa.keys(), key=str):
        out.append("+ privilege %s [%s]" % (name, flags(pb[name])))
    for name in sorted(pa.keys() - pb.keys(), key=str):
        out.append("- privilege %s [%s]" % (name, flags(pa[name])))
    for name in sorted(pa.keys() & pb.keys(), key=str):
        if pa[name] != pb[name]:
            out.append("~ privilege %s [%s] -> [%s]" % (name, flags(pa[name]), flags(pb[name])))

    # What the changes mean for the next hop, in one line each.
    if a.impersonation_level != b.impersonation_level:
        if b.impersonation_level is tokenlens.ImpersonationLevel.DELEGATION:
            out.append("=> the identity can now travel to another machine (Delegation level)")
        elif a.impersonation_level is tokenlens.ImpersonationLevel.DELEGATION:
            out.append("=> off the box this thread now arrives as ANONYMOUS LOGON "
                       "(the token is no longer at Delegation level)")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    args = parser.parse_args(argv)
    try:
        a = tokenlens.Token.load(args.before)
        b = tokenlens.Token.load(args.after)
    except tokenlens.TokenLensError as exc:
        where = getattr(exc, "input", None)
        print("snapshot_diff: %s%s" % ("%s: " % where if where else "", exc), file=sys.stderr)
        return 2
    lines = diff(a, b)
    if not lines:
        print("identical: %r" % a)
        return 0
    print("--- %s\n+++ %s" % (args.before, args.after))
    print("\n".join(lines))
    return 1


if __name__ == "__main__":
    sys.exit(main())
