"""The Markdown report: the same content for a model card or a safety case; figures are SVG
files beside it. Markdown renderers pass raw HTML through, so every value from a log is
HTML-escaped and table pipes are escaped; transcripts sit in fences longer than any run of
backticks inside them, so they cannot close their fence."""

from __future__ import annotations

import html
import re
from pathlib import Path

from insider.report.context import ReportContext, Table

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: object) -> str:
    """Inline text: no HTML, no Markdown syntax (links, images, emphasis), no table breaks."""
    s = " ".join(str(text).splitlines())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(s, quote=True))


def fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text}\n{ticks}"


def _table(t: Table) -> list[str]:
    lines = [f"## {md_escape(t.title)}", ""]
    if t.note:
        lines += [md_escape(t.note), ""]
    if not t.rows:
        return lines + ["Nothing to show.", ""]
    lines.append("| " + " | ".join(md_escape(c) for c in t.columns) + " |")
    lines.append("|" + "---|" * len(t.columns))
    lines += ["| " + " | ".join(md_escape(v) for v in row) + " |" for row in t.rows]
    return lines + [""]


def render_markdown(ctx: ReportContext, out: Path, per_cell: int = 3) -> list[Path]:
    """Write `out` and its figures (`<stem>-<figure>.svg` beside it); return the files written."""
    out = Path(out)
    written = []
    c = ctx.counts
    lines = [
        f"# {md_escape(ctx.title)}", "",
        f"Generated {md_escape(ctx.generated)} by insider {md_escape(ctx.version)} from {md_escape(', '.join(ctx.runs))}. "
        f"Models: {md_escape(', '.join(ctx.models))}.", "",
    ]
    if ctx.embedded_models:
        lines += [f"> **Warning:** {md_escape(', '.join(ctx.embedded_models))} is the embedded tiny model. It proves the "
                  "pipeline works end to end; its rates are not a finding.", ""]
    lines += [f"{c['total']} samples: {c['harmful']} harmful, {c['benign']} benign, {c['error']} errors, {c['invalid']} invalid. "
              f"The {c['error'] + c['invalid']} error and invalid samples are excluded from every rate's denominator.", ""]
    lines += _table(ctx.tables[0])
    if ctx.figures:
        lines += ["## Figures", ""]
    for f in ctx.figures:
        path = out.with_name(f"{out.stem}-{f.id}.svg")
        path.write_bytes(f.svg)
        written.append(path)
        lines += [f"![{md_escape(f.title)}]({path.name})", "", f"*{md_escape(f.title)}.* {md_escape(f.caption)}", ""]
    for t in ctx.tables[1:]:
        lines += _table(t)
    lines += ["## Transcripts", "", f"Up to {per_cell} per cell, harmful first.", ""]
    for cell in ctx.transcripts:
        lines += [f"### {md_escape(cell.model)} · {md_escape(cell.condition)}", ""]
        for t in cell.transcripts:
            lines += [f"#### {md_escape(t.sample_id)}: {md_escape(t.verdict)}", ""]
            if t.error:
                lines += [md_escape(t.error), ""]
            for m in t.messages:
                lines += [f"**{md_escape(m.role)}**", ""]
                if m.reasoning:
                    lines += ["*reasoning (returned apart from the message)*", "", fence(m.reasoning), ""]
                lines += [fence(m.text), ""]
    lines += ["## Reproducibility", ""]
    lines += [f"- {md_escape(k.strip())}: {md_escape(v)}" for k, v in ctx.repro]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [out, *written]
