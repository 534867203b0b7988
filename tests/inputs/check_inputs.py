#!/usr/bin/env python3
"""File arguments of every CLI command (label cli; issue 18 items 3, 5 and 6, docs/inputs.md):
a FIFO, a directory or a device is refused at once (a FIFO used to block forever: each run has
a timeout, so a regression fails instead of hanging); '-' reads stdin where the help says so;
JSON takes a UTF-8 BOM, names UTF-16 and refuses a NUL byte with its offset; access --token
takes `whoami --json` output; an error names its file once.

usage: check_inputs.py CASE TOKENLENS SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

EXE = SRC = ""
FAILS = []
TMP = tempfile.mkdtemp(prefix="tl-inputs-")
SDDL = "D:(A;;FA;;;WD)"


def run(*args, exit=None, stdin=None):
    try:
        p = subprocess.run([EXE, *args], capture_output=True, timeout=20, input=stdin)
    except subprocess.TimeoutExpired:
        FAILS.append(f"{args}: still running after 20 s (blocked on its input)")
        return subprocess.CompletedProcess(args, -1, b"", b"")
    if exit is not None and p.returncode != exit:
        FAILS.append(f"{args}: exit {p.returncode}, expected {exit}\n{p.stdout!r}\n{p.stderr!r}")
    return p


def check(cond, what):
    if not cond:
        FAILS.append(what)


def err(p):
    return p.stderr.decode("utf-8", "replace")


def data(rel):
    return os.path.join(SRC, rel)


def tmp(name, content):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(content)
    return path


def read(rel):
    with open(data(rel), "rb") as f:
        return f.read()


TOKEN = "tests/data/token/wine-process.json"
WHOAMI = "tests/data/token/wine-whoami.json"
SCENARIO = "examples/scenarios/after-revert.json"
ICACLS = "tests/data/icacls/listing.txt"


def commands(path):
    """Every command that reads a file argument, with `path` as that file."""
    return [
        ("explain", path),
        ("explain", "--token", path, "--target", "cifs/fs1"),
        ("whoami", "--snapshot", path),
        ("whoami", "--import", path),
        ("iis", path),
        ("webconfig", path),
        ("access", "--token", path, "--sddl", SDDL),
        ("access", "--icacls", path, "--sid", "WD"),
        ("sddl", "--from-icacls", path),
    ]


def case_fifo():
    fifo = os.path.join(TMP, "fifo")
    os.mkfifo(fifo)
    for args in commands(fifo):
        p = run(*args, exit=1)
        check(f"'{fifo}' is a FIFO, not a regular file" in err(p), f"{args}: {err(p)}")
    for what, path in (("a directory", TMP), ("a character device", "/dev/null")):
        for args in commands(path):
            p = run(*args, exit=1)
            check(f"is {what}, not a regular file" in err(p), f"{args}: {err(p)}")


def case_stdin():
    """'-' reads standard input for the JSON, icacls and whoami files."""
    p = run("explain", "-", "--json", exit=0, stdin=read(SCENARIO))
    want = run("explain", data(SCENARIO), "--json", exit=0)
    check(p.stdout == want.stdout, "explain - differs from explain FILE")
    p = run("access", "--token", "-", "--sddl", SDDL, exit=0, stdin=read(TOKEN))
    check(p.stdout.startswith(b"ALLOWED"), f"access --token -: {p.stdout!r}")
    p = run("whoami", "--snapshot", "-", "--json", exit=0, stdin=read(WHOAMI))
    check(json.loads(p.stdout or b"{}").get("process") is not None, "whoami --snapshot -")
    p = run("sddl", "--from-icacls", "-", exit=0, stdin=read(ICACLS))
    want = run("sddl", "--from-icacls", data(ICACLS), exit=0)
    check(p.stdout == want.stdout and p.stdout, "sddl --from-icacls - differs")
    p = run("access", "--icacls", "-", "--token", "-", "--sddl", SDDL, exit=2)
    p = run("access", "--icacls", "-", "--token", "-", exit=2)
    check("cannot both read stdin" in err(p), err(p))
    # bounded: more than the 4 MiB limit is an error, not a partial read
    p = run("access", "--token", "-", "--sddl", SDDL, exit=1, stdin=b" " * (4 * 1024 * 1024 + 1))
    check("standard input is larger than the 4194304-byte limit" in err(p), err(p))


def case_encoding():
    """Every JSON file argument: BOM accepted; UTF-16 named; NUL refused at its offset."""
    readers = [
        (TOKEN, lambda f: ("access", "--token", f, "--sddl", SDDL)),
        (WHOAMI, lambda f: ("whoami", "--snapshot", f)),
        (SCENARIO, lambda f: ("explain", f)),
        (WHOAMI, lambda f: ("explain", "--token", f, "--target", "cifs/fs1")),
    ]
    for rel, cmd in readers:
        text = read(rel)
        name = os.path.basename(rel)
        plain = run(*cmd(data(rel)), exit=0)
        p = run(*cmd(tmp("bom-" + name, b"\xef\xbb\xbf" + text)), exit=0)
        check(p.stdout == plain.stdout, f"{cmd('BOM')}: output differs with a BOM")
        for enc, bom, says in (("utf-16-le", b"\xff\xfe", "UTF-16 little-endian"),
                               ("utf-16-be", b"", "UTF-16 big-endian"),
                               ("utf-16-le", b"", "UTF-16 little-endian"),
                               ("utf-16-be", b"\xfe\xff", "UTF-16 big-endian")):
            f = tmp(f"{enc}-{len(bom)}-{name}", bom + text.decode().encode(enc))
            p = run(*cmd(f), exit=1)
            check(says in err(p) and "re-save it as UTF-8" in err(p), f"{cmd(f)}: {err(p)}")
            check("0xff" not in err(p), f"{cmd(f)}: jansson's message leaks: {err(p)}")
        # a NUL right after the first number (jansson accepted it there)
        i = next(k for k, c in enumerate(text) if 48 <= c <= 57)
        while 48 <= text[i + 1] <= 57:
            i += 1
        f = tmp("nul-" + name, text[:i + 1] + b"\0" + text[i + 1:])
        p = run(*cmd(f), exit=1)
        check("NUL byte" in err(p) and f"byte offset {i + 1}" in err(p), f"{cmd(f)}: {err(p)}")
        # an escaped NUL (\u0000) in a string: refused in JSON's words, not jansson's flag name
        j = text.index(b'": "') + 4  # inside the first string value
        f = tmp("esc-nul-" + name, text[:j] + b"\\u0000" + text[j:])
        p = run(*cmd(f), exit=1)
        check("\\u0000 (a NUL character)" in err(p) and "JSON_ALLOW_NUL" not in err(p),
              f"{cmd(f)}: {err(p)}")


def case_token():
    """access --token takes the whoami --json output its help points to; errors name the file
    once (they read "F: F: ..." before)."""
    out = run("whoami", "--snapshot", data(WHOAMI), "--json", exit=0).stdout
    f = tmp("whoami.json", out)
    p = run("access", "--token", f, "--sddl", SDDL, exit=0)
    check(p.stdout.startswith(b"ALLOWED"), f"access --token whoami.json: {p.stdout!r}")
    for args in (("access", "--token", data("tests/data/token/bad-group-sid.json"), "--sddl", SDDL),
                 ("access", "--token", os.path.join(TMP, "missing.json"), "--sddl", SDDL),
                 ("explain", os.path.join(TMP, "missing.json")),
                 ("whoami", "--snapshot", os.path.join(TMP, "missing.json"))):
        p = run(*args, exit=1)
        name = os.path.basename(args[2] if args[0] == "access" else args[-1])
        check(err(p).count(name) == 1, f"{args}: file named {err(p).count(name)} times: {err(p)}")


CASES = {"fifo": case_fifo, "stdin": case_stdin, "encoding": case_encoding, "token": case_token}

if __name__ == "__main__":
    case, EXE, SRC = sys.argv[1], sys.argv[2], sys.argv[3]
    try:
        CASES[case]()
    finally:
        for n in os.listdir(TMP):
            os.remove(os.path.join(TMP, n))
        os.rmdir(TMP)
    for f in FAILS:
        print("FAIL:", f)
    sys.exit(1 if FAILS else 0)
