"""Hop probes through Python without a realm: the vocabulary and the failures. The lab's
cases (a real KDC) run in tests/hoplab/test_hop_lab.py under `ctest -L hoplab`."""
import pytest

import tokenlens
from tokenlens import HopClient, HopDelegation, HopMechanism, HopServer, errors


def test_the_build_has_hop_probes():
    assert tokenlens.hop_available()


@pytest.mark.parametrize("value, want", [
    ("negotiate", HopMechanism.NEGOTIATE), ("KERBEROS", HopMechanism.KERBEROS),
    ("krb5", HopMechanism.KERBEROS), ("ntlm", HopMechanism.NTLM),
])
def test_mechanism_names(value, want):
    assert tokenlens._hop._mech(value) == want
    assert str(want) == {"negotiate": "Negotiate", "kerberos": "Kerberos", "krb5": "Kerberos",
                         "ntlm": "NTLM"}[value.lower()]


@pytest.mark.parametrize("bad", ["spnego", ""])
def test_bad_mechanism_is_invalid_argument(bad):
    with pytest.raises(errors.InvalidArgumentError):
        HopClient("HTTP/web.lab.test", mechanism=bad)


def test_bad_delegation_is_invalid_argument():
    with pytest.raises(errors.InvalidArgumentError):
        HopClient("HTTP/web.lab.test", delegation="sometimes")


def test_a_client_before_its_exchange_knows_nothing_yet():
    client = HopClient("HTTP/web.lab.test", mechanism="kerberos", delegation=HopDelegation.NONE)
    assert not client.done
    assert client.mechanism == HopMechanism.UNKNOWN
    assert client.ticket_flags is None


def test_a_server_without_its_keytab_raises_auth_error(tmp_path):
    with pytest.raises(errors.AuthError) as info:
        HopServer(mechanism="kerberos", keytab=str(tmp_path / "none.keytab"))
    assert "cannot acquire acceptor credentials" in info.value.message
    assert info.value.native_kind == "gss-major" and info.value.native != 0
