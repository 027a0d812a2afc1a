"""What a hostile-input case measures besides its exit code: a secret planted in the
environment showing up anywhere, the process's peak memory, wall time, and a deadline.

The secret is a random value in `INSIDER_FUZZ_SECRET` for the length of a campaign; every
case looks for it in what the command printed and in every regular file under its folder
(zip members and gzip files read unpacked). Peak memory is this process's high-water mark
(`VmHWM`), reset before each case through `/proc/self/clear_refs`, so it is the case's own
peak including the memory already in use when it started.
"""

from __future__ import annotations

import gzip
import os
import resource
import secrets
import signal
import stat
import time
import zipfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SECRET_VAR = "INSIDER_FUZZ_SECRET"
MAX_PEAK_MB = 2048  # a template or shell case must stay under this


@contextmanager
def planted_secret() -> Generator[str, None, None]:
    """Set `INSIDER_FUZZ_SECRET` to a fresh random value while the block runs; yields it."""
    value = "fz" + secrets.token_hex(16)
    before = os.environ.get(SECRET_VAR)
    os.environ[SECRET_VAR] = value
    try:
        yield value
    finally:
        if before is None:
            os.environ.pop(SECRET_VAR, None)
        else:
            os.environ[SECRET_VAR] = before


def current_secret() -> str | None:
    """The planted secret, or None outside `planted_secret()`."""
    return os.environ.get(SECRET_VAR)


def leaked(texts: list[str], folders: list[Path] = ()) -> list[str]:
    """Where the planted secret appears: "output" for any of `texts`, else the file paths.

    Args:
        texts: what the command printed.
        folders: folders whose regular files (not links, FIFOs or devices) are searched.
    """
    secret = current_secret()
    if not secret:
        return []
    found = ["output"] if any(secret in t for t in texts) else []
    needle = secret.encode()
    for folder in folders:
        found += [str(p) for p in regular_files(folder) if any(needle in blob for blob in _blobs(p))]
    return found


def regular_files(folder: Path) -> Iterator[Path]:
    """Every regular file under `folder`, never following a link nor opening a special file."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in files + dirs:
            path = Path(root) / name
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue
            if stat.S_ISREG(mode):
                yield path


def _blobs(path: Path) -> list[bytes]:
    try:
        data = path.read_bytes()
    except OSError:
        return []
    blobs = [data]
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                blobs += [z.read(n) for n in z.namelist()]
        elif data[:2] == b"\x1f\x8b":
            blobs.append(gzip.decompress(data))
    except Exception:  # a damaged archive is searched as plain bytes only
        pass
    return blobs


# ------------------------------------------------------------------ memory and time

def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    """This process's peak resident memory in MiB (since the last reset, where possible)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Measure:
    seconds: float = 0.0
    peak_mb: float | None = None
    timed_out: bool = False


class CaseTimeout(BaseException):
    """A case ran past its deadline (a BaseException, so no `except Exception` swallows it)."""


@contextmanager
def measured(memory: bool = False, deadline_s: float = 120.0) -> Generator[Measure, None, None]:
    """Time the block, its peak memory when `memory`, and end it after `deadline_s` seconds.

    Args:
        memory: reset the high-water mark first and record the block's peak in MiB.
        deadline_s: SIGALRM raises CaseTimeout after this long (main thread only).
    """
    m = Measure()
    if memory:
        _reset_peak()

    def _expired(signum, frame):
        raise CaseTimeout(f"no result after {deadline_s:.0f} s")

    old = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, deadline_s)
    start = time.monotonic()
    try:
        yield m
    except CaseTimeout:
        m.timed_out = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        m.seconds = time.monotonic() - start
        if memory:
            m.peak_mb = peak_mb()
