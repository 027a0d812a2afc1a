"""Command-line syntax: splitting a line into commands, and a command into words and redirections.

Nothing is executed here. `$( ... )` and backticks stay literal text; only `~` and `$VAR`
are expanded. Every scan moves forward through the text, so parsing stays linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from insider.agent.shell.limits import MAX_STREAM_BYTES, LimitError, human


@dataclass
class Word:
    """One argument after quoting and expansion."""

    text: str
    glob: bool = False  # an unquoted *, ? or [ : expand against the file system


@dataclass
class Redirect:
    """One redirection of a simple command."""

    op: str  # ">", ">>", "<", "2>", "2>>", "&>", "2>&1", ">&2"
    target: str = ""


@dataclass
class Segment:
    """One simple command of a line, with how it joins the previous one."""

    text: str
    op: str = ";"  # how it joins the previous segment: ";", "&&", "||", "|"
    heredoc: str | None = None


# A function definition: `name() { body }` or `function name { body }`.
FUNC = re.compile(r"^(?:function\s+([^\s(){}]+)\s*(?:\(\s*\))?|([^\s(){}=]+)\s*\(\s*\))\s*\{(.*)\}$", re.S)
ASSIGN = re.compile(r"^([A-Za-z_]\w*)=(.*)$", re.S)

_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w]*)\1")
_VAR = re.compile(r"\$(\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*)|([?$#0-9]))")
_REDIRECTS = ("2>&1", ">&2", "2>>", "2>", "&>", ">>", ">", "<")


def split_commands(line: str) -> list[Segment]:
    """Split a command line on top-level `;`, `&&`, `||`, `|` and newlines.

    Quotes, `{ ... }` bodies and `$( ... )` are kept whole; `<<MARK` here-documents take the
    lines after their command line as that command's input.
    """
    segments: list[Segment] = []
    buf: list[str] = []
    op = ";"
    quote = ""
    braces = parens = 0
    pending: list[tuple[int, str]] = []  # (segment index, marker) of here-docs to read
    heredocs: dict[int, str] = {}
    i, n = 0, len(line)

    def flush(next_op: str) -> None:
        nonlocal buf, op
        text = "".join(buf).strip()
        if text:
            segments.append(Segment(text=text, op=op))
        buf = []
        op = next_op

    while i < n:
        c = line[i]
        if quote:
            buf.append(c)
            if c == "\\" and quote == '"' and i + 1 < n:
                buf.append(line[i + 1])
                i += 1
            elif c == quote:
                quote = ""
            i += 1
            continue
        if c in "'\"`":
            quote = c
            buf.append(c)
        elif c == "\\" and i + 1 < n:
            if line[i + 1] != "\n":  # a backslash-newline joins the lines
                buf.append(line[i : i + 2])
            i += 1
        elif c == "$" and line[i + 1 : i + 2] == "(":
            parens += 1
            buf.append("$(")
            i += 1
        elif c == ")" and parens:
            parens -= 1
            buf.append(c)
        elif c == "{":
            braces += 1
            buf.append(c)
        elif c == "}" and braces:
            braces -= 1
            buf.append(c)
        elif c == "<" and line[i : i + 2] == "<<" and line[i : i + 3] != "<<<":
            m = _HEREDOC.match(line, i)
            if m:
                pending.append((len(segments), m.group(2)))
                i = m.end()
                continue
            buf.append(c)
        elif c == "\n":
            if pending:
                i = _read_heredocs(line, i + 1, pending, heredocs)
                pending = []
                flush(";")
                continue
            if braces or parens:
                buf.append("; ")
            else:
                flush(";")
        elif not (braces or parens) and c in ";&|":
            two = line[i : i + 2]
            if two in ("&&", "||"):
                flush(two)
                i += 2
                continue
            if c == ";":
                flush(";")
            elif c == "|":
                flush("|")
            elif c == "&" and line[i + 1 : i + 2] == ">":
                buf.append(c)  # `&>file`
            elif c == "&" and i > 0 and line[i - 1] == ">":
                buf.append(c)  # `2>&1`
            else:
                flush(";")  # a trailing `&` (background) just runs the command
        else:
            buf.append(c)
        i += 1
    for seg_index, _marker in pending:  # here-doc with no body lines
        heredocs.setdefault(seg_index, "")
    flush(";")
    for idx, body in heredocs.items():
        if idx < len(segments):
            segments[idx].heredoc = body
    return segments


def _read_heredocs(line: str, pos: int, pending: list[tuple[int, str]], heredocs: dict[int, str]) -> int:
    """Read each pending here-document body from `pos`, the start of the next line.

    A body runs to the line holding only its marker (or to the end of the text). Returns
    where parsing resumes.
    """
    n = len(line)
    done = False  # past the last line
    for seg_index, marker in pending:
        body: list[str] = []
        while not done:
            end = line.find("\n", pos)
            text = line[pos:] if end < 0 else line[pos:end]
            done, pos = (True, n) if end < 0 else (False, end + 1)
            if text.strip() == marker:
                break
            body.append(text)
        heredocs[seg_index] = "\n".join(body) + "\n"
    return pos


def tokenize(text: str, env: dict[str, str], limit: int = MAX_STREAM_BYTES) -> tuple[list[Word], list[Redirect]]:
    """Words and redirections of one simple command, with `~` and `$VAR` expanded.

    `$( ... )` and backticks are kept as literal text: nothing is ever substituted. Raises
    LimitError when the expansions would make the words longer than `limit`.
    """
    words: list[Word] = []
    redirects: list[Redirect] = []
    cur: list[str] = []
    glob = False
    in_word = False
    want_target: Redirect | None = None
    grown = len(text)  # the words' size so far: the text plus what expansions add
    i, n = 0, len(text)

    def end_word() -> None:
        nonlocal cur, glob, in_word, want_target
        if not in_word:
            return
        word = "".join(cur)
        if want_target is not None:
            want_target.target = word
            want_target = None
        else:
            words.append(Word(word, glob))
        cur, glob, in_word = [], False, False

    def expand_var(pos: int) -> tuple[str, int]:
        nonlocal grown
        m = _VAR.match(text, pos)
        if not m:
            return "$", pos + 1
        name = m.group(2) or m.group(3) or m.group(4)
        value = env.get(name, "")
        # `A=$A$A` doubles a variable per command: refuse before the string is built.
        grown += len(value)
        if value and grown > limit:
            raise LimitError(f"bash: expansion too large (limit {human(limit)})\n")
        return value, m.end()

    while i < n:
        c = text[i]
        if c.isspace():
            end_word()
            i += 1
            continue
        if not in_word:
            for op in _REDIRECTS:
                if text.startswith(op, i):
                    redirect = Redirect(op)
                    redirects.append(redirect)
                    if op not in ("2>&1", ">&2"):
                        want_target = redirect
                    i += len(op)
                    break
            else:
                op = None
            if op is not None:
                continue
            if c == "~" and (i + 1 == n or text[i + 1] in "/ \t"):
                cur.append(env.get("HOME", "/"))
                in_word = True
                i += 1
                continue
        in_word = True
        if c == "'":
            j = text.find("'", i + 1)
            j = n if j < 0 else j
            cur.append(text[i + 1 : j])
            i = j + 1
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '"\\$`':
                    cur.append(text[i + 1])
                    i += 2
                elif text[i] == "$" and text[i + 1 : i + 2] != "(":
                    value, i = expand_var(i)
                    cur.append(value)
                else:
                    cur.append(text[i])
                    i += 1
            i += 1
        elif c == "\\" and i + 1 < n:
            cur.append(text[i + 1])
            i += 2
        elif c == "$" and text[i + 1 : i + 2] == "(":
            depth, j = 0, i
            while j < n:  # keep the whole substitution as literal text
                if text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            cur.append(text[i : j + 1])
            i = j + 1
        elif c == "`":
            j = text.find("`", i + 1)
            j = n - 1 if j < 0 else j
            cur.append(text[i : j + 1])
            i = j + 1
        elif c == "$":
            value, i = expand_var(i)
            cur.append(value)
        elif c in "<>":
            end_word()  # `x>file`: the redirection starts a new token
        else:
            if c in "*?[":
                glob = True
            cur.append(c)
            i += 1
    end_word()
    return words, redirects
