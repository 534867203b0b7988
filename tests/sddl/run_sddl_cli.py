#!/usr/bin/env python3
"""CLI contract cases for `tokenlens sddl` and `tokenlens access`.

Usage: run_sddl_cli.py {sddl|access} /path/to/tokenlens
Each case: argv, expected exit status, and regexes for the first stdout line, stdout, stderr,
or JSON keys. Every failing case is printed; exit 1 if any failed.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

DOM = "S-1-5-21-1-2-3"
POOL = "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415"
MSDTYP_SDDL = ("O:BAG:BAD:P(A;CIOI;GRGX;;;BU)(A;CIOI;GA;;;BA)(A;CIOI;GA;;;SY)(A;CIOI;GA;;;CO)"
               "S:P(AU;FA;GR;;;WD)")
MSDTYP_HEX = ("010014b090000000a0000000140000003000000002001c000100000002801400000000800101000000"
              "00000100000000020060000400000000031800000000a0010200000000000520000000210200000003"
              "18000000001001020000000000052000000020020000000314000000001001010000000000051200"
              "000000031400000000100101000000000003000000000102000000000005200000002002000001020000"
              "000000052000000020020000")

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
ICACLS = os.path.join(DATA, "icacls", "listing.txt")
ICACLS_SAVE = os.path.join(DATA, "icacls", "save-utf16.txt")

# D:(XA;;FA;;;WD;(Member_of {SID(BA)})) as binary; its "artx" data starts at byte 48.
ARTX_HEX = ("010004800000000000000000000000001400000002003c000100000009003400ff011f000101000000"
            "000001000000006172747850150000005110000000010200000000000520000000200200008900")


def nested_not(n):
    """Member_of {SID(BA)} under n '!': a tree n + 2 levels high (operand 1, Member_of 2)."""
    e = "Member_of {SID(BA)}"
    for _ in range(n):
        e = "!(%s)" % e
    return e


def nested_and(n):
    """A left-deep chain of n '&&' over comparisons: a tree n + 2 levels high."""
    e = "@User.a == 1"
    for _ in range(n):
        e = "(%s) && (@User.b == 2)" % e
    return e


SDDL_CASES = [
    # PRODUCT.md acceptance: rights in the order Windows prints them.
    dict(args=["sddl", "D:(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)"], exit=0,
         first=r"^D:\(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY\)$"),
    dict(args=["sddl", "D:(A;;0x1f01ff;;;BA)(A;;0x1200a9;;;BU)"], exit=0,
         first=r"^D:\(A;;FA;;;BA\)\(A;;0x1200a9;;;BU\)$"),
    dict(args=["sddl", "O:DAG:DUD:(A;;GA;;;DA)", "--domain-sid", DOM], exit=0,
         first=r"^O:DAG:DUD:\(A;;GA;;;DA\)$"),
    dict(args=["sddl", "O:S-1-5-21-1-2-3-512D:", "--domain-sid", DOM], exit=0,
         first=r"^O:DAD:$"),
    dict(args=["sddl", "O:S-1-5-21-1-2-3-512D:"], exit=0, first=r"^O:S-1-5-21-1-2-3-512D:$"),
    dict(args=["sddl", "D:(A;;GA;;;DU)"], exit=1, stderr=r"byte offset 11"),
    dict(args=["sddl", "D:(A;;GA;;;S-1-3-4 )"], exit=1, stderr=r"byte offset 18"),
    dict(args=["sddl", "D:(A;;QQ;;;WD)"], exit=1, stderr=r"unknown access right 'QQ'.*offset 6"),
    dict(args=["sddl", "d:(A;;GA;;;SY)"], exit=1, stderr=r"byte offset 0"),
    dict(args=["sddl", "--binary", MSDTYP_SDDL], exit=0, first="^" + MSDTYP_HEX + "$"),
    dict(args=["sddl", "--from-binary", MSDTYP_HEX], exit=0,
         first=r"^O:BAG:BAD:P\(A;OICI;GXGR;;;BU\)"),
    dict(args=["sddl", "--from-binary", MSDTYP_HEX[:40]], exit=1, stderr=r"offset"),
    dict(args=["sddl", "--from-binary", "abc"], exit=2, stderr=r"hex"),
    # Issue 18 item 5: the first character that is not a hex digit is named, with its offset.
    dict(args=["sddl", "--from-binary", "zz"], exit=2,
         stderr=r"--from-binary: 'z' at offset 0 is not a hex digit"),
    dict(args=["sddl", "--from-binary", "01 0"], exit=2,
         stderr=r"byte 0x20 at offset 2 is not a hex digit"),
    dict(args=["sddl", "--from-binary", "a-1f"], exit=2, stderr=r"'-' at offset 1 is not a hex"),
    dict(args=["sddl", "--from-binary", "abc"], exit=2,
         stderr=r"needs an even number of hex digits \(got 3\)"),
    # Malformed "artx" data is a parse error at its byte offset (was "not implemented", 3).
    dict(args=["sddl", "--from-binary", ARTX_HEX.replace("6172747850", "61727478ff")], exit=1,
         stderr=r"DACL ACE 0: conditional ACE data: bad operand token \(at byte offset 52\)"),
    dict(args=["sddl", "--from-binary", ARTX_HEX[:-2] + "ff"], exit=1,
         stderr=r"DACL ACE 0: conditional ACE data: .*\(at byte offset 7[0-9]\)"),
    dict(args=["sddl", "--from-binary", ARTX_HEX], exit=0,
         first=r"^D:\(XA;;FA;;;WD;\(Member_of \{SID\(BA\)\}\)\)$"),
    # Callback data that is not a conditional expression is valid but has no SDDL form:
    # "not implemented", exit 1 (3 is for platform limits only).
    dict(args=["sddl", "--from-binary", ARTX_HEX.replace("61727478", "61727479")], exit=1,
         stderr=r"error: not implemented: DACL ACE 0: its callback .*has no SDDL form"),
    dict(args=["sddl", "--from-binary", ARTX_HEX.replace("61727478", "61727479"), "--json"],
         exit=1, stderr=r"not implemented"),
    dict(args=["sddl", "D:(OA;;CC;;;WD)", "--icacls"], exit=1,
         stderr=r"not implemented: DACL ACE 0: icacls shows allow and deny ACEs only"),
    # The expression tree is at most 64 levels high (docs/sddl.md): 64 parses, 65 is
    # TL_ELIMIT at the offset of the condition's '('.
    dict(args=["sddl", "D:(XA;;FA;;;WD;(%s))" % nested_not(62)], exit=0, first=r"^D:\(XA;;FA"),
    dict(args=["sddl", "D:(XA;;FA;;;WD;(%s))" % nested_not(63)], exit=1,
         stderr=r"more than 64 levels deep \(at byte offset 15\)"),
    dict(args=["sddl", "D:(XA;;FA;;;WD;(%s))" % nested_and(62)], exit=0, first=r"^D:\(XA;;FA"),
    dict(args=["sddl", "D:(XA;;FA;;;WD;(%s))" % nested_and(63)], exit=1,
         stderr=r"more than 64 levels deep \(at byte offset 15\)"),
    dict(args=["sddl", "S:(ML;;NW;;;LW)D:PAI(A;OICI;FA;;;SY)", "--json"], exit=0,
         json={"sddl": "D:PAI(A;OICI;FA;;;SY)S:(ML;;NW;;;LW)", "control": "0x9414"}),
    dict(args=["sddl"], exit=2, stderr=r"expected one SDDL"),
    dict(args=["sddl", "--help"], exit=0, stdout=r"--domain-sid"),
    dict(args=["sddl", "D:", "--json", "--binary"], exit=2),
    # PRODUCT.md 0.2: any valid SID is a domain (Windows' recorded tests use S-1-2-3-4); a
    # value that cannot be used is a usage error that says why.
    # Issue 18 item 5: a SID known to be something other than a domain is refused at once
    # (exit 2, saying what it is), instead of being accepted and failing later.
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid", "S-1-5-18"], exit=2,
         stderr=r"--domain-sid S-1-5-18 names NT AUTHORITY\\SYSTEM \(SID kind well-known\), "
                r"not a domain: a domain SID looks like S-1-5-21-a-b-c"),
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid", "S-1-1-0"], exit=2,
         stderr=r"names Everyone"),
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid", "S-1-5-32-544"], exit=2,
         stderr=r"names BUILTIN\\Administrators \(SID kind builtin\)"),
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid", "S-1-16-12288"], exit=2,
         stderr=r"SID kind integrity"),
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid", POOL], exit=2,
         stderr=r"names an account \(SID kind iis-apppool\)"),
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid", DOM + "-500"], exit=2,
         stderr=r"an account SID \(relative ID 500 of S-1-5-21-1-2-3\): pass the domain part"),
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid", "S-1-5-21-1-2"], exit=2,
         stderr=r"three numbers after 21"),
    dict(args=["access", "--sddl", "D:(A;;GA;;;DU)", "--sid", "WD", "--domain-sid", "S-1-5-18"],
         exit=2, stderr=r"--domain-sid S-1-5-18 names NT AUTHORITY"),
    # Still a domain: the issue-17 contract (any SID tokenlens has no other name for).
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid", "S-1-5-32"], exit=0,
         first=r"^D:\(A;;GA;;;DU\)$"),
    dict(args=["sddl", "O:DAG:DUD:(A;;GA;;;LG)", "--domain-sid", "S-1-2-3-4"], exit=0,
         first=r"^O:DAG:DUD:\(A;;GA;;;LG\)$"),
    dict(args=["sddl", "O:S-1-2-3-4-512D:", "--domain-sid", "S-1-2-3-4"], exit=0,
         first=r"^O:DAD:$"),
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid", "S-1-2-3-4", "--binary"], exit=0,
         first=r"^0100048000000000000000000000000014000000020024000100000000001c0000000010"
               r"0103000000000002030000000400000001020000$"),
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid", "S-1-2-x"], exit=2,
         stderr=r"--domain-sid 'S-1-2-x' is not a SID"),
    dict(args=["sddl", "D:(A;;GA;;;DU)", "--domain-sid",
               "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15"], exit=2, stderr=r"no room"),
    dict(args=["access", "--sddl", "D:(A;;GA;;;DU)", "--sid", "DU", "--domain-sid", "nope"],
         exit=2, stderr=r"is not a SID"),
    # icacls text as a descriptor source, and icacls-style output.
    dict(args=["sddl", "--from-icacls", ICACLS], exit=0, first=r"^D:\(A;ID;FA;;;S-1-5-80-"),
    dict(args=["sddl", "--from-icacls", ICACLS, "--entry", "2", "--icacls"], exit=0,
         stdout=r"Everyone:\(DENY\)\(W,D\)\nS-1-5-21-1-2-3-1000:\(M\)"),
    dict(args=["sddl", "--from-icacls", ICACLS_SAVE, "--entry", "2"], exit=0,
         first=r"^D:P\(A;OICI;0x1200a9;;;S-1-5-82-"),
    dict(args=["sddl", "--from-icacls", ICACLS, "--entry", "3"], exit=2, stderr=r"2 entries"),
    dict(args=["sddl", "D:(A;OICI;FA;;;SY)", "--icacls"], exit=0,
         first=r"^NT AUTHORITY\\SYSTEM:\(OI\)\(CI\)\(F\)$"),
    dict(args=["sddl", "D:", "--icacls", "--json"], exit=2, stderr=r"exclusive"),
    dict(args=["sddl", "D:", "--entry", "1"], exit=2, stderr=r"--from-icacls"),
    dict(args=["access", "--icacls", ICACLS, "--sid", "S-1-5-21-9-9-9-1", "--sid", "BU",
               "--desired", "FR"], exit=0, first=r"^ALLOWED"),
    # --path reads a file's descriptor on Windows only: exit status 3 and why, elsewhere.
    dict(args=["sddl", "--path", "/etc/hostname"], exit=3, stderr=r"needs Windows"),
    dict(args=["access", "--path", "/etc/hostname", "--sid", "WD"], exit=3,
         stderr=r"needs Windows"),
    dict(args=["sddl", "--path", "x", "--from-binary", "00"], exit=2, stderr=r"exclusive"),
    dict(args=["access", "--path", "x", "--sddl", "D:", "--sid", "WD"], exit=2),
    # Windows-recorded binary: an ACE with an empty mask makes the ACL revision 4 and 4 bytes
    # larger (Samba libcli/security/tests/data/oversize-acls.json).
    dict(args=["sddl", "--binary", "D:P(D;;;;;MP)(D;;;;;MP)"], exit=0,
         first=r"^010004900000000000000000000000001400000004003800020000000100140000000000010100"
               r"0000000010002100000100140000000000010100000000001000210000" + "0" * 16 + "$"),
]

TOKEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "token",
                     "iis-ntlm-impersonation.json")

_TMP = tempfile.mkdtemp(prefix="tl-access-")


def token_file(name, **fields):
    """A token snapshot (tests/data/token/iis-ntlm-impersonation.json with `fields` replaced)
    written to a temporary file; its path."""
    with open(TOKEN) as f:
        doc = json.load(f)
    doc.update(fields)
    path = os.path.join(_TMP, name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


# Low integrity: the groups' Medium label replaced by Low (S-1-16-4096).
LOW_TOKEN = token_file("low", integrity_level={"sid": "S-1-16-4096", "name": "Low"})
# A restricted token whose only restricted SID is the logon SID: Everyone's ACE does not reach it.
RESTRICTED_TOKEN = token_file("restricted", restricted_sids=[{"sid": "S-1-5-5-0-1", "attributes": 7}])

# Issue 18 item 7: every denial names why (JSON "reasons" has the kind listed in "kinds" and
# the text first line names the desired mask, MAXIMUM_ALLOWED by default).
DENIAL_CASES = [
    (["--sddl", "D:(D;;FW;;;WD)(A;;FA;;;WD)", "--sid", "WD", "--desired", "FW"], ["deny_ace"]),
    (["--sddl", "D:(D;;FA;;;WD)(A;;FA;;;WD)", "--sid", "WD"], ["deny_ace"]),
    (["--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--desired", "FW"], ["no_dacl_match"]),
    (["--sddl", "D:(A;;FR;;;BA)", "--sid", "WD"], ["no_dacl_match"]),
    (["--sddl", "D:", "--sid", "WD"], ["no_dacl_match"]),
    (["--sddl", "D:", "--sid", "WD", "--desired", "FR"], ["no_dacl_match"]),
    (["--sddl", "D:(A;;FA;;;WD)", "--sid", "WD", "--desired", "0"], ["no_dacl_match"]),
    (["--sddl", "D:(A;;FA;;;WD)", "--sid", "WD", "--desired", "0x1000000"],
     ["privilege_required"]),
    (["--sddl", 'D:(XA;;FA;;;WD;(@User.dept == "x"))', "--sid", "WD"],
     ["skipped_ace", "no_dacl_match"]),
    (["--sddl", "D:(A;;FA;;;WD)S:(ML;;NW;;;ME)", "--token", LOW_TOKEN, "--desired", "FW"],
     ["integrity"]),
    (["--sddl", "D:(A;;FA;;;WD)", "--token", RESTRICTED_TOKEN, "--desired", "FR"],
     ["restricted"]),
    (["--sddl", "D:(A;;FA;;;WD)", "--token", RESTRICTED_TOKEN], ["restricted"]),
]
DENIAL_TEXT = {
    "no_dacl_match": r"no ACE grants|the DACL is empty|no access was requested",
    "deny_ace": r"DACL\[\d+\] denies",
    "privilege_required": r"needs SeSecurityPrivilege",
    "skipped_ace": r"grants nothing",
    "integrity": r"integrity .* policy removes",
    "restricted": r"restricted SIDs do not get",
}

ACCESS_CASES = [
    # A saved token snapshot: CONTOSO\alice with Everyone.
    dict(args=["access", "--sddl", "O:BAG:SYD:(A;;FA;;;BA)(A;;FR;;;WD)", "--token", TOKEN,
               "--desired", "FR"], exit=0, first=r"^ALLOWED", stdout=r"DACL\[1\] allows"),
    dict(args=["access", "--sddl", "O:BAG:SYD:(A;;FA;;;BA)(A;;FR;;;WD)", "--token", TOKEN,
               "--desired", "FW", "--json"], exit=1, json={"allowed": False}),
    # PRODUCT.md acceptance: a deny that precedes an allow, explained.
    dict(args=["access", "--sddl", "D:(D;;FW;;;WD)(A;;FA;;;WD)", "--sid", DOM + "-1000",
               "--sid", "WD", "--desired", "FW"], exit=1,
         first=r"^DENIED", stdout=r"DACL\[0\] denies .*\(D;;FW;;;WD\)"),
    dict(args=["access", "--sddl", "D:(D;;FW;;;WD)(A;;FA;;;WD)", "--sid", DOM + "-1000",
               "--sid", "WD", "--desired", "0x1"], exit=0,
         first=r"^ALLOWED", stdout=r"DACL\[1\] allows"),
    dict(args=["access", "--sddl", "D:PAI(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;%s)" % POOL,
               "--sid", "IIS APPPOOL\\DefaultAppPool", "--desired", "GR", "--json"], exit=0,
         json={"allowed": True, "granted": "0x00120089"}),
    dict(args=["access", "--sddl", "D:PAI(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;%s)" % POOL,
               "--sid", "NT AUTHORITY\\IUSR", "--sid", "WD", "--desired", "GR"], exit=1,
         first=r"^DENIED", stdout=r"no ACE grants"),
    dict(args=["access", "--sddl", "D:NO_ACCESS_CONTROL", "--sid", "WD"], exit=0,
         first=r"^ALLOWED", stdout=r"NULL"),
    dict(args=["access", "--sddl", "D:(A;;FA;;;WD", "--sid", "WD"], exit=1,
         stderr=r"offset"),
    dict(args=["access", "--sddl", "D:"], exit=2, stderr=r"--token or --sid"),
    dict(args=["access", "--sddl", "D:", "--sid", "WD", "--object", "pipe"], exit=2),
    dict(args=["access", "--help"], exit=0, stdout=r"MAXIMUM_ALLOWED"),
    # Issue 18 item 7: the default request is named, not "desired 0x0".
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD"], exit=0,
         first=r"^ALLOWED: desired MAXIMUM_ALLOWED, granted 0x120089$"),
    dict(args=["access", "--sddl", "D:(A;;FR;;;BA)", "--sid", "WD"], exit=1,
         first=r"^DENIED: desired MAXIMUM_ALLOWED, granted 0x0$",
         stdout=r"no ACE grants the subject any access"),
    dict(args=["access", "--sddl", "D:", "--sid", "WD"], exit=1,
         stdout=r"the DACL is empty: it grants no access to anyone"),
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--desired", "0x2000000"],
         exit=0, first=r"^ALLOWED: desired MAXIMUM_ALLOWED, granted 0x120089$"),
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--desired", "0x2120089"],
         exit=0, first=r"^ALLOWED: desired MAXIMUM_ALLOWED\|0x120089, granted 0x120089$"),
    # An empty --desired (an unset shell variable) is a usage error, not a DENIED.
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--desired", ""], exit=2,
         stderr=r"--desired is empty"),
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--desired", " "], exit=2,
         stderr=r"--desired is empty"),
    # A mask that is not one: signed, wider than 32 bits or unknown words are usage errors
    # (SDDL's own rights parser would wrap -1 to 0xffffffff, as Windows' wcstoul does).
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--desired", "-1"], exit=2,
         stderr=r"--desired -1: an access mask has no sign"),
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--desired", "0x1ffffffff"],
         exit=2, stderr=r"--desired 0x1ffffffff: larger than the 32-bit access mask"),
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--desired", "9" * 40],
         exit=2, stderr=r"larger than the 32-bit access mask"),
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--desired", "XYZ"], exit=2,
         stderr=r"--desired XYZ: unknown access right"),
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--desired", "0xffffffff"],
         exit=1, first=r"^DENIED"),
    # A NULL / absent DACL grants everything (learn.microsoft.com, "Null DACLs and Empty
    # DACLs"), loudly: a warning on stderr and in the JSON.
    dict(args=["access", "--sddl", "", "--sid", "WD"], exit=0,
         first=r"^ALLOWED: desired MAXIMUM_ALLOWED, granted 0x1f01ff$",
         stdout=r"no DACL, so everyone is granted full access",
         stderr=r"warning: --sddl is empty.*everyone is granted full access.*unset shell variable"),
    dict(args=["access", "--sddl", "", "--sid", "WD", "--json"], exit=0,
         json={"allowed": True}, json_re={"warnings": r"--sddl is empty.*full access"},
         stderr=r"warning: --sddl is empty"),
    dict(args=["access", "--sddl", "D:NO_ACCESS_CONTROL", "--sid", "WD", "--json"], exit=0,
         json_re={"warnings": r"^\['the descriptor has no DACL \(or a NULL one\), so everyone"},
         stderr=r"warning: the descriptor has no DACL"),
    dict(args=["access", "--sddl", "O:SY", "--sid", "WD"], exit=0,
         stderr=r"warning: the descriptor has no DACL"),
    dict(args=["access", "--sddl", "D:(A;;FR;;;WD)", "--sid", "WD", "--json"], exit=0,
         json={"warnings": [], "maximum_allowed": True}),
]
for argv, kinds in DENIAL_CASES:
    ACCESS_CASES.append(dict(args=["access"] + argv + ["--json"], exit=1,
                             json={"allowed": False}, kinds=kinds))
    ACCESS_CASES.append(dict(args=["access"] + argv, exit=1, first=r"^DENIED: desired ",
                             stdout="|".join(DENIAL_TEXT[k] for k in kinds)))


def run(case, exe):
    argv = [exe] + case["args"]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    errs = []
    if p.returncode != case["exit"]:
        errs.append("exit %d, want %d" % (p.returncode, case["exit"]))
    first = p.stdout.split("\n", 1)[0]
    if "first" in case and not re.search(case["first"], first):
        errs.append("first line %r does not match %r" % (first, case["first"]))
    if "stdout" in case and not re.search(case["stdout"], p.stdout, re.M):
        errs.append("stdout does not match %r" % case["stdout"])
    if "stderr" in case and not re.search(case["stderr"], p.stderr, re.M):
        errs.append("stderr %r does not match %r" % (p.stderr.strip(), case["stderr"]))
    if "json" in case or "json_re" in case or "kinds" in case:
        try:
            doc = json.loads(p.stdout)
            for k, v in case.get("json", {}).items():
                if doc.get(k) != v:
                    errs.append("JSON %s = %r, want %r" % (k, doc.get(k), v))
            for k, rx in case.get("json_re", {}).items():
                if not re.search(rx, str(doc.get(k))):
                    errs.append("JSON %s = %r does not match %r" % (k, doc.get(k), rx))
            got = [r["kind"] for r in doc.get("reasons", [])]
            for k in case.get("kinds", []):
                if k not in got:
                    errs.append("JSON reasons %r lack a %r reason" % (got, k))
            if doc.get("allowed") is False and not all(r.get("text") for r in doc["reasons"]):
                errs.append("a denial without a reason: %r" % doc.get("reasons"))
            if doc.get("allowed") is False and not doc.get("reasons"):
                errs.append("a denial without a reason")
        except ValueError as e:
            errs.append("stdout is not JSON: %s" % e)
    if errs:
        print("FAIL: tokenlens %s" % " ".join(case["args"]))
        for e in errs:
            print("   ", e)
        print("    stdout:", p.stdout.strip()[:400])
        print("    stderr:", p.stderr.strip()[:400])
    return not errs


def main():
    group, exe = sys.argv[1], sys.argv[2]
    cases = SDDL_CASES if group == "sddl" else ACCESS_CASES
    failed = sum(0 if run(c, exe) else 1 for c in cases)
    print("%d/%d %s cases passed" % (len(cases) - failed, len(cases), group))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
