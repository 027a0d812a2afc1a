"""`insider results RUN...`: the results table, one row per sample, as CSV, JSON Lines or Parquet.

CSV is opened by spreadsheets, which run a cell starting with `=`, `+`, `-` or `@` (or a tab
or carriage return before one) as a formula; text from logs (condition ids, error messages,
factor levels) is written with a leading `'` in that case. Numbers are left as they are.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import pandas as pd

from insider.errors import InsiderError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell a spreadsheet would run as a formula starts with `'`.

    Only strings change: a negative number in a numeric column stays a number.
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(_neutral_cell, na_action="ignore")
    out.columns = [_neutral_cell(c) for c in out.columns]  # the header: factor names come from logs too
    return out


def _neutral_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@click.command("results")
@click.argument("runs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]), default="csv", show_default=True,
              help="csv: text cells starting with = + - @, a tab or a carriage return get a leading ' so "
                   "spreadsheets show them instead of running them as formulas (numbers are unchanged).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout; required for parquet).")
def command(runs: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Write the results table of one or more runs (log directories or .eval files).

    A damaged log (truncated, empty, not a zip) is skipped with a warning on stderr.
    """
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
    to_terminal = output is None and sys.stdout.isatty()
    if fmt == "csv":
        # RFC 4180 line ends: a carriage return inside a cell is then quoted, never a new row
        text = neutralise_formulas(df).to_csv(index=False, lineterminator="\n" if to_terminal else "\r\n")
    else:
        text = df.to_json(orient="records", lines=True)
    if output is None:
        if to_terminal:  # text from logs must not drive the terminal; piped output stays exact
            from insider.cli.terminal import escape

            text = escape(text)
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8", newline="")
