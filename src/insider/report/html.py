"""The HTML report: one self-contained file (inline CSS, figures as data: URIs, no scripts).

Jinja2 autoescapes every value, so text from logs (model output, model ids, condition ids,
factor names) is inert. A Content-Security-Policy meta tag forbids scripts and any network
fetch as a second line of defence. Figures are SVG inside <img>, where SVG cannot run script.
"""

from __future__ import annotations

import base64
from importlib.resources import files

from jinja2 import Environment, StrictUndefined

from insider.report.context import ReportContext

_TEMPLATE = "report.html.j2"


def _env() -> Environment:
    # autoescape=True (not select_autoescape): the template name ends in .j2, and escaping
    # must not depend on a file extension.
    return Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def render_html(ctx: ReportContext, per_cell: int = 3) -> str:
    pkg = files("insider.report")
    template = _env().from_string(pkg.joinpath(_TEMPLATE).read_text(encoding="utf-8"))
    figures = [{"id": f.id, "title": f.title, "caption": f.caption, "uri": data_uri(f.svg)} for f in ctx.figures]
    return template.render(ctx=ctx, css=pkg.joinpath("style.css").read_text(encoding="utf-8"), figures=figures, per_cell=per_cell)
