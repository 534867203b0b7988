#!/usr/bin/env python3
"""`tokenlens whoami --import` (label cli): whoami text as copied from a console becomes the
token `whoami --json` prints. Transcripts in tests/data/whoami follow whoami.exe's documented
layout (learn.microsoft.com/windows-server/administration/windows-commands/whoami).

usage: check_whoami_import.py CASE TOKENLENS DATA_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

EXE = DATA = ""
FAILS = []
ALICE = "S-1-5-21-1004336348-1177238915-682003330-1106"


def run(*args, exit=0, stdin=None):
    p = subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120, input=stdin)
    if p.returncode != exit:
        FAILS.append(f"{args}: exit {p.returncode}, expected {exit}\n{p.stdout}\n{p.stderr}")
    return p


def check(cond, what):
    if not cond:
        FAILS.append(what)


def imp(path):
    p = run("whoami", "--import", path, "--json")
    return (json.loads(p.stdout) if p.returncode == 0 else {}), p.stderr


def groups(tok):
    return {g["sid"]: g["attributes"] for g in tok.get("groups", [])}


def privs(tok):
    return {p["name"]: "enabled" in p.get("flags", []) for p in tok.get("privileges", [])}


def case_all():
    d, err = imp(os.path.join(DATA, "all.txt"))
    check(d.get("thread", 0) is None, "thread is null")
    check(d.get("effective") == d.get("process"), "effective = process")
    t = d.get("process", {})
    check(t["user"]["sid"] == ALICE and t["user_name"] == "contoso\\alice", "user")
    check(t["type"] == "primary", "primary token")
    g = groups(t)
    check(g["S-1-1-0"] == 0x7, "Everyone: mandatory|enabled_by_default|enabled")
    check(g["S-1-5-32-544"] == 0x10, "Administrators: deny only")
    check(g["S-1-5-21-1004336348-1177238915-682003330-1999"] == 0x7, "Unknown SID type row kept")
    check(g["S-1-16-8192"] == 0x60, "label row: integrity bits")
    check(t.get("integrity_level") == {"sid": "S-1-16-8192", "name": "Medium"},
          f"integrity {t.get('integrity_level')}")
    check(len(g) == 13, f"13 groups, got {len(g)}")
    p = privs(t)
    check(p == {"SeShutdownPrivilege": False, "SeChangeNotifyPrivilege": True,
                "SeUndockPrivilege": False, "SeIncreaseWorkingSetPrivilege": False,
                "SeTimeZonePrivilege": False}, f"privileges {p}")
    check(err == "", f"prompt, banner and claims lines need no note: {err}")
    # the same text wrapped by a narrow console, with and without legacy padding, reads the same
    text = open(os.path.join(DATA, "all.txt")).read()
    for width in (80, 100, 120):
        for pad in (False, True):
            out = []
            for ln in text.split("\n"):
                chunks = [ln[i:i + width] for i in range(0, len(ln), width)] or [""]
                out += [c.ljust(width) if pad else c for c in chunks]
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
                f.write("\r\n".join(out))
            w, _ = imp(f.name)
            os.unlink(f.name)
            check(w.get("process") == t, f"wrapped at {width} (padded={pad}) differs")


def case_apppool():
    d, err = imp(os.path.join(DATA, "apppool.txt"))
    t = d.get("process", {})
    check(t["user"]["sid"] == "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415",
          "pool SID")
    check(groups(t).get("S-1-5-82-0") == 0x7, "nameless Unknown SID type row")
    check(privs(t)["SeImpersonatePrivilege"] is True, "SeImpersonatePrivilege enabled")
    check(err == "", f"the claims ERROR line needs no note: {err}")
    # from the pipeline
    p = run("whoami", "--import", "-", "--json", stdin=open(os.path.join(DATA, "apppool.txt")).read())
    check(json.loads(p.stdout or "{}").get("process") == t, "stdin")


def case_formats():
    for f in ("list.txt", "csv.txt"):
        d, err = imp(os.path.join(DATA, f))
        t = d.get("process", {})
        check(t.get("user", {}).get("sid") == ALICE, f"{f}: user")
        g = groups(t)
        check(g.get("S-1-1-0") == 7, f"{f}: Everyone")
        check(err == "", f"{f}: no notes expected: {err}")
    d, _ = imp(os.path.join(DATA, "list.txt"))
    check(groups(d["process"])["S-1-5-32-544"] == 0xF, "list: owner bit")
    check(privs(d["process"]) == {"SeDebugPrivilege": True, "SeShutdownPrivilege": False},
          "list: privileges")
    d, _ = imp(os.path.join(DATA, "priv.txt"))
    t = d.get("process", {})
    check(t.get("user") is None and groups(t) == {}, "priv only: no user, no groups")
    check(privs(t) == {"SeShutdownPrivilege": False, "SeChangeNotifyPrivilege": True,
                       "SeUndockPrivilege": False}, "priv only")
    # a logon SID carries SE_GROUP_LOGON_ID, which whoami does not print (winnt.h)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("GROUP INFORMATION\n-----------------\n\n"
                "Group Name                            Type     SID               Attributes\n"
                "===================================== ======== ================= "
                "==================================================\n"
                "NT AUTHORITY\\LogonSessionId_0_123456 Logon ID S-1-5-5-0-123456  "
                "Mandatory group, Enabled by default, Enabled group\n")
    d, _ = imp(f.name)
    os.unlink(f.name)
    check(groups(d.get("process", {})).get("S-1-5-5-0-123456") == 0xC0000007, "logon SID bits")
    # UTF-16LE with a BOM (Windows PowerShell's `whoami /all > file`)
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as f:
        f.write(open(os.path.join(DATA, "csv.txt")).read().encode("utf-16"))
    d16, _ = imp(f.name)
    os.unlink(f.name)
    dcsv, _ = imp(os.path.join(DATA, "csv.txt"))
    check(d16.get("process") == dcsv.get("process"), "UTF-16 reads like UTF-8")


def case_localised():
    d, err = imp(os.path.join(DATA, "german.txt"))
    t = d.get("process", {})
    check(t.get("user", {}).get("sid") == ALICE, "German: user by column position")
    check(set(groups(t)) == {"S-1-1-0", "S-1-5-32-545", "S-1-16-8192"}, "German: group SIDs")
    check(groups(t)["S-1-1-0"] == 0, "German attributes are not guessed")
    check(privs(t) == {"SeShutdownPrivilege": False, "SeChangeNotifyPrivilege": False},
          "German states are not guessed")
    check("Verbindliche Gruppe" in err and "Aktiviert" in err and "column position" in err,
          f"what is not understood is said: {err}")


def case_bad():
    with tempfile.TemporaryDirectory() as tmp:
        def bad(content, *words, binary=False):
            path = os.path.join(tmp, "x.txt")
            with open(path, "wb" if binary else "w") as f:
                f.write(content)
            p = run("whoami", "--import", path, exit=1)
            for w in words:
                check(w in p.stderr, f"stderr lacks {w!r}: {p.stderr}")
        bad("contoso\\alice\n", "no user, group or privilege", "line 1")
        bad("", "no user, group or privilege")
        bad(bytes(range(256)) * 50, "NUL", binary=True)
        p = run("whoami", "--import", tmp, exit=1)
        check("is a directory" in p.stderr, f"directory: {p.stderr}")
        fifo = os.path.join(tmp, "fifo")
        os.mkfifo(fifo)
        p = run("whoami", "--import", fifo, exit=1)
        check("not a regular file" in p.stderr, f"fifo: {p.stderr}")
        p = run("whoami", "--import", os.path.join(tmp, "nope.txt"), exit=1)
        check("nope.txt" in p.stderr, "missing file named")
    run("whoami", "--import", "a", "--snapshot", "b", exit=2)


def main():
    global EXE, DATA
    case, EXE, DATA = sys.argv[1], sys.argv[2], os.path.join(sys.argv[3], "whoami")
    globals()["case_" + case]()
    for f in FAILS:
        print("FAIL:", f)
    print("ok" if not FAILS else f"{len(FAILS)} failure(s)")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
