#!/usr/bin/env python3
"""Run the tokenlens CLI once and check exit status, stdout and stderr.

usage: run_cli.py --exit N [--stdout REGEX] [--first-line REGEX] [--stderr REGEX]
                  [--json-key KEY=VALUE ...] -- PROGRAM ARGS...
Regexes use re.search; --first-line matches the first stdout line exactly (fullmatch).
--json-key parses stdout as JSON and checks a top-level key (VALUE "null" means JSON null).
"""
import argparse
import json
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exit", type=int, required=True)
    ap.add_argument("--stdout", action="append", default=[])
    ap.add_argument("--first-line")
    ap.add_argument("--stderr", action="append", default=[])
    ap.add_argument("--json-key", action="append", default=[])
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    problems = []
    if p.returncode != a.exit:
        problems.append(f"exit status {p.returncode}, expected {a.exit}")
    for rx in a.stdout:
        if not re.search(rx, p.stdout, re.M):
            problems.append(f"stdout does not match {rx!r}")
    if a.first_line is not None:
        first = p.stdout.split("\n", 1)[0]
        if not re.fullmatch(a.first_line, first):
            problems.append(f"first line {first!r} does not match {a.first_line!r}")
    for rx in a.stderr:
        if not re.search(rx, p.stderr, re.M):
            problems.append(f"stderr does not match {rx!r}")
    if a.json_key:
        try:
            doc = json.loads(p.stdout)
        except ValueError as e:
            problems.append(f"stdout is not JSON: {e}")
            doc = {}
        for kv in a.json_key:
            k, v = kv.split("=", 1)
            want = None if v == "null" else v
            if k not in doc:
                problems.append(f"JSON has no key {k!r}")
            elif doc[k] != want:
                problems.append(f"JSON {k} is {doc[k]!r}, expected {want!r}")
    if problems:
        print("command:", cmd)
        print("stdout:", p.stdout)
        print("stderr:", p.stderr)
        for pr in problems:
            print("FAIL:", pr)
        return 1
    print("ok:", " ".join(cmd[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
