"""Jinja2 for packs: sandboxed, bounded, strict, and every failure reported as file + line.

A pack is data from anyone: its templates run in Jinja's immutable sandbox, so they cannot
call into Python or change the values they are given, and any reference to an underscore
attribute (`__class__`, `__globals__`...) is refused when the pack loads.

The sandbox does not bound time or memory, so rendering also runs on a budget (the limits
below, listed in docs/LIMITS.md): every operator, call, filter, `~`, output expression and
loop iteration is checked before it builds anything large, and a template that goes over
raises one error naming it. Templates are read only as regular files (no links) inside the
pack folder or the shared partials, each under its size limit.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import threading
import time
import traceback
import types
from collections.abc import Callable, Generator, ItemsView, Iterator, KeysView, ValuesView
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from jinja2 import filters as jinja_filters
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.environment import TemplateModule
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.utils import _PassArg, pass_environment, pass_eval_context

from insider.errors import InsiderError
from insider.scenarios import files
from insider.scenarios.files import check_pack_tree  # noqa: F401  (load_pack checks the folder through here)

COMMON_DIR = Path(__file__).parent / "common"
TEMPLATE_SUFFIX = ".j2"
T = TypeVar("T")


# Jinja's own globals and `self` hand a template Python objects (classes, functions) whose
# attributes lead out; packs need none of them.
_REFUSED_NAMES = {"self", "lipsum", "cycler", "joiner", "namespace"}


def _is_internal(name: Any) -> bool:
    return isinstance(name, str) and name.startswith("_")


# -- the rendering budget ------------------------------------------------------------------
# No scenario text needs anything near these; the built-in packs render a sample in a few
# milliseconds and a few tens of kilobytes.
MAX_VALUE_CHARS = 1_000_000  # one string, list or text block a template builds
MAX_PRODUCT_CHARS = MAX_VALUE_CHARS  # `*` on a string or list
MAX_POWER_BITS = 4_096  # `**` on integers
MAX_INT_BITS = 4_096  # `*` on integers
MAX_TEMPLATE_OUTPUT_CHARS = 1_000_000  # one template's rendered text
MAX_SAMPLE_OUTPUT_CHARS = 4_000_000  # all the templates of one sample
MAX_SAMPLE_BUILT_CHARS = 64_000_000  # every string and list built while rendering one sample
MAX_LOOP_ITERATIONS = 1_000_000  # loop iterations in one sample, all loops together
MAX_STEPS = 1_000_000  # operators, calls, filters and outputs in one sample
MAX_CALL_DEPTH = 64  # macros, `caller()` and recursive loops inside each other
MAX_TEMPLATE_LOADS = 1_000  # include / import / extends in one sample
MAX_RENDER_SECONDS = 10.0  # time spent rendering one sample
MAX_RANGE = 100_000  # `range()`, `slice` (Jinja's sandbox bound for range)


class BudgetExceeded(SecurityError):
    """A template went over one of the rendering limits."""


@dataclass
class _Budget:
    """What one sample has spent so far; every template it renders draws on it."""

    spent: float = 0.0  # seconds, renders before the current one
    deadline: float = 0.0  # time.monotonic() at which the current render runs out
    steps: int = 0
    iterations: int = 0
    depth: int = 0
    loads: int = 0
    built: int = 0
    output: int = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise BudgetExceeded(f"more than {MAX_STEPS:,} operations")
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"rendering took longer than {MAX_RENDER_SECONDS:g} seconds")

    def iterate(self) -> None:
        self.iterations += 1
        if self.iterations > MAX_LOOP_ITERATIONS:
            raise BudgetExceeded(f"more than {MAX_LOOP_ITERATIONS:,} loop iterations")
        if self.iterations & 0xFF == 0 and time.monotonic() > self.deadline:
            raise BudgetExceeded(f"rendering took longer than {MAX_RENDER_SECONDS:g} seconds")

    def build(self, n: int, what: str) -> None:
        if n > MAX_VALUE_CHARS:
            raise BudgetExceeded(f"{what} would build {n:,} characters or items (limit {MAX_VALUE_CHARS:,})")
        self.built += n
        if self.built > MAX_SAMPLE_BUILT_CHARS:
            raise BudgetExceeded(f"more than {MAX_SAMPLE_BUILT_CHARS:,} characters built in one sample")

    def load(self, name: Any) -> None:
        self.loads += 1
        if self.loads > MAX_TEMPLATE_LOADS:
            raise BudgetExceeded(f"more than {MAX_TEMPLATE_LOADS:,} include/import/extends (is {name!r} "
                                 "including itself?)")


_ACTIVE: ContextVar[_Budget | None] = ContextVar("insider_template_budget", default=None)
_LAST = threading.local()  # the context dict of the latest render on this thread, and its budget


def _budget() -> _Budget:
    """The budget of the render in progress (a throwaway one outside any render)."""
    b = _ACTIVE.get()
    if b is None:
        b = _Budget(deadline=time.monotonic() + MAX_RENDER_SECONDS)
    return b


@contextmanager
def sample_budget() -> Generator[None, None, None]:
    """Everything rendered inside shares one budget (the templates of one sample)."""
    if _ACTIVE.get() is not None:
        yield
        return
    token = _ACTIVE.set(_Budget())
    try:
        with _rendering(None):
            yield
    finally:
        _ACTIVE.reset(token)


@contextmanager
def _rendering(context: object | None) -> Generator[None, None, None]:
    """Render on the active budget, else on the sample's: renders passed the same context
    dict one after another belong to one sample (a sample's templates share one dict)."""
    outer = _ACTIVE.get()
    if outer is not None and outer.deadline:
        yield
        return
    budget = outer
    if budget is None:
        if context is not None and getattr(_LAST, "context", None) is context:
            budget = _LAST.budget
        else:
            budget = _Budget()
        if context is not None:
            _LAST.context, _LAST.budget = context, budget
    start = time.monotonic()
    budget.deadline = start + max(MAX_RENDER_SECONDS - budget.spent, 0.0)
    token = _ACTIVE.set(budget)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
        budget.spent += time.monotonic() - start
        budget.deadline = 0.0


def _size(value: Any, limit: int = MAX_VALUE_CHARS) -> int:
    """About how many characters `str(value)` has, counted only until it passes `limit`."""
    if isinstance(value, str):
        return len(value)
    total = 0
    stack = [value]
    while stack and total <= limit:
        v = stack.pop()
        if isinstance(v, str):
            total += len(v) + 4
        elif isinstance(v, (bytes, bytearray)):
            total += 4 * len(v) + 3
        elif v is None or isinstance(v, bool):
            total += 5
        elif isinstance(v, int):
            total += v.bit_length() // 3 + 2
        elif isinstance(v, float):
            total += 24
        elif isinstance(v, dict):
            total += 2 + 4 * len(v)
            if total <= limit:
                stack.extend(itertools.chain.from_iterable(v.items()))
        elif isinstance(v, (list, tuple, set, frozenset, KeysView, ValuesView, ItemsView)):
            total += 2 + 2 * len(v)
            if total <= limit:
                stack.extend(v)
        elif isinstance(v, TemplateModule):
            stack.extend(v._body_stream)
        else:
            total += 64
    return total


def _too_large(value: Any, what: str) -> None:
    if _size(value) > MAX_VALUE_CHARS:
        raise BudgetExceeded(f"{what} on a value of more than {MAX_VALUE_CHARS:,} characters")


def _take(iterable: Any, what: str) -> list[Any] | tuple[Any, ...]:
    """The items of `iterable`, refused when there are more than MAX_VALUE_CHARS."""
    if isinstance(iterable, (list, tuple)):
        if len(iterable) > MAX_VALUE_CHARS:
            raise BudgetExceeded(f"{what} over more than {MAX_VALUE_CHARS:,} items")
        return iterable
    out = []
    for item in iterable:
        out.append(item)
        if len(out) > MAX_VALUE_CHARS:
            raise BudgetExceeded(f"{what} over more than {MAX_VALUE_CHARS:,} items")
    return out


def _built(b: _Budget, result: Any, what: str) -> Any:
    if isinstance(result, (str, list, tuple, dict, set, frozenset)):
        b.build(len(result), what)
    return result


def _count_of(s: str, old: str) -> int:
    return s.count(old) if old else len(s) + 1


# Python's %-formatting: a width or precision is what can make a huge string.
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?[diouxXeEfFgGcrsa%]")
# str.format's spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?", re.DOTALL)


def _number(digits: str | None) -> int:
    if not digits:
        return 0
    return MAX_VALUE_CHARS + 1 if len(digits) > 7 else int(digits)


def _printf(fmt: str, args: Any) -> str:
    """`fmt % args`, refused when the widths and precisions ask for a huge string."""
    estimate = len(fmt) + _size(args)
    for m in _PRINTF.finditer(fmt):
        if "*" in (m.group(1), m.group(2)):
            raise SecurityError("'*' widths in %-formatting are not available in scenario templates; write the number")
        estimate += _number(m.group(1)) + _number(m.group(2))
    if estimate > MAX_VALUE_CHARS:
        raise BudgetExceeded(f"'%' formatting would build about {estimate:,} characters (limit {MAX_VALUE_CHARS:,})")
    return fmt % args


class _BoundedFormatter(SandboxedFormatter):
    """str.format in the sandbox, refusing widths, precisions and totals over the limit."""

    def __init__(self, env: jinja2.Environment) -> None:
        super().__init__(env)
        self.estimate = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        m = _FORMAT_SPEC.match(format_spec)
        width, precision = (_number(m.group(1)), _number(m.group(2))) if m else (0, 0)
        self.estimate += width + precision + _size(value)
        if self.estimate > MAX_VALUE_CHARS:
            raise BudgetExceeded(f"str.format would build about {self.estimate:,} characters (limit {MAX_VALUE_CHARS:,})")
        return super().format_field(value, format_spec)


# String methods a template may call: these return at most about their input.
_STR_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha", "isascii",
    "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle",
    "isupper", "lower", "lstrip", "partition", "removeprefix", "removesuffix", "rfind", "rindex",
    "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
    "upper",
})
# ... and these, whose arguments can make them build a huge string, once their size is known.
_STR_SIZED = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "join", "replace"})


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], i: int, name: str, default: Any) -> Any:
    return args[i] if len(args) > i else kwargs.get(name, default)


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _sized_str_call(s: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a str method call that would build too much; the (maybe materialised) args."""
    what = f"str.{name}()"
    if name in ("center", "ljust", "rjust", "zfill"):
        estimate = max(len(s), _int(_arg(args, kwargs, 0, "width", 0)))
    elif name == "expandtabs":
        estimate = len(s) + s.count("\t") * max(_int(_arg(args, kwargs, 0, "tabsize", 8)), 0)
    elif name == "replace":
        old, new = _arg(args, kwargs, 0, "old", ""), _arg(args, kwargs, 1, "new", "")
        if not (isinstance(old, str) and isinstance(new, str)):
            return args
        count = _int(_arg(args, kwargs, 2, "count", -1))
        n = _count_of(s, old) if count < 0 else min(count, _count_of(s, old))
        estimate = len(s) + n * max(len(new) - len(old), 0)
    else:  # join
        items = _take(args[0], what) if args else ()
        estimate = sum(_size(x) for x in items) + len(s) * max(len(items) - 1, 0)
        args = (items, *args[1:])
    if estimate > MAX_VALUE_CHARS:
        raise BudgetExceeded(f"{what} would build about {estimate:,} characters (limit {MAX_VALUE_CHARS:,})")
    return args


# -- filters ----------------------------------------------------------------------------------
# Filters that turn their input into text: their input must be of a printable size first.
_STRINGIFYING = frozenset({
    "capitalize", "center", "e", "escape", "forceescape", "format", "indent", "lower", "upper", "replace",
    "safe", "striptags", "title", "trim", "truncate", "urlencode", "urlize", "wordcount", "wordwrap",
    "string", "pprint", "tojson", "xmlattr", "join",
})


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` counted on the budget, its input size-checked, its result counted as built."""
    skip = 0 if _PassArg.from_obj(func) is None else 1
    estimate = _ESTIMATES.get(name)

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        b = _budget()
        b.step()
        what = f"filter '{name}'"
        if name in _STRINGIFYING:
            for a in itertools.chain(args[skip:], kwargs.values()):
                _too_large(a, what)
        if estimate is not None and len(args) > skip:
            n = estimate(args[skip], args[skip + 1:], kwargs)
            if n > MAX_VALUE_CHARS:
                raise BudgetExceeded(f"{what} would build about {n:,} characters (limit {MAX_VALUE_CHARS:,})")
        return _built(b, func(*args, **kwargs), what)

    return run


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _est_center(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return max(_size(value), _int(_arg(args, kwargs, 0, "width", 80)))


def _est_indent(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    width = _arg(args, kwargs, 0, "width", 4)
    per_line = len(width) if isinstance(width, str) else _int(width)
    s = _text(value)
    return len(s) + (s.count("\n") + 1) * max(per_line, 0)


def _est_wordwrap(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    s = _text(value)
    width = max(_int(_arg(args, kwargs, 0, "width", 79)), 1)
    wrap = _arg(args, kwargs, 2, "wrapstring", None)
    return len(s) + (len(s) // width + s.count("\n") + 1) * (len(wrap) if isinstance(wrap, str) else 2)


def _est_replace(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    s, old, new = _text(value), _text(_arg(args, kwargs, 0, "old", "")), _text(_arg(args, kwargs, 1, "new", ""))
    count = _arg(args, kwargs, 2, "count", None)
    n = _count_of(s, old) if count is None else min(_int(count), _count_of(s, old))
    return len(s) + n * max(len(new) - len(old), 0)


def _est_batch(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    fill = _arg(args, kwargs, 1, "fill_with", None)
    return _int(_arg(args, kwargs, 0, "linecount", 0)) if fill is not None else 0


def _est_slice(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    slices = _int(_arg(args, kwargs, 0, "slices", 0))
    return MAX_VALUE_CHARS + 1 if slices > MAX_RANGE else 0


def _est_escaped(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return 6 * _size(value)  # `"` becomes `&#34;`


def _est_tojson(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    indent = _int(_arg(args, kwargs, 0, "indent", 0))
    return MAX_VALUE_CHARS + 1 if indent > 16 else 6 * _size(value) * (1 + indent)


def _est_urlize(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    s = _text(value)
    extra = sum(len(_text(_arg(args, kwargs, i, k, ""))) for i, k in ((2, "target"), (3, "rel")))
    return 4 * len(s) + (len(s) // 4 + 1) * (extra + 64)


_ESTIMATES: dict[str, Callable[[Any, tuple[Any, ...], dict[str, Any]], int]] = {
    "center": _est_center, "indent": _est_indent, "wordwrap": _est_wordwrap, "replace": _est_replace,
    "batch": _est_batch, "slice": _est_slice, "e": _est_escaped, "escape": _est_escaped,
    "forceescape": _est_escaped, "xmlattr": _est_escaped, "tojson": _est_tojson, "urlize": _est_urlize,
}


def _do_format(value: Any, *args: Any, **kwargs: Any) -> str:
    """The `format` filter (`"%s, %s"|format(a, b)`), through the bounded `%`."""
    if args and kwargs:
        raise jinja2.FilterArgumentError("can't handle positional and keyword arguments at the same time")
    return _printf(_text(value), kwargs or args)


@pass_eval_context
def _do_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    items = _take(value, "filter 'join'")
    if attribute is not None:
        getter = jinja_filters.make_attrgetter(eval_ctx.environment, attribute)
        items = [getter(x) for x in items]
    estimate = sum(_size(x) for x in items) + len(_text(d)) * max(len(items) - 1, 0)
    if estimate > MAX_VALUE_CHARS:
        raise BudgetExceeded(f"filter 'join' would build about {estimate:,} characters (limit {MAX_VALUE_CHARS:,})")
    return jinja_filters.do_join(eval_ctx, items, d)


@pass_environment
def _do_sum(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    items = _take(iterable, "filter 'sum'")
    if attribute is not None:
        getter = jinja_filters.make_attrgetter(environment, attribute)
        items = [getter(x) for x in items]
    if isinstance(start, (list, tuple)) and all(isinstance(x, type(start)) for x in items):
        n = len(start) + sum(len(x) for x in items)
        if n > MAX_VALUE_CHARS:
            raise BudgetExceeded(f"filter 'sum' would build {n:,} items (limit {MAX_VALUE_CHARS:,})")
        return type(start)(itertools.chain(start, *items))  # linear, where sum() would be quadratic
    return sum(items, start)


_REPLACED_FILTERS: dict[str, Callable[..., Any]] = {"format": _do_format, "join": _do_join, "sum": _do_sum}


# -- loops and `~`: compiled to go through the budget ----------------------------------------

class _Counted:
    """An iterable whose iteration counts against the budget; its length is the wrapped one's."""

    __slots__ = ("_items",)

    def __init__(self, items: Any) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        b = _budget()
        for item in self._items:
            b.iterate()
            yield item


_BUDGET_ITER = "budget_iter"


def _is_counted(node: nodes.Node) -> bool:
    return (isinstance(node, nodes.Call) and isinstance(node.node, nodes.EnvironmentAttribute)
            and node.node.name == _BUDGET_ITER)


class _BudgetCodeGenerator(CodeGenerator):
    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        # Every loop runs over `environment.budget_iter(ITERABLE)`, which counts its iterations.
        if not _is_counted(node.iter):
            node.iter = nodes.Call(nodes.EnvironmentAttribute(_BUDGET_ITER), [node.iter], [], None, None,
                                   lineno=node.iter.lineno)
        super().visit_For(node, frame)

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.budget_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _BudgetTemplate(jinja2.Template):
    """A template whose render and module runs draw on the budget and bound the output."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        with _rendering(None):
            ctx = self.new_context(dict(*args, **kwargs))
            try:
                return _join_output(self.root_render_func(ctx), self.name)
            except Exception:
                self.environment.handle_exception()

    def make_module(self, vars: dict[str, Any] | None = None, shared: bool = False,
                    locals: Any = None) -> TemplateModule:
        with _rendering(None):
            return super().make_module(vars, shared, locals)


def _join_output(pieces: Any, name: str | None) -> str:
    b = _budget()
    out: list[str] = []
    n = 0
    for piece in pieces:
        n += len(piece)
        b.output += len(piece)
        over = (f"output of more than {MAX_TEMPLATE_OUTPUT_CHARS:,} characters" if n > MAX_TEMPLATE_OUTPUT_CHARS
                else f"more than {MAX_SAMPLE_OUTPUT_CHARS:,} characters of output in one sample"
                if b.output > MAX_SAMPLE_OUTPUT_CHARS else None)
        if over:
            # Raised where the template is suspended, so the error names its line.
            if hasattr(pieces, "throw"):
                pieces.throw(BudgetExceeded(over))
            raise BudgetExceeded(over)
        out.append(piece)
    return "".join(out)


def _bounded_output(value: Any) -> Any:
    """Every `{{ ... }}` value passes here before it becomes text."""
    _budget().step()
    _too_large(value, "an output expression")
    return value


class PackEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox on a rendering budget, so a template cannot exhaust memory or time."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])
    code_generator_class = _BudgetCodeGenerator
    template_class = _BudgetTemplate

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("finalize", _bounded_output)
        super().__init__(*args, **kwargs)
        filters = {**self.filters, **_REPLACED_FILTERS}
        self.filters = {name: _guard_filter(name, f) for name, f in filters.items()}

    # `environment.concat` joins macro bodies, `{% set %}` and `{% filter %}` blocks.
    def concat(self, pieces: Any) -> str:  # type: ignore[override]
        b = _budget()
        out: list[str] = []
        n = 0
        for piece in pieces:
            n += len(piece)
            if n > MAX_VALUE_CHARS:
                raise BudgetExceeded(f"a block of more than {MAX_VALUE_CHARS:,} characters")
            out.append(piece)
        b.build(n, "a block")
        return "".join(out)

    def budget_iter(self, iterable: Any) -> _Counted:
        return _Counted(iterable)

    def budget_concat(self, join: Callable[[Any], str], parts: tuple[Any, ...]) -> str:
        b = _budget()
        b.step()
        n = 0
        for part in parts:
            n += _size(part, MAX_VALUE_CHARS - n)
            if n > MAX_VALUE_CHARS:
                raise BudgetExceeded(f"'~' would build more than {MAX_VALUE_CHARS:,} characters")
        return _built(b, join(parts), "'~'")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        b = _budget()
        b.step()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_PRODUCT_CHARS:
                    raise BudgetExceeded(f"'*' would build {len(seq) * times:,} items (limit {MAX_PRODUCT_CHARS:,})")
            if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise BudgetExceeded(f"'*' result too large (limit {MAX_INT_BITS} bits)")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and abs(left) > 1 and right * abs(left).bit_length() > MAX_POWER_BITS:
                raise BudgetExceeded(f"'**' result too large (limit {MAX_POWER_BITS} bits)")
        elif operator == "+":
            if any(isinstance(left, kind) and isinstance(right, kind) for kind in (str, list, tuple)):
                b.build(len(left) + len(right), "'+'")
                return super().call_binop(context, operator, left, right)
        elif operator == "%" and isinstance(left, str):
            return _built(b, _printf(left, right), "'%'")
        return _built(b, super().call_binop(context, operator, left, right), f"'{operator}'")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        b = _budget()
        b.step()
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f"{__obj!r} is not safely callable")
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(__obj, types.BuiltinMethodType) and owner is not None:
            if isinstance(owner, str):
                if name in _STR_SIZED:
                    args = _sized_str_call(owner, name, args, kwargs)
                elif name not in _STR_METHODS:
                    raise SecurityError(f"str.{name}() is not available in scenario templates")
                return _built(b, __context.call(__obj, *args, **kwargs), f"str.{name}()")
            if isinstance(owner, (bytes, bytearray, memoryview)):
                raise SecurityError(f"{type(owner).__name__}.{name}() is not available in scenario templates")
            if isinstance(owner, int) and name == "to_bytes" and _int(_arg(args, kwargs, 0, "length", 1)) > MAX_VALUE_CHARS:
                raise BudgetExceeded(f"int.to_bytes() longer than {MAX_VALUE_CHARS:,} bytes")
        if isinstance(__obj, (Macro, LoopContext)):
            if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
                args = (_Counted(args[0]), *args[1:])
            b.depth += 1
            try:
                if b.depth > MAX_CALL_DEPTH:
                    raise BudgetExceeded(f"macros or recursive loops nested more than {MAX_CALL_DEPTH} deep "
                                         "(does a macro call itself without end?)")
                return __context.call(__obj, *args, **kwargs)
            finally:
                b.depth -= 1
        return __context.call(__obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or value.__name__ not in ("format", "format_map"):
            return None
        f_self = value.__self__
        if not isinstance(f_self, str):
            return None
        is_map = value.__name__ == "format_map"
        env = self

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                args, kwargs = (), args[0]
            b = _budget()
            b.step()
            return _built(b, type(f_self)(_BoundedFormatter(env).vformat(f_self, args, kwargs)), f"str.{value.__name__}()")

        return functools.update_wrapper(wrapper, value)

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:
        b = _ACTIVE.get()
        if b is not None:
            b.load(name)
        return super().get_template(name, parent, globals)

    def select_template(self, names: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:
        b = _ACTIVE.get()
        if b is not None:
            b.load(names)
        return super().select_template(names, parent, globals)


# -- loading templates ------------------------------------------------------------------------

class PackLoader(jinja2.BaseLoader):
    """Templates from the first root that has them: regular files only, never through a link."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [Path(r) for r in roots]

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        parts = split_template_path(template)  # refuses '..'
        for root in self.roots:
            data = files.read_under(root, parts, files.MAX_TEMPLATE_BYTES)
            if data is None:
                continue
            path = root.joinpath(*parts)
            source = files.decode(data, path)
            mtime = _mtime(path)
            return source, str(path), lambda path=path, mtime=mtime: _mtime(path) == mtime
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for root in self.roots:
            for folder, _dirs, names in os.walk(root):  # does not follow links
                for n in names:
                    found.add(Path(folder, n).relative_to(root).as_posix())
        return sorted(found)


def _mtime(path: Path) -> int | None:
    try:
        return os.stat(path, follow_symlinks=False).st_mtime_ns
    except OSError:
        return None


def make_environment(pack_dir: Path) -> PackEnvironment:
    """Templates load from the pack folder first, then the shared `common` partials."""
    env = PackEnvironment(
        loader=PackLoader([pack_dir, COMMON_DIR]),
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
        raise InsiderError(f"{where} line {e.lineno}: template syntax error: {_brief(e.message)}") from e
    except RecursionError:
        raise InsiderError(f"{where}: template nests too deeply to parse; simplify it") from None
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
                f"{where} line {node.lineno}: templates may not use {_brief(repr(name))}: names starting with '_' "
                "reach Python internals and are refused in scenario packs"
            )
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as e:  # compile-time checks, e.g. an unknown filter
        raise InsiderError(f"{where} line {e.lineno}: template error: {_brief(e.message)}") from e
    except InsiderError:
        raise
    except Exception as e:  # e.g. Python's own nesting limits on the compiled code
        raise InsiderError(f"{where}: template cannot be compiled ({type(e).__name__}: {_brief(e)}); "
                           "simplify it (fewer nested blocks)") from None


def check_file(env: jinja2.Environment, path: Path, where: str) -> None:
    """Check one template file (syntax, no internals); `where` names it in messages."""
    check_source(env, files.read_text(path, files.MAX_TEMPLATE_BYTES), where)


def render(template: jinja2.Template, context: dict[str, Any], where: str) -> str:
    """Render, turning every Jinja failure into an InsiderError naming the template and line.

    Renders passed the same `context` dict one after another share one sample budget.
    """
    return guarded(lambda: template.render(context), where, context)


def exported(template: jinja2.Template, context: dict[str, Any], where: str) -> dict[str, Any]:
    """The top-level `{% set %}` variables of a template run with `context`."""
    module = guarded(lambda: template.make_module(context), where, context)
    return {k: v for k, v in vars(module).items() if not k.startswith("_")}


def guarded(run: Callable[[], T], where: str, context: object | None = None) -> T:
    """Run template code on a budget; any failure becomes an InsiderError naming the template and line."""
    try:
        with _rendering(context):
            return run()
    except InsiderError:
        raise
    except BudgetExceeded as e:
        raise InsiderError(f"{_spot(e, where)}: refused by the template sandbox: {e} "
                           "(over the rendering budget; limits in docs/LIMITS.md)") from None
    except jinja2.UndefinedError as e:
        raise InsiderError(f"{_spot(e, where)}: undefined variable in template: {_brief(e.message)}") from e
    except jinja2.exceptions.SecurityError as e:
        raise InsiderError(f"{_spot(e, where)}: refused by the template sandbox: {_brief(e)}") from e
    except jinja2.TemplateNotFound as e:
        raise InsiderError(f"{_spot(e, where)}: template {_brief(repr(e.name))} not found in the pack folder") from e
    except jinja2.TemplateError as e:
        raise InsiderError(f"{_spot(e, where)}: template error: {_brief(e)}") from e
    except RecursionError as e:
        raise InsiderError(f"{_spot(e, where)}: template nests too deeply (does it include or import itself?)") from None
    except MemoryError as e:
        raise InsiderError(f"{_spot(e, where)}: template ran out of memory") from None
    except Exception as e:  # TypeError, ValueError, OverflowError...: the template's own mistake
        raise InsiderError(f"{_spot(e, where)}: template failed: {type(e).__name__}: {_brief(e)}") from e


def _brief(text: object) -> str:
    """Text from a template or its data, on one line and short enough for a message."""
    from insider.cli.terminal import one_line

    return one_line(text, 300)


def _spot(error: BaseException, where: str) -> str:
    """The innermost template frame in the traceback (Jinja maps frames to template lines)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(TEMPLATE_SUFFIX) or frame.filename == "<template>":
            name = frame.filename if frame.filename != "<template>" else where
            return f"{_brief(name)} line {frame.lineno}"
    return _brief(where)
