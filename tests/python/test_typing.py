"""The raw module's stubs are what the module contains now (the build writes them with
bindings/python/gen_native_pyi.py; a stale or hand-edited stub fails here), and mypy uses them:
a call the SWIG module does not have is a type error. `mypy --strict` over the whole package is
the separate CTest test python_mypy."""
import importlib.util
import os
import pathlib
import subprocess
import sys

import tokenlens
from conftest import SOURCE_DIR

PKG = pathlib.Path(tokenlens.__file__).resolve().parent
GEN = SOURCE_DIR / "bindings" / "python" / "gen_native_pyi.py"


def generator():
    spec = importlib.util.spec_from_file_location("gen_native_pyi", GEN)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_stubs_match_the_module():
    want = generator().stubs(str(PKG.parent))
    assert set(want) == {"_native.pyi", "_tokenlens_native.pyi"}
    for name, text in want.items():
        shipped = (PKG / name).read_text(encoding="utf-8")
        assert shipped == text, "%s is stale: rebuild (bindings/python/gen_native_pyi.py)" % name


def test_stub_declares_every_public_name():
    text = (PKG / "_native.pyi").read_text(encoding="utf-8")
    names = [n for n in vars(tokenlens._native) if not n.startswith("_")]
    assert len(names) > 300
    for n in names:
        assert ("def %s(" % n) in text or ("class %s:" % n) in text or ("\n%s: " % n) in text, n


def mypy(tmp_path, code):
    f = tmp_path / "use.py"
    f.write_text(code, encoding="utf-8")
    env = dict(os.environ, MYPYPATH=str(PKG.parent))
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", os.devnull,
                           "--no-error-summary", str(f)], env=env, cwd=str(tmp_path),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_mypy_uses_the_stub(tmp_path):
    good = mypy(tmp_path, "from tokenlens import _native\n"
                          "def f() -> str:\n    return str(_native.tl_version())\n"
                          "x: int = _native.TL_SID_MAX_SUB_AUTHORITIES\n")
    assert good.returncode == 0, good.stdout
    bad = mypy(tmp_path, "from tokenlens import _native\n_native.tl_no_such_function()\n"
                         "y: str = _native.TL_SID_MAX_SUB_AUTHORITIES\n")
    assert bad.returncode == 1, bad.stdout
    assert 'has no attribute "tl_no_such_function"' in bad.stdout
    assert "Incompatible types in assignment" in bad.stdout
