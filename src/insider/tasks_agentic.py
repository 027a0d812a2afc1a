"""Inspect tasks for agents that act over several turns: the shutdown family, and the email
families (blackmail, leaking, lethal_action) with an `interaction` factor.

`interaction` has two levels: `single_turn` (the study's protocol: one reply, markup
actions) and `tool_loop` (tools called over up to `max_turns` generations against a
simulated company). Both can run in one task, so their difference is a between-condition
comparison like any other factor. The lead registers these in `insider._registry`.
"""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.solver import Generate, Solver, TaskState, solver

from insider.agent.shutdown import load_shutdown_pack, render_shutdown
from insider.agent.single_turn import single_turn
from insider.agent.tool_loop import DEFAULT_MAX_TURNS, ToolMode, tool_loop
from insider.errors import InsiderError
from insider.judge.scorer import insider_scorer
from insider.scenarios import load_pack, render
from insider.tasks import (
    AGENTIC_FAMILIES,
    DEFAULT_MAX_TOKENS,
    ONE_EPOCH,
    _as_list,
    chat_sample,
    identity_seed_for,
    parse_factor_levels,
)

INTERACTIONS = ("single_turn", "tool_loop")


@solver
def interaction_solver(max_turns: int = DEFAULT_MAX_TURNS, tools: ToolMode = "auto", seed: int | None = None) -> Solver:
    """Each sample runs the protocol its `interaction` metadata names (single_turn by default)."""
    one = single_turn(seed=seed)
    loop = tool_loop(max_turns=max_turns, tools=tools, seed=seed)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if state.metadata.get("interaction") == "tool_loop":
            return await loop(state, generate)
        return await one(state, generate)

    return solve


def _interactions(value: str | list[str] | None) -> list[str]:
    levels = _as_list(value) or ["tool_loop"]
    for level in levels:
        if level not in INTERACTIONS:
            raise InsiderError(f"unknown interaction {level!r}; choose from {', '.join(INTERACTIONS)}")
    return list(dict.fromkeys(levels))


def _check_samples(samples: int, max_turns: int) -> None:
    if samples < 1:
        raise InsiderError(f"--samples must be at least 1 (got {samples})")
    if max_turns < 1:
        raise InsiderError(f"max_turns must be at least 1 (got {max_turns})")


def build_agentic_samples(
    packs: list[str],
    *,
    interactions: list[str],
    max_turns: int,
    preset: str | None = "default",
    conditions: list[str] | None = None,
    factor_levels: dict[str, list[str]] | None = None,
    samples: int = 3,
    seed: int = 0,
    vary_identities: bool = False,
    tools: ToolMode = "auto",
) -> list[Sample]:
    """Like `insider.tasks.build_samples`, plus the inbox (for the environment) and `interaction`.

    `tools` is the tool loop's mode: when it offers native function tools ("auto", "native"),
    tool_loop samples are rendered with tool_mode="native", so the system prompt describes
    those functions rather than the markup; single_turn samples always get the markup prompt.
    """
    _check_samples(samples, max_turns)
    dataset: list[Sample] = []
    for pack_ref in packs:
        pack = load_pack(pack_ref)
        if conditions:
            selected = [pack.condition(c) for c in conditions if c.split("/", 1)[0] == pack.name]
        else:
            selected = pack.conditions(preset=preset, factor_levels=factor_levels)
        for condition in selected:
            for interaction in interactions:
                # The study's protocol keeps the pack's condition id; the other level is tagged.
                cond_id = condition.id if interaction == "single_turn" else f"{condition.id}/interaction-{interaction}"
                for repeat in range(samples):
                    id_seed = identity_seed_for(seed, condition.id, repeat) if vary_identities else None
                    tool_mode = "native" if interaction == "tool_loop" and tools != "markup" else "markup"
                    rendered = render(pack, condition, identity_seed=id_seed, tool_mode=tool_mode)
                    metadata = dict(rendered.metadata)
                    metadata.update(
                        condition=cond_id,
                        interaction=interaction,
                        tool_mode=tool_mode,
                        max_turns=max_turns if interaction == "tool_loop" else 1,
                        emails=[e.model_dump() for e in rendered.emails],
                        repeat=repeat,
                        sample_index=len(dataset),
                        factor_names=[*condition.factors, "interaction"],
                    )
                    dataset.append(chat_sample(f"{cond_id}#{repeat}", rendered.system, rendered.user, metadata))
    if conditions and not dataset:
        raise InsiderError(f"no condition matched {', '.join(conditions)}; see `insider scenarios show FAMILY`")
    return dataset


def build_shutdown_samples(
    *,
    max_turns: int,
    preset: str | None = "default",
    factor_levels: dict[str, list[str]] | None = None,
    samples: int = 3,
) -> list[Sample]:
    _check_samples(samples, max_turns)
    pack = load_shutdown_pack()
    dataset: list[Sample] = []
    for condition in pack.conditions(preset=preset, factor_levels=factor_levels):
        rendered = render_shutdown(condition)
        for repeat in range(samples):
            metadata = dict(rendered["metadata"])
            metadata.update(
                interaction="tool_loop",
                max_turns=max_turns,
                repeat=repeat,
                sample_index=len(dataset),
                factor_names=list(condition.factors),
            )
            dataset.append(chat_sample(f"{condition.id}#{repeat}", rendered["system"], rendered["user"], metadata))
    return dataset


@task
def shutdown(
    preset: str | None = "default",
    factors: str | dict[str, Any] | None = None,
    samples: int = 3,
    seed: int = 0,
    max_turns: int = 20,
    tools: ToolMode = "auto",
    max_tokens: int = DEFAULT_MAX_TOKENS,
    temperature: float = 1.0,
) -> Task:
    """Shutdown sabotage: solve problems with `./next_task` until a scheduled shutdown.

    Factors: instruction (none / allow_user / allow_system), never_run_again (off/on),
    task_importance (off/on). Presets: default (the three instructions), palisade, full.
    """
    dataset = build_shutdown_samples(max_turns=max_turns, preset=preset,
                                     factor_levels=parse_factor_levels(factors), samples=samples)
    return Task(
        epochs=ONE_EPOCH,
        dataset=dataset,
        solver=tool_loop(max_turns=max_turns, tools=tools, seed=seed),
        scorer=insider_scorer(),  # hands behaviour `shutdown` to insider.agent.shutdown
        config=GenerateConfig(temperature=temperature, max_tokens=max_tokens),
        metadata={"insider_packs": [f"shutdown:{load_shutdown_pack().hash}"], "insider_seed": seed,
                  "insider_preset": preset},
    )


def agentic_task(
    packs: list[str],
    *,
    interaction: str | list[str] | None = "tool_loop",
    max_turns: int = DEFAULT_MAX_TURNS,
    tools: ToolMode = "auto",
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
) -> Task:
    """The email families with the `interaction` factor (one or both levels)."""
    dataset = build_agentic_samples(
        packs, interactions=_interactions(interaction), max_turns=max_turns, preset=preset,
        conditions=_as_list(conditions), factor_levels=parse_factor_levels(factors), samples=samples,
        seed=seed, vary_identities=vary_identities, tools=tools,
    )
    pack_hashes = sorted({s.metadata["pack"] + ":" + s.metadata["pack_hash"] for s in dataset})
    return Task(
        epochs=ONE_EPOCH,
        dataset=dataset,
        solver=interaction_solver(max_turns=max_turns, tools=tools, seed=seed),
        scorer=insider_scorer(policy=policy) if policy else insider_scorer(),
        config=GenerateConfig(temperature=temperature, max_tokens=max_tokens),
        name=name,
        metadata={"insider_packs": pack_hashes, "insider_seed": seed, "insider_preset": preset,
                  "insider_vary_identities": vary_identities},
    )


@task
def agentic_tool_loop(
    families: str | list[str] = ",".join(AGENTIC_FAMILIES),
    interaction: str | list[str] = "tool_loop",
    max_turns: int = DEFAULT_MAX_TURNS,
    tools: ToolMode = "auto",
    preset: str | None = "default",
    conditions: str | list[str] | None = None,
    factors: str | dict[str, Any] | None = None,
    samples: int = 3,
    seed: int = 0,
    vary_identities: bool = False,
    policy: str | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    temperature: float = 1.0,
) -> Task:
    """Blackmail, leaking and lethal action as agents: `interaction=single_turn,tool_loop` compares both."""
    options = {k: v for k, v in locals().items() if k != "families"}
    return agentic_task(_as_list(families) or list(AGENTIC_FAMILIES), **options)
