#!/usr/bin/env python3
"""`tokenlens webconfig` (label cli): the PRODUCT.md JSON on realistic web.config files, the
SqlClient connection-string rules and SPNs (table below), and hostile input.

usage: check_webconfig.py CASE TOKENLENS DATA_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
from xml.sax.saxutils import quoteattr

EXE = DATA = ""
FAILS = []


def run(*args, exit=0):
    p = subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120)
    if p.returncode != exit:
        FAILS.append(f"{args}: exit {p.returncode}, expected {exit}\n{p.stdout}\n{p.stderr}")
    return p


def check(cond, what):
    if not cond:
        FAILS.append(what)


def wc(path):
    p = run("webconfig", path, "--json")
    return json.loads(p.stdout) if p.returncode == 0 else {}


def case_classic():
    d = wc(os.path.join(DATA, "classic.config"))
    check(d["impersonate"] is True, "impersonate")
    check(d["impersonate_user"] is None, "impersonate_user")
    check(d["authentication_mode"] == "Windows", "authentication_mode")
    check(d["aspnetcore"] is None, "aspnetcore")
    byname = {c["name"]: c for c in d["connections"]}
    check(set(byname) == {"ShopDb", "Reports", "Legacy", "LocalCache", "Dot", "Oracle", "Edmx",
                          "AuditDb"}, f"connection names {sorted(byname)}")
    check(byname["ShopDb"]["where"] == "connectionStrings", "where")
    check(byname["AuditDb"]["where"] == "appSettings", "appSettings where")
    check(byname["Edmx"]["spn"] == "MSSQLSvc/db03.contoso.com:1433", "EF inner connection")
    check(byname["Oracle"]["sql_server"] is False and byname["Oracle"]["spn"] is None, "oracle")
    check(byname["Legacy"]["integrated"] is False, "SQL login")
    check(d["unc_paths"] == ["\\\\fs01.contoso.com\\uploads\\shop"], f"unc {d['unc_paths']}")
    check(d["unc_targets"][0]["spn"] == "cifs/fs01.contoso.com", "cifs spn")
    ao = d["auth_overrides"]
    check(ao["anonymous"] == {"enabled": False, "userName": None, "locked_by_default": True},
          f"anonymous override {ao['anonymous']}")
    check(ao["windows"]["enabled"] is True and ao["windows"]["providers"] == ["Negotiate", "NTLM"],
          f"windows override {ao['windows']}")
    check(any("500.19" in n for n in d["notes"]), "locked sections say 500.19")
    check(d["locations"] == [{"path": "admin", "impersonate": False, "impersonate_user": None,
                              "authentication_mode": None,
                              "auth_overrides": {"anonymous": None, "windows": None},
                              "allow_override": None}], f"locations {d['locations']}")
    # "Greeting" (no server) and the \\?\ and ..\ values are not targets
    check("Greeting" not in byname, "plain appSettings values are not connections")
    text = run("webconfig", os.path.join(DATA, "classic.config")).stdout
    check("ShopDb (connectionStrings): MSSQLSvc/db01.contoso.com:1433, Windows integrated" in text,
          "human output")


def case_aspnetcore():
    table = [("aspnetcore.config", "inprocess", True, True),
             ("aspnetcore-default.config", "outofprocess", False, False),
             ("aspnetcore-v1.config", "outofprocess", True, True)]
    for f, model, fwd, written in table:
        d = wc(os.path.join(DATA, f))
        a = d.get("aspnetcore") or {}
        check(a.get("hosting_model") == model, f"{f}: hosting_model {a.get('hosting_model')}")
        check(a.get("forward_windows_auth_token") is fwd, f"{f}: forwardWindowsAuthToken")
        check(a.get("hosting_model_written") is written, f"{f}: written")
    d = wc(os.path.join(DATA, "aspnetcore-v1.config"))
    check(any("V1 module" in n for n in d["notes"]), "V1 + inprocess is reported")


def case_includes():
    d = wc(os.path.join(DATA, "include", "web.config"))
    check([c["spn"] for c in d["connections"]] == ["MSSQLSvc/db05:1433"], "configSource followed")
    check(any("secret.config" in n and "ignores" in n for n in d["notes"]), "missing file= noted")
    p = run("webconfig", os.path.join(DATA, "include-missing", "web.config"), exit=1)
    check("gone.config" in p.stderr and "line 3" in p.stderr, f"unreadable configSource: {p.stderr}")


def case_transform_encrypted():
    d = wc(os.path.join(DATA, "transform.config"))
    check(d["transform"] is True, "transform flagged")
    check(sum("xdt:Transform" in n for n in d["notes"]) == 2, "each transform reported")
    d = wc(os.path.join(DATA, "encrypted.config"))
    check(d["encrypted_sections"] == ["connectionStrings"], "encrypted section")
    check(d["connections"] == [], "nothing guessed from an encrypted section")


# Data Source / keywords -> (integrated, host, port, instance, spn). Sources: ADO.NET
# "Connection String Syntax" and SqlClient's SPN rules (docs/webconfig.md).
CONNSTRS = [
    ("Data Source=db01.contoso.com;Integrated Security=SSPI", None,
     (True, "db01.contoso.com", 1433, None, "MSSQLSvc/db01.contoso.com:1433")),
    ("Server=tcp:db01.contoso.com,1500;Trusted_Connection=yes", None,
     (True, "db01.contoso.com", 1500, None, "MSSQLSvc/db01.contoso.com:1500")),
    ("Address=db01\\SALES;Integrated Security=true", None,
     (True, "db01", None, "SALES", "MSSQLSvc/db01:SALES")),
    ("Addr=db01\\SALES,2000;Integrated Security=TRUE", None,
     (True, "db01", 2000, "SALES", "MSSQLSvc/db01:2000")),
    ("Network Address=10.1.2.3;integrated security=sspi", None,
     (True, "10.1.2.3", 1433, None, "MSSQLSvc/10.1.2.3:1433")),
    ("Data Source=.;Integrated Security=True", None, (True, "local", 1433, None, None)),
    ("Data Source=(local);Integrated Security=True", None, (True, "local", 1433, None, None)),
    ("Data Source=localhost\\SQLEXPRESS;Integrated Security=True", None,
     (True, "local", None, "SQLEXPRESS", None)),
    ("Data Source=(LocalDB)\\MSSQLLocalDB;Integrated Security=True", None,
     (True, "(localdb)", None, "MSSQLLocalDB", None)),
    ("Data Source=db01;User ID=web;Password=x", None, (False, "db01", 1433, None,
                                                      "MSSQLSvc/db01:1433")),
    ("Data Source=db01;Integrated Security=false", None,
     (False, "db01", 1433, None, "MSSQLSvc/db01:1433")),
    ("Data Source=db01;Integrated Security=no", None,
     (False, "db01", 1433, None, "MSSQLSvc/db01:1433")),
    # quoting: doubled quotes, ';' inside quotes, the last duplicate wins, '==' in a keyword
    ("Password='a;b''c';Data Source=first;Server=\"db02\";Integrated Security=yes", None,
     (True, "db02", 1433, None, "MSSQLSvc/db02:1433")),
    ("  data source = db03 ; integrated security = SSPI ;", None,
     (True, "db03", 1433, None, "MSSQLSvc/db03:1433")),
    ("Data Source=db04;Integrated Security=SSPI", "Microsoft.Data.SqlClient",
     (True, "db04", 1433, None, "MSSQLSvc/db04:1433")),
    ("Provider=SQLOLEDB;Data Source=db05;Integrated Security=SSPI", None,
     (True, "db05", 1433, None, None)),
    ("Server=mysql01;Database=x;Uid=u;Pwd=p;", "MySql.Data.MySqlClient",
     (False, "mysql01", 1433, None, None)),
]


def case_connstrings():
    with tempfile.TemporaryDirectory() as tmp:
        adds = "".join(
            f"<add name={quoteattr(str(i))} connectionString={quoteattr(cs)}"
            + (f" providerName={quoteattr(pn)}" if pn else "") + "/>\n"
            for i, (cs, pn, _) in enumerate(CONNSTRS))
        path = os.path.join(tmp, "web.config")
        with open(path, "w") as f:
            f.write(f"<configuration><connectionStrings>\n{adds}</connectionStrings>"
                    "</configuration>\n")
        d = wc(path)
        got = {c["name"]: c for c in d.get("connections", [])}
        for i, (cs, pn, want) in enumerate(CONNSTRS):
            c = got.get(str(i))
            if not c:
                FAILS.append(f"{cs!r}: no connection")
                continue
            have = (c["integrated"], c["host"], c["port"], c["instance"], c["spn"])
            check(have == want, f"{cs!r}: {have} != {want}")
        check(got["15"]["sql_server"] is False, "OLE DB is not SqlClient")
        check(got["16"]["provider"] == "mysql", "MySQL provider")
        # malformed strings are reported, not dropped silently
        with open(path, "w") as f:
            f.write('<configuration><connectionStrings><add name="bad" connectionString='
                    '"Data Source=\'db01;Integrated Security=true"/></connectionStrings>'
                    '</configuration>')
        d = wc(path)
        check(d["connections"] == [] and any("not closed" in n for n in d["notes"]),
              f"unclosed quote noted: {d.get('notes')}")


def case_hostile():
    def bad(path, *words, exit=1):
        p = run("webconfig", path, exit=exit)
        for w in words:
            check(w in p.stderr, f"{path}: stderr lacks {w!r}: {p.stderr}")

    bad(os.path.join(DATA, "doctype.config"), "DOCTYPE", "line 2")
    bad(os.path.join(DATA, "notconfig.config"), "not a web.config")
    bad(os.path.join(DATA, "truncated.config"), "line 4")
    with tempfile.TemporaryDirectory() as tmp:
        deep = os.path.join(tmp, "deep.config")
        with open(deep, "w") as f:
            f.write("<configuration>" + "<a>" * 10000 + "</a>" * 10000 + "</configuration>")
        bad(deep, "nested deeper", "deep.config")
        huge = os.path.join(tmp, "huge.config")
        with open(huge, "w") as f:
            f.write('<configuration><appSettings><add key="k" value="' + "x" * (3 << 20) +
                    '"/></appSettings></configuration>')
        bad(huge, "1 MiB without markup", "huge.config")
        garbage = os.path.join(tmp, "garbage.config")
        with open(garbage, "wb") as f:
            f.write(bytes(range(256)) * 64)
        bad(garbage, "garbage.config", "line 1")
        bad(tmp, "is a directory")
        fifo = os.path.join(tmp, "fifo.config")
        os.mkfifo(fifo)
        bad(fifo, "not a regular file")
        bad(os.path.join(tmp, "missing.config"), "missing.config", "cannot open")
        # UTF-16 with a BOM reads like UTF-8
        u16 = os.path.join(tmp, "u16.config")
        with open(u16, "wb") as f:
            f.write('<?xml version="1.0" encoding="utf-16"?><configuration><system.web>'
                    '<identity impersonate="true" userName="CONTOSO\\svc"/></system.web>'
                    '</configuration>'.encode("utf-16"))
        d = wc(u16)
        check(d.get("impersonate_user") == "CONTOSO\\svc", "UTF-16 BOM")
    run("webconfig", exit=2)


def main():
    global EXE, DATA
    case, EXE, DATA = sys.argv[1], sys.argv[2], os.path.join(sys.argv[3], "webconfig")
    globals()["case_" + case]()
    for f in FAILS:
        print("FAIL:", f)
    print("ok" if not FAILS else f"{len(FAILS)} failure(s)")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
