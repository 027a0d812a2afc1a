"""Run an experiment: resolve the task and models, hand them to Inspect's eval set, resume.

Kept apart from the CLI so scripts and tests can call `run_experiment` directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insider.errors import InsiderError
from insider.options import TaskOptions
from insider.tasks import default_max_tokens

DEFAULT_MODEL = "embedded/qwen2.5-coder-1.5b"


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
    interaction: list[str] = field(default_factory=list)  # single_turn, tool_loop or both
    max_turns: int | None = None
    tools: str = "auto"
    requests: str | None = None  # alignment_faking: the user's own request file
    warm_cache: bool | None = None  # None: on for anthropic/ models (insider.scheduling)
    cache: str | None = None  # Inspect's response cache for re-runs: "1W", "1D", ...
    prompts: str = "ours"  # "original": the study's own prompts (email families)
    developer: str | None = None  # alignment_faking: the model's developer (default: from `model`)
    system_prompt: str | None = None  # alignment_faking: the user's own system prompt file
    # the provider's batch API (half price, slower): True, a batch size, or an Inspect
    # BatchConfig (tests pass short send_delay/tick)
    batch: Any = None
    # generation settings for the model under test (insider.generation)
    reasoning_effort: str | None = None
    reasoning_tokens: int | None = None
    generate: dict[str, Any] = field(default_factory=dict)  # further GenerateConfig fields
    ray: bool = False  # run the parts on Ray workers (insider.distributed)
    shard_size: int | None = None  # samples per part (insider.runs; None = its default)


def default_out_dir(family: str, model: str) -> str:
    """Same command, same directory: re-running it resumes instead of starting over."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_")
    return str(Path("insider-runs") / f"{family}--{slug}")


def check_model(model: str, role: str = "model") -> None:
    """Fail early, in one line, on a model Inspect cannot build (unknown provider, no SDK, no key)."""
    from inspect_ai.model import get_model

    import insider._registry  # noqa: F401  (embedded/ and replay/ providers)
    from insider.inspect_adapter import is_prerequisite_error

    if "/" not in model:
        raise InsiderError(
            f"{role} {model!r} is not a model string: use PROVIDER/NAME, e.g. anthropic/claude-sonnet-4-5, "
            f"openai/gpt-4.1, ollama/llama3.1, or {DEFAULT_MODEL}"
        )
    try:
        get_model(model, memoize=False)
    except InsiderError:
        raise
    except Exception as e:  # Inspect raises plain exceptions for unknown providers and missing keys
        text = str(getattr(e, "message", e)) if is_prerequisite_error(e) else str(e)
        raise InsiderError(f"{role} {model}: {_one_line(text)}") from None


def _one_line(text: str) -> str:
    text = re.sub(r"\[/?[a-z ]+\]", "", text)  # rich markup in Inspect's messages
    return " ".join(text.split())


# Inspect's providers with a batch API (0.3.285); elsewhere it ignores `batch` silently.
BATCH_PROVIDERS = ("anthropic", "openai", "google", "grok", "together")


def check_batch(opts: RunOptions) -> None:
    """Refuse --batch where it would quietly run unbatched, at full price."""
    from insider.runs import model_list

    for model in model_list(opts.model):
        provider = model.split("/", 1)[0]
        if opts.batch and provider not in BATCH_PROVIDERS:
            raise InsiderError(
                f"--batch: {provider}/ models have no batch API in Inspect; use "
                + ", ".join(p + "/" for p in BATCH_PROVIDERS)
            )


def resolve_family(opts: RunOptions):
    """The family a run asks for: `--pack PATH` (run as the behaviour it names) or `--family NAME`."""
    from insider.family import get_family

    if opts.pack:
        if not Path(opts.pack).exists():
            raise InsiderError(f"--pack {opts.pack}: no such folder")
        from insider.scenarios.family import PackFamily

        return PackFamily.from_folder(opts.pack)
    return get_family(opts.family)


def task_options_for(opts: RunOptions, family) -> TaskOptions:
    """The run's options as the family's task takes them; refuses what the family does not take."""
    max_tokens = opts.max_tokens
    if max_tokens is None:
        max_tokens = default_max_tokens(opts.model)
    judge = bool(opts.judge and opts.judge != "none")
    warm_cache = opts.warm_cache
    if warm_cache is None and family.supports("warm_cache") and opts.model:
        from insider.scheduling import caches_prompts

        # a batch answers in minutes to hours, past the cache's 5 minutes: no warm-up round
        warm_cache = caches_prompts(opts.model) and not opts.batch
    developer = opts.developer
    if developer is None and family.supports("developer"):
        from insider.models.developer import developer_of

        developer = developer_of(opts.model)  # None: a company-developer condition then asks for --developer
    task_options = TaskOptions(
        preset=opts.preset,
        conditions=tuple(opts.conditions),
        factors=dict(opts.factors),
        samples=opts.samples,
        seed=opts.seed,
        vary_identities=opts.vary_identities,
        policy=opts.policy,
        judge=judge,
        max_tokens=max_tokens,
        temperature=opts.temperature,
        interaction=tuple(opts.interaction),
        max_turns=opts.max_turns,
        tools=opts.tools,
        requests=opts.requests,
        warm_cache=warm_cache,
        cache=opts.cache,
        prompts=opts.prompts,
        developer=developer,
        system_prompt=opts.system_prompt,
    )
    task_options.check_for(family)
    return task_options


def run_experiment(opts: RunOptions):
    """Run (or resume) the experiment; returns (success, logs, out_dir).

    Several models (`model="a,b"`) or `ray=True` go through `insider.runs.run_models`; one
    model runs here, its samples in parts (`insider.runs`).
    """
    from insider.runs import model_list, preflight, run_model, run_models

    if opts.ray or len(model_list(opts.model)) > 1:
        return run_models(opts)
    if opts.retry_errors:  # only the failed samples of the finished run in --out
        from insider.retry import retry_errors

        out = opts.out or default_out_dir(Path(opts.pack).name if opts.pack else opts.family, opts.model)
        return retry_errors(out, display=opts.display, max_connections=opts.max_connections, batch=opts.batch)
    family = resolve_family(opts)
    task_options = task_options_for(opts, family)
    check_batch(opts)
    check_model(opts.model)
    if opts.judge and opts.judge != "none":
        check_model(opts.judge, role="judge")

    out = opts.out or default_out_dir(Path(opts.pack).name if opts.pack else opts.family, opts.model)
    preflight(opts, out)  # the model's server, the log store: one line, nothing written
    # builds the dataset now (bad conditions fail before any call), then runs it in parts
    return run_model(opts, family, task_options, out)
