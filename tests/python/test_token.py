"""tokenlens.Token: snapshots loaded and saved as JSON, properties, groups and privileges as
IntFlag-typed iterables, live capture refusing cleanly off Windows."""
import sys

import pytest

import tokenlens
from tokenlens import (GroupAttributes, ImpersonationLevel, LogonType, NotSupportedError,
                       ParseError, PrivilegeAttributes, Sid, Token, TokenType)
from conftest import SOURCE_DIR

DATA = SOURCE_DIR / "tests" / "data" / "token"
SNAPSHOT = DATA / "iis-ntlm-impersonation.json"


@pytest.fixture
def alice():
    return Token.load(SNAPSHOT)


def test_properties(alice):
    assert alice.user == "S-1-5-21-1004336348-1177238915-682003330-1105"
    assert alice.type is TokenType.IMPERSONATION
    assert alice.impersonation_level is ImpersonationLevel.IMPERSONATION
    assert alice.integrity == "Medium" and alice.integrity_rid == 0x2000
    assert alice.elevated is False
    assert alice.owner == alice.user
    assert alice.primary_group == "S-1-5-21-1004336348-1177238915-682003330-513"
    logon = alice.logon
    assert (logon.luid, logon.package, logon.type, logon.domain, logon.user) == \
        (0x1E2F3A, "NTLM", LogonType.NETWORK, "CONTOSO", "alice")


def test_groups_are_typed(alice):
    groups = alice.groups
    assert len(groups) == 9
    everyone = [g for g in groups if g.sid == "Everyone"][0]
    assert everyone.attributes == GroupAttributes.MANDATORY | GroupAttributes.ENABLED_BY_DEFAULT \
        | GroupAttributes.ENABLED
    assert isinstance(everyone.attributes, GroupAttributes) and everyone.enabled
    logon_sid = [g for g in groups if str(g.sid).startswith("S-1-5-5-")][0]
    assert logon_sid.attributes & GroupAttributes.LOGON_ID == GroupAttributes.LOGON_ID
    assert alice.has_group("S-1-5-2")  # NETWORK: a network logon
    assert not alice.has_group("S-1-5-4")  # not INTERACTIVE
    assert "Group(S-1-1-0 Everyone, MANDATORY|ENABLED_BY_DEFAULT|ENABLED)" in repr(groups)


def test_privileges(alice):
    privs = alice.privileges
    assert [p.name for p in privs] == ["SeChangeNotifyPrivilege", "SeIncreaseWorkingSetPrivilege"]
    assert privs[0].attributes == PrivilegeAttributes.ENABLED | PrivilegeAttributes.ENABLED_BY_DEFAULT
    assert privs[0].enabled and not privs[1].enabled
    assert alice.privilege("sechangenotifyprivilege").luid == 23
    assert alice.privilege("SeDebugPrivilege") is None


def test_save_load_round_trip(alice, tmp_path):
    out = tmp_path / "snap.json"
    alice.save(out)
    again = Token.load(out)
    assert again == alice
    assert Token.from_json(alice.to_json()) == alice
    assert again.copy() == alice


def test_build_a_token():
    t = Token()
    assert t.user is None and t.groups == () and t.type is TokenType.UNKNOWN
    t.set_user("IIS APPPOOL\\Coke")
    t.add_group("IIS_IUSRS")
    t.add_privilege("SeChangeNotifyPrivilege", PrivilegeAttributes.ENABLED)
    t.set_impersonation_level(ImpersonationLevel.DELEGATION)
    assert t.user == Sid.iis_apppool("Coke")
    assert t.groups[0].sid == "S-1-5-32-568"
    assert t.impersonation_level is ImpersonationLevel.DELEGATION
    assert t.privileges[0].luid == 23
    assert "Delegation" in repr(t)


def test_bad_snapshot_names_the_json_path(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(SNAPSHOT.read_text().replace('"S-1-1-0"', '"S-1-1-x"'))
    with pytest.raises(ParseError) as info:
        Token.load(bad)
    assert info.value.path == "$.groups[1].sid"
    assert info.value.input == str(bad)


def test_missing_snapshot_is_a_file_error(tmp_path):
    with pytest.raises(tokenlens.FileError):
        Token.load(tmp_path / "missing.json")


@pytest.mark.parametrize("text", ["", "{", "[]", '{"tokenlens_token": 99}', "\x00"])
def test_bad_json_text(text):
    with pytest.raises(ParseError):
        Token.from_json(text)


def test_oversized_snapshot_is_a_limit_error():
    # Windows caps a token at 1024 groups; the loader refuses more instead of growing.
    import json
    data = json.loads(SNAPSHOT.read_text())
    data["groups"] = [{"sid": "S-1-5-21-1-2-3-%d" % i, "attributes": 7} for i in range(1025)]
    with pytest.raises(tokenlens.LimitError) as info:
        Token.from_json(json.dumps(data))
    assert isinstance(info.value, ValueError)


@pytest.mark.skipif(sys.platform == "win32", reason="live capture works on Windows")
@pytest.mark.parametrize("source", [Token.current, Token.thread, Token.effective])
def test_live_capture_is_not_supported_off_windows(source):
    assert not Token.live_supported()
    with pytest.raises(NotSupportedError) as info:
        source()
    assert isinstance(info.value, NotImplementedError)
    assert "Windows" in str(info.value)


@pytest.mark.skipif(sys.platform == "win32", reason="the probe runs on Windows")
def test_probe_is_not_supported_off_windows():
    with pytest.raises(NotSupportedError):
        tokenlens.probe_impersonation()


def test_tokens_are_not_hashable(alice):
    with pytest.raises(TypeError):
        hash(alice)


def test_whoami_documents_load_through_the_library(tmp_path):
    # The CLI and the bindings read the same document with tl_whoami_load.
    import json
    native = tokenlens._native
    token = tokenlens.Token.load(DATA / "wine-process.json")
    doc = {"process": json.loads(token.to_json()), "thread": None}
    path = tmp_path / "whoami.json"
    path.write_text(json.dumps(doc))
    w = native.tl_whoami_load(str(path))
    assert native.tl_whoami_thread(w) is None
    assert native.tl_whoami_process(w) is not None
    again = json.loads(native.tl_whoami_to_json(w))
    assert again["process"] == again["effective"] == doc["process"]
    path.write_text('{"process": null, "thread": null, "extra": 1}')
    with pytest.raises(tokenlens.ParseError) as info:
        native.tl_whoami_load(str(path))
    assert info.value.path == "$.extra"
