"""tokenlens.webconfig(path) and Token.from_whoami(text) (issue 14): the same answers as the
CLI, errors as exceptions naming the file and line."""
import json
import subprocess

import pytest

import tokenlens
from conftest import SOURCE_DIR, find_cli

pytestmark = pytest.mark.skipif(not hasattr(tokenlens, "webconfig"),
                                reason="built without the webconfig module")
WC = SOURCE_DIR / "tests" / "data" / "webconfig"
WHOAMI = SOURCE_DIR / "tests" / "data" / "whoami"


def test_webconfig_classic():
    d = tokenlens.webconfig(WC / "classic.config")
    assert d["impersonate"] is True
    spns = {c["name"]: c["spn"] for c in d["connections"]}
    assert spns["ShopDb"] == "MSSQLSvc/db01.contoso.com:1433"
    assert spns["Reports"] == "MSSQLSvc/reports.contoso.com:1500"
    assert spns["Oracle"] is None
    assert d["unc_paths"] == ["\\\\fs01.contoso.com\\uploads\\shop"]


@pytest.mark.parametrize("name,model", [("aspnetcore.config", "inprocess"),
                                        ("aspnetcore-default.config", "outofprocess")])
def test_webconfig_hosting_model(name, model):
    assert tokenlens.webconfig(WC / name)["aspnetcore"]["hosting_model"] == model


def test_webconfig_same_as_cli():
    cli = find_cli()
    if not cli:
        pytest.skip("CLI not built")
    path = WC / "classic.config"
    out = subprocess.run([cli, "webconfig", str(path), "--json"], capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(out) == tokenlens.webconfig(str(path))


@pytest.mark.parametrize("name,exc,words", [
    ("doctype.config", tokenlens.ParseError, "DOCTYPE"),
    ("notconfig.config", tokenlens.ParseError, "not a web.config"),
    ("missing.config", tokenlens.FileError, "missing.config"),
])
def test_webconfig_errors(name, exc, words):
    with pytest.raises(exc) as info:
        tokenlens.webconfig(WC / name)
    assert words in str(info.value)


def test_from_whoami():
    text = (WHOAMI / "all.txt").read_text()
    tok = tokenlens.Token.from_whoami(text)
    data = json.loads(tok.to_json())
    assert data["user"]["sid"] == "S-1-5-21-1004336348-1177238915-682003330-1106"
    assert data["integrity_level"]["name"] == "Medium"
    flags = {p["name"]: p["flags"] for p in data["privileges"]}
    assert "enabled" in flags["SeChangeNotifyPrivilege"]
    assert "enabled" not in flags["SeShutdownPrivilege"]
    assert tokenlens.whoami_notes(text) == ""
    assert tokenlens.Token.from_whoami(text.encode("utf-16")).to_json() == tok.to_json()


def test_from_whoami_notes_and_errors():
    assert "Aktiviert" in tokenlens.whoami_notes((WHOAMI / "german.txt").read_text())
    with pytest.raises(tokenlens.ParseError) as info:
        tokenlens.Token.from_whoami("contoso\\alice\n")
    assert "no user, group or privilege" in str(info.value)


SERVER = SOURCE_DIR / "tests" / "data" / "server" / "web01" / "c"
CONFIG = SERVER / "Windows" / "System32" / "inetsrv" / "config" / "applicationHost.config"


@pytest.mark.parametrize("maps", [{"C:\\": str(SERVER)}, [f"C:\\={SERVER}"]])
def test_diagnose(maps):
    d = tokenlens.diagnose(CONFIG, maps=maps, domain="CONTOSO")
    sites = {s["name"]: s for s in d["sites"]}
    hop = sites["shop"]["applications"][0]["hops"][0]
    assert hop["source"] == "connectionStrings/ShopDb"
    assert hop["arrives_as"]["name"] == "NT AUTHORITY\\ANONYMOUS LOGON"
    files = sites["files"]["applications"][0]["hops"][0]
    assert files["arrives_as"]["name"] == "CONTOSO\\WEB01$"


def test_diagnose_errors():
    with pytest.raises(ValueError):
        tokenlens.diagnose(CONFIG, maps=["nonsense"])
    with pytest.raises(tokenlens.FileError):
        tokenlens.diagnose(SERVER / "missing.config")
