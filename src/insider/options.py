"""The options of one run's task, typed and checked once.

`TaskOptions` is what the runner, the Inspect task functions and every family read. An
option a family does not declare (`Family.options`) is refused in one line when it is set
to anything but its neutral value; none is ever dropped without a word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from insider.errors import InsiderError

# Options every family takes.
COMMON_OPTIONS = frozenset({"preset", "conditions", "factors", "samples", "seed", "max_tokens", "temperature"})
INTERACTIONS = ("single_turn", "tool_loop")
DEFAULT_SAMPLES = 3
TOOL_MODES = ("auto", "native", "markup")
# Where a run's prompts come from: the family's own scenario pack, or the study's own prompts.
PROMPT_SOURCES = ("ours", "original")


def parse_factor_selections(selections: Iterable[str], what: str = "--factor") -> dict[str, list[str]]:
    """["urgency=replacement,none", ...] -> {"urgency": ["replacement", "none"]}."""
    out: dict[str, list[str]] = {}
    for selection in selections:
        name, sep, levels = selection.partition("=")
        if not sep or not name.strip() or not levels.strip():
            raise InsiderError(f"{what} {selection!r}: expected NAME=LEVEL[,LEVEL...], e.g. urgency=replacement,none")
        out.setdefault(name.strip(), []).extend(lvl.strip() for lvl in levels.split(",") if lvl.strip())
    return out


def parse_factor_levels(factors: str | dict[str, Any] | None) -> dict[str, list[str]]:
    """Accept `{"urgency": ["replacement","none"]}` or "urgency=replacement,none;goal_type=none"."""
    if not factors:
        return {}
    if isinstance(factors, dict):
        return {k: [v] if isinstance(v, str) else list(v) for k, v in factors.items()}
    parts = [part.strip() for part in str(factors).split(";") if part.strip()]
    return parse_factor_selections(parts, what="factor selection")


def as_list(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """"a,b" or ["a", "b"] -> ("a", "b"); None or "" -> ()."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(value)


@dataclass(frozen=True)
class TaskOptions:
    """What one run asks of a family. Neutral values mean "not asked for".

    Attributes:
        preset: condition preset; None = the family's default preset.
        conditions: condition ids (override `preset`).
        factors: factor -> levels to vary the preset's conditions over.
        samples: samples per condition (alignment faking: requests, or "all"); None = the
            family's default (`DEFAULT_SAMPLES`; alignment faking: 20 requests).
        seed: base seed for sampling and identities.
        max_tokens: reply length cap; None = the task's default.
        temperature: sampling temperature.
        vary_identities: draw each sample's cast from a seeded generator.
        policy: how rules and judge combine (`insider.judge.policy`).
        judge: an LLM judge is bound to the run.
        interaction: protocols to run (`single_turn`, `tool_loop`); () = the family's first.
        max_turns: generations per tool-loop sample; None = the family's default.
        tools: how the tool loop offers tools: auto, native or markup.
        requests: alignment faking: a file of the user's own requests.
        warm_cache: send one sample per prompt first (None = per provider).
        cache: Inspect's response cache expiry, e.g. "1W".
        prompts: "ours" (the family's scenario pack) or "original" (the study's own prompts,
            for the families that declare it).
        developer: alignment faking: the evaluated model's developer, named by the
            `company-developer` conditions (the runner fills it from the model string).
        system_prompt: alignment faking: a file used as the system prompt instead of ours,
            with `{developer}` once where the developer's name goes.
    """

    preset: str | None = None
    conditions: tuple[str, ...] = ()
    factors: dict[str, list[str]] = field(default_factory=dict)
    samples: int | str | None = None
    seed: int = 0
    max_tokens: int | None = None
    temperature: float = 1.0
    vary_identities: bool = False
    policy: str | None = None
    judge: bool = False
    interaction: tuple[str, ...] = ()
    max_turns: int | None = None
    tools: str = "auto"
    requests: str | None = None
    warm_cache: bool | None = None
    cache: str | None = None
    prompts: str = "ours"
    developer: str | None = None
    system_prompt: str | None = None

    def __post_init__(self) -> None:
        from insider.judge.policy import POLICIES

        if isinstance(self.samples, int) and self.samples < 1:
            raise InsiderError(f"--samples must be at least 1 (got {self.samples})")
        if self.temperature != self.temperature or self.temperature < 0:  # NaN, negative
            raise InsiderError(f"--temperature {self.temperature}: give a number >= 0, e.g. 1.0")
        if self.max_tokens is not None and self.max_tokens < 1:
            raise InsiderError(f"--max-tokens must be at least 1 (got {self.max_tokens})")
        if self.max_turns is not None and self.max_turns < 1:
            raise InsiderError(f"--max-turns must be at least 1 (got {self.max_turns})")
        if self.policy is not None and self.policy not in POLICIES:
            raise InsiderError(f"--policy {self.policy!r}: choose one of {', '.join(POLICIES)}")
        if self.developer is not None and not self.developer.strip():
            raise InsiderError("--developer: give the developer's name, e.g. --developer Anthropic")
        if self.prompts not in PROMPT_SOURCES:
            raise InsiderError(f"--prompts {self.prompts!r}: choose one of {', '.join(PROMPT_SOURCES)}")
        if self.tools not in TOOL_MODES:
            raise InsiderError(f"--tools {self.tools!r}: choose one of {', '.join(TOOL_MODES)}")
        for level in self.interaction:
            if level not in INTERACTIONS:
                raise InsiderError(f"unknown interaction {level!r}; choose from {', '.join(INTERACTIONS)}")
        object.__setattr__(self, "interaction", tuple(dict.fromkeys(self.interaction)))

    @classmethod
    def from_task_args(cls, **args: Any) -> TaskOptions:
        """From an Inspect task's arguments (`-T name=value` gives strings)."""
        args = {k: v for k, v in args.items() if v is not None or k in ("preset",)}
        if "conditions" in args:
            args["conditions"] = as_list(args["conditions"])
        if "interaction" in args:
            args["interaction"] = as_list(args["interaction"])
        if "factors" in args:
            args["factors"] = parse_factor_levels(args["factors"])
        return cls(**args)

    def given(self) -> list[str]:
        """The options set to something other than their neutral value."""
        out = []
        for f in fields(self):
            default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
            if getattr(self, f.name) != default:
                out.append(f.name)
        return out

    def to_task_args(self) -> dict[str, Any]:
        """The options that are set, as an Inspect task's arguments (JSON values)."""
        out: dict[str, Any] = {}
        for name in self.given():
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def check_for(self, family: Any) -> None:
        """Refuse, in one line, any option `family` does not take."""
        for name in self.given():
            if name != "samples" and not family.supports(name):
                raise InsiderError(f"--{name.replace('_', '-')} does not apply to the {family.name} family")
        for level in self.interaction:
            if level not in family.interactions:
                raise InsiderError(f"--interaction {level}: the {family.name} family runs "
                                   f"{' or '.join(family.interactions)}")
