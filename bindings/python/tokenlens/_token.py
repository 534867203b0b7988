"""Token snapshots: what an access token says, captured live on Windows or loaded from JSON."""
from __future__ import annotations

import enum
import os
from typing import Any, Iterator, NamedTuple, Optional, Tuple, Union, cast

from . import _native
from ._errors import NotFoundError, NotSupportedError, ParseError
from ._sid import Sid, SidLike

__all__ = [
    "Token",
    "Group",
    "Privilege",
    "LogonSession",
    "GroupAttributes",
    "PrivilegeAttributes",
    "TokenType",
    "ImpersonationLevel",
    "ElevationType",
    "LogonType",
    "ProbeStep",
    "ImpersonationProbe",
    "probe_impersonation",
]

PathLike = Union[str, "os.PathLike[str]"]


class GroupAttributes(enum.IntFlag):
    """``SE_GROUP_*`` bits of a group in a token (winnt.h numbering)."""

    MANDATORY = 0x1
    ENABLED_BY_DEFAULT = 0x2
    ENABLED = 0x4
    OWNER = 0x8
    USE_FOR_DENY_ONLY = 0x10
    INTEGRITY = 0x20
    INTEGRITY_ENABLED = 0x40
    RESOURCE = 0x20000000
    LOGON_ID = 0xC0000000


class PrivilegeAttributes(enum.IntFlag):
    """``SE_PRIVILEGE_*`` bits of a privilege in a token (winnt.h numbering)."""

    ENABLED_BY_DEFAULT = 0x1
    ENABLED = 0x2
    REMOVED = 0x4
    USED_FOR_ACCESS = 0x80000000


class TokenType(enum.IntEnum):
    """``TOKEN_TYPE``: primary (a process's) or impersonation (a thread's)."""

    UNKNOWN = 0
    PRIMARY = 1
    IMPERSONATION = 2


class ImpersonationLevel(enum.IntEnum):
    """``SECURITY_IMPERSONATION_LEVEL`` with the native numbering (0..3).

    .NET's ``TokenImpersonationLevel`` is shifted by one; these are the Win32 values.
    Only DELEGATION lets the identity travel to another machine.
    """

    ANONYMOUS = 0
    IDENTIFICATION = 1
    IMPERSONATION = 2
    DELEGATION = 3


class ElevationType(enum.IntEnum):
    """``TOKEN_ELEVATION_TYPE``."""

    UNKNOWN = 0
    DEFAULT = 1
    FULL = 2
    LIMITED = 3


class LogonType(enum.IntEnum):
    """``SECURITY_LOGON_TYPE`` of the token's logon session (ntsecapi.h)."""

    UNDEFINED = 0
    INTERACTIVE = 2
    NETWORK = 3
    BATCH = 4
    SERVICE = 5
    PROXY = 6
    UNLOCK = 7
    NETWORK_CLEARTEXT = 8
    NEW_CREDENTIALS = 9
    REMOTE_INTERACTIVE = 10
    CACHED_INTERACTIVE = 11
    CACHED_REMOTE_INTERACTIVE = 12
    CACHED_UNLOCK = 13


class Group(NamedTuple):
    """A group of a token (a ``TOKEN_GROUPS`` entry)."""

    sid: Sid
    attributes: GroupAttributes

    @property
    def enabled(self) -> bool:
        """True when the group counts in access checks for "allow" ACEs."""
        return bool(self.attributes & GroupAttributes.ENABLED)

    @property
    def deny_only(self) -> bool:
        """True when the group only matches deny ACEs (SE_GROUP_USE_FOR_DENY_ONLY)."""
        return bool(self.attributes & GroupAttributes.USE_FOR_DENY_ONLY)

    def __repr__(self) -> str:
        return "Group(%s, %s)" % (_sid_text(self.sid), _flags_text(self.attributes))


class Privilege(NamedTuple):
    """A privilege of a token (a ``TOKEN_PRIVILEGES`` entry)."""

    name: str
    luid: int
    attributes: PrivilegeAttributes

    @property
    def enabled(self) -> bool:
        """True when the privilege is enabled (held is not enough to use most privileges)."""
        return bool(self.attributes & PrivilegeAttributes.ENABLED)

    def __repr__(self) -> str:
        return "Privilege(%s, %s)" % (self.name or "luid %d" % self.luid,
                                      _flags_text(self.attributes))


class LogonSession(NamedTuple):
    """The logon session a token belongs to (``TokenStatistics`` + LSA data)."""

    luid: Optional[int]
    package: Optional[str]
    type: Optional[LogonType]
    domain: Optional[str]
    user: Optional[str]


def _sid_text(sid: Sid) -> str:
    name = sid.name
    return "%s %s" % (sid, name) if name else str(sid)


def _flags_text(flags: enum.IntFlag) -> str:
    """"ENABLED|MANDATORY|0x100": member names in definition order, unknown bits in hex."""
    value = int(flags)
    if not value:
        return "0"
    parts = []
    known = 0
    for name, member in type(flags).__members__.items():
        bits = member.value
        if bits and value & bits == bits and known & bits != bits:
            parts.append(name)
            known |= bits
    if value & ~known:
        parts.append("%#x" % (value & ~known))
    return "|".join(parts)


class Token:
    """A token snapshot: user, groups, privileges, type, impersonation level, integrity,
    elevation and logon session, as a plain value that can be saved and loaded anywhere.

    Get one with :meth:`current` / :meth:`thread` / :meth:`effective` (live capture, Windows
    only), :meth:`load` (a JSON snapshot file) or :meth:`from_json`. ``Token()`` is empty.
    """

    __slots__ = ("_tok",)

    def __init__(self) -> None:
        self._tok = _native.tl_token_new()

    @classmethod
    def _wrap(cls, raw: Any) -> "Token":
        self = cls.__new__(cls)
        self._tok = raw
        return self

    # -- sources --------------------------------------------------------------------------
    @classmethod
    def current(cls) -> "Token":
        """The process token. Raises NotSupportedError off Windows."""
        return cls._wrap(_live("tl_live_process_token"))

    @classmethod
    def thread(cls) -> Optional["Token"]:
        """The calling thread's impersonation token, or None when the thread is not
        impersonating. Raises NotSupportedError off Windows."""
        try:
            return cls._wrap(_live("tl_live_thread_token"))
        except NotFoundError:
            return None

    @classmethod
    def effective(cls) -> "Token":
        """The thread token when impersonating, else the process token (what an access
        check or an outgoing connection made right now uses). NotSupportedError off Windows."""
        return cls._wrap(_live("tl_live_effective_token"))

    @staticmethod
    def live_supported() -> bool:
        """True when this build can capture live tokens (Windows)."""
        fn = getattr(_native, "tl_live_supported", None)
        return bool(fn()) if fn else False

    @classmethod
    def load(cls, path: PathLike) -> "Token":
        """Load a snapshot saved by :meth:`save` or ``tokenlens whoami --json`` (its effective
        token). Only a regular file is read: a FIFO or device raises FileError at once.

        Raises ParseError (``.path`` is the JSON path of the fault, ``.input`` the file name),
        FileError when unreadable, LimitError when over the bounds."""
        fspath = os.fspath(path)
        try:
            return cls._wrap(_native.tl_token_load(fspath))
        except ParseError as exc:
            exc.input = fspath
            raise

    @classmethod
    def from_json(cls, text: Union[str, bytes]) -> "Token":
        """Parse snapshot JSON text."""
        try:
            return cls._wrap(_native.tl_token_from_json(text))
        except ParseError as exc:
            exc.input = text if isinstance(text, str) else text.decode("utf-8", "replace")
            raise

    def to_json(self) -> str:
        """The versioned snapshot JSON (docs/token-snapshot.md)."""
        return cast(str, _native.tl_token_to_json(self._tok))

    def save(self, path: PathLike) -> None:
        """Write the snapshot JSON to ``path``."""
        _native.tl_token_save(self._tok, os.fspath(path))

    def copy(self) -> "Token":
        """An independent deep copy."""
        return Token._wrap(_native.tl_token_copy(self._tok))

    # -- identity -------------------------------------------------------------------------
    @property
    def user(self) -> Optional[Sid]:
        """The user SID (TokenUser), None if unset."""
        return Sid._from_borrowed(_native.tl_token_user(self._tok))

    @property
    def user_attributes(self) -> GroupAttributes:
        """TokenUser attributes (USE_FOR_DENY_ONLY in filtered tokens, else 0)."""
        return GroupAttributes(_native.tl_token_user_attributes(self._tok))

    @property
    def owner(self) -> Optional[Sid]:
        """Default owner of new objects (TokenOwner)."""
        return Sid._from_borrowed(_native.tl_token_owner(self._tok))

    @property
    def primary_group(self) -> Optional[Sid]:
        """The primary group (TokenPrimaryGroup), None if unset."""
        return Sid._from_borrowed(_native.tl_token_primary_group(self._tok))

    @property
    def groups(self) -> Tuple[Group, ...]:
        """The groups (TokenGroups order)."""
        return tuple(self._iter_groups(_native.tl_token_group_count, _native.tl_token_group_at))

    @property
    def restricted_sids(self) -> Tuple[Group, ...]:
        """Restricted SIDs (TokenRestrictedSids); empty for an unrestricted token."""
        return tuple(self._iter_groups(_native.tl_token_restricted_count,
                                       _native.tl_token_restricted_at))

    def _iter_groups(self, count: Any, at: Any) -> Iterator[Group]:
        for i in range(count(self._tok)):
            g = at(self._tok, i)
            yield Group(Sid._wrap(_native.tl_swig_sid_copy(g.sid)), GroupAttributes(g.attributes))

    @property
    def privileges(self) -> Tuple[Privilege, ...]:
        """The privileges (TokenPrivileges order)."""
        out = []
        for i in range(_native.tl_token_privilege_count(self._tok)):
            p = _native.tl_token_privilege_at(self._tok, i)
            out.append(Privilege(p.name, int(p.luid), PrivilegeAttributes(p.attributes)))
        return tuple(out)

    def privilege(self, name: str) -> Optional[Privilege]:
        """The privilege called ``name`` (case-insensitive), or None if not held."""
        p = _native.tl_token_privilege_find(self._tok, name)
        if p is None:
            return None
        return Privilege(p.name, int(p.luid), PrivilegeAttributes(p.attributes))

    def has_group(self, sid: SidLike, enabled_only: bool = True) -> bool:
        """True when ``sid`` is the user or one of the groups (enabled ones only by default)."""
        want = sid if isinstance(sid, Sid) else Sid(sid)
        if self.user == want:
            return True
        return any(g.sid == want and (g.enabled or not enabled_only) for g in self.groups)

    # -- properties -----------------------------------------------------------------------
    @property
    def type(self) -> TokenType:
        """Primary (a process token) or impersonation (a thread token)."""
        return TokenType(_native.tl_token_get_type(self._tok))

    @property
    def impersonation_level(self) -> Optional[ImpersonationLevel]:
        """The impersonation level, None for primary tokens or when not captured."""
        level = _native.tl_token_impersonation_level(self._tok)
        return None if level < 0 else ImpersonationLevel(level)

    @property
    def integrity_rid(self) -> Optional[int]:
        """RID of the mandatory label (0x2000 medium, 0x3000 high), None when unknown."""
        if not _native.tl_token_has_integrity(self._tok):
            return None
        return int(_native.tl_token_integrity_rid(self._tok))

    @property
    def integrity(self) -> Optional[str]:
        """Integrity level name ("Medium", "High", ...), None when unknown."""
        rid = self.integrity_rid
        if rid is None:
            return None
        return _native.tl_integrity_name(rid) or "%#x" % rid

    @property
    def elevated(self) -> Optional[bool]:
        """TokenElevation: True, False, or None when unknown."""
        if not _native.tl_token_has_elevation(self._tok):
            return None
        return bool(_native.tl_token_elevated(self._tok))

    @property
    def elevation_type(self) -> ElevationType:
        """TokenElevationType: default, full (elevated half) or limited (filtered half)."""
        return ElevationType(_native.tl_token_elevation_type(self._tok))

    @property
    def session_id(self) -> int:
        """Terminal-services session id (0 also when unknown)."""
        return int(_native.tl_token_session_id(self._tok))

    @property
    def logon_id(self) -> Optional[int]:
        """The logon session LUID as an integer (0x3e7 SYSTEM), None when unknown."""
        if not _native.tl_token_has_logon_id(self._tok):
            return None
        return int(_native.tl_token_logon_id(self._tok))

    @property
    def logon(self) -> LogonSession:
        """The logon session: LUID, authentication package, logon type, domain and user."""
        t = _native.tl_token_logon_type(self._tok)
        return LogonSession(
            self.logon_id,
            _native.tl_token_logon_package(self._tok),
            None if t < 0 else _logon_type(t),
            _native.tl_token_logon_domain(self._tok),
            _native.tl_token_logon_user(self._tok),
        )

    # -- building -------------------------------------------------------------------------
    def set_user(self, sid: SidLike, attributes: int = 0) -> None:
        """Set the user SID (to build tokens for access checks and tests)."""
        _native.tl_token_set_user(self._tok, _sid_of(sid)._sid, int(attributes))

    def add_group(self, sid: SidLike,
                  attributes: int = GroupAttributes.MANDATORY | GroupAttributes.ENABLED_BY_DEFAULT
                  | GroupAttributes.ENABLED) -> None:
        """Append a group (enabled and mandatory unless ``attributes`` says otherwise)."""
        _native.tl_token_add_group(self._tok, _sid_of(sid)._sid, int(attributes))

    def add_privilege(self, name: str, attributes: int = 0, luid: Optional[int] = None) -> None:
        """Append a privilege; the LUID of a well-known name is filled in (winnt.h values)."""
        if luid is None:
            luid = _privilege_luid(name)
        _native.tl_token_add_privilege(self._tok, name, int(luid), int(attributes))

    def set_impersonation_level(self, level: Optional[int]) -> None:
        """Make this an impersonation token at ``level``, or a primary token with None."""
        _native.tl_token_set_type(self._tok, TokenType.PRIMARY if level is None
                                  else TokenType.IMPERSONATION)
        _native.tl_token_set_impersonation_level(self._tok, -1 if level is None else int(level))

    # -- value semantics ------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Token):
            return NotImplemented
        return bool(_native.tl_token_equal(self._tok, other._tok))

    __hash__ = None  # type: ignore[assignment]  # mutable through the builders

    def __repr__(self) -> str:
        user = self.user
        parts = [_sid_text(user) if user else "no user", self.type.name.lower()]
        level = self.impersonation_level
        if level is not None:
            parts.append(level.name.capitalize())
        parts.append("%d groups" % _native.tl_token_group_count(self._tok))
        parts.append("%d privileges" % _native.tl_token_privilege_count(self._tok))
        if self.integrity:
            parts.append("integrity %s" % self.integrity)
        return "<Token %s>" % ", ".join(parts)


class ProbeStep(NamedTuple):
    """One level of :func:`probe_impersonation`."""

    level: ImpersonationLevel
    ok: bool
    observed_level: Optional[ImpersonationLevel]
    observed_type: TokenType
    opened_as_self: bool
    """The thread token could be opened only with OpenAsSelf = TRUE."""
    reverted: bool
    """After reverting, the thread held no token (ERROR_NO_TOKEN)."""
    native: int
    message: str
    token: Optional["Token"]


class ImpersonationProbe(NamedTuple):
    """What happened when this thread impersonated its own process token at each level."""

    process_token: Optional["Token"]
    steps: Tuple[ProbeStep, ...]
    thread_reverted: bool


def _borrowed_token(ptr: Any) -> Optional[Token]:
    return None if ptr is None else Token._wrap(_native.tl_token_copy(ptr))


def probe_impersonation() -> ImpersonationProbe:
    """Windows: impersonate the process token at Anonymous, Identification, Impersonation and
    Delegation level in turn, read the thread token back, revert, and report each step
    (docs/win32-backend.md). Raises NotSupportedError off Windows, StateError when the thread
    already impersonates."""
    raw = _native.tl_live_probe_impersonation()
    steps = []
    for i in range(_native.tl_probe_step_count(raw)):
        st = _native.tl_probe_step_at(raw, i)
        steps.append(ProbeStep(
            ImpersonationLevel(st.level), st.rc == 0,
            None if st.observed_level < 0 else ImpersonationLevel(st.observed_level),
            TokenType(st.observed_type), bool(st.opened_as_self), bool(st.reverted),
            int(st.native), st.message, _borrowed_token(_native.tl_probe_step_token(raw, i))))
    return ImpersonationProbe(_borrowed_token(_native.tl_probe_process_token(raw)),
                              tuple(steps), bool(_native.tl_probe_thread_reverted(raw)))


def _logon_type(value: int) -> Optional[LogonType]:
    try:
        return LogonType(value)
    except ValueError:
        return None


def _privilege_luid(name: str) -> int:
    """LUID of a well-known privilege name (SE_*_PRIVILEGE values 2..36 are fixed), else 0."""
    folded = name.lower()
    for luid in range(2, 64):
        known = _native.tl_privilege_name(luid)
        if known and known.lower() == folded:
            return luid
    return 0


def _sid_of(sid: SidLike) -> Sid:
    return sid if isinstance(sid, Sid) else Sid(sid)


def _live(name: str) -> Any:
    return getattr(_native, name)()
