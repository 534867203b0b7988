"""The documented install step works offline: pip installs the staged build tree with Debian's
setuptools (no build isolation, no index), and the installed package imports from anywhere.

Installs into a throwaway PYTHONUSERBASE, so the machine's ~/.local is never touched."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import tokenlens

STAGE = pathlib.Path(os.environ.get("TOKENLENS_BINDING_DIR",
                                    pathlib.Path(tokenlens.__file__).resolve().parents[1]))


def have(module):
    return subprocess.run([sys.executable, "-c", "import " + module],
                          stderr=subprocess.DEVNULL).returncode == 0


@pytest.mark.skipif(not (STAGE / "pyproject.toml").exists(), reason="not a staged build tree")
@pytest.mark.skipif(not (have("pip") and have("setuptools") and have("wheel")),
                    reason="pip, setuptools and wheel are needed (python3-pip, python3-setuptools, python3-wheel)")
def test_pip_install_user_offline(tmp_path):
    # Copy the staged tree: pip's in-tree build writes build/ and *.egg-info next to it.
    src = tmp_path / "src"
    shutil.copytree(STAGE, src, ignore=shutil.ignore_patterns("build", "dist", "*.egg-info",
                                                              "CMakeFiles", "*.c"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_INDEX_URL")}
    env["PYTHONUSERBASE"] = str(tmp_path / "userbase")
    env["PIP_NO_INDEX"] = "1"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--user",
                        "--break-system-packages", "--no-build-isolation", "--no-index",
                        "--no-deps", "--disable-pip-version-check", "-q", str(src)],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    r = subprocess.run([sys.executable, "-c",
                        "import tokenlens; print(tokenlens.Sid('IIS APPPOOL\\\\DefaultAppPool'));"
                        "print(tokenlens.__file__)"],
                       env=env, cwd=str(tmp_path), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    sid, where = r.stdout.split()
    assert sid == "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415"
    assert where.startswith(str(tmp_path / "userbase"))
    installed = pathlib.Path(where).parent
    assert (installed / "py.typed").exists()
    assert list(installed.glob("_tokenlens_native*"))
