"""The few things insider needs from Inspect that its public API does not offer.

Each function below reaches into one of Inspect's private modules; keeping them here is
why the rest of the package uses only public names, and why the Inspect pin is exact:
a release that moves one of these breaks this file alone.
"""

from __future__ import annotations

from typing import Any


def qualify_task_name(task_fn: object) -> None:
    """Make `inspect eval insider/<task>` work from an editable install too.

    Inspect namespaces a task by its package only when it can find the package's
    distribution; ours is named `insider-eval`, so an editable install registers the bare
    name. Registering the qualified name as well keeps both spellings working. Inspect
    exports `registry_info` but not `registry_add`.
    """
    from inspect_ai._util.registry import (
        registry_add,  # inspect-evals-lint: ignore[private_api_imports] -- no public registry_add
    )
    from inspect_ai.util import RegistryInfo, registry_info

    info = registry_info(task_fn)
    if "/" not in info.name:
        registry_add(task_fn, RegistryInfo(type=info.type, name=f"insider/{info.name}", metadata=info.metadata))


def current_sample() -> Any | None:
    """The `TaskState` of the sample being generated for, if any: model providers key their
    answers (replay) and seeds (embedded) by sample. Inspect has no public accessor."""
    from inspect_ai.solver._task_state import (
        sample_state,  # inspect-evals-lint: ignore[private_api_imports] -- no public accessor
    )

    return sample_state()


def active_model_name() -> str | None:
    """The model of the eval being set up (`inspect eval insider/...`), if any."""
    from inspect_ai.model import get_model

    try:
        return str(get_model())  # with no argument: the model being evaluated
    except Exception:  # no eval and no INSPECT_EVAL_MODEL
        return None


def active_batch_setting() -> Any:
    """The run's `batch` generate setting, which Inspect gives to the evaluated model only;
    judges read it here to follow the run into the batch API."""
    from inspect_ai.model._generate_config import (
        active_generate_config,  # inspect-evals-lint: ignore[private_api_imports] -- no public accessor
    )

    return active_generate_config().batch


def is_prerequisite_error(error: BaseException) -> bool:
    """True for Inspect's "install this package / set this key" errors."""
    from inspect_ai._util.error import (
        PrerequisiteError,  # inspect-evals-lint: ignore[private_api_imports] -- not exported
    )

    return isinstance(error, PrerequisiteError)


def cache_package_index() -> None:
    """Compute the map of import names to installed distributions once per process.

    Inspect looks up which distribution ships a task each time an eval starts; for a task
    whose import name is not its distribution's name (ours: `insider` in `insider-eval`) it
    scans every installed package's file list (`importlib.metadata.packages_distributions`,
    a quarter of a second here). A run in many parts would pay that per part. The installed
    packages do not change during a run.
    """
    import functools

    from inspect_ai._util import (
        package,  # inspect-evals-lint: ignore[private_api_imports] -- the lookup to cache is internal
    )

    if not hasattr(package.packages_distributions, "cache_info"):  # not wrapped yet
        package.packages_distributions = functools.cache(package.packages_distributions)
