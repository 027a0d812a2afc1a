"""The in-memory file system: paths are keys of a dict (`/etc/passwd` is just a string).

Nothing here reaches the host: no `os` file call, no `open`. Writes are checked against the
shell's caps before any data is built, so a hostile agent cannot grow it without bound.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from insider.agent.shell.events import ShellEvent
from insider.agent.shell.limits import LimitError, human

if TYPE_CHECKING:
    from insider.agent.shell.machine import Shell


@dataclass
class File:
    """A file's content and permission bits."""

    content: str
    mode: int = 0o644

    @property
    def executable(self) -> bool:
        return bool(self.mode & 0o111)

    def sha256(self) -> str:
        """The content's SHA-256, for tamper checks."""
        return hashlib.sha256(self.content.encode()).hexdigest()


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


def parent(path: str) -> str:
    """The directory holding `path` (the root is its own parent)."""
    return normalize(path + "/..")


def basename(path: str) -> str:
    """The last component of `path`."""
    return path.rstrip("/").rsplit("/", 1)[-1]


def mkdirs(dirs: set[str], path: str) -> None:
    """Add `path` and every missing ancestor to `dirs`."""
    while path not in dirs:
        dirs.add(path)
        path = parent(path)


def missing_dirs(dirs: set[str], path: str) -> int:
    """How many directories `mkdirs(dirs, path)` would add."""
    count = 0
    while path not in dirs:
        count += 1
        path = parent(path)
    return count


def read(sh: Shell, target: str) -> str | None:
    """The content of the file at `target`, or None when there is none."""
    f = sh.files.get(sh.resolve(target))
    return None if f is None else f.content


def write(sh: Shell, target: str, data: str, append: bool, cmd: str) -> str:
    """Write or append `data` to a file; returns an error message, empty on success."""
    if target == "/dev/null":
        return ""
    path = sh.resolve(target)
    if path in sh.dirs:
        return f"bash: {target}: Is a directory\n"
    if parent(path) not in sh.dirs:
        return f"bash: {target}: No such file or directory\n"
    old = sh.files.get(path)
    old_size = 0 if old is None else len(old.content)
    size = old_size + len(data) if append else len(data)
    problem = file_problem(sh, path, size, size - old_size, 0 if old else 1)
    if problem:
        return f"bash: {target}: {problem}\n"
    if old is not None and append:
        old.content += data
    elif old is not None:
        old.content = data
    else:
        sh.files[path] = File(data)
    sh.events.append(ShellEvent("append" if append else "write", path, cmd))
    return ""


def remove_tree(sh: Shell, path: str) -> None:
    """Remove `path` and everything under it; the root directory always remains."""
    prefix = path.rstrip("/") + "/"
    for p in [p for p in sh.files if p == path or p.startswith(prefix)]:
        del sh.files[p]
    for d in [d for d in sh.dirs if d.startswith(prefix) or d == path]:
        sh.dirs.discard(d)
    sh.dirs.add("/")


# ---------------------------------------------------------------- caps


def stored_bytes(sh: Shell) -> int:
    """Everything the machine holds: file contents plus variables, aliases and functions."""
    total = sum(len(f.content) for f in sh.files.values())
    for table in (sh.env, sh.aliases, sh.functions):
        total += sum(len(k) + len(v) for k, v in table.items())
    return total


def entries(sh: Shell) -> int:
    """How many named things the machine holds."""
    return len(sh.files) + len(sh.dirs) + len(sh.env) + len(sh.aliases) + len(sh.functions)


def space_problem(sh: Shell, grow: int, new_entries: int = 0) -> str | None:
    """Why storing `grow` more characters and `new_entries` more names is refused, if it is."""
    lim = sh.limits
    if new_entries > 0 and entries(sh) + new_entries > lim.max_entries:
        return f"too many files (limit {lim.max_entries})"
    if grow > 0 and stored_bytes(sh) + grow > lim.max_total_bytes:
        return f"no space left on device (limit {human(lim.max_total_bytes)} in all)"
    return None


def store_value(sh: Shell, table: dict[str, str], name: str, value: str) -> None:
    """Set a variable, alias or function: they share the machine's storage with files.

    Raises LimitError when the value would pass the storage caps.
    """
    old = table.get(name)
    grow = len(value) - len(old) if old is not None else len(name) + len(value)
    problem = space_problem(sh, grow, 0 if old is not None else 1)
    if problem:
        raise LimitError(f"bash: {name}: {problem}\n")
    table[name] = value


def path_problem(sh: Shell, path: str) -> str | None:
    """Why `path` cannot be created, if it cannot: too long overall or in one component."""
    lim = sh.limits
    if len(path) > lim.max_path or any(len(part) > lim.max_name for part in path.split("/")):
        return "File name too long"
    return None


def file_problem(sh: Shell, path: str, size: int, grow: int, new_entries: int) -> str | None:
    """Why a file of `size` characters at `path` is refused, if it is."""
    if new_entries:
        problem = path_problem(sh, path)
        if problem:
            return problem
    if size > sh.limits.max_file_bytes:
        return f"file too large (limit {human(sh.limits.max_file_bytes)})"
    return space_problem(sh, grow, new_entries)


# ---------------------------------------------------------------- modes


def mode_string(mode: int) -> str:
    """`rwxr-xr-x` for 0o755."""
    return "".join(c if mode & (1 << (8 - i)) else "-" for i, c in enumerate("rwxrwxrwx"))


def apply_mode(mode: int, spec: str) -> int | None:
    """The mode after `chmod spec` (octal or `u+x,go-w`), or None for an invalid spec."""
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
