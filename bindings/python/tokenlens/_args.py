"""Argument checks for the public API (issue 18 item 9), applied once at import.

Every public function and method of the package checks its arguments against its own type
annotations before anything reaches the native layer, so a wrong type is always a
``TypeError`` that names the method and the parameter, never an ``AttributeError`` from deep
inside or a SWIG message about ``argument 2 of type 'uint32_t'``:

- ``None`` where the annotation does not allow it, a ``float`` or a ``bool`` where an ``int``
  is meant (``set_impersonation_level(1.9)`` used to truncate to 1; ``True`` used to be 1),
  a number where a ``str`` is meant: ``TypeError``;
- an integer outside what the parameter can hold (a RID above 2**32-1, a negative LUID):
  ``OverflowError``; outside its meaning (an impersonation level of 9): ``ValueError``; each
  message names the parameter and its valid range.

Parameters annotated ``Any`` and containers' elements are the method's own business.
"""
import collections.abc
import functools
import inspect
import os
import sys
import types
import typing
from typing import Any, Callable, Dict, List, Optional, Tuple

_U32 = (0, 2**32 - 1, OverflowError, "a 32-bit unsigned integer")

# "Class.method.parameter" (or "function.parameter") -> (lowest, highest, error, meaning)
RANGES: Dict[str, Tuple[int, int, type, str]] = {
    "Sid.from_parts.authority": (0, 2**48 - 1, OverflowError, "a 48-bit identifier authority"),
    "Sid.from_parts.sub_authorities": _U32,
    "Sid.append_rid.rid": _U32,
    "Token.set_user.attributes": _U32,
    "Token.add_group.attributes": _U32,
    "Token.add_privilege.attributes": _U32,
    "Token.add_privilege.luid": (0, 2**64 - 1, OverflowError, "a 64-bit unsigned LUID"),
    "Token.set_impersonation_level.level": (
        0, 3, ValueError, "an ImpersonationLevel (0 anonymous, 1 identification, "
        "2 impersonation, 3 delegation), or None for a primary token"),
    "SecurityDescriptor.access_check.desired": _U32,
    "SecurityDescriptor.access_check.flags": _U32,
    "access_check.desired": _U32,
    "access_check.flags": _U32,
    "ActiveDirectory.__init__.timeout_ms": _U32,
}

_Check = Callable[[Any], bool]


def _describe(hint: Any) -> str:
    """Human name of an annotation: 'str', 'int or None', 'Sid, str or bytes'."""
    if hint is type(None) or hint is None:
        return "None"
    origin = typing.get_origin(hint)
    if origin is typing.Union or (sys.version_info >= (3, 10) and origin is types.UnionType):
        names: List[str] = []
        for a in typing.get_args(hint):
            n = _describe(a)
            if n not in names:
                names.append(n)
        if "None" in names:  # None last
            names.remove("None")
            names.append("None")
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    if origin is not None:
        hint = origin
    if hint is os.PathLike:
        return "os.PathLike"
    if isinstance(hint, type):
        return hint.__name__
    return str(hint)


def _checker(hint: Any) -> Optional[_Check]:
    """A predicate for an annotation, or None when the annotation is not checked (Any,
    unresolved forward references, type variables, callables)."""
    if hint is Any or hint is inspect.Parameter.empty:
        return None
    if hint is type(None) or hint is None:
        return lambda v: v is None
    origin = typing.get_origin(hint)
    if origin is typing.Union or (sys.version_info >= (3, 10) and origin is types.UnionType):
        parts = [_checker(a) for a in typing.get_args(hint)]
        if any(p is None for p in parts):
            return None
        checks = [p for p in parts if p is not None]
        return lambda v: any(c(v) for c in checks)
    if origin is typing.Literal:
        return None
    if origin is not None:  # Mapping[str, Any], Tuple[...], os.PathLike[str], list[str]
        hint = origin
    if hint is bool:
        return lambda v: isinstance(v, (bool, int))
    if hint is int:  # an int, an IntEnum, an IntFlag; not a bool, not a float
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if hint is float:
        return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if hint is type:
        return None
    if hint is collections.abc.Callable:
        return None
    if isinstance(hint, type):
        return lambda v: isinstance(v, hint)
    return None


class _Param:
    __slots__ = ("name", "check", "expected", "range", "star")

    def __init__(self, name: str, check: Optional[_Check], expected: str,
                 rng: Optional[Tuple[int, int, type, str]], star: bool) -> None:
        self.name = name
        self.check = check
        self.expected = expected
        self.range = rng
        self.star = star


def _plan(func: Callable[..., Any], key: str) -> Tuple[inspect.Signature, List[_Param]]:
    sig = inspect.signature(func)
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # an annotation that does not resolve at run time: check what does
        hints = {}
        for name, p in sig.parameters.items():
            if isinstance(p.annotation, type):
                hints[name] = p.annotation
    params: List[_Param] = []
    for name, p in sig.parameters.items():
        if name in ("self", "cls") or p.kind is p.VAR_KEYWORD:
            continue
        hint = hints.get(name, Any)
        first = _checker(hint)
        if p.default is None and first is not None and not first(None):
            hint = Optional[hint]  # a default of None is always allowed
        check = _checker(hint)
        rng = RANGES.get(key + "." + name)
        if check is None and rng is None:
            continue
        params.append(_Param(name, check, _describe(hint), rng, p.kind is p.VAR_POSITIONAL))
    return sig, params


def _fail_type(qualname: str, p: _Param, value: Any) -> TypeError:
    return TypeError("%s(): %s must be %s, not %s"
                     % (qualname, p.name, p.expected, type(value).__name__))


def _check_one(qualname: str, p: _Param, value: Any) -> None:
    if p.check is not None and not p.check(value):
        raise _fail_type(qualname, p, value)
    if p.range is not None and isinstance(value, int) and not isinstance(value, bool):
        lo, hi, err, meaning = p.range
        if not lo <= value <= hi:
            raise err("%s(): %s must be %s, from %d to %d; got %d"
                      % (qualname, p.name, meaning, lo, hi, value))
    elif p.range is not None and value is not None and (isinstance(value, bool)
                                                         or not isinstance(value, int)):
        raise TypeError("%s(): %s must be int, not %s"
                        % (qualname, p.name, type(value).__name__))


def checked(func: Callable[..., Any], qualname: str, key: str) -> Callable[..., Any]:
    """Wrap `func` so its arguments are checked as the module docstring says; `qualname`
    names it in messages, `key` ("Class.method") finds its RANGES."""
    sig, params = _plan(func, key)
    if not params:
        return _swig_net(func, qualname)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError("%s(): %s" % (qualname, e)) from None
        values = bound.arguments
        for p in params:
            if p.name not in values:
                continue
            v = values[p.name]
            if p.star:
                for item in v:
                    _check_one(qualname, p, item)
            else:
                _check_one(qualname, p, v)
        return _call_clean(func, qualname, args, kwargs)

    return wrapper


def _call_clean(func: Callable[..., Any], qualname: str, args: Any, kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    except (TypeError, OverflowError, ValueError) as e:
        # A SWIG conversion message ("in method 'tl_x', argument 2 of type 'uint32_t'") is
        # about the C layer; say what the Python caller passed instead.
        text = str(e)
        if text.startswith("in method '"):
            raise type(e)("%s(): an argument does not fit the library's parameter (%s)"
                          % (qualname, text.split(", ", 1)[-1])) from None
        raise


def _swig_net(func: Callable[..., Any], qualname: str) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _call_clean(func, qualname, args, kwargs)

    return wrapper


def _is_record(cls: type) -> bool:
    return issubclass(cls, (tuple, BaseException, int, str)) or hasattr(cls, "__members__")


# dunder methods that take `object` by design (comparisons) are left alone
_METHODS_SKIPPED = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__",
                    "__repr__", "__str__", "__bytes__", "__iter__", "__len__", "__bool__",
                    "__enter__", "__exit__", "__del__", "__fspath__", "__index__", "__int__"}


def check_public_api(namespace: Dict[str, Any], names: List[str]) -> None:
    """Replace every public function in `namespace` (listed in `names`) and every public
    method of the listed classes with its checked version. Idempotent."""
    for name in names:
        obj = namespace.get(name)
        if inspect.isclass(obj):
            if _is_record(obj) or getattr(obj, "_tl_checked", False):
                continue
            for attr, member in list(vars(obj).items()):
                if attr.startswith("_") and attr != "__init__" or attr in _METHODS_SKIPPED:
                    continue
                qual = "%s.%s" % (obj.__name__, attr) if attr != "__init__" else obj.__name__
                key = "%s.%s" % (obj.__name__, attr)
                if isinstance(member, classmethod):
                    setattr(obj, attr, classmethod(_wrap(member.__func__, qual, key)))
                elif isinstance(member, staticmethod):
                    setattr(obj, attr, staticmethod(_wrap(member.__func__, qual, key)))
                elif isinstance(member, property):
                    if member.fset is not None:
                        setattr(obj, attr, member.setter(_wrap(member.fset, qual, key)))
                elif inspect.isfunction(member):
                    setattr(obj, attr, _wrap(member, qual, key))
            setattr(obj, "_tl_checked", True)
        elif inspect.isfunction(obj) and not getattr(obj, "_tl_checked", False):
            wrapped = _wrap(obj, name, name)
            setattr(wrapped, "_tl_checked", True)
            namespace[name] = wrapped


def _wrap(func: Callable[..., Any], qualname: str, key: str) -> Callable[..., Any]:
    return checked(func, qualname, key)
