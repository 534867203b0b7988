#!/usr/bin/env python3
"""CLI-level checks of `tokenlens explain` (label cli).

  check_explain.py example  CLI SCENARIO EXPECTED   --json equals EXPECTED (as JSON; diff shown),
                                                    plain text and --dot agree with it
  check_explain.py bad      CLI SCENARIO PATH       exit 1 and stderr names the JSON path (or,
                                                    when PATH is '-', the byte offset)
  check_explain.py usage    CLI                     usage errors, --help, --rules
  check_explain.py documented CLI SCENARIO EXPECT   each hop's arrives_as / outcome / protocol /
                                                    unsettled equals EXPECT (a sidecar holding the
                                                    documented answer and the source it comes from)
Graphviz is used when installed to check that --dot renders.
"""
import difflib
import json
import shutil
import subprocess
import sys


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def example(cli, scenario, expected):
    problems = []
    p = run([cli, "explain", scenario, "--json"])
    if p.returncode != 0:
        return [f"--json exit {p.returncode}: {p.stderr.strip()}"]
    got = json.loads(p.stdout)
    with open(expected, encoding="utf-8") as f:
        want = json.load(f)
    if got != want:
        diff = difflib.unified_diff(
            json.dumps(want, indent=2).splitlines(), json.dumps(got, indent=2).splitlines(),
            "expected", "got", lineterm="")
        problems.append("JSON differs from " + expected + ":\n" + "\n".join(diff))
    for i, hop in enumerate(got["hops"]):
        if not hop["steps"]:
            problems.append(f"hop {i} has no steps")
        for st in hop["steps"]:
            if not st["rule"] or not st["text"]:
                problems.append(f"hop {i} has a step without rule or text")
    t = run([cli, "explain", scenario])
    if t.returncode != 0:
        problems.append(f"plain exit {t.returncode}")
    for hop in got["hops"]:
        name = (hop["arrives_as"] or {}).get("name")
        if name and ("arrives as " + name) not in t.stdout:
            problems.append(f"plain text lacks 'arrives as {name}'")
        if hop["fix"] and hop["fix"] not in t.stdout:
            problems.append("plain text lacks the fix: " + hop["fix"])
    if got["process"]["name"] not in t.stdout:
        problems.append("plain text lacks the process identity")
    # "unsettled" is shown wherever an unsettled rule is cited: on the JSON step and hop, in
    # the story's step and outcome line, and on the diagram's edge.
    unsettled_rules = {st["rule"] for hop in got["hops"] for st in hop["steps"] if st["unsettled"]}
    for rule in unsettled_rules:
        if f"[{rule} (unsettled)]" not in t.stdout:
            problems.append(f"plain text does not mark {rule} as unsettled")
    marked = t.stdout.count("; unsettled)")
    if marked != sum(1 for hop in got["hops"] if hop["unsettled"]):
        problems.append(f"plain text marks {marked} hops unsettled, JSON "
                        f"{sum(1 for hop in got['hops'] if hop['unsettled'])}")
    d = run([cli, "explain", scenario, "--dot"])
    if d.returncode == 0:
        edges = [ln for ln in d.stdout.splitlines() if ln.lstrip().startswith("web -> hop")]
        for hop, edge in zip(got["hops"], edges):
            if ("(unsettled)" in edge) != hop["unsettled"]:
                problems.append(f"--dot edge for {hop['target']} disagrees on unsettled")
    if d.returncode != 0 or not d.stdout.startswith("digraph tokenlens {"):
        problems.append(f"--dot exit {d.returncode} or not a digraph")
    elif shutil.which("dot"):
        r = subprocess.run(["dot", "-Tsvg"], input=d.stdout, capture_output=True, text=True)
        if r.returncode != 0 or "<svg" not in r.stdout:
            problems.append("dot -Tsvg failed: " + r.stderr.strip())
    return problems


def documented(cli, scenario, expect):
    """Only the answers a Microsoft page states, so wording changes do not break these."""
    with open(expect, encoding="utf-8") as f:
        want = json.load(f)
    if not want.get("source") or not want.get("hops"):
        return [expect + ": needs a source and at least one hop"]
    p = run([cli, "explain", scenario, "--json"])
    if p.returncode != 0:
        return [f"--json exit {p.returncode}: {p.stderr.strip()}"]
    got = json.loads(p.stdout)["hops"]
    if len(got) != len(want["hops"]):
        return [f"{len(got)} hops, the sidecar describes {len(want['hops'])}"]
    problems = []
    for i, (w, h) in enumerate(zip(want["hops"], got)):
        actual = {"arrives_as": (h["arrives_as"] or {}).get("name"), "outcome": h["outcome"],
                  "protocol": h["protocol"], "unsettled": h["unsettled"]}
        for key in ("arrives_as", "outcome", "protocol", "unsettled"):
            expected = w.get(key, False) if key == "unsettled" else w.get(key, actual[key])
            if actual[key] != expected:
                problems.append(f"hop {i} ({h['target']}): {key} is {actual[key]!r}, the "
                                f"documented answer is {expected!r} ({want['source']})")
    return problems


def bad(cli, scenario, path):
    p = run([cli, "explain", scenario, "--json"])
    problems = []
    if p.returncode != 1:
        problems.append(f"exit {p.returncode}, expected 1")
    if p.stdout:
        problems.append("printed to stdout: " + p.stdout[:200])
    want = f"(at {path})" if path != "-" else "(at byte offset "
    if want not in p.stderr:
        problems.append(f"stderr does not contain {want!r}: {p.stderr.strip()}")
    return problems


def usage(cli):
    """Usage errors exit 2, --help exits 0, a missing file exits 1, --rules lists the rules."""
    problems = []
    for args, code in (([], 2), (["a.json", "b.json"], 2), (["x.json", "--json", "--dot"], 2),
                       (["--help"], 0), (["/nonexistent/scenario.json"], 1),
                       (["--rules", "--dot"], 2)):
        p = run([cli, "explain"] + args)
        if p.returncode != code:
            problems.append(f"explain {' '.join(args)}: exit {p.returncode}, expected {code}")
    p = run([cli, "explain", "--rules", "--json"])
    try:
        rules = json.loads(p.stdout)
        ids = [r["id"] for r in rules]
        if len(ids) != len(set(ids)) or not all(r["source"] for r in rules):
            problems.append("--rules: duplicate ids or a rule without a source")
    except (ValueError, KeyError, TypeError) as e:
        problems.append(f"--rules --json is not a rule list: {e}")
    return problems


def main():
    mode, cli = sys.argv[1:3]
    if mode == "usage":
        problems = usage(cli)
    else:
        scenario, arg = sys.argv[3:5]
        check = {"example": example, "documented": documented}.get(mode, bad)
        problems = check(cli, scenario, arg)
    for pr in problems:
        print("FAIL:", pr)
    print(f"{0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
