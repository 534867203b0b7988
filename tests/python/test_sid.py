"""tokenlens.Sid: parsing, names, virtual accounts, value semantics. Table-driven over the same
corpora as the C suite (tests/data/sid/*.tsv), so the binding is held to Windows' behaviour."""
import pickle

import pytest

import tokenlens
from tokenlens import NotFoundError, ParseError, Sid, SidKind
from conftest import SOURCE_DIR

DATA = SOURCE_DIR / "tests" / "data" / "sid"


def rows(name):
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip("\n"):
            continue
        out.append(line.split("\t"))
    return out


def test_done_when_iis_apppool_default():
    assert str(Sid("IIS APPPOOL\\DefaultAppPool")) == \
        "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415"


@pytest.mark.parametrize("row", rows("valid.tsv"), ids=lambda r: r[0] or "<empty>")
def test_valid_string_sids_format_canonically(row):
    text, canonical = row[0], row[1]
    assert str(Sid.parse(text)) == canonical
    assert str(Sid(text)) == canonical


@pytest.mark.parametrize("row", rows("invalid.tsv"), ids=lambda r: r[0] or "<empty>")
def test_invalid_string_sids_raise_parse_error_with_offset(row):
    text, offset = row[0], int(row[1])
    with pytest.raises(ParseError) as info:
        Sid.parse(text)
    err = info.value
    assert err.offset == offset, row[2]
    assert err.input == text
    assert err.code_name == "TL_EPARSE"
    assert isinstance(err, ValueError) and isinstance(err, tokenlens.TokenLensError)


@pytest.mark.parametrize("row", rows("virtual.tsv"), ids=lambda r: r[0])
def test_virtual_accounts_match_sids_published_from_real_machines(row):
    name, sid = row[0], row[1]
    s = Sid(name)
    assert str(s) == sid
    # A hash cannot be turned back into a name: the account part is the one typed, behind the
    # library's canonical domain spelling (what the CLI and PowerShell print too).
    domain, account = name.split("\\", 1)
    assert s.name == ("IIS APPPOOL" if s.kind == SidKind.IIS_APPPOOL else "NT SERVICE") + "\\" + account
    assert s.kind in (SidKind.IIS_APPPOOL, SidKind.SERVICE)


def test_virtual_account_constructors():
    assert Sid.iis_apppool("DefaultAppPool") == Sid("IIS APPPOOL\\DefaultAppPool")
    assert Sid.service("TrustedInstaller") == \
        "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
    assert Sid.iis_apppool("DefaultAppPool").name == "IIS APPPOOL\\DefaultAppPool"


@pytest.mark.parametrize("text, sid, name", [
    ("NT AUTHORITY\\IUSR", "S-1-5-17", "NT AUTHORITY\\IUSR"),
    ("IUSR", "S-1-5-17", "NT AUTHORITY\\IUSR"),
    ("BUILTIN\\IIS_IUSRS", "S-1-5-32-568", "BUILTIN\\IIS_IUSRS"),
    ("NS", "S-1-5-20", "NT AUTHORITY\\NETWORK SERVICE"),
    ("BA", "S-1-5-32-544", "BUILTIN\\Administrators"),
    ("nt authority\\anonymous logon", "S-1-5-7", "NT AUTHORITY\\ANONYMOUS LOGON"),
    ("S-1-1-0", "S-1-1-0", "Everyone"),
])
def test_well_known_names_and_aliases(text, sid, name):
    s = Sid(text)
    assert str(s) == sid
    assert s.name == name


def test_unknown_sid_has_no_name():
    assert Sid("S-1-5-21-1-2-3-1105").name is None


def test_unknown_name_raises_not_found_which_is_a_lookup_error():
    with pytest.raises(NotFoundError) as info:
        Sid("CONTOSO\\nobody")
    assert isinstance(info.value, LookupError)
    assert info.value.code_name == "TL_ENOTFOUND"


def test_domain_relative_alias_needs_domain():
    with pytest.raises(NotFoundError):
        Sid("DU")
    assert str(Sid("DU", domain="S-1-5-21-1-2-3")) == "S-1-5-21-1-2-3-513"


def test_equality_hash_order():
    a, b = Sid("S-1-5-17"), Sid("IUSR")
    assert a == b and hash(a) == hash(b)
    assert a == "S-1-5-17" and a != "S-1-5-18" and a != "not a sid"
    assert len({a, b, Sid("S-1-5-18")}) == 2
    assert sorted([Sid("S-1-5-32-545"), Sid("S-1-5-18"), Sid("S-1-1-0")])[0] == "S-1-1-0"
    assert Sid(a) == a


def test_binary_round_trip():
    s = Sid("S-1-5-32-544")
    raw = bytes(s)
    assert raw.hex() == "01020000000000052000000020020000"
    assert Sid.from_bytes(raw) == s
    assert Sid(raw) == s


@pytest.mark.parametrize("data, offset", [
    (b"", 0),
    (b"\x02\x01\x00\x00\x00\x00\x00\x05\x12\x00\x00\x00", 0),  # revision 2
    (b"\x01\x02\x00\x00\x00\x00\x00\x05\x12\x00\x00\x00", None),  # truncated
])
def test_bad_binary_sids(data, offset):
    with pytest.raises(ParseError) as info:
        Sid.from_bytes(data)
    if offset is not None:
        assert info.value.offset == offset


def test_trailing_bytes_rejected():
    with pytest.raises(ParseError) as info:
        Sid.from_bytes(bytes(Sid("S-1-5-18")) + b"\x00")
    assert info.value.offset == 12


def test_parts():
    s = Sid("S-1-5-21-1-2-3-1105")
    assert s.authority == 5
    assert s.sub_authorities == (21, 1, 2, 3, 1105)
    assert s.rid == 1105
    assert s.domain == "S-1-5-21-1-2-3"
    assert s.domain.append_rid(512) == "S-1-5-21-1-2-3-512"
    assert Sid.from_parts(5, 32, 544) == "BA"
    assert s.kind == SidKind.ACCOUNT
    assert Sid("BA").sddl_alias == "BA"


def test_repr_is_readable():
    assert repr(Sid("S-1-5-17")) == "<Sid S-1-5-17 NT AUTHORITY\\IUSR>"
    assert repr(Sid("S-1-5-21-1-2-3-4")) == "<Sid S-1-5-21-1-2-3-4>"


def test_pickle_keeps_value_and_name():
    s = Sid("IIS APPPOOL\\Coke")
    t = pickle.loads(pickle.dumps(s))
    assert t == s and t.name == "IIS APPPOOL\\Coke"


@pytest.mark.parametrize("bad", [None, 5, 1.5, ["S-1-5-18"]])
def test_wrong_types_raise_type_error(bad):
    with pytest.raises(TypeError):
        Sid(bad)


@pytest.mark.parametrize("text", ["S-1-5-18\x00junk", "S-1-5-\udcff", "\u00e9", "S-1-5-18" * 10000])
def test_hostile_text_never_crashes(text):
    with pytest.raises((ParseError, NotFoundError, ValueError)):
        Sid(text)


def test_well_known_table_agrees_with_names():
    rows = tokenlens.well_known_sids()
    assert len(rows) > 50
    for row in rows:
        if row.sid is None:
            assert row.rid is not None and row.rid > 0
            continue
        # every absolute row resolves by its name and by its alias to the same SID
        assert Sid(row.account) == row.sid, row
        if row.sddl_alias:
            assert Sid(row.sddl_alias) == row.sid, row
    iusr = [r for r in rows if r.sid == "S-1-5-17"][0]
    assert iusr.account == "NT AUTHORITY\\IUSR"


@pytest.mark.parametrize("text, name, kind", [
    # The library's canonical name and kind word: the same the CLI and PowerShell print.
    ("iis apppool\\Coke", "IIS APPPOOL\\Coke", "iis-apppool"),
    ("nt service\\TrustedInstaller", "NT SERVICE\\TrustedInstaller", "service"),
    ("nt authority\\iusr", "NT AUTHORITY\\IUSR", "well-known"),
    ("builtin\\iis_iusrs", "BUILTIN\\IIS_IUSRS", "builtin"),
    ("S-1-5-21-1-2-3-1001", None, "account"),
])
def test_names_and_kinds_are_the_libraries(text, name, kind):
    sid = tokenlens.Sid(text)
    assert sid.name == name
    assert sid.kind_name == kind


def test_names_and_kinds_agree_with_the_cli():
    import json
    import subprocess
    from conftest import find_cli
    cli = find_cli()
    assert cli, "the tokenlens CLI is not built (TOKENLENS_CLI)"
    for text in ("iis apppool\\Coke", "nt service\\x", "ba", "S-1-16-12288"):
        out = json.loads(subprocess.run([cli, "sid", text, "--json"], check=True,
                                        capture_output=True, text=True).stdout)
        sid = tokenlens.Sid(text)
        assert (out["sid"], out["name"], out["kind"]) == (str(sid), sid.name, sid.kind_name)
