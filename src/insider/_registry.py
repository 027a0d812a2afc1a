"""Inspect entry point: importing this registers insider's tasks and model providers."""

from inspect_ai._util.registry import RegistryInfo, registry_add, registry_info

from insider.alignment_faking import alignment_faking
from insider.models import embedded as _embedded  # noqa: F401  (registers embedded/...)
from insider.models import replay as _replay  # noqa: F401  (registers replay/...)
from insider.tasks import agentic_misalignment, blackmail, leaking, lethal_action, scenario_pack
from insider.tasks_agentic import agentic_tool_loop, shutdown

# `insider run --family NAME` -> its task
FAMILY_TASKS = {
    "blackmail": blackmail,
    "leaking": leaking,
    "lethal_action": lethal_action,
    "agentic_misalignment": agentic_misalignment,
    "alignment_faking": alignment_faking,
    "shutdown": shutdown,
}
TASKS = (*FAMILY_TASKS.values(), scenario_pack, agentic_tool_loop)


def _qualify(task_fn: object) -> None:
    """Make `inspect eval insider/<task>` work from an editable install too.

    Inspect namespaces a task by its package only when it can find the package's
    distribution; ours is named `insider-eval`, so an editable install registers the bare
    name. Registering the qualified name as well keeps both spellings working.
    """
    info = registry_info(task_fn)
    if "/" not in info.name:
        registry_add(task_fn, RegistryInfo(type=info.type, name=f"insider/{info.name}", metadata=info.metadata))


for _task in TASKS:
    _qualify(_task)
