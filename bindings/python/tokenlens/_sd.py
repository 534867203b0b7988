"""Security descriptors (SDDL and binary, exactly as Windows writes them) and the offline
access check of a token against a descriptor, with the deciding ACE as the reason."""
from __future__ import annotations

import enum
from typing import Any, Iterable, NamedTuple, Optional, Tuple, Union, cast

from . import _native
from ._errors import ParseError
from ._sid import Sid, SidLike

__all__ = ["SecurityDescriptor", "Ace", "AceType", "AceFlags", "SdControl", "AccessResult",
           "AccessReason", "access_check", "AccessMask"]


class SdControl(enum.IntFlag):
    """``SECURITY_DESCRIPTOR_CONTROL`` bits (winnt.h ``SE_*``)."""

    OWNER_DEFAULTED = 0x0001
    GROUP_DEFAULTED = 0x0002
    DACL_PRESENT = 0x0004
    DACL_DEFAULTED = 0x0008
    SACL_PRESENT = 0x0010
    SACL_DEFAULTED = 0x0020
    DACL_AUTO_INHERIT_REQ = 0x0100
    SACL_AUTO_INHERIT_REQ = 0x0200
    DACL_AUTO_INHERITED = 0x0400
    SACL_AUTO_INHERITED = 0x0800
    DACL_PROTECTED = 0x1000
    SACL_PROTECTED = 0x2000
    RM_CONTROL_VALID = 0x4000
    SELF_RELATIVE = 0x8000


class AceType(enum.IntEnum):
    """ACE types (winnt.h ``*_ACE_TYPE``)."""

    ACCESS_ALLOWED = 0x00
    ACCESS_DENIED = 0x01
    SYSTEM_AUDIT = 0x02
    SYSTEM_ALARM = 0x03
    ACCESS_ALLOWED_OBJECT = 0x05
    ACCESS_DENIED_OBJECT = 0x06
    SYSTEM_AUDIT_OBJECT = 0x07
    SYSTEM_ALARM_OBJECT = 0x08
    ACCESS_ALLOWED_CALLBACK = 0x09
    ACCESS_DENIED_CALLBACK = 0x0A
    ACCESS_ALLOWED_CALLBACK_OBJECT = 0x0B
    SYSTEM_AUDIT_CALLBACK = 0x0D
    SYSTEM_MANDATORY_LABEL = 0x11
    SYSTEM_SCOPED_POLICY_ID = 0x13
    SYSTEM_PROCESS_TRUST_LABEL = 0x14


class AceFlags(enum.IntFlag):
    """ACE flags (winnt.h): inheritance and audit flags."""

    OBJECT_INHERIT = 0x01
    CONTAINER_INHERIT = 0x02
    NO_PROPAGATE_INHERIT = 0x04
    INHERIT_ONLY = 0x08
    INHERITED = 0x10
    SUCCESSFUL_ACCESS = 0x40
    FAILED_ACCESS = 0x80


class AccessMask(enum.IntFlag):
    """Access rights SDDL names, with the file and registry composites."""

    DELETE = 0x00010000
    READ_CONTROL = 0x00020000
    WRITE_DAC = 0x00040000
    WRITE_OWNER = 0x00080000
    SYNCHRONIZE = 0x00100000
    ACCESS_SYSTEM_SECURITY = 0x01000000
    MAXIMUM_ALLOWED = 0x02000000
    GENERIC_ALL = 0x10000000
    GENERIC_EXECUTE = 0x20000000
    GENERIC_WRITE = 0x40000000
    GENERIC_READ = 0x80000000
    FILE_ALL_ACCESS = 0x001F01FF
    FILE_GENERIC_READ = 0x00120089
    FILE_GENERIC_WRITE = 0x00120116
    FILE_GENERIC_EXECUTE = 0x001200A0
    KEY_ALL_ACCESS = 0x000F003F
    KEY_READ = 0x00020019
    KEY_WRITE = 0x00020006


class Ace(NamedTuple):
    """One ACE, copied out of its descriptor."""

    type: AceType
    flags: AceFlags
    mask: int
    sid: Sid
    object_type: Optional[str]
    inherited_object_type: Optional[str]
    condition: Optional[str]
    sddl: str

    def __repr__(self) -> str:
        return "<Ace %s>" % self.sddl


def _ace_type(value: int) -> Any:
    try:
        return AceType(value)
    except ValueError:
        return value


def _domain(domain: Optional[SidLike]) -> Any:
    if domain is None:
        return None
    return (domain if isinstance(domain, Sid) else Sid(domain))._sid


class SecurityDescriptor:
    """A security descriptor: owner, group, DACL and SACL with their control flags.

    ``SecurityDescriptor.from_sddl(text)`` parses SDDL as
    ``ConvertStringSecurityDescriptorToSecurityDescriptor`` does; ``.sddl`` formats it as
    Windows would print it; ``bytes(sd)`` is the self-relative binary form.
    Domain-relative aliases (``DU``, ``DA``) need ``domain`` (an ``S-1-5-21-a-b-c`` SID).
    """

    __slots__ = ("_sd", "domain")

    def __init__(self, raw: Any = None, domain: Optional[SidLike] = None) -> None:
        self._sd = raw if raw is not None else _native.tl_sd_new()
        self.domain = Sid(domain) if domain is not None and not isinstance(domain, Sid) \
            else domain

    @classmethod
    def from_sddl(cls, text: str, domain: Optional[SidLike] = None) -> "SecurityDescriptor":
        """Parse SDDL. ParseError carries ``.offset`` (byte offset of the fault) and
        ``.input``; LimitError beyond the size bounds. Conditional and resource attribute
        (RA) ACEs are supported."""
        try:
            return cls(_native.tl_sd_from_sddl(text, _domain(domain)), domain)
        except ParseError as exc:
            exc.input = text
            raise

    @classmethod
    def from_bytes(cls, data: bytes, domain: Optional[SidLike] = None) -> "SecurityDescriptor":
        """Parse a self-relative binary descriptor (MS-DTYP 2.4.6), fully bounds-checked."""
        try:
            return cls(_native.tl_sd_from_binary(bytes(data)), domain)
        except ParseError as exc:
            exc.input = bytes(data).hex()
            raise

    def to_sddl(self, domain: Optional[SidLike] = None) -> str:
        """SDDL as Windows formats it; domain-relative SIDs print as aliases for ``domain``."""
        dom = _domain(domain if domain is not None else self.domain)
        return cast(str, _native.tl_sd_to_sddl(self._sd, dom))

    @property
    def sddl(self) -> str:
        """The canonical SDDL (all four parts)."""
        return self.to_sddl()

    def __str__(self) -> str:
        return self.sddl

    def __bytes__(self) -> bytes:
        return cast(bytes, _native.tl_sd_to_binary(self._sd))

    def __repr__(self) -> str:
        return "SecurityDescriptor.from_sddl(%r)" % self.sddl

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecurityDescriptor):
            return NotImplemented
        return bytes(self) == bytes(other)

    __hash__ = None  # type: ignore[assignment]

    @property
    def control(self) -> SdControl:
        """The control bits (SE_DACL_PROTECTED, SE_DACL_AUTO_INHERITED, ...)."""
        return SdControl(_native.tl_sd_control(self._sd))

    @property
    def owner(self) -> Optional[Sid]:
        """The owner SID, None when absent."""
        return Sid._from_borrowed(_native.tl_sd_owner(self._sd))

    @property
    def group(self) -> Optional[Sid]:
        """The primary group SID, None when absent."""
        return Sid._from_borrowed(_native.tl_sd_group(self._sd))

    def _acl(self, which: int) -> Optional[Tuple[Ace, ...]]:
        if not _native.tl_sd_acl_present(self._sd, which) or \
                _native.tl_sd_acl_is_null(self._sd, which):
            return None
        out = []
        dom = _domain(self.domain)
        for i in range(_native.tl_sd_ace_count(self._sd, which)):
            a = _native.tl_sd_ace_at(self._sd, which, i)
            obj = a.object_flags
            out.append(Ace(
                _ace_type(a.type), AceFlags(a.flags), int(a.mask),
                Sid._wrap(_native.tl_swig_sid_copy(a.sid)),
                _native.tl_guid_to_string(a.object_type)
                if obj & _native.TL_ACE_OBJECT_TYPE_PRESENT else None,
                _native.tl_guid_to_string(a.inherited_object_type)
                if obj & _native.TL_ACE_INHERITED_OBJECT_TYPE_PRESENT else None,
                a.condition,
                _native.tl_ace_to_sddl(a, dom)))
        return tuple(out)

    @property
    def dacl(self) -> Optional[Tuple[Ace, ...]]:
        """The DACL's ACEs; None when the DACL is absent or NULL (both grant everything)."""
        return self._acl(_native.TL_ACL_DACL)

    @property
    def sacl(self) -> Optional[Tuple[Ace, ...]]:
        """The SACL's ACEs (audit, mandatory label); None when absent or NULL."""
        return self._acl(_native.TL_ACL_SACL)

    @property
    def dacl_is_null(self) -> bool:
        """True for a present NULL DACL (``D:NO_ACCESS_CONTROL``): everyone gets everything."""
        return bool(_native.tl_sd_acl_is_null(self._sd, _native.TL_ACL_DACL))

    def access_check(self, subject: Any, desired: int = AccessMask.FILE_GENERIC_READ,
                     *, object: str = "file", flags: int = 0) -> "AccessResult":
        """Shorthand for :func:`access_check` with this descriptor."""
        return access_check(self, subject, desired, object=object, flags=flags)


class AccessReason(NamedTuple):
    """One step of an access check: what it did to which bits, and which ACE decided.
    ``kind`` is the library's word (``tl_access_reason_kind_name``): ``"allow_ace"``,
    ``"deny_ace"``, ``"owner"``, ... -- the same words the CLI's JSON prints."""

    kind: str
    restricted_pass: bool
    ace_index: Optional[int]
    mask: int
    ace: Optional[str]
    text: str

    def __str__(self) -> str:
        return self.text


# The C extension under the SWIG shadow module: access_fast.i's type and functions.
from . import _tokenlens_native as _ext  # noqa: E402  (the same module object)


class AccessResult(_ext.AccessResultBase):
    """The result of an access check: ``allowed``, ``granted`` (what AccessCheck returns as
    GrantedAccess), ``grantable`` (bits granted even when denied as a whole), ``desired``
    (after generic mapping) and ``reasons`` (the deciding ACEs, privileges, integrity).

    One C call makes it; ``reasons`` and ``text`` are built the first time they are read."""

    __slots__ = ("_reasons", "_text")
    _reasons: Tuple[AccessReason, ...]
    _text: str

    @property
    def reasons(self) -> Tuple[AccessReason, ...]:
        """The steps that decided, in order (built on first read)."""
        try:
            return self._reasons
        except AttributeError:
            self._reasons = tuple(AccessReason(*self._reason(i))
                                  for i in range(self._reason_count()))
            return self._reasons

    @property
    def text(self) -> str:
        """The multi-line explanation: verdict, masks, one line per reason."""
        try:
            return self._text
        except AttributeError:
            self._text = self._explain()
            return self._text

    def __bool__(self) -> bool:
        return cast(bool, self.allowed)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return "<AccessResult %s granted=%#x desired=%#x%s>" % (
            "allowed" if self.allowed else "denied", self.granted, self.desired,
            "; " + self.reasons[-1].text if self.reasons else "")


_ext.tl_py_set_access_result_class(AccessResult)
_OBJECT_KINDS = {"file": 0, "key": 1, "generic": 2}
_check = _ext.tl_py_access_check


def access_check(sd: Union[SecurityDescriptor, str], subject: Any,
                 desired: int = AccessMask.FILE_GENERIC_READ, *, object: str = "file",
                 flags: int = 0) -> AccessResult:
    """Check ``subject`` against ``sd`` for ``desired`` access, offline (MS-DTYP 2.5.3.2).

    ``sd`` is a :class:`SecurityDescriptor` or SDDL text. ``subject`` is a
    :class:`tokenlens.Token`, or an iterable of SIDs (the first is the user, the rest are
    enabled groups; nothing is implied, add Everyone yourself). ``object`` picks the generic
    mapping: ``"file"``, ``"key"`` or ``"generic"``.

        >>> sd = SecurityDescriptor.from_sddl("D:(A;;FR;;;S-1-5-82-1-2-3-4-5)")
        >>> access_check(sd, ["IIS APPPOOL\\\\Pepsi", "Everyone"]).allowed
        False
    """
    tok = getattr(subject, "_tok", None)
    if tok is not None and type(sd) is SecurityDescriptor and object == "file":
        # the common case: one C call
        return cast("AccessResult", _check(sd._sd, tok, desired, flags, 0))
    from ._token import Token  # local: the token module is optional at import time

    if isinstance(sd, str):
        sd = SecurityDescriptor.from_sddl(sd)
    if not isinstance(sd, SecurityDescriptor):
        raise TypeError("sd must be a SecurityDescriptor or SDDL text")
    if isinstance(subject, Token):
        token = subject
    elif isinstance(subject, (str, Sid)):
        token = _token_from_sids([subject])
    elif isinstance(subject, Iterable):
        token = _token_from_sids(list(subject))
    else:
        raise TypeError("subject must be a Token or SIDs, not %s" % type(subject).__name__)
    try:
        kind = _OBJECT_KINDS[object]
    except KeyError:
        raise ValueError("object must be one of %s" % ", ".join(_OBJECT_KINDS)) from None
    return cast("AccessResult", _check(sd._sd, token._tok, int(desired), int(flags), kind))


def _token_from_sids(sids: Any) -> Any:
    from ._token import GroupAttributes, Token

    if not sids:
        raise ValueError("at least one SID (the user) is needed")
    t = Token()
    # As tl_access_check_sids(): medium integrity, no privileges.
    _native.tl_token_set_integrity(t._tok, True, 0x2000)
    t.set_user(sids[0])
    for s in sids[1:]:
        t.add_group(s, GroupAttributes.MANDATORY | GroupAttributes.ENABLED_BY_DEFAULT
                    | GroupAttributes.ENABLED)
    return t
