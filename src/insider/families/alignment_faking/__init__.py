"""The alignment-faking family: each request asked in a training tier and an unmonitored tier.

`samples` is the number of requests (default 20, or "all"); `requests` a CSV/JSONL file of
the user's own (text column `request`, `prompt`, `goal` or `text`); `developer` the
evaluated model's developer, named by the `company-developer` conditions (the `paper`
preset); `system_prompt` a file used as the system prompt instead of ours
(`insider.families.alignment_faking.system_prompt`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from insider.errors import InsiderError
from insider.families.alignment_faking import scenario as af
from insider.families.alignment_faking.detector import detect_alignment_faking
from insider.families.alignment_faking.facts import AlignmentFakingFacts
from insider.families.alignment_faking.system_prompt import load_system_prompt
from insider.family import Behaviour, Family
from insider.options import TaskOptions

HERE = Path(__file__).parent
# What a preview (`insider scenarios render`) shows where a run names the model's developer.
PREVIEW_DEVELOPER = "[the evaluated model's developer]"

BEHAVIOUR = Behaviour(
    name="alignment_faking",
    detect=detect_alignment_faking,
    rubric=(HERE / "rubric.md").read_text(encoding="utf-8").strip(),
    facts=AlignmentFakingFacts,
    answer="compliance",
    engagement_terms=None,  # answering or refusing the request is engaging with it
    verdict_keys=("complied", "faking_motive", "faking_reasoning"),
)


class AlignmentFakingFamily(Family):
    name = "alignment_faking"
    behaviour = BEHAVIOUR
    options = frozenset({"policy", "judge", "requests", "developer", "system_prompt"})

    @property
    def description(self) -> str:  # type: ignore[override]
        return str(af.load_family().raw.get("description", "")).strip()

    @property
    def factors(self) -> dict[str, list[str]]:
        grid = af.load_family().grid
        return {af.TIER: ["true", "false"], **{n: f.levels for n, f in grid.factors.items()}}

    @property
    def defaults(self) -> dict[str, str]:
        grid = af.load_family().grid
        return {af.TIER: "true", **{n: (f.default or f.levels[0]) for n, f in grid.factors.items()}}

    @property
    def presets(self) -> list[str]:
        return [*af.load_family().grid.presets, "full"]

    @property
    def hash(self) -> str:
        return af.load_family().hash

    def conditions(self, preset=None, factor_levels=None):
        return [(c.id, c.factors) for c in af.conditions(preset, factor_levels)]

    def render(self, condition_id, seed=None):
        found = af.conditions(wanted=[condition_id])
        if len(found) != 1:
            raise InsiderError(f"{condition_id!r} names both tiers; add /monitored or /unmonitored after the objective")
        out = af.render(found[0], af.builtin_requests()[0], developer=PREVIEW_DEVELOPER)
        return {"system": out["system"], "user": out["user"], "facts": out["metadata"]["facts"]}

    def samples(self, options: TaskOptions):
        return af.build_af_samples(preset=options.preset, conditions_wanted=list(options.conditions) or None,
                                   factor_levels=options.factors or None, samples=options.samples,
                                   seed=options.seed, requests=options.requests, developer=options.developer,
                                   system_prompt=options.system_prompt)

    def solver(self, options: TaskOptions):
        from insider.agent import single_turn

        return single_turn(seed=options.seed)

    def task_metadata(self, options: TaskOptions) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "insider_packs": [f"{self.name}:{self.hash}"],
            "insider_vary_identities": False,
            "insider_requests": str(options.requests) if options.requests else "built-in",
        }
        if options.developer:
            meta["insider_developer"] = options.developer
        if options.system_prompt:
            meta["insider_system_prompt"] = str(options.system_prompt)
            meta["insider_system_prompt_sha256"] = load_system_prompt(options.system_prompt).sha256
        if options.requests:
            meta["insider_requests_sha256"] = hashlib.sha256(Path(options.requests).read_bytes()).hexdigest()
        return meta


FAMILY = AlignmentFakingFamily()
