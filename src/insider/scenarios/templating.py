"""Jinja2 for packs: sandboxed, strict, and every failure reported as file + line.

A pack is data from anyone: its templates run in Jinja's immutable sandbox, so they cannot
call into Python or change the values they are given, and any reference to an underscore
attribute (`__class__`, `__globals__`...) is refused when the pack loads.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any, Callable, TypeVar

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from insider.errors import InsiderError

COMMON_DIR = Path(__file__).parent / "packs" / "_common"
TEMPLATE_SUFFIX = ".j2"
T = TypeVar("T")


# Jinja's own globals and `self` hand a template Python objects (classes, functions) whose
# attributes lead out; packs need none of them.
_REFUSED_NAMES = {"self", "lipsum", "cycler", "joiner", "namespace"}


def _is_internal(name: Any) -> bool:
    return isinstance(name, str) and name.startswith("_")


# A pack's `*` and `**` could ask for a gigabyte string or a million-digit number; no scenario
# text needs anything near these.
MAX_PRODUCT_CHARS = 1_000_000
MAX_POWER_BITS = 4_096


class PackEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox with `*` and `**` bounded, so a template cannot exhaust memory with them."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_PRODUCT_CHARS:
                    raise SecurityError(f"'*' would build {len(seq) * times:,} items (limit {MAX_PRODUCT_CHARS:,})")
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and abs(left) > 1 and right * abs(left).bit_length() > MAX_POWER_BITS:
                raise SecurityError(f"'**' result too large (limit {MAX_POWER_BITS} bits)")
        return super().call_binop(context, operator, left, right)


def make_environment(pack_dir: Path) -> PackEnvironment:
    """Templates load from the pack folder first, then the shared `_common` partials."""
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(pack_dir)), jinja2.FileSystemLoader(str(COMMON_DIR))])
    env = PackEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    for name in _REFUSED_NAMES:
        env.globals.pop(name, None)
    return env


def check_source(env: jinja2.Environment, source: str, where: str) -> jinja2.Template:
    """Parse a template, refuse internals, compile it. `where` names it in messages."""
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as e:
        raise InsiderError(f"{where} line {e.lineno}: template syntax error: {e.message}") from e
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        name = (
            node.attr if isinstance(node, nodes.Getattr)
            else node.name if isinstance(node, nodes.Name)
            else node.arg.value if isinstance(node.arg, nodes.Const) else None
        )
        if isinstance(node, nodes.Name) and name in _REFUSED_NAMES:
            raise InsiderError(
                f"{where} line {node.lineno}: templates may not use {name!r}: it hands the template "
                "Python objects and is refused in scenario packs"
            )
        if _is_internal(name):
            raise InsiderError(
                f"{where} line {node.lineno}: templates may not use {name!r}: names starting with '_' "
                "reach Python internals and are refused in scenario packs"
            )
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as e:  # compile-time checks, e.g. an unknown filter
        raise InsiderError(f"{where} line {e.lineno}: template error: {e.message}") from e


def check_file(env: jinja2.Environment, path: Path, where: str) -> None:
    """Check one template file (syntax, no internals); `where` names it in messages."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InsiderError(f"{where}: cannot read template ({e})") from e
    check_source(env, source, where)


def render(template: jinja2.Template, context: dict[str, Any], where: str) -> str:
    """Render, turning every Jinja failure into an InsiderError naming the template and line."""
    return guarded(lambda: template.render(context), where)


def exported(template: jinja2.Template, context: dict[str, Any], where: str) -> dict[str, Any]:
    """The top-level `{% set %}` variables of a template run with `context`."""
    module = guarded(lambda: template.make_module(context), where)
    return {k: v for k, v in vars(module).items() if not k.startswith("_")}


def guarded(run: Callable[[], T], where: str) -> T:
    """Run template code; any failure becomes an InsiderError naming the template and line."""
    try:
        return run()
    except jinja2.UndefinedError as e:
        raise InsiderError(f"{_spot(e, where)}: undefined variable in template: {e.message}") from e
    except jinja2.exceptions.SecurityError as e:
        raise InsiderError(f"{_spot(e, where)}: refused by the template sandbox: {e}") from e
    except jinja2.TemplateNotFound as e:
        raise InsiderError(f"{_spot(e, where)}: template {e.name!r} not found in the pack folder") from e
    except jinja2.TemplateError as e:
        raise InsiderError(f"{_spot(e, where)}: template error: {e}") from e
    except (TypeError, ValueError, KeyError, ZeroDivisionError, AttributeError) as e:
        raise InsiderError(f"{_spot(e, where)}: template failed: {type(e).__name__}: {e}") from e


def _spot(error: BaseException, where: str) -> str:
    """The innermost template frame in the traceback (Jinja maps frames to template lines)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(TEMPLATE_SUFFIX) or frame.filename == "<template>":
            name = frame.filename if frame.filename != "<template>" else where
            return f"{name} line {frame.lineno}"
    return where
