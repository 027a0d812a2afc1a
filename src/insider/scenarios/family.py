"""A family whose scenarios are a scenario pack (pack.yaml + templates): the email families,
and any pack a user writes for a registered behaviour.

Every condition x repeat is its own sample, so each verdict survives in the log. Samples of
one condition are contiguous: providers' prompt caches and the embedded model's KV cache
reuse the shared prefix that way. With `interaction` including `tool_loop`, each condition
also runs as a multi-turn agent against a simulated company; those samples' condition ids
carry `/interaction-tool_loop`, so both protocols compare like any other factor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from inspect_ai.dataset import Sample

from insider.errors import InsiderError
from insider.family import Behaviour, Family, behaviour
from insider.options import DEFAULT_SAMPLES, TaskOptions
from insider.scenarios.grid import Condition
from insider.scenarios.pack import PACK_FILE, Pack, load_pack
from insider.scenarios.render import render
from insider.scenarios.sample import chat_sample

DEFAULT_MAX_TURNS = 10
PACK_OPTIONS = frozenset({"vary_identities", "policy", "judge", "interaction", "max_turns", "tools",
                          "warm_cache", "cache"})


class PromptSource(Protocol):
    """Another source of a pack family's prompts over the same conditions (the study's own,
    for the email families): chosen with the run option `prompts`."""

    def conditions(self, family: PackFamily, conditions: list[Condition]) -> list[Condition]:
        """`conditions` as this source realises them (refusing any it cannot), de-duplicated."""

    def render(self, family: PackFamily, condition: Condition, seed: int | None = None) -> dict[str, Any]:
        """One condition as {"system", "user", "facts"}."""

    def samples(self, family: PackFamily, conditions: list[Condition], options: TaskOptions) -> list[Sample]:
        """The samples of a run over `conditions`."""

    def task_metadata(self, family: PackFamily, options: TaskOptions) -> dict[str, Any]:
        """What the run's task records about the source (replaces `insider_packs`)."""


def identity_seed_for(seed: int, condition_id: str, repeat: int) -> int:
    """A stable per-sample identity seed (independent of Python's hash randomisation)."""
    digest = hashlib.sha256(f"{seed}|{condition_id}|{repeat}".encode()).hexdigest()
    return int(digest[:8], 16)


class PackFamily(Family):
    """A family defined by a scenario pack folder and the behaviour it measures.

    Args:
        pack_dir: the folder holding pack.yaml and its templates.
        behaviour: how samples are classified; None reads the pack's `behavior` key and
            takes that registered behaviour (a user's own pack).
        builtin: the pack ships with a family (recorded by name, not by path).
        prompt_sources: other sources of the same conditions' prompts by the name the run
            option `prompts` gives them (e.g. "original"); the family then takes `prompts`.
    """

    options = PACK_OPTIONS
    interactions = ("single_turn", "tool_loop")

    def __init__(self, pack_dir: Path, behaviour_spec: Behaviour | None = None, *, name: str | None = None,
                 description: str = "", builtin: bool = True,
                 prompt_sources: Mapping[str, PromptSource] | None = None):
        self.pack_dir = Path(pack_dir)
        self.prompt_sources = dict(prompt_sources or {})
        if self.prompt_sources:
            self.options = PACK_OPTIONS | {"prompts"}
        self._behaviour = behaviour_spec
        self._name = name
        self._description = description
        self._builtin = builtin

    @classmethod
    def from_folder(cls, path: Path | str) -> PackFamily:
        """A user's pack folder (or its pack.yaml), run as the behaviour it names."""
        p = Path(path)
        if p.is_file() and p.name == PACK_FILE:
            p = p.parent
        if not (p / PACK_FILE).is_file():
            raise InsiderError(f"--pack {path}: no {PACK_FILE} in that folder")
        fam = cls(p.resolve(), builtin=False)
        _ = fam.pack  # load and check now: a broken pack fails before anything runs
        return fam

    @property
    def user_folder(self) -> Path | None:
        """The folder of a user's own pack (None for a family's built-in pack)."""
        return None if self._builtin else self.pack_dir

    @cached_property
    def pack(self) -> Pack:
        return load_pack(self.pack_dir, builtin=self._builtin)

    @property
    def name(self) -> str:  # type: ignore[override]
        return self._name or self.pack.name

    @property
    def description(self) -> str:  # type: ignore[override]
        return self._description or self.pack.description

    @property
    def behaviour(self) -> Behaviour:  # type: ignore[override]
        return self._behaviour or behaviour(self.pack.behavior)

    @property
    def factors(self) -> dict[str, list[str]]:
        return self.pack.factors

    @property
    def defaults(self) -> dict[str, str]:
        return self.pack.defaults

    @property
    def presets(self) -> list[str]:
        return self.pack.presets

    @property
    def hash(self) -> str:
        return self.pack.hash

    def conditions(self, preset=None, factor_levels=None, prompts: str = "ours"):
        selected = self.pack.conditions(preset, factor_levels)
        if prompts != "ours":
            selected = self.prompt_source(prompts).conditions(self, selected)
        return [(c.id, c.factors) for c in selected]

    def prompt_source(self, name: str) -> PromptSource:
        """The prompt source the run option `prompts` names (not "ours")."""
        if name not in self.prompt_sources:
            raise InsiderError(f"--prompts {name} does not apply to the {self.name} family")
        return self.prompt_sources[name]

    def render(self, condition_id, seed=None, prompts: str = "ours"):
        if prompts != "ours":
            return self.prompt_source(prompts).render(self, self.pack.condition(condition_id), seed)
        s = render(self.pack, self.pack.condition(condition_id), identity_seed=seed)
        return {"system": s.system, "user": s.user, "facts": s.facts.model_dump(exclude_none=True)}

    def samples(self, options: TaskOptions) -> list[Sample]:
        pack = self.pack
        if options.conditions:
            selected = [pack.condition(c) for c in options.conditions]
        else:
            selected = pack.conditions(preset=options.preset, factor_levels=options.factors or None)
        if options.prompts != "ours":
            return self.prompt_source(options.prompts).samples(self, selected, options)
        interactions = options.interaction or ("single_turn",)
        samples = int(options.samples or DEFAULT_SAMPLES)
        max_turns = options.max_turns or DEFAULT_MAX_TURNS
        dataset: list[Sample] = []
        for condition in selected:
            for interaction in interactions:
                loop = interaction == "tool_loop"
                # The study's protocol keeps the pack's condition id; the other level is tagged.
                cond_id = f"{condition.id}/interaction-{interaction}" if loop else condition.id
                tool_mode = "native" if loop and options.tools != "markup" else "markup"
                # Without identity variation the repeats share one rendering: 10,000 samples
                # then cost memory and time per condition, not per sample.
                rendered = None
                for repeat in range(samples):
                    seed = identity_seed_for(options.seed, condition.id, repeat) if options.vary_identities else None
                    if rendered is None or options.vary_identities:
                        rendered = render(pack, condition, identity_seed=seed, tool_mode=tool_mode)
                    metadata = dict(rendered.metadata)
                    metadata.update(repeat=repeat, sample_index=len(dataset), factor_names=list(condition.factors),
                                    prompts="ours")
                    if options.interaction:
                        metadata.update(
                            condition=cond_id, interaction=interaction, tool_mode=tool_mode,
                            max_turns=max_turns if loop else 1,
                            emails=[e.model_dump() for e in rendered.emails],
                            factor_names=[*condition.factors, "interaction"],
                        )
                    dataset.append(chat_sample(f"{cond_id}#{repeat}", rendered.system, rendered.user, metadata))
        return dataset

    def solver(self, options: TaskOptions):
        from insider.agent import single_turn
        from insider.agent.interaction import interaction_solver

        if options.interaction:
            return interaction_solver(max_turns=options.max_turns or DEFAULT_MAX_TURNS, tools=options.tools,
                                      seed=options.seed)
        return single_turn(seed=options.seed)

    def task_metadata(self, options: TaskOptions) -> dict[str, Any]:
        if options.prompts != "ours":
            return {**self.prompt_source(options.prompts).task_metadata(self, options),
                    "insider_vary_identities": options.vary_identities}
        label = self.pack.name if self._builtin else str(self.pack_dir)
        return {"insider_packs": [f"{label}:{self.hash}"], "insider_vary_identities": options.vary_identities}
