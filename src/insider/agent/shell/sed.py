"""`sed` expressions: `s/a/b/[g]`, `/re/d`, `Nd` and `/re/s/a/b/`, line by line.

Matching uses the `regex` package because it takes a timeout: the stdlib `re` cannot be
interrupted, so `s/\\(a\\|a\\)*$/x/` on a line of `a`s would hang the host, deaf to SIGINT.
Patterns are still compiled by `re` first so that malformed ones fail with the same
messages as before; `regex` only runs the ones `re` accepts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import regex

from insider.agent.shell.limits import LimitError, Limits, human

# A counted repeat `{m}`, `{m,}`, `{,n}` or `{m,n}`, after the BRE translation.
_COUNT = re.compile(r"\{(\d*)(?:,(\d*))?\}")
# `regex` writes out counted repeats of literals at compile time, about 300 bytes per
# character: `(?:a{1000}){1000}` alone takes hundreds of MB. Bound the written-out size.
MAX_EXPANSION = 10_000


def run_sed(script: str, text: str, limits: Limits, deadline: float) -> str:
    """Apply one sed expression to `text`.

    Raises ValueError for a malformed expression (the message sed would print after
    `-e expression #1: `) and LimitError when matching outlives `deadline` (a
    `time.monotonic()` value) or the output would outgrow `limits.max_stream_bytes`.
    """
    script = script.strip()
    if len(script) > limits.max_sed_script:
        raise ValueError("expression too long")
    m = re.fullmatch(r"(\d+)d", script)
    if m:
        lines = text.splitlines(keepends=True)
        k = int(m.group(1)) - 1
        return "".join(line for i, line in enumerate(lines) if i != k)
    address, has_address = None, False
    m = re.match(r"/((?:[^/\\]|\\.)*)/", script)
    if m:
        has_address = True
        address, script = _address(bre(m.group(1)), limits), script[m.end():].strip()
        if script == "d":
            return "".join(line for line in text.splitlines(keepends=True)
                           if not _search(address, line, limits, deadline))
    if len(script) < 2 or script[0] != "s":
        raise ValueError(f"unknown command: `{script[:1]}'")
    d = re.escape(script[1])
    # The parse backtracks polynomially on runs of escaped delimiters: `regex`, with the deadline.
    parse = rf"s{d}((?:(?!{d}).|\\{d})*){d}((?:(?!{d}).|\\{d})*){d}([gI0-9]*)"
    m = _timed(lambda t: regex.fullmatch(parse, script, regex.S, timeout=t), limits, deadline)
    if not m:
        raise ValueError("unterminated `s' command")
    pattern, repl, flags = bre(m.group(1)), m.group(2), m.group(3)
    repl = re.sub(r"(?<!\\)&", r"\\g<0>", repl)
    count = 0 if "g" in flags else 1
    rx_flags = re.I if "I" in flags else 0
    if len(pattern) > limits.max_pattern or expansion(pattern) > MAX_EXPANSION:
        raise ValueError("expression too long")
    try:
        checked = re.compile(pattern, rx_flags)
        rx = regex.compile(re_compatible(pattern), rx_flags)
    except (re.error, regex.error) as e:
        raise ValueError(str(e)) from e
    out: list[str] = []
    size = 0
    template_checked = False
    for line in text.splitlines(keepends=True):
        if not has_address or _search(address, line, limits, deadline):
            if not template_checked:
                # `re` rejects a bad replacement at the first substitution, with its own words.
                try:
                    checked.sub(repl, "", count=count)
                except (re.error, IndexError) as e:
                    raise ValueError(str(e)) from e
                template_checked = True
            body, nl = (line[:-1], "\n") if line.endswith("\n") else (line, "")
            line = _sub(rx, repl, body, count, limits.max_stream_bytes - size, limits, deadline) + nl
        size += len(line)
        if size > limits.max_stream_bytes:
            raise LimitError(f"sed: output too large (limit {human(limits.max_stream_bytes)})\n")
        out.append(line)
    return "".join(out)


def bre(pattern: str) -> str:
    """A basic regular expression as a Python one.

    In BREs `\\( \\) \\{ \\} \\+` are the groups/intervals; bare ones are literal.
    """
    swapped = {"\\(": "(", "\\)": ")", "\\{": "{", "\\}": "}", "\\+": "+", "\\?": "?", "\\|": "|",
               "(": "\\(", ")": "\\)", "{": "\\{", "}": "\\}", "+": "\\+", "?": "\\?", "|": "\\|"}
    return re.sub(r"\\[(){}+?|]|[(){}+?|]", lambda m: swapped[m.group()], pattern)


def re_compatible(pattern: str) -> str:
    """The pattern, spelled so that `regex` reads it as `re` does.

    Two constructs `re` accepts mean something else to `regex`: a `[` inside a class
    (`[[:alpha:]]` is a POSIX class to `regex`, a plain set to `re`) and a `{` that opens no
    counted repeat (`{e<=1}` is fuzzy matching to `regex`, text to `re`). Both become literal.
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif c == "[":
            end = _skip_atom(pattern, i)
            out.append("[" + _escape_brackets(pattern[i + 1 : end]))
            i = end
        else:
            m = _COUNT.match(pattern, i) if c == "{" else None
            out.append("\\{" if c == "{" and (not m or m.group() == "{}") else c)
            i += 1
    return "".join(out)


def _escape_brackets(body: str) -> str:
    # Inside a class: every unescaped `[` becomes `\[`, escapes pass through whole.
    out: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "\\":
            out.append(body[i : i + 2])
            i += 2
        else:
            out.append("\\[" if body[i] == "[" else body[i])
            i += 1
    return "".join(out)


def expansion(pattern: str) -> int:
    """An upper bound on the pattern's length with every counted repeat written out.

    Each atom (character, escape, class) counts 1; a group counts its contents; `X{m,n}`
    counts X times the larger bound. Stops counting once past MAX_EXPANSION.
    """
    stack = [0]  # size of the sequence read so far at each group depth
    last = 0  # size of the atom just read: what a quantifier repeats
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "(":
            stack.append(0)
            last = 0
            i += 1
            continue
        if c == ")" and len(stack) > 1:
            last = stack.pop()
            stack[-1] += last
            i += 1
            continue
        if c == "{":
            m = _COUNT.match(pattern, i)
            if m and (m.group(1) or m.group(2)):
                times = max(int(m.group(1) or 0), int(m.group(2) or 0), 1)
                stack[-1] += last * (times - 1)
                last *= times
                i = m.end()
                if sum(stack) > MAX_EXPANSION:
                    return sum(stack)
                continue
        i = _skip_atom(pattern, i)
        last = 1
        stack[-1] += 1
    return sum(stack)


def _skip_atom(pattern: str, i: int) -> int:
    """The index after the atom at `i`: an escape pair, a `[...]` class, or one character."""
    n = len(pattern)
    if pattern[i] == "\\":
        return i + 2
    if pattern[i] != "[":
        return i + 1
    j = i + 1
    if j < n and pattern[j] == "^":
        j += 1
    if j < n and pattern[j] == "]":
        j += 1
    while j < n and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _address(pattern: str, limits: Limits) -> regex.Pattern | None:
    # An address that does not compile never matches, as before.
    if len(pattern) > limits.max_pattern or expansion(pattern) > MAX_EXPANSION:
        raise ValueError("expression too long")
    try:
        re.compile(pattern)
        return regex.compile(re_compatible(pattern))
    except (re.error, regex.error):
        return None


def _search(address: regex.Pattern | None, line: str, limits: Limits, deadline: float) -> bool:
    if address is None:
        return False
    return _timed(lambda t: address.search(line, timeout=t), limits, deadline) is not None


def _sub(rx: regex.Pattern, repl: str, body: str, count: int, room: int, limits: Limits, deadline: float) -> str:
    """`rx.sub(repl, body)`, refusing once the replacements would pass `room` characters."""
    grown = len(body)
    literal = "\\" not in repl

    def expand(m: regex.Match) -> str:
        nonlocal grown
        piece = repl if literal else m.expand(repl)
        grown += len(piece)
        if grown > room:  # `s/x/&&&&&&&&/g` grows the text many-fold: stop before it is built
            raise LimitError(f"sed: output too large (limit {human(limits.max_stream_bytes)})\n")
        return piece

    return _timed(lambda t: rx.sub(expand, body, count=count, timeout=t), limits, deadline)


def _timed(call: Callable[[float], object], limits: Limits, deadline: float):
    """Run `call(timeout)` with the time left before `deadline`; a timeout ends the command."""
    left = deadline - time.monotonic()
    try:
        if left <= 0:
            raise TimeoutError
        return call(left)
    except TimeoutError:
        raise LimitError(f"sed: pattern timed out (limit {human(limits.regex_timeout)})\n") from None
