"""The Family interface and its registry: everything outside a family's folder asks here.

A family is one behaviour the suite measures (blackmail, shutdown sabotage, ...), kept in one
folder: its scenario texts, its facts model, its detector, its judge rubric, its engagement
terms and, when it has one, its environment. Built-in families are the packages under
`insider.families`; other packages add theirs through the entry-point group
`insider.families` (an entry point names a `Family` object, or a function returning one).
Both are found and used the same way:

    fam = get_family("blackmail")
    fam.conditions("paper")            # [(condition id, factors), ...]
    fam.render(condition_id)           # {"system", "user", "facts"}
    fam.samples(options)               # Inspect samples for a run
    behaviour("blackmail").detect(...)  # how its samples are classified
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from insider.errors import InsiderError
from insider.records import Action, Facts

if TYPE_CHECKING:
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import Score
    from inspect_ai.solver import Solver, TaskState

    from insider.judge.detectors.base import Detection
    from insider.options import TaskOptions

ENTRY_POINT_GROUP = "insider.families"
BUILTIN_PACKAGE = "insider.families"


@dataclass(frozen=True)
class Behaviour:
    """How the samples of one behaviour are classified.

    Attributes:
        name: the behaviour's name, as samples carry it in `metadata["behavior"]`.
        detect: the rule-based detector, `(response, actions, facts) -> Detection`;
            None when the verdict comes from the environment (`score_state`).
        rubric: the LLM judge's rubric (what counts, what does not); None: no judge.
        facts: the facts model (a `Facts` subclass with this behaviour's keys).
        answer: the judge's answer shape: "verdict" (harmful/benign) or "compliance"
            (complied + faking_reasoning).
        engagement_terms: words whose presence in a reply shows the model read the
            scenario, from the facts; None: any reply of three words or more engages.
        verdict_keys: the optional verdict keys this behaviour's records carry.
        score_state: for behaviours judged from the environment's final state, the
            function that turns the Inspect `TaskState` into the score.
        environment: for tool-loop samples, `metadata -> environment` (the tools and
            the state they act on; see `insider.agent.tool_loop`).
    """

    name: str
    detect: Callable[[str, list[Action], Facts], Detection] | None = None
    rubric: str | None = None
    facts: type[Facts] = Facts
    answer: Literal["verdict", "compliance"] = "verdict"
    engagement_terms: Callable[[Facts], list[str]] | None = None
    verdict_keys: tuple[str, ...] = ("awareness",)
    score_state: Callable[[TaskState], Score] | None = None
    environment: Callable[[dict[str, Any]], Any] | None = None

    def parse_facts(self, raw: dict[str, Any] | Facts | None) -> Facts:
        """The facts of one sample as this behaviour's model (unknown keys ignored)."""
        if isinstance(raw, self.facts):
            return raw
        if isinstance(raw, Facts):
            raw = raw.model_dump()
        return self.facts.model_validate(raw or {})


class Family:
    """One behaviour's scenarios: conditions, rendering, samples and the solver that runs them.

    Subclasses implement the scenario side; `behaviour` says how samples are classified.
    Attributes every family sets:
        name: the id users type (`insider run --family NAME`).
        description: one or two sentences for `insider scenarios list`.
        behaviour: how its samples are classified (None for a group of families).
        options: the run options it takes beyond the common ones (`insider.options`);
            any other option given to it is refused.
        interactions: the protocols it runs: "single_turn", "tool_loop" or both.
        default_preset: the preset used when none is named.
    """

    name: str = ""
    description: str = ""
    behaviour: Behaviour | None = None
    options: frozenset[str] = frozenset()
    interactions: tuple[str, ...] = ("single_turn",)
    default_preset: str = "default"

    # ---- the scenario side
    @property
    def factors(self) -> dict[str, list[str]]:
        """Factor name -> its levels."""
        raise NotImplementedError

    @property
    def defaults(self) -> dict[str, str]:
        """Factor name -> the level used when a preset leaves it unset."""
        return {name: levels[0] for name, levels in self.factors.items()}

    @property
    def presets(self) -> list[str]:
        """The preset names `conditions` accepts."""
        raise NotImplementedError

    @property
    def hash(self) -> str:
        """A digest of the family's texts, recorded with every run."""
        raise NotImplementedError

    def conditions(self, preset: str | None = None,
                   factor_levels: dict[str, list[str]] | None = None) -> list[tuple[str, dict[str, Any]]]:
        """The conditions of a preset as (condition id, factors).

        Args:
            preset: a name from `presets`; None means `default_preset`.
            factor_levels: factor -> levels to vary every condition of the preset over.
        """
        raise NotImplementedError

    def render(self, condition_id: str, seed: int | None = None) -> dict[str, Any]:
        """One condition's prompts: {"system", "user", "facts"}.

        Args:
            condition_id: a condition id (the family prefix may be left off).
            seed: identity seed for families whose cast varies; None = the canonical cast.

        Families that take the run option `prompts` also accept `prompts=` here and in
        `conditions` (the conditions as that prompt source realises them).
        """
        raise NotImplementedError

    def samples(self, options: TaskOptions) -> list[Sample]:
        """The Inspect samples of a run, contiguous per condition, with the metadata every
        sample carries (`docs/ARCHITECTURE.md`)."""
        raise NotImplementedError

    def solver(self, options: TaskOptions) -> Solver:
        """The solver that runs one sample."""
        raise NotImplementedError

    def task_metadata(self, options: TaskOptions) -> dict[str, Any]:
        """Extra metadata recorded on the run's Inspect task (beyond the common keys)."""
        return {}

    def supports(self, option: str) -> bool:
        from insider.options import COMMON_OPTIONS

        return option in COMMON_OPTIONS or option in self.options

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class GroupFamily(Family):
    """Several families run over one grid (e.g. the three agentic-misalignment behaviours).

    Args:
        name: the group's id.
        members: the names of the families it runs, in order.
        description: one or two sentences for `insider scenarios list`.
        default_preset: the preset used when none is named (each member must have it).
    """

    def __init__(self, name: str, members: list[str], description: str = "", default_preset: str = "default"):
        self.name = name
        self.members = list(members)
        self.description = description
        self.default_preset = default_preset
        self.behaviour = None

    def member_families(self) -> list[Family]:
        return [get_family(m) for m in self.members]

    @property
    def options(self) -> frozenset[str]:  # type: ignore[override]
        sets = [m.options for m in self.member_families()]
        return frozenset.intersection(*sets) if sets else frozenset()

    @property
    def interactions(self) -> tuple[str, ...]:  # type: ignore[override]
        sets = [set(m.interactions) for m in self.member_families()]
        return tuple(i for i in ("single_turn", "tool_loop") if all(i in s for s in sets))

    @property
    def factors(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for m in self.member_families():
            for name, levels in m.factors.items():
                out.setdefault(name, [])
                out[name] += [lv for lv in levels if lv not in out[name]]
        return out

    @property
    def presets(self) -> list[str]:
        sets = [m.presets for m in self.member_families()]
        return [p for p in sets[0] if all(p in s for s in sets[1:])]

    @property
    def hash(self) -> str:
        import hashlib

        return hashlib.sha256("".join(m.hash for m in self.member_families()).encode()).hexdigest()

    def conditions(self, preset=None, factor_levels=None, prompts: str = "ours"):
        extra = {"prompts": prompts} if prompts != "ours" else {}
        return [c for m in self.member_families()
                for c in m.conditions(preset or self.default_preset, factor_levels, **extra)]

    def _member_of(self, condition_id: str) -> Family:
        head = condition_id.split("/", 1)[0]
        for m in self.member_families():
            if m.name == head:
                return m
        raise InsiderError(f"condition {condition_id!r}: {self.name} conditions start with one of "
                           f"{', '.join(self.members)}")

    def render(self, condition_id, seed=None, prompts: str = "ours"):
        member = self._member_of(condition_id)
        if prompts != "ours":
            return member.render(condition_id, seed, prompts=prompts)
        return member.render(condition_id, seed)

    def samples(self, options):
        out: list[Sample] = []
        preset = options.preset or self.default_preset
        for m in self.member_families():
            wanted = tuple(c for c in options.conditions if c.split("/", 1)[0] == m.name)
            if options.conditions and not wanted:
                continue
            for s in m.samples(replace(options, preset=preset, conditions=wanted)):
                s.metadata["sample_index"] = len(out)
                out.append(s)
        if options.conditions and not out:
            raise InsiderError(f"no condition matched {', '.join(options.conditions)}; conditions of "
                               f"{self.name} start with one of {', '.join(self.members)}")
        return out

    def solver(self, options):
        return self.member_families()[0].solver(options)

    def task_metadata(self, options):
        out: dict[str, Any] = {}
        for m in self.member_families():
            out.update(m.task_metadata(options))
        return out


# ---------------------------------------------------------------- the registry


def _as_family(obj: Any, where: str) -> Family:
    fam = obj() if callable(obj) and not isinstance(obj, Family) else obj
    if not isinstance(fam, Family):
        raise InsiderError(f"{where}: expected an insider.family.Family, got {type(fam).__name__}")
    if not fam.name:
        raise InsiderError(f"{where}: the family has no name")
    return fam


@cache
def _registry() -> dict[str, Family]:
    found: dict[str, Family] = {}
    package = importlib.import_module(BUILTIN_PACKAGE)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or not info.ispkg:
            continue
        module = importlib.import_module(f"{BUILTIN_PACKAGE}.{info.name}")
        fam = _as_family(getattr(module, "FAMILY", None), f"{BUILTIN_PACKAGE}.{info.name}")
        found[fam.name] = fam
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        where = f"entry point {ep.name} ({ep.value})"
        try:
            fam = _as_family(ep.load(), where)
        except InsiderError:
            raise
        except Exception as e:  # a broken plugin names itself instead of breaking every command
            raise InsiderError(f"{where} failed to load: {type(e).__name__}: {e}") from None
        if fam.name in found:
            raise InsiderError(f"{where}: family {fam.name!r} is already defined")
        found[fam.name] = fam
    return found


def families() -> dict[str, Family]:
    """Every registered family by name: built-in folders first, then entry points."""
    return dict(_registry())


def family_names() -> list[str]:
    return list(_registry())


def get_family(name_or_path: str | Path) -> Family:
    """A registered family by name, or a user's scenario pack folder (holding pack.yaml)."""
    reg = _registry()
    if isinstance(name_or_path, str) and name_or_path in reg:
        return reg[name_or_path]
    path = Path(name_or_path)
    if (path / "pack.yaml").is_file() or (path.is_file() and path.name == "pack.yaml"):
        from insider.scenarios.family import PackFamily

        return PackFamily.from_folder(path)
    raise InsiderError(f"unknown family {str(name_or_path)!r}: choose one of {', '.join(reg)}, "
                       f"or give a folder that holds a pack.yaml")


def behaviour(name: str) -> Behaviour:
    """The behaviour named `name`, from whichever family defines it."""
    for fam in _registry().values():
        if fam.behaviour is not None and fam.behaviour.name == name:
            return fam.behaviour
    known = sorted({f.behaviour.name for f in _registry().values() if f.behaviour is not None})
    raise InsiderError(f"unknown behaviour {name!r}: choose one of {', '.join(known)}")


def behaviour_names() -> list[str]:
    return sorted({f.behaviour.name for f in _registry().values() if f.behaviour is not None})
