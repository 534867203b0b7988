"""The explain engine: which identity each hop of an IIS/ASP.NET request runs as, what the
other side sees, and why (every step names the rule that produced it; docs/rules.md)."""
from __future__ import annotations

import json
import os
from typing import Any, Mapping, NamedTuple, Optional, Tuple, Union, cast

from . import _native
from ._errors import ParseError
from ._sid import Sid

__all__ = ["explain", "Scenario", "Explanation", "Hop", "Identity", "Step", "Rule", "rules"]

PathLike = Union[str, "os.PathLike[str]"]


class Step(NamedTuple):
    """One derived fact: ``rule`` is the rule id (``"net.machine-account"``), ``text`` the
    sentence; ``unsettled`` is True when no source settles the rule (docs/rules.md)."""

    rule: str
    text: str
    unsettled: bool = False

    def __str__(self) -> str:
        return "[%s%s] %s" % (self.rule, " (unsettled)" if self.unsettled else "", self.text)


class Identity(NamedTuple):
    """An account as the explanation names it: ``name`` (``"CONTOSO\\WEB01$"``), ``sid``
    as a string or None when unknowable (a domain account without its domain SID), and for
    the request thread (and a hop's ``runs_as``) the impersonation ``level`` (None when not
    impersonating) and the logon session's package and type."""

    name: Optional[str]
    sid: Optional[str]
    level: Optional[str] = None
    logon_package: Optional[str] = None
    logon_type: Optional[str] = None

    @property
    def sid_object(self) -> Optional[Sid]:
        """``sid`` as a :class:`tokenlens.Sid`, or None."""
        return Sid.parse(self.sid) if self.sid else None

    def __str__(self) -> str:
        return self.name or "(nobody)"


class Hop(NamedTuple):
    """One off-box (or local) call the scenario makes."""

    target: str
    """An SPN (``"MSSQLSvc/db01.contoso.com:1433"``) or ``"local"``."""
    from_: str
    """``"request_thread"``, ``"thread_pool"``, ``"after_revert"`` or ``"new_credentials"``."""
    runs_as: Identity
    """Who the code runs as when it makes the call."""
    arrives_as: Identity
    """Who the target sees."""
    protocol: Optional[str]
    """``"Kerberos"``, ``"NTLM"`` or None (local access, or no call)."""
    outcome: str
    """``"ok"``, ``"anonymous"`` or ``"denied"``."""
    fix: Optional[str]
    """The usual fix in one sentence, or None."""
    steps: Tuple[Step, ...]
    """Why, in order; the last step decides what arrives."""
    unsettled: bool = False
    """True when the answer rests on a rule no source settles (the output says so too)."""

    def __repr__(self) -> str:
        return "<Hop %s from %s: arrives as %s via %s, %s>" % (
            self.target, self.from_, self.arrives_as.name, self.protocol, self.outcome)


def _level(value: int) -> Optional[str]:
    """The library's word for an impersonation level (None when not impersonating)."""
    return cast("Optional[str]", _native.tl_impersonation_level_name(value))


class Explanation:
    """The result of :func:`explain`: the worker process, the request thread and each hop."""

    __slots__ = ("name", "process", "request_thread", "logon_package", "logon_type",
                 "process_steps", "thread_steps", "hops", "_raw")

    name: Optional[str]
    process: Identity
    request_thread: Identity
    logon_package: Optional[str]
    logon_type: Optional[str]
    process_steps: Tuple[Step, ...]
    thread_steps: Tuple[Step, ...]
    hops: Tuple[Hop, ...]

    def __init__(self, raw: Any) -> None:
        n = _native
        self._raw = raw
        self.name = n.tl_explanation_scenario_name(raw)
        self.process = Identity(n.tl_explanation_process_name(raw),
                                n.tl_explanation_process_sid(raw))
        self.logon_package = n.tl_explanation_thread_logon_package(raw)
        self.logon_type = n.tl_explanation_thread_logon_type(raw)
        self.request_thread = Identity(n.tl_explanation_thread_name(raw),
                                       n.tl_explanation_thread_sid(raw),
                                       _level(n.tl_explanation_thread_level(raw)),
                                       self.logon_package, self.logon_type)
        self.process_steps = tuple(
            Step(n.tl_explanation_process_step_rule(raw, i),
                 n.tl_explanation_process_step_text(raw, i))
            for i in range(n.tl_explanation_process_step_count(raw)))
        self.thread_steps = tuple(
            Step(n.tl_explanation_thread_step_rule(raw, i),
                 n.tl_explanation_thread_step_text(raw, i))
            for i in range(n.tl_explanation_thread_step_count(raw)))
        hops = []
        for i in range(n.tl_explanation_hop_count(raw)):
            h = n.tl_explanation_hop_at(raw, i)
            hops.append(Hop(
                target=n.tl_explained_hop_target(h),
                from_=n.tl_explain_from_name(n.tl_explained_hop_from(h)),
                runs_as=Identity(n.tl_explained_hop_runs_as_name(h), n.tl_explained_hop_runs_as_sid(h),
                                 _level(n.tl_explained_hop_runs_as_level(h))),
                arrives_as=Identity(n.tl_explained_hop_arrives_as_name(h), n.tl_explained_hop_arrives_as_sid(h)),
                protocol=n.tl_explain_protocol_name(n.tl_explained_hop_protocol(h)),
                outcome=n.tl_explain_outcome_name(n.tl_explained_hop_outcome(h)),
                fix=n.tl_explained_hop_fix(h),
                steps=tuple(Step(n.tl_explained_hop_step_rule(h, j), n.tl_explained_hop_step_text(h, j),
                                 bool(n.tl_explained_hop_step_unsettled(h, j)))
                            for j in range(n.tl_explained_hop_step_count(h))),
                unsettled=bool(n.tl_explained_hop_unsettled(h)),
            ))
        self.hops = tuple(hops)

    @property
    def outcome(self) -> Optional[str]:
        """The worst hop outcome (``"denied"`` > ``"anonymous"`` > ``"ok"``), None without
        hops."""
        order = {"ok": 0, "anonymous": 1, "denied": 2}
        if not self.hops:
            return None
        return max((h.outcome for h in self.hops), key=lambda o: order.get(o, 3))

    @property
    def protocol(self) -> Optional[str]:
        """The first hop's protocol (``"Kerberos"``, ``"NTLM"``) or None."""
        return self.hops[0].protocol if self.hops else None

    @property
    def steps(self) -> Tuple[Step, ...]:
        """Every step, in order: process, request thread, then each hop's."""
        out = self.process_steps + self.thread_steps
        for h in self.hops:
            out += h.steps
        return out

    def to_json(self) -> str:
        """Exactly what ``tokenlens explain --json`` prints."""
        return cast(str, _native.tl_explanation_to_json(self._raw))

    def to_dict(self) -> Any:
        """:meth:`to_json` parsed into Python data."""
        return json.loads(self.to_json())

    def to_text(self) -> str:
        """The plain-text story ``tokenlens explain`` prints."""
        return cast(str, _native.tl_explanation_to_text(self._raw))

    def to_dot(self) -> str:
        """A Graphviz digraph of the hops (``tokenlens explain --dot``)."""
        return cast(str, _native.tl_explanation_to_dot(self._raw))

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        hops = ", ".join("%s -> %s (%s)" % (h.target, h.arrives_as.name, h.outcome)
                         for h in self.hops)
        return "<Explanation %sprocess %s, thread %s%s>" % (
            "%r: " % self.name if self.name else "", self.process.name,
            self.request_thread.name, "; " + hops if hops else "")


class Scenario:
    """A loaded scenario (format v1, PRODUCT.md / docs/explain.md)."""

    __slots__ = ("_raw", "source")

    def __init__(self, raw: Any, source: Optional[str] = None) -> None:
        self._raw = raw
        self.source = source

    @classmethod
    def load(cls, path: PathLike) -> "Scenario":
        """Read a scenario file. ParseError carries ``.path`` (JSON path of the fault) and
        ``.input`` (the file name); FileError when unreadable."""
        fspath = os.fspath(path)
        try:
            return cls(_native.tl_scenario_load(fspath), fspath)
        except ParseError as exc:
            exc.input = fspath
            raise

    @classmethod
    def from_json(cls, text: Union[str, bytes]) -> "Scenario":
        """Parse scenario JSON text; errors as :meth:`load` (``.input`` is the text)."""
        try:
            return cls(_native.tl_scenario_from_json(text))
        except ParseError as exc:
            exc.input = text if isinstance(text, str) else text.decode("utf-8", "replace")
            raise

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Scenario":
        """A scenario from Python data shaped like the JSON format."""
        return cls.from_json(json.dumps(data))

    @property
    def name(self) -> Optional[str]:
        """The scenario's "name", or None."""
        return cast("Optional[str]", _native.tl_scenario_name(self._raw))

    def to_json(self) -> str:
        """The scenario as loaded, every optional field with the value the engine uses."""
        return cast(str, _native.tl_scenario_to_json(self._raw))

    def to_dict(self) -> Any:
        """:meth:`to_json` parsed into Python data."""
        return json.loads(self.to_json())

    def explain(self) -> Explanation:
        """Run the model: which identity each hop runs as and arrives as, and why."""
        return Explanation(_native.tl_scenario_explain(self._raw))

    def __repr__(self) -> str:
        return "<Scenario %r%s>" % (self.name, " from %s" % self.source if self.source else "")


def explain(scenario: Union[PathLike, Mapping[str, Any], Scenario]) -> Explanation:
    """Explain a scenario given as a file path, a dict (the JSON format as Python data) or a
    :class:`Scenario`.

        >>> e = tokenlens.explain("examples/scenarios/ntlm-double-hop.json")
        >>> e.hops[0].arrives_as.name
        'NT AUTHORITY\\\\ANONYMOUS LOGON'

    Raises ParseError for an invalid scenario (``.path`` names the JSON path, ``.input`` the
    file or text), FileError for an unreadable file.
    """
    if isinstance(scenario, Scenario):
        return scenario.explain()
    if isinstance(scenario, Mapping):
        return Scenario.from_dict(scenario).explain()
    if isinstance(scenario, (str, os.PathLike)):
        return Scenario.load(scenario).explain()
    raise TypeError("explain() takes a path, a dict or a Scenario, not %s"
                    % type(scenario).__name__)


class Rule(NamedTuple):
    """A rule the engine can cite, with its source (docs/rules.md)."""

    id: str
    statement: str
    source: Optional[str]
    unsettled: bool


def rules() -> Tuple[Rule, ...]:
    """The rule catalogue."""
    n = _native
    return tuple(Rule(n.tl_sim_rule_id(i), n.tl_sim_rule_statement(i), n.tl_sim_rule_source(i),
                      bool(n.tl_sim_rule_unsettled(i)))
                 for i in range(n.tl_sim_rule_count()))
