"""Template bombs in a copy of the blackmail pack, rendered by the real CLI.

Three classes, each drawn from a seeded `random.Random`: output bombs (filters, formatting,
`~`, `+` and `*` that would build huge strings), loops (nested ranges, loops hidden in
filters) and recursion (self-inclusion, recursive macros and loops). Every one must end
with exit code 2 and one `error:` line naming a template, in bounded memory and time.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from benchmarks.reliability.fuzz import Case, _case
from benchmarks.reliability.fuzz_packs import copy_pack

BIG = (1_000_001, 10_000_000_000)  # over the 1,000,000-character limit on one value


def _n(rng: random.Random, lo: int = BIG[0], hi: int = BIG[1]) -> int:
    """A size between lo and hi, spread over the orders of magnitude."""
    return int(10 ** rng.uniform(len(str(lo)) - 1, len(str(hi)) - 1)) if rng.random() < 0.7 else rng.randint(lo, lo * 3)


def _doubling(rng: random.Random, op: str) -> str:
    start = rng.randint(1, 64)
    times = rng.randint(21, 40)  # 2**20 > 1,000,000 even from one character
    return (f"{{% set s = {'x' * start!r} %}}" + f"{{% set s = s {op} s %}}" * times + "{{ s|length }}")


OUTPUT_BOMBS: dict[str, Callable[[random.Random], str]] = {
    "center": lambda r: f"{{{{ 'x'|center({_n(r)}) }}}}",
    "center-method": lambda r: f"{{{{ 'x'.center({_n(r)}) }}}}",
    "indent": lambda r: f"{{{{ 'a\\nb'|indent({_n(r)}) }}}}",
    "indent-lines": lambda r: (f"{{{{ ('a\\n' * {r.randint(1000, 100000)})|indent({r.randint(100, 100000)}, "
                               f"first={r.choice(['true', 'false'])}, blank=true) }}}}"),
    "format-filter": lambda r: f"{{{{ '%{_n(r)}s'|format('x') }}}}",
    "format-filter-precision": lambda r: f"{{{{ '%.{_n(r)}f'|format(1.5) }}}}",
    "percent": lambda r: f"{{{{ '%{_n(r)}s' % 'x' }}}}",
    "percent-zero": lambda r: f"{{{{ '%0{_n(r)}d' % 7 }}}}",
    "percent-dict": lambda r: f"{{{{ '%(a){_n(r)}s' % {{'a': 1}} }}}}",
    "percent-star": lambda r: f"{{{{ '%*s' % ({_n(r)}, 'x') }}}}",
    "str-format": lambda r: f"{{{{ '{{:{_n(r)}}}'.format('x') }}}}",
    "str-format-nested": lambda r: f"{{{{ '{{:>{{w}}}}'.format('x', w={_n(r)}) }}}}",
    "str-format-precision": lambda r: f"{{{{ '{{0:.{_n(r)}f}}'.format(1.0) }}}}",
    "tilde-doubling": lambda r: _doubling(r, "~"),
    "plus-doubling": lambda r: _doubling(r, "+"),
    "tilde-chain": lambda r: "{% set s = 'x' * 999999 %}{{ " + " ~ ".join(["s"] * r.randint(2, 50)) + " }}",
    "star-string": lambda r: f"{{{{ 'x' * {_n(r)} }}}}",
    "star-list": lambda r: f"{{{{ ['x'] * {_n(r)} }}}}",
    "star-chain": lambda r: "{{ 'ab' " + "".join(f"* {r.randint(10, 1000)} " for _ in range(r.randint(3, 6))) + "}}",
    "star-set": lambda r: f"{{% set l = [1] * {r.randint(1000, 100000)} %}}{{{{ l * {r.randint(11, 100000)} }}}}",
    "ljust": lambda r: f"{{{{ 'x'.{r.choice(['ljust', 'rjust', 'zfill'])}({_n(r)}) }}}}",
    "expandtabs": lambda r: f"{{{{ ('\\t' * {r.randint(1, 1000)}).expandtabs({_n(r)}) }}}}",
    "replace": lambda r: f"{{{{ ('x' * {r.randint(100000, 1000000)})|replace('x', '{'y' * r.randint(10, 100)}') }}}}",
    "wordwrap": lambda r: (f"{{{{ ('x ' * {r.randint(10000, 100000)})|wordwrap(1, wrapstring='"
                           f"{'y' * r.randint(50, 500)}') }}}}"),
    "join": lambda r: f"{{% set l = ['x' * 999999] * {r.randint(2, 1000)} %}}{{{{ l|join }}}}",
    "tojson": lambda r: f"{{{{ [1, [2, [3]]]|tojson(indent={_n(r)}) }}}}",
    "int-power": lambda r: f"{{{{ {r.randint(2, 99)} ** {r.randint(5000, 10 ** 9)} }}}}",
    "int-squaring": lambda r: "{% set x = 3 ** 1000 %}" + "{% set x = x * x %}" * r.randint(3, 30) + "{{ x }}",
    "output-loop": lambda r: (f"{{% for i in range({r.randint(10001, 100000)}) %}}"
                              f"{'z' * r.randint(100, 1000)}{{% endfor %}}"),
    "set-block": lambda r: (f"{{% set b %}}{{% for i in range({r.randint(50001, 100000)}) %}}"
                            f"{'x' * r.randint(20, 200)}{{% endfor %}}{{% endset %}}{{{{ b|length }}}}"),
}


def _nested_range(r: random.Random) -> str:
    depth = r.randint(2, 4)
    size = max(r.randint(1000, 100000), int(1_000_001 ** (1 / depth)) + 1)
    body = r.choice(["", "x", "{{ a0 }}", "{% set t = 1 %}", "{{ loop.index }}"])
    opens = "".join(f"{{% for a{i} in range({size}) %}}" for i in range(depth))
    return opens + body + "{% endfor %}" * depth


LOOPS: dict[str, Callable[[random.Random], str]] = {
    "nested-range": _nested_range,
    "nested-string": lambda r: ("{% set s = 'x' * 100000 %}" + "{% for a in s %}{% for b in s %}"
                                + r.choice(["", "y"]) + "{% endfor %}{% endfor %}"),
    "range-list": lambda r: (f"{{% for i in range({r.randint(20, 100000)}) %}}"
                             f"{{% set l = range({r.randint(50000, 100000)})|list %}}{{% endfor %}}"),
    "filter-sum": lambda r: (f"{{% for i in range({r.randint(1000, 100000)}) %}}"
                             f"{{{{ range(100000)|{r.choice(['sum', 'max', 'min', 'length'])} }}}}{{% endfor %}}"),
    "filter-join": lambda r: (f"{{% for i in range({r.randint(1000, 100000)}) %}}"
                              "{% set j = range(100000)|join(',') %}{% endfor %}"),
    "batch-loop": lambda r: (f"{{% for row in range(100000)|batch({r.randint(1, 10)}) %}}"
                             f"{{% for c in range({r.randint(100, 1000)}) %}}{{% endfor %}}{{% endfor %}}"),
}


def _macro_chain(r: random.Random) -> str:
    names = [f"m{i}" for i in range(r.randint(2, 5))]
    out = ""
    for i, n in enumerate(names):
        out += f"{{% macro {n}(x) %}}{{{{ {names[(i + 1) % len(names)]}(x ~ 'a') }}}}{{% endmacro %}}"
    return out + f"{{{{ {names[0]}('') }}}}"


RECURSION: dict[str, Callable[[random.Random], str]] = {
    "self-include": lambda r: "{% include 'role.j2' %}",
    "self-include-var": lambda r: "{% set n = 'ro' ~ 'le.j2' %}{% include n %}",
    "self-include-list": lambda r: "{% include ['missing.j2', 'role.j2'] %}",
    "self-import": lambda r: "{% import 'role.j2' as m %}{{ m }}",
    "self-from-import": lambda r: "{% from 'role.j2' import x %}{{ x }}",
    "self-extends": lambda r: "{% extends 'role.j2' %}",
    "mutual-include": lambda r: "{% include 'loop_a.j2' %}",  # loop_a includes loop_b includes loop_a
    "macro": lambda r: "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "macro-growing": lambda r: "{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f('" + "x" * r.randint(1, 100) + "') }}",
    "macro-chain": _macro_chain,
    "macro-fan-out": lambda r: ("{% macro f(n) %}{% if n > 0 %}" + "{{ f(n - 1) }}" * r.randint(2, 4)
                                + f"{{% endif %}}{{% endmacro %}}{{{{ f({r.randint(20, 60)}) }}}}"),
    "caller": lambda r: "{% macro f() %}{% call f() %}x{% endcall %}{{ caller() }}{% endmacro %}{{ f() }}",
    "recursive-loop": lambda r: "{% for x in [1] recursive %}{{ loop([x]) }}{% endfor %}",
    "recursive-loop-fan": lambda r: ("{% for x in " + str([1] * r.randint(2, 5)) + " recursive %}{{ loop("
                                     + str([1] * r.randint(2, 5)) + ") }}{% endfor %}"),
}

CLASSES = {"output_bomb": OUTPUT_BOMBS, "loop": LOOPS, "recursion": RECURSION}
PLACES = ("role", "include", "email", "yaml")


def _place(pack: Path, source: str, where: str) -> list[str]:
    """Put `source` into the pack at `where`; returns the file names an error may name."""
    role = pack / "role.j2"
    if where == "role":
        role.write_text(role.read_text() + "\n" + source + "\n")
        return ["role.j2", "system.j2"]
    if where == "include":
        (pack / "parts").mkdir(exist_ok=True)
        (pack / "parts" / "bomb.j2").write_text(source + "\n")
        role.write_text(role.read_text() + "\n{% include 'parts/bomb.j2' %}\n")
        return ["bomb.j2", "role.j2", "system.j2"]
    if where == "email":
        email = pack / "emails" / "affair_note.j2"
        email.write_text(email.read_text() + "\n" + source + "\n")
        return ["affair_note.j2", "pack.yaml"]
    # a template string in pack.yaml: the routine email's subject
    path = pack / "pack.yaml"
    text = path.read_text()
    path.write_text(text.replace("subject: &routine_subject Design review tomorrow",
                                 f"subject: &routine_subject {json.dumps(source)}", 1))
    return ["pack.yaml", "routine"]


def template_case(cls: str, variant: str, rng: random.Random, workdir: Path, *, run: bool = False) -> Case:
    """One bomb of `CLASSES[cls][variant]` placed at a random spot, rendered (or run).

    Args:
        cls: output_bomb, loop or recursion.
        variant: a key of that class's table.
        rng: draws the sizes and the placement.
        workdir: a fresh folder is made under it.
        run: `insider run` with a replay model instead of `scenarios render`.
    """
    pack = copy_pack(workdir, f"{cls}-")
    source = CLASSES[cls][variant](rng)
    where = rng.choice(PLACES)
    if cls == "recursion" and variant.startswith(("self-", "mutual")):
        where = "role"  # these name role.j2 itself
        (pack / "loop_a.j2").write_text("{% include 'loop_b.j2' %}\n")
        (pack / "loop_b.j2").write_text("{% include 'loop_a.j2' %}\n")
    names = _place(pack, source, where)
    if cls == "recursion" and variant.startswith(("self-", "mutual")):
        names += ["loop_a.j2", "loop_b.j2"]
    condition = rng.choice(["explicit-america/replacement", "none/none"])
    if run:
        replay = pack.parent / "replay.jsonl"
        replay.write_text('{"response": "I will not act."}\n')
        argv = ["run", "--pack", str(pack), "--conditions", condition, "--samples", "1",
                "--model", f"replay/{replay}", "--out", str(pack.parent / "run"), "--display", "none"]
    else:
        argv = ["scenarios", "render", str(pack), "--condition", condition, "--format", "json"]
    case = _case(f"{cls}:{variant}@{where}", argv, cls=cls, scan=[pack.parent], memory=True, one_line=True,
                 must_name=names, max_seconds=30.0)
    case.argv = argv + ["# " + source[:160]]
    return case
