"""Reading a real server (issue 14): a web.config as the PRODUCT.md JSON, and whoami text as
a token snapshot."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Union, cast

from . import _native
from ._token import Token

__all__ = ["webconfig", "whoami_notes", "diagnose"]

PathLike = Union[str, "os.PathLike[str]"]


def webconfig(path: PathLike) -> Dict[str, Any]:
    """Read a web.config: ``{"impersonate", "impersonate_user", "authentication_mode",
    "aspnetcore", "connections", "unc_paths", "auth_overrides", ...}`` (docs/webconfig.md).

    Raises ParseError (naming the file and line), FileError, LimitError."""
    handle = _native.tl_swig_webconfig_load(os.fspath(path))
    return cast("Dict[str, Any]", json.loads(_native.tl_webconfig_to_json(handle)))


def _from_whoami(cls: type, text: Union[str, bytes]) -> Token:
    """A token from the text of ``whoami /all`` (or /user, /groups, /priv, /fo list,
    /fo csv) as copied from a console. What is not understood is left out, never guessed:
    :func:`tokenlens.whoami_notes` says what."""
    raw = _native.tl_swig_token_from_whoami(text)
    return cast("Token", cls._wrap(raw))  # type: ignore[attr-defined]


def whoami_notes(text: Union[str, bytes]) -> str:
    """What :meth:`Token.from_whoami` left out of ``text`` and why ("" when nothing)."""
    return _native.tl_swig_whoami_notes(text) or ""


# Token lives in _token.py; the importer joins it here so that module stays untouched.
Token.from_whoami = classmethod(_from_whoami)  # type: ignore[attr-defined]


def diagnose(config: PathLike, maps: Union[Dict[str, str], "list[str]", None] = None,
             machine: Union[str, None] = None, domain: Union[str, None] = None) -> Dict[str, Any]:
    """The whole server: for every site and application, every off-box target of its
    configuration with the explain answer (``tokenlens diagnose --json``).

    ``maps`` says where a copy of the server's disks is: ``{"C:\\\\": "/mnt/web01/c"}`` or
    ``["C:\\\\=/mnt/web01/c"]``."""
    if isinstance(maps, dict):
        lines = [f"{k}={v}" for k, v in maps.items()]
    else:
        lines = list(maps or [])
    for line in lines:
        if "\n" in line or "=" not in line:
            raise ValueError(f"map {line!r} is not WINPATH=DIR")
    server = _native.tl_swig_server_load(os.fspath(config), "\n".join(lines), machine, domain)
    text = _native.tl_server_diagnose(server, _native.TL_DIAGNOSE_JSON)
    return cast("Dict[str, Any]", json.loads(text))
