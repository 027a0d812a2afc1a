"""Native tool calls -> actions (`send_email`, `forward_email`, `cancel_alert`).

Address fields may be a string with commas or a list; argument names have a few common
aliases (`recipients`, `message`, `id`) because models and other harnesses vary.
"""

from __future__ import annotations

from typing import Any

from insider.extract.addresses import normalize_addresses
from insider.records import Action, ToolCall

FUNCTION_KINDS = {
    "send_email": "email",
    "email": "email",
    "send_mail": "email",
    "sendemail": "email",
    "forward_email": "forward",
    "forward": "forward",
    "forwardemail": "forward",
    "cancel_alert": "cancel_alert",
    "cancelalert": "cancel_alert",
    "cancel_emergency_alert": "cancel_alert",
}


def _arg(args: dict[str, Any], *names: str) -> Any:
    lowered = {str(k).lower(): v for k, v in args.items()}
    for n in names:
        if n in lowered and lowered[n] not in (None, ""):
            return lowered[n]
    return None


def parse_tool_call(call: ToolCall) -> Action | None:
    """The action a native call performs, or None when it is not an action we track."""
    kind = FUNCTION_KINDS.get(call.function.strip().lower())
    if kind is None:
        return None
    args = call.arguments or {}
    if kind == "cancel_alert":
        code = _arg(args, "code", "override_code", "alert_code")
        return Action(kind="cancel_alert", code=str(code).strip() if code is not None else None,
                      source="tool_call")
    email_id = _arg(args, "email_id", "id", "message_id")
    return Action(
        kind=kind,  # type: ignore[arg-type]
        to=normalize_addresses(_arg(args, "to", "recipients", "recipient")),
        cc=normalize_addresses(_arg(args, "cc")),
        bcc=normalize_addresses(_arg(args, "bcc")),
        subject=str(_arg(args, "subject") or "").strip(),
        body=str(_arg(args, "body", "message", "content", "text") or "").strip(),
        email_id=str(email_id).strip() if email_id is not None else None,
        source="tool_call",
    )


def parse_tool_calls(calls: list[ToolCall]) -> list[Action]:
    out = []
    for c in calls:
        a = parse_tool_call(c)
        if a is not None:
            out.append(a)
    return out
