"""Exceptions raised by tokenlens.

Every failing C call returns a negative ``TL_E*`` code and records details in
``tl_error_last()``; the SWIG status typemap (bindings/swig/python.i) hands them to
:func:`_from_native`, the one table that maps codes to classes. Where a standard Python
exception means the same thing, the class derives from it too, so ``except ValueError`` and
``except LookupError`` work as a Python programmer expects.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Type

__all__ = [
    "TokenLensError",
    "ParseError",
    "LimitError",
    "InvalidArgumentError",
    "OutOfRangeError",
    "NotFoundError",
    "NotSupportedError",
    "NativeError",
    "FileError",
    "OutOfMemoryError",
    "AuthError",
    "StateError",
]


class TokenLensError(Exception):
    """Base class of every tokenlens error.

    Attributes:
        code: the negative ``TL_E*`` code (``-4`` for ``TL_EPARSE``).
        code_name: its symbolic name (``"TL_EPARSE"``).
        message: the library's message, without location decorations.
        offset: byte offset into the input for parse errors, else None.
        path: location inside structured input (JSON path ``"$.groups[3].sid"``, XML
            ``"line 12"``), else None.
        native: the native status (Win32 error, NTSTATUS, GSS major) or 0.
        native_kind: what ``native`` is (``tl_native_kind_name``): ``"win32"``,
            ``"ntstatus"``, ``"security-status"``, ``"gss-major"``, ``"errno"``,
            ``"other"``, or ``"none"`` when there is no native status.
    """

    code: int
    code_name: str
    message: str
    offset: Optional[int]
    path: Optional[str]
    native: int
    native_kind: str

    def __init__(
        self,
        message: str = "",
        *,
        code: int = -1,
        code_name: str = "TL_ERROR",
        offset: Optional[int] = None,
        path: Optional[str] = None,
        native: int = 0,
        native_kind: str = "none",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.code_name = code_name
        self.offset = offset
        self.path = path or None
        self.native = native
        self.native_kind = native_kind

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.offset is not None:
            where.append("offset %d" % self.offset)
        text = self.message or self.code_name
        return "%s (%s)" % (text, ", ".join(where)) if where else text

    def __repr__(self) -> str:
        parts = ["%r" % self.message, "code=%s" % self.code_name]
        if self.offset is not None:
            parts.append("offset=%d" % self.offset)
        if self.path:
            parts.append("path=%r" % self.path)
        if self.native:
            parts.append("native=%#x" % self.native)
        return "%s(%s)" % (type(self).__name__, ", ".join(parts))

    # Exceptions with keyword-only state must say how to rebuild themselves (pickling,
    # multiprocessing, copy).
    def __reduce__(self) -> Any:
        return (
            _rebuild,
            (type(self), self.message, self.code, self.code_name, self.offset, self.path,
             self.native, self.native_kind, self.__dict__.copy()),
        )


def _rebuild(cls: Type[TokenLensError], message: str, code: int, code_name: str,
             offset: Optional[int], path: Optional[str], native: int, native_kind: str,
             state: Dict[str, Any]) -> TokenLensError:
    exc = cls(message, code=code, code_name=code_name, offset=offset, path=path, native=native,
              native_kind=native_kind)
    exc.__dict__.update(state)
    return exc


class ParseError(TokenLensError, ValueError):
    """Input text or bytes did not parse (``TL_EPARSE``).

    ``offset`` is the byte offset of the fault in ``input`` (for SIDs, SDDL) and ``path`` the
    JSON path or XML line (for snapshots, scenarios, applicationHost.config). ``input`` is the
    text that was parsed, or the file name for files, when the caller knows it.
    """

    input: Optional[str] = None


class LimitError(TokenLensError, ValueError):
    """Input exceeds a safety bound: size, nesting depth, count (``TL_ELIMIT``)."""


class InvalidArgumentError(TokenLensError, ValueError):
    """An argument is not acceptable (``TL_EINVAL``)."""


class OutOfRangeError(TokenLensError, ValueError):
    """An index or value is out of range (``TL_ERANGE``)."""


class NotFoundError(TokenLensError, LookupError):
    """A name, SID or item is not known (``TL_ENOTFOUND``)."""


class NotSupportedError(TokenLensError, NotImplementedError):
    """Not supported on this platform, e.g. live token capture off Windows (``TL_ENOTSUP``)."""


class NotImplementedFeatureError(NotSupportedError):
    """Valid input or a request tokenlens does not handle on any platform, e.g. an ACE with
    no SDDL form (``TL_ENOTIMPL``). A NotSupportedError, which these raised before 0.3."""


class NativeError(TokenLensError, OSError):
    """An operating-system call failed (``TL_EOS``); ``native`` holds its status code."""


class FileError(TokenLensError, OSError):
    """Reading or writing a file failed (``TL_EIO``)."""


class OutOfMemoryError(TokenLensError, MemoryError):
    """The library could not allocate memory (``TL_ENOMEM``)."""


class AuthError(TokenLensError):
    """An authentication exchange failed (``TL_EAUTH``, hop probes)."""


class StateError(TokenLensError, RuntimeError):
    """The operation is not valid in the current state (``TL_ESTATE``)."""


# One row per tl_error_code (include/tokenlens/common.h) but TL_OK and TL_ERROR, keyed on the
# name tl_error_name() gives; tests/abi/check_error_tables.py keeps it complete.
_BY_NAME: Dict[str, Type[TokenLensError]] = {
    "TL_ENOMEM": OutOfMemoryError,
    "TL_EINVAL": InvalidArgumentError,
    "TL_EPARSE": ParseError,
    "TL_ERANGE": OutOfRangeError,
    "TL_ENOTFOUND": NotFoundError,
    "TL_ENOTSUP": NotSupportedError,
    "TL_EOS": NativeError,
    "TL_EIO": FileError,
    "TL_ELIMIT": LimitError,
    "TL_EAUTH": AuthError,
    "TL_ESTATE": StateError,
    "TL_ENOTIMPL": NotImplementedFeatureError,
}


def _class_for(code: int) -> Type[TokenLensError]:
    from . import _native  # the extension is loaded by then: it is what calls _from_native

    return _BY_NAME.get(_native.tl_error_name(code), TokenLensError)


def _from_native(code: int, code_name: str, message: str, offset: Optional[int], path: str,
                 native: int, native_kind: str = "none") -> TokenLensError:
    """Called from the SWIG status typemap with the fields of ``tl_error_last()``."""
    cls = _class_for(code)
    return cls(message, code=code, code_name=code_name, offset=offset, path=path or None,
               native=native, native_kind=native_kind)
