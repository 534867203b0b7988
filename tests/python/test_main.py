"""`python -m tokenlens` is the CLI: for each verb, the same stdout, stderr and exit status as
the tokenlens binary of the build tree (0 ok, 1 check/parse failed, 2 usage, 3 error)."""
import os
import subprocess
import sys

import pytest

import tokenlens.__main__ as tl_main
from conftest import SOURCE_DIR, find_cli

CLI = find_cli()
S = SOURCE_DIR
CASES = [
    # (argv, expected exit status): every verb the brief names, text and --json, bad paths.
    (["sid", "IIS APPPOOL\\DefaultAppPool"], 0),
    (["sid", "--json", "S-1-5-17"], 0),
    (["sid", "NT SERVICE\\MSSQLSERVER"], 0),
    (["sid", "BA", "BU"], 2),
    (["sid", "S-1-5-x"], 1),
    (["sid"], 2),
    (["explain", str(S / "examples/scenarios/anonymous-batch-logon.json")], 0),
    (["explain", "--json", str(S / "examples/scenarios/basic-cleartext.json")], 0),
    (["explain", str(S / "no-such-scenario.json")], 1),
    (["sddl", "O:BAG:SYD:(A;;FA;;;SY)(A;;FR;;;BU)"], 0),
    (["sddl", "--json", "O:BAG:SYD:(A;;FA;;;SY)"], 0),
    (["sddl", "D:(A;;FA;;;NOTASID)"], 1),
    (["iis", str(S / "tests/data/iis/coke-pepsi.config")], None),
    (["iis", "--json", str(S / "tests/data/iis/shared-pool.config")], None),
    (["webconfig", str(S / "tests/data/webconfig/aspnetcore.config")], None),
    (["webconfig", "--json", str(S / "tests/data/webconfig/classic.config")], None),
    (["whoami", "--import", str(S / "tests/data/token/iis-ntlm-impersonation.json")], None),
    (["whoami", "--json", "--import", str(S / "tests/data/token/wine-process.json")], None),
    (["whoami", "--import", str(S / "tests/data/token/bad-group-sid.json")], 1),
    (["--version"], 0),
    (["--help"], 0),
    (["no-such-verb"], 2),
    (["whoami"], None),  # live capture: 3 off Windows; whatever it is, the same as the CLI
]


def run(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=str(S),
                          env={k: v for k, v in os.environ.items()})


def test_cli_is_bundled():
    assert tl_main.cli_path() is not None, "tokenlens/_bin/tokenlens is missing from the package"
    assert CLI, "no tokenlens CLI to compare with (TOKENLENS_CLI)"


@pytest.mark.parametrize("argv,status", CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_same_as_cli(argv, status):
    want = run([CLI] + argv)
    got = run([sys.executable, "-m", "tokenlens"] + argv)
    assert got.returncode == want.returncode
    assert got.stdout == want.stdout
    assert got.stderr == want.stderr
    if status is not None:
        assert got.returncode == status, got.stderr
    else:
        assert got.returncode in (0, 1, 3), got.stderr


def test_main_function_returns_status(capfd):
    assert tl_main.main(["sid", "S-1-5-x"]) == 1
    assert tl_main.main(["sid", "S-1-5-18"]) == 0
    assert "S-1-5-18" in capfd.readouterr().out
