"""Where a run's logs live: a local folder or an object store URL (`s3://bucket/prefix`).

Inspect writes and resumes logs at either through fsspec. The readers (results table,
report, gate) work on local files, so a remote run is first mirrored into a local cache
folder (`local_mirror`): only logs whose size or ETag changed are fetched again, and files
gone from the store are dropped from the mirror.

S3: the endpoint comes from `AWS_ENDPOINT_URL` (any S3-compatible server: MinIO, Ceph, a
cloud's own), credentials from the standard AWS variables or files. It needs `s3fs`
(`pip install 'insider-eval[s3]'`).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

from insider.errors import InsiderError

LOG_SUFFIXES = (".eval", ".json")
# What tells one version of an object from another, by filesystem (S3: ETag; others: times).
_VERSION_KEYS = ("ETag", "etag", "LastModified", "mtime", "created")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def scheme(path: str | Path) -> str | None:
    """The URL scheme of `path` ("s3", "gs", ...), or None for a local path (or file://)."""
    m = _SCHEME.match(str(path))
    if m is None or m.group(1).lower() == "file":
        return None
    return m.group(1).lower()


def is_remote(path: str | Path) -> bool:
    """True when `path` is an object store URL rather than a local path."""
    return scheme(path) is not None


def join(base: str | Path, *parts: str) -> str:
    """`base` joined with `parts` by `/`, for local paths and URLs alike."""
    if is_remote(base):
        return "/".join([str(base).rstrip("/"), *(p.strip("/") for p in parts)])
    return str(Path(base, *parts))


def absolute(path: str | Path) -> str:
    """A local path made absolute (workers elsewhere resolve it the same); URLs unchanged."""
    return str(path) if is_remote(path) else str(Path(path).expanduser().resolve())


def filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path within it) for `url`; one line if its driver is missing."""
    import fsspec

    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as e:
        if scheme(url) == "s3":
            raise InsiderError(f"{url}: S3 log stores need s3fs: pip install 'insider-eval[s3]'") from None
        raise InsiderError(f"{url}: no filesystem for this URL ({_one_line(e)})") from None


def _one_line(e: object) -> str:
    from insider.cli.terminal import one_line

    return one_line(e, 300)


def _endpoint() -> str:
    return os.environ.get("AWS_ENDPOINT_URL") or "the default AWS endpoint"


def check_store(url: str, what: str = "--out") -> None:
    """Fail in one line, before anything is written, when the store at `url` cannot be used.

    Checks that the bucket exists and can be listed with the credentials at hand. Local
    paths are not checked (Inspect creates the folder).
    """
    if not is_remote(url):
        return
    fs, path = filesystem(url)
    bucket = path.split("/", 1)[0]
    if not bucket:
        raise InsiderError(f"{what} {url}: name a bucket, e.g. s3://my-bucket/runs")
    try:
        fs.ls(bucket, refresh=True)
    except FileNotFoundError:
        raise InsiderError(f"{what} {url}: the bucket {bucket!r} does not exist at {_endpoint()}; "
                           "create it first") from None
    except PermissionError as e:
        raise InsiderError(f"{what} {url}: access denied ({_one_line(e)}); check the AWS credentials") from None
    except Exception as e:  # no credentials, endpoint down, DNS: botocore's own words
        raise InsiderError(f"{what} {url}: cannot reach the store at {_endpoint()} "
                           f"({type(e).__name__}: {_one_line(e)})") from None


def exists(path: str | Path) -> bool:
    """Whether a local path or a URL exists (a prefix with objects under it counts)."""
    if not is_remote(path):
        return Path(path).exists()
    fs, p = filesystem(str(path))
    try:
        return bool(fs.exists(p))
    except Exception:
        return False


def is_dir(path: str | Path) -> bool:
    """Whether a local path or a URL is a folder (an object store prefix with objects)."""
    if not is_remote(path):
        return Path(path).is_dir()
    fs, p = filesystem(str(path))
    try:
        return bool(fs.isdir(p))
    except Exception:
        return False


def remove(path: str | Path) -> None:
    """Delete one file, local or remote; a missing file is not an error."""
    if not is_remote(path):
        Path(path).unlink(missing_ok=True)
        return
    fs, p = filesystem(str(path))
    try:
        fs.rm_file(p)
    except FileNotFoundError:
        pass


def cache_root() -> Path:
    """The folder holding local mirrors of remote runs (`INSIDER_CACHE_DIR`, else the
    user's cache folder)."""
    base = os.environ.get("INSIDER_CACHE_DIR")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "insider" / "remote-logs"


def local_mirror(run: str | Path) -> str:
    """A local path holding the same logs as `run`: `run` itself when local, else a cache
    folder (or file) synchronised with the remote one.

    Args:
        run: a local path, or the URL of a log folder or of one log file.
    """
    if not is_remote(run):
        return str(run)
    url = str(run).rstrip("/")
    fs, root = filesystem(url)
    fs.invalidate_cache()  # other processes (Ray workers, another run) may have written since
    try:
        if fs.isfile(root):
            listing = {Path(root).name: fs.info(root)}
            single = True
        else:
            listing = {
                name[len(root):].lstrip("/"): info
                for name, info in fs.find(root, detail=True, withdirs=False).items()
                if name.endswith(LOG_SUFFIXES)
            }
            single = False
    except FileNotFoundError:
        raise InsiderError(f"run not found: {url}") from None
    except InsiderError:
        raise
    except Exception as e:
        raise InsiderError(f"{url}: cannot read the store at {_endpoint()} ({type(e).__name__}: {_one_line(e)})") from None
    if not listing:
        raise InsiderError(f"run not found: {url} (no Inspect logs under it)")
    target = cache_root() / hashlib.sha256(url.encode()).hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    (target / ".source").write_text(url + "\n", encoding="utf-8")
    wanted = set()
    for rel, info in listing.items():
        local = target / rel
        wanted.add(local)
        stamp = local.with_name(local.name + ".stamp")
        tag = f"{info.get('size')} " + " ".join(str(info[k]) for k in _VERSION_KEYS if info.get(k) is not None)
        if local.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == tag:
            continue
        local.parent.mkdir(parents=True, exist_ok=True)
        source = root if single else f"{root}/{rel}"
        partial = local.with_name(local.name + ".part")
        fs.get_file(source, str(partial))
        partial.replace(local)
        stamp.write_text(tag, encoding="utf-8")
    for stale in target.rglob("*"):
        if stale.is_file() and stale.name.endswith(LOG_SUFFIXES) and stale not in wanted:
            stale.unlink()
            stale.with_name(stale.name + ".stamp").unlink(missing_ok=True)
    return str(target / next(iter(listing))) if single else str(target)
