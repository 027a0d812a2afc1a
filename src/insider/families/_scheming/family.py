"""The Family of each scheming behaviour: its pack's grid, prompts and tool-loop samples."""

from __future__ import annotations

from typing import Any

from insider.families._scheming.pack import SchemingPack, load_pack
from insider.families._scheming.tools import environment_factory
from insider.families._scheming.verdict import score_state_for
from insider.family import Behaviour, Family, GroupFamily
from insider.options import DEFAULT_SAMPLES, TaskOptions
from insider.scenarios.sample import chat_sample

DEFAULT_MAX_TURNS = 20
TOOL_OPTIONS = frozenset({"interaction", "max_turns", "tools"})


def make_behaviour(name: str, env_class: type) -> Behaviour:
    """The behaviour of a scheming family: judged from its sandbox's state."""
    return Behaviour(name=name, score_state=score_state_for(name), environment=environment_factory(env_class),
                     verdict_keys=())


class SchemingFamily(Family):
    """A scheming family on its pack (`<name>/pack/<name>.yaml`) and sandbox.

    Args:
        name: the family id (also its behaviour's name and pack's name).
        env_class: its sandbox (a `SchemingEnv` subclass).
        interviews: harmful samples get management's follow-up (the judge can read it).
    """

    interactions = ("tool_loop",)

    def __init__(self, name: str, env_class: type, interviews: bool = True):
        self.name = name
        self.behaviour = make_behaviour(name, env_class)
        self.interviews = interviews
        self.options = TOOL_OPTIONS | ({"judge"} if interviews else set())

    @property
    def pack(self) -> SchemingPack:
        return load_pack(self.name)

    @property
    def description(self) -> str:  # type: ignore[override]
        return str(self.pack.raw.get("description", "")).strip()

    @property
    def factors(self) -> dict[str, list[str]]:
        return {n: f.levels for n, f in self.pack.grid.factors.items()}

    @property
    def defaults(self) -> dict[str, str]:
        return {n: (f.default or f.levels[0]) for n, f in self.pack.grid.factors.items()}

    @property
    def presets(self) -> list[str]:
        return self.pack.grid.preset_names()

    @property
    def hash(self) -> str:
        return self.pack.hash

    def conditions(self, preset=None, factor_levels=None):
        return [(c.id, c.factors) for c in self.pack.conditions(preset or self.default_preset, factor_levels)]

    def render(self, condition_id, seed=None):
        c = self.pack.condition(condition_id)
        return {"system": self.pack.key("system", c.factors), "user": self.pack.key("user", c.factors), "facts": {}}

    def samples(self, options: TaskOptions):
        pack = self.pack
        if options.conditions:
            selected = [pack.condition(c) for c in options.conditions]
        else:
            selected = pack.conditions(options.preset or self.default_preset, options.factors or None)
        max_turns = options.max_turns or DEFAULT_MAX_TURNS
        dataset = []
        for condition in selected:
            system, user = pack.key("system", condition.factors), pack.key("user", condition.factors)
            for repeat in range(int(options.samples or DEFAULT_SAMPLES)):
                metadata: dict[str, Any] = {
                    "family": self.name, "behavior": self.name, "condition": condition.id, **condition.factors,
                    "identity_seed": None, "pack": self.name, "pack_hash": pack.hash, "facts": {},
                    "interaction": "tool_loop", "max_turns": max_turns, "repeat": repeat,
                    "sample_index": len(dataset), "factor_names": list(condition.factors),
                }
                dataset.append(chat_sample(f"{condition.id}#{repeat}", system, user, metadata))
        return dataset

    def solver(self, options: TaskOptions):
        from insider.families._scheming.solver import scheming_solver

        return scheming_solver(max_turns=options.max_turns or DEFAULT_MAX_TURNS, tools=options.tools,
                               seed=options.seed, judge=bool(options.judge))

    def task_metadata(self, options: TaskOptions) -> dict[str, Any]:
        return {"insider_packs": [f"{self.name}:{self.hash}"]}


class SchemingGroup(GroupFamily):
    """The scheming families over one grid; it takes `judge` when a member interviews."""

    @property
    def options(self) -> frozenset[str]:  # type: ignore[override]
        members = self.member_families()
        shared = frozenset.intersection(*[m.options for m in members])
        return shared | ({"judge"} if any("judge" in m.options for m in members) else frozenset())
