"""`insider results RUN...`: the results table, one row per sample, as CSV, JSON Lines or Parquet."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from insider.errors import InsiderError


@click.command("results")
@click.argument("runs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout; required for parquet).")
def command(runs: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Write the results table of one or more runs (log directories or .eval files)."""
    from insider.stats.results import load_results

    df = load_results(runs)
    if fmt == "parquet":
        if output is None:
            raise InsiderError("--format parquet needs --output FILE (it is binary)")
        try:
            df.to_parquet(output, index=False)
        except ImportError:
            raise InsiderError("--format parquet needs pyarrow: pip install 'insider-eval[parquet]'") from None
        return
    text = df.to_csv(index=False) if fmt == "csv" else df.to_json(orient="records", lines=True)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
