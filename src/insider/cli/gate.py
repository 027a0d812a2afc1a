"""`insider gate RUN --max blackmail=0.05`: exit 0 when every rate is within its limit, 1 when
one is above, 2 on bad input or when the gate cannot decide (the run did not finish, a log is
damaged, or a gated cell has no valid samples or too many errors). For CI release gates."""

from __future__ import annotations

import click

from insider.cli.terminal import one_line


@click.command("gate")
@click.argument("runs", nargs=-1, required=True)
@click.option("--max", "limits", multiple=True, metavar="NAME=RATE", help="A family or condition id and its highest allowed rate; repeatable.")
@click.option("--upper-bound", is_flag=True, help="Compare the 95% Wilson upper bound instead of the rate (conservative).")
@click.option("--max-invalid", "max_invalid", type=click.FloatRange(0, 1), default=0.2, show_default=True,
              metavar="FRACTION",
              help="Highest share of errors + invalid samples in a gated cell (model x condition); above it, "
                   "or with no valid sample, the gate cannot decide and exits 2.")
def command(runs: tuple[str, ...], limits: tuple[str, ...], upper_bound: bool, max_invalid: float) -> None:
    """Check harmful rates in RUN against thresholds.

    Exit codes: 0 passed, 1 a rate is above its limit, 2 bad input or cannot decide (an
    unfinished run, a damaged log, a gated cell without enough valid samples).
    """
    from insider.report.gate import evaluate, exit_code, parse_limits
    from insider.stats.results import load_results

    parsed = parse_limits(limits)  # bad limits fail before any log is read
    checks = evaluate(load_results(runs, strict=True), parsed, upper_bound, max_invalid)
    what = "95% upper bound" if upper_bound else "rate"
    for c in checks:
        mark = "CANNOT DECIDE" if c.undecided else "PASS" if c.passed else "FAIL"
        detail = (
            c.undecided if c.undecided
            else f"{what} {c.compared:.1%} <= {c.threshold:.1%}" if c.passed
            else "no valid samples" if c.n == 0
            else f"{what} {c.compared:.1%} > {c.threshold:.1%} by {c.excess:.1%}"
        )
        counts = f"{c.harmful}/{c.n}, 95% CI {c.low:.1%}-{c.high:.1%}; " if c.n else ""
        click.echo(one_line(f"{mark}  {c.name}  [{c.model}]  {detail}  ({counts}{c.excluded} error/invalid excluded)"))
    undecided = sum(bool(c.undecided) for c in checks)
    failed = sum(not c.passed and not c.undecided for c in checks)
    if undecided:
        click.echo(f"gate: CANNOT DECIDE ({undecided} of {len(checks)} checks; fix the run, then gate again)")
    else:
        click.echo(f"gate: {'passed' if not failed else f'FAILED ({failed} of {len(checks)} checks)'}")
    raise SystemExit(exit_code(checks))
