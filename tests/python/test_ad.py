"""tokenlens.ActiveDirectory and Token.next_hop (issue 15). The directory itself is exercised
against a real Samba DC in tests/adlab; here: the token-only answers and the error paths."""
import json
import os

import pytest

import tokenlens

DATA = os.path.join(os.environ.get("TOKENLENS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                    "tests", "data", "nexthop")
DB = "MSSQLSvc/db01.contoso.com:1433"


def pair(name):
    with open(os.path.join(DATA, "whoami-%s.json" % name)) as f:
        d = json.load(f)
    proc = tokenlens.Token.from_json(json.dumps(d["process"]))
    thread = tokenlens.Token.from_json(json.dumps(d["thread"])) if d["thread"] else None
    return thread, proc


@pytest.mark.parametrize("name,arrives,protocol,outcome", [
    ("apppool-ntlm", "NT AUTHORITY\\ANONYMOUS LOGON", "NTLM", "anonymous"),
    ("apppool-kerberos", "NT AUTHORITY\\ANONYMOUS LOGON", "NTLM", "anonymous"),
    ("apppool-kerberos-delegation", "CONTOSO\\alice", "Kerberos", "ok"),
    ("apppool-no-impersonation", "CONTOSO\\WEB01$", "Kerberos", "ok"),
])
def test_next_hop_from_the_token(name, arrives, protocol, outcome):
    thread, proc = pair(name)
    tok = thread or proc
    hop = tok.next_hop(DB, process=proc if thread else None, machine="WEB01", domain="CONTOSO")
    assert (hop.arrives_as.name, hop.protocol, hop.outcome) == (arrives, protocol, outcome)
    assert hop.target == DB
    assert hop.steps, "every verdict cites its rules"
    # the module-level function gives the same answer
    again = tokenlens.next_hop(tok, DB, process=proc if thread else None, machine="WEB01", domain="CONTOSO")
    assert again.arrives_as.name == arrives


def test_impersonation_token_needs_the_process_token():
    thread, _ = pair("apppool-ntlm")
    with pytest.raises(ValueError, match="process="):
        thread.next_hop(DB)


def test_unreachable_dc_is_a_native_error():
    with pytest.raises(tokenlens.NativeError, match="unreachable"):
        tokenlens.ActiveDirectory("127.0.0.1:9", timeout_ms=2000)


def test_bad_server_name_is_invalid_argument():
    with pytest.raises(tokenlens.InvalidArgumentError, match="not a host name"):
        tokenlens.ActiveDirectory("dc/evil?x")
