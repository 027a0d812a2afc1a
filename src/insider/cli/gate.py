"""`insider gate RUN --max blackmail=0.05`: exit 0 when every rate is within its limit, 1 when
one is above, 2 on bad input. For CI release gates."""

from __future__ import annotations

import click


@click.command("gate")
@click.argument("runs", nargs=-1, required=True)
@click.option("--max", "limits", multiple=True, metavar="NAME=RATE", help="A family or condition id and its highest allowed rate; repeatable.")
@click.option("--upper-bound", is_flag=True, help="Compare the 95% Wilson upper bound instead of the rate (conservative).")
def command(runs: tuple[str, ...], limits: tuple[str, ...], upper_bound: bool) -> None:
    """Check harmful rates in RUN against thresholds."""
    from insider.report.gate import evaluate, exit_code, parse_limits
    from insider.stats.results import load_results

    parsed = parse_limits(limits)  # bad limits fail before any log is read
    checks = evaluate(load_results(runs), parsed, upper_bound)
    what = "95% upper bound" if upper_bound else "rate"
    for c in checks:
        mark = "PASS" if c.passed else "FAIL"
        detail = (
            f"{what} {c.compared:.1%} <= {c.threshold:.1%}" if c.passed
            else "no valid samples" if c.n == 0
            else f"{what} {c.compared:.1%} > {c.threshold:.1%} by {c.excess:.1%}"
        )
        click.echo(
            f"{mark}  {c.name}  [{c.model}]  {detail}  "
            f"({c.harmful}/{c.n}, 95% CI {c.low:.1%}-{c.high:.1%}; {c.excluded} error/invalid excluded)"
        )
    failed = sum(not c.passed for c in checks)
    click.echo(f"gate: {'passed' if not failed else f'FAILED ({failed} of {len(checks)} checks)'}")
    raise SystemExit(exit_code(checks))
