"""The Shell: the simulated machine's state, and how a command line runs over it.

A line is split into segments; each segment is tokenized, expanded and dispatched to a
function, a built-in from the command registry, or a script file run by this same shell.
Every segment is charged to the line's budget (commands and wall time), and every cap
violation becomes that command's error output: the agent sees it, the sample goes on.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field

from insider.agent.shell import control as _control  # noqa: F401  registers its commands
from insider.agent.shell import fs
from insider.agent.shell.commands import COMMANDS, Call
from insider.agent.shell.events import ShellEvent, Stop
from insider.agent.shell.fs import File, basename, normalize, parent
from insider.agent.shell.limits import Budget, LimitError, Limits, human
from insider.agent.shell.parse import ASSIGN, FUNC, Redirect, Word, split_commands, tokenize

PROGRAM_MARKER = "#!/sim/program "

Program = Callable[["Shell", list[str]], str]


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
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        self.dirs |= {"/", "/home", self.home, "/tmp", "/etc", "/bin", "/usr", "/usr/bin",
                      "/usr/local", "/usr/local/bin"}
        for path in list(self.files):
            fs.mkdirs(self.dirs, parent(path))
        self.cwd = self.cwd or self.home
        self.env.setdefault("HOME", self.home)
        self.env.setdefault("USER", basename(self.home) or "root")
        self.env.setdefault("PATH", ":".join(self.path_dirs))
        self.budget = Budget(self.limits)
        self.status = 0
        self._depth = 0

    # ---------------- public

    def run(self, line: str) -> str:
        """Run one command line; returns what the terminal would show."""
        if self.halted:
            return "Connection closed: the machine has been shut down."
        max_output = self.limits.max_output
        try:
            out = self.run_script(str(line), args=[], keep=max_output + 1)
        except Stop as stop:
            out = stop.partial
        if len(out) > max_output:
            out = out[:max_output] + "\n[output truncated]"
        return out + self.budget.message

    def add_program(self, path: str, name: str, fn: Program, mode: int = 0o755) -> None:
        """A file whose running calls `fn`, while the file keeps its marker content."""
        path = normalize(path)
        fs.mkdirs(self.dirs, parent(path))
        self.files[path] = File(f"{PROGRAM_MARKER}{name}\n", mode)
        self.programs[name] = fn

    def halt(self, reason: str) -> None:
        """Shut the machine down: the current line stops and later lines are refused."""
        self.halted = True
        self.halt_reason = reason
        raise Stop()

    def resolve(self, path: str) -> str:
        """`path` as an absolute clean path, relative to the working directory."""
        return normalize(path, self.cwd)

    # ---------------- execution

    def run_script(self, text: str, args: list[str], stdin: str = "", keep: int | None = None) -> str:
        """Run `text` as a script with positional `args`; returns stdout and stderr together.

        Output past `keep` characters (default: just past the stream cap) is dropped as it
        comes, so a runaway script never holds more than that.
        """
        lim = self.limits
        keep = lim.max_stream_bytes + 1 if keep is None else keep
        if self._depth >= lim.max_depth:
            return "bash: maximum nesting depth reached"
        if self._depth == 0:  # a new top-level line (or a host call into a script): a fresh budget
            self.budget = Budget(lim)
        if len(text) > lim.max_line:
            self.status = 1
            return f"bash: input too long (limit {human(lim.max_line)})\n"
        self._depth += 1
        outputs: list[str] = []
        kept = 0
        try:
            pipe_in = stdin
            segments = split_commands(text)
            for k, seg in enumerate(segments):
                if seg.op == "&&" and self.status != 0:
                    continue
                if seg.op == "||" and self.status == 0:
                    continue
                piping = k + 1 < len(segments) and segments[k + 1].op == "|"
                seg_in = seg.heredoc if seg.heredoc is not None else (pipe_in if seg.op == "|" else "")
                try:
                    out = self._run_segment(seg.text, args, seg_in)
                except Stop as stop:
                    stop.partial = "".join(outputs) + stop.partial
                    raise
                if piping:
                    pipe_in = out
                else:
                    if kept < keep:
                        outputs.append(out[: keep - kept])
                        kept += len(outputs[-1])
                    pipe_in = ""
        finally:
            self._depth -= 1
        return "".join(outputs)

    def _run_segment(self, text: str, args: list[str], stdin: str) -> str:
        if not self.budget.spend():
            self.status = 1
            return ""
        try:
            return self._run_simple(text, args, stdin)
        except LimitError as e:
            self.status = 1
            return e.message

    def _run_simple(self, text: str, args: list[str], stdin: str) -> str:
        if text.startswith("#"):
            self.status = 0
            return ""
        m = FUNC.match(text)
        if m:
            name = m.group(1) or m.group(2)
            fs.store_value(self, self.functions, name, m.group(3).strip())
            self.events.append(ShellEvent("function", name, text))
            self.status = 0
            return ""
        env = dict(self.env)
        for k, a in enumerate(args):
            env[str(k + 1)] = a
        env["#"] = str(len(args))
        env["?"] = str(self.status)
        limit = self.limits.max_stream_bytes
        words, redirects = tokenize(text, env, limit)
        if not words and not redirects:
            self.status = 0
            return ""
        # Leading VAR=value assignments.
        while words and ASSIGN.match(words[0].text) and not words[0].glob:
            name, value = ASSIGN.match(words[0].text).groups()  # type: ignore[union-attr]
            fs.store_value(self, self.env, name, value)
            words = words[1:]
        if words and words[0].text in self.aliases:
            alias_words, _ = tokenize(self.aliases[words[0].text], env, limit)
            words = alias_words + words[1:]
        argv = self._expand_globs(words)
        for r in redirects:
            if r.op == "<":
                stdin = fs.read(self, r.target) or ""
        out, err = self._dispatch(argv, stdin, text) if argv else ("", "")
        if len(out) + len(err) > limit:  # the cap on data passed down a pipe or into a file
            self.status = 1
            out, err = "", f"bash: {argv[0]}: output too large (limit {human(limit)})\n"
        return self._apply_redirects(redirects, out, err, text)

    def _apply_redirects(self, redirects: list[Redirect], out: str, err: str, cmd: str) -> str:
        for r in redirects:
            if r.op in (">", ">>", "&>"):
                data = out + (err if r.op == "&>" else "")
                problem = fs.write(self, r.target, data, append=r.op == ">>", cmd=cmd)
                out = ""
                if r.op == "&>":
                    err = ""
                if problem:
                    err += problem
            elif r.op in ("2>", "2>>"):
                if r.target != "/dev/null":
                    fs.write(self, r.target, err, append=r.op == "2>>", cmd=cmd)
                err = ""
            elif r.op == "2>&1":
                out, err = out + err, ""
        return out + err

    def _expand_globs(self, words: list[Word]) -> list[str]:
        argv: list[str] = []
        size, limit = 0, self.limits.max_stream_bytes
        for w in words:
            if not w.glob:
                argv.append(w.text)
                continue
            self.budget.tick()  # each pattern scans every path
            pattern = self.resolve(w.text)
            base = parent(pattern)
            names = sorted(
                p for p in (set(self.files) | self.dirs)
                if p != "/" and parent(p) == base and fnmatch.fnmatchcase(p, pattern)
                and not basename(p).startswith(".")
            )
            size += sum(len(p) for p in names)  # `echo * * * ...` repeats every name per word
            if size > limit:
                raise LimitError(f"bash: argument list too long (limit {human(limit)})\n")
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
        self.status = 0
        if name in self.functions:
            return self.run_script(self.functions[name], rest, stdin), ""
        builtin = COMMANDS.get(name)
        if builtin is not None:
            return builtin(Call(self, rest, stdin, cmd))
        if name == ".":
            return COMMANDS["source"](Call(self, rest, stdin, cmd))
        if "/" in name:
            return self.exec_file(self.resolve(name), name, rest, stdin, need_exec=True)
        for d in (*self.path_dirs, self.home):
            path = normalize(f"{d}/{name}")
            if path in self.files:
                return self.exec_file(path, name, rest, stdin, need_exec=True)
        self.status = 127
        return "", f"bash: {name}: command not found\n"

    def exec_file(self, path: str, shown: str, args: list[str], stdin: str, need_exec: bool) -> tuple[str, str]:
        """Run the file at `path`: a registered program, or a script for this shell."""
        if path in self.dirs:
            self.status = 126
            return "", f"bash: {shown}: Is a directory\n"
        f = self.files.get(path)
        if f is None:
            self.status = 127
            return "", f"bash: {shown}: No such file or directory\n"
        if need_exec and not f.executable:
            self.status = 126
            return "", f"bash: {shown}: Permission denied\n"
        first = f.content.split("\n", 1)[0]
        if first.startswith(PROGRAM_MARKER) and f.content.strip() == first.strip():
            program = self.programs.get(first[len(PROGRAM_MARKER):].strip())
            if program is not None:
                return program(self, args), ""
        try:
            return self.run_script(f.content, args, stdin), ""
        except Stop as stop:
            if self.halted:
                raise
            return stop.partial, ""  # `exit` ends only the script

    _exec_file = exec_file  # the name environments built before `exec_file` call
