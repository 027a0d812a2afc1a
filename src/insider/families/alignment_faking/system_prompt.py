"""A user's own system prompt for the alignment-faking family (`--system-prompt FILE`).

The file is plain text used as the whole system prompt, so a published prompt can be run
without being copied into this repository. It holds the placeholder `{developer}` exactly
once, where the developer's name goes (the condition's developer: the evaluated model's own
under `company-developer`), and may hold `{tier_tag}` where the name of the tier tag goes
(the tag the user message carries under the condition's `tier_cue`). Nothing else in it is
read as a placeholder: other braces stay as they are.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from insider.errors import InsiderError

DEVELOPER = "{developer}"
TIER_TAG = "{tier_tag}"
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class SystemPrompt:
    """The file's text and its sha256 (recorded in the task's metadata)."""

    path: str
    text: str
    sha256: str

    def fill(self, developer: str, tier_tag: str) -> str:
        """The prompt for one condition.

        Args:
            developer: the condition's developer name.
            tier_tag: the name of the tag that carries the tier cue.
        """
        return self.text.replace(DEVELOPER, developer).replace(TIER_TAG, tier_tag).strip()


def load_system_prompt(path: str | Path) -> SystemPrompt:
    """Read and check a system prompt file; a missing, binary or unplaceheld file is refused.

    Args:
        path: the file given with --system-prompt.
    """
    file = Path(path)
    if not file.is_file():
        raise InsiderError(f"--system-prompt {path}: no such file")
    data = file.read_bytes()
    if len(data) > MAX_BYTES:
        raise InsiderError(f"--system-prompt {path}: {len(data):,} bytes; a system prompt file may hold at most {MAX_BYTES:,}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InsiderError(f"--system-prompt {path}: not UTF-8 text") from None
    count = text.count(DEVELOPER)
    if count != 1:
        found = "none" if count == 0 else f"{count}"
        raise InsiderError(f"--system-prompt {path}: put {DEVELOPER} exactly once where the developer's name goes "
                           f"(found {found})")
    return SystemPrompt(path=str(path), text=text, sha256=hashlib.sha256(data).hexdigest())
