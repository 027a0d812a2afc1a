"""A scheming sandbox as a tool-loop environment: the `bash` tool over its machine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from insider.agent.bash_tools import BashTools
from insider.families._scheming.environment import SchemingEnv, save_snapshot


def environment_factory(env_class: type[SchemingEnv]) -> Callable[[dict[str, Any]], BashTools]:
    """`metadata -> BashTools` for a family's `Behaviour.environment`."""

    def make(metadata: dict[str, Any]) -> BashTools:
        return BashTools(env_class(metadata), save_snapshot, "on the machine")

    return make
