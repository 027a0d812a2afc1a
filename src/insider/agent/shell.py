"""A simulated shell over an in-memory file system: the `bash` tool of the shutdown family.

Nothing here ever reaches the host: no subprocess, no `os` file call, no `eval`. Paths are
keys of a dict (`/etc/passwd` is just a string), command substitution stays literal text,
and a script is "run" by interpreting its lines with this same shell. Enough commands for
what models were seen doing to a shutdown script; anything else is "command not found".

Programs (like `next_task`) are files whose content is a marker line; running such a file
calls a Python function registered on the shell, as long as the file still holds the marker.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable

PROGRAM_MARKER = "#!/sim/program "
MAX_OUTPUT = 8000
MAX_DEPTH = 8  # nested scripts/functions (a script that runs itself stops here)
MAX_COMMANDS = 500  # per top-level call: no loop can run away

Program = Callable[["Shell", list[str]], str]


@dataclass
class File:
    content: str
    mode: int = 0o644

    @property
    def executable(self) -> bool:
        return bool(self.mode & 0o111)

    def sha256(self) -> str:
        return hashlib.sha256(self.content.encode()).hexdigest()


@dataclass
class Word:
    text: str
    glob: bool = False  # an unquoted *, ? or [ : expand against the file system


@dataclass
class Redirect:
    op: str  # ">", ">>", "<", "2>", "2>>", "&>", "2>&1", ">&2"
    target: str = ""


@dataclass
class Segment:
    text: str
    op: str = ";"  # how it joins the previous segment: ";", "&&", "||", "|"
    heredoc: str | None = None


@dataclass
class ShellEvent:
    """One mutating command, for verdicts that cite evidence."""

    op: str
    path: str
    cmd: str
    detail: str = ""


class _Stop(Exception):
    """`exit` inside a script, or the machine halting; carries the output shown so far."""

    def __init__(self, partial: str = ""):
        super().__init__()
        self.partial = partial


def normalize(path: str, cwd: str = "/") -> str:
    """An absolute, clean path; `..` past the root stays at the root."""
    parts: list[str] = []
    for part in (path if path.startswith("/") else f"{cwd}/{path}").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def _parent(path: str) -> str:
    return normalize(path + "/..")


def _basename(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


# ---------------------------------------------------------------- splitting and tokens


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
            m = re.match(r"<<-?\s*(['\"]?)([A-Za-z_][\w]*)\1", line[i:])
            if m:
                pending.append((len(segments), m.group(2)))
                i += m.end()
                continue
            buf.append(c)
        elif c == "\n":
            if pending:
                # The here-document body runs to the line holding only its marker.
                rest = line[i + 1 :].split("\n")
                consumed = 0
                for seg_index, marker in pending:
                    body: list[str] = []
                    while consumed < len(rest) and rest[consumed].strip() != marker:
                        body.append(rest[consumed])
                        consumed += 1
                    consumed += 1  # the marker line
                    heredocs[seg_index] = "\n".join(body) + "\n"
                pending = []
                flush(";")
                i = n if consumed >= len(rest) else i + 1 + len("\n".join(rest[:consumed])) + 1
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


_REDIRECTS = ("2>&1", ">&2", "2>>", "2>", "&>", ">>", ">", "<")


def tokenize(text: str, env: dict[str, str]) -> tuple[list[Word], list[Redirect]]:
    """Words and redirections of one simple command, with `~` and `$VAR` expanded.

    `$( ... )` and backticks are kept as literal text: nothing is ever substituted.
    """
    words: list[Word] = []
    redirects: list[Redirect] = []
    cur: list[str] = []
    glob = False
    in_word = False
    want_target: Redirect | None = None
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
        m = re.match(r"\$(\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*)|([?$#0-9]))", text[pos:])
        if not m:
            return "$", pos + 1
        name = m.group(2) or m.group(3) or m.group(4)
        return env.get(name, ""), pos + m.end()

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


_FUNC = re.compile(r"^(?:function\s+([^\s(){}]+)\s*(?:\(\s*\))?|([^\s(){}=]+)\s*\(\s*\))\s*\{(.*)\}$", re.S)
_ASSIGN = re.compile(r"^([A-Za-z_]\w*)=(.*)$", re.S)


# ---------------------------------------------------------------- the shell


@dataclass
class Shell:
    """The in-memory machine: files, directories, aliases, functions, processes."""

    home: str = "/home/user"
    files: dict[str, File] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    cwd: str = ""
    env: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)
    processes: dict[int, str] = field(default_factory=lambda: {1: "agent-session"})
    programs: dict[str, Program] = field(default_factory=dict)
    events: list[ShellEvent] = field(default_factory=list)
    halted: bool = False
    halt_reason: str = ""
    path_dirs: tuple[str, ...] = ("/usr/local/bin", "/usr/bin", "/bin")

    def __post_init__(self) -> None:
        self.dirs |= {"/", "/home", self.home, "/tmp", "/etc", "/bin", "/usr", "/usr/bin",
                      "/usr/local", "/usr/local/bin"}
        for path in list(self.files):
            self._mkdirs(_parent(path))
        self.cwd = self.cwd or self.home
        self.env.setdefault("HOME", self.home)
        self.env.setdefault("USER", _basename(self.home) or "root")
        self.env.setdefault("PATH", ":".join(self.path_dirs))
        self._budget = MAX_COMMANDS
        self._depth = 0
        self._status = 0

    # ---------------- public

    def run(self, line: str) -> str:
        """Run one command line; returns what the terminal would show."""
        if self.halted:
            return "Connection closed: the machine has been shut down."
        self._budget = MAX_COMMANDS
        try:
            out = self._run_script(str(line), args=[])
        except _Stop as stop:
            out = stop.partial
        if len(out) > MAX_OUTPUT:
            out = out[:MAX_OUTPUT] + "\n[output truncated]"
        return out

    def add_program(self, path: str, name: str, fn: Program, mode: int = 0o755) -> None:
        """A file whose running calls `fn`, while the file keeps its marker content."""
        path = normalize(path)
        self._mkdirs(_parent(path))
        self.files[path] = File(f"{PROGRAM_MARKER}{name}\n", mode)
        self.programs[name] = fn

    def halt(self, reason: str) -> None:
        self.halted = True
        self.halt_reason = reason
        raise _Stop()

    def resolve(self, path: str) -> str:
        return normalize(path, self.cwd)

    # ---------------- execution

    def _run_script(self, text: str, args: list[str], stdin: str = "") -> str:
        if self._depth >= MAX_DEPTH:
            return "bash: maximum nesting depth reached"
        self._depth += 1
        outputs: list[str] = []
        try:
            pipe_in = stdin
            segments = split_commands(text)
            for k, seg in enumerate(segments):
                if seg.op == "&&" and self._status != 0:
                    continue
                if seg.op == "||" and self._status == 0:
                    continue
                piping = k + 1 < len(segments) and segments[k + 1].op == "|"
                seg_in = seg.heredoc if seg.heredoc is not None else (pipe_in if seg.op == "|" else "")
                try:
                    out = self._run_segment(seg.text, args, seg_in)
                except _Stop as stop:
                    stop.partial = "".join(outputs) + stop.partial
                    raise
                if piping:
                    pipe_in = out
                else:
                    outputs.append(out)
                    pipe_in = ""
        finally:
            self._depth -= 1
        return "".join(outputs)

    def _run_segment(self, text: str, args: list[str], stdin: str) -> str:
        self._budget -= 1
        if self._budget < 0:
            self._status = 1
            return "bash: command limit reached\n" if self._budget == -1 else ""
        if text.startswith("#"):
            self._status = 0
            return ""
        m = _FUNC.match(text)
        if m:
            name = m.group(1) or m.group(2)
            self.functions[name] = m.group(3).strip()
            self.events.append(ShellEvent("function", name, text))
            self._status = 0
            return ""
        env = dict(self.env)
        for k, a in enumerate(args):
            env[str(k + 1)] = a
        env["#"] = str(len(args))
        env["?"] = str(self._status)
        words, redirects = tokenize(text, env)
        if not words and not redirects:
            self._status = 0
            return ""
        # Leading VAR=value assignments.
        while words and _ASSIGN.match(words[0].text) and not words[0].glob:
            name, value = _ASSIGN.match(words[0].text).groups()  # type: ignore[union-attr]
            self.env[name] = value
            words = words[1:]
        if words and words[0].text in self.aliases:
            alias_words, _ = tokenize(self.aliases[words[0].text], env)
            words = alias_words + words[1:]
        argv = self._expand_globs(words)
        for r in redirects:
            if r.op == "<":
                stdin = self._read(r.target) or ""
        out, err = self._dispatch(argv, stdin, text) if argv else ("", "")
        return self._apply_redirects(redirects, out, err, text)

    def _apply_redirects(self, redirects: list[Redirect], out: str, err: str, cmd: str) -> str:
        for r in redirects:
            if r.op in (">", ">>", "&>"):
                data = out + (err if r.op == "&>" else "")
                problem = self._write(r.target, data, append=r.op == ">>", cmd=cmd)
                out = ""
                if r.op == "&>":
                    err = ""
                if problem:
                    err += problem
            elif r.op in ("2>", "2>>"):
                if r.target != "/dev/null":
                    self._write(r.target, err, append=r.op == "2>>", cmd=cmd)
                err = ""
            elif r.op == "2>&1":
                out, err = out + err, ""
        return out + err

    def _expand_globs(self, words: list[Word]) -> list[str]:
        argv: list[str] = []
        for w in words:
            if not w.glob:
                argv.append(w.text)
                continue
            pattern = self.resolve(w.text)
            base = _parent(pattern)
            names = sorted(
                p for p in (set(self.files) | self.dirs)
                if p != "/" and _parent(p) == base and fnmatch.fnmatchcase(p, pattern)
                and not _basename(p).startswith(".")
            )
            if not names:
                argv.append(w.text)
            elif w.text.startswith("/"):
                argv.extend(names)
            else:
                prefix = self.cwd.rstrip("/") + "/"
                argv.extend(p[len(prefix):] if p.startswith(prefix) else p for p in names)
        return argv

    def _dispatch(self, argv: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        name, rest = argv[0], argv[1:]
        self._status = 0
        if name in self.functions:
            return self._run_script(self.functions[name], rest, stdin), ""
        builtin = getattr(self, f"_cmd_{name}", None) if re.fullmatch(r"[a-z]+", name) else None
        if builtin is not None:
            return builtin(rest, stdin, cmd)
        if name == ".":
            return self._cmd_source(rest, stdin, cmd)
        if "/" in name:
            return self._exec_file(self.resolve(name), name, rest, stdin, need_exec=True)
        for d in (*self.path_dirs, self.home):
            path = normalize(f"{d}/{name}")
            if path in self.files:
                return self._exec_file(path, name, rest, stdin, need_exec=True)
        self._status = 127
        return "", f"bash: {name}: command not found\n"

    def _exec_file(self, path: str, shown: str, args: list[str], stdin: str, need_exec: bool) -> tuple[str, str]:
        if path in self.dirs:
            self._status = 126
            return "", f"bash: {shown}: Is a directory\n"
        f = self.files.get(path)
        if f is None:
            self._status = 127
            return "", f"bash: {shown}: No such file or directory\n"
        if need_exec and not f.executable:
            self._status = 126
            return "", f"bash: {shown}: Permission denied\n"
        first = f.content.split("\n", 1)[0]
        if first.startswith(PROGRAM_MARKER) and f.content.strip() == first.strip():
            program = self.programs.get(first[len(PROGRAM_MARKER):].strip())
            if program is not None:
                return program(self, args), ""
        try:
            return self._run_script(f.content, args, stdin), ""
        except _Stop as stop:
            if self.halted:
                raise
            return stop.partial, ""  # `exit` ends only the script

    # ---------------- file system helpers

    def _mkdirs(self, path: str) -> None:
        while path not in self.dirs:
            self.dirs.add(path)
            path = _parent(path)

    def _read(self, target: str) -> str | None:
        f = self.files.get(self.resolve(target))
        return None if f is None else f.content

    def _write(self, target: str, data: str, append: bool, cmd: str) -> str:
        if target == "/dev/null":
            return ""
        path = self.resolve(target)
        if path in self.dirs:
            return f"bash: {target}: Is a directory\n"
        if _parent(path) not in self.dirs:
            return f"bash: {target}: No such file or directory\n"
        old = self.files.get(path)
        if old is not None and append:
            old.content += data
        elif old is not None:
            old.content = data
        else:
            self.files[path] = File(data)
        self.events.append(ShellEvent("append" if append else "write", path, cmd))
        return ""

    def _remove_tree(self, path: str) -> None:
        prefix = path.rstrip("/") + "/"
        for p in [p for p in self.files if p == path or p.startswith(prefix)]:
            del self.files[p]
        for d in [d for d in self.dirs if d.startswith(prefix) or d == path]:
            self.dirs.discard(d)
        self.dirs.add("/")

    # ---------------- builtins: each returns (stdout, stderr)

    def _cmd_pwd(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        return self.cwd + "\n", ""

    def _cmd_cd(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        target = self.resolve(args[0]) if args else self.home
        if target not in self.dirs:
            self._status = 1
            return "", f"bash: cd: {args[0]}: No such file or directory\n"
        self.cwd = target
        return "", ""

    def _cmd_echo(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        newline, escapes = True, False
        while args and re.fullmatch(r"-[neE]+", args[0]):
            newline = newline and "n" not in args[0]
            escapes = "e" in args[0]
            args = args[1:]
        text = " ".join(args)
        if escapes:
            text = _unescape(text)
        return text + ("\n" if newline else ""), ""

    def _cmd_printf(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        if not args:
            return "", ""
        fmt, values = _unescape(args[0]), list(args[1:])
        out = re.sub(r"%[sdb%]", lambda m: "%" if m.group() == "%%" else (values.pop(0) if values else ""), fmt)
        return out, ""

    def _cmd_cat(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        files = [a for a in args if not a.startswith("-") or a == "-"]
        if not files:
            return stdin, ""
        out, err = [], []
        for a in files:
            path = self.resolve(a)
            if a == "-":
                out.append(stdin)
            elif path in self.dirs:
                err.append(f"cat: {a}: Is a directory\n")
            elif path in self.files:
                out.append(self.files[path].content)
            else:
                err.append(f"cat: {a}: No such file or directory\n")
        self._status = 1 if err else 0
        return "".join(out), "".join(err)

    def _cmd_ls(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        flags = "".join(a[1:] for a in args if a.startswith("-"))
        targets = [a for a in args if not a.startswith("-")] or ["."]
        out, err = [], []
        for t in targets:
            path = self.resolve(t)
            if path in self.files:
                out.append(self._ls_line(path, t, "l" in flags))
            elif path in self.dirs:
                names = sorted(_basename(p) for p in (set(self.files) | self.dirs)
                               if p != "/" and p != path and _parent(p) == path)
                if "a" not in flags:
                    names = [x for x in names if not x.startswith(".")]
                if len(targets) > 1:
                    out.append(f"{t}:\n")
                for nm in names:
                    out.append(self._ls_line(normalize(f"{path}/{nm}"), nm, "l" in flags))
            else:
                err.append(f"ls: cannot access '{t}': No such file or directory\n")
        self._status = 2 if err else 0
        return "".join(out), "".join(err)

    def _ls_line(self, path: str, shown: str, long: bool) -> str:
        if not long:
            return shown + "\n"
        if path in self.dirs:
            return f"drwxr-xr-x 1 user user 4096 {shown}\n"
        f = self.files[path]
        return f"-{_mode_string(f.mode)} 1 user user {len(f.content):>5} {shown}\n"

    def _cmd_touch(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        err = ""
        for a in (a for a in args if not a.startswith("-")):
            if self.resolve(a) not in self.files:
                err += self._write(a, "", append=True, cmd=cmd)
        return "", err

    def _cmd_mkdir(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        parents = any(a.startswith("-") and "p" in a for a in args)
        err = ""
        for a in (a for a in args if not a.startswith("-")):
            path = self.resolve(a)
            if path in self.dirs or path in self.files:
                if not parents:
                    err += f"mkdir: cannot create directory '{a}': File exists\n"
            elif _parent(path) in self.dirs or parents:
                self._mkdirs(path)
            else:
                err += f"mkdir: cannot create directory '{a}': No such file or directory\n"
        self._status = 1 if err else 0
        return "", err

    def _cmd_chmod(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        args = [a for a in args if a not in ("-R", "-v", "-f")]
        if len(args) < 2:
            self._status = 1
            return "", "chmod: missing operand\n"
        spec, err = args[0], ""
        for a in args[1:]:
            path = self.resolve(a)
            f = self.files.get(path)
            if f is None:
                if path not in self.dirs:
                    err += f"chmod: cannot access '{a}': No such file or directory\n"
                continue
            new = _apply_mode(f.mode, spec)
            if new is None:
                self._status = 1
                return "", f"chmod: invalid mode: '{spec}'\n"
            if new != f.mode:
                self.events.append(ShellEvent("chmod", path, cmd, f"{oct(f.mode)}->{oct(new)}"))
            f.mode = new
        self._status = 1 if err else 0
        return "", err

    def _move_or_copy(self, args: list[str], cmd: str, verb: str) -> tuple[str, str]:
        recursive = any(a.startswith("-") and ("r" in a.lower() or "a" in a) for a in args)
        paths = [a for a in args if not a.startswith("-")]
        if len(paths) < 2:
            self._status = 1
            return "", f"{verb}: missing file operand\n"
        dest_arg, err = paths[-1], ""
        dest = self.resolve(dest_arg)
        for a in paths[:-1]:
            src = self.resolve(a)
            target = normalize(f"{dest}/{_basename(src)}") if dest in self.dirs else dest
            if _parent(target) not in self.dirs:
                err += f"{verb}: cannot create '{dest_arg}': No such file or directory\n"
            elif src in self.files:
                self.files[target] = File(self.files[src].content, self.files[src].mode)
                if verb == "mv" and target != src:
                    del self.files[src]
                self.events.append(ShellEvent(verb, src, cmd, target))
            elif src in self.dirs and src != "/" and (verb == "mv" or recursive):
                if target == src or target.startswith(src + "/"):
                    err += f"{verb}: cannot move '{a}' to a subdirectory of itself\n"
                    continue
                prefix = src + "/"
                for p in [p for p in self.files if p.startswith(prefix)]:
                    self.files[target + "/" + p[len(prefix):]] = File(self.files[p].content, self.files[p].mode)
                for d in [d for d in self.dirs if d.startswith(prefix)]:
                    self.dirs.add(target + "/" + d[len(prefix):])
                self.dirs.add(target)
                if verb == "mv":
                    self._remove_tree(src)
                self.events.append(ShellEvent(verb, src, cmd, target))
            elif src in self.dirs:
                err += f"{verb}: -r not specified; omitting directory '{a}'\n"
            else:
                err += f"{verb}: cannot stat '{a}': No such file or directory\n"
        self._status = 1 if err else 0
        return "", err

    def _cmd_mv(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        return self._move_or_copy(args, cmd, "mv")

    def _cmd_cp(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        return self._move_or_copy(args, cmd, "cp")

    def _cmd_rm(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        flags = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
        recursive, force = "r" in flags.lower(), "f" in flags
        err = ""
        for a in (a for a in args if not a.startswith("-")):
            path = self.resolve(a)
            if path == "/" and "--no-preserve-root" not in args:
                err += "rm: it is dangerous to operate recursively on '/'\n" \
                       "rm: use --no-preserve-root to override this failsafe\n"
            elif path in self.files:
                del self.files[path]
                self.events.append(ShellEvent("rm", path, cmd))
            elif path in self.dirs:
                if not recursive:
                    err += f"rm: cannot remove '{a}': Is a directory\n"
                    continue
                self._remove_tree(path)
                self.events.append(ShellEvent("rm", path, cmd))
                if not self.cwd.startswith("/") or self.cwd not in self.dirs:
                    self.cwd = "/"
            elif not force:
                err += f"rm: cannot remove '{a}': No such file or directory\n"
        self._status = 1 if err else 0
        return "", err

    def _cmd_sed(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        in_place, scripts, files = False, [], []
        it = iter(args)
        for a in it:
            if a.startswith("-i") or a == "--in-place":
                in_place = True
            elif a == "-e":
                scripts.append(next(it, ""))
            elif a.startswith("-") and len(a) > 1:
                continue
            elif not scripts:
                scripts.append(a)
            else:
                files.append(a)
        if not scripts:
            self._status = 1
            return "", "sed: no script specified\n"
        out, err = [], ""
        for a in files or ["-"]:
            text = stdin if a == "-" else self._read(a)
            if text is None:
                err += f"sed: can't read {a}: No such file or directory\n"
                continue
            try:
                for s in scripts:
                    text = _sed(s, text)
            except ValueError as e:
                self._status = 1
                return "", f"sed: -e expression #1: {e}\n"
            if in_place and a != "-":
                path = self.resolve(a)
                if self.files[path].content != text:
                    self.files[path].content = text
                    self.events.append(ShellEvent("sed", path, cmd))
            else:
                out.append(text)
        self._status = 1 if err else 0
        return "".join(out), err

    def _cmd_kill(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        pids, err, skip = [], "", False
        for a in args:
            if skip:
                skip = False
            elif a in ("-s", "-n"):
                skip = True  # the signal name follows
            elif a.startswith("-") and not pids:
                continue  # a signal: -9, -TERM, -KILL, or `--`
            else:
                pids.append(a)
        if not pids:
            self._status = 2
            return "", "kill: usage: kill [-s sigspec | -signum] pid ...\n"
        for p in pids:
            if not p.lstrip("-").isdigit():
                err += f"bash: kill: {p}: arguments must be process or job IDs\n"
                continue
            pid = int(p.lstrip("-"))
            if pid not in self.processes:
                err += f"bash: kill: ({pid}) - No such process\n"
                continue
            name = self.processes.pop(pid)
            self.events.append(ShellEvent("kill", str(pid), cmd, name))
            if pid == 1:
                self.halt(f"process 1 ({name}) killed by `{cmd}`")
        self._status = 1 if err else 0
        return "", err

    def _cmd_ps(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        rows = "".join(f"{pid:>5} {name}\n" for pid, name in sorted(self.processes.items()))
        return "  PID CMD\n" + rows, ""

    def _cmd_alias(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        if not args:
            return "".join(f"alias {k}='{v}'\n" for k, v in sorted(self.aliases.items())), ""
        out = ""
        for a in args:
            name, eq, value = a.partition("=")
            if eq:
                self.aliases[name] = value
                self.events.append(ShellEvent("alias", name, cmd, value))
            elif name in self.aliases:
                out += f"alias {name}='{self.aliases[name]}'\n"
        return out, ""

    def _cmd_unalias(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        for a in args:
            self.aliases.pop(a, None)
        return "", ""

    def _cmd_unset(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        for a in (a for a in args if not a.startswith("-")):
            (self.functions if "-f" in args else self.env).pop(a, None)
        return "", ""

    def _cmd_export(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        for a in args:
            name, eq, value = a.partition("=")
            if eq and re.fullmatch(r"[A-Za-z_]\w*", name):
                self.env[name] = value
        return "", ""

    def _cmd_type(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        out = ""
        for a in args:
            if a in self.aliases:
                out += f"{a} is aliased to `{self.aliases[a]}'\n"
            elif a in self.functions:
                out += f"{a} is a function\n"
            elif hasattr(self, f"_cmd_{a}"):
                out += f"{a} is a shell builtin\n"
            else:
                out += f"bash: type: {a}: not found\n"
        return out, ""

    def _cmd_bash(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        args = [a for a in args if a not in ("-x", "-e", "-v")]
        if args and args[0] == "-c":
            return self._run_script(args[1] if len(args) > 1 else "", args[2:], stdin), ""
        if not args:
            return self._run_script(stdin, [], ""), ""
        return self._exec_file(self.resolve(args[0]), args[0], args[1:], stdin, need_exec=False)

    _cmd_sh = _cmd_bash

    def _cmd_source(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        if not args:
            return "", "bash: source: filename argument required\n"
        f = self.files.get(self.resolve(args[0]))
        if f is None:
            self._status = 1
            return "", f"bash: {args[0]}: No such file or directory\n"
        return self._run_script(f.content, args[1:], stdin), ""

    def _cmd_exit(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        raise _Stop()

    def _cmd_true(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        return "", ""

    def _cmd_false(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        self._status = 1
        return "", ""

    def _cmd_whoami(self, args: list[str], stdin: str, cmd: str) -> tuple[str, str]:
        return self.env.get("USER", "user") + "\n", ""


def _unescape(text: str) -> str:
    table = {"n": "\n", "t": "\t", "\\": "\\", "r": "\r", "a": "", "0": ""}
    return re.sub(r"\\(.)", lambda m: table.get(m.group(1), "\\" + m.group(1)), text)


def _mode_string(mode: int) -> str:
    return "".join(c if mode & (1 << (8 - i)) else "-" for i, c in enumerate("rwxrwxrwx"))


def _apply_mode(mode: int, spec: str) -> int | None:
    if re.fullmatch(r"[0-7]{1,4}", spec):
        return int(spec, 8) & 0o777
    new = mode
    for clause in spec.split(","):
        m = re.fullmatch(r"([ugoa]*)([-+=])([rwx]*)", clause)
        if not m:
            return None
        who = m.group(1) or "a"
        shifts = [s for c, s in (("u", 6), ("g", 3), ("o", 0)) if c in who or "a" in who]
        bits = sum({"r": 4, "w": 2, "x": 1}[c] for c in set(m.group(3)))
        for s in shifts:
            if m.group(2) == "+":
                new |= bits << s
            elif m.group(2) == "-":
                new &= ~(bits << s)
            else:
                new = (new & ~(7 << s)) | (bits << s)
    return new & 0o777


def _sed(script: str, text: str) -> str:
    """`s/a/b/[g]`, `/re/d`, `Nd` and `/re/s/a/b/` over the text, line by line."""
    script = script.strip()
    m = re.fullmatch(r"(\d+)d", script)
    if m:
        lines = text.splitlines(keepends=True)
        k = int(m.group(1)) - 1
        return "".join(line for i, line in enumerate(lines) if i != k)
    address = None
    m = re.match(r"/((?:[^/\\]|\\.)*)/", script)
    if m:
        address, script = _bre(m.group(1)), script[m.end():].strip()
        if script == "d":
            return "".join(line for line in text.splitlines(keepends=True) if not _search(address, line))
    if len(script) < 2 or script[0] != "s":
        raise ValueError(f"unknown command: `{script[:1]}'")
    d = re.escape(script[1])
    m = re.fullmatch(rf"s{d}((?:(?!{d}).|\\{d})*){d}((?:(?!{d}).|\\{d})*){d}([gI0-9]*)", script, re.S)
    if not m:
        raise ValueError("unterminated `s' command")
    pattern, repl, flags = _bre(m.group(1)), m.group(2), m.group(3)
    repl = re.sub(r"(?<!\\)&", r"\\g<0>", repl)
    count = 0 if "g" in flags else 1
    rx_flags = re.I if "I" in flags else 0
    if len(pattern) > 300:
        raise ValueError("expression too long")
    try:
        rx = re.compile(pattern, rx_flags)
        out = []
        for line in text.splitlines(keepends=True):
            if address is None or _search(address, line):
                body, nl = (line[:-1], "\n") if line.endswith("\n") else (line, "")
                line = rx.sub(repl, body, count=count) + nl
            out.append(line)
    except (re.error, IndexError) as e:
        raise ValueError(str(e)) from e
    return "".join(out)


def _bre(pattern: str) -> str:
    # Basic regular expressions: \( \) \{ \} \+ are the groups/intervals; bare ones are literal.
    swapped = {"\\(": "(", "\\)": ")", "\\{": "{", "\\}": "}", "\\+": "+", "\\?": "?", "\\|": "|",
               "(": "\\(", ")": "\\)", "{": "\\{", "}": "\\}", "+": "\\+", "?": "\\?", "|": "\\|"}
    return re.sub(r"\\[(){}+?|]|[(){}+?|]", lambda m: swapped[m.group()], pattern)


def _search(pattern: str, line: str) -> bool:
    try:
        return re.search(pattern, line) is not None
    except re.error:
        return False
