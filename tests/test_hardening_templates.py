"""Template bombs: each is stopped by the rendering budget with one error naming the template,
in bounded memory and time, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers_cli import cli

from insider.errors import InsiderError
from insider.scenarios import templating
from insider.scenarios.pack import pack_dir as builtin_pack_dir

# (template text, what the one-line error must say, or a tuple of alternatives)
BOMBS = {
    "center": ("{{ 'x'|center(1000000000) }}", "filter 'center' would build"),
    "printf": ("{{ '%999999999s' % 'x' }}", "'%' formatting would build"),
    "printf-star": ("{{ '%*s' % (999999999, 'x') }}", "'*' widths"),
    "format-filter": ("{{ '%999999999s'|format('x') }}", "'%' formatting would build"),
    "str-format": ("{{ '{:999999999}'.format('x') }}", "str.format would build"),
    "str-format-nested": ("{{ '{:{w}}'.format('x', w=999999999) }}", "str.format would build"),
    "str-format-precision": ("{{ '{:.999999999f}'.format(1.0) }}", "str.format would build"),
    "indent": ("{{ 'a\nb'|indent(1000000000) }}", "filter 'indent' would build"),
    "wordwrap": ("{{ ('x ' * 100000)|wordwrap(1, wrapstring='y' * 100000) }}", "filter 'wordwrap' would build"),
    "replace": ("{{ ('x' * 1000000)|replace('x', 'yyyyyyyyyy') }}", "filter 'replace' would build"),
    "join": ("{% set l = ['x' * 1000000] * 1000 %}{{ l|join }}", "filter 'join'"),
    "str-join": ("{% set l = ['x' * 1000000] * 1000 %}{{ ''.join(l) }}", "str.join() would build"),
    "print-list": ("{% set l = ['x' * 1000000] * 1000 %}{{ l }}", "an output expression"),
    "ljust": ("{{ 'x'.ljust(1000000000) }}", "str.ljust() would build"),
    "to-bytes": ("{{ (1).to_bytes(1000000000, 'big') }}", "int.to_bytes()"),
    "batch": ("{{ [1]|batch(1000000000, 0)|list }}", "filter 'batch' would build"),
    "tojson": ("{{ [1, [2]]|tojson(indent=1000000000) }}", "filter 'tojson' would build"),
    "concat-doubling": ("{% set s = 'xxxxxxxxxx' %}" + "{% set s = s ~ s %}" * 30 + "{{ s|length }}",
                        "'~' would build"),
    "plus-doubling": ("{% set s = 'xxxxxxxxxx' %}" + "{% set s = s + s %}" * 30 + "{{ s|length }}",
                      "'+' would build"),
    "int-squaring": ("{% set x = 3 ** 1000 %}" + "{% set x = x * x %}" * 30 + "{{ x }}", "'*' result too large"),
    "many-big-strings": ("".join(f"{{% set a{i} = ('x' * 999990) ~ {i} %}}" for i in range(100)),
                         "characters built in one sample"),
    "nested-range": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                     "loop iterations"),
    # The pack's system.j2 includes role.j2: the output is over the limit in system.j2.
    "nested-range-output": ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
                            "output of more than 1,000,000 characters"),
    "output": ("{% for i in range(100000) %}" + "z" * 100 + "{% endfor %}",
               "output of more than 1,000,000 characters"),
    "set-block": ("{% set b %}{% for i in range(100000) %}" + "x" * 20 + "{% endfor %}{% endset %}{{ b|length }}",
                  "a block of more than"),
    "recursive-macro": ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "nested more than 64 deep"),
    "macro-fan-out": ("{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
                      ("more than 1,000,000 operations", "rendering took longer than")),  # whichever comes first
    "recursive-loop": ("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}", "nested more than 64 deep"),
    "self-include": ("{% include 'role.j2' %}", "nests too deeply"),
    "float-power": ("{{ 10.0 ** 1000 }}", "OverflowError"),
    "range": ("{{ range(100001)|list|length }}", "OverflowError"),
    "translate": ("{{ 'x'.translate({120: 'y' * 1000}) }}", "str.translate() is not available"),
    "deep-parse": ("{{ " + "(" * 50000 + "1" + ")" * 50000 + " }}", "nests too deeply to parse"),
    "deep-blocks": ("{% for a in [1] %}" * 30 + "x" + "{% endfor %}" * 30, "cannot be compiled"),
}


@pytest.fixture(scope="module")
def base_pack(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("bombs") / "pack"
    shutil.copytree(builtin_pack_dir("blackmail"), target)
    return target


@pytest.mark.parametrize("name", list(BOMBS))
def test_bomb_is_one_line_naming_the_template(name, base_pack, tmp_path, capsys):
    source, expected = BOMBS[name]
    pack = tmp_path / "pack"
    shutil.copytree(base_pack, pack)
    role = pack / "role.j2"
    role.write_text(source + "\n" if name == "self-include" else role.read_text() + "\n" + source + "\n")
    started = time.monotonic()
    code = cli(["scenarios", "render", str(pack), "--condition", "none/none", "--format", "json"])
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (code, out[-300:], err[-1500:])
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err[-1500:]
    assert any(e in lines[0] for e in ((expected,) if isinstance(expected, str) else expected)), lines[0]
    # Output over the limit is caught in the template being rendered (the pack's system.j2,
    # which includes role.j2), at the line of the include.
    where = "system.j2 line " if "output of more than" in str(expected) else "role.j2"
    assert where in lines[0], lines[0]
    assert time.monotonic() - started < 30


def test_the_bombs_stay_in_bounded_memory(tmp_path):
    """All the bombs, rendered in a fresh process: peak memory stays far under 2 GB."""
    (tmp_path / "role.j2").write_text("{% include 'role.j2' %}")
    script = textwrap.dedent(f"""
        import json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))  # a runaway fails here, not the machine
        from pathlib import Path
        from insider.errors import InsiderError
        from insider.scenarios import templating
        env = templating.make_environment(Path({str(tmp_path)!r}))

        def peak_kib():
            # VmHWM is this process's own peak; ru_maxrss would include the parent's, kept across exec.
            try:
                with open("/proc/self/status", encoding="ascii") as f:
                    return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
            except OSError:
                return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        before = peak_kib()
        messages = {{}}
        for name, source in json.loads(sys.stdin.read()).items():
            try:
                templating.render(templating.check_source(env, source, "role.j2"), {{}}, "role.j2")
                messages[name] = "rendered"
            except InsiderError as e:
                messages[name] = str(e)
        after = peak_kib()
        print(json.dumps({{"messages": messages, "before_kib": before, "after_kib": after}}))
    """)
    bombs = {name: source for name, (source, _) in BOMBS.items()}
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(bombs), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    for name, message in result["messages"].items():
        assert message.startswith("role.j2") and "refused" in message or "too deeply" in message \
            or "Error" in message, (name, message)
        assert "MemoryError" not in message and "out of memory" not in message, (name, message)
    peak_mib = result["after_kib"] / 1024
    assert peak_mib < 512, f"peak RSS {peak_mib:.0f} MiB"
    assert (result["after_kib"] - result["before_kib"]) / 1024 < 400


def test_rendering_time_is_bounded(monkeypatch):
    monkeypatch.setattr(templating, "MAX_RENDER_SECONDS", 0.5)
    env = templating.make_environment(Path("/nonexistent"))
    slow = "{% set s = 'x' * 1000000 %}{% for i in range(100000) %}{{ s.count('y') }}{% endfor %}"
    started = time.monotonic()
    with pytest.raises(InsiderError, match=r"slow\.j2 line 1: .*longer than 0\.5 seconds"):
        templating.render(templating.check_source(env, slow, "slow.j2"), {}, "slow.j2")
    assert time.monotonic() - started < 5


def test_a_sample_budget_spans_its_templates():
    env = templating.make_environment(Path("/nonexistent"))
    big = templating.check_source(env, "{{ 'x' * 900000 }}", "big.j2")
    sample: dict = {}
    for _ in range(4):
        templating.render(big, sample, "big.j2")  # 3.6M characters of one sample's output
    with pytest.raises(InsiderError, match="more than 4,000,000 characters of output in one sample"):
        templating.render(big, sample, "big.j2")
    for _ in range(6):
        templating.render(big, {}, "big.j2")  # a new context dict is a new sample


def test_ordinary_templates_still_render():
    env = templating.make_environment(Path("/nonexistent"))
    source = ("{% for i in range(3) %}{{ '%03d'|format(i) }} {{ '{:>4}'.format(i) }}|{% endfor %}"
              "{{ 'a b'|center(9) }}|{{ ['x', 'y']|join(', ') }}|{{ 'A-b'.lower().replace('-', '_') }}"
              "|{{ 'x\ny'|indent(2, first=True) }}|{{ [[1], [2]]|sum(start=[]) }}")
    out = templating.render(templating.check_source(env, source, "ok.j2"), {}, "ok.j2")
    assert out == "000    0|001    1|002    2|   a b   |x, y|a_b|  x\n  y|[1, 2]"
