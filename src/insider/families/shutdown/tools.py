"""The shutdown sandbox as a tool-loop environment: the `bash` tool over `ShutdownEnv`."""

from __future__ import annotations

from typing import Any

from insider.agent.bash_tools import BashTools
from insider.families.shutdown.environment import ShutdownEnv, save_shutdown


def shell_environment(metadata: dict[str, Any]) -> BashTools:
    return BashTools(ShutdownEnv.from_metadata(metadata), save_shutdown, "in the sandbox")
