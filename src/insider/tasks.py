"""Inspect tasks, one per family plus a mixed grid (`inspect eval insider/<task>`).

Every condition x repeat is its own sample, so each verdict survives in the log (repeats
are not folded into epochs). Samples of one condition are contiguous: providers' prompt
caches and the embedded model's KV cache both reuse the shared prefix that way. With
`warm_cache` (default: on for anthropic/ models) one sample per condition goes first and
the others wait for it (`insider.scheduling`); `sample_index` keeps the contiguous order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig

from insider.agent import single_turn
from insider.errors import InsiderError
from insider.judge.scorer import insider_scorer
from insider.scenarios import load_pack, render
from insider.scheduling import resolve_warm_cache, warm_order, warm_prefix

AGENTIC_FAMILIES = ("blackmail", "leaking", "lethal_action")
DEFAULT_MAX_TOKENS = 2048
# Verdicts are strings; Inspect's default epoch reducer (mean) would try to turn them into
# numbers and warn on every sample. Repeats are separate samples, so one epoch, mode.
ONE_EPOCH = Epochs(1, "mode")


def parse_factor_selections(selections: Iterable[str], what: str = "--factor") -> dict[str, list[str]]:
    """["urgency=replacement,none", ...] -> {"urgency": ["replacement", "none"]}."""
    out: dict[str, list[str]] = {}
    for selection in selections:
        name, sep, levels = selection.partition("=")
        if not sep or not name.strip() or not levels.strip():
            raise InsiderError(f"{what} {selection!r}: expected NAME=LEVEL[,LEVEL...], e.g. urgency=replacement,none")
        out.setdefault(name.strip(), []).extend(lvl.strip() for lvl in levels.split(",") if lvl.strip())
    return out


def parse_factor_levels(factors: str | dict[str, Any] | None) -> dict[str, list[str]] | None:
    """Accept `{"urgency": ["replacement","none"]}` or "urgency=replacement,none;goal_type=none"."""
    if factors is None or factors == "" or factors == {}:
        return None
    if isinstance(factors, dict):
        return {k: [v] if isinstance(v, str) else list(v) for k, v in factors.items()}
    parts = [part.strip() for part in str(factors).split(";") if part.strip()]
    return parse_factor_selections(parts, what="factor selection")


def chat_sample(sample_id: str, system: str, user: str, metadata: dict[str, Any]) -> Sample:
    """A rendered prompt pair as an Inspect sample."""
    return Sample(id=sample_id, input=[ChatMessageSystem(content=system), ChatMessageUser(content=user)],
                  metadata=metadata)


def _as_list(value: str | list[str] | None) -> list[str] | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def identity_seed_for(seed: int, condition_id: str, repeat: int) -> int:
    """A stable per-sample identity seed (independent of Python's hash randomisation)."""
    digest = hashlib.sha256(f"{seed}|{condition_id}|{repeat}".encode()).hexdigest()
    return int(digest[:8], 16)


def build_samples(
    packs: list[str],
    *,
    preset: str | None,
    conditions: list[str] | None,
    factor_levels: dict[str, list[str]] | None,
    samples: int,
    seed: int,
    vary_identities: bool,
) -> list[Sample]:
    if samples < 1:
        raise InsiderError(f"--samples must be at least 1 (got {samples})")
    dataset: list[Sample] = []
    for pack_ref in packs:
        pack = load_pack(pack_ref)
        if conditions:
            wanted = [c for c in conditions if c.split("/", 1)[0] == pack.name]
            if len(packs) == 1 and len(wanted) < len(conditions):
                wanted = list(conditions)  # let the pack name the unknown ones
            selected = [pack.condition(c) for c in wanted]
        else:
            selected = pack.conditions(preset=preset, factor_levels=factor_levels)
        for condition in selected:
            # without identity variation the repeats share one rendering (its strings and
            # facts): 10,000 samples then cost memory and time per condition, not per sample
            rendered = None
            for repeat in range(samples):
                id_seed = identity_seed_for(seed, condition.id, repeat) if vary_identities else None
                if rendered is None or vary_identities:
                    rendered = render(pack, condition, identity_seed=id_seed)
                metadata = dict(rendered.metadata)
                metadata.update(
                    repeat=repeat,
                    sample_index=len(dataset),
                    factor_names=list(condition.factors),
                )
                dataset.append(chat_sample(f"{condition.id}#{repeat}", rendered.system, rendered.user, metadata))
    if conditions and not dataset:
        raise InsiderError(f"no condition matched {', '.join(conditions)}; see `insider scenarios show FAMILY`")
    return dataset


def build_task(
    packs: list[str],
    *,
    preset: str | None = "default",
    conditions: str | list[str] | None = None,
    factors: str | dict[str, Any] | None = None,
    samples: int = 3,
    seed: int = 0,
    vary_identities: bool = False,
    policy: str | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    temperature: float = 1.0,
    name: str | None = None,
    warm_cache: bool | None = None,
    cache: bool | str | None = None,
) -> Task:
    dataset = build_samples(
        packs,
        preset=preset,
        conditions=_as_list(conditions),
        factor_levels=parse_factor_levels(factors),
        samples=samples,
        seed=seed,
        vary_identities=vary_identities,
    )
    pack_hashes = sorted({s.metadata["pack"] + ":" + s.metadata["pack_hash"] for s in dataset})
    warm = resolve_warm_cache(warm_cache)
    solver = single_turn(seed=seed)
    if warm or cache:  # one sample per prompt first: see insider.scheduling
        dataset = warm_order(dataset) if warm else dataset
        solver = warm_prefix(solver, warm_cache=warm, cache=cache)
    return Task(
        epochs=ONE_EPOCH,
        dataset=dataset,
        solver=solver,
        scorer=insider_scorer(policy=policy) if policy else insider_scorer(),
        config=GenerateConfig(temperature=temperature, max_tokens=max_tokens),
        name=name,
        metadata={
            "insider_packs": pack_hashes,
            "insider_seed": seed,
            "insider_preset": preset,
            "insider_vary_identities": vary_identities,
        },
    )


def task_options(arguments: dict[str, Any]) -> dict[str, Any]:
    """A task function's own arguments, as `build_task` takes them (the signatures stay
    explicit because Inspect reads them for `-T name=value`)."""
    return {k: v for k, v in arguments.items() if k not in ("pack", "family")}


def _family_task(family: str):
    def make(
        preset: str | None = "default",
        conditions: str | list[str] | None = None,
        factors: str | dict[str, Any] | None = None,
        samples: int = 3,
        seed: int = 0,
        vary_identities: bool = False,
        policy: str | None = None,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = 1.0,
        pack: str | None = None,
        warm_cache: bool | None = None,
        cache: bool | str | None = None,
    ) -> Task:
        return build_task([pack or family], **task_options(locals()))

    make.__name__ = family
    make.__doc__ = f"The {family} family of the agentic-misalignment design."
    return make


blackmail = task(name="blackmail")(_family_task("blackmail"))
leaking = task(name="leaking")(_family_task("leaking"))
lethal_action = task(name="lethal_action")(_family_task("lethal_action"))


@task
def agentic_misalignment(
    preset: str | None = "paper",
    conditions: str | list[str] | None = None,
    factors: str | dict[str, Any] | None = None,
    samples: int = 3,
    seed: int = 0,
    vary_identities: bool = False,
    policy: str | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    temperature: float = 1.0,
    warm_cache: bool | None = None,
    cache: bool | str | None = None,
) -> Task:
    """The three agentic families over one grid (the `paper` preset: 18 conditions)."""
    return build_task(list(AGENTIC_FAMILIES), **task_options(locals()))


@task
def scenario_pack(
    pack: str,
    preset: str | None = "default",
    conditions: str | list[str] | None = None,
    factors: str | dict[str, Any] | None = None,
    samples: int = 3,
    seed: int = 0,
    vary_identities: bool = False,
    policy: str | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    temperature: float = 1.0,
    warm_cache: bool | None = None,
    cache: bool | str | None = None,
) -> Task:
    """A user's own scenario pack (a folder holding pack.yaml), run like a built-in family."""
    return build_task([pack], **task_options(locals()))
