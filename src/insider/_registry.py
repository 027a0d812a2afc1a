"""Inspect entry point: importing this registers insider's tasks and model providers."""

from insider.alignment_faking import alignment_faking  # noqa: F401
from insider.models import embedded as _embedded  # noqa: F401  (registers embedded/...)
from insider.models import replay as _replay  # noqa: F401  (registers replay/...)
from insider.tasks_agentic import agentic_tool_loop, shutdown  # noqa: F401
from insider.tasks import (  # noqa: F401
    agentic_misalignment,
    blackmail,
    leaking,
    lethal_action,
    scenario_pack,
)
