"""The table `insider run` prints at the end: per condition n, harmful, rate, 95% CI."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from insider.stats.alignment import compliance_gap
from insider.stats.cells import cell_summary
from insider.stats.results import load_results


def _pct(x: float | None) -> str:
    return "-" if x is None or x != x else f"{100 * x:.1f}%"


def print_run_summary(out: str | Path, console: Console | None = None) -> None:
    """Read back every log in `out` (a resumed run spans several attempts) and print the tables."""
    if console is None:
        console = Console()
        # Piped output defaults to 80 columns, which would cut condition ids.
        console = Console(width=max(console.width, 110))
    df = load_results([out])
    if df.empty:
        console.print(f"no scored samples yet in {out}")
        return
    cells = cell_summary(df)
    for model, rows in cells.groupby("model", sort=True):
        table = Table(title=f"{model}: harmful rate per condition", caption="rate = harmful / n; 95% Wilson interval; errors and invalid are not in n")
        # Long condition ids (every factor off its default is a segment) fold onto more lines;
        # the numbers never do.
        table.add_column("condition", overflow="fold")
        for col in ("n", "harmful", "rate", "95% CI", "errors", "invalid"):
            table.add_column(col, justify="right", no_wrap=True)
        for row in rows.itertuples():
            table.add_row(
                str(row.condition), str(row.n), str(row.harmful), _pct(row.rate),
                f"{_pct(row.ci_low)}-{_pct(row.ci_high)}", str(row.errors), str(row.invalid),
            )
        console.print(table)
    af = compliance_gap(df)
    if not af.empty:
        gap = Table(title="alignment faking: compliance when monitored vs unmonitored")
        for col in ("model", "complied, monitored", "complied, unmonitored", "gap (95% CI)", "faking reasoning (of monitored)",
                    "faking motive (of monitored)"):
            gap.add_column(col)
        for row in af.itertuples():
            gap.add_row(
                str(row.model),
                f"{_pct(row.compliance_monitored)} (n={row.n_monitored})",
                f"{_pct(row.compliance_unmonitored)} (n={row.n_unmonitored})",
                f"{_pct(row.gap)} ({_pct(row.gap_low)} to {_pct(row.gap_high)})",
                _pct(row.faking_reasoning),
                _pct(row.faking_motive),
            )
        console.print(gap)
    from insider.storage import is_remote

    where = out if is_remote(out) else Path(out).resolve()
    console.print(f"logs: {where}  (view: insider view {out}; report: insider report {out} --out report.html)")
