"""tokenlens: inspect and explain Windows access tokens, from Python.

Who am I, right here, and who will I be when this call leaves the box?

    >>> import tokenlens
    >>> print(tokenlens.Sid("IIS APPPOOL\\\\DefaultAppPool"))
    S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415

The public API is hand-written over the raw SWIG module ``tokenlens._native`` (generated
from bindings/swig/tokenlens.i); errors are exceptions from :mod:`tokenlens.errors`.
See docs/python.md for a tour.
"""
from . import _native
from ._errors import (
    AuthError,
    FileError,
    InvalidArgumentError,
    LimitError,
    NativeError,
    NotFoundError,
    NotSupportedError,
    OutOfMemoryError,
    OutOfRangeError,
    ParseError,
    StateError,
    TokenLensError,
)
from ._sid import Sid, SidKind, WellKnownSid, well_known_sids
from . import _errors as errors

__version__: str = _native.tl_version()

__all__ = [
    "__version__",
    "Sid",
    "SidKind",
    "WellKnownSid",
    "well_known_sids",
    "errors",
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

# Every module is always wrapped: a missing C function fails the build, not this import.
from ._token import (  # noqa: F401
    ElevationType,
    Group,
    GroupAttributes,
    ImpersonationLevel,
    LogonSession,
    LogonType,
    Privilege,
    PrivilegeAttributes,
    ImpersonationProbe,
    ProbeStep,
    Token,
    TokenType,
    probe_impersonation,
)

__all__ += ["Token", "Group", "Privilege", "LogonSession", "GroupAttributes",
            "PrivilegeAttributes", "TokenType", "ImpersonationLevel", "ElevationType",
            "LogonType", "probe_impersonation", "ImpersonationProbe", "ProbeStep"]

from ._explain import Explanation, Hop, Identity, Rule, Scenario, Step, explain, rules  # noqa: F401

__all__ += ["explain", "Scenario", "Explanation", "Hop", "Identity", "Step", "Rule", "rules"]

from ._sd import (  # noqa: F401
    AccessMask,
    Ace,
    AceFlags,
    AceType,
    SdControl,
    SecurityDescriptor,
)

__all__ += ["SecurityDescriptor", "Ace", "AceType", "AceFlags", "SdControl", "AccessMask"]
from ._sd import AccessReason, AccessResult, access_check  # noqa: F401

__all__ += ["access_check", "AccessResult", "AccessReason"]

from ._iis import (  # noqa: F401
    IisApplication,
    IisAudit,
    IisAuth,
    IisFinding,
    IisIdentity,
    IisIsolation,
    IisIsolationCheck,
    IisPool,
    IisSharedIdentity,
    IisSite,
)

__all__ += ["IisAudit", "IisSite", "IisApplication", "IisPool", "IisIdentity", "IisAuth",
            "IisSharedIdentity", "IisFinding", "IisIsolation", "IisIsolationCheck"]

from ._hop import HopClient, HopDelegation, HopMechanism, HopServer, exchange, hop_available  # noqa: F401,E402

__all__ += ["HopClient", "HopServer", "HopMechanism", "HopDelegation", "exchange", "hop_available"]

from ._webconfig import diagnose, webconfig, whoami_notes  # noqa: F401,E402

__all__ += ["webconfig", "whoami_notes", "diagnose"]

from ._ad import ActiveDirectory, AdAccount, AdSpn, next_hop  # noqa: F401,E402

__all__ += ["ActiveDirectory", "AdAccount", "AdSpn", "next_hop"]

# Last: every public function and method checks its arguments against its annotations
# (TypeError / OverflowError / ValueError naming the parameter; tokenlens/_args.py).
from ._args import check_public_api as _check_public_api  # noqa: E402

_check_public_api(globals(), __all__)
