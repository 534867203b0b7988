#!/usr/bin/python3
"""CLI start-up against /bin/true, interleaved, best of --rounds (docs/benchmarks.md).

    /usr/bin/python3 bench/startup_bench.py build/rel/cli/tokenlens

Each measurement runs the command --runs times in a row through subprocess (the same fork +
exec cost for every row); the ratio to /bin/true is the number the goal is stated in.
"""
import argparse
import subprocess
import time


def best(cmd, runs, rounds):
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(runs):
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        out.append((time.perf_counter() - start) / runs)
    return min(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tokenlens")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    rows = [("/bin/true", ["/bin/true"]),
            ("tokenlens sid S-1-5-18", [a.tokenlens, "sid", "S-1-5-18"]),
            ("tokenlens sid 'IIS APPPOOL\\DefaultAppPool' (SHA-1)",
             [a.tokenlens, "sid", "IIS APPPOOL\\DefaultAppPool"])]
    res = {name: 1e9 for name, _ in rows}
    for _ in range(a.rounds):  # interleaved: each round measures every row once
        for name, cmd in rows:
            res[name] = min(res[name], best(cmd, a.runs, 1))
    base = res["/bin/true"]
    print("| command | us per run | ratio to /bin/true |")
    print("|---|---:|---:|")
    for name, _ in rows:
        print("| %s | %.0f | %.2fx |" % (name, res[name] * 1e6, res[name] / base))


if __name__ == "__main__":
    main()
