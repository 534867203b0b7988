"""Security identifiers."""
from __future__ import annotations

import enum
from typing import Any, NamedTuple, Optional, Tuple, Union, cast

from . import _native
from ._errors import NotFoundError, ParseError

__all__ = ["Sid", "SidKind", "SidLike", "WellKnownSid", "well_known_sids"]


class SidKind(enum.IntEnum):
    """What kind of account a SID names (``tl_sid_kind``)."""

    UNKNOWN = _native.TL_SID_KIND_UNKNOWN
    WELL_KNOWN = _native.TL_SID_KIND_WELL_KNOWN
    BUILTIN = _native.TL_SID_KIND_BUILTIN
    DOMAIN_RELATIVE = _native.TL_SID_KIND_DOMAIN_RELATIVE
    IIS_APPPOOL = _native.TL_SID_KIND_IIS_APPPOOL
    SERVICE = _native.TL_SID_KIND_SERVICE
    LOGON_SESSION = _native.TL_SID_KIND_LOGON_SESSION
    INTEGRITY = _native.TL_SID_KIND_INTEGRITY
    CAPABILITY = _native.TL_SID_KIND_CAPABILITY
    ACCOUNT = _native.TL_SID_KIND_ACCOUNT


def _attach_input(exc: ParseError, text: str) -> ParseError:
    exc.input = text
    return exc


class Sid:
    """A Windows security identifier, as an immutable value.

    ``Sid(text)`` accepts a string SID (``"S-1-5-32-544"``), an SDDL alias (``"BA"``), a
    well-known name with or without its domain (``"NT AUTHORITY\\IUSR"``, ``"Everyone"``) or a
    virtual account (``"IIS APPPOOL\\DefaultAppPool"``, ``"NT SERVICE\\TrustedInstaller"``),
    whose SID is derived offline exactly as Windows derives it. Names are case-insensitive.

    ``str(sid)`` is the canonical string form (as ConvertSidToStringSid prints it);
    ``bytes(sid)`` the binary form. SIDs compare and hash by value, compare equal to the text
    of the same SID (``Sid("BA") == "S-1-5-32-544"``), and sort by authority, then
    sub-authority count, then sub-authorities (``tl_sid_compare``).

    Raises:
        ParseError: a malformed string SID (``.offset`` is the byte offset of the fault).
        NotFoundError: a name tokenlens does not know.
    """

    __slots__ = ("_sid", "_given_name", "__weakref__")
    _sid: Any  # the native tl_sid
    _given_name: Optional[str]

    def __init__(self, value: "SidLike", domain: Optional["SidLike"] = None) -> None:
        given = None
        if isinstance(value, Sid):
            raw = _copy(value._sid)
            given = value._given_name
        elif isinstance(value, str):
            dom = Sid(domain)._sid if domain is not None else None
            try:
                raw = _native.tl_sid_resolve(value, dom)
            except ParseError as exc:
                raise _attach_input(exc, value) from None
            except NotFoundError as exc:
                exc.input = value  # type: ignore[attr-defined]
                raise
            if "\\" in value:
                # The canonical spelling the library gives (IIS APPPOOL\\Coke for
                # "iis apppool\\Coke"), the same name the CLI and PowerShell print.
                try:
                    given = _native.tl_sid_resolve_name(value, dom)
                except NotFoundError:
                    given = None
        elif isinstance(value, (bytes, bytearray, memoryview)):
            raw = Sid.from_bytes(bytes(value))._sid
        else:
            raise TypeError("Sid() takes a str, bytes or Sid, not %s" % type(value).__name__)
        self._sid = raw
        self._given_name = given

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def _wrap(cls, raw: Any, given_name: Optional[str] = None) -> "Sid":
        self = cls.__new__(cls)
        self._sid = raw
        self._given_name = given_name
        return self

    @classmethod
    def _from_borrowed(cls, ptr: Any) -> Optional["Sid"]:
        """Copy a SID the C library lends out (e.g. from a token); None for NULL."""
        if ptr is None:
            return None
        return cls._wrap(_native.tl_swig_sid_copy(ptr))

    @classmethod
    def parse(cls, text: str) -> "Sid":
        """Parse a string SID only (no names, no aliases), as ConvertStringSidToSid does."""
        try:
            return cls._wrap(_native.tl_sid_from_string(text))
        except ParseError as exc:
            raise _attach_input(exc, text) from None

    @classmethod
    def from_bytes(cls, data: bytes) -> "Sid":
        """Parse a binary SID; the buffer must hold exactly one SID."""
        data = bytes(data)
        raw, consumed = _native.tl_sid_from_binary(data)
        if consumed != len(data):
            exc = ParseError("%d trailing bytes after the SID" % (len(data) - consumed),
                             code=_native.TL_EPARSE, code_name="TL_EPARSE", offset=consumed)
            exc.input = data.hex()
            raise exc
        return cls._wrap(raw)

    @classmethod
    def from_parts(cls, authority: int, *sub_authorities: int) -> "Sid":
        """Build ``S-1-<authority>-<sub>...`` (at most 15 sub-authorities)."""
        auth = "%d" % authority if authority < 2**32 else "%#x" % authority
        return cls.parse("-".join(["S-1", auth] + ["%d" % s for s in sub_authorities]))

    @classmethod
    def iis_apppool(cls, pool: str) -> "Sid":
        """``IIS APPPOOL\\<pool>``: S-1-5-82-SHA1(UTF-16LE(lowercase(pool)))."""
        return cls._wrap(_native.tl_sid_iis_apppool(pool), "IIS APPPOOL\\" + pool)

    @classmethod
    def service(cls, name: str) -> "Sid":
        """``NT SERVICE\\<name>``: S-1-5-80-SHA1(UTF-16LE(uppercase(name)))."""
        return cls._wrap(_native.tl_sid_service(name), "NT SERVICE\\" + name)

    # -- views ----------------------------------------------------------------------------
    def __str__(self) -> str:
        return cast(str, _native.tl_sid_to_string(self._sid))

    def __bytes__(self) -> bytes:
        buf, written = _native.tl_sid_to_binary(self._sid)
        return cast(bytes, buf[:written])

    def __repr__(self) -> str:
        name = self.name
        if name is not None:
            return "<Sid %s %s>" % (self, name)
        return "<Sid %s>" % self

    @property
    def name(self) -> Optional[str]:
        """The account name: the well-known name (``"NT AUTHORITY\\IUSR"``), else the virtual
        account name this Sid was created from, else None (names of virtual accounts cannot be
        recovered from their hash)."""
        try:
            return cast("Optional[str]", _native.tl_sid_lookup_name(self._sid))
        except NotFoundError:
            return self._given_name

    @property
    def kind(self) -> SidKind:
        """The account kind (well-known, builtin, IIS app pool, service, ...)."""
        return SidKind(_native.tl_sid_kind_of(self._sid))

    @property
    def kind_name(self) -> str:
        """The kind's canonical word (``"iis-apppool"``), as ``tokenlens sid`` prints it."""
        return cast(str, _native.tl_sid_kind_name(_native.tl_sid_kind_of(self._sid)))

    @property
    def sddl_alias(self) -> Optional[str]:
        """The two-letter SDDL alias Windows prints for this SID, or None."""
        return cast("Optional[str]", _native.tl_sid_sddl_alias(self._sid, None))

    @property
    def authority(self) -> int:
        """The 48-bit identifier authority (5 for NT AUTHORITY)."""
        return int(_native.tl_sid_authority(self._sid))

    @property
    def sub_authorities(self) -> Tuple[int, ...]:
        """The sub-authorities, in order."""
        parts = str(self).split("-")[3:]
        return tuple(int(p) for p in parts)

    @property
    def rid(self) -> int:
        """The last sub-authority (relative identifier)."""
        return int(_native.tl_sid_split_rid(_native.tl_sid(), self._sid))

    @property
    def domain(self) -> "Sid":
        """The SID without its last sub-authority."""
        dom = _native.tl_sid()
        _native.tl_sid_split_rid(dom, self._sid)
        return Sid._wrap(dom)

    def append_rid(self, rid: int) -> "Sid":
        """A new SID with ``rid`` appended (domain SID + RID)."""
        return Sid._wrap(_native.tl_sid_append_rid(self._sid, rid))

    # -- value semantics ------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sid):
            return bool(_native.tl_sid_equal(self._sid, other._sid))
        if isinstance(other, str):
            try:
                return bool(_native.tl_sid_equal(self._sid, Sid(other)._sid))
            except (ParseError, NotFoundError):
                return False
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __lt__(self, other: "Sid") -> bool:
        if not isinstance(other, Sid):
            return NotImplemented
        return cast(bool, _native.tl_sid_compare(self._sid, other._sid) < 0)

    def __le__(self, other: "Sid") -> bool:
        if not isinstance(other, Sid):
            return NotImplemented
        return cast(bool, _native.tl_sid_compare(self._sid, other._sid) <= 0)

    def __gt__(self, other: "Sid") -> bool:
        if not isinstance(other, Sid):
            return NotImplemented
        return cast(bool, _native.tl_sid_compare(self._sid, other._sid) > 0)

    def __ge__(self, other: "Sid") -> bool:
        if not isinstance(other, Sid):
            return NotImplemented
        return cast(bool, _native.tl_sid_compare(self._sid, other._sid) >= 0)

    def __hash__(self) -> int:
        return int(_native.tl_sid_hash(self._sid))

    def __reduce__(self) -> Any:
        return (_rebuild, (str(self), self._given_name))


class WellKnownSid(NamedTuple):
    """A row of the built-in well-known SID table."""

    sid: Optional[Sid]
    """The SID; None for domain-relative rows (they need a domain SID: see ``rid``)."""
    rid: Optional[int]
    """The RID of a domain-relative row (512 Domain Admins), else None."""
    domain: str
    """"NT AUTHORITY", "BUILTIN", or "" for names without a domain part."""
    name: str
    sddl_alias: Optional[str]

    @property
    def account(self) -> str:
        """``DOMAIN\\name``, or the bare name when there is no domain part."""
        return "%s\\%s" % (self.domain, self.name) if self.domain else self.name


def well_known_sids() -> Tuple[WellKnownSid, ...]:
    """The well-known SIDs, names and SDDL aliases tokenlens knows (the table behind
    :attr:`Sid.name` and ``Sid("BA")``)."""
    rows = []
    for i in range(_native.tl_sid_wellknown_count()):
        w = _native.tl_sid_wellknown_at(i)
        relative = w.sid.startswith("-")
        rows.append(WellKnownSid(None if relative else Sid.parse(w.sid),
                                 int(w.sid[1:]) if relative else None,
                                 w.domain or "", w.name, w.sddl_alias))
    return tuple(rows)


def _rebuild(text: str, given_name: Optional[str]) -> Sid:
    return Sid._wrap(Sid.parse(text)._sid, given_name)


def _copy(raw: Any) -> Any:
    return _native.tl_swig_sid_copy(raw)


SidLike = Union[Sid, str, bytes]
