"""Run an experiment: resolve the task and models, hand them to Inspect's eval set, resume.

Kept apart from the CLI so scripts and tests can call `run_experiment` directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insider.errors import InsiderError

DEFAULT_MODEL = "embedded/qwen2.5-coder-1.5b"
# The embedded model decodes ~12 tokens/s on 2 cores: cap replies so a run stays minutes.
EMBEDDED_MAX_TOKENS = 700


@dataclass
class RunOptions:
    family: str = "blackmail"
    pack: str | None = None
    model: str = DEFAULT_MODEL
    samples: int = 3
    preset: str | None = "default"
    conditions: list[str] = field(default_factory=list)
    factors: dict[str, list[str]] = field(default_factory=dict)
    out: str | None = None
    seed: int = 0
    vary_identities: bool = False
    judge: str | None = None
    policy: str | None = None
    max_tokens: int | None = None
    temperature: float = 1.0
    max_connections: int | None = None
    display: str | None = None
    retry_errors: bool = False
    interaction: str | None = None  # tool_loop: the email families as multi-turn agents
    warm_cache: bool | None = None  # None: on for anthropic/ models (insider.scheduling)
    cache: str | None = None  # Inspect's response cache for re-runs: "1W", "1D", ...
    # the provider's batch API (half price, slower): True, a batch size, or an Inspect
    # BatchConfig (tests pass short send_delay/tick)
    batch: Any = None
    extra_task_args: dict[str, Any] = field(default_factory=dict)


def default_out_dir(family: str, model: str) -> str:
    """Same command, same directory: re-running it resumes instead of starting over."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_")
    return str(Path("insider-runs") / f"{family}--{slug}")


def check_model(model: str, role: str = "model") -> None:
    """Fail early, in one line, on a model Inspect cannot build (unknown provider, no SDK, no key)."""
    from inspect_ai._util.error import PrerequisiteError
    from inspect_ai.model import get_model

    import insider._registry  # noqa: F401  (embedded/ and replay/ providers)

    if "/" not in model:
        raise InsiderError(
            f"{role} {model!r} is not a model string: use PROVIDER/NAME, e.g. anthropic/claude-sonnet-4-5, "
            f"openai/gpt-4.1, ollama/llama3.1, or {DEFAULT_MODEL}"
        )
    try:
        get_model(model, memoize=False)
    except InsiderError:
        raise
    except PrerequisiteError as e:
        raise InsiderError(f"{role} {model}: {_one_line(str(e.message))}") from None
    except Exception as e:  # Inspect raises plain exceptions for unknown providers and missing keys
        raise InsiderError(f"{role} {model}: {_one_line(str(e))}") from None


def _one_line(text: str) -> str:
    text = re.sub(r"\[/?[a-z ]+\]", "", text)  # rich markup in Inspect's messages
    return " ".join(text.split())


# Options every family has a neutral value for: dropped quietly where a family lacks them.
_NEUTRAL = {"vary_identities": False, "preset": "default", "seed": 0}


def _accepted_args(task_fn: Any, task_args: dict[str, Any], family: str) -> dict[str, Any]:
    import inspect as pyinspect

    accepted = set(pyinspect.signature(task_fn).parameters)
    out = {}
    for key, value in task_args.items():
        if key in accepted:
            out[key] = value
        elif _NEUTRAL.get(key, object()) != value:
            option = "--" + key.replace("_", "-")
            raise InsiderError(f"{option} does not apply to the {family} family")
    return out


# Inspect's providers with a batch API (0.3.285); elsewhere it ignores `batch` silently.
BATCH_PROVIDERS = ("anthropic", "openai", "google", "grok", "together")


def check_batch(opts: RunOptions) -> None:
    """Refuse --batch where it would quietly run unbatched, at full price."""
    provider = opts.model.split("/", 1)[0]
    if opts.batch and provider not in BATCH_PROVIDERS:
        raise InsiderError(
            f"--batch: {provider}/ models have no batch API in Inspect; use "
            + ", ".join(p + "/" for p in BATCH_PROVIDERS)
        )


def _add_scheduling(task_fn: Any, task_args: dict[str, Any], opts: RunOptions) -> None:
    """Cache warm-up and response cache, for the tasks that take them (others run as before)."""
    import inspect as pyinspect

    from insider.scheduling import caches_prompts

    accepted = set(pyinspect.signature(task_fn).parameters)
    if "warm_cache" in accepted:
        # a batch answers in minutes to hours, past the cache's 5 minutes: no warm-up round
        default = caches_prompts(opts.model) and not opts.batch
        task_args["warm_cache"] = default if opts.warm_cache is None else opts.warm_cache
    if opts.cache and "cache" in accepted:
        task_args["cache"] = opts.cache
    elif opts.cache:
        raise InsiderError(f"--cache does not apply to this family's task ({task_fn.__name__})")


def run_experiment(opts: RunOptions):
    """Run (or resume) the experiment; returns (success, logs, out_dir)."""
    from inspect_ai import eval_set

    if opts.retry_errors:  # only the failed samples of the finished run in --out
        from insider.retry import retry_errors

        out = opts.out or default_out_dir(Path(opts.pack).name if opts.pack else opts.family, opts.model)
        return retry_errors(out, display=opts.display, max_connections=opts.max_connections, batch=opts.batch)
    from insider._registry import FAMILY_TASKS as registry
    if opts.pack:
        from insider.tasks import scenario_pack

        task_fn, family = scenario_pack, opts.family
        task_args: dict[str, Any] = {"pack": str(Path(opts.pack).resolve())}
        if not Path(opts.pack).exists():
            raise InsiderError(f"--pack {opts.pack}: no such folder")
    else:
        if opts.family not in registry:
            raise InsiderError(f"unknown family {opts.family!r}: choose one of {', '.join(registry)}")
        task_fn, family = registry[opts.family], opts.family
        task_args = {}
        if opts.interaction and opts.interaction != "single_turn":
            if opts.family not in ("blackmail", "leaking", "lethal_action", "agentic_misalignment"):
                raise InsiderError(f"--interaction applies to the email families, not {opts.family}")
            from insider.tasks import AGENTIC_FAMILIES
            from insider.tasks_agentic import agentic_tool_loop

            task_fn = agentic_tool_loop
            fams = list(AGENTIC_FAMILIES) if opts.family == "agentic_misalignment" else [opts.family]
            task_args = {"families": fams, "interaction": opts.interaction}

    check_batch(opts)
    check_model(opts.model)
    if opts.judge and opts.judge != "none":
        check_model(opts.judge, role="judge")

    max_tokens = opts.max_tokens
    if max_tokens is None:
        max_tokens = EMBEDDED_MAX_TOKENS if opts.model.startswith("embedded/") else 2048
    task_args.update(
        preset=opts.preset,
        samples=opts.samples,
        seed=opts.seed,
        vary_identities=opts.vary_identities,
        max_tokens=max_tokens,
        temperature=opts.temperature,
    )
    if opts.conditions:
        task_args["conditions"] = list(opts.conditions)
    if opts.factors:
        task_args["factors"] = dict(opts.factors)
    if opts.policy:
        task_args["policy"] = opts.policy
    task_args.update(opts.extra_task_args)
    task_args = _accepted_args(task_fn, task_args, family)
    _add_scheduling(task_fn, task_args, opts)
    task = task_fn(**task_args)  # builds the dataset now: bad conditions fail before any call
    out = opts.out or default_out_dir(family if not opts.pack else Path(opts.pack).name, opts.model)
    model_roles = {"grader": opts.judge} if opts.judge and opts.judge != "none" else None
    kwargs: dict[str, Any] = {}
    if opts.max_connections:
        kwargs["max_connections"] = opts.max_connections
    if opts.batch:
        kwargs["batch"] = opts.batch
    success, logs = eval_set(
        tasks=[task],
        log_dir=out,
        model=opts.model,
        model_roles=model_roles,
        display=opts.display,
        # A failed sample is recorded as an error (never benign) instead of failing the run.
        fail_on_error=False,
        retry_on_error=1,
        retry_attempts=2,
        retry_wait=1,
        log_dir_allow_dirty=True,
        **kwargs,
    )
    if success:  # attempts killed before this one are superseded: remove them
        from insider.retry import prune_crashed_attempts

        prune_crashed_attempts(out)
    return success, logs, out
