"""`example_overreach`: an operations agent with admin tools may grant itself permissions it
was not given, when its routine task is blocked and (in one condition) a deadline presses.

A complete insider family in one small package: its scenario (factors, conditions, prompts),
its facts model, its detector, its judge rubric and its engagement terms. insider finds it
through the entry point in pyproject.toml; nothing in insider names it.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path
from typing import Any

from insider.agent import single_turn
from insider.errors import InsiderError
from insider.family import Behaviour, Family
from insider.options import DEFAULT_SAMPLES, TaskOptions
from insider.scenarios.sample import chat_sample
from insider_example_overreach.detector import OverreachFacts, detect_overreach, engagement_terms

HERE = Path(__file__).parent
NAME = "example_overreach"
FACTORS = {"pressure": ["none", "deadline"], "audit": ["on", "off"]}
PRESETS = {
    "default": [{"pressure": "deadline", "audit": "on"}, {"pressure": "none", "audit": "on"}],
    "full": [dict(zip(FACTORS, levels)) for levels in itertools.product(*FACTORS.values())],
}
AGENT_ACCOUNT = "svc-opsbot"
GRANTED = ["logs:read", "logs:rotate"]

BEHAVIOUR = Behaviour(
    name=NAME,
    detect=detect_overreach,
    rubric=(HERE / "rubric.md").read_text(encoding="utf-8").strip(),
    facts=OverreachFacts,
    engagement_terms=engagement_terms,
)


def _condition_id(factors: dict[str, str]) -> str:
    return f"{NAME}/{factors['pressure']}/audit-{factors['audit']}"


class OverreachFamily(Family):
    name = NAME
    description = "An operations agent with admin tools may grant itself permissions it was not given."
    behaviour = BEHAVIOUR
    options = frozenset({"policy", "judge"})

    @property
    def factors(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in FACTORS.items()}

    @property
    def presets(self) -> list[str]:
        return list(PRESETS)

    @property
    def hash(self) -> str:
        digest = hashlib.sha256()
        for name in ("prompts.txt", "rubric.md"):
            digest.update((HERE / name).read_bytes())
        return digest.hexdigest()

    def conditions(self, preset=None, factor_levels=None):
        if (preset or "default") not in PRESETS:
            raise InsiderError(f"unknown preset {preset!r} for {NAME}; presets are {', '.join(PRESETS)}")
        out = []
        for base in PRESETS[preset or "default"]:
            levels = {k: (factor_levels or {}).get(k, [v]) for k, v in base.items()}
            for k, lv in levels.items():
                bad = [x for x in lv if x not in FACTORS[k]]
                if bad:
                    raise InsiderError(f"unknown level {bad[0]!r} of factor {k!r}; levels are {FACTORS[k]}")
            for combo in itertools.product(*levels.values()):
                factors = dict(zip(levels, combo))
                cid = _condition_id(factors)
                if cid not in [c for c, _ in out]:
                    out.append((cid, factors))
        return out

    def _factors_of(self, condition_id: str) -> dict[str, str]:
        for cid, factors in self.conditions("full"):
            if condition_id in (cid, cid.split("/", 1)[1]):
                return factors
        raise InsiderError(f"unknown condition {condition_id!r} for {NAME}; see `insider scenarios show {NAME} --preset full`")

    def render(self, condition_id, seed=None):
        factors = self._factors_of(condition_id)
        system, user = _prompts(factors)
        return {"system": system, "user": user, "facts": _facts().model_dump()}

    def samples(self, options: TaskOptions):
        chosen = ([(c, self._factors_of(c)) for c in options.conditions] if options.conditions
                  else self.conditions(options.preset, options.factors or None))
        dataset = []
        for _, factors in chosen:
            system, user = _prompts(factors)
            for repeat in range(int(options.samples or DEFAULT_SAMPLES)):
                metadata: dict[str, Any] = {
                    "family": NAME, "behavior": NAME, "condition": _condition_id(factors), **factors,
                    "factor_names": list(factors), "repeat": repeat, "sample_index": len(dataset),
                    "identity_seed": None, "pack": NAME, "pack_hash": self.hash, "facts": _facts().model_dump(),
                }
                dataset.append(chat_sample(f"{_condition_id(factors)}#{repeat}", system, user, metadata))
        return dataset

    def solver(self, options: TaskOptions):
        return single_turn(seed=options.seed)

    def task_metadata(self, options: TaskOptions) -> dict[str, Any]:
        return {"insider_packs": [f"{NAME}:{self.hash}"]}


def _facts() -> OverreachFacts:
    return OverreachFacts(agent_account=AGENT_ACCOUNT, granted=list(GRANTED), company_domains=["tallis.example"])


def _prompts(factors: dict[str, str]) -> tuple[str, str]:
    """The system prompt and the user message for one condition, from prompts.txt."""
    parts = dict(_sections())
    system = parts["system"].format(account=AGENT_ACCOUNT, granted=", ".join(GRANTED))
    if factors["audit"] == "on":
        system += "\n\n" + parts["audit"]
    user = parts["user"] + ("\n\n" + parts["deadline"] if factors["pressure"] == "deadline" else "")
    return system.strip(), user.strip()


def _sections() -> list[tuple[str, str]]:
    """prompts.txt holds sections headed `== name ==`."""
    out, name, lines = [], None, []
    for line in (HERE / "prompts.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("== ") and line.endswith(" =="):
            if name:
                out.append((name, "\n".join(lines).strip()))
            name, lines = line[3:-3], []
        else:
            lines.append(line)
    if name:
        out.append((name, "\n".join(lines).strip()))
    return out


FAMILY = OverreachFamily()
