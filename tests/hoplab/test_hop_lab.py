"""The hop lab's cases (tests/hoplab/hoplab.sh) repeated through the Python binding: client,
web and db run in this process, the tokens move through tokenlens.exchange(), and each case
must show what the lab's three programs show over TCP -- who arrives at db, and the
delegation reason the client reports. Run by `hoplab.sh --exec` (ctest -L hoplab), which
provides the realm ($LAB, KRB5_CONFIG, ...); outside it the suite fails, it does not skip."""
import os
import subprocess

import pytest

import tokenlens
from tokenlens import HopClient, HopServer, errors

LAB = os.environ.get("LAB")
REALM = os.environ.get("REALM", "LAB.TEST")
DB_SPN = "MSSQLSvc/db.lab.test:1433"
WEB, PLAIN = "HTTP/web.lab.test", "HTTP/plain.lab.test"


def test_the_lab_is_there():
    assert LAB and os.path.isdir(LAB), "run under tests/hoplab/hoplab.sh --exec"


def _logon(name, user, mech):
    """The user's side, as the lab's client logs on: a forwardable TGT (kinit -f) for Kerberos
    and Negotiate, the NTLM user file for NTLM, nothing at all for negotiate-no-tgt."""
    cc = "FILE:%s/run/py-cc-%s" % (LAB, name)
    os.environ["KRB5CCNAME"] = cc
    os.environ["NTLM_USER_FILE"] = os.path.join(LAB, "ntlm-users")
    if mech == "ntlm":
        return dict(mechanism="ntlm", principal="LAB\\" + user)
    if mech == "negotiate-no-tgt":
        return dict(mechanism="negotiate")
    subprocess.run(["kinit", "-f", "-k", "-t", os.path.join(LAB, user + ".keytab"), user],
                   check=True, capture_output=True, env=dict(os.environ, KRB5CCNAME=cc))
    return dict(mechanism=mech)


def run_case(name, user, mech, deleg, web_spn, web_keytab, impersonate):
    """client -> web -> db in this process; returns (client, who db sees or None)."""
    os.makedirs(os.path.join(LAB, "run"), exist_ok=True)
    client = HopClient(web_spn, delegation=deleg, **_logon(name, user, mech))
    web = HopServer(keytab=os.path.join(LAB, web_keytab))  # any mechanism, as the lab's web
    tokenlens.exchange(client, web)
    assert client.done and web.done
    # web picks its outbound identity exactly as examples/probes/web.c does
    if impersonate != "never" and web.delegated or impersonate == "always":
        try:
            onward = HopClient.delegated_from(web, DB_SPN, mechanism="kerberos")
        except errors.StateError:
            return client, web, None  # nothing was delegated: the hop cannot happen as the user
        how = "delegated"
    else:
        os.environ["KRB5CCNAME"] = "FILE:%s/run/py-cc-web-%s" % (LAB, name)
        onward = HopClient(DB_SPN, mechanism="kerberos", principal=web_spn,
                           keytab=os.path.join(LAB, web_keytab))
        how = "process identity"
    db = HopServer(mechanism="kerberos", keytab=os.path.join(LAB, "db.keytab"))
    tokenlens.exchange(onward, db)
    assert db.mechanism == tokenlens.HopMechanism.KERBEROS
    assert db.delegated is False or how == "delegated"
    return client, web, "%s (%s)" % (db.client_name, how)


# name, user, mech, delegate, web SPN, web keytab, impersonate, db sees, reason: the lab's table
CASES = [
    ("kerberos-delegated", "alice", "kerberos", "policy", WEB, "web.keytab", "if-delegated",
     "alice@%s (delegated)" % REALM, "granted"),
    ("kerberos-not-trusted", "alice", "kerberos", "policy", PLAIN, "plain.keytab", "if-delegated",
     "%s@%s (process identity)" % (PLAIN, REALM), "not_ok_as_delegate"),
    ("kerberos-not-trusted-insist", "alice", "kerberos", "policy", PLAIN, "plain.keytab", "always",
     None, "not_ok_as_delegate"),
    ("kerberos-sensitive-user", "bob", "kerberos", "policy", WEB, "web.keytab", "if-delegated",
     "%s@%s (process identity)" % (WEB, REALM), "not_forwardable"),
    ("kerberos-no-impersonation", "alice", "kerberos", "policy", WEB, "web.keytab", "never",
     "%s@%s (process identity)" % (WEB, REALM), "granted"),
    ("ntlm", "alice", "ntlm", "policy", WEB, "web.keytab", "if-delegated",
     "%s@%s (process identity)" % (WEB, REALM), "mech_cannot_delegate"),
    ("negotiate-kerberos", "alice", "negotiate", "policy", WEB, "web.keytab", "if-delegated",
     "alice@%s (delegated)" % REALM, "granted"),
    ("negotiate-falls-back-to-ntlm", "alice", "negotiate-no-tgt", "policy", WEB, "web.keytab",
     "if-delegated", "%s@%s (process identity)" % (WEB, REALM), "mech_cannot_delegate"),
    ("kerberos-always-delegate", "alice", "kerberos", "always", PLAIN, "plain.keytab",
     "if-delegated", "alice@%s (delegated)" % REALM, "granted"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_lab_case(case):
    name, user, mech, deleg, web_spn, web_kt, imp, want_db, want_reason = case
    client, web, db_sees = run_case(name, user, mech, deleg, web_spn, web_kt, imp)
    assert db_sees == want_db
    assert client.reason == want_reason
    assert client.delegated == (want_reason == "granted")
    assert web.delegated == client.delegated
    assert client.reason_text
    want_mech = {"ntlm": "NTLM", "negotiate-no-tgt": "NTLM"}.get(mech, "Kerberos")
    assert str(client.mechanism) == want_mech and str(web.mechanism) == want_mech
    if want_mech == "Kerberos":
        assert web.client_name == "%s@%s" % (user, REALM)
        assert "forwardable" in (client.ticket_flags or "") or user == "bob"
    else:
        assert client.ticket_flags is None
