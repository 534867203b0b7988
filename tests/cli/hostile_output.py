#!/usr/bin/env python3
"""Issue 18 item 4: names from hostile input cannot drive the terminal, through any verb.

usage: hostile_output.py /path/to/tokenlens SOURCE_DIR

Each case runs the CLI on input that carries terminal controls (ESC ]0;title BEL, ESC [2J,
C1 CSI U+009B, the bidi override U+202E) in a name and checks:
  - no raw control byte (C0 but newline and tab, DEL), C1 control or bidi override reaches
    stdout or stderr, in any case;
  - the case's own expectation: the exit status, and either the escaped form in the output
    (\\x1b, \\u009b, \\u202e) or the refusal message that names where the bad name is.
CMake arguments cannot carry raw control bytes, hence a Python driver (label cli).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

EXE, SRC = sys.argv[1], sys.argv[2]
TMP = tempfile.mkdtemp(prefix="tl-hostile-")
TITLE = "\x1b]0;pwned\x07"  # sets the window title
CLEAR = "\x1b[2J"  # clears the screen
CSI8 = "\u009b"  # C1 CSI: an escape sequence to 8-bit terminals
RLO = "\u202e"  # right-to-left override: reorders what is shown
# What must never be written: C0 but \n \t, DEL, C1 (as UTF-8), bidi embeddings/overrides/isolates.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def token(**fields):
    with open(os.path.join(SRC, "tests/data/token/iis-ntlm-impersonation.json")) as f:
        doc = json.load(f)
    for k, v in fields.items():
        if k == "logon_domain":
            doc["logon"]["domain"] = v
        elif k == "privilege":
            doc["privileges"][0]["name"] = v
        elif k == "group_name":
            doc["groups"][1]["name"] = v
        else:
            doc[k] = v
    return write("token-%d.json" % len(os.listdir(TMP)), json.dumps(doc))


def iis_config(pool, site):
    with open(os.path.join(SRC, "tests/data/iis/shared-pool.config"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace('name="Drinks"', 'name="%s"' % pool)
    text = text.replace('applicationPool="Drinks"', 'applicationPool="%s"' % pool)
    text = text.replace('site name="coke"', 'site name="%s"' % site)
    return write("applicationHost-%d.config" % len(os.listdir(TMP)), text)


def scenario(name, pool):
    with open(os.path.join(SRC, "examples/scenarios/workgroup.json")) as f:
        doc = json.load(f)
    doc["name"] = name
    doc["app_pool"]["name"] = pool
    return write("scenario-%d.json" % len(os.listdir(TMP)), json.dumps(doc))


def whoami_text(user):
    with open(os.path.join(SRC, "tests/data/whoami/all.txt"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^(\S+\\\S+)\s+S-1-", text, re.M)
    return write("whoami-%d.txt" % len(os.listdir(TMP)), text.replace(m.group(1), user, 1)
                 if m else text)


WEBCONFIG = """<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.web>
    <identity impersonate="true" userName="CONTOSO\\svc&#x9b;2J&#x202e;gpj.exe" password="x" />
  </system.web>
</configuration>
"""

# (name, argv, exit, regex that stdout+stderr must match)
REFUSED = r"control character 0x1b at byte \d+ of the name: Windows names cannot contain characters 1-31"
CASES = [
    # The token loader refuses control characters in names, naming the JSON path.
    ("whoami user_name", ["whoami", "--snapshot", token(user_name="CONTOSO\\" + TITLE + "alice")],
     1, r"\$\.(process\.)?user_name: " + REFUSED),
    ("whoami logon.domain", ["whoami", "--snapshot", token(logon_domain="CON" + CLEAR + "TOSO")],
     1, r"\$\.(process\.)?logon\.domain: " + REFUSED),
    ("whoami privilege", ["whoami", "--snapshot", token(privilege="SeDebug" + TITLE + "Privilege")],
     1, r"\$\.(process\.)?privileges\[0\]\.name: " + REFUSED),
    ("whoami group name", ["whoami", "--snapshot", token(group_name="Every" + TITLE + "one")],
     1, r"\$\.(process\.)?groups\[1\]\.name: " + REFUSED),
    ("access --token", ["access", "--sddl", "D:(A;;FA;;;WD)", "--token",
                        token(user_name="CONTOSO\\" + TITLE)], 1, r"\$\.user_name: " + REFUSED),
    # What the loader takes (C1, bidi overrides are legal in Windows names) is escaped.
    ("whoami C1/bidi", ["whoami", "--snapshot", token(user_name="CONTOSO\\al" + CSI8 + "2J" + RLO
                                                      + "ice", logon_domain="CON" + RLO + "TOSO")],
     0, r"CONTOSO\\al\\u009b2J\\u202eice(.|\n)*CON\\u202eTOSO"),
    # Echoed arguments and names computed from them.
    ("sid apppool", ["sid", "IIS APPPOOL\\" + TITLE + "Pool"], 0, r"IIS APPPOOL\\\\?\\x1b\]0;pwned\\x07Pool"),
    ("sid unknown", ["sid", "CONTOSO\\" + CLEAR + "x"], 1, r"unknown account 'CONTOSO\\\\?\\x1b\[2Jx'"),
    ("sid option", ["sid", "--" + TITLE], 2, r"unknown option '--\\x1b\]0;pwned\\x07'"),
    ("unknown command", [TITLE], 2, r"unknown command '\\x1b\]0;pwned\\x07'"),
    ("access --sid", ["access", "--sddl", "D:", "--sid", "CONTOSO\\" + CSI8 + "x"], 1,
     r"unknown account 'CONTOSO\\\\?\\u009bx'"),
    ("sddl", ["sddl", "D:(A;;FA;;;" + TITLE + ")"], 1, r"\\x1b\]0;pwned\\x07"),
    # applicationHost.config: XML forbids &#27; (a refusal naming line and column); C1 and bidi
    # characters are legal XML and come out escaped.
    ("iis &#27;", ["iis", iis_config("Dr&#27;]0;pwn&#7;inks", "coke")], 1,
     r"line \d+, column \d+: reference to invalid character number"),
    ("iis C1/bidi", ["iis", iis_config("Dr&#x9b;2Jinks", "co&#x202e;ke")], 0,
     r"site co\\u202eke(.|\n)*Dr\\u009b2Jinks"),
    ("iis --json", ["iis", iis_config("Dr&#x9b;2Jinks", "co&#x202e;ke"), "--json"], 0,
     r'"name": "co\\u202eke"'),
    ("explain", ["explain", scenario("Shop " + TITLE, "Sh" + CSI8 + "op")], None,
     r"\\x1b\]0;pwned\\x07|\\u009b|control character"),
    ("webconfig", ["webconfig", write("web.config", WEBCONFIG)], None,
     r"svc\\u009b2J\\u202egpj\.exe"),
    ("whoami --import", ["whoami", "--import", whoami_text("CONTOSO\\al" + TITLE + "ice")], None,
     r"al\\x1b\]0;pwned\\x07ice|control character|not a whoami"),
]


def run(argv):
    p = subprocess.run([EXE] + argv, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def main():
    failed = 0
    for name, argv, want, rx in CASES:
        rc, out, err = run(argv)
        problems = []
        if want is not None and rc != want:
            problems.append("exit %d, want %d" % (rc, want))
        for stream, text in (("stdout", out), ("stderr", err)):
            m = RAW.search(text)
            if m:
                problems.append("raw %r in %s at %d" % (m.group(0), stream, m.start()))
        if not re.search(rx, out + err):
            problems.append("output does not match %r" % rx)
        if problems:
            failed += 1
            print("FAIL: %s (tokenlens %r)" % (name, argv))
            for pr in problems:
                print("   ", pr)
            print("    stdout:", out[:600])
            print("    stderr:", err[:600])
    # A 131 KB argument: every verb's echo of it stays bounded (first 200 bytes and the
    # length), and the explanation after it survives.
    big = "x" * 131000
    for argv in (["sid", big], ["sid", "CONTOSO\\" + big], ["sid", "--" + big], [big],
                 ["sddl", "D:(A;;FA;;;" + big + ")"], ["access", "--sddl", "D:", "--sid", big],
                 ["sddl", "--domain-sid", big, "D:"], ["sddl", "--from-binary", "zz" + big],
                 ["whoami", "--snapshot", big], ["explain", big], ["iis", big]):
        rc, out, err = run(argv)
        label = " ".join(a if len(a) < 40 else "<%d bytes>" % len(a) for a in argv)
        problems = []
        if len(err.encode()) > 4096:
            problems.append("stderr is %d bytes" % len(err.encode()))
        if rc not in (1, 2):
            problems.append("exit %d" % rc)
        if not err.endswith("\n"):
            problems.append("stderr does not end its line")
        if problems:
            failed += 1
            print("FAIL: long argument: tokenlens %s: %s" % (label, "; ".join(problems)))
            print("    stderr:", err[:300], "...", err[-300:])
    rc, out, err = run(["sid", "CONTOSO\\" + big])
    if not re.search(r"\.\.\. \(131008 bytes\)'?: unknown account", err):
        failed += 1
        print("FAIL: a long echoed account name is not shortened to '... (N bytes)':", err[:400])
    total = len(CASES) + 12
    print("%d/%d hostile-output checks passed" % (total - failed, total))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
