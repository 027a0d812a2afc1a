"""Load a scenario pack folder: validate pack.yaml, check every template, hash the files."""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from pydantic import ValidationError

from insider.errors import InsiderError
from insider.family import behaviour, behaviour_names, families
from insider.records import Facts
from insider.scenarios import templating
from insider.scenarios.grid import Condition, Grid
from insider.scenarios.schema import PackSpec, check_spec
from insider.scenarios.yamlsource import YamlSource

PACK_FILE = "pack.yaml"


def pack_dir(name: str) -> Path | None:
    """The folder of a registered family's scenario pack, if it is kept as one."""
    return getattr(families().get(name), "pack_dir", None)


def list_families() -> list[str]:
    """Names of the registered families whose scenarios are scenario packs."""
    return sorted(name for name in families() if pack_dir(name) is not None)


class Pack:
    """A loaded, checked scenario pack: its factors, conditions and compiled templates."""

    def __init__(self, spec: PackSpec, path: Path, builtin: bool):
        self.spec = spec
        self.path = path
        self.builtin = builtin
        self.name = spec.name
        self.behavior: str = spec.behavior
        self.description = spec.description
        self.factors: dict[str, list[str]] = {n: list(f.levels) for n, f in spec.factors.items()}
        self.defaults: dict[str, str] = {n: f.default or f.levels[0] for n, f in spec.factors.items()}
        self.grid = Grid(spec.name, spec.factors, spec.presets)
        self.facts_model: type[Facts] = behaviour(spec.behavior).facts
        self.env = templating.make_environment(path)
        self.inline: dict[str, jinja2.Template] = {}  # "emails.3.subject" -> compiled template

    def __repr__(self) -> str:
        return f"Pack({self.name!r}, path={str(self.path)!r})"

    @property
    def presets(self) -> list[str]:
        return self.grid.preset_names()

    @cached_property
    def hash(self) -> str:
        """sha256 over the pack folder's files and the shared partials it can include."""
        digest = hashlib.sha256()
        # Labels, not folder names: a copied pack hashes the same wherever it lives.
        for label, root in (("pack", self.path), ("_common", templating.COMMON_DIR)):
            for file in sorted(_pack_files(root)):
                digest.update(f"{label}/{file.relative_to(root).as_posix()}\0".encode())
                digest.update(file.read_bytes())
                digest.update(b"\0")
        return digest.hexdigest()

    def conditions(self, preset: str | None = None, factor_levels: dict[str, list[str]] | None = None) -> list[Condition]:
        """The preset's conditions (default: 'default'), each varied over `factor_levels` if given."""
        base = self.grid.preset(preset or "default")
        return self.grid.vary(base, factor_levels) if factor_levels else base

    def condition(self, condition_id: str) -> Condition:
        """A condition by id (the family prefix may be left off), from any valid combination."""
        wanted = condition_id if condition_id.startswith(f"{self.name}/") else f"{self.name}/{condition_id}"
        for cond in self.grid.full():
            if cond.id == wanted:
                return cond
        examples = ", ".join(c.id for c in self.conditions("default"))
        raise InsiderError(
            f"unknown condition {condition_id!r} for {self.name}; e.g. {examples} "
            f"(list them with `insider scenarios show {self.name} --preset full`)"
        )


def _pack_files(root: Path) -> list[Path]:
    return [
        p for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]


def load_pack(name_or_path: str | Path, builtin: bool = False) -> Pack:
    """A built-in family by name, or a folder holding pack.yaml (or the pack.yaml itself).

    Args:
        name_or_path: a registered family's name, or a folder.
        builtin: the folder ships with a family (runs record the pack by name, not path).
    """
    found = pack_dir(name_or_path) if isinstance(name_or_path, str) else None
    builtin = builtin or found is not None
    path = found if found is not None else Path(name_or_path)
    if path.is_file() and path.name == PACK_FILE:
        path = path.parent
    if not (path / PACK_FILE).is_file():
        raise InsiderError(
            f"no scenario pack {str(name_or_path)!r}: built-in families are {', '.join(list_families())}, "
            f"or give a folder that holds a {PACK_FILE}"
        )
    path = path.resolve()
    templating.check_pack_tree(path)  # no links, devices or FIFOs; every file within its size limit
    source = YamlSource(path / PACK_FILE)
    if not isinstance(source.data, dict):
        raise InsiderError(f"{source.path}: expected a mapping of keys (name, behavior, factors, ...) at the top level")
    try:
        spec = PackSpec.model_validate(source.data)
    except ValidationError as e:
        raise InsiderError(_describe(source, e)) from None
    problems = check_spec(spec)
    if spec.behavior not in behaviour_names():
        problems.insert(0, (("behavior",), f"unknown behaviour {spec.behavior!r}; "
                                             f"known behaviours are {', '.join(behaviour_names())}"))
    if problems:
        loc, message = problems[0]
        raise InsiderError(f"{source.where(loc)}: {message}")
    pack = Pack(spec, path, builtin)
    _check_templates(pack, source)
    return pack


def _describe(source: YamlSource, error: ValidationError) -> str:
    parts = []
    for err in error.errors()[:3]:
        loc = tuple(err["loc"])
        message = err["msg"]
        if err["type"] == "missing":
            message = f"missing required key '{loc[-1]}'"
        elif err["type"] == "extra_forbidden":
            message = f"unknown key '{loc[-1]}' (misspelt?)"
        elif "input" in err and err["type"].endswith("_type"):
            message += f", got {type(err['input']).__name__} {err['input']!r}"[:120]
        parts.append(f"{source.where(loc)}: {message}")
    more = len(error.errors()) - 3
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _check_templates(pack: Pack, source: YamlSource) -> None:
    """Compile every template now, so a broken or unsafe pack fails at load, not mid-run."""
    for root in (pack.path, templating.COMMON_DIR):
        for file in sorted(_pack_files(root)):
            if file.suffix == templating.TEMPLATE_SUFFIX:
                templating.check_file(pack.env, file, str(file))
    spec = pack.spec
    needed = [("system",), ("user",)] + [("emails", i, "template") for i, e in enumerate(spec.emails) if e.template]
    for loc in needed:
        name = getattr(spec, loc[0]) if len(loc) == 1 else spec.emails[loc[1]].template
        try:
            pack.env.get_template(name)
        except jinja2.TemplateNotFound:
            raise InsiderError(f"{source.where(loc)}: template file {name!r} not found in {pack.path} or the shared templates") from None
    for i, ctx_name in enumerate(spec.context):
        try:
            pack.env.get_template(ctx_name)
        except jinja2.TemplateNotFound:
            raise InsiderError(f"{source.where(('context', i))}: template file {ctx_name!r} not found") from None
    now = (0, spec.now)
    for i, email in enumerate(spec.emails):
        if (email.day, email.time) > now:
            raise InsiderError(f"{source.where(('emails', i, 'time'))}: email is later than `now` ({spec.now})")
        fields: dict[str, Any] = {"from": email.sender, "subject": email.subject}
        fields.update({f"to.{j}": t for j, t in enumerate(email.to)})
        if email.body is not None:
            fields["body"] = email.body
        for key, text in fields.items():
            loc = ("emails", i, *key.split("."))
            pack.inline[".".join(map(str, loc))] = templating.check_source(pack.env, text, source.where(loc))
    for key in spec.facts:
        if key not in pack.facts_model.model_fields:
            raise InsiderError(f"{source.where(('facts', key))}: unknown facts key for behaviour {spec.behavior}; "
                               f"known keys are {', '.join(pack.facts_model.model_fields)}")
    for loc, text in _string_leaves(spec.facts, ("facts",)):
        pack.inline[".".join(map(str, loc))] = templating.check_source(pack.env, text, source.where(loc))


def _string_leaves(value: Any, loc: tuple[Any, ...]):
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _string_leaves(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _string_leaves(v, (*loc, i))
