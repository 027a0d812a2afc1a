"""Inspect entry point: importing this registers insider's tasks and model providers.

One task per registered family (`inspect eval insider/<family>`), plus `scenario_pack` for
a user's own pack folder (`-T pack=PATH`).
"""

from inspect_ai import task

from insider.family import family_names
from insider.inspect_adapter import qualify_task_name
from insider.models import embedded as _embedded  # noqa: F401  (registers embedded/...)
from insider.models import replay as _replay  # noqa: F401  (registers replay/...)
from insider.tasks import family_task_function

TASKS = {name: task(name=name)(family_task_function(name)) for name in family_names()}
TASKS["scenario_pack"] = task(name="scenario_pack")(family_task_function("scenario_pack"))

for _task in TASKS.values():
    qualify_task_name(_task)
