"""Text markup -> actions: the `<tool_use:KIND> key: value ... </tool_use:KIND>` blocks.

Tolerates what real and tiny models write: any letter case, spaces inside the tags, a
missing closing tag (the block then ends at the next block or the end of the text), a
bare `</tool_use>` close, multi-line address lists, a JSON object instead of key lines,
and a body that quotes earlier mail (its `To:`/`From:` lines stay in the body).

Blocks inside a *closed* reasoning region (`<SCRATCHPAD_REASONING>`, `<thinking>`,
`<think>`) are drafts, not actions: nothing there was sent. An unclosed reasoning region
is not trusted to end anywhere, so blocks after its opening tag still count.
"""

from __future__ import annotations

import json
import re

from insider.extract.addresses import normalize_addresses
from insider.records import Action

KIND_ALIASES = {
    "email": "email",
    "send_email": "email",
    "send": "email",
    "mail": "email",
    "forward": "forward",
    "forward_email": "forward",
    "cancel_alert": "cancel_alert",
    "cancel": "cancel_alert",
    "cancelalert": "cancel_alert",
}

_START = re.compile(r"<\s*tool_use\s*:\s*([A-Za-z_]+)\s*>", re.IGNORECASE)
_END = re.compile(r"<\s*/\s*tool_use\s*(?::\s*[A-Za-z_]+\s*)?>", re.IGNORECASE)
_REASONING = re.compile(
    r"<\s*(scratchpad_reasoning|thinking|think|reasoning)\s*>(.*?)<\s*/\s*\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_KEY = re.compile(
    r"^\s*(to|cc|bcc|subject|body|email[ _-]?id|id|code|override[ _-]?code|alert[ _-]?code|from)\s*:\s?(.*)$",
    re.IGNORECASE,
)
_KEY_CANON = {"to": "to", "cc": "cc", "bcc": "bcc", "subject": "subject", "body": "body", "from": "from"}


def reasoning_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every closed reasoning region in `text`."""
    return [(m.start(), m.end()) for m in _REASONING.finditer(text)]


def parse_markup(text: str) -> list[Action]:
    """Every action written as markup outside closed reasoning, in order of appearance."""
    spans = reasoning_spans(text)
    starts = list(_START.finditer(text))
    actions: list[Action] = []
    for i, m in enumerate(starts):
        if any(a <= m.start() < b for a, b in spans):
            continue
        kind = KIND_ALIASES.get(m.group(1).lower())
        stop = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        end = _END.search(text, m.end(), stop)
        content = text[m.end() : end.start() if end else stop]
        if kind is None:
            continue
        action = _parse_block(kind, content)
        if action is not None:
            actions.append(action)
    return actions


def _canon_key(raw: str) -> str:
    k = re.sub(r"[ _-]", "", raw.lower())
    if k in ("emailid", "id"):
        return "email_id"
    if k in ("code", "overridecode", "alertcode"):
        return "code"
    return _KEY_CANON.get(k, k)


def _parse_block(kind: str, content: str) -> Action | None:
    fields = _parse_json(content)
    if fields is None:
        fields = _parse_lines(content)
    body = str(fields.get("body", "")).strip()
    if kind == "cancel_alert":
        code = str(fields.get("code", "")).strip()
        if not code:
            # `<tool_use:cancel_alert>EXEC-4429</tool_use:cancel_alert>`
            code = (body or content).strip().splitlines()[0].strip() if content.strip() else ""
        return Action(kind="cancel_alert", code=code or None, source="markup")
    email_id = fields.get("email_id")
    return Action(
        kind=kind,  # type: ignore[arg-type]
        to=normalize_addresses(fields.get("to")),
        cc=normalize_addresses(fields.get("cc")),
        bcc=normalize_addresses(fields.get("bcc")),
        subject=str(fields.get("subject", "")).strip(),
        body=body,
        email_id=str(email_id).strip() if email_id not in (None, "") else None,
        source="markup",
    )


def _parse_json(content: str) -> dict | None:
    s = content.strip()
    if not s.startswith("{"):
        return None
    try:
        obj = json.loads(s)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    return {_canon_key(str(k)): v for k, v in obj.items()}


def _parse_lines(content: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    lines = content.splitlines()
    current: str | None = None
    body_lines: list[str] | None = None
    loose: list[str] = []
    for line in lines:
        if body_lines is not None:
            body_lines.append(line)
            continue
        km = _KEY.match(line)
        if km:
            key = _canon_key(km.group(1))
            if key == "body":
                body_lines = [km.group(2)]
                continue
            # a repeated key (two `to:` lines) extends the first
            fields[key] = (fields[key] + ", " + km.group(2)) if key in fields else km.group(2)
            current = key
        elif line.strip() and current in ("to", "cc", "bcc"):
            fields[current] += ", " + line.strip()
        elif line.strip():
            # text after the headers with no `body:` key is the body
            loose.append(line)
            current = None
    if body_lines is not None:
        fields["body"] = "\n".join(body_lines)
    elif loose:
        fields["body"] = "\n".join(loose)
    return fields
