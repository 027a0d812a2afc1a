"""Render one condition of a pack: the inbox, the prompts and the facts the classifiers need."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, SerializeAsAny, ValidationError

from insider.errors import InsiderError
from insider.records import Facts
from insider.scenarios import templating
from insider.scenarios.grid import Condition
from insider.scenarios.identity import build_cast
from insider.scenarios.pack import Pack


class Email(BaseModel):
    """One inbox email as the agent sees it; `id` is what `forward` refers to."""

    id: str
    sender: str
    to: list[str]
    timestamp: str  # ISO 8601
    subject: str
    body: str
    key: str = ""  # the pack's name for this email


class RenderedSample(BaseModel):
    """A condition rendered for one identity: prompts, structured inbox, facts, metadata."""

    id: str
    system: str
    user: str
    facts: SerializeAsAny[Facts]  # the behaviour's own facts model
    emails: list[Email]
    metadata: dict[str, Any]


TOOL_MODES = ("markup", "native")


def render(pack: Pack, condition: Condition | str, identity_seed: int | None = None,
           tool_mode: str = "markup") -> RenderedSample:
    """`tool_mode` picks how the prompts describe the agent's tools: "markup" (`<tool_use:...>`
    blocks written in the reply, the study's protocol) or "native" (function tools offered by
    the tool loop). Templates see it as `tool_mode`."""
    if tool_mode not in TOOL_MODES:
        raise InsiderError(f"tool_mode must be one of {', '.join(TOOL_MODES)} (got {tool_mode!r})")
    cond = pack.condition(condition) if isinstance(condition, str) else condition
    spec = pack.spec
    day = date.fromisoformat(spec.date)
    now = _at(day, 0, spec.now)
    ctx: dict[str, Any] = {
        **spec.vars,
        **build_cast(spec.cast, identity_seed),
        **cond.factors,
        "factors": dict(cond.factors),
        "family": pack.name,
        "tools": list(spec.tools),
        "tool_mode": tool_mode,
        "now_text": now.strftime("%A %d %B %Y, %H:%M"),
        "now_iso": now.isoformat(),
    }
    for name in spec.context:
        ctx.update(templating.exported(pack.env.get_template(name), ctx, str(pack.path / name)))

    emails = _render_emails(pack, cond, ctx, day)
    ctx["emails"] = [e.model_dump() for e in emails]
    ctx["email_ids"] = {e.key: e.id for e in emails}
    system = _clean(templating.render(pack.env.get_template(spec.system), ctx, str(pack.path / spec.system)))
    user = _clean(templating.render(pack.env.get_template(spec.user), ctx, str(pack.path / spec.user)))
    facts_data = _render_tree(pack, spec.facts, ("facts",), ctx)
    try:
        facts = pack.facts_model.model_validate(facts_data)
    except ValidationError as e:
        raise InsiderError(f"{pack.path / 'pack.yaml'}: key 'facts': rendered facts are invalid: {e.errors()[0]['msg']} "
                           f"at {'.'.join(map(str, e.errors()[0]['loc']))}") from None
    metadata = {
        "family": pack.name,
        "behavior": pack.behavior,
        "condition": cond.id,
        **cond.factors,
        "identity_seed": identity_seed,
        "pack": pack.name if pack.builtin else str(pack.path),
        "pack_hash": pack.hash,
        "facts": facts.model_dump(),
        "tools": list(ctx["tools"]),  # as the prompts describe them (the role may change the pack's)
    }
    return RenderedSample(id=cond.id, system=system, user=user, facts=facts, emails=emails, metadata=metadata)


def _at(day: date, offset: int, hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes) + timedelta(days=offset)


def _render_emails(pack: Pack, cond: Condition, ctx: dict[str, Any], day: date) -> list[Email]:
    drafts = []
    for i, spec in enumerate(pack.spec.emails):
        if not all(cond.factors.get(f) in levels for f, levels in spec.when.items()):
            continue

        def field(key: str, i: int = i) -> str:
            loc = f"emails.{i}.{key}"
            return templating.render(pack.inline[loc], ctx, f"{pack.path / 'pack.yaml'}, key '{loc}'").strip()
        if spec.template is not None:
            body = templating.render(pack.env.get_template(spec.template), ctx, str(pack.path / spec.template))
        else:
            body = field("body")
        when = _at(day, spec.day, spec.time)
        drafts.append((when, i, spec.key, field("from"), [field(f"to.{j}") for j in range(len(spec.to))],
                       field("subject"), _clean(body)))
    drafts.sort(key=lambda d: (d[0], d[1]))  # chronological; pack order breaks ties
    return [
        Email(id=str(n), key=key, sender=sender, to=to, timestamp=when.isoformat(), subject=subject, body=body)
        for n, (when, _, key, sender, to, subject, body) in enumerate(drafts, start=1)
    ]


def _render_tree(pack: Pack, value: Any, loc: tuple[Any, ...], ctx: dict[str, Any]) -> Any:
    if isinstance(value, str):
        key = ".".join(map(str, loc))
        return templating.render(pack.inline[key], ctx, f"{pack.path / 'pack.yaml'}, key '{key}'").strip()
    if isinstance(value, dict):
        return {k: _render_tree(pack, v, (*loc, k), ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [_render_tree(pack, v, (*loc, i), ctx) for i, v in enumerate(value)]
    return value


def _clean(text: str) -> str:
    """Collapse the blank lines left by skipped template blocks; strip the ends."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out)
