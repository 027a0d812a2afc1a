"""Built-in commands over files and text. Each is a function registered by name with `@command`.

A command gets a `Call` and returns `(stdout, stderr)`; it sets the exit status through
`call.fail` or `call.sh.status`. Caps surface as LimitError, which the shell turns into the
command's error output.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from insider.agent.shell import fs
from insider.agent.shell.events import ShellEvent
from insider.agent.shell.fs import File, basename, normalize, parent
from insider.agent.shell.limits import LimitError, human
from insider.agent.shell.sed import run_sed

if TYPE_CHECKING:
    from insider.agent.shell.machine import Shell


@dataclass
class Call:
    """One invocation of a built-in: the shell, the arguments, the input, the command text."""

    sh: Shell
    args: list[str]
    stdin: str
    cmd: str

    def fail(self, err: str, status: int = 1) -> tuple[str, str]:
        """End with `err` on stderr and a non-zero status."""
        self.sh.status = status
        return "", err

    def done(self, out: str, err: str, status: int = 1) -> tuple[str, str]:
        """End with `out`, and with `status` when there were errors."""
        self.sh.status = status if err else 0
        return out, err


Command = Callable[[Call], tuple[str, str]]
COMMANDS: dict[str, Command] = {}


def command(*names: str) -> Callable[[Command], Command]:
    """Register the decorated function as the built-in(s) `names`."""

    def register(fn: Command) -> Command:
        for name in names:
            COMMANDS[name] = fn
        return fn

    return register


def _operands(args: list[str]) -> list[str]:
    return [a for a in args if not a.startswith("-")]


# ---------------------------------------------------------------- text


@command("echo")
def echo(call: Call) -> tuple[str, str]:
    """`echo [-neE] WORD...`: the words, space-joined."""
    args = call.args
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        newline = newline and "n" not in args[0]
        escapes = "e" in args[0]
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text = unescape(text)
    return text + ("\n" if newline else ""), ""


@command("printf")
def printf(call: Call) -> tuple[str, str]:
    """`printf FORMAT ARG...`: `%s`, `%d`, `%b` and `%%` filled in order."""
    if not call.args:
        return "", ""
    fmt, values = unescape(call.args[0]), iter(call.args[1:])
    return re.sub(r"%[sdb%]", lambda m: "%" if m.group() == "%%" else next(values, ""), fmt), ""


@command("cat")
def cat(call: Call) -> tuple[str, str]:
    """`cat [FILE|-]...`: the files (or the input) joined."""
    sh = call.sh
    files = [a for a in call.args if not a.startswith("-") or a == "-"]
    if not files:
        return call.stdin, ""
    out, err = [], []
    size = 0
    for a in files:
        path = sh.resolve(a)
        if a == "-":
            out.append(call.stdin)
        elif path in sh.dirs:
            err.append(f"cat: {a}: Is a directory\n")
            continue
        elif path in sh.files:
            out.append(sh.files[path].content)
        else:
            err.append(f"cat: {a}: No such file or directory\n")
            continue
        # `cat a a a a a a a a a a` multiplies a file: refuse before joining.
        size += len(out[-1])
        if size > sh.limits.max_stream_bytes:
            raise LimitError(f"bash: cat: output too large (limit {human(sh.limits.max_stream_bytes)})\n")
    return call.done("".join(out), "".join(err))


@command("sed")
def sed(call: Call) -> tuple[str, str]:
    """`sed [-i] [-e] EXPR [FILE...]`: stream edit, or edit the files in place."""
    sh = call.sh
    in_place, scripts, files = False, [], []
    it = iter(call.args)
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
        return call.fail("sed: no script specified\n")
    # Regex work for the whole call shares one deadline, itself inside the line's budget.
    deadline = min(time.monotonic() + sh.limits.regex_timeout, sh.budget.deadline)
    out, err = [], ""
    for a in files or ["-"]:
        text = call.stdin if a == "-" else fs.read(sh, a)
        if text is None:
            err += f"sed: can't read {a}: No such file or directory\n"
            continue
        try:
            for s in scripts:
                text = run_sed(s, text, sh.limits, deadline)
        except ValueError as e:
            return call.fail(f"sed: -e expression #1: {e}\n")
        if in_place and a != "-":
            path = sh.resolve(a)
            f = sh.files[path]
            if f.content != text:
                problem = fs.file_problem(sh, path, len(text), len(text) - len(f.content), 0)
                if problem:
                    return call.fail(f"sed: couldn't write {a}: {problem}\n", 4)
                f.content = text
                sh.events.append(ShellEvent("sed", path, call.cmd))
        else:
            out.append(text)
            if sum(map(len, out)) > sh.limits.max_stream_bytes:  # `sed e f f f f`: refuse before joining
                raise LimitError(f"sed: output too large (limit {human(sh.limits.max_stream_bytes)})\n")
    return call.done("".join(out), err)


def unescape(text: str) -> str:
    """Backslash escapes as `echo -e` and `printf` read them."""
    table = {"n": "\n", "t": "\t", "\\": "\\", "r": "\r", "a": "", "0": ""}
    return re.sub(r"\\(.)", lambda m: table.get(m.group(1), "\\" + m.group(1)), text)


# ---------------------------------------------------------------- files


@command("pwd")
def pwd(call: Call) -> tuple[str, str]:
    """`pwd`: the working directory."""
    return call.sh.cwd + "\n", ""


@command("cd")
def cd(call: Call) -> tuple[str, str]:
    """`cd [DIR]`: change the working directory (home by default)."""
    sh = call.sh
    target = sh.resolve(call.args[0]) if call.args else sh.home
    if target not in sh.dirs:
        return call.fail(f"bash: cd: {call.args[0]}: No such file or directory\n")
    sh.cwd = target
    return "", ""


@command("ls")
def ls(call: Call) -> tuple[str, str]:
    """`ls [-la] [PATH...]`: list files and directories."""
    sh = call.sh
    flags = "".join(a[1:] for a in call.args if a.startswith("-"))
    targets = _operands(call.args) or ["."]
    long = "l" in flags
    out, err = [], []
    for t in targets:
        sh.budget.tick()  # each listing scans every path
        path = sh.resolve(t)
        if path in sh.files:
            out.append(_ls_line(sh, path, t, long))
        elif path in sh.dirs:
            names = sorted(basename(p) for p in (set(sh.files) | sh.dirs)
                           if p != "/" and p != path and parent(p) == path)
            if "a" not in flags:
                names = [x for x in names if not x.startswith(".")]
            if len(targets) > 1:
                out.append(f"{t}:\n")
            for nm in names:
                out.append(_ls_line(sh, normalize(f"{path}/{nm}"), nm, long))
        else:
            err.append(f"ls: cannot access '{t}': No such file or directory\n")
    return call.done("".join(out), "".join(err), 2)


def _ls_line(sh: Shell, path: str, shown: str, long: bool) -> str:
    if not long:
        return shown + "\n"
    if path in sh.dirs:
        return f"drwxr-xr-x 1 user user 4096 {shown}\n"
    f = sh.files[path]
    return f"-{fs.mode_string(f.mode)} 1 user user {len(f.content):>5} {shown}\n"


@command("touch")
def touch(call: Call) -> tuple[str, str]:
    """`touch FILE...`: create the files that do not exist."""
    sh, err = call.sh, ""
    for a in _operands(call.args):
        if sh.resolve(a) not in sh.files:
            err += fs.write(sh, a, "", append=True, cmd=call.cmd)
    return "", err


@command("mkdir")
def mkdir(call: Call) -> tuple[str, str]:
    """`mkdir [-p] DIR...`: create directories."""
    sh = call.sh
    parents = any(a.startswith("-") and "p" in a for a in call.args)
    err = ""
    for a in _operands(call.args):
        path = sh.resolve(a)
        if path in sh.dirs or path in sh.files:
            if not parents:
                err += f"mkdir: cannot create directory '{a}': File exists\n"
        elif parent(path) in sh.dirs or parents:
            problem = fs.path_problem(sh, path) or fs.space_problem(sh, 0, fs.missing_dirs(sh.dirs, path))
            if problem:
                err += f"mkdir: cannot create directory '{a}': {problem}\n"
            else:
                fs.mkdirs(sh.dirs, path)
        else:
            err += f"mkdir: cannot create directory '{a}': No such file or directory\n"
    return call.done("", err)


@command("chmod")
def chmod(call: Call) -> tuple[str, str]:
    """`chmod MODE FILE...`: set permission bits (octal or symbolic)."""
    sh = call.sh
    args = [a for a in call.args if a not in ("-R", "-v", "-f")]
    if len(args) < 2:
        return call.fail("chmod: missing operand\n")
    spec, err = args[0], ""
    for a in args[1:]:
        path = sh.resolve(a)
        f = sh.files.get(path)
        if f is None:
            if path not in sh.dirs:
                err += f"chmod: cannot access '{a}': No such file or directory\n"
            continue
        new = fs.apply_mode(f.mode, spec)
        if new is None:
            return call.fail(f"chmod: invalid mode: '{spec}'\n")
        if new != f.mode:
            sh.events.append(ShellEvent("chmod", path, call.cmd, f"{oct(f.mode)}->{oct(new)}"))
        f.mode = new
    return call.done("", err)


@command("mv")
def mv(call: Call) -> tuple[str, str]:
    """`mv SRC... DEST`: move files or directories."""
    return _move_or_copy(call, "mv")


@command("cp")
def cp(call: Call) -> tuple[str, str]:
    """`cp [-r] SRC... DEST`: copy files, or directories with -r."""
    return _move_or_copy(call, "cp")


def _move_or_copy(call: Call, verb: str) -> tuple[str, str]:
    sh, args = call.sh, call.args
    recursive = any(a.startswith("-") and ("r" in a.lower() or "a" in a) for a in args)
    paths = _operands(args)
    if len(paths) < 2:
        return call.fail(f"{verb}: missing file operand\n")
    dest_arg, err = paths[-1], ""
    dest = sh.resolve(dest_arg)
    for a in paths[:-1]:
        sh.budget.tick()  # a tree copy scans every path
        src = sh.resolve(a)
        target = normalize(f"{dest}/{basename(src)}") if dest in sh.dirs else dest
        if parent(target) not in sh.dirs:
            err += f"{verb}: cannot create '{dest_arg}': No such file or directory\n"
        elif src in sh.files:
            problem = _copy_problem(sh, verb, {target: sh.files[src]}, set())
            if problem:
                err += f"{verb}: cannot create '{dest_arg}': {problem}\n"
                continue
            sh.files[target] = File(sh.files[src].content, sh.files[src].mode)
            if verb == "mv" and target != src:
                del sh.files[src]
            sh.events.append(ShellEvent(verb, src, call.cmd, target))
        elif src in sh.dirs and src != "/" and (verb == "mv" or recursive):
            if target == src or target.startswith(src + "/"):
                err += f"{verb}: cannot move '{a}' to a subdirectory of itself\n"
                continue
            prefix = src + "/"
            new_files = {target + "/" + p[len(prefix):]: f for p, f in sh.files.items() if p.startswith(prefix)}
            new_dirs = {target + "/" + d[len(prefix):] for d in sh.dirs if d.startswith(prefix)} | {target}
            problem = _copy_problem(sh, verb, new_files, new_dirs)
            if problem:
                err += f"{verb}: cannot create '{dest_arg}': {problem}\n"
                continue
            for p, f in new_files.items():
                sh.files[p] = File(f.content, f.mode)
            sh.dirs |= new_dirs
            if verb == "mv":
                fs.remove_tree(sh, src)
            sh.events.append(ShellEvent(verb, src, call.cmd, target))
        elif src in sh.dirs:
            err += f"{verb}: -r not specified; omitting directory '{a}'\n"
        else:
            err += f"{verb}: cannot stat '{a}': No such file or directory\n"
    return call.done("", err)


def _copy_problem(sh: Shell, verb: str, new_files: dict[str, File], new_dirs: set[str]) -> str | None:
    """Why placing these files and directories is refused, if it is.

    A move frees what it copies, so only paths are checked; a copy must also fit.
    """
    for path in [*new_files, *new_dirs]:
        if path not in sh.files and path not in sh.dirs:
            problem = fs.path_problem(sh, path)
            if problem:
                return problem
    if verb == "mv":
        return None
    for f in new_files.values():
        if len(f.content) > sh.limits.max_file_bytes:
            return f"file too large (limit {human(sh.limits.max_file_bytes)})"
    grow = sum(len(f.content) - len(sh.files[p].content if p in sh.files else "") for p, f in new_files.items())
    added = sum(p not in sh.files for p in new_files) + sum(d not in sh.dirs for d in new_dirs)
    return fs.space_problem(sh, grow, added)


@command("rm")
def rm(call: Call) -> tuple[str, str]:
    """`rm [-rf] PATH...`: remove files, or trees with -r; `/` needs --no-preserve-root."""
    sh, args = call.sh, call.args
    flags = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
    recursive, force = "r" in flags.lower(), "f" in flags
    err = ""
    for a in _operands(args):
        sh.budget.tick()  # a tree removal scans every path
        path = sh.resolve(a)
        if path == "/" and "--no-preserve-root" not in args:
            err += "rm: it is dangerous to operate recursively on '/'\n" \
                   "rm: use --no-preserve-root to override this failsafe\n"
        elif path in sh.files:
            del sh.files[path]
            sh.events.append(ShellEvent("rm", path, call.cmd))
        elif path in sh.dirs:
            if not recursive:
                err += f"rm: cannot remove '{a}': Is a directory\n"
                continue
            fs.remove_tree(sh, path)
            sh.events.append(ShellEvent("rm", path, call.cmd))
            if not sh.cwd.startswith("/") or sh.cwd not in sh.dirs:
                sh.cwd = "/"
        elif not force:
            err += f"rm: cannot remove '{a}': No such file or directory\n"
    return call.done("", err)
