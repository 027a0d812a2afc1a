"""Hostile input: bad packs, templates, run options, replay and classify files, via the CLI.

Each `*_case` builds one bad input from a `random.Random`, runs the real command in
process and returns a `Case`; `problems()` lists what is wrong with the outcome (a
traceback, an exit code other than expected, a refusal that is not one `error:` line when
one is required, a message that names neither file, line nor key, a planted secret found in
the output or a written file, memory or time over bounds). The hypothesis tests drive these
with `st.randoms()`; `campaign.py` draws many, with the other `fuzz_*` modules' classes.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import string
import tempfile
import traceback
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from benchmarks.reliability.probe import MAX_PEAK_MB, leaked, measured

TRACEBACK = "Traceback (most recent call last)"
# this file is benchmarks/reliability/fuzz.py: parents[2] is the repository root, tests/ is in it
REPO_ROOT = Path(__file__).resolve().parents[2]
LABELLED = REPO_ROOT / "tests" / "data" / "labelled.jsonl"


@dataclass
class Case:
    kind: str
    argv: list[str]
    code: int
    out: str
    err: str
    traceback: bool
    must_name: list[str] = field(default_factory=list)  # one of these must be in the message
    may_pass: bool = False  # the input may happen to be valid (then exit 0 is fine)
    extra_problems: list[str] = field(default_factory=list)
    cls: str = ""  # the class of hostile input it belongs to (default: its kind)
    expect: int = 2  # the exit code it must end with (0: a success, no error line needed)
    one_line: bool = False  # a refusal must be exactly one `error:` line on stderr
    error_line: bool = True  # a refusal must say `error:` on stderr (the gate's verdicts print on stdout)
    leaks: list[str] = field(default_factory=list)  # where the planted secret appeared
    peak_mb: float | None = None  # peak memory while it ran (template and shell cases)
    seconds: float = 0.0
    max_seconds: float = 60.0

    def __post_init__(self) -> None:
        self.cls = self.cls or self.kind

    @property
    def err_lines(self) -> list[str]:
        return [ln for ln in self.err.splitlines() if ln.strip()]

    @property
    def is_one_line(self) -> bool:
        return len(self.err_lines) == 1

    def problems(self) -> list[str]:
        found = list(self.extra_problems)
        if self.traceback:
            found.append("traceback")
        if self.leaks:
            found.append(f"secret leaked in {self.leaks[:3]}")
        if self.peak_mb is not None and self.peak_mb >= MAX_PEAK_MB:
            found.append(f"peak memory {self.peak_mb:.0f} MB")
        if self.seconds > self.max_seconds:
            found.append(f"took {self.seconds:.1f} s (limit {self.max_seconds:.0f} s)")
        if self.code == 0 and self.may_pass:
            return found
        if self.code != self.expect:
            found.append(f"exit code {self.code}, not {self.expect}")
        if self.expect != 2:  # only a refusal has a message to check
            return found
        lines = self.err_lines
        if self.error_line and not any(ln.lower().startswith("error") for ln in lines):
            found.append("no 'error:' line")
        if self.one_line and not self.is_one_line:
            found.append(f"{len(lines)} lines on stderr, not one")
        if self.must_name and not any(n in self.err + (self.out if not self.error_line else "") for n in self.must_name):
            found.append(f"message names none of {self.must_name}")
        return found


def invoke(argv: list[str]) -> tuple[int, str, str, bool]:
    """`insider ARGV` in this process: (exit code, stdout, stderr, traceback seen)."""
    from insider.cli import main

    out, err, code, crashed = io.StringIO(), io.StringIO(), 0, False
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except Exception:
            crashed, code = True, -1
            traceback.print_exc(file=err)
    text = out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue(), crashed or TRACEBACK in text


def _fresh(workdir: Path, prefix: str) -> Path:
    """A new folder per case (hypothesis replays the same draws)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=workdir))


def _case(kind: str, argv: list[str], *, scan: list[Path] = (), memory: bool = False, deadline_s: float = 120.0,
          **kw: Any) -> Case:
    """Run `insider ARGV` in process, timed (and its peak memory with `memory`), and look for
    the planted secret in its output and in the files under `scan`."""
    code, out, err, tb = -1, "", "", False
    with measured(memory, deadline_s) as m:
        code, out, err, tb = invoke(argv)
    case = Case(kind, argv, code, out, err, tb, seconds=m.seconds, peak_mb=m.peak_mb, **kw)
    if m.timed_out:
        case.extra_problems.append(f"no result after {deadline_s:.0f} s")
    case.leaks = leaked([out, err], list(scan))
    return case


# ------------------------------------------------------------------ random values

def word(rng: random.Random, n: int = 8) -> str:
    return "zz" + "".join(rng.choice(string.ascii_lowercase + string.digits + "-_.") for _ in range(n))


def junk(rng: random.Random, depth: int = 0) -> Any:
    """A value of a random wrong-ish type for any key of a pack."""
    flat = [None, -1, 0, 3.5, True, "", word(rng), "x" * rng.randint(200, 3000),
            "{{ no_such_var }}", "{% for %}", "../../../etc/passwd"]
    pick = rng.randrange(len(flat) + (3 if depth < 2 else 0))
    if pick < len(flat):
        return flat[pick]
    inner = junk(rng, depth + 1)
    return [[inner], {word(rng): inner}, {"levels": [inner]}][pick - len(flat)]


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, prefix + (i,))
    return out


def mutate(data: Any, rng: random.Random) -> Any:
    """Replace, delete or add one node somewhere in a YAML tree."""
    path = rng.choice(_paths(data))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last, action = path[-1], rng.randrange(3)
    if action == 0 or isinstance(parent, list):
        parent[last] = junk(rng)
    elif action == 1:
        del parent[last]
    else:
        parent[word(rng)] = junk(rng)
    return data


# ------------------------------------------------------------------ cases

def pack_case(rng: random.Random, workdir: Path) -> Case:
    """A copy of the blackmail pack with pack.yaml (or a template) damaged, shown and rendered."""
    from insider.scenarios.pack import pack_dir

    target = _fresh(workdir, "pack-") / "pack"
    shutil.copytree(pack_dir("blackmail"), target)
    pack_file = target / "pack.yaml"
    how = rng.randrange(10)
    if how < 6:  # structural: wrong types, missing and unknown keys
        data = yaml.safe_load(pack_file.read_text())
        for _ in range(rng.randint(1, 3)):
            data = mutate(data, rng)
        pack_file.write_text(yaml.safe_dump(data, sort_keys=False))
    elif how < 8:  # textual: bytes inserted or cut anywhere in the file
        text = pack_file.read_text()
        at = rng.randrange(len(text))
        bad = rng.choice(["\t", ":", "- ", "{", "]", "'", "&a", "*b", "!!python/name:os.system", "\x00", "%"])
        text = text[:at] + bad + text[at + rng.randint(0, 5):]
        pack_file.write_text(text)
    else:  # a template with broken or unknown Jinja
        role = target / "role.j2"
        snippet = rng.choice(["{{ agent.", "{% if %}", "{{ nope }}", "{% include 'missing.j2' %}",
                              "{{ 1/0 }}", "{% endfor %}", "{{ agent|nofilter }}"])
        role.write_text(role.read_text() + "\n" + snippet + "\n")
    names = [str(pack_file), "pack.yaml", "role.j2", ".j2", str(target)]
    shown = _case("pack", ["scenarios", "show", str(target), "--format", "json"], must_name=names, may_pass=True,
                  scan=[target.parent])
    if shown.code != 0 or shown.problems():
        return shown
    try:
        first = json.loads(shown.out)["conditions"][0]["id"]
    except (ValueError, KeyError, IndexError) as e:
        shown.extra_problems.append(f"show printed no conditions ({e})")
        return shown
    return _case("pack", ["scenarios", "render", str(target), "--condition", first, "--format", "json"],
                 must_name=names, may_pass=True, scan=[target.parent])


# Template sandbox escapes: each must be refused (exit 2 naming the template), never rendered.
ESCAPES = [
    "{{ agent.__class__ }}", "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}", "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}", "{{ namespace.__init__.__globals__ }}",
    "{{ self }}", "{{ self.__init__.__globals__ }}", "{{ self._TemplateReference__context }}",
    "{{ cycler }}", "{{ lipsum() }}", "{{ joiner() }}", "{% set ns = namespace(a=1) %}{{ ns }}",
    "{{ agent | attr('__cla' ~ 'ss__') }}", "{{ (agent | attr('\\x5f\\x5fclass\\x5f\\x5f')) }}",
    "{{ '{0.__class__}'.format(agent) }}", "{{ '%s' | format(agent.__class__) }}",
    "{{ '{0.__class__.__mro__}'.format('') }}", "{% import 'os' as os %}{{ os }}",
    "{% include '/etc/passwd' %}", "{% include '../../../../../../etc/passwd' %}",
    "{% from '/etc/hostname' import x %}", "{{ tools.append('cancel_alert') }}",
    "{{ range.__self__ }}", "{{ dict.__base__.__subclasses__() }}",
]


def escape_case(payload: str, workdir: Path) -> Case:
    from insider.scenarios.pack import pack_dir

    target = _fresh(workdir, "escape-") / "pack"
    shutil.copytree(pack_dir("blackmail"), target)
    role = target / "role.j2"
    role.write_text(role.read_text() + "\n" + payload + "\n")
    shown = _case("escape", ["scenarios", "show", str(target), "--format", "json"], must_name=["role.j2"], may_pass=True)
    if shown.code != 0:
        return shown
    return _case("escape", ["scenarios", "render", str(target), "--condition", "none/none", "--format", "json"],
                 must_name=["role.j2"], scan=[target.parent])  # rendering must refuse it


def _bad_run_option(rng: random.Random, workdir: Path) -> tuple[list[str], list[str]]:
    w = word(rng)
    choices = [
        (["--samples", str(rng.randint(-5, 0))], ["--samples"]),
        (["--samples", w], ["--samples"]),
        (["--family", w], [w]),
        (["--preset", w], [w]),
        (["--conditions", f"blackmail/{w}"], [w]),
        (["--factor", w], [w]),
        (["--factor", f"{w}=a,b"], [w]),
        (["--factor", f"urgency={w}"], [w]),
        (["--model", w], [w]),
        (["--model", f"{w}/{w}"], [w]),
        (["--model", f"replay/{workdir / w}.jsonl"], [w]),
        (["--judge", w], [w]),
        (["--policy", w], [w, "--policy"]),
        (["--max-tokens", rng.choice(["0", "-7", w])], ["--max-tokens"]),
        (["--temperature", rng.choice(["-1", "nan", w])], ["--temperature"]),
        (["--max-connections", rng.choice(["0", "-2", w])], ["--max-connections"]),
        (["--pack", str(workdir / w)], [w]),
        (["--interaction", w], [w, "--interaction"]),
        (["--seed", w], ["--seed"]),
        ([f"--{w}"], [w]),
    ]
    return rng.choice(choices)


def run_options_case(rng: random.Random, workdir: Path) -> Case:
    """`insider run` with one bad option among valid ones: rejected before any sample runs."""
    replay = workdir / "ok.jsonl"
    replay.write_text('{"response": "I will not act."}\n')
    valid = [["--samples", "1"], ["--seed", str(rng.randint(0, 9))], ["--preset", "default"],
             ["--vary-identities"], ["--temperature", "0.5"], ["--max-tokens", "50"]]
    bad, names = _bad_run_option(rng, workdir)
    valid = [v for v in valid if v[0] != bad[0]]  # a repeated option would override the bad one
    parts = rng.sample(valid, rng.randint(0, 3)) + [bad]
    rng.shuffle(parts)
    never = _fresh(workdir, "run-") / "never"
    argv = ["run", "--model", f"replay/{replay}", "--out", str(never), "--display", "none"]
    for p in parts:
        argv += p
    case = _case("run_options", argv, must_name=names)
    if never.exists():
        case.extra_problems.append("a run directory was created for a rejected command")
    return case


def _bad_json_line(rng: random.Random) -> str:
    return rng.choice([
        "{", "not json", "[1, 2]", "null", '"text"', "{}", '{"response": 5}', '{"turns": "x"}',
        '{"turns": []}', '{"response": "a", "tool_calls": "x"}', '{"response": "a", "tool_calls": [1]}',
        '{"response": "", "tool_calls": []}', '{"response": "a", "match": {}}', '{"response": "a", "match": 3}',
        '{"turns": [{"response": 1}]}', "\x00\x01", '{"response": "a"', "{" * 50,
    ])


def replay_case(rng: random.Random, workdir: Path) -> Case:
    """A replay file with one bad line: rejected naming file:line, before any sample runs."""
    good = ['{"response": "ok"}', '{"turns": [{"response": "a"}, {"response": "b"}]}', ""]
    lines = [rng.choice(good) for _ in range(rng.randint(0, 6))]
    at = rng.randint(0, len(lines))
    lines.insert(at, _bad_json_line(rng))
    path = _fresh(workdir, "replay-") / "replay.jsonl"
    path.write_text("\n".join(lines) + "\n")
    never = path.parent / "never"
    argv = ["run", "--model", f"replay/{path}", "--samples", "1", "--out", str(never), "--display", "none"]
    case = _case("replay", argv, must_name=[f"{path}:{at + 1}"])
    if never.exists():
        case.extra_problems.append("a run directory was created for a rejected command")
    return case


def classify_case(rng: random.Random, workdir: Path) -> Case:
    """A classify input with bad lines: each named file:line, marked `error` in an aligned output."""
    valid = [ln for ln in LABELLED.read_text().splitlines() if ln.strip()]
    lines = rng.sample(valid, rng.randint(0, 4))
    surely_bad: set[str] = set()  # lines no reading of the contract accepts
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(lines))
        broken = [_bad_json_line(rng), json.dumps({"id": "a", "behavior": "blackmail", "response": 3, "facts": {}})]
        odd = [json.dumps({"id": word(rng), "behavior": word(rng), "response": "x", "facts": {}}),
               json.dumps({"id": "a", "behavior": "blackmail", "response": "x", "facts": junk(rng)})]
        bad = rng.choice(broken + odd)
        surely_bad.update(broken)
        lines.insert(at, bad)
    src = _fresh(workdir, "classify-") / "in.jsonl"
    src.write_text("\n".join(lines) + "\n")
    nonblank = [i for i, ln in enumerate(lines, 1) if ln.strip()]
    out = src.with_suffix(".out.jsonl")
    # a drawn "bad" line can be valid (e.g. junk facts that parse): exit 0 is then fine
    case = _case("classify", ["classify", "--input", str(src), "--output", str(out)],
                 must_name=[f"{src}:"], may_pass=True)
    # which lines were bad is the command's call: every one it names must be an error line
    bad_at = sorted({int(m.split(":")[-1]) for m in _named_lines(case.err, str(src))})
    missed = [i for i, ln in enumerate(lines, 1) if ln in surely_bad and ln.strip() and i not in bad_at]
    if missed:
        case.extra_problems.append(f"bad lines {missed} were not reported")
    if case.code == 2:
        if not bad_at:
            case.extra_problems.append("exit 2 but no line named")
        if out.exists():
            got = [json.loads(x) for x in out.read_text().splitlines()]
            if len(got) != len(nonblank):
                case.extra_problems.append(f"{len(got)} output lines for {len(nonblank)} input lines")
            for n in bad_at:
                row = got[nonblank.index(n)] if n in nonblank and len(got) == len(nonblank) else None
                if not row or row.get("verdict") != "error" or f"line {n}" not in str(row.get("error")):
                    case.extra_problems.append(f"line {n} is not marked error in the output")
    leftovers = [p.name for p in src.parent.iterdir() if p not in (src, out)]
    if leftovers:
        case.extra_problems.append(f"temporary files left: {leftovers}")
    if case.code == 0 and any(ln.startswith("error:") for ln in case.err.splitlines()):
        case.extra_problems.append("exit 0 although a line was refused")
    return case


def _named_lines(err: str, src: str) -> list[str]:
    import re

    return re.findall(re.escape(src) + r":\d+", err)


KINDS = {"pack": pack_case, "run_options": run_options_case, "replay": replay_case, "classify": classify_case}
