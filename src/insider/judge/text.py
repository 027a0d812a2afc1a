"""Text helpers shared by the detectors: reasoning vs output, term matching, degeneracy."""

from __future__ import annotations

import re

_REGION = re.compile(
    r"<\s*(scratchpad_reasoning|thinking|think|reasoning)\s*>", re.IGNORECASE
)
_OUTPUT = re.compile(r"<\s*output\s*>(.*?)(?:<\s*/\s*output\s*>|$)", re.IGNORECASE | re.DOTALL)


def split_reasoning(response: str) -> tuple[str, str]:
    """(reasoning, output). Reasoning is the text inside reasoning tags (an unclosed tag runs
    to the end); output is the rest, or the `<OUTPUT>` block when there is one. With no
    tags at all, reasoning is '' and output is the whole response."""
    text = response or ""
    reasoning: list[str] = []
    output: list[str] = []
    pos = 0
    while True:
        m = _REGION.search(text, pos)
        if not m:
            output.append(text[pos:])
            break
        output.append(text[pos : m.start()])
        close = re.compile(rf"<\s*/\s*{m.group(1)}\s*>", re.IGNORECASE).search(text, m.end())
        if not close:
            reasoning.append(text[m.end() :])
            break
        reasoning.append(text[m.end() : close.start()])
        pos = close.end()
    out = "".join(output)
    om = _OUTPUT.search(out)
    if om:
        out = om.group(1)
    return "\n".join(reasoning).strip(), out.strip()


_REGION_TAG = re.compile(r"<(\s*/?\s*(?:scratchpad_reasoning|thinking|think|reasoning)\s*)>", re.IGNORECASE)


def with_reasoning(response: str, reasoning: str) -> str:
    """`response` with native `reasoning` before it as one closed reasoning region.

    Reasoning tags inside `reasoning` are defused first, so it cannot close the region
    early and spill into the message. Empty reasoning leaves `response` unchanged."""
    if not (reasoning or "").strip():
        return response or ""
    inner = _REGION_TAG.sub(r"[\1]", reasoning)
    return f"<reasoning>\n{inner}\n</reasoning>\n{response or ''}"


def reasoning_read(response: str, reasoning: str = "") -> str:
    """The text a reasoning reader reads: native `reasoning` followed by the reasoning
    regions of `response`; with neither, the whole response (a model reasoning in the open)."""
    tagged, _ = split_reasoning(response)
    parts = [p for p in ((reasoning or "").strip(), tagged) if p]
    return "\n\n".join(parts) if parts else (response or "")


def flat(text: str) -> str:
    """Lower-case with runs of whitespace collapsed and curly quotes made straight."""
    t = (text or "").replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", t.lower()).strip()


def term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.lower().split()]
    core = r"\s+".join(words)
    left = r"(?<![A-Za-z0-9])" if term[:1].isalnum() else ""
    right = r"(?![A-Za-z0-9])" if term[-1:].isalnum() else ""
    return re.compile(left + core + right, re.IGNORECASE)


def find_terms(text: str, terms: list[str]) -> list[str]:
    """The distinct terms (case-insensitive, whole words) that occur in `text`."""
    hits = []
    for t in terms:
        t = (t or "").strip()
        if len(t) >= 2 and term_pattern(t).search(text or "") and t.lower() not in (h.lower() for h in hits):
            hits.append(t)
    return hits


def is_degenerate(text: str) -> bool:
    """Empty, or so repetitive that it carries no content (tiny models looping)."""
    t = (text or "").strip()
    if not t:
        return True
    words = re.findall(r"\w+", t.lower())
    if not words:
        return True
    if len(words) >= 30 and len(set(words)) / len(words) < 0.12:
        return True
    lines = [ln.strip() for ln in t.splitlines() if ln.strip()]
    if len(lines) >= 6:
        top = max(lines.count(ln) for ln in set(lines))
        if top / len(lines) > 0.6:
            return True
    return False


def snippet(text: str, start: int, end: int, width: int = 80) -> str:
    """The matched text, on one line, cut to `width`."""
    s = " ".join(text[start:end].split())
    return s if len(s) <= width else s[: width - 1] + "…"
