"""IisAudit over the IIS corpus (tests/data/iis): identities per site, shared anonymous
identities, findings, hostile files, and parity with `tokenlens iis --json`."""
import json
import subprocess

import pytest

import tokenlens
from conftest import SOURCE_DIR, find_cli

DATA = SOURCE_DIR / "tests" / "data" / "iis"
CONFIGS = sorted(DATA.glob("*.config")) if DATA.is_dir() else []
HOSTILE = sorted((DATA / "hostile").glob("*.config")) if (DATA / "hostile").is_dir() else []


def test_coke_and_pepsi_share_iusr():
    audit = tokenlens.IisAudit.load(DATA / "coke-pepsi.config")
    coke = audit.site("COKE")  # case-insensitive
    assert coke.process_identity.name == "IIS APPPOOL\\Coke"
    assert coke.process_identity.sid == tokenlens.Sid("IIS APPPOOL\\Coke")
    assert coke.anonymous_identity.name == "NT AUTHORITY\\IUSR"
    shared = audit.shared_anonymous_identities
    assert shared[0].identity.sid == "S-1-5-17" and set(shared[0].sites) == {"coke", "pepsi"}
    assert any(f.kind == "shared_anonymous_identity" for f in audit.findings)
    assert "2 sites" in repr(audit)


def test_isolated_sites_do_not_share():
    audit = tokenlens.IisAudit.load(DATA / "coke-pepsi-isolated.config")
    assert audit.shared_anonymous_identities == ()
    for site in audit.sites:
        assert site.anonymous_identity.name == site.process_identity.name


def test_unknown_site_is_not_found():
    audit = tokenlens.IisAudit.load(DATA / "coke-pepsi.config")
    with pytest.raises(tokenlens.NotFoundError):
        audit.site("fanta")


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_matches_cli_json(path):
    cli = find_cli()
    if not cli:
        pytest.fail("the tokenlens CLI is not built (TOKENLENS_CLI)")
    want = json.loads(subprocess.run([cli, "iis", str(path), "--json"], check=True,
                                     stdout=subprocess.PIPE).stdout)
    # the CLI reads the whole server: each application gains web_config and hops (issue 14)
    want.pop("server_notes", None)
    for site in want["sites"]:
        for app in site["applications"]:
            assert app.pop("web_config") is None and app.pop("hops") == []
            app.pop("virtual_directories")
    audit = tokenlens.IisAudit.load(path)
    assert json.loads(audit.to_json()) == want
    assert [s.name for s in audit.sites] == [s["name"] for s in want["sites"]]
    for site, w in zip(audit.sites, want["sites"]):
        assert site.process_identity.name == w["process_identity"]["name"]
        anon = w["anonymous_identity"]
        assert (site.anonymous_identity.name if site.anonymous_identity else None) == \
            (anon["name"] if anon else None)


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.name)
def test_hostile_files_fail_cleanly(path):
    with pytest.raises(tokenlens.TokenLensError) as info:
        tokenlens.IisAudit.load(path)
    assert info.value.code_name in ("TL_EPARSE", "TL_ELIMIT")
    assert isinstance(info.value, ValueError)


def test_parse_text_and_bytes():
    text = (DATA / "coke-pepsi.config").read_text(encoding="utf-8")
    a = tokenlens.IisAudit.parse(text)
    b = tokenlens.IisAudit.parse(text.encode("utf-8"))
    assert a.to_json() == b.to_json()
    with pytest.raises(tokenlens.ParseError) as info:
        tokenlens.IisAudit.parse("<configuration><system.applicationHost>")
    assert info.value.path  # "line L, column C"


def test_site_as_scenario_explains_off_box():
    audit = tokenlens.IisAudit.load(DATA / "coke-pepsi.config")
    scenario = audit.scenario("coke", domain="CONTOSO", hop_target="MSSQLSvc/db01:1433")
    assert scenario["tokenlens_scenario"] == 1
    e = tokenlens.explain(scenario)
    assert e.process.name == "IIS APPPOOL\\Coke"
    assert e.hops[0].target == "MSSQLSvc/db01:1433"
    assert e.hops[0].arrives_as.name


def read_content(path):
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            site, sddl = line.split("=", 1)
            pairs[site.strip()] = sddl.strip()
    return pairs


CONTENT = sorted(DATA.glob("*.content")) if DATA.is_dir() else []


@pytest.mark.parametrize("content", CONTENT, ids=lambda p: p.name)
def test_isolation_matches_cli(content):
    config = content.with_suffix(".config")
    cli = find_cli()
    if not cli:
        pytest.fail("the tokenlens CLI is not built (TOKENLENS_CLI)")
    want = json.loads(subprocess.run([cli, "iis", str(config), "--content-file", str(content),
                                      "--json"], stdout=subprocess.PIPE).stdout)["isolation"]
    audit = tokenlens.IisAudit.load(config)
    got = audit.isolation(read_content(content))
    assert audit.isolation(content) == got  # the file read by the library, as the CLI reads it
    assert got.holds == want["holds"]
    assert len(got.checks) == len(want["checks"])
    for g, w in zip(got.checks, want["checks"]):
        assert (g.reader, g.content, g.can_read, g.own_content, g.reason) == \
            (w["reader"], w["content"], w.get("can_read"), w["own_content"], w["reason"])
        assert g.identity.name == w["identity"]["name"]


def test_isolation_verdicts():
    shared = tokenlens.IisAudit.load(DATA / "coke-pepsi.config")
    verdict = shared.isolation(read_content(DATA / "coke-pepsi.content"))
    assert not verdict.holds
    assert {(c.reader, c.content) for c in verdict.cross_site_reads} == \
        {("coke", "pepsi"), ("pepsi", "coke")}
    assert "CAN read" in str(verdict.cross_site_reads[0])
    isolated = tokenlens.IisAudit.load(DATA / "coke-pepsi-isolated.config")
    assert isolated.isolation(read_content(DATA / "coke-pepsi-isolated.content")).holds


def test_isolation_accepts_descriptor_objects_and_rejects_unknown_sites():
    audit = tokenlens.IisAudit.load(DATA / "coke-pepsi.config")
    sd = tokenlens.SecurityDescriptor.from_sddl("D:(A;;FA;;;SY)")
    verdict = audit.isolation({"coke": sd, "pepsi": sd})
    assert verdict.holds and all(c.can_read is False for c in verdict.checks)
    with pytest.raises(tokenlens.NotFoundError):
        audit.isolation({"fanta": sd})
    with pytest.raises(tokenlens.ParseError):
        audit.isolation({"coke": "D:(A;;FA"})


def test_isolation_content_file_errors_name_the_line(tmp_path):
    bad = tmp_path / "bad.content"
    bad.write_text("coke=D:(A;;FR;;;WD)\n# fine\nbroken line\n")
    audit = tokenlens.IisAudit.load(DATA / "coke-pepsi.config")
    with pytest.raises(tokenlens.ParseError) as info:
        audit.isolation(bad)
    assert info.value.path == "line 3"
    assert "expected SITE=SDDL" in info.value.message


def test_isolation_refuses_a_site_given_twice(tmp_path):
    """Issue 18: one folder has one descriptor; two for one site (names compare
    case-insensitively, as IIS compares them) are refused, never one picked."""
    audit = tokenlens.IisAudit.load(DATA / "coke-pepsi.config")
    with pytest.raises(tokenlens.InvalidArgumentError) as info:
        audit.isolation({"coke": "D:(A;;FA;;;SY)", "COKE": "D:(A;;FA;;;WD)"})
    assert "given twice" in info.value.message
    dup = tmp_path / "dup.content"
    dup.write_text("coke=D:(A;;FA;;;SY)\npepsi=D:(A;;FA;;;SY)\nCoke=D:(A;;FA;;;WD)\n")
    with pytest.raises(tokenlens.ParseError) as info:
        audit.isolation(dup)
    assert info.value.path == "line 3" and "first on line 1" in info.value.message


def test_isolation_content_file_is_whole_or_an_error(tmp_path):
    """Issue 18 item 1: a NUL or a byte that is not UTF-8 is an error naming the line."""
    audit = tokenlens.IisAudit.load(DATA / "coke-pepsi-isolated.config")
    for data, says in [(b"coke=D:(A;;FA;;;SY)\nx\0y\npepsi=D:(A;;FA;;;WD)\n", "NUL byte"),
                       (b"coke=D:(A;;FA;;;SY)\npepsi=D:(A;;FA;;;WD)\xff\n", "invalid UTF-8")]:
        f = tmp_path / "c.content"
        f.write_bytes(data)
        with pytest.raises(tokenlens.ParseError) as info:
            audit.isolation(f)
        assert info.value.path == "line 2" and says in info.value.message
