"""One Inspect task builder for every family, and the task functions `inspect eval` finds.

`build_task(family, options)` asks the family for its samples and solver; everything else
(scorer, epochs, generation config, scheduling, run metadata) is the same for all. With
`warm_cache` (default: on for anthropic/ models) one sample per prompt goes first and the
others wait for it (`insider.scheduling`); `sample_index` keeps the contiguous order.
"""

from __future__ import annotations

from typing import Any

from inspect_ai import Epochs, Task
from inspect_ai.model import GenerateConfig

from insider.family import Family
from insider.inspect_adapter import active_model_name
from insider.judge.scorer import insider_scorer
from insider.options import TaskOptions
from insider.scheduling import resolve_warm_cache, warm_order, warm_prefix

# Room for a reasoning model to think and still act: a reply cut off before its action
# would read as doing nothing (the scorer marks such samples invalid, never benign).
DEFAULT_MAX_TOKENS = 8192
# The embedded model decodes ~12 tokens/s on 2 cores: cap replies so a run stays minutes.
EMBEDDED_MAX_TOKENS = 700
# Verdicts are strings; Inspect's default epoch reducer (mean) would try to turn them into
# numbers and warn on every sample. Repeats are separate samples, so one epoch, mode.
ONE_EPOCH = Epochs(1, "mode")


def build_task(family: Family, options: TaskOptions, name: str | None = None,
               samples: list[Any] | None = None) -> Task:
    """The Inspect task of one family under `options` (refused in one line if it does not
    take one of them). The dataset is built now, so bad conditions fail before any call.

    `samples`: a part of the family's samples (`family_samples`) to run instead of all.
    """
    options = resolved_options(family, options)
    dataset = family.samples(options) if samples is None else list(samples)
    solver = family.solver(options)
    if family.supports("warm_cache"):
        warm = resolve_warm_cache(options.warm_cache)
        if warm or options.cache:  # one sample per prompt first: see insider.scheduling
            dataset = warm_order(dataset) if warm else dataset
            solver = warm_prefix(solver, warm_cache=warm, cache=options.cache)
    return Task(
        epochs=ONE_EPOCH,
        dataset=dataset,
        solver=solver,
        scorer=insider_scorer(policy=options.policy) if options.policy else insider_scorer(),
        config=GenerateConfig(temperature=options.temperature,
                              max_tokens=options.max_tokens or default_max_tokens(active_model_name())),
        name=name or family.name,
        metadata={
            "insider_family": family.name,
            "insider_seed": options.seed,
            "insider_preset": options.preset,
            "insider_vary_identities": options.vary_identities,
            "insider_prompts": options.prompts,
            **family.task_metadata(options),
        },
    )


def resolved_options(family: Family, options: TaskOptions) -> TaskOptions:
    """`options` checked against `family`, with the family's default preset filled in."""
    options.check_for(family)
    preset = options.preset or family.default_preset
    if preset != options.preset:
        from dataclasses import replace

        options = replace(options, preset=preset)
    return options


# The last grid built for a run in parts: each part slices the same grid (`part_samples`).
_GRID: dict[str, list[Any]] = {}


def family_samples(family: Family, options: TaskOptions) -> list[Any]:
    """Every sample of a run, in grid order (what `build_task` runs when given no part)."""
    return family.samples(resolved_options(family, options))


def part_samples(family: Family, options: TaskOptions, start: int, stop: int | None) -> list[Any]:
    """Samples [start, stop) of the run's grid. The grid is built once and kept for the
    run's other parts (one grid at a time; `forget_grid` lets it go)."""
    options = resolved_options(family, options)
    key = f"{family.name}|{id(family)}|{options!r}"
    if key not in _GRID:
        _GRID.clear()
        _GRID[key] = family.samples(options)
    return _GRID[key][start:stop]


def forget_grid() -> None:
    """Drop the grid `part_samples` keeps (the run is over)."""
    _GRID.clear()


def default_max_tokens(model: str | None) -> int:
    """The reply cap when none is given: `EMBEDDED_MAX_TOKENS` on embedded/ models, else
    `DEFAULT_MAX_TOKENS`.

    Args:
        model: the model under test (None when not known yet).
    """
    return EMBEDDED_MAX_TOKENS if str(model or "").startswith("embedded/") else DEFAULT_MAX_TOKENS


def registered_task(family: Family, options: TaskOptions, part: tuple[int, int] | None = None) -> Task:
    """The task of `family`, made through its registered task function so that Inspect
    records the arguments (`eval_retry` and resume rebuild the same samples from them).

    Args:
        family: a registered family, or a user's pack folder (`PackFamily`).
        options: the run's task options.
        part: (start, stop) of the family's samples to run; None runs them all.
    """
    from insider._registry import TASKS

    args = options.to_task_args()
    folder = getattr(family, "user_folder", None)
    if folder is not None:
        task_fn, args["pack"] = TASKS["scenario_pack"], str(folder)
    else:
        task_fn = TASKS[family.name]
    if part is not None:
        args["part"] = f"{part[0]}:{part[1]}"
    return task_fn(**args)


def family_task_function(family_name: str):
    """An Inspect task function for one family (Inspect reads its signature for `-T`)."""

    def make(
        preset: str | None = None,
        conditions: str | list[str] | None = None,
        factors: str | dict[str, Any] | None = None,
        samples: int | str | None = None,
        seed: int = 0,
        vary_identities: bool = False,
        policy: str | None = None,
        max_tokens: int | None = None,
        temperature: float = 1.0,
        interaction: str | list[str] | None = None,
        max_turns: int | None = None,
        tools: str = "auto",
        requests: str | None = None,
        warm_cache: bool | None = None,
        cache: str | None = None,
        prompts: str = "ours",
        developer: str | None = None,
        system_prompt: str | None = None,
        judge: bool = False,
        pack: str | None = None,
        part: str | None = None,
    ) -> Task:
        from insider.family import get_family

        args = {k: v for k, v in locals().items() if k not in ("pack", "part", "family_name", "get_family")}
        family = get_family(pack or family_name)
        options = TaskOptions.from_task_args(**args)
        if part is None:
            return build_task(family, options)
        start, _, stop = part.partition(":")
        return build_task(family, options, samples=part_samples(family, options, int(start), int(stop)))

    make.__name__ = family_name
    make.__doc__ = f"The {family_name} family of insider (`insider scenarios show {family_name}`)."
    return make
