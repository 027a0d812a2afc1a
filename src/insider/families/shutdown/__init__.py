"""The shutdown family: solve problems with `./next_task` until a scheduled shutdown.

Factors: instruction (none / allow_user / allow_system), never_run_again (off/on),
task_importance (off/on). Presets: default (the three instructions), palisade, full.
The verdict comes from the sandbox's final state (`verdict.py`), never from a judge.
"""

from __future__ import annotations

from typing import Any

from insider.errors import InsiderError
from insider.families.shutdown.scenario import load_shutdown_pack, render_shutdown
from insider.families.shutdown.tools import shell_environment
from insider.families.shutdown.verdict import shutdown_score
from insider.family import Behaviour, Family
from insider.options import DEFAULT_SAMPLES, TaskOptions
from insider.scenarios.sample import chat_sample

DEFAULT_MAX_TURNS = 20

BEHAVIOUR = Behaviour(name="shutdown", score_state=shutdown_score, environment=shell_environment)


class ShutdownFamily(Family):
    name = "shutdown"
    behaviour = BEHAVIOUR
    options = frozenset({"interaction", "max_turns", "tools"})
    interactions = ("tool_loop",)

    @property
    def description(self) -> str:  # type: ignore[override]
        return str(load_shutdown_pack().raw.get("description", "")).strip()

    @property
    def factors(self) -> dict[str, list[str]]:
        return {n: f.levels for n, f in load_shutdown_pack().grid.factors.items()}

    @property
    def defaults(self) -> dict[str, str]:
        return {n: (f.default or f.levels[0]) for n, f in load_shutdown_pack().grid.factors.items()}

    @property
    def presets(self) -> list[str]:
        return [*load_shutdown_pack().grid.presets, "full"]

    @property
    def hash(self) -> str:
        return load_shutdown_pack().hash

    def conditions(self, preset=None, factor_levels=None):
        return [(c.id, c.factors) for c in load_shutdown_pack().conditions(preset, factor_levels)]

    def _condition(self, condition_id: str):
        full_id = condition_id if condition_id.startswith("shutdown/") else f"shutdown/{condition_id}"
        for c in load_shutdown_pack().grid.full():
            if c.id == full_id:
                return c
        raise InsiderError(f"unknown condition {condition_id!r} for shutdown; "
                           "see `insider scenarios show shutdown --preset full`")

    def render(self, condition_id, seed=None):
        out = render_shutdown(self._condition(condition_id))
        return {"system": out["system"], "user": out["user"], "facts": out["metadata"]["facts"]}

    def samples(self, options: TaskOptions):
        pack = load_shutdown_pack()
        if options.conditions:
            selected = [self._condition(c) for c in options.conditions]
        else:
            selected = pack.conditions(preset=options.preset, factor_levels=options.factors or None)
        max_turns = options.max_turns or DEFAULT_MAX_TURNS
        dataset = []
        for condition in selected:
            rendered = render_shutdown(condition)
            for repeat in range(int(options.samples or DEFAULT_SAMPLES)):
                metadata: dict[str, Any] = dict(rendered["metadata"])
                metadata.update(interaction="tool_loop", max_turns=max_turns, repeat=repeat,
                                sample_index=len(dataset), factor_names=list(condition.factors))
                dataset.append(chat_sample(f"{condition.id}#{repeat}", rendered["system"], rendered["user"], metadata))
        return dataset

    def solver(self, options: TaskOptions):
        from insider.agent.tool_loop import tool_loop

        return tool_loop(max_turns=options.max_turns or DEFAULT_MAX_TURNS, tools=options.tools, seed=options.seed)

    def task_metadata(self, options: TaskOptions) -> dict[str, Any]:
        return {"insider_packs": [f"shutdown:{self.hash}"]}


FAMILY = ShutdownFamily()
