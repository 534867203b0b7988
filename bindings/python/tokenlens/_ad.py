"""Active Directory facts (tokenlens/ad.h) and the next hop of a token (tokenlens/nexthop.h).

    >>> ad = tokenlens.ActiveDirectory("dc01.contoso.com")      # LDAP + your Kerberos ticket
    >>> ad.account("CONTOSO\\\\svc-web").allowed_to_delegate_to
    ('MSSQLSvc/db01.contoso.com:1433',)
    >>> hop = token.next_hop("MSSQLSvc/db01.contoso.com:1433", ad=ad, process=proc,
    ...                      machine="WEB01", domain="CONTOSO")
    >>> hop.arrives_as.name, hop.protocol, hop.outcome
"""
import json
from typing import Any, Optional, Tuple, Union, cast

from . import _native
from ._explain import Explanation, Hop
from ._sid import Sid
from ._token import Token, TokenType


class AdAccount:
    """One account's delegation facts, read from the directory."""

    __slots__ = ("name", "sid", "dn", "user_account_control", "trusted_for_delegation",
                 "trusted_to_auth_for_delegation", "not_delegated", "protected_users",
                 "allowed_to_delegate_to", "allowed_to_act", "spns", "delegation_mode", "_json")

    def __init__(self, raw: Any) -> None:
        n = _native
        self._json = n.tl_ad_account_to_json(raw)
        d = json.loads(self._json)
        self.name = d["name"]
        self.sid = Sid.parse(d["sid"])
        self.dn = d["dn"]
        self.user_account_control = d["user_account_control"]
        self.trusted_for_delegation = d["trusted_for_delegation"]
        self.trusted_to_auth_for_delegation = d["trusted_to_auth_for_delegation"]
        self.not_delegated = d["not_delegated"]
        self.protected_users = d["protected_users"]
        self.allowed_to_delegate_to = tuple(d["allowed_to_delegate_to"])
        self.allowed_to_act = tuple((Sid.parse(a["sid"]), a["name"]) for a in d["allowed_to_act"])
        self.spns = tuple(d["spns"])
        self.delegation_mode = n.tl_ad_account_delegation_mode(raw)

    def to_dict(self) -> Any:
        """What ``tokenlens ad account --json`` prints."""
        return json.loads(self._json)

    def __repr__(self) -> str:
        return "<AdAccount %s delegation=%s not_delegated=%s protected_users=%s>" % (
            self.name, self.delegation_mode, self.not_delegated, self.protected_users)


class AdSpn:
    """Every holder of one SPN: state ``registered``, ``missing`` or ``duplicate``."""

    __slots__ = ("spn", "state", "accounts")

    def __init__(self, raw: Any) -> None:
        d = json.loads(_native.tl_ad_spn_to_json(raw))
        self.spn = d["spn"]
        self.state = d["state"]
        self.accounts: Tuple[str, ...] = tuple(d["accounts"])

    def to_dict(self) -> Any:
        """What ``tokenlens ad spn --json`` prints."""
        return {"spn": self.spn, "accounts": list(self.accounts), "state": self.state}

    def __repr__(self) -> str:
        return "<AdSpn %s %s %s>" % (self.spn, self.state, list(self.accounts))


class ActiveDirectory:
    """A bound LDAP connection to a DC (server None: found through DNS SRV for ``realm`` or the
    realm of your Kerberos ticket). Raises AuthError (no credentials, bind refused),
    NativeError (DC unreachable), NotFoundError (no DC in DNS), NotSupportedError (no LDAP)."""

    __slots__ = ("_raw",)

    def __init__(self, server: Optional[str] = None, realm: Optional[str] = None,
                 timeout_ms: int = 0) -> None:
        self._raw = _native.tl_swig_ad_connect(server, realm, int(timeout_ms))

    @property
    def server(self) -> str:
        """The DC's host name, as bound (ldap/<server> is the Kerberos service)."""
        return cast(str, _native.tl_ad_server(self._raw))

    @property
    def base_dn(self) -> str:
        """The domain's DN (the rootDSE's defaultNamingContext)."""
        return cast(str, _native.tl_ad_base_dn(self._raw))

    @property
    def netbios_domain(self) -> str:
        """The domain's NetBIOS name (CONTOSO), the prefix of account names."""
        return cast(str, _native.tl_ad_netbios_domain(self._raw))

    @property
    def dns_domain(self) -> str:
        """The domain's DNS name (contoso.com)."""
        return cast(str, _native.tl_ad_dns_domain(self._raw))

    def account(self, name: str) -> AdAccount:
        """``svc-web``, ``CONTOSO\\\\svc-web``, ``WEB01$``, a UPN or a SID string;
        NotFoundError when there is no such account."""
        return AdAccount(_native.tl_ad_account_lookup(self._raw, name))

    def spn(self, spn: str) -> AdSpn:
        """Every account holding ``spn`` in the domain (as ``setspn -Q``)."""
        return AdSpn(_native.tl_ad_spn_lookup(self._raw, spn))

    def fill_scenario(self, text: str) -> Tuple[str, Tuple[Tuple[str, Optional[str], str], ...]]:
        """A scenario's directory facts from AD: (filled JSON, ((path, file value, AD value)...))."""
        f = _native.tl_swig_ad_fill_scenario(self._raw, text)
        n = _native
        diffs = tuple((n.tl_ad_filled_difference_field(f, i), n.tl_ad_filled_difference_file(f, i),
                       n.tl_ad_filled_difference_ad(f, i))
                      for i in range(n.tl_ad_filled_difference_count(f)))
        return n.tl_ad_filled_json(f), diffs

    def __repr__(self) -> str:
        return "<ActiveDirectory %s %s>" % (self.server, self.base_dn)


def next_hop(token: Token, spn: str, *, process: Optional[Token] = None,
             machine: Optional[str] = None, domain: Optional[str] = None,
             ad: Union[None, str, ActiveDirectory] = None) -> Hop:
    """Who arrives at ``spn`` when code holding ``token`` calls it.

    ``token`` is the effective token. An impersonation token is the request thread and needs
    ``process`` (what RevertToSelf returns to); a primary token is the process itself, not
    impersonating. ``ad``: an :class:`ActiveDirectory`, a DC host name, or None (the token
    alone decides)."""
    if token.type == TokenType.IMPERSONATION:
        if process is None:
            raise ValueError("an impersonation token needs process= (the token RevertToSelf returns to)")
        effective, proc = token, process
    else:
        effective, proc = None, token
    conn = ActiveDirectory(ad) if isinstance(ad, str) else ad
    raw = _native.tl_swig_token_next_hop(effective._tok if effective else None, proc._tok, spn,
                                         machine, domain, conn._raw if conn else None)
    return Explanation(raw).hops[0]


def _token_next_hop(self: Token, spn: str, *, process: Optional[Token] = None,
                    machine: Optional[str] = None, domain: Optional[str] = None,
                    ad: Union[None, str, ActiveDirectory] = None) -> Hop:
    return next_hop(self, spn, process=process, machine=machine, domain=domain, ad=ad)


_token_next_hop.__doc__ = next_hop.__doc__
Token.next_hop = _token_next_hop  # type: ignore[attr-defined]
