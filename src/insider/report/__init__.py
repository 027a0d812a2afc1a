"""Reports (HTML, Markdown) and the release gate, built from the results table."""

from __future__ import annotations

from pathlib import Path

from insider.errors import InsiderError


def build_report(runs: list[str | Path], out: str | Path, fmt: str = "html", per_cell: int = 3, title: str = "insider report") -> list[Path]:
    """Read the runs, compute everything, write the report; return the files written."""
    from insider.report.context import build
    from insider.report.html import render_html
    from insider.report.markdown import render_markdown
    from insider.stats.results import load_results

    if fmt not in ("html", "md"):
        raise InsiderError(f"--format {fmt}: use html or md")
    out = Path(out)
    if not out.parent.exists():
        raise InsiderError(f"--out {out}: the directory {out.parent} does not exist")
    df = load_results(runs)
    if df.empty:
        raise InsiderError("the runs hold no samples: nothing to report")
    ctx = build(df, [str(r) for r in runs], title=title, per_cell=per_cell)
    if fmt == "md":
        return render_markdown(ctx, out, per_cell)
    out.write_text(render_html(ctx, per_cell), encoding="utf-8")
    return [out]
