#!/usr/bin/env python3
"""The whole server (label cli): `tokenlens iis --map` adds web_config and hops to every
application, `tokenlens diagnose` gives the explain answer for each hop; configSource,
redirection.config, fragments, variables, nested applications and hostile inputs.

usage: check_server.py CASE TOKENLENS DATA_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

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


def web01():
    root = os.path.join(DATA, "web01", "c")
    return (os.path.join(root, "Windows", "System32", "inetsrv", "config",
                         "applicationHost.config"), "C:\\=" + root)


def case_iis_map():
    config, m = web01()
    d = json.loads(run("iis", config, "--map", m, "--json").stdout or "{}")
    sites = {s["name"]: s for s in d.get("sites", [])}
    check(set(sites) == {"shop", "files"}, f"sites from configSource pools: {list(sites)}")
    check(any("pools.config" in w for w in d["warnings"]), "configSource is reported")
    shop = {a["path"]: a for a in sites["shop"]["applications"]}
    root, api = shop["/"], shop["/api"]
    check(root["web_config"]["impersonate"] is True, "root web.config read through the map")
    check(root["hops"] == [{"target": "MSSQLSvc/db01.contoso.com:1433",
                            "source": "connectionStrings/ShopDb"}], f"root hops {root['hops']}")
    # the nested application inherits its parent's web.config as ASP.NET does
    check(api["web_config"]["impersonate"] is True, "inherited impersonate")
    check([h["target"] for h in api["hops"]] == ["MSSQLSvc/db01.contoso.com:1433",
                                                 "MSSQLSvc/orders.contoso.com:1500"],
          f"inherited + own connections: {api['hops']}")
    check(api["web_config"]["aspnetcore"]["hosting_model"] == "inprocess", "api is ASP.NET Core")
    check(len(api["web_config"]["files"]) == 2, "both files named")
    files = sites["files"]["applications"][0]
    check(files["hops"][0]["target"] == "cifs/fs01.contoso.com", "UNC share hop")
    # a virtual directory's own web.config adds its targets, named by the directory
    check({"target": "MSSQLSvc/reports.contoso.com:RS", "source": "/reports: connectionStrings/Reports"}
          in files["hops"], f"virtual directory hop: {files['hops']}")
    vd = files["virtual_directories"]
    check(len(vd) == 1 and vd[0]["path"] == "/reports" and vd[0]["web_config"] is not None,
          f"virtual_directories {vd}")
    # without maps the contract keys are there, empty
    d = json.loads(run("iis", config, "--json").stdout or "{}")
    for s in d.get("sites", []):
        for a in s["applications"]:
            check(a["web_config"] is None and a["hops"] == [], "no map: null/[]")
    run("iis", config, "--map", "nonsense", exit=2)
    # a parent's <location path="api"> reaches the child application /api
    with tempfile.TemporaryDirectory() as tmp:
        dst = os.path.join(tmp, "c")
        shutil.copytree(os.path.join(DATA, "web01", "c"), dst)
        wc = os.path.join(dst, "inetpub", "shop", "web.config")
        with open(wc) as f:
            text = f.read()
        with open(wc, "w") as f:
            f.write(text.replace("</configuration>", '<location path="api"><system.web>'
                                 '<identity impersonate="false" /></system.web></location>'
                                 "</configuration>"))
        cfg = os.path.join(dst, "Windows", "System32", "inetsrv", "config", "applicationHost.config")
        d = json.loads(run("iis", cfg, "--map", "C:\\=" + dst, "--json").stdout or "{}")
        apps = {a["path"]: a for a in d["sites"][0]["applications"]}
        check(apps["/"]["web_config"]["impersonate"] is True, "root keeps impersonation")
        check(apps["/api"]["web_config"]["impersonate"] is False, "location path=api applies to /api")


def case_diagnose():
    config, m = web01()
    d = json.loads(run("diagnose", config, "--map", m, "--domain", "CONTOSO", "--json").stdout
                   or "{}")
    sites = {s["name"]: s for s in d.get("sites", [])}
    shop = {a["path"]: a for a in sites["shop"]["applications"]}
    h = shop["/"]["hops"][0]
    check(h["source"] == "connectionStrings/ShopDb" and h["outcome"] == "anonymous" and
          h["arrives_as"]["sid"] == "S-1-5-7", f"NTLM double hop: {h.get('outcome')}")
    for h in shop["/api"]["hops"]:
        check(h["arrives_as"]["name"] == "CONTOSO\\WEB01$" and h["outcome"] == "ok",
              "ASP.NET Core does not impersonate: the machine account")
    f = sites["files"]["applications"][0]["hops"][0]
    check(f["target"] == "cifs/fs01.contoso.com" and f["arrives_as"]["name"] == "CONTOSO\\WEB01$",
          "NetworkService -> machine account")
    r = sites["files"]["applications"][0]["hops"][1]
    check(r["source"] == "/reports: connectionStrings/Reports" and
          r["arrives_as"]["name"] == "CONTOSO\\WEB01$", f"virtual directory hop explained: {r}")
    for site in d["sites"]:
        for app in site["applications"]:
            for hop in app["hops"]:
                check({"target", "from", "arrives_as", "protocol", "outcome", "steps",
                       "source"} <= set(hop), f"HOP keys {sorted(hop)}")
    text = run("diagnose", config, "--map", m, "--domain", "CONTOSO").stdout
    check("shop → MSSQLSvc/db01.contoso.com:1433 (connectionStrings/ShopDb): arrives as "
          "NT AUTHORITY\\ANONYMOUS LOGON" in text, f"text line: {text}")
    dot = run("diagnose", config, "--map", m, "--domain", "CONTOSO", "--dot").stdout
    check(dot.startswith("digraph") and "color=orange" in dot and "color=darkgreen" in dot,
          "dot colours by outcome")
    if shutil.which("dot"):
        svg = run("diagnose", config, "--map", m, "--svg").stdout
        check("<svg" in svg and "cifs/fs01.contoso.com" in svg, "--svg renders through dot")
    else:
        p = run("diagnose", config, "--map", m, "--svg", exit=3)
        check("Graphviz" in p.stderr, "--svg without dot says why")
    # workgroup: the machine account does not exist off the box
    d = json.loads(run("diagnose", config, "--map", m, "--json").stdout or "{}")
    f = d["sites"][1]["applications"][0]["hops"][0]
    check(f["outcome"] == "anonymous", f"workgroup NetworkService: {f['outcome']}")
    run("diagnose", config, "--json", "--dot", exit=2)
    p = run("diagnose", config, "--ad", "dc01.contoso.com", exit=2)
    check("Active Directory" in p.stderr, "--ad is never ignored silently")


def case_redirection():
    r = os.path.join(DATA, "redirected")
    local = os.path.join(r, "local", "applicationHost.config")
    d = json.loads(run("iis", local, "--map", "\\\\cfg01\\iisconfig=" + os.path.join(r, "share"),
                       "--json").stdout or "{}")
    check([s["name"] for s in d.get("sites", [])] == ["shop", "files"], "redirected config read")
    check(any("cfg01" in n for n in d.get("server_notes", [])), "redirection is said")
    p = run("iis", local, "--json", exit=1)
    check("redirection.config" in p.stderr and "--map" in p.stderr, f"unmapped: {p.stderr}")


def case_hostile():
    config, m = web01()
    with tempfile.TemporaryDirectory() as tmp:
        # a copy of the server whose configSource file is missing: an error, not "0 sites"
        dst = os.path.join(tmp, "c")
        shutil.copytree(os.path.join(DATA, "web01", "c"), dst)
        cfgdir = os.path.join(dst, "Windows", "System32", "inetsrv", "config")
        os.unlink(os.path.join(cfgdir, "pools.config"))
        cfg = os.path.join(cfgdir, "applicationHost.config")
        p = run("iis", cfg, "--json", exit=1)
        check("pools.config" in p.stderr and "line 4" in p.stderr, f"missing configSource: {p.stderr}")
        os.mkdir(os.path.join(cfgdir, "pools.config"))
        p = run("iis", cfg, "--json", exit=1)
        check("not a regular file" in p.stderr, f"configSource directory: {p.stderr}")
        os.rmdir(os.path.join(cfgdir, "pools.config"))
        with open(os.path.join(cfgdir, "pools.config"), "w") as f:
            f.write("<!DOCTYPE x [<!ENTITY a 'b'>]><applicationPools/>")
        p = run("iis", cfg, "--json", exit=1)
        check("pools.config" in p.stderr and "DOCTYPE" in p.stderr, f"hostile include: {p.stderr}")
        with open(os.path.join(cfgdir, "pools.config"), "w") as f:
            f.write("<sites/>")
        p = run("iis", cfg, "--json", exit=1)
        check("replaces <applicationPools>" in p.stderr, f"wrong root: {p.stderr}")
        shutil.copy(os.path.join(DATA, "web01", "c", "Windows", "System32", "inetsrv", "config",
                                 "pools.config"), cfgdir)
        # a broken web.config names itself and its line
        with open(os.path.join(dst, "inetpub", "shop", "web.config"), "w") as f:
            f.write("<configuration>\n<system.web>\n<identity impersonate='true'\n")
        p = run("diagnose", cfg, "--map", "C:\\=" + dst, exit=1)
        check("shop" in p.stderr and "web.config" in p.stderr and "line" in p.stderr,
              f"broken web.config: {p.stderr}")
        os.unlink(os.path.join(dst, "inetpub", "shop", "web.config"))
        os.mkfifo(os.path.join(dst, "inetpub", "shop", "web.config"))
        p = run("diagnose", cfg, "--map", "C:\\=" + dst, exit=1)
        check("not a regular file" in p.stderr, f"FIFO web.config: {p.stderr}")
        # a fragment is read with a warning
        frag = os.path.join(tmp, "fragment.config")
        with open(frag, "w") as f:
            f.write('<system.applicationHost><applicationPools><add name="P"/></applicationPools>'
                    '<sites><site name="s" id="1"><application path="/" applicationPool="P"/>'
                    '</site></sites></system.applicationHost>')
        d = json.loads(run("iis", frag, "--json").stdout or "{}")
        check([s["name"] for s in d.get("sites", [])] == ["s"], "fragment sites")
        check(any("fragment" in w for w in d.get("warnings", [])), "fragment warning")
        run("iis", tmp, "--json", exit=1)


def main():
    global EXE, DATA
    case, EXE, DATA = sys.argv[1], sys.argv[2], os.path.join(sys.argv[3], "server")
    globals()["case_" + case]()
    for f in FAILS:
        print("FAIL:", f)
    print("ok" if not FAILS else f"{len(FAILS)} failure(s)")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
