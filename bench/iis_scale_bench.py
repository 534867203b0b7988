#!/usr/bin/python3
"""Worst cases of `tokenlens iis` (issue 18 item 2): wall time and peak RSS, side by side.

    /usr/bin/python3 bench/iis_scale_bench.py build/rel/cli/tokenlens build/rel/bench/iis_gen
    /usr/bin/python3 bench/iis_scale_bench.py ... --quick      # a smoke run: small sizes

1. The whole-server audit: text against --json on the same iis_gen file (N sites); the ratio is
   --json / text. Streamed, --json's memory is the audit's, not the document's.
2. The isolation verdict: --content-file with one folder per site (each granted to its own
   pool identity and Administrators: distinct identities x distinct descriptors, the most
   access checks there are), text and --json; one descriptor for every folder (the access
   checks collapse to one per identity); every line given twice; and one site given 4096
   times, the issue's 84 KB worst case (both refused at once now).
Each row is the best of --rounds runs; peak RSS is the child's ru_maxrss (wait4).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ADMIN = "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"


def measure(cmd, rounds):
    """(seconds, peak RSS MiB, exit status, stdout bytes): best time, largest RSS."""
    best, rss, status, size = 1e9, 0, None, 0
    for _ in range(rounds):
        with tempfile.TemporaryFile() as out:
            start = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
            _, st, ru = os.wait4(p.pid, 0)
            best = min(best, time.perf_counter() - start)
            rss = max(rss, ru.ru_maxrss / 1024.0)
            status = os.waitstatus_to_exitcode(st)
            size = out.tell()
    return best, rss, status, size


def row(cells):
    print("| " + " | ".join(cells) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tokenlens")
    ap.add_argument("iis_gen")
    ap.add_argument("--sites", type=int, nargs="*", default=[1000, 10000, 200000])
    ap.add_argument("--iso", type=int, nargs="*", default=[64, 256, 1024])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dup-lines", type=int, default=4096)
    ap.add_argument("--no-dup-json", action="store_true",
                    help="skip --json for the duplicated site (a build without the limits needs"
                    " tens of GB there)")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.sites, a.iso, a.rounds, a.dup_lines = [100], [16], 1, 64
    tmp = tempfile.mkdtemp(prefix="iis_scale_")
    exe = a.tokenlens

    print("### whole server: text vs --json\n")
    row(["sites", "file MiB", "text s", "--json s", "time ratio", "text MiB RSS",
         "--json MiB RSS", "RSS ratio", "--json output MiB"])
    row(["---:"] * 9)
    for n in a.sites:
        conf = os.path.join(tmp, "s%d.config" % n)
        subprocess.run([a.iis_gen, str(n), conf], check=True)
        t = measure([exe, "iis", conf], a.rounds)
        j = measure([exe, "iis", conf, "--json"], a.rounds)
        if t[2] != 0 or j[2] != 0:
            sys.exit("iis %s: exit %s / %s" % (conf, t[2], j[2]))
        row(["%d" % n, "%.1f" % (os.path.getsize(conf) / 2**20), "%.2f" % t[0], "%.2f" % j[0],
             "%.2fx" % (j[0] / t[0]), "%.0f" % t[1], "%.0f" % j[1], "%.2fx" % (j[1] / t[1]),
             "%.1f" % (j[3] / 2**20)])
        os.unlink(conf)

    print("\n### isolation verdict (--content-file)\n")
    row(["sites", "content", "checks", "text s", "text MiB RSS", "--json s", "--json MiB RSS",
         "json/text time", "json/text RSS", "exit"])
    row(["---:", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"])
    for n in a.iso:
        conf = os.path.join(tmp, "i%d.config" % n)
        subprocess.run([a.iis_gen, str(n), conf], check=True)
        doc = json.loads(subprocess.run([exe, "iis", conf, "--json"], capture_output=True,
                                        check=True).stdout)
        own, same, dup = [], [], []
        readers = sum(1 for s in doc["sites"] if s["anonymous_identity"])
        for s in doc["sites"]:
            sid = s["process_identity"]["sid"] or "BA"
            own.append("%s=%s(A;OICI;0x1200a9;;;%s)" % (s["name"], ADMIN, sid))
            same.append("%s=%s(A;OICI;0x1200a9;;;S-1-5-17)" % (s["name"], ADMIN))
        dup = own + own
        for label, lines in (("own folder each", own), ("one descriptor", same),
                             ("every line twice", dup)):
            content = os.path.join(tmp, "i%d.content" % n)
            with open(content, "w") as f:
                f.write("\n".join(lines) + "\n")
            t = measure([exe, "iis", conf, "--content-file", content], a.rounds)
            j = measure([exe, "iis", conf, "--content-file", content, "--json"], a.rounds)
            checks = readers * n if label != "every line twice" else 0
            row(["%d" % n, label, "%d" % checks, "%.3f" % t[0], "%.0f" % t[1], "%.3f" % j[0],
                 "%.0f" % j[1], "%.2fx" % (j[0] / t[0]), "%.2fx" % (j[1] / t[1]),
                 "%d" % t[2]])
        os.unlink(conf)
        os.unlink(content)
    # the case: one site given TL_IIS_CONTENT_MAX_SITES times (an 84 KB file was once
    # 16.7 M checks); now refused at the second line
    n = a.dup_lines
    conf = os.path.join(tmp, "d.config")
    subprocess.run([a.iis_gen, "10", conf], check=True)
    content = os.path.join(tmp, "d.content")
    with open(content, "w") as f:
        f.write("site00000.example=D:(A;;FA;;;WD)\n" * n)
    print("\n### one site given %d times (%.0f KB content file)\n" % (n, os.path.getsize(content) / 1024))
    row(["mode", "s", "MiB RSS", "exit", "output MiB"])
    row(["---", "---:", "---:", "---:", "---:"])
    for mode in (["text"] + ([] if a.no_dup_json else ["--json"])):
        cmd = [exe, "iis", conf, "--content-file", content] + ([] if mode == "text" else [mode])
        r = measure(cmd, a.rounds)
        row([mode, "%.3f" % r[0], "%.0f" % r[1], "%d" % r[2], "%.1f" % (r[3] / 2**20)])
    os.unlink(conf)
    os.unlink(content)
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
