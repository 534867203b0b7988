#!/usr/bin/python3
"""Differential test: tokenlens' access check against Samba's se_access_check.

Random descriptors (owner, DACL of allow/deny ACEs with inherit flags, NULL and absent
DACLs) and random tokens (a user and groups from one pool of SIDs), random desired masks
(MAXIMUM_ALLOWED included), checked by both: tokenlens through its Python binding with the
settings Samba's function has (no privileges, no integrity policy, no generic mapping) and
Samba through Debian's python3-samba (samba.security.access_check). Every disagreement is
explained by re-running the case with one difference removed; a disagreement no rule
explains fails the test and is printed with both results.

    PYTHONPATH=<built bindings/python> /usr/bin/python3 tests/sddl/samba_diff.py [--cases N]

Exit status: 0 every case agreed or was explained, 1 unexplained disagreement, 77 when
python3-samba or the binding is missing (CTest SKIP_RETURN_CODE).
"""
import argparse
import collections
import random
import sys

try:
    import samba.security
    from samba.dcerpc import security
    from samba import NTSTATUSError
except ImportError as e:
    print("samba_diff: python3-samba not available (%s)" % e)
    sys.exit(77)
try:
    import tokenlens
except ImportError as e:
    print("samba_diff: the tokenlens binding is not importable (%s)" % e)
    sys.exit(77)

POOL = ["S-1-1-0", "S-1-5-11", "S-1-5-32-545", "S-1-5-32-544", "S-1-5-18",
        "S-1-5-21-1-2-3-1000", "S-1-5-21-1-2-3-1001", "S-1-5-21-1-2-3-513", "S-1-3-0",
        "S-1-3-4"]
RIGHTS = [0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x10000, 0x20000, 0x40000,
          0x80000, 0x100000]
MAXIMUM_ALLOWED = 0x02000000
GENERIC = 2  # tl_object_kind: no generic mapping, as se_access_check
FLAGS = 0x2 | 0x4  # TL_ACCESS_NO_PRIVILEGES | TL_ACCESS_NO_INTEGRITY
DOMAIN = security.dom_sid("S-1-5-21-1-2-3")


def rand_mask(rng, lo=1, hi=5):
    m = 0
    for _ in range(rng.randint(lo, hi)):
        m |= rng.choice(RIGHTS)
    return m


def rand_case(rng):
    owner = rng.choice(POOL[3:7])
    r = rng.random()
    if r < 0.05:
        dacl = "D:NO_ACCESS_CONTROL"
    elif r < 0.08:
        dacl = ""
    else:
        aces = []
        for _ in range(rng.randint(0, 7)):
            kind = "A" if rng.random() < 0.7 else "D"
            flags = rng.choice(["", "", "", "OICI", "IO", "ID", "CIIO"])
            aces.append("(%s;%s;0x%x;;;%s)" % (kind, flags, rand_mask(rng), rng.choice(POOL)))
        dacl = "D:" + "".join(aces)
    user = rng.choice(POOL[5:7] + ["S-1-5-32-544"])
    groups = [s for s in POOL if s != user and s not in ("S-1-3-0", "S-1-3-4") and
              rng.random() < 0.5]
    desired = MAXIMUM_ALLOWED if rng.random() < 0.2 else rand_mask(rng, 1, 3)
    return "O:%s%s" % (owner, dacl), [user] + groups, desired


def samba_check(sddl, sids, desired):
    if sddl.endswith("D:NO_ACCESS_CONTROL"):
        # python3-samba 4.17 cannot parse NO_ACCESS_CONTROL: the same NULL DACL, built.
        sd = security.descriptor.from_sddl(sddl[:-len("D:NO_ACCESS_CONTROL")], DOMAIN)
        sd.type |= security.SEC_DESC_DACL_PRESENT
        sd.dacl = None
    else:
        sd = security.descriptor.from_sddl(sddl, DOMAIN)
    tok = security.token()
    tok.sids = [security.dom_sid(s) for s in sids]
    tok.num_sids = len(sids)
    try:
        return True, samba.security.access_check(sd, tok, desired)
    except NTSTATUSError:
        return False, 0


def ours_check(sddl, sids, desired):
    t = tokenlens.Token()
    t.set_user(sids[0])
    from tokenlens._token import GroupAttributes
    for s in sids[1:]:
        t.add_group(s, GroupAttributes.MANDATORY | GroupAttributes.ENABLED_BY_DEFAULT
                    | GroupAttributes.ENABLED)
    r = tokenlens.access_check(tokenlens.SecurityDescriptor.from_sddl(sddl), t, desired,
                               object="generic", flags=FLAGS)
    return bool(r.allowed), int(r.granted), r


def agree(sddl, sids, desired):
    s = samba_check(sddl, sids, desired)
    o = ours_check(sddl, sids, desired)
    return (s[0] == o[0] and (not s[0] or s[1] == o[1])), s, o


def explain(sddl, sids, desired):
    """Name the difference that, removed, makes the two agree."""
    import re
    aces = re.findall(r"\([^)]*\)", sddl)
    head = sddl[:sddl.index("D:") + 2] if "D:" in sddl else sddl
    if any(a.endswith(";S-1-3-4)") for a in aces):
        rest = "".join(a for a in aces if not a.endswith(";S-1-3-4)"))
        if agree(head + rest, sids, desired)[0]:
            return "OWNER RIGHTS (S-1-3-4) ACE: Windows drops the owner's implicit rights " \
                   "(MS-DTYP 2.5.3.2); Samba 4.17 treats S-1-3-4 as an ordinary SID"
    if "D:" not in sddl:
        return "no DACL at all (SE_DACL_PRESENT clear): Windows grants everything, like a " \
               "NULL DACL (MS-DTYP 2.4.6); python3-samba 4.17 checks it as an empty DACL"
    if sddl.endswith("D:NO_ACCESS_CONTROL") and desired & MAXIMUM_ALLOWED:
        return "NULL DACL with MAXIMUM_ALLOWED: Windows grants every right of the mapping; " \
               "Samba 4.17 answers with the owner's implicit bits only"
    s, o = samba_check(sddl, sids, desired), ours_check(sddl, sids, desired)
    if desired == MAXIMUM_ALLOWED and s == (True, 0) and o[:2] == (False, 0):
        return "MAXIMUM_ALLOWED with nothing grantable: AccessCheck fails with access " \
               "denied on Windows; Samba 4.17 returns success and an empty mask"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--show", type=int, default=3, help="examples printed per reason")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    why = collections.Counter()
    examples = collections.defaultdict(list)
    unexplained = []
    for _ in range(a.cases):
        sddl, sids, desired = rand_case(rng)
        ok, s, o = agree(sddl, sids, desired)
        if ok:
            why["agree"] += 1
            continue
        reason = explain(sddl, sids, desired)
        case = "%s  subject %s  desired %#x: samba %s %#x, tokenlens %s %#x" % (
            sddl, ",".join(sids), desired, "ALLOWED" if s[0] else "DENIED", s[1],
            "ALLOWED" if o[0] else "DENIED", o[1])
        if reason is None:
            unexplained.append(case + "\n    " + o[2].text.replace("\n", "\n    "))
            continue
        why[reason] += 1
        if len(examples[reason]) < a.show:
            examples[reason].append(case)
    print("# %d random cases, seed %d" % (a.cases, a.seed))
    for reason, n in why.most_common():
        print("%6d  %s" % (n, reason))
        for e in examples.get(reason, []):
            print("          e.g. %s" % e)
    if unexplained:
        print("%6d  UNEXPLAINED:" % len(unexplained))
        for u in unexplained[:20]:
            print("    " + u)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
