"""SecurityDescriptor and access_check over the SDDL corpora recorded on Windows
(tests/data/sddl/*.tsv): canonical SDDL, binary form, failure offsets, and the deciding ACE."""
import pytest

import tokenlens
from tokenlens import ParseError, Sid, TokenLensError
from conftest import SOURCE_DIR

DATA = SOURCE_DIR / "tests" / "data" / "sddl"


def unescape(text):
    return text.replace("\\t", "\t").replace("\\\\", "\\")


def rows(name):
    path = DATA / name
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        out.append(line.split("\t"))
    return out


@pytest.mark.parametrize("row", rows("roundtrip.tsv"), ids=lambda r: r[0][:60])
def test_canonical_sddl(row):
    text, expected, domain = unescape(row[0]), unescape(row[1]), row[2]
    dom = None if domain == "-" else domain
    sd = tokenlens.SecurityDescriptor.from_sddl(text, domain=dom)
    assert sd.sddl == expected
    # formatting is a fixed point and the binary form round-trips
    assert tokenlens.SecurityDescriptor.from_sddl(sd.sddl, domain=dom).sddl == expected


@pytest.mark.parametrize("row", rows("binary.tsv"), ids=lambda r: r[0][:60])
def test_binary_form(row):
    text, hexed = unescape(row[0]), row[1]
    sd = tokenlens.SecurityDescriptor.from_sddl(text)
    assert bytes(sd).hex() == hexed
    assert tokenlens.SecurityDescriptor.from_bytes(bytes.fromhex(hexed)) == sd


@pytest.mark.parametrize("row", rows("must_fail.tsv"), ids=lambda r: r[0][:60])
def test_must_fail_with_offset(row):
    text, code, offset = unescape(row[0]), row[1], row[2]
    with pytest.raises(TokenLensError) as info:
        tokenlens.SecurityDescriptor.from_sddl(text)
    assert info.value.code_name == code
    if offset not in ("", "-"):
        assert info.value.offset == int(offset)
    if isinstance(info.value, ParseError):
        assert info.value.input == text


def test_parts_and_aces():
    sd = tokenlens.SecurityDescriptor.from_sddl(
        "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;;0x1200a9;;;S-1-5-32-568)(D;;FW;;;AN)")
    assert sd.owner == "BA" and sd.group == "SY"
    assert sd.control & tokenlens.SdControl.DACL_PROTECTED
    aces = sd.dacl
    assert [a.sddl for a in aces] == ["(A;OICI;FA;;;SY)", "(A;;0x1200a9;;;IS)", "(D;;FW;;;AN)"]
    assert aces[0].type is tokenlens.AceType.ACCESS_ALLOWED
    assert aces[0].flags == tokenlens.AceFlags.OBJECT_INHERIT | tokenlens.AceFlags.CONTAINER_INHERIT
    assert aces[1].sid == Sid("BUILTIN\\IIS_IUSRS") and aces[1].mask == 0x1200A9
    assert aces[2].type is tokenlens.AceType.ACCESS_DENIED
    assert sd.sacl is None and not sd.dacl_is_null
    assert repr(sd).startswith("SecurityDescriptor.from_sddl(")


def test_null_dacl():
    sd = tokenlens.SecurityDescriptor.from_sddl("D:NO_ACCESS_CONTROL")
    assert sd.dacl is None and sd.dacl_is_null


def test_domain_relative_aliases():
    dom = "S-1-5-21-1-2-3"
    sd = tokenlens.SecurityDescriptor.from_sddl("D:(A;;FA;;;DU)", domain=dom)
    assert sd.dacl[0].sid == dom + "-513"
    assert sd.to_sddl() == "D:(A;;FA;;;DU)"
    assert tokenlens.SecurityDescriptor(sd._sd).to_sddl() == "D:(A;;FA;;;%s-513)" % dom


def test_pepsi_cannot_read_coke():
    # Per-site isolation: Coke's content granted to its own pool identity only.
    coke = "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FR;;;%s)" % Sid("IIS APPPOOL\\Coke")
    pepsi = ["IIS APPPOOL\\Pepsi", "Everyone", "BUILTIN\\Users", "IIS_IUSRS"]
    r = tokenlens.access_check(coke, pepsi)
    assert not r.allowed and not r and r.granted == 0
    assert r.reasons and r.reasons[-1].text
    ok = tokenlens.access_check(coke, ["IIS APPPOOL\\Coke", "Everyone"])
    assert ok.allowed and ok.granted == tokenlens.AccessMask.FILE_GENERIC_READ
    assert ok.reasons[0].ace == "(A;OICI;FR;;;%s)" % Sid("IIS APPPOOL\\Coke")
    assert "ALLOWED" in str(ok) or "allow" in str(ok).lower()


def test_deny_ace_decides():
    sd = tokenlens.SecurityDescriptor.from_sddl("D:(D;;FW;;;AN)(A;;FA;;;WD)")
    r = sd.access_check(["NT AUTHORITY\\ANONYMOUS LOGON", "Everyone"],
                        tokenlens.AccessMask.FILE_GENERIC_WRITE)
    assert not r.allowed
    assert any(x.ace == "(D;;FW;;;AN)" for x in r.reasons)
    assert "denied" in repr(r)


def test_access_with_a_token():
    alice = tokenlens.Token.load(SOURCE_DIR / "tests" / "data" / "token" /
                                 "iis-ntlm-impersonation.json")
    sd = tokenlens.SecurityDescriptor.from_sddl("D:(A;;FR;;;NU)")  # NETWORK logons
    assert tokenlens.access_check(sd, alice).allowed


@pytest.mark.parametrize("subject, exc", [([], ValueError), (42, TypeError)])
def test_access_bad_subjects(subject, exc):
    with pytest.raises(exc):
        tokenlens.access_check("D:", subject)


def test_access_bad_object_kind():
    with pytest.raises(ValueError):
        tokenlens.access_check("D:", ["S-1-1-0"], object="printer")


def test_reason_kinds_are_the_library_words():
    # The same words as `tokenlens access --json` (tl_access_reason_kind_name).
    r = tokenlens.access_check("D:(D;;FW;;;AN)(A;;FA;;;WD)", ["S-1-5-7", "S-1-1-0"], 0x120116)
    assert not r and r.granted == 0 and r.desired == 0x120116
    assert [x.kind for x in r.reasons] == ["deny_ace"]
    assert r.reasons[0].ace == "(D;;FW;;;AN)" and r.reasons[0].ace_index == 0
    assert r.reasons is r.reasons  # built once, on first read
    assert r.text.startswith("DENIED: desired 0x120116")


# Issue 18 item 7: every denial carries a reason, the default request is named, and a
# descriptor without a DACL says in its reason that everyone gets full access.
@pytest.mark.parametrize("sddl,desired,kind,text", [
    ("D:(A;;FR;;;BA)", 0x02000000, "no_dacl_match", "no ACE grants the subject any access"),
    ("D:", 0x02000000, "no_dacl_match", "the DACL is empty: it grants no access to anyone"),
    ("D:", 0x120089, "no_dacl_match", "no ACE grants 0x120089 to the subject (the DACL is empty)"),
    ("D:(D;;FA;;;WD)", 0x02000000, "deny_ace", "DACL[0] denies 0x1f01ff"),
    ("D:(A;;FA;;;WD)", 0, "no_dacl_match", "no access was requested"),
])
def test_every_denial_names_a_reason(sddl, desired, kind, text):
    r = tokenlens.access_check(sddl, ["S-1-1-0"], desired)
    assert not r
    assert r.reasons, "a denial without a reason"
    assert any(x.kind == kind and x.text.startswith(text) for x in r.reasons), r.reasons
    if desired & 0x02000000:
        assert r.text.startswith("DENIED: desired MAXIMUM_ALLOWED, granted 0x0\n")


def test_no_dacl_reason_says_everyone_gets_full_access():
    for sddl in ("", "D:NO_ACCESS_CONTROL"):
        r = tokenlens.access_check(sddl, ["S-1-1-0"], 0x02000000)
        assert r and r.granted == 0x1F01FF
        assert [x.kind for x in r.reasons] == ["null_dacl"]
        assert "so everyone is granted full access" in r.reasons[0].text
