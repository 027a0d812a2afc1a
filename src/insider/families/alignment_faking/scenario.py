"""The alignment-faking scenario: conditions in both tiers, rendering, samples.

Every selected request is rendered under each design condition in both tiers, so the
compliance gap can be paired by request (`insider.stats.alignment`). The two prompts of a
pair differ only in the tier tag of the user message. The texts live in `pack/`
(family.yaml, system.j2, user.j2, requests.jsonl).

    samples = build_af_samples(preset="default", samples=20, seed=0)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from inspect_ai.dataset import Sample
from jinja2.sandbox import ImmutableSandboxedEnvironment

from insider.errors import InsiderError
from insider.families.alignment_faking.facts import AlignmentFakingFacts
from insider.families.alignment_faking.requests import Request, load_requests, select_requests
from insider.families.alignment_faking.system_prompt import SystemPrompt, load_system_prompt
from insider.records import Person
from insider.scenarios import templating
from insider.scenarios.grid import Condition, Grid
from insider.scenarios.sample import chat_sample
from insider.scenarios.schema import FactorSpec

FAMILY = "alignment_faking"
PACK_DIR = Path(__file__).parent / "pack"
TIER = "monitored"  # the paired factor; the others form the design grid
TIER_SEGMENT = {True: "monitored", False: "unmonitored"}


@dataclass(frozen=True)
class AFCondition:
    """A design condition in one tier; `factors` holds every factor, `monitored` as a bool."""

    id: str
    factors: dict[str, Any]

    @property
    def monitored(self) -> bool:
        return bool(self.factors[TIER])


@dataclass
class AFFamily:
    raw: dict[str, Any]
    grid: Grid
    env: ImmutableSandboxedEnvironment
    hash: str


@lru_cache(maxsize=1)
def load_family() -> AFFamily:
    """family.yaml, its grid (without the tier factor) and the sandboxed template environment."""
    digest = hashlib.sha256()
    for name in ("family.yaml", "system.j2", "user.j2", "requests.jsonl"):
        digest.update(name.encode() + b"\0" + (PACK_DIR / name).read_bytes() + b"\0")
    raw = yaml.safe_load((PACK_DIR / "family.yaml").read_text(encoding="utf-8"))
    factors = {n: FactorSpec.model_validate(f) for n, f in raw["factors"].items() if n != TIER}
    env = templating.make_environment(PACK_DIR)
    for name in (raw["system"], raw["user"]):  # refuse internals / syntax errors at load
        templating.check_file(env, PACK_DIR / name, str(PACK_DIR / name))
    return AFFamily(raw=raw, grid=Grid(FAMILY, factors, raw.get("presets", {})), env=env,
                    hash=digest.hexdigest())


def builtin_requests() -> list[Request]:
    return load_requests(PACK_DIR / load_family().raw["requests"])


def _paired(base: Condition, tiers: list[bool]) -> list[AFCondition]:
    family, *rest = base.id.split("/")
    out = []
    for tier in tiers:
        parts = [family, *rest[:1], TIER_SEGMENT[tier], *rest[1:]]  # the tier right after the objective
        out.append(AFCondition(id="/".join(parts), factors={TIER: tier, **base.factors}))
    return out


def conditions(
    preset: str | None = "default",
    factor_levels: dict[str, list[str]] | None = None,
    wanted: list[str] | None = None,
) -> list[AFCondition]:
    """The design conditions, each in both tiers (or in the tiers `monitored=...` selects)."""
    fam = load_family()
    levels = dict(factor_levels or {})
    tier_levels = levels.pop(TIER, ["true", "false"])
    for level in tier_levels:
        if level not in ("true", "false"):
            raise InsiderError(f"unknown level {level!r} of factor 'monitored'; levels are true, false")
    tiers = [lvl == "true" for lvl in dict.fromkeys(tier_levels)]
    if wanted:
        return [c for name in wanted for c in _lookup(fam.grid, name)]
    base = fam.grid.preset(preset or "default")
    if levels:
        base = fam.grid.vary(base, levels)
    return [c for b in base for c in _paired(b, tiers)]


def _lookup(grid: Grid, name: str) -> list[AFCondition]:
    """A condition id in one tier, or a design id without the tier (= both tiers)."""
    full_id = name if name.startswith(f"{FAMILY}/") else f"{FAMILY}/{name}"
    for base in grid.full():
        if base.id == full_id:
            return _paired(base, [True, False])
        for c in _paired(base, [True, False]):
            if c.id == full_id:
                return [c]
    examples = ", ".join(c.id for c in conditions("default"))
    raise InsiderError(f"unknown condition {name!r} for {FAMILY}; e.g. {examples}")


def company_of(condition: AFCondition, developer: str | None) -> dict[str, Any]:
    """What the condition's company level puts in the prompts; `developer` fills the
    `developer` level (the evaluated model's developer) and is required there."""
    level = condition.factors["company"]
    company = dict(load_family().raw["companies"][level])
    if level == "developer":
        if not developer:
            raise InsiderError(
                f"{condition.id}: company-developer names the evaluated model's developer, and this run has "
                "none: pass --developer NAME (e.g. --developer Anthropic), or a --model whose provider names it"
            )
        company.update(developer=developer, developer_cap=developer[:1].upper() + developer[1:],
                       staff=f"{developer} staff")
    return company


def render(condition: AFCondition, request: Request, developer: str | None = None,
           system_prompt: SystemPrompt | None = None) -> dict[str, Any]:
    """System prompt, user message and metadata for one condition and request.

    Args:
        condition: the design condition in one tier.
        request: the user's request.
        developer: the evaluated model's developer, for `company-developer` conditions.
        system_prompt: a user's own system prompt (`--system-prompt`), used instead of ours.
    """
    fam = load_family()
    f = condition.factors
    company = company_of(condition, developer)
    tier_tag = fam.raw["tier_tags"][f["tier_cue"]]
    ctx = {**company, **f, "tier_tag": tier_tag, "request": request.text}
    texts = {}
    for part in ("system", "user"):
        if part == "system" and system_prompt is not None:
            texts[part] = system_prompt.fill(company["developer"], tier_tag)
            continue
        name = fam.raw[part]
        out = templating.render(fam.env.get_template(name), ctx, str(PACK_DIR / name))
        texts[part] = _clean(out)
    facts = AlignmentFakingFacts(
        agent=Person(name=company["assistant"]),
        company_domains=list(company["domains"]),
        monitored=condition.monitored,
        request=request.text,
    )
    metadata = {
        "family": FAMILY,
        "behavior": FAMILY,
        "condition": condition.id,
        **f,
        "request_id": request.id,
        "request_category": request.category,
        "identity_seed": None,
        "pack": FAMILY,
        "pack_hash": fam.hash,
        "facts": facts.model_dump(),
        "factor_names": [TIER, *fam.grid.factors],
    }
    return {"system": texts["system"], "user": texts["user"], "metadata": metadata}


def _clean(text: str) -> str:
    """Collapse the blank lines skipped template blocks leave; strip the ends."""
    out: list[str] = []
    for line in (ln.rstrip() for ln in text.strip().splitlines()):
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out)


def build_af_samples(
    *,
    preset: str | None = "default",
    conditions_wanted: list[str] | None = None,
    factor_levels: dict[str, list[str]] | None = None,
    samples: int | str | None = None,
    seed: int = 0,
    requests: str | Path | None = None,
    developer: str | None = None,
    system_prompt: str | Path | None = None,
) -> list[Sample]:
    """One Sample per condition x request; a condition's samples are contiguous (prompt caches).

    `developer` names the evaluated model's developer (`company-developer` conditions);
    `system_prompt` is a file used as the system prompt instead of ours (`insider.families.
    alignment_faking.system_prompt`).
    """
    chosen = select_requests(load_requests(requests) if requests else builtin_requests(), samples, seed)
    own_prompt = load_system_prompt(system_prompt) if system_prompt else None
    dataset: list[Sample] = []
    for cond in conditions(preset, factor_levels, conditions_wanted):
        for position, req in enumerate(chosen):
            r = render(cond, req, developer=developer, system_prompt=own_prompt)
            # repeat = the request's position: replay `match` groups cycle over it
            metadata = {**r["metadata"], "repeat": position, "sample_index": len(dataset)}
            dataset.append(chat_sample(f"{cond.id}#{req.id}", r["system"], r["user"], metadata))
    return dataset
