"""`python -m benchmarks.simulator serve`: run the provider simulator until Ctrl-C.

Run from the repository root (so that `benchmarks` is importable).
"""

from __future__ import annotations

import threading

import click

from benchmarks.simulator import FAULT_KINDS, SimulatorConfig, run_simulator


@click.group(name="simulator", context_settings={"help_option_names": ["-h", "--help"]})
def command() -> None:
    """A local stand-in for the Anthropic and OpenAI APIs (billing, limits, faults)."""


@command.command("serve")
@click.option("--port", default=0, show_default=True, help="0 picks a free port.")
@click.option("--latency", "latency_s", default=0.0, show_default=True,
              help="Seconds before the first response byte.")
@click.option("--latency-per-token", "latency_per_output_token_s", default=0.0,
              show_default=True, help="Seconds per output token.")
@click.option("--rpm", type=int, default=None, help="Requests per minute (429 above it).")
@click.option("--tpm", type=int, default=None, help="Tokens per minute (429 above it).")
@click.option("--fault-rate", default=0.0, show_default=True)
@click.option("--fault-kind", "fault_kinds", multiple=True, type=click.Choice(FAULT_KINDS),
              help="Repeatable; default: all kinds.")
@click.option("--seed", default=0, show_default=True)
@click.option("--replay", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Answers from a replay JSONL file.")
@click.option("--text", default=SimulatorConfig.text, show_default=True,
              help="The fixed answer when no replay file is given.")
@click.option("--min-cacheable-tokens", default=1024, show_default=True)
@click.option("--batch-delay", "batch_delay_s", default=SimulatorConfig.batch_delay_s, show_default=True,
              help="Seconds before a submitted batch (Anthropic or OpenAI batch API) is finished.")
@click.option("--output-multiplier", default=5.0, show_default=True,
              help="Output token price in input-token units.")
def serve(fault_kinds: tuple[str, ...], **options: object) -> None:
    """Serve until Ctrl-C; prints the base URLs and how to point Inspect at them."""
    kinds = fault_kinds or FAULT_KINDS
    config = SimulatorConfig(fault_kinds=kinds, **options)  # type: ignore[arg-type]
    with run_simulator(config) as sim:
        click.echo(sim.base_url)
        click.echo(f"  anthropic: ANTHROPIC_BASE_URL={sim.base_url}", err=True)
        click.echo(f"  openai:    OPENAI_BASE_URL={sim.openai_base_url}", err=True)
        click.echo(f"  stats:     {sim.base_url}/stats (POST /reset clears)", err=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("stopped", err=True)


if __name__ == "__main__":
    command(prog_name="python -m benchmarks.simulator")
