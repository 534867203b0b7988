"""The example scripts run and say the right thing (examples/python)."""
import os
import subprocess
import sys

import pytest

import tokenlens
from conftest import SOURCE_DIR, scenario_files

EXAMPLES = SOURCE_DIR / "examples" / "python"
TOKENS = SOURCE_DIR / "tests" / "data" / "token"


def run(script, *args):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(tokenlens.__file__))
    return subprocess.run([sys.executable, str(EXAMPLES / script)] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


SQL_SCENARIOS = [p for p in scenario_files()
                 if any(h.target.lower().startswith("mssqlsvc/")
                        for h in tokenlens.explain(p).hops)]


@pytest.mark.parametrize("path", SQL_SCENARIOS, ids=lambda p: p.name)
def test_why_db_identity_names_what_sql_sees(path):
    hop = [h for h in tokenlens.explain(path).hops if h.target.lower().startswith("mssqlsvc/")][0]
    r = run("why_db_identity.py", path)
    assert r.returncode == 0, r.stderr
    assert "SQL Server sees:      %s" % hop.arrives_as.name in r.stdout
    assert all(s.rule in r.stdout for s in hop.steps)


def test_why_db_identity_bad_scenario_and_usage(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    r = run("why_db_identity.py", bad)
    assert r.returncode == 1 and str(bad) in r.stderr
    assert run("why_db_identity.py").returncode == 2


@pytest.mark.skipif(sys.platform == "win32", reason="live capture works on Windows")
def test_why_db_identity_live_off_windows():
    r = run("why_db_identity.py", "--live")
    assert r.returncode == 3 and "Windows" in r.stderr


def test_snapshot_diff():
    a, b = TOKENS / "wine-process.json", TOKENS / "iis-ntlm-impersonation.json"
    same = run("snapshot_diff.py", a, a)
    assert same.returncode == 0 and same.stdout.startswith("identical")
    r = run("snapshot_diff.py", a, b)
    assert r.returncode == 1
    assert "impersonation:       (not impersonating) -> Impersonation" in r.stdout
    assert "+ group NT AUTHORITY\\NETWORK (S-1-5-2)" in r.stdout
    assert "- privilege SeImpersonatePrivilege" in r.stdout
    assert run("snapshot_diff.py", a, b).stdout == r.stdout  # deterministic


def test_snapshot_diff_bad_file(tmp_path):
    r = run("snapshot_diff.py", tmp_path / "missing.json", TOKENS / "wine-process.json")
    assert r.returncode == 2 and "missing.json" in r.stderr
