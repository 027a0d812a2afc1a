"""`insider report RUN... --out report.html`: a self-contained HTML (or Markdown) report."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("report")
@click.argument("runs", nargs=-1, required=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.html"), show_default=True)
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default=None, help="Default: from --out's extension (.md = Markdown).")
@click.option("--transcripts", "per_cell", type=click.IntRange(0, 50), default=3, show_default=True, help="Transcripts shown per cell.")
@click.option("--title", default="insider report", show_default=True)
def command(runs: tuple[str, ...], out: Path, fmt: str | None, per_cell: int, title: str) -> None:
    """Write a report of one or more runs (log directories or .eval files)."""
    from insider.report import build_report

    fmt = fmt or ("md" if out.suffix.lower() in (".md", ".markdown") else "html")
    for path in build_report(list(runs), out, fmt, per_cell, title):
        click.echo(f"wrote {path}")
