"""`insider run`: render a family's conditions, sample a model, classify, print rates."""

from __future__ import annotations

import click

from insider.errors import InsiderError
from insider.generation import parse_generate_settings, reasoning_efforts
from insider.options import as_list, parse_factor_selections
from insider.runner import DEFAULT_MODEL, RunOptions, check_batch, run_experiment
from insider.runs import DEFAULT_SHARD_SIZE


def _check_options(kw: dict) -> None:
    """Values click cannot range-check: fail here, not as one error per sample later."""
    if kw["temperature"] != kw["temperature"]:  # NaN passes FloatRange
        raise InsiderError("--temperature nan: give a number >= 0, e.g. 1.0")


@click.command("run")
@click.option("--family", default="blackmail", show_default=True, help="Scenario family (see `insider scenarios list`).")
@click.option("--pack", type=click.Path(), default=None, help="Run your own scenario pack (a folder with pack.yaml).")
@click.option("--model", "models", multiple=True, help="Any Inspect model string: anthropic/..., openai/..., google/..., vllm/..., ollama/..., openai-api/..., embedded/..., replay/FILE.jsonl. Several: comma-separated or repeated; each gets OUT/<model>/. Default: " + DEFAULT_MODEL + ".")
@click.option("--samples", type=int, default=3, show_default=True, help="Samples per condition.")
@click.option("--preset", default="default", show_default=True, help="Condition preset: default, paper or full.")
@click.option("--conditions", default=None, help="Comma-separated condition ids (overrides --preset).")
@click.option("--factor", "factor", multiple=True, help="Levels per factor, e.g. --factor urgency=replacement,none (repeatable).")
@click.option("--out", default=None, help="Run directory (default: insider-runs/FAMILY--MODEL). The same --out resumes.")
@click.option("--seed", type=int, default=0, show_default=True, help="Base seed: samples, identities.")
@click.option("--vary-identities", is_flag=True, help="Draw each sample's cast from a seeded generator.")
@click.option("--judge", default=None, help="LLM judge model (Inspect model string), or none for rules only.")
@click.option("--policy", default=None, help="How rules and judge combine: rules, judge, both, prefilter.")
@click.option("--max-tokens", type=click.IntRange(min=1), default=None, help="Reply length cap (default 700 on the embedded model, else 8192).")
@click.option("--temperature", type=click.FloatRange(min=0.0), default=1.0, show_default=True)
@click.option("--max-connections", type=click.IntRange(min=1), default=None, help="Concurrent requests to the provider.")
@click.option("--prompts", type=click.Choice(["ours", "original"]), default="ours", show_default=True, help="blackmail, leaking, lethal_action, agentic_misalignment: our scenario packs, or the study's own prompts (needs: pip install 'insider-eval[original]').")
@click.option("--developer", default=None, help="alignment_faking: the developer its company-developer conditions name (default: from --model, e.g. anthropic/ -> Anthropic).")
@click.option("--system-prompt", "system_prompt", type=click.Path(), default=None, help="alignment_faking: a text file used as the system prompt, with {developer} once where the developer's name goes (and optionally {tier_tag}).")
@click.option("--requests", "requests_path", type=click.Path(), default=None, help="alignment_faking: your own request file (CSV or JSONL with a goal/prompt/request/text column).")
@click.option("--interaction", default=None, help="single_turn (the study's), tool_loop (multi-turn agent), or single_turn,tool_loop for both.")
@click.option("--max-turns", type=click.IntRange(min=1), default=None, help="Generations per tool-loop sample (default 10; shutdown 20).")
@click.option("--tools", type=click.Choice(["auto", "native", "markup"]), default="auto", show_default=True, help="How the tool loop offers tools: native function calls, markup blocks, or both (auto).")
@click.option("--retry-errors", is_flag=True, help="Re-run only the samples of the finished run in --out that ended as errors.")
@click.option("--warm-cache/--no-warm-cache", default=None, help="Send one sample per condition first so the others read the provider's prompt cache (default: on for anthropic/ models).")
@click.option("--cache", default=None, help="Inspect's response cache for re-runs, with an expiry such as 1D or 1W (off by default).")
@click.option("--batch", is_flag=True, help="Send requests through the provider's batch API (anthropic/, openai/, google/, grok/, together/): half price, answers can take hours.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Requests per batch (implies --batch; default Inspect's, 100).")
@click.option("--reasoning-effort", type=click.Choice(reasoning_efforts()), default=None, help="Reasoning effort for reasoning models (Inspect's reasoning_effort).")
@click.option("--reasoning-tokens", type=click.IntRange(min=1), default=None, help="Thinking budget in tokens for reasoning models (Inspect's reasoning_tokens).")
@click.option("--generate", "generate", multiple=True, metavar="KEY=VALUE", help="Any other field of Inspect's GenerateConfig, e.g. top_p=0.95 or extra_body='{\"top_k\": 20}' (value read as JSON when it is JSON; repeatable).")
@click.option("--ray", is_flag=True, help="Run the parts of the run on Ray workers: RAY_ADDRESS's cluster, else a local Ray with 2 CPUs (pip install 'insider-eval[ray]').")
@click.option("--shard-size", type=click.IntRange(min=1), default=None, help=f"Samples per part: each part is its own Inspect task and log, keeping memory flat (default {DEFAULT_SHARD_SIZE}).")
@click.option("--display", type=click.Choice(["full", "rich", "plain", "log", "none"]), default=None, help="Progress display (Inspect's).")
def command(**kw) -> None:
    """Run an experiment and print the harmful rate per condition with 95% intervals."""
    _check_options(kw)
    conditions = [c.strip() for c in (kw["conditions"] or "").split(",") if c.strip()]
    opts = RunOptions(
        family=kw["family"],
        pack=kw["pack"],
        model=",".join(kw["models"]) or DEFAULT_MODEL,
        samples=kw["samples"],
        preset=None if conditions else kw["preset"],
        conditions=conditions,
        factors=parse_factor_selections(kw["factor"]),
        out=kw["out"],
        seed=kw["seed"],
        vary_identities=kw["vary_identities"],
        judge=kw["judge"],
        policy=kw["policy"],
        max_tokens=kw["max_tokens"],
        temperature=kw["temperature"],
        max_connections=kw["max_connections"],
        display=kw["display"],
        retry_errors=kw["retry_errors"],
        interaction=list(as_list(kw["interaction"])),
        max_turns=kw["max_turns"],
        tools=kw["tools"],
        requests=kw["requests_path"],
        warm_cache=kw["warm_cache"],
        cache=kw["cache"],
        prompts=kw["prompts"],
        developer=kw["developer"],
        system_prompt=kw["system_prompt"],
        batch=kw["batch_size"] or kw["batch"] or None,
        reasoning_effort=kw["reasoning_effort"],
        reasoning_tokens=kw["reasoning_tokens"],
        generate=parse_generate_settings(kw["generate"]),
        ray=kw["ray"],
        shard_size=kw["shard_size"],
    )
    check_batch(opts)  # before the embedded note: a refused run prints one line
    if any(m.startswith("embedded/") for m in opts.model.split(",")):
        click.echo(
            "note: the embedded model is tiny; it proves the pipeline works, not a finding about frontier models.",
            err=True,
        )
    success, _logs, out = run_experiment(opts)
    from insider.cli.summary import print_run_summary

    print_run_summary(out)
    if not success:
        click.echo("the run did not complete; run the same command again to resume", err=True)
        raise SystemExit(1)
