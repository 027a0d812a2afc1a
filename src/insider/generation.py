"""Generation settings a run passes to Inspect: reasoning effort and budget, and any other
field of Inspect's `GenerateConfig` (`--generate KEY=VALUE`).

They apply to the model under test (Inspect's eval-level generate config, which wins over
the task's) and are recorded in every log's `model_generate_config`, which the report's
reproducibility block shows. Options the run has flags for are refused here, so no setting
has two spellings that could disagree.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterable
from typing import Any

from insider.errors import InsiderError

# Fields set by their own `insider run` options (or by insider itself).
OWN_FLAGS = {
    "temperature": "--temperature",
    "max_tokens": "--max-tokens",
    "max_connections": "--max-connections",
    "batch": "--batch",
    "cache": "--cache",
    "reasoning_effort": "--reasoning-effort",
    "reasoning_tokens": "--reasoning-tokens",
}


def generate_fields() -> dict[str, Any]:
    """Inspect's `GenerateConfig` fields, by name."""
    from inspect_ai.model import GenerateConfig

    return dict(GenerateConfig.model_fields)


def reasoning_efforts() -> tuple[str, ...]:
    """The values Inspect accepts for `reasoning_effort`."""
    annotation = generate_fields()["reasoning_effort"].annotation
    for arg in typing.get_args(annotation):
        values = typing.get_args(arg)
        if values:
            return tuple(values)
    return ("none", "minimal", "low", "medium", "high", "xhigh")


def _value(text: str) -> Any:
    """JSON when the text parses as JSON (numbers, true/false, lists, objects), else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_generate_settings(items: Iterable[str]) -> dict[str, Any]:
    """["top_p=0.9", "stop_seqs=[\"END\"]", ...] -> {"top_p": 0.9, ...}, validated.

    Args:
        items: KEY=VALUE strings; KEY a field of Inspect's GenerateConfig, VALUE parsed as
            JSON when it is JSON, else kept as text.
    """
    out: dict[str, Any] = {}
    known = generate_fields()
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            raise InsiderError(f"--generate {item!r}: expected KEY=VALUE, e.g. top_p=0.95")
        if key in OWN_FLAGS:
            raise InsiderError(f"--generate {key}: use {OWN_FLAGS[key]} instead")
        if key not in known:
            raise InsiderError(f"--generate {key}: not a field of Inspect's GenerateConfig; one of "
                               + ", ".join(sorted(k for k in known if k not in OWN_FLAGS)))
        out[key] = _value(raw.strip())
    return validate(out)


def validate(settings: dict[str, Any]) -> dict[str, Any]:
    """`settings` checked against Inspect's GenerateConfig (types, allowed values)."""
    from inspect_ai.model import GenerateConfig
    from pydantic import ValidationError

    try:
        GenerateConfig(**settings)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ())) or "?"
        raise InsiderError(f"--generate {where}={json.dumps(settings.get(where), default=str)}: "
                           f"{err.get('msg', 'invalid value')}") from None
    except TypeError as e:
        raise InsiderError(f"--generate: {e}") from None
    return settings


def run_generate_config(reasoning_effort: str | None = None, reasoning_tokens: int | None = None,
                        generate: dict[str, Any] | None = None) -> dict[str, Any]:
    """The generate settings a run hands to Inspect (only those set), validated.

    Args:
        reasoning_effort: one of `reasoning_efforts()`, or None.
        reasoning_tokens: a thinking budget in tokens (>= 1), or None.
        generate: further GenerateConfig fields (from `parse_generate_settings`).
    """
    out = dict(generate or {})
    for key in set(out) & set(OWN_FLAGS):
        raise InsiderError(f"--generate {key}: use {OWN_FLAGS[key]} instead")
    if reasoning_effort is not None:
        if reasoning_effort not in reasoning_efforts():
            raise InsiderError(f"--reasoning-effort {reasoning_effort!r}: choose one of "
                               + ", ".join(reasoning_efforts()))
        out["reasoning_effort"] = reasoning_effort
    if reasoning_tokens is not None:
        if reasoning_tokens < 1:
            raise InsiderError(f"--reasoning-tokens must be at least 1 (got {reasoning_tokens})")
        out["reasoning_tokens"] = reasoning_tokens
    return validate(out)
