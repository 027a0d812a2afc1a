"""`insider plan`: samples per condition needed to detect a given rise in a rate."""

from __future__ import annotations

import click


@click.command("plan")
@click.option("--baseline", type=float, required=True, help="The rate you expect without the effect, e.g. 0.05.")
@click.option("--detect", type=float, required=True, help="The smallest difference that matters, e.g. 0.10.")
@click.option("--power", type=float, default=0.8, show_default=True)
@click.option("--alpha", type=float, default=0.05, show_default=True)
@click.option("--one-sided", is_flag=True, help="Test only for an increase.")
def command(baseline: float, detect: float, power: float, alpha: float, one_sided: bool) -> None:
    """Samples per condition to detect BASELINE -> BASELINE + DETECT (two proportions)."""
    from insider.stats.planning import plan

    p = plan(baseline, detect, power, alpha, "larger" if one_sided and detect > 0 else "two-sided")
    click.echo(
        f"{p.n_per_condition} samples per condition to detect {p.baseline:.1%} -> {p.target:.1%} "
        f"with power {p.power:g} at alpha {p.alpha:g} ({p.alternative}; Cohen's h = {p.effect_size:.3f}, "
        "normal approximation, statsmodels NormalIndPower)"
    )
