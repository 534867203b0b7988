"""`pip install .` from a source checkout, offline, into a fresh venv, builds the C library, the
SWIG extension and the CLI with CMake (pyproject.toml + setup.py at the root) and installs a
package that works from anywhere: SIDs, an example scenario explained, `python -m tokenlens`.

Never skips: a missing tool or a failed build fails this test. The checkout is copied first, so
pip's in-tree build writes nothing into the source tree; about a minute on two cores."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

from conftest import SOURCE_DIR

POOL_SID = "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415"
SKIP = ("build", "out", "dist", ".git", "__pycache__", "*.egg-info", ".pytest_cache", "bin", "obj")


def test_pip_install_source_checkout_into_fresh_venv(tmp_path):
    assert (SOURCE_DIR / "pyproject.toml").is_file(), "no pyproject.toml at the source root"
    src = tmp_path / "src"
    shutil.copytree(SOURCE_DIR, src, ignore=shutil.ignore_patterns(*SKIP), symlinks=True)
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PYTHONUSERBASE")}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONNOUSERSITE="1",
               CMAKE_BUILD_PARALLEL_LEVEL="2")
    # Debian's setuptools and wheel come from the system site: nothing is fetched.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True, env=env)
    py = str(venv / "bin" / "python")
    r = subprocess.run([py, "-m", "pip", "install", "--no-build-isolation", "--no-index",
                        "--no-deps", str(src)], env=env, cwd=str(tmp_path),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout[-6000:]

    scenario = SOURCE_DIR / "examples" / "scenarios" / "anonymous-batch-logon.json"
    probe = (
        "import json, sys, tokenlens\n"
        "s = tokenlens.Sid('IIS APPPOOL\\\\DefaultAppPool')\n"
        "r = tokenlens.explain(sys.argv[1])\n"
        "print(json.dumps({'sid': str(s), 'name': s.name, 'file': tokenlens.__file__,\n"
        "                  'version': tokenlens.__version__, 'hops': len(r.hops)}))\n")
    r = subprocess.run([py, "-c", probe, str(scenario)], env=env, cwd=str(tmp_path),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    got = json.loads(r.stdout)
    assert got["sid"] == POOL_SID
    assert got["name"] == "IIS APPPOOL\\DefaultAppPool"
    assert got["hops"] >= 1
    pkg = pathlib.Path(got["file"]).parent
    assert pkg.is_relative_to(venv), got["file"]  # the venv's copy, not the build tree's
    assert (pkg / "py.typed").is_file()
    assert (pkg / "_native.pyi").is_file() and (pkg / "_tokenlens_native.pyi").is_file()
    assert (pkg / "_bin" / "tokenlens").is_file()
    assert list(pkg.glob("_tokenlens_native*.so"))

    # python -m tokenlens runs the bundled CLI: same answer, same exit statuses.
    r = subprocess.run([py, "-m", "tokenlens", "sid", "--json", "IIS APPPOOL\\DefaultAppPool"],
                       env=env, cwd=str(tmp_path), stdout=subprocess.PIPE, text=True)
    assert r.returncode == 0
    assert json.loads(r.stdout)["sid"] == POOL_SID
    r = subprocess.run([py, "-m", "tokenlens", "explain", "--json", str(scenario)], env=env,
                       cwd=str(tmp_path), stdout=subprocess.PIPE, text=True)
    assert r.returncode == 0
    assert len(json.loads(r.stdout)["hops"]) == got["hops"]
    r = subprocess.run([py, "-m", "tokenlens", "sid", "S-1-5-x"], env=env, cwd=str(tmp_path),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert r.returncode == 1
    r = subprocess.run([py, "-m", "tokenlens", "no-such-verb"], env=env, cwd=str(tmp_path),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert r.returncode == 2
