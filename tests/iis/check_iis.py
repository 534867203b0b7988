#!/usr/bin/env python3
"""CLI tests of `tokenlens iis`: check_iis.py CASE TOKENLENS DATA_DIR. One case per CTest test;
every failed expectation of a case is reported before it fails."""
import json
import subprocess
import sys

CASE, EXE, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def run(*args):
    p = subprocess.run([EXE, "iis", *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what):
    if not cond:
        failures.append(what)


def cfg(name):
    return f"{DATA}/iis/{name}"


def audit(name, *extra):
    rc, out, err = run(cfg(name), "--json", *extra)
    expect(rc == 0, f"{name}: exit {rc}, stderr {err!r}")
    return json.loads(out) if rc == 0 else {"sites": [], "shared_anonymous_identities": [],
                                            "findings": [], "application_pools": []}


def site(doc, name):
    return next((s for s in doc["sites"] if s["name"] == name), None)


def ident(i):
    return None if i is None else (i["name"], i["sid"])


COKE = "S-1-5-82-2346938391-3125840486-1306306810-1705824326-1878068061"
PEPSI = "S-1-5-82-879463526-3507018075-3562439838-1272300402-3951147617"


def case_coke_pepsi():
    d = audit("coke-pepsi.config")
    expect([s["name"] for s in d["sites"]] == ["coke", "pepsi"], "two sites coke, pepsi")
    c, p = site(d, "coke"), site(d, "pepsi")
    expect(c["app_pool"] == "Coke" and p["app_pool"] == "Pepsi", "pools Coke, Pepsi")
    expect(ident(c["process_identity"]) == ("IIS APPPOOL\\Coke", COKE), "coke process identity")
    expect(ident(p["process_identity"]) == ("IIS APPPOOL\\Pepsi", PEPSI), "pepsi process identity")
    for s in (c, p):
        expect(ident(s["anonymous_identity"]) == ("NT AUTHORITY\\IUSR", "S-1-5-17"),
               f"{s['name']} anonymous as IUSR")
        expect(isinstance(s["applications"], list) and s["applications"][0]["path"] == "/",
               f"{s['name']} applications")
    sh = d["shared_anonymous_identities"]
    expect(len(sh) == 1 and ident(sh[0]["identity"]) == ("NT AUTHORITY\\IUSR", "S-1-5-17")
           and sh[0]["sites"] == ["coke", "pepsi"], f"shared IUSR group: {sh}")
    kinds = [f["kind"] for f in d["findings"]]
    expect("shared_anonymous_identity" in kinds, f"shared finding in {kinds}")
    rc, out, _ = run(cfg("coke-pepsi.config"))
    expect(rc == 0, "plain output exit 0")
    expect("sites coke and pepsi both serve anonymous requests as NT AUTHORITY\\IUSR: either "
           "can read the other's content" in out, "the finding in plain words")
    expect("one pool per site" in out, "the fix in plain words")


def case_coke_pepsi_isolated():
    d = audit("coke-pepsi-isolated.config")
    expect(ident(site(d, "coke")["anonymous_identity"]) == ("IIS APPPOOL\\Coke", COKE),
           "coke anonymous = its pool identity")
    expect(ident(site(d, "pepsi")["anonymous_identity"]) == ("IIS APPPOOL\\Pepsi", PEPSI),
           "pepsi anonymous = its pool identity")
    expect(d["shared_anonymous_identities"] == [], "no shared anonymous identity")
    expect(not any(f["kind"] in ("shared_anonymous_identity", "shared_application_pool")
                   for f in d["findings"]), "no sharing findings")
    rc, out, _ = run(cfg("coke-pepsi-isolated.config"))
    expect("shared anonymous identities: none" in out, "plain output says none")


def case_rules():
    d = audit("pool-identities.config")
    text = json.dumps(d)
    expect("Secr3t" not in text and "never-print" not in text, "no password in the output")
    rc, out, err = run(cfg("pool-identities.config"))
    expect("Secr3t" not in out + err and "never-print" not in out + err, "no password in text")
    pools = {p["name"]: p for p in d["application_pools"]}
    expect(pools["inherits"]["identity_type"] == "NetworkService", "applicationPoolDefaults inherited")
    expect(pools["svc"]["user_name"] == "CONTOSO\\svc-web" and
           pools["svc"]["process_identity"]["sid"] is None, "SpecificUser: name, no SID")
    expect(any(f["kind"] == "local_system_pool" and f["severity"] == "critical"
               for f in d["findings"]), "LocalSystem finding")
    d = audit("locations.config")
    shop = site(d, "shop")
    api = next(a for a in shop["applications"] if a["path"] == "/api")
    expect(api["anonymous_identity"] is None, "shop/api: anonymous off")
    expect(api["windows_authentication"] == {"enabled": True, "providers": ["Negotiate"],
                                             "use_kernel_mode": False,
                                             "use_app_pool_credentials": True},
           f"shop/api windows: {api['windows_authentication']}")
    expect(site(d, "blog")["anonymous_identity"]["name"] == "CONTOSO\\anon-blog",
           "blog: specific anonymous user")
    d = audit("locked.config")
    expect("500.19" in (site(d, "coke")["applications"][0]["config_error"] or ""),
           "coke: locked section error")
    expect(ident(site(d, "coke")["anonymous_identity"]) == ("NT AUTHORITY\\IUSR", "S-1-5-17"),
           "coke keeps the locked IUSR")
    d = audit("defaults.config")
    expect(site(d, "plain")["app_pool"] == "DefaultAppPool" and
           site(d, "plain")["anonymous_identity"] is None, "defaults: DefaultAppPool, anonymous off")
    d = audit("inherit.config")
    expect("never-print" not in json.dumps(d), "inherit: no password in the output")
    ex = site(d, "extranet")["applications"][0]
    expect(ex["content_user"] == "CONTOSO\\content-reader", f"connect-as user: {ex['content_user']}")
    expect(any(f["kind"] == "kerberos_kernel_mode" for f in d["findings"]), "kernel-mode Kerberos finding")
    expect(ident(site(d, "portal")["applications"][1]["anonymous_identity"]) ==
           ("NT AUTHORITY\\IUSR", "S-1-5-17"), "inheritInChildApplications=false")
    d = audit("shared-pool.config")
    kinds = [f["kind"] for f in d["findings"]]
    expect("undeclared_pool" in kinds and "shared_application_pool" in kinds, f"findings {kinds}")


def case_iisexpress():
    d = audit("iisexpress.config", "--var", "IIS_SITES_HOME=C:\\Users\\me\\Documents\\My Web Sites")
    w = site(d, "WebSite1")
    expect(w["physical_path"] == "C:\\Users\\me\\Documents\\My Web Sites\\WebSite1",
           f"%IIS_SITES_HOME% expanded: {w['physical_path']}")
    expect(w["anonymous_identity"]["name"] == "IIS APPPOOL\\Clr4IntegratedAppPool",
           "userName=\"\" -> pool identity")


def case_hostile():
    for name, line in [("billion-laughs", 2), ("external-entity", 2), ("deep-nesting", 3),
                       ("truncated", None), ("undefined-entity", 4), ("wrong-root", 2),
                       ("bad-identity-type", 5)]:
        rc, out, err = run(cfg(f"hostile/{name}.config"))
        expect(rc == 1, f"{name}: exit {rc}")
        want = f"line {line}," if line else "line "
        expect(want in err, f"{name}: stderr names the line ({want!r}): {err!r}")
        expect(out == "", f"{name}: nothing on stdout")


    # site ids are DWORDs: "12abc" is not 12, "-1" is not 2^64-1 (issue 18 item 6)
    import os
    import tempfile
    for bad in ("12abc", "-1", "4294967296", ""):
        with tempfile.NamedTemporaryFile("w", suffix=".config", delete=False) as t:
            t.write('<configuration>\n<system.applicationHost><sites>\n<site name="s" id="%s">'
                    '<application path="/" /></site></sites></system.applicationHost>'
                    '</configuration>' % bad)
        try:
            rc, out, err = run(t.name)
            expect(rc == 1 and out == "" and "line 3," in err and "is not a site id" in err,
                   f"site id {bad!r}: {rc} {err!r}")
        finally:
            os.unlink(t.name)
    # an account name IIS cannot log on is reported in the text and in --json
    with tempfile.NamedTemporaryFile("w", suffix=".config", delete=False) as t:
        t.write('<configuration><system.applicationHost><applicationPools>\n<add name="p">'
                '<processModel identityType="SpecificUser" userName="\\" /></add>'
                '</applicationPools><sites><site name="s" id="1"><application path="/" '
                'applicationPool="p" /></site></sites></system.applicationHost></configuration>')
    try:
        rc, out, err = run(t.name)
        expect(rc == 0 and "warnings:" in out and "line 2: processModel userName" in out,
               f"userName '\\': {rc} {out!r}")
        rc, out, err = run(t.name, "--json")
        d = json.loads(out) if rc == 0 else {}
        expect(any("is not an account name" in w for w in d.get("warnings", [])),
               f"userName '\\' in --json warnings: {d.get('warnings')}")
    finally:
        os.unlink(t.name)

    # A 2 MiB attribute: refused after 1 MiB without markup, naming line 1.
    import os
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".config", delete=False) as t:
        t.write('<configuration><system.applicationHost><sites><site name="' + "A" * (2 << 20)
                + '" /></sites></system.applicationHost></configuration>')
    try:
        rc, out, err = run(t.name)
        expect(rc == 1 and "line 1," in err and "1 MiB" in err, f"huge attribute: {rc} {err!r}")
    finally:
        os.unlink(t.name)


def case_usage():
    rc, out, _ = run("--help")
    expect(rc == 0 and "applicationHost.config" in out, "--help")
    rc, _, _ = run()
    expect(rc == 2, "no file: usage error")
    rc, _, _ = run(cfg("coke-pepsi.config"), "--var", "NOEQUALS")
    expect(rc == 2, "--var without =")
    rc, _, err = run(cfg("does-not-exist.config"))
    expect(rc == 1 and "does-not-exist" in err, "missing file: exit 1 naming it")
    rc, _, _ = run(cfg("coke-pepsi.config"), "--bogus")
    expect(rc == 2, "unknown option")


def case_isolation():
    rc, out, err = run(cfg("coke-pepsi.config"), "--content-file", cfg("coke-pepsi.content"),
                       "--json")
    expect(rc == 1, f"IUSR: isolation fails, exit {rc} {err!r}")
    iso = json.loads(out)["isolation"] if out else {"holds": None, "checks": []}
    expect(iso["holds"] is False, "IUSR: holds false")
    cross = [(c["reader"], c["content"], c["can_read"]) for c in iso["checks"]
             if c["reader"] != c["content"]]
    expect(sorted(cross) == [("coke", "pepsi", True), ("pepsi", "coke", True)],
           f"IUSR cross reads: {cross}")
    rc, out, err = run(cfg("coke-pepsi-isolated.config"), "--content-file",
                       cfg("coke-pepsi-isolated.content"), "--json")
    expect(rc == 0, f"pool identity: isolation holds, exit {rc} {err!r}")
    iso = json.loads(out)["isolation"] if out else {"holds": None, "checks": []}
    expect(iso["holds"] is True, "pool identity: holds true")
    got = sorted((c["reader"], c["content"], c["can_read"]) for c in iso["checks"])
    expect(got == [("coke", "coke", True), ("coke", "pepsi", False), ("pepsi", "coke", False),
                   ("pepsi", "pepsi", True)], f"pool identity checks: {got}")
    rc, out, _ = run(cfg("coke-pepsi.config"), "--content-file", cfg("coke-pepsi.content"))
    expect(rc == 1 and "isolation FAILS" in out, "plain verdict fails")
    rc, _, err = run(cfg("coke-pepsi.config"), "--content", "coke=D:(A;;FR;;;ZZ)")
    expect(rc == 1 and "offset" in err, f"bad SDDL names the offset: {err!r}")
    rc, _, err = run(cfg("coke-pepsi.config"), "--content", "fanta=D:(A;;FR;;;WD)")
    expect(rc == 1 and "fanta" in err, "unknown site")
    rc, _, _ = run(cfg("coke-pepsi.config"), "--content", "no-equals")
    expect(rc == 2, "--content without =")


def case_explain():
    rc, out, err = run(cfg("coke-pepsi.config"), "--explain", "coke", "--hop",
                       "MSSQLSvc/db01.contoso.com:1433", "--domain", "CONTOSO", "--json")
    expect(rc == 0, f"explain exit {rc}: {err!r}")
    if rc == 0:
        d = json.loads(out)
        expect(d["process"]["name"] == "IIS APPPOOL\\Coke", "explain: process")
        expect(d["hops"][0]["arrives_as"]["name"] == "NT AUTHORITY\\ANONYMOUS LOGON",
               f"IUSR arrives anonymously: {d['hops'][0]['arrives_as']}")
    rc, out, _ = run(cfg("coke-pepsi.config"), "--explain", "pepsi", "--scenario")
    expect(rc == 0 and json.loads(out)["tokenlens_scenario"] == 1, "--scenario prints v1")
    rc, _, err = run(cfg("coke-pepsi.config"), "--explain", "fanta")
    expect(rc == 1 and "fanta" in err, "explain: unknown site")
    # SITE is a name, never a number read loosely: coke has id 2, and "2" / "2abc" / "-1" are
    # no site's name (issue 18 item 6)
    for name in ("2", "2abc", "-1"):
        rc, out, err = run(cfg("coke-pepsi.config"), "--explain", name)
        expect(rc == 1 and out == "" and f"no site named '{name}'" in err,
               f"explain {name!r}: {rc} {err!r}")
    rc, out, err = run(cfg("coke-pepsi.config"), "--content", "2=D:(A;;FA;;;WD)")
    expect(rc == 1 and "no site named '2'" in err, f"--content 2=: {rc} {err!r}")


def case_content_file():
    """Issue 18 items 1 and 5: --content-file never gives a verdict from part of the input;
    every bad file is exit 1 with the file (and line) named and nothing on stdout."""
    import os
    import tempfile
    conf = cfg("coke-pepsi-isolated.config")
    good = open(cfg("coke-pepsi-isolated.content"), "rb").read()
    # the line that makes isolation fail: pepsi's folder readable by Everyone
    breach = b"pepsi=D:(A;OICI;FA;;;WD)\n"
    coke_only = b"".join(l + b"\n" for l in good.splitlines() if l.startswith(b"coke="))
    tmp = tempfile.mkdtemp()

    def write(name, data):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def pad_to(data, size):
        """`data` then comment lines (of 1000 bytes at most) up to exactly `size` bytes."""
        out = bytearray(data)
        while len(out) < size:
            n = min(1000, size - len(out))
            out += b"#" * (n - 1) + b"\n"
        return bytes(out)

    cases = [
        # (name, path, text that stderr must hold)
        ("directory", tmp, tmp),
        ("NUL mid-file", write("nul.content", coke_only + b"x\0y\n" + breach), "line 2"),
        ("invalid UTF-8", write("utf8.content", coke_only + b"pepsi=D:(A;;FA;;;WD)\xff\n"),
         "line 2: invalid UTF-8"),
        ("UTF-16", write("utf16.content", "coke=D:\n".encode("utf-16")), "UTF-16"),
        ("over 1 MiB", write("big.content", pad_to(coke_only, (1 << 20) + 1) + breach),
         "1048576-byte"),
        ("bad line after byte 1,048,575",
         write("late.content", pad_to(coke_only, (1 << 20) - 4) + b"xyz\n"), "expected SITE=SDDL"),
        ("duplicate site", write("dup.content", good + b"COKE=D:(A;;FA;;;WD)\n"),
         "given twice (first on line"),
        ("malformed line", write("bad.content", good + b"garbage\n"), "expected SITE=SDDL"),
        ("long line", write("long.content", coke_only + b"pepsi=D:" + b"(A;;FA;;;WD)" * 30000
                            + b"\n"), "line 2: line longer than"),
    ]
    if os.path.exists("/dev/zero"):
        cases.append(("/dev/zero", "/dev/zero", "/dev/zero"))
    for name, path, says in cases:
        rc, out, err = run(conf, "--content-file", path)
        expect(rc == 1, f"{name}: exit {rc} (want 1), stderr {err!r}")
        expect(out == "", f"{name}: no verdict on stdout: {out[:200]!r}")
        expect(says in err, f"{name}: stderr names {says!r}: {err!r}")
        if name not in ("directory", "/dev/zero"):
            expect(os.path.basename(path) in err, f"{name}: stderr names the file: {err!r}")
    # the line right at the end of a full 1 MiB file is read: its breach is found
    rc, out, err = run(conf, "--content-file",
                       write("full.content", pad_to(coke_only, (1 << 20) - len(breach)) + breach))
    expect(rc == 1 and "isolation FAILS" in out, f"breach at byte 1,048,5xx: {rc} {err!r}")
    # a UTF-8 byte order mark (Notepad, PowerShell's -Encoding utf8BOM) is fine
    rc, out, err = run(conf, "--content-file", write("bom.content", b"\xef\xbb\xbf" + good))
    expect(rc == 0 and "isolation holds" in out, f"UTF-8 BOM: {rc} {err!r}")
    # --content and --content-file naming the same site: refused too
    rc, out, err = run(conf, "--content", "coke=D:(A;;FA;;;BA)", "--content-file",
                       cfg("coke-pepsi-isolated.content"))
    expect(rc == 1 and out == "" and "given twice" in err, f"--content + file dup: {rc} {err!r}")
    # many denied reads: summarised per reader in text, listed in --json
    many = cfg("coke-pepsi-isolated.config")
    rc, out, _ = run(many, "--content-file", cfg("coke-pepsi-isolated.content"))
    expect("denied" in out and "--json lists" not in out, "two sites: each check listed")


def case_combinations():
    """Issue 18 item 6: an option that does nothing in the combination given is exit 2,
    naming it."""
    conf = cfg("coke-pepsi.config")
    content = cfg("coke-pepsi.content")
    rows = [
        (["--app", "/"], "--app"),
        (["--scenario"], "--scenario"),
        (["--hop", "MSSQLSvc/db:1433"], "--hop"),
        (["--machine", "WEB02"], "--machine"),
        (["--domain", "CONTOSO"], "--domain"),
        (["--user", "CONTOSO\\alice"], "--user"),
        (["--protocol", "kerberos"], "--protocol"),
        (["--content-file", content, "--app", "/"], "--app"),
        (["--explain", "coke", "--content", "coke=D:"], "--content"),
        (["--explain", "coke", "--content-file", content], "--content-file"),
        (["--explain", "coke", "--protocol", "kerberos"], "--protocol"),
        (["--var", "=x"], "--var"),
        (["--var", "NAME"], "--var"),
        (["--map", "C:\\=/tmp"], "--map"),
        (["--map", "C:\\=/tmp", "--explain", "coke", "--json"], "--map"),
        (["--map", "C:\\=/tmp", "--content-file", content, "--json"], "--map"),
    ]
    for args, name in rows:
        rc, out, err = run(conf, *args)
        expect(rc == 2, f"{args}: exit {rc} (want 2)")
        expect(name in err and out == "", f"{args}: stderr names {name}: {err!r}")
    # and the meaningful combinations still work
    for args in (["--explain", "coke", "--app", "/", "--user", "CONTOSO\\alice", "--protocol",
                  "kerberos", "--machine", "WEB02", "--domain", "CONTOSO"],
                 ["--explain", "coke", "--scenario"], ["--var", "X=1"]):
        rc, _, err = run(conf, *args)
        expect(rc == 0, f"{args}: exit {rc} {err!r}")


globals()[f"case_{CASE}"]()
for f in failures:
    print(f"FAIL {CASE}: {f}")
sys.exit(1 if failures else 0)
