"""Hop probes: run a real authentication exchange and read what the protocol did.

A probe has two sides. :class:`HopClient` authenticates to a target (an SPN such as
``"HTTP/web.lab.test"``) with the current credentials or a client keytab; :class:`HopServer`
accepts it with an acceptor keytab. The library never touches the network: the caller moves
the tokens (:meth:`HopClient.step` / :meth:`HopServer.step`, bytes in and out), or lets
:func:`exchange` run both sides in this process. After the exchange the client tells the
mechanism, whether the credentials were delegated and why not; the server who arrived and
whether delegated credentials came with them, and :meth:`HopClient.delegated_from` makes the
next hop with those credentials (the middle tier acting as its caller). See
docs/hop-probes.md.

    >>> web = HopServer(keytab="web.keytab")
    >>> client = HopClient("HTTP/web.lab.test", mechanism="kerberos")
    >>> exchange(client, web)
    >>> client.delegated, client.reason
    (True, 'granted')
"""
from __future__ import annotations

import enum
from typing import Optional, Union, cast

from . import _native
from ._errors import InvalidArgumentError
from ._token import Token

__all__ = ["HopMechanism", "HopDelegation", "HopClient", "HopServer", "exchange",
           "hop_available"]


class HopMechanism(enum.IntEnum):
    """Authentication mechanism (``tl_hop_mech``). UNKNOWN before completion; as a request,
    NEGOTIATE (SPNEGO: Kerberos preferred, NTLM fallback)."""

    UNKNOWN = _native.TL_HOP_MECH_UNKNOWN
    NEGOTIATE = _native.TL_HOP_MECH_NEGOTIATE
    KERBEROS = _native.TL_HOP_MECH_KERBEROS
    NTLM = _native.TL_HOP_MECH_NTLM

    def __str__(self) -> str:
        return cast(str, _native.tl_hop_mech_name(int(self)))


class HopDelegation(enum.IntEnum):
    """What the client asks for (``tl_hop_delegation``)."""

    NONE = _native.TL_HOP_DELEGATE_NONE
    POLICY = _native.TL_HOP_DELEGATE_POLICY  # only to ok-as-delegate targets, as Windows
    ALWAYS = _native.TL_HOP_DELEGATE_ALWAYS


MechLike = Union[HopMechanism, str, int, None]
DelegLike = Union[HopDelegation, str, int]


def _mech(value: MechLike) -> int:
    if value is None:
        return int(HopMechanism.UNKNOWN)
    if isinstance(value, str):
        key = {"krb5": "KERBEROS"}.get(value.lower(), value.upper())
        if key not in HopMechanism.__members__:
            raise InvalidArgumentError("unknown mechanism %r (negotiate, kerberos, ntlm)" % value,
                                       code=_native.TL_EINVAL, code_name="TL_EINVAL")
        return int(HopMechanism[key])
    return int(HopMechanism(value))


def _deleg(value: DelegLike) -> int:
    if isinstance(value, str):
        if value.upper() not in HopDelegation.__members__:
            raise InvalidArgumentError("unknown delegation %r (none, policy, always)" % value,
                                       code=_native.TL_EINVAL, code_name="TL_EINVAL")
        return int(HopDelegation[value.upper()])
    return int(HopDelegation(value))


def hop_available() -> bool:
    """True when this build has real hop probes (GSSAPI or SSPI)."""
    return bool(_native.tl_hop_available())


class HopClient:
    """The client (initiator) side of one exchange."""

    __slots__ = ("_c", "_from", "__weakref__")

    def __init__(self, target: str, mechanism: MechLike = "negotiate",
                 delegation: DelegLike = "policy", principal: Optional[str] = None,
                 keytab: Optional[str] = None) -> None:
        """Authenticate to `target` with the default credentials, or those of `principal`
        (a client keytab on POSIX, or "DOMAIN\\\\user" for NTLM)."""
        self._c = _native.tl_swig_hop_client_new(target, _mech(mechanism), _deleg(delegation),
                                                 principal, keytab)
        self._from: Optional[HopServer] = None

    @classmethod
    def delegated_from(cls, server: "HopServer", target: str, mechanism: MechLike = "kerberos",
                       delegation: DelegLike = "policy") -> "HopClient":
        """The next hop as the caller that arrived at `server`, with the credentials it
        delegated. StateError when nothing was delegated (GSSAPI: the hop cannot happen as
        the user at all)."""
        self = cls.__new__(cls)
        self._c = _native.tl_swig_hop_client_new_delegated(server._s, target, _mech(mechanism),
                                                           _deleg(delegation))
        self._from = server  # the client borrows the server's delegated credentials
        return self

    def step(self, token: Optional[bytes] = None) -> Optional[bytes]:
        """Feed the server's token (None first) and return the next token to send, or None."""
        out = _native.tl_hop_client_step(self._c, token or b"")
        return out or None

    @property
    def done(self) -> bool:
        """True once the client side is established."""
        return bool(_native.tl_hop_client_done(self._c))

    @property
    def mechanism(self) -> HopMechanism:
        """The mechanism actually used (UNKNOWN before completion)."""
        return HopMechanism(_native.tl_hop_client_mech(self._c))

    @property
    def delegated(self) -> bool:
        """True when the credentials were delegated to the target."""
        return bool(_native.tl_hop_client_delegated(self._c))

    @property
    def reason(self) -> str:
        """Why delegation did (not) happen: "granted", "not_forwardable",
        "not_ok_as_delegate", "mech_cannot_delegate", ... (tl_hop_deleg_reason_name)."""
        reason = _native.tl_hop_client_deleg_reason(self._c)
        return cast(str, _native.tl_hop_deleg_reason_name(reason))

    @property
    def reason_text(self) -> str:
        """The reason in one sentence."""
        reason = _native.tl_hop_client_deleg_reason(self._c)
        return cast(str, _native.tl_hop_deleg_reason_text(reason))

    @property
    def name(self) -> Optional[str]:
        """Whose credentials were used ("alice@LAB.TEST", "LAB\\\\alice")."""
        return cast("Optional[str]", _native.tl_hop_client_name(self._c))

    @property
    def ticket_flags(self) -> Optional[str]:
        """Flags of the service ticket used ("forwardable ... ok_as_delegate"), None when not
        visible (NTLM, SSPI)."""
        return cast("Optional[str]", _native.tl_swig_hop_client_ticket_flags_text(self._c))

    def __repr__(self) -> str:
        return "<HopClient %s %s delegated=%s (%s)>" % (self.name, self.mechanism,
                                                       self.delegated, self.reason)


class HopServer:
    """The server (acceptor) side of one exchange."""

    __slots__ = ("_s", "__weakref__")

    def __init__(self, mechanism: MechLike = None, principal: Optional[str] = None,
                 keytab: Optional[str] = None) -> None:
        """Accept `mechanism` (None: any) with the acceptor keytab `keytab`."""
        self._s = _native.tl_swig_hop_server_new(_mech(mechanism), principal, keytab)

    def step(self, token: bytes) -> Optional[bytes]:
        """Feed the client's token and return the token to send back, or None."""
        out = _native.tl_hop_server_step(self._s, token)
        return out or None

    @property
    def done(self) -> bool:
        """True once the server side is established."""
        return bool(_native.tl_hop_server_done(self._s))

    @property
    def client_name(self) -> Optional[str]:
        """Who connected ("alice@LAB.TEST"); None before completion."""
        return cast("Optional[str]", _native.tl_hop_server_client_name(self._s))

    @property
    def mechanism(self) -> HopMechanism:
        """The mechanism the client used (UNKNOWN before completion)."""
        return HopMechanism(_native.tl_hop_server_mech(self._s))

    @property
    def delegated(self) -> bool:
        """True when delegated credentials arrived with the client."""
        return bool(_native.tl_hop_server_delegated(self._s))

    @property
    def ticket_flags(self) -> Optional[str]:
        """Flags of the ticket the client presented, None when not visible."""
        return cast("Optional[str]", _native.tl_swig_hop_server_ticket_flags_text(self._s))

    def token(self) -> Token:
        """The client's token as this server holds it (Windows); NotSupportedError elsewhere."""
        return Token._wrap(_native.tl_hop_server_token(self._s))

    def __repr__(self) -> str:
        return "<HopServer %s %s delegated=%s>" % (self.client_name, self.mechanism,
                                                   self.delegated)


def exchange(client: HopClient, server: HopServer) -> None:
    """Run the exchange between `client` and `server` in this process until both are done.
    AuthError when a side rejects it."""
    _native.tl_swig_hop_pump(client._c, server._s)
