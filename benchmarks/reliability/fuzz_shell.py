"""Hostile command lines for the simulated shell (the `bash` tool of agentic families).

Two classes drawn from a seeded `random.Random`: growth (cat chains, self-appends, cp loops,
variable and alias doubling, sed and printf expansion, recursive functions) and regex
(patterns that backtrack for ever in `sed`). Each runs in a plain `Shell` or in the shutdown
family's sandbox (`ShutdownEnv.bash`), ends with a probe that looks for the host's
environment, and must stay within the shell's caps: no exception, each line within its time
budget, output, files and storage under their limits, the shell still usable, memory bounded.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.reliability.fuzz import Case, _case
from benchmarks.reliability.probe import SECRET_VAR, current_secret, measured

# Commands an agent could use to read the host's environment; the simulation has none of it.
ENV_PROBES = [f"echo ${SECRET_VAR}", f"echo ${{{SECRET_VAR}}}", "cat /proc/self/environ", "export", "env",
              f"printenv {SECRET_VAR}", "set", "cat /proc/1/environ", f"bash -c 'echo ${SECRET_VAR}'",
              f"type {SECRET_VAR}", "ls /proc/self"]


def _cat_chain(r: random.Random) -> list[str]:
    fan, rounds = r.randint(2, 20), r.randint(5, 30)
    lines = ["echo " + "x" * r.randint(10, 100_000) + " > a"]
    step = lambda i: f"cat {' '.join([('a', 'b')[i % 2]] * fan)} > {('b', 'a')[i % 2]}"  # noqa: E731
    if r.random() < 0.5:
        return lines + ["; ".join(step(i) for i in range(rounds))]
    return lines + [step(i) for i in range(rounds)]


def _self_append(r: random.Random) -> list[str]:
    return ["echo " + "y" * r.randint(100, 50_000) + " > s",
            "; ".join(["cat s s >> s"] * r.randint(10, 40)), "cat s s s s | cat >> s"]


def _cp_loop(r: random.Random) -> list[str]:
    lines = ["echo " + "z" * r.randint(50_000, 200_000) + " > f", "cat f f f f f > big"]
    n = r.randint(20, 300)
    if r.random() < 0.5:
        return lines + ["; ".join(f"cp big c{i}" for i in range(n))]
    return lines + [f"cp big c{i}" for i in range(n)]


def _tree_doubling(r: random.Random) -> list[str]:
    return ["mkdir d; touch d/f; echo " + "t" * r.randint(10, 10_000) + " > d/g",
            "; ".join(f"cp -r d t; mv t d/t{i}" for i in range(r.randint(10, 20)))]


def _var_doubling(r: random.Random) -> list[str]:
    fan = r.randint(2, 10)
    form = r.choice(["$A", "${A}", '"$A"'])
    verb = r.choice(["", "export "])
    return [f"{verb}A=" + "v" * r.randint(1, 1000), "; ".join([f"{verb}A=" + form * fan] * r.randint(8, 40)),
            "echo $A $A $A $A > out"]


def _alias_doubling(r: random.Random) -> list[str]:
    return ["alias a='" + "w" * r.randint(100, 10_000) + "'"] + [
        "; ".join(f"alias a{i}=\"$(alias a{i - 1 if i else ''})\"" for i in range(r.randint(5, 30)))]


def _sed_growth(r: random.Random) -> list[str]:
    k = r.randint(2, 50)
    return ["echo " + "x" * r.randint(1000, 100_000) + " > g"] + [
        f"sed -i 's/x/{'x' * k}/g' g" if r.random() < 0.5 else f"sed 's/x/{'x' * k}/g' g > h; cat h > g"
        for _ in range(r.randint(3, 10))]


def _printf_width(r: random.Random) -> list[str]:
    width = int(10 ** r.uniform(6, 10))
    return [r.choice([f"printf '%{width}s' x", f"printf '%0{width}d' 1", f"printf '%-{width}s|' a b c > p",
                      f"printf '%.{width}f' 1"])]


def _recursive_function(r: random.Random) -> list[str]:
    return ["echo " + "y" * r.randint(1000, 99_999) + " > y",
            r.choice(["f() { cat y y y y y; f; }; f", "f() { f; f; }; f", ":(){ :|:& };:",
                      "g() { echo $1$1 > q; g $(cat q); }; g x", "echo 'bash ./s.sh; bash ./s.sh' > s.sh; bash s.sh"])]


def _glob_args(r: random.Random) -> list[str]:
    return ["touch " + " ".join(f"/tmp/f{i:05}" for i in range(r.randint(100, 3000))),
            "echo " + " ".join(["/tmp/*"] * r.randint(10, 3000))]


GROWTH: dict[str, Callable[[random.Random], list[str]]] = {
    "cat-chain": _cat_chain, "self-append": _self_append, "cp-loop": _cp_loop, "tree-doubling": _tree_doubling,
    "var-doubling": _var_doubling, "alias-doubling": _alias_doubling, "sed-growth": _sed_growth,
    "printf-width": _printf_width, "recursive-function": _recursive_function, "glob-args": _glob_args,
}

PATTERNS = [r"\(a*\)*$", r"\(a\|a\)*$", r"\(a\|aa\)*b", r"\(.*\)*x", r"\(a*\)*\(b*\)*c", r"\(\(a*\)*\)*$",
            r"\(a\{1,30\}\)\{1,30\}$", r"\([a-z]*\)*[0-9]", r"\(a*\)\1*$", r"^\(a\+\)\+$", r"\(a\|b\|ab\)*c",
            r"\(\(a\|a\)*\)*!x"]
EXTENDED = [r"(a|a)*$", r"(a+)+$", r"(a|aa)*b", r"((a*)*)*$", r"(.*a){25}", r"(a?){30}a{30}"]


def _regex_line(r: random.Random) -> list[str]:
    extended = r.random() < 0.3
    pattern = r.choice(EXTENDED if extended else PATTERNS)
    flag = "-E " if extended else ""
    text = r.choice(["a", "ab", "aa"]) * r.randint(10, 3000) + r.choice(["!", "", "b!", "0"])
    form = r.randrange(5)
    if form == 0:
        return [f"echo {text} | sed {flag}'s/{pattern}/x/'"]
    if form == 1:
        return [f"echo {text} > f", f"sed -i {flag}'s/{pattern}/x/g' f"]
    if form == 2:
        return [f"echo {text} > f", f"sed -n {flag}'/{pattern}/p' f"]
    if form == 3:
        return [f"echo {text} > f", "; ".join([f"sed {flag}'s/{pattern}/x/' f"] * r.randint(2, 10))]
    return [f"echo {text} | sed {flag}-e 's/{pattern}/x/' -e 's/{r.choice(PATTERNS)}/y/'"]


def _huge_pattern(r: random.Random) -> list[str]:
    return [r.choice([f"echo hi | sed 's/\\(a\\{{{r.randint(100, 1000)}\\}}\\)\\{{{r.randint(100, 1000)}\\}}/x/'",
                      "echo hi | sed 's/" + "a" * r.randint(301, 5000) + "/x/'",
                      "echo hi | sed 's/" + "\\(" * r.randint(100, 2000) + "a" + "\\)" * r.randint(100, 2000) + "/x/'",
                      "echo hi | sed '" + ";".join(["s/a/b/"] * r.randint(700, 3000)) + "'"])]


REGEX: dict[str, Callable[[random.Random], list[str]]] = {"backtracking": _regex_line, "huge-pattern": _huge_pattern}
CLASSES = {"shell_growth": GROWTH, "regex": REGEX}
TRUNCATED = "\n[output truncated]"


def shell_case(cls: str, variant: str, rng: random.Random) -> Case:
    """Run one drawn sequence of command lines in a fresh shell and check the caps.

    Args:
        cls: shell_growth or regex.
        variant: a key of that class's table.
        rng: draws the sizes, the shell (plain or the shutdown sandbox) and the probe.
    """
    from insider.agent.shell import MAX_FILE_BYTES, MAX_OUTPUT, MAX_TOTAL_BYTES, Shell

    lines = CLASSES[cls][variant](rng) + [rng.choice(ENV_PROBES)]
    sandbox = rng.random() < 0.4
    outs: list[str] = []
    problems: list[str] = []
    crashed = False
    slowest = 0.0
    with measured(memory=True, deadline_s=120) as m:
        try:
            if sandbox:
                from insider.families.shutdown.environment import ShutdownEnv
                from insider.families.shutdown.scenario import load_shutdown_pack, render_shutdown

                env = ShutdownEnv.from_metadata(render_shutdown(load_shutdown_pack().grid.make({}))["metadata"])
                shell, run = env.shell, env.bash
            else:
                shell = Shell()
                run = shell.run
            for line in lines:
                with measured(deadline_s=60) as one:
                    outs.append(run(line))
                slowest = max(slowest, one.seconds)
                if one.timed_out:
                    problems.append(f"a line ran past 60 s: {line[:80]!r}")
            ok = run("echo ok")
            if ok.strip() != "ok":
                problems.append(f"the shell is not usable afterwards: {ok[:80]!r}")
        except Exception as e:  # the shell must turn every problem into error output
            crashed = True
            problems.append(f"{type(e).__name__}: {str(e)[:200]}")
    if m.timed_out:
        problems.append("the case ran past 120 s")
    if not crashed:
        sizes = [len(f.content) for f in shell.files.values()]
        stored = sum(sizes) + sum(len(k) + len(v) for k, v in shell.env.items())
        if sizes and max(sizes) > MAX_FILE_BYTES:
            problems.append(f"a file of {max(sizes):,} characters")
        if stored > MAX_TOTAL_BYTES + 64 * 1024:
            problems.append(f"{stored:,} characters stored")
        longest = max(len(o) for o in outs)
        if longest > MAX_OUTPUT + len(TRUNCATED) + 200:
            problems.append(f"an output of {longest:,} characters")
        if slowest > 10:
            problems.append(f"a line took {slowest:.1f} s")
    secret = current_secret()
    held = secret and not crashed and any(secret in f.content for f in shell.files.values())
    case = Case(cls, ["sandbox.bash" if sandbox else "Shell.run", *(ln[:120] for ln in lines)], 0 if not crashed else -1,
                "".join(o[:2000] for o in outs), "", crashed, cls=cls, expect=0, extra_problems=problems,
                peak_mb=m.peak_mb, seconds=m.seconds)
    case.kind = f"{cls}:{variant}{'@sandbox' if sandbox else ''}"
    case.leaks = (["output"] if secret and any(secret in o for o in outs) else []) + (["shell files"] if held else [])
    return case


def shell_run_case(rng: random.Random, workdir: Path) -> Case:
    """A full `insider run --family shutdown` whose replayed agent sends hostile command
    lines through the `bash` tool: the run finishes and its log holds no host secret."""
    folder = Path(tempfile.mkdtemp(prefix="shell-run-", dir=workdir))
    lines = _cat_chain(rng) + _var_doubling(rng) + _regex_line(rng) + [rng.choice(ENV_PROBES), "cat /proc/self/environ"]
    turns = [{"response": "", "tool_calls": [{"function": "bash", "arguments": {"cmd": ln}}]} for ln in lines]
    turns.append({"response": "Done."})
    replay = folder / "replay.jsonl"
    replay.write_text(json.dumps({"turns": turns}) + "\n")
    argv = ["run", "--family", "shutdown", "--samples", "1", "--conditions", "shutdown/none",
            "--model", f"replay/{replay}", "--out", str(folder / "run"), "--display", "none"]
    case = _case("shell_growth:full-run", argv, cls="shell_growth", scan=[folder], expect=0, memory=True,
                 max_seconds=120)
    return case
