"""IIS audit: read applicationHost.config and say who every site runs as, which sites share an
anonymous identity (and so can read each other's content), and what to fix."""
from __future__ import annotations

import json
import os
from typing import Any, Mapping, NamedTuple, Optional, Tuple, Union, cast

from . import _native
from ._errors import ParseError
from ._sid import Sid

__all__ = ["IisAudit", "IisSite", "IisApplication", "IisPool", "IisIdentity", "IisAuth",
           "IisSharedIdentity", "IisFinding", "IisIsolation", "IisIsolationCheck"]

PathLike = Union[str, "os.PathLike[str]"]


class IisIdentity(NamedTuple):
    """An account: the name Windows shows and its SID when computable offline (None for
    specific accounts, whose SID needs the account database)."""

    name: str
    sid: Optional[Sid]

    def __str__(self) -> str:
        return self.name


def _identity(view: Any) -> Optional[IisIdentity]:
    if view is None:
        return None
    sid = Sid._wrap(_native.tl_swig_sid_copy(view.sid)) if view.sid_known else None
    return IisIdentity(view.name, sid)


class IisPool(NamedTuple):
    name: str
    declared: bool
    identity_type: str
    user_name: Optional[str]
    identity: IisIdentity
    site_count: int


def _pool(view: Any) -> IisPool:
    return IisPool(view.name, bool(view.declared),
                   _native.tl_iis_identity_type_name(view.identity_type), view.user_name,
                   _identity(view.identity), int(view.site_count))  # type: ignore[arg-type]


class IisAuth(NamedTuple):
    anonymous_enabled: bool
    anonymous_user: Optional[str]
    windows_enabled: bool
    providers: Tuple[str, ...]
    use_kernel_mode: bool
    use_app_pool_credentials: bool


class IisApplication(NamedTuple):
    path: str
    app_pool: str
    pool: IisPool
    physical_path: Optional[str]
    auth: IisAuth
    anonymous: Optional[IisIdentity]
    """The identity anonymous requests run as; None when anonymous authentication is off."""
    config_error: Optional[str]
    """Why IIS refuses this path (HTTP 500.19), or None."""


class IisSite(NamedTuple):
    name: str
    id: int
    bindings: Tuple[str, ...]
    applications: Tuple[IisApplication, ...]

    @property
    def root(self) -> IisApplication:
        """The root application "/"."""
        return self.applications[0]

    @property
    def process_identity(self) -> IisIdentity:
        """Who the site's worker process runs as (its root application's pool)."""
        return self.root.pool.identity

    @property
    def anonymous_identity(self) -> Optional[IisIdentity]:
        """Who anonymous requests to the root application run as; None when off."""
        return self.root.anonymous


class IisSharedIdentity(NamedTuple):
    identity: IisIdentity
    sites: Tuple[str, ...]


class IisFinding(NamedTuple):
    kind: str
    severity: str
    text: str
    fix: Optional[str]
    sites: Tuple[str, ...]

    def __str__(self) -> str:
        return "%s: %s" % (self.severity, self.text)


class IisIsolationCheck(NamedTuple):
    """Can ``reader``'s anonymous identity read ``content``'s folder (FILE_GENERIC_READ)?"""

    reader: str
    identity: Optional[IisIdentity]
    content: str
    known: bool
    """False when the identity's SID is unknown (a specific account): no answer."""
    can_read: Optional[bool]
    """None when not ``known``."""
    reason: Optional[str]
    """The deciding ACE(s) in words."""

    @property
    def own_content(self) -> bool:
        """True when the site reads its own folder (expected to be allowed)."""
        return self.reader.lower() == self.content.lower()

    def __str__(self) -> str:
        verdict = "?" if not self.known else ("CAN read" if self.can_read else "cannot read")
        return "%s (as %s) %s %s's content" % (self.reader, self.identity, verdict,
                                                self.content)


class IisIsolation(NamedTuple):
    """The isolation verdict: ``holds`` when no site's anonymous identity can read another
    site's content (an unknown answer, a specific account's SID, keeps it false: not shown
    is not safe); ``checks`` every (reader, content) pair, reader-major."""

    holds: bool
    checks: Tuple[IisIsolationCheck, ...]

    @property
    def cross_site_reads(self) -> Tuple[IisIsolationCheck, ...]:
        """The checks that break isolation: a site reading another site's content."""
        return tuple(c for c in self.checks if c.can_read and not c.own_content)


class IisAudit:
    """The audit of one applicationHost.config.

        >>> audit = IisAudit.load(r"C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config")
        >>> [(s.name, s.anonymous_identity.name) for s in audit.sites]
    """

    __slots__ = ("_raw", "source", "sites", "pools", "shared_anonymous_identities", "findings")

    def __init__(self, raw: Any, source: Optional[str] = None) -> None:
        n = _native
        self._raw = raw
        self.source = source
        self.pools = tuple(_pool(n.tl_iis_pool_at(raw, i)) for i in range(n.tl_iis_pool_count(raw)))
        sites = []
        for i in range(n.tl_iis_site_count(raw)):
            s = n.tl_iis_site_at(raw, i)
            apps = []
            for j in range(s.app_count):
                a = n.tl_iis_site_app(s, j)
                au = a.auth
                auth = IisAuth(bool(au.anonymous_enabled), au.anonymous_user,
                               bool(au.windows_enabled),
                               tuple(n.tl_iis_auth_provider(au, k)
                                     for k in range(au.provider_count)),
                               bool(au.use_kernel_mode), bool(au.use_app_pool_credentials))
                apps.append(IisApplication(a.path, a.app_pool, _pool(a.pool), a.physical_path,
                                           auth, _identity(a.anonymous), a.config_error))
            sites.append(IisSite(s.name, int(s.id),
                                 tuple(n.tl_iis_site_binding(s, k)
                                       for k in range(s.binding_count)),
                                 tuple(apps)))
        self.sites = tuple(sites)
        shared = []
        for i in range(n.tl_iis_shared_count(raw)):
            v = n.tl_iis_shared_at(raw, i)
            shared.append(IisSharedIdentity(
                _identity(v.identity),  # type: ignore[arg-type]
                tuple(n.tl_iis_shared_site(v, k) for k in range(v.site_count))))
        self.shared_anonymous_identities = tuple(shared)
        findings = []
        for i in range(n.tl_iis_finding_count(raw)):
            f = n.tl_iis_finding_at(raw, i)
            findings.append(IisFinding(n.tl_iis_finding_kind_name(f.kind),
                                       n.tl_iis_severity_name(f.severity), f.text, f.fix,
                                       tuple(n.tl_iis_finding_site(f, k)
                                             for k in range(f.site_count))))
        self.findings = tuple(findings)

    @classmethod
    def load(cls, path: PathLike) -> "IisAudit":
        """Read and audit a file. ParseError / LimitError carry ``.offset`` and ``.path``
        ("line L, column C"); FileError when unreadable."""
        fspath = os.fspath(path)
        try:
            return cls(_native.tl_iis_audit_load(fspath, None), fspath)
        except ParseError as exc:
            exc.input = fspath
            raise

    @classmethod
    def parse(cls, xml: Union[str, bytes]) -> "IisAudit":
        """Audit configuration text (UTF-8, or UTF-16 with a BOM as bytes)."""
        try:
            return cls(_native.tl_iis_audit_parse(xml, None))
        except ParseError as exc:
            exc.input = xml if isinstance(xml, str) else None
            raise

    def site(self, name: str) -> IisSite:
        """The site called ``name`` (case-insensitive); NotFoundError otherwise."""
        return cast("IisSite", self.sites[_native.tl_iis_site_find(self._raw, name)])

    def to_json(self) -> str:
        """What ``tokenlens iis --json`` prints."""
        return cast(str, _native.tl_iis_audit_to_json(self._raw))

    def scenario(self, site: str, *, machine: Optional[str] = None,
                 domain: Optional[str] = None, request_user: Optional[str] = None,
                 protocol: Optional[str] = None, hop_target: Optional[str] = None,
                 application: Optional[str] = None) -> Any:
        """Describe ``site`` as an explain scenario (a dict, format v1), so
        ``tokenlens.explain(audit.scenario("coke", domain="CONTOSO", hop_target=...))``
        answers "and off the box?"."""
        index = _native.tl_iis_site_find(self._raw, site)
        text = _native.tl_swig_iis_site_scenario_json(self._raw, index, machine, domain,
                                                      request_user, protocol, hop_target,
                                                      application)
        return json.loads(text)

    def isolation(self, content: Union[Mapping[str, Any], str, "os.PathLike[str]"]) -> IisIsolation:
        """Can one site's anonymous identity read another site's content? ``content`` maps
        site names to their content folder's security descriptor (a
        :class:`tokenlens.SecurityDescriptor` or SDDL text, e.g. from
        ``(Get-Acl C:\\sites\\coke).Sddl``), or is the path of a content file of
        ``SITE=SDDL`` lines, read by the library as ``tokenlens iis --content-file`` reads it
        (ParseError naming the line). Offline access checks for FILE_GENERIC_READ.
        NotFoundError for a name that is not a site; InvalidArgumentError for a site given
        twice (names compare case-insensitively, as IIS compares them; in a file: ParseError
        naming both lines); LimitError beyond 1,048,576 checks (anonymous sites x folders).
        """
        from ._sd import SecurityDescriptor

        n = _native
        if isinstance(content, (str, os.PathLike)):
            lst = n.tl_iis_content_new()
            n.tl_iis_content_load(lst, os.fspath(content))
            raw = n.tl_iis_content_evaluate(self._raw, lst)
        else:
            sds = [(site, sd if isinstance(sd, SecurityDescriptor)
                    else SecurityDescriptor.from_sddl(sd)) for site, sd in content.items()]
            pairs = n.tl_swig_site_sds_new()
            for site, sd in sds:  # `sds` keeps every descriptor alive across the evaluate call
                n.tl_swig_site_sds_add(pairs, site, sd._sd)
            raw = n.tl_swig_iis_isolation_evaluate(self._raw, pairs)
        checks = []
        for i in range(n.tl_iis_isolation_count(raw)):
            c = n.tl_iis_isolation_at(raw, i)
            known = bool(c.known)
            checks.append(IisIsolationCheck(c.reader, _identity(c.identity), c.content, known,
                                            bool(c.can_read) if known else None, c.reason))
        return IisIsolation(bool(n.tl_iis_isolation_holds(raw)), tuple(checks))

    def __repr__(self) -> str:
        return "<IisAudit %s%d sites, %d pools, %d findings>" % (
            "%s: " % self.source if self.source else "", len(self.sites), len(self.pools),
            len(self.findings))
