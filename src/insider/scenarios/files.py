"""Reading a scenario pack's files: regular files under the pack folder, of bounded size.

A pack is data from anyone. A symbolic link in it (`emails/x.j2 -> /proc/self/environ`)
would pour a host file into the prompt, a FIFO would hang the command, a device file could
stream forever, and a 200 MB file would be read whole before anything is checked. So a pack
folder may hold only directories and regular files, none of them links, and each file is
opened without following links and refused before reading when it is over its limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from insider.errors import InsiderError

# The limits (docs/LIMITS.md). The built-in packs use a few kilobytes of each.
MAX_PACK_YAML_BYTES = 1 << 20  # pack.yaml: 1 MiB
MAX_TEMPLATE_BYTES = 256 << 10  # one template (.j2): 256 KiB
MAX_OTHER_FILE_BYTES = 4 << 20  # any other file in a pack folder: 4 MiB
MAX_PACK_BYTES = 16 << 20  # all the files of a pack folder together: 16 MiB
MAX_PACK_ENTRIES = 2_000  # files and folders in a pack folder
MAX_PACK_DEPTH = 16  # folders inside folders

TEMPLATE_SUFFIX = ".j2"
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the open before it is refused
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


def _mib(n: int) -> str:
    return f"{n / (1 << 20):g} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"


def limit_for(path: Path | str) -> int:
    """The size limit of a file in a pack, by its name."""
    name = Path(path).name
    if name.endswith(TEMPLATE_SUFFIX):
        return MAX_TEMPLATE_BYTES
    if name in ("pack.yaml", "pack.yml", "family.yaml"):
        return MAX_PACK_YAML_BYTES
    return MAX_OTHER_FILE_BYTES


def _kind(mode: int) -> str | None:
    """What a non-regular entry is, or None for a regular file or a folder."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "not a regular file"


def _refuse(path: Path | str, kind: str) -> InsiderError:
    fix = ("replace the link with a copy of the file" if kind == "a symbolic link"
           else "remove it from the pack folder")
    return InsiderError(f"{_shown(path)}: is {kind}; a scenario pack may hold only regular files and folders ({fix})")


def _too_big(path: Path | str, size: int, limit: int) -> InsiderError:
    return InsiderError(f"{_shown(path)}: {size:,} bytes is over the {_mib(limit)} limit for this file "
                        "in a scenario pack (see docs/LIMITS.md); make it smaller")


def _shown(path: Path | str) -> str:
    from insider.cli.terminal import one_line

    return one_line(path, 300)


def check_pack_tree(root: Path) -> None:
    """Refuse a pack folder holding links, devices, FIFOs or sockets, or too much data.

    Walks the whole folder without following links; the first problem is raised as one
    InsiderError naming the file.
    """
    total = entries = 0
    stack: list[tuple[Path, int]] = [(Path(root), 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                found = sorted(it, key=lambda e: e.name)
        except OSError as e:
            raise InsiderError(f"{_shown(folder)}: cannot list the pack folder ({e.strerror})") from None
        for entry in found:
            path = Path(entry.path)
            entries += 1
            if entries > MAX_PACK_ENTRIES:
                raise InsiderError(f"{_shown(root)}: more than {MAX_PACK_ENTRIES:,} files and folders in the pack "
                                   "(see docs/LIMITS.md); keep only the pack's own files there")
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as e:
                raise InsiderError(f"{_shown(path)}: cannot read ({e.strerror})") from None
            kind = _kind(st.st_mode)
            if kind is not None:
                raise _refuse(path, kind)
            if stat.S_ISDIR(st.st_mode):
                if depth + 1 > MAX_PACK_DEPTH:
                    raise InsiderError(f"{_shown(path)}: folders nested more than {MAX_PACK_DEPTH} deep in the pack "
                                       "(see docs/LIMITS.md)")
                stack.append((path, depth + 1))
                continue
            limit = limit_for(path)
            if st.st_size > limit:
                raise _too_big(path, st.st_size, limit)
            total += st.st_size
            if total > MAX_PACK_BYTES:
                raise InsiderError(f"{_shown(root)}: the pack's files add up to more than {_mib(MAX_PACK_BYTES)} "
                                   "(see docs/LIMITS.md); keep only the pack's own files there")


def _read_fd(fd: int, path: Path | str, limit: int) -> bytes:
    st = os.fstat(fd)
    kind = _kind(st.st_mode)
    if kind is not None or not stat.S_ISREG(st.st_mode):
        raise _refuse(path, kind or "a folder")
    if st.st_size > limit:
        raise _too_big(path, st.st_size, limit)
    chunks, size = [], 0
    while size <= limit:
        chunk = os.read(fd, min(1 << 16, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:  # grew after the check
        raise _too_big(path, size, limit)
    return b"".join(chunks)


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """A regular file's bytes, refused if it is a link, not a regular file, or over `limit`."""
    limit = limit_for(path) if limit is None else limit
    try:
        st = os.lstat(path)
    except OSError as e:
        raise InsiderError(f"{_shown(path)}: cannot read ({e.strerror})") from None
    kind = _kind(st.st_mode)
    if kind is not None or not stat.S_ISREG(st.st_mode):
        raise _refuse(path, kind or "a folder")
    if st.st_size > limit:
        raise _too_big(path, st.st_size, limit)
    try:
        fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_BINARY)
    except OSError as e:
        if os.path.islink(path):
            raise _refuse(path, "a symbolic link") from None
        raise InsiderError(f"{_shown(path)}: cannot read ({e.strerror})") from None
    try:
        return _read_fd(fd, path, limit)
    finally:
        os.close(fd)


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text, or an InsiderError naming the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InsiderError(f"{_shown(path)} line {line}: not UTF-8 (byte 0x{data[e.start]:02x}); "
                           "save the file as UTF-8") from None


def read_text(path: Path, limit: int | None = None) -> str:
    """A regular file's UTF-8 text, checked as `read_bytes` does."""
    return decode(read_bytes(path, limit), path)


def read_under(root: Path, parts: list[str], limit: int | None = None) -> bytes | None:
    """The bytes of `root/parts...`, or None when there is no such file.

    Every folder below `root` and the file itself must be real (not links) and the file
    regular; each step opens relative to the folder already opened, so a link swapped in
    between the check and the read is still refused.
    """
    path = Path(root).joinpath(*parts)
    limit = limit_for(path) if limit is None else limit
    if os.open not in os.supports_dir_fd or not _O_NOFOLLOW:
        return _read_under_by_path(Path(root), parts, limit)
    try:
        fd = os.open(root, os.O_RDONLY | _O_DIRECTORY)
    except OSError:
        return None
    try:
        for i, part in enumerate(parts):
            here = Path(root).joinpath(*parts[: i + 1])
            try:
                st = os.stat(part, dir_fd=fd, follow_symlinks=False)
            except (FileNotFoundError, NotADirectoryError):
                return None
            kind = _kind(st.st_mode)
            if kind is not None:
                raise _refuse(here, kind)
            last = i == len(parts) - 1
            if not last:
                if not stat.S_ISDIR(st.st_mode):
                    return None
                nfd = os.open(part, os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = nfd
                continue
            if not stat.S_ISREG(st.st_mode):
                raise _refuse(here, "a folder")
            if st.st_size > limit:
                raise _too_big(here, st.st_size, limit)
            ffd = os.open(part, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_BINARY, dir_fd=fd)
            try:
                return _read_fd(ffd, here, limit)
            finally:
                os.close(ffd)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as e:
        raise InsiderError(f"{_shown(path)}: cannot read ({e.strerror}); a scenario pack may hold only "
                           "regular files and folders") from None
    finally:
        os.close(fd)
    return None


def _read_under_by_path(root: Path, parts: list[str], limit: int) -> bytes | None:
    """`read_under` where the platform cannot open relative to a folder (checks by path)."""
    here = root
    for part in parts:
        here = here / part
        try:
            st = os.lstat(here)
        except (FileNotFoundError, NotADirectoryError):
            return None
        kind = _kind(st.st_mode)
        if kind is not None:
            raise _refuse(here, kind)
    if not here.is_file():
        return None
    return read_bytes(here, limit)
