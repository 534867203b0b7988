"""tokenlens.explain(): the same answers as `tokenlens explain --json` for every example
scenario, dict input, and the bad-scenario corpus with its JSON paths."""
import json
import subprocess

import pytest

import tokenlens
from tokenlens import FileError, ParseError
from conftest import SOURCE_DIR, find_cli, scenario_files

BAD = SOURCE_DIR / "tests" / "data" / "scenarios" / "bad"
SCENARIOS = scenario_files()


def cli_json(path):
    cli = find_cli()
    if not cli:
        pytest.fail("the tokenlens CLI is not built (TOKENLENS_CLI)")
    out = subprocess.run([cli, "explain", str(path), "--json"], check=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out)


def test_example_scenarios_exist():
    if not SCENARIOS:
        pytest.skip("examples/scenarios is empty")
    assert len(SCENARIOS) >= 1


def ident(d):
    # a hop that never happens arrives as null (PRODUCT.md 0.2)
    return (d["name"], d["sid"]) if d is not None else (None, None)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_matches_cli_json(path):
    want = cli_json(path)
    got = tokenlens.explain(path)
    assert got.hops[0].arrives_as.name == ident(want["hops"][0]["arrives_as"])[0]
    assert ident(want["process"]) == (got.process.name, got.process.sid)
    rt = want["request_thread"]
    assert ident(rt) == (got.request_thread.name, got.request_thread.sid)
    assert rt["impersonation_level"] == got.request_thread.level
    assert (rt["logon"]["package"], rt["logon"]["type"]) == \
        (got.request_thread.logon_package, got.request_thread.logon_type)
    assert len(got.hops) == len(want["hops"])
    for h, w in zip(got.hops, want["hops"]):
        assert (h.target, h.from_, h.protocol, h.outcome) == \
            (w["target"], w["from"], w["protocol"], w["outcome"])
        assert (h.arrives_as.name, h.arrives_as.sid) == ident(w["arrives_as"])
        assert [(s.rule, s.text, s.unsettled) for s in h.steps] == \
            [(s["rule"], s["text"], s["unsettled"]) for s in w["steps"]]
        assert h.unsettled == w["unsettled"]
        assert h.runs_as.level == w["runs_as"]["impersonation_level"]
        if "runs_as" in w:
            assert (h.runs_as.name, h.runs_as.sid) == ident(w["runs_as"])
        if "fix" in w:
            assert h.fix == w["fix"]
    # The rendered JSON is byte-for-byte what the CLI prints.
    assert json.loads(got.to_json()) == want


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_scenario_round_trips_with_defaults_filled_in(path):
    s = tokenlens.Scenario.load(path)
    full = s.to_dict()
    # Every optional field of the 0.2 contract is spelled out with the value the engine uses.
    assert "local_system_use_machine_id" in full["machine"]
    assert {"basic", "windows", "anonymous"} <= set(full["site"])
    assert full["site"]["windows"]["spn"] in ("registered", "missing", "duplicate")
    assert full["app"]["framework"] in ("aspnet", "aspnetcore")
    assert {"protected_users", "forest"} <= set(full["request"])
    # ... and it loads back to the same explanation.
    assert tokenlens.explain(full).to_json() == s.explain().to_json()


NEW_FIELDS = {
    "same-box": ({"hops": [{"target": "MSSQLSvc/web01.contoso.com:1433", "from": "after_revert"}]},
                 "IIS APPPOOL\\Coke", "ok"),
    "ip": ({"hops": [{"target": "MSSQLSvc/10.0.0.5:1433"}],
            "request": {"user": "CONTOSO\\alice", "protocol": "kerberos"},
            "delegation": {"mode": "unconstrained"}}, "NT AUTHORITY\\ANONYMOUS LOGON", "anonymous"),
    "protected": ({"request": {"user": "CONTOSO\\alice", "protocol": "ntlm",
                               "protected_users": True}}, None, "denied"),
    "rbcd": ({"request": {"user": "CONTOSO\\alice", "protocol": "kerberos"},
              "hops": [{"target": "MSSQLSvc/db01.contoso.com:1433",
                        "allowed_to_act": ["CONTOSO\\WEB01$"]}]}, "CONTOSO\\alice", "ok"),
    "new-credentials": ({"hops": [{"target": "cifs/files01", "from": "new_credentials",
                                   "credentials": "CONTOSO\\svc"}]}, "CONTOSO\\svc", "ok"),
    "aspnetcore": ({"app": {"framework": "aspnetcore", "hosting_model": "outofprocess"}},
                   "CONTOSO\\WEB01$", "ok"),
}


@pytest.mark.parametrize("case", sorted(NEW_FIELDS))
def test_new_fields_from_python(case):
    overrides, arrives, outcome = NEW_FIELDS[case]
    data = {"tokenlens_scenario": 1, "machine": {"name": "WEB01", "domain": "CONTOSO"},
            "app_pool": {"name": "Coke", "identity": "ApplicationPoolIdentity"},
            "site": {"anonymous": {"enabled": False}, "windows": {"enabled": True},
                     "impersonate": True},
            "request": {"user": "CONTOSO\\alice", "protocol": "ntlm"},
            "hops": [{"target": "MSSQLSvc/db01.contoso.com:1433"}]}
    data.update(overrides)
    hop = tokenlens.explain(data).hops[0]
    assert (hop.arrives_as.name, hop.outcome) == (arrives, outcome)


def test_unsettled_is_visible_from_python():
    data = {"tokenlens_scenario": 1, "machine": {"name": "WEB01", "domain": "CONTOSO"},
            "app_pool": {"name": "Coke", "identity": "ApplicationPoolIdentity"},
            "site": {"anonymous": {"enabled": False}, "windows": {"enabled": True},
                     "impersonate": True},
            "request": {"user": "CONTOSO\\alice", "protocol": "ntlm"},
            "hops": [{"target": "MSSQLSvc/db01.contoso.com:1433",
                      "allowed_to_act": ["CONTOSO\\WEB01$"]}]}
    hop = tokenlens.explain(data).hops[0]
    assert hop.unsettled
    assert any(s.unsettled and s.rule == "kerberos.rbcd-ntlm-user" for s in hop.steps)
    assert "(unsettled)" in str([s for s in hop.steps if s.unsettled][0])


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_dict_and_path_give_the_same_answer(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    a, b = tokenlens.explain(path), tokenlens.explain(data)
    assert a.to_json() == b.to_json()
    assert str(path) == tokenlens.Scenario.load(str(path)).source


def test_double_hop_story():
    base = {
        "tokenlens_scenario": 1, "name": "NTLM double hop",
        "machine": {"name": "WEB01", "domain": "CONTOSO"},
        "app_pool": {"name": "Coke", "identity": "ApplicationPoolIdentity"},
        "site": {"name": "coke", "anonymous": {"enabled": False, "user": "IUSR"},
                 "windows": {"enabled": True, "providers": ["Negotiate", "NTLM"],
                             "use_app_pool_credentials": False, "kernel_mode": True},
                 "impersonate": True},
        "delegation": {"mode": "none", "to": []},
        "request": {"user": "CONTOSO\\alice", "protocol": "ntlm", "sensitive": False},
        "hops": [{"target": "MSSQLSvc/db01.contoso.com:1433", "from": "request_thread"},
                 {"target": "MSSQLSvc/db01.contoso.com:1433", "from": "after_revert"}],
    }
    e = tokenlens.explain(base)
    assert e.process.name == "IIS APPPOOL\\Coke"
    assert e.process.sid == str(tokenlens.Sid("IIS APPPOOL\\Coke"))
    first, second = e.hops
    assert first.arrives_as.name == "NT AUTHORITY\\ANONYMOUS LOGON"
    assert first.arrives_as.sid == "S-1-5-7" and first.outcome == "anonymous"
    assert first.protocol == "NTLM"
    assert second.arrives_as.name == "CONTOSO\\WEB01$"
    assert e.outcome == "anonymous" and e.protocol == "NTLM"
    assert all(s.rule and s.text for s in e.steps)
    assert "ANONYMOUS LOGON" in e.to_text() and "digraph" in e.to_dot()
    assert "NTLM double hop" in repr(e)


def bad_rows():
    index = BAD / "index.json"
    if not index.exists():
        return []
    return json.loads(index.read_text(encoding="utf-8"))


@pytest.mark.parametrize("row", bad_rows(), ids=lambda r: r["file"])
def test_bad_scenarios_raise_with_json_path(row):
    path = BAD / row["file"]
    with pytest.raises(tokenlens.TokenLensError) as info:
        tokenlens.explain(path)
    err = info.value
    assert err.code_name == row["code"]
    if row["path"]:
        assert err.path == row["path"]
    if isinstance(err, ParseError):
        assert err.input == str(path)
        assert isinstance(err, ValueError)


def test_dict_errors_name_the_json_path():
    with pytest.raises(ParseError) as info:
        tokenlens.explain({"tokenlens_scenario": 1})
    assert info.value.path and info.value.path.startswith("$")
    assert info.value.input.startswith("{")


def test_malformed_json_has_an_offset():
    with pytest.raises(ParseError) as info:
        tokenlens.Scenario.from_json('{"tokenlens_scenario": 1,, }')
    assert info.value.offset is not None


def test_missing_file_is_a_file_error(tmp_path):
    with pytest.raises(FileError) as info:
        tokenlens.explain(tmp_path / "nope.json")
    assert isinstance(info.value, OSError)


@pytest.mark.parametrize("bad", [None, 42, ["x"]])
def test_wrong_argument_types(bad):
    with pytest.raises(TypeError):
        tokenlens.explain(bad)


def test_rule_catalogue():
    rules = tokenlens.rules()
    assert rules and all(r.id and r.statement for r in rules)
    assert len({r.id for r in rules}) == len(rules)
    cited = {s.rule for p in SCENARIOS for s in tokenlens.explain(p).steps}
    assert cited <= {r.id for r in rules}
