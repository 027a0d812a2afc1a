"""The report: self-contained, every value from a log escaped, Markdown beside SVG files,
published figures beside paper-preset runs, the embedded-model note, and (when Chromium is
installed) a headless render with no console messages at all."""

import base64
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers_cli import cli
from helpers_logs import Cell, verdicts, write_log

from insider.report import build_report
from insider.report.markdown import fence, md_escape
from insider.report.published import match_model, published

OUTPUT_PAYLOAD = '<script>alert("out")</script><img src=x onerror=alert(1)>'
TITLE_PAYLOAD = '</title></script><script>alert("title")</script>'
COND_PAYLOAD = 'blackmail/<svg onload=alert(2)>/</script><script>alert(3)</script>'
FACTOR_NAME = 'knob"><img src=x onerror=alert(4)>'
FACTOR_VALUE = "javascript:alert(5)"
MODEL_PAYLOAD = "evil/<svg><script>alert(6)</script></svg>"
RAW = [OUTPUT_PAYLOAD, "<script>", "<img src=x", "<svg onload", "</script><script>", "<svg><script>",
       TITLE_PAYLOAD, 'knob"><img']


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    write_log(d / "run" / "opus.eval", "anthropic/claude-opus-4-20250514", [
        Cell("blackmail/explicit-america/replacement", verdicts(9, 1, 1, 1), response=OUTPUT_PAYLOAD,
             judge_verdicts=["benign"] + ["harmful"] * 8 + ["benign", "error", "benign"]),
        Cell("blackmail/none/none", verdicts(0, 10), response="I will not."),
        Cell("blackmail/none/replacement", verdicts(5, 5)),
        Cell("blackmail/explicit-america/none", verdicts(2, 8)),
    ], preset="paper")
    write_log(d / "run" / "tiny.eval", "embedded/qwen2.5-coder-1.5b", [
        Cell("blackmail/explicit-america/replacement", verdicts(1, 3, 0, 6)),
        Cell("blackmail/none/none", verdicts(0, 10)),
    ])
    write_log(d / "evil" / "evil.eval", MODEL_PAYLOAD, [
        Cell(COND_PAYLOAD, verdicts(2, 2), response=OUTPUT_PAYLOAD, factors={FACTOR_NAME: FACTOR_VALUE}),
    ], task="</script><script>alert(7)</script>")
    return d


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]


@pytest.fixture(scope="module")
def html_report(runs, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "report.html"
    build_report([runs / "run", runs / "evil"], out, "html", title=TITLE_PAYLOAD)
    return out


def test_report_escapes_everything_from_logs(html_report):
    text = html_report.read_text()
    for raw in RAW:
        assert raw not in text, raw
    assert "&lt;script&gt;alert(&#34;out&#34;)&lt;/script&gt;" in text  # the output is shown, as text
    assert "&lt;svg onload=alert(2)&gt;" in text
    assert "knob&#34;&gt;&lt;img src=x onerror=alert(4)&gt;" in text  # the factor name, as text
    assert "javascript:alert(5)" in text  # only ever as text content, never as a URL:
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", text, re.I)


def test_report_has_no_scripts_no_handlers_no_external_resources(html_report):
    p = _Tags()
    p.feed(html_report.read_text())
    assert "script" not in p.tags and "iframe" not in p.tags and "object" not in p.tags
    assert not [a for a in p.attrs if a[1].startswith("on")]
    srcs = [v for t, k, v in p.attrs if k in ("src", "href")]
    assert srcs and all(v.startswith("data:image/svg+xml;base64,") for v in srcs)
    csp = [v for t, k, v in p.attrs if t == "meta" and k == "content" and "default-src" in (v or "")]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]


def _check_svg(svg: bytes):
    root = ET.fromstring(svg)
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        assert tag not in ("script", "foreignObject", "a", "iframe"), tag
        assert not [k for k in el.attrib if k.lower().startswith("on")]
    for raw in ("<script", "onload=", "onerror=", "javascript:"):
        assert raw not in svg.decode(), raw


def test_figures_are_safe_svg(html_report):
    uris = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html_report.read_text())
    assert len(uris) == 3
    for u in uris:
        _check_svg(base64.b64decode(u))


def test_report_content(html_report):
    text = html_report.read_text()
    assert "embedded tiny model" in text and "embedded/qwen2.5-coder-1.5b" in text
    # paper preset on our own packs + Claude Opus 4 -> the published figures only under a heading
    # that says the stimulus differs; no comparison section
    assert "Published figures for orientation: a different stimulus" in text and "96.0%" in text and "86.0%" in text
    assert 'id="published-figures"' not in text and 'id="published-other-stimulus"' in text
    # validity: 1 judge/rule disagreement in 11 scored-and-valid opus samples; 6 invalid for tiny
    assert "1 of 41" in text  # rows where both judge and rules gave harmful/benign
    assert "<details>" in text and "Reproducibility" in text and "sha256:abc123" in text
    assert "inspect_ai 0.3.285" in text
    assert "excluded from every rate" in text


def test_markdown_report_writes_svgs_beside_and_escapes(runs, tmp_path):
    assert cli(["report", str(runs / "run"), str(runs / "evil"), "--out", str(tmp_path / "r.md")]) == 0
    md = (tmp_path / "r.md").read_text()
    svgs = sorted(p.name for p in tmp_path.glob("*.svg"))
    assert svgs == ["r-effects.svg", "r-heatmap.svg", "r-rates.svg"]
    for name in svgs:
        assert f"]({name})" in md
        _check_svg((tmp_path / name).read_bytes())
    # Outside code fences there is no raw HTML at all.
    outside = re.sub(r"(`{3,})text\n.*?\n\1", "", md, flags=re.S)
    assert "<" not in outside.replace("\\<", "")
    assert "| model | blackmail |" in md


def test_md_helpers():
    assert "<" not in md_escape("<img src=x onerror=alert(1)>")
    assert "\\|" in md_escape("a|b")
    assert "\\[" in md_escape("[x](javascript:alert(1))")
    body = "```\n</details><script>x</script>\n````"
    f = fence(body)
    assert f.startswith("`````text\n") and f.endswith("\n`````")


def test_report_bad_input(tmp_path):
    assert cli(["report", str(tmp_path / "nope"), "--out", str(tmp_path / "r.html")]) == 2
    assert cli(["report", str(tmp_path), "--out", str(tmp_path / "missing" / "r.html")]) == 2


def test_published_data_is_well_formed():
    data = published()
    for entry in data["agentic"]:
        assert entry["model"] in data["models"] and entry["source"] in data["sources"]
        assert 0 <= entry["rate"] <= 1 and entry["condition"].count("/") == 2
    assert match_model("anthropic/claude-opus-4-20250514") == "claude-opus-4"
    assert match_model("openrouter/openai/gpt-4.1") == "gpt-4.1"
    assert match_model("anthropic/claude-opus-4-1-20250805") is None
    assert match_model("embedded/qwen2.5-coder-1.5b") is None


CHROMIUM = shutil.which("chromium") or (Path("/usr/bin/chromium") if Path("/usr/bin/chromium").exists() else None)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_report_renders_in_headless_chromium_without_console_messages(html_report, tmp_path):
    shot = tmp_path / "shot.png"
    proc = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=1280,2000", f"--screenshot={shot}", "--enable-logging=stderr", "--v=0",
         html_report.resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 10_000, proc.stderr[-2000:]
    # Any console line from the page (a script error, a CSP violation from an injected
    # script) fails. Chromium's own internal pages (source chrome://...) also log here, e.g.
    # "Slow network is detected" inside a network namespace: those are not the report's.
    console = [line for line in proc.stderr.splitlines()
               if ":CONSOLE" in line and "source: chrome://" not in line]
    assert console == []


def test_published_beside_respects_the_prohibitions_switch(tmp_path):
    import pandas as pd

    from insider.report.published import beside, comparable, own_stimulus

    rows = [{"model": "anthropic/claude-opus-4", "preset": "paper", "condition": "blackmail/explicit-america/replacement",
             "prohibitions": p, "verdict": v, "prompts": "original"} for p in ("off", "on") for v in ("harmful", "benign")]
    b = beside(comparable(pd.DataFrame(rows))).set_index("published_rate")
    assert set(b.index) == {0.96, 0.37} and (b["n"] == 2).all()
    # the study's prompts are comparable in any preset; our packs only in the paper preset, as orientation
    assert len(beside(comparable(pd.DataFrame([{**rows[0], "preset": "default"}])))) == 1
    ours = pd.DataFrame([{**r, "prompts": "ours"} for r in rows])
    assert comparable(ours).empty and len(own_stimulus(ours)) == 4
    assert own_stimulus(ours.assign(preset="default")).empty
