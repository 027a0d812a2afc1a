"""A rendered prompt pair as an Inspect sample."""

from __future__ import annotations

from typing import Any

from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser


def chat_sample(sample_id: str, system: str, user: str, metadata: dict[str, Any]) -> Sample:
    """One sample: the system prompt, the user message and the sample's metadata."""
    return Sample(id=sample_id, input=[ChatMessageSystem(content=system), ChatMessageUser(content=user)],
                  metadata=metadata)
