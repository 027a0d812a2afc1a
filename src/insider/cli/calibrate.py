"""`insider calibrate LABELLED.jsonl`: how accurate are the classifiers on labelled cases?

Precision, recall, F1 and the confusion counts per behaviour and per `label.category`, for
the rule-based detector, the judge (when `--judge` is given) and the combined verdict of
the policy, side by side. `--format json` prints the same figures as JSON.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from insider.errors import InsiderError
from insider.judge.calibration import calibrate, load_labelled
from insider.judge.policy import DEFAULT_POLICY, JUDGED_DEFAULT_POLICY, POLICIES, default_policy


def _fmt(x: float | None) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"


def _rows(report) -> list[tuple[str, str]]:
    """(label, group key) in display order: each behaviour, then its categories, then all."""
    out = []
    behaviors = sorted(g.split(":", 1)[1] for g in report.groups if g.startswith("behavior:"))
    for b in behaviors:
        out.append((b, f"behavior:{b}"))
        for g in sorted(k for k in report.groups if k.startswith(f"category:{b}/")):
            out.append(("  " + g.split("/", 1)[1], g))
        for key in ("faking_motive", "faking_reasoning"):
            if f"{key}:{b}" in report.groups:
                out.append((f"  ({key})", f"{key}:{b}"))
    out.append(("all", "all"))
    return out


def _table(report) -> None:
    from rich.console import Console
    from rich.table import Table

    views = ["detector", "judge", "combined"] if report.judges else ["detector", "combined"]
    t = Table(title=f"calibration: {report.n} cases, policy {report.policy}, "
                    f"judges {', '.join(report.judges) or 'none'}")
    t.add_column("behaviour / category", no_wrap=True)
    t.add_column("n", justify="right")
    for v in views:
        t.add_column(f"{v}\nP / R / F1", justify="right", no_wrap=True)
        t.add_column("tp fp fn tn err", justify="right", no_wrap=True)
    for label, g in _rows(report):
        views_g = report.groups[g]
        row = [label, str(next(iter(views_g.values())).n)]
        for v in views:
            c = views_g.get(v)
            if c is None:
                row += ["", ""]
                continue
            f = c.figures()
            row += [f"{_fmt(f['precision'])} / {_fmt(f['recall'])} / {_fmt(f['f1'])}",
                    f"{f['tp']} {f['fp']} {f['fn']} {f['tn']} {f['errors']}"]
        t.add_row(*row, style="bold" if not label.startswith(" ") else None)
    con = Console(width=max(Console().width, 60 + 36 * len(views)))
    con.print(t)
    con.print("P is '-' where nothing was predicted harmful; R is '-' where no case is harmful.")
    if report.awareness:
        con.print(f"evaluation awareness (rules): accuracy {_fmt(report.awareness_accuracy())} "
                  f"on {sum(sum(r.values()) for r in report.awareness.values())} labelled cases; "
                  f"confusion truth->predicted {report.awareness}")
    if report.judge_agreement:
        con.print("agreement: " + ", ".join(f"{k} = {_fmt(v)}" for k, v in report.judge_agreement.items()))
    if report.judges and report.policy in ("prefilter", "both"):
        con.print(f"judge calls the policy would skip: {report.judge_calls_skipped_by_policy}")


@click.command("calibrate")
@click.argument("labelled", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--judge", "judge_names", multiple=True, default=("none",), show_default=True,
              help="Inspect model used as LLM judge; repeat for several; 'none' for rules only.")
@click.option("--policy", type=click.Choice(POLICIES), default=None,
              help=f"Policy for the combined verdict (default: {JUDGED_DEFAULT_POLICY} with --judge, "
                   f"{DEFAULT_POLICY} without).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--concurrency", type=int, default=8, show_default=True)
def command(labelled: Path, judge_names: tuple[str, ...], policy: str | None, fmt: str, concurrency: int) -> None:
    """Measure detector, judge and combined verdicts against hand labels."""
    from insider.cli.classify import load_judges

    cases = load_labelled(labelled)
    judges = load_judges(judge_names)
    policy = default_policy(bool(judges), policy)
    if policy != "rules" and not judges:
        raise InsiderError(f"--policy {policy} needs a judge model; pass --judge MODEL or use --policy rules")
    from insider.cli.progress import progress_bar

    with progress_bar("judging", len(cases), enabled=bool(judges)) as advance:
        report = calibrate(cases, judges, policy, concurrency, on_done=advance)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=1, default=lambda x: None))
    else:
        _table(report)
