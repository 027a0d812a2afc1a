"""Report payloads beyond <script> and onerror: factor names and titles that close a
script block, `javascript:` links (HTML and Markdown) and SVG markup stay inert text."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from helpers_logs import Cell, verdicts, write_log

from insider.report import build_report

FACTOR = "</script><svg/onload=alert(8)><a href=javascript:alert(9)>x</a>"
LEVEL = "[click](javascript:alert(10))"
TITLE = '</title></style></script><svg><a xlink:href="javascript:alert(11)"><text>t</text></a></svg>'
CONDITION = "blackmail/[x](javascript:alert(12))/<svg><script>alert(13)</script></svg>"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile-report")
    write_log(d / "run" / "a.eval", "anthropic/<svg onload=alert(14)>", [
        Cell(CONDITION, verdicts(2, 2), factors={FACTOR: LEVEL}, response=LEVEL + FACTOR),
        Cell("blackmail/none/none", verdicts(1, 3), factors={FACTOR: "javascript:alert(15)"}),
    ])
    return d


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]


def _inert_svg(svg: str) -> None:
    for el in ET.fromstring(svg).iter():
        assert el.tag.split("}")[-1] not in ("script", "a", "foreignObject")
        assert not [k for k, v in el.attrib.items() if k.lower().startswith("on") or "javascript:" in v]


def test_html_report_keeps_payloads_as_text(runs, tmp_path):
    out = tmp_path / "r.html"
    build_report([runs / "run"], out, "html", title=TITLE)
    html = out.read_text()
    p = _Tags()
    p.feed(html)
    assert not {"script", "svg", "a", "iframe"} & set(p.tags)  # figures are <img> data URIs
    assert not [v for k, v in p.attrs if k.startswith("on") or v.strip().lower().startswith("javascript:")]
    assert "&lt;/script&gt;&lt;svg/onload=alert(8)&gt;" in html  # shown, escaped
    for uri in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html):
        _inert_svg(base64.b64decode(uri).decode())


def test_markdown_report_has_no_live_links_or_markup(runs, tmp_path):
    out = tmp_path / "r.md"
    build_report([runs / "run"], out, "md", title=TITLE)
    md = out.read_text()
    outside = re.sub(r"(`{3,})text\n.*?\n\1", "", md, flags=re.S)  # transcripts are fenced
    assert not re.search(r"\]\(\s*javascript:", outside, re.I)  # no clickable javascript: link
    assert "<" not in outside.replace("\\<", "")
    for svg in tmp_path.glob("*.svg"):
        _inert_svg(svg.read_text())
