"""The public surface: everything exported exists and is documented, the raw module stays
private, reprs are short and readable, and the package version is the library's."""
import inspect
import re

import pytest

import tokenlens


def public_members():
    for name in tokenlens.__all__:
        if name.startswith("__") or name == "errors":
            continue
        obj = getattr(tokenlens, name)
        yield name, obj
        if inspect.isclass(obj):
            for attr, value in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(value, property):
                    yield "%s.%s" % (name, attr), value.fget
                elif isinstance(value, (classmethod, staticmethod)):
                    yield "%s.%s" % (name, attr), value.__func__
                elif inspect.isfunction(value):
                    yield "%s.%s" % (name, attr), value


def test_everything_exported_exists():
    for name in tokenlens.__all__:
        assert hasattr(tokenlens, name), name


def test_everything_public_is_documented():
    missing = [name for name, obj in public_members()
               if not (inspect.getdoc(obj) or "").strip()]
    assert missing == []


def test_version_is_the_library_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", tokenlens.__version__)
    assert tokenlens.__version__ == tokenlens._native.tl_version()


def test_raw_module_is_not_exported():
    assert "_native" not in tokenlens.__all__
    assert not any(name.startswith("tl_") for name in tokenlens.__all__)


def test_typed_package():
    import pathlib
    assert (pathlib.Path(tokenlens.__file__).parent / "py.typed").exists()
    hints = inspect.get_annotations(tokenlens.Sid.__init__)
    assert "value" in hints


@pytest.mark.parametrize("make, pattern", [
    (lambda: tokenlens.Sid("S-1-5-18"), r"<Sid S-1-5-18 NT AUTHORITY\\SYSTEM>"),
    (lambda: tokenlens.Token(), r"<Token no user, unknown, 0 groups, 0 privileges>"),
    (lambda: tokenlens.ParseError("bad", code=-4, code_name="TL_EPARSE", offset=3),
     r"ParseError\('bad', code=TL_EPARSE, offset=3\)"),
])
def test_reprs(make, pattern):
    assert re.fullmatch(pattern, repr(make()))
