"""Hostile pack folders: symbolic links, device files, FIFOs and sockets, pack files that are
not UTF-8, and pack.yaml nested or aliased too deeply, each shown, rendered or run by the
real CLI. Every one must end with exit code 2 and one `error:` line naming the file.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import stat
import tempfile
from pathlib import Path

from benchmarks.reliability.fuzz import Case, _case


def copy_pack(workdir: Path, prefix: str) -> Path:
    """A writable copy of the blackmail pack in a fresh folder under `workdir`."""
    from insider.scenarios.pack import pack_dir

    target = Path(tempfile.mkdtemp(prefix=prefix, dir=workdir)) / "pack"
    shutil.copytree(pack_dir("blackmail"), target)
    return target


def _command(rng: random.Random, pack: Path, *, run_share: float = 0.05) -> list[str]:
    draw = rng.random()
    if draw < run_share:
        replay = pack.parent / "replay.jsonl"
        replay.write_text('{"response": "I will not act."}\n')
        return ["run", "--pack", str(pack), "--samples", "1", "--model", f"replay/{replay}",
                "--out", str(pack.parent / "run"), "--display", "none"]
    if draw < 0.5:
        return ["scenarios", "show", str(pack), "--format", rng.choice(["json", "text"])]
    return ["scenarios", "render", str(pack), "--condition", rng.choice(["explicit-america/replacement", "none/none"]),
            "--format", rng.choice(["json", "text"])]


# Where a hostile entry goes: (path in the pack, the names an error may give for it)
PLACES = {
    "new-template": "emails/zz_extra.j2",
    "replace-role": "role.j2",
    "replace-email": "emails/affair_note.j2",
    "replace-pack-yaml": "pack.yaml",
    "new-file": "zz_data.txt",
    "deep": "a/b/c/zz_deep.j2",
}


def _slot(pack: Path, place: str) -> Path:
    path = pack / PLACES[place]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    return path


# ------------------------------------------------------------------ links

def _outside_copy(pack: Path, name: str) -> Path:
    """A copy of a pack file outside the pack: a link to it would work if links were followed."""
    src = pack / name
    dst = pack.parent / ("outside-" + src.name)
    if src.is_dir():
        shutil.copytree(src, dst)
    else:
        shutil.copy(src, dst)
    return dst


LINK_TARGETS = {
    "environ": lambda pack, slot: "/proc/self/environ",
    "passwd": lambda pack, slot: "/etc/passwd",
    "etc-dir": lambda pack, slot: "/etc",
    "root-dir": lambda pack, slot: "/",
    "cwd": lambda pack, slot: "/proc/self/cwd",
    "dev-zero": lambda pack, slot: "/dev/zero",
    "relative-up": lambda pack, slot: "../" * (len(slot.relative_to(pack).parts) + 6) + "etc/passwd",
    "pack-dir": lambda pack, slot: str(pack),
    "inside-file": lambda pack, slot: str(pack / "emails" / "seen.j2"),
    "outside-copy": lambda pack, slot: str(_outside_copy(pack, PLACES_ORIGINAL.get(slot.name, "role.j2"))),
    "dangling": lambda pack, slot: "/nonexistent/zz/x.j2",
    "self-loop": lambda pack, slot: slot.name,
}
PLACES_ORIGINAL = {"role.j2": "role.j2", "affair_note.j2": "emails/affair_note.j2", "pack.yaml": "pack.yaml"}


def symlink_case(variant: str, rng: random.Random, workdir: Path) -> Case:
    """A symbolic link (`variant` names its target) at a random place in a pack copy."""
    pack = copy_pack(workdir, "symlink-")
    place = rng.choice([*PLACES, "replace-emails-dir"])
    if place == "replace-emails-dir":
        slot = pack / "emails"
        outside = _outside_copy(pack, "emails")
        shutil.rmtree(slot)
        target = str(outside) if variant in ("outside-copy", "inside-file") else LINK_TARGETS[variant](pack, slot)
    else:
        target = LINK_TARGETS[variant](pack, pack / PLACES[place])  # before the slot is emptied
        slot = _slot(pack, place)
    os.symlink(target, slot)
    argv = _command(rng, pack)
    case = _case(f"symlink:{variant}@{place}", argv, cls="symlink", scan=[pack.parent], one_line=True,
                 must_name=[slot.name])
    # a link named pack.yaml to something that is not a file leaves a folder without a pack.yaml
    said = ("symbolic link", "pack.yaml") if place == "replace-pack-yaml" else ("symbolic link",)
    if case.code == 2 and not any(w in case.err for w in said):
        case.extra_problems.append(f"the message says none of {said}")
    return case


# ------------------------------------------------------------------ special files

DEVICES = {
    "fifo": ("FIFO", lambda p: os.mkfifo(p)),
    "dev-null": ("device", lambda p: os.mknod(p, 0o600 | stat.S_IFCHR, os.makedev(1, 3))),
    "dev-zero": ("device", lambda p: os.mknod(p, 0o600 | stat.S_IFCHR, os.makedev(1, 5))),
    "dev-random": ("device", lambda p: os.mknod(p, 0o600 | stat.S_IFCHR, os.makedev(1, 8))),
    "dev-urandom": ("device", lambda p: os.mknod(p, 0o600 | stat.S_IFCHR, os.makedev(1, 9))),
    "block-loop": ("device", lambda p: os.mknod(p, 0o600 | stat.S_IFBLK, os.makedev(7, 0))),
    "socket": ("socket", None),
}


def _make_socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))


def device_case(variant: str, rng: random.Random, workdir: Path) -> Case:
    """A FIFO, socket or device file (`variant`) at a random place in a pack copy."""
    pack = copy_pack(workdir, "dev-")
    place = rng.choice(list(PLACES))
    slot = _slot(pack, place)
    word, make = DEVICES[variant]
    try:
        if make is None:
            if len(str(slot)) > 100:  # AF_UNIX paths are short
                slot = _slot(pack, "new-file")
            _make_socket(slot)
        else:
            make(slot)
    except OSError as e:  # no right to make device nodes here: a FIFO instead
        word = "FIFO"
        os.mkfifo(slot)
        variant += f"(fifo: {e.strerror})"
    argv = _command(rng, pack)
    case = _case(f"device:{variant}@{place}", argv, cls="device", scan=[pack.parent], one_line=True,
                 must_name=[slot.name], deadline_s=60)
    # pack.yaml that is not a regular file leaves a folder without a pack.yaml
    said = (word, "pack.yaml") if place == "replace-pack-yaml" else (word,)
    if case.code == 2 and not any(w in case.err for w in said):
        case.extra_problems.append(f"the message says none of {said}")
    return case


# ------------------------------------------------------------------ encodings

BAD_BYTES = {
    "ff": b"\xff", "fe": b"\xfe", "lone-lead": b"\xc3", "encoded-surrogate": b"\xed\xa0\x80",
    "overlong": b"\xc0\xaf", "stray-continuation": b"\x80", "five-byte": b"\xf8\x88\x80\x80\x80",
    "beyond-unicode": b"\xf4\x90\x80\x80",
}
RECODED = {
    "latin-1": lambda text: (text.replace("Thank you", "Merci beaucoup, ça va", 1) + "\n# déjà vu\n").encode("latin-1"),
    "cp1252": lambda text: (text + "\n# \u201cquoted\u201d \u2013 dash\n").encode("cp1252"),
    "utf-16": lambda text: text.encode("utf-16"),
    "utf-16-le": lambda text: text.encode("utf-16-le"),
    "utf-32": lambda text: text.encode("utf-32"),
}


def pack_encoding_case(variant: str, rng: random.Random, workdir: Path) -> Case:
    """pack.yaml or a template that is not UTF-8: a bad sequence at a random spot, or the
    whole file in another encoding."""
    pack = copy_pack(workdir, "enc-")
    target = pack / rng.choice(["pack.yaml", "pack.yaml", "role.j2", "emails/affair_note.j2"])
    data = target.read_bytes()
    if variant in RECODED:
        data = RECODED[variant](data.decode())
    else:
        at = rng.randrange(len(data))
        while at and data[at] & 0xC0 == 0x80:  # not inside a multi-byte character
            at -= 1
        data = data[:at] + BAD_BYTES[variant] * rng.randint(1, 3) + data[at:]
    target.write_bytes(data)
    argv = ["scenarios", "render", str(pack), "--condition", "explicit-america/replacement", "--format", "json"]
    # UTF-16-LE without a byte-order mark is valid UTF-8 (with NULs): a template may render it
    valid = variant == "utf-16-le" and target.suffix == ".j2"
    return _case(f"encoding:pack-{variant}@{target.name}", argv, cls="encoding", scan=[pack.parent], one_line=True,
                 must_name=[target.name], may_pass=valid)


# ------------------------------------------------------------------ nesting

def _deep_yaml(variant: str, rng: random.Random) -> str:
    n = int(10 ** rng.uniform(1.82, 5))  # 66 .. 100,000 levels
    if variant == "flow-list":
        return "[" * n + "1" + "]" * n
    if variant == "flow-map":
        return "{a: " * n + "1" + "}" * n
    if variant == "flow-mixed":
        return _balanced(rng, n)
    n = min(n, rng.randint(65, 700))  # block style grows with the square of the depth
    if variant == "block-list":
        return "\n" + "".join("  " * (i + 1) + "- " + ("\n" if i < n - 1 else "x\n") for i in range(n))
    return "\n" + "".join("  " * (i + 1) + f"k{i}:" + ("\n" if i < n - 1 else " x\n") for i in range(n))


def _balanced(rng: random.Random, n: int) -> str:
    opens = [rng.choice(["[", "{k: "]) for _ in range(n)]
    return "".join(opens) + "1" + "".join("]" if o == "[" else "}" for o in reversed(opens))


def _alias_bomb(rng: random.Random) -> str:
    fan = rng.randint(5, 20)
    levels = rng.randint(5, 12)
    while fan ** levels <= 200_000:
        levels += 1
    lines = ["\nlaughs:", "  l0: &l0 [" + ", ".join(["lol"] * fan) + "]"]
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * fan) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


YAML_NESTING = ("flow-list", "flow-map", "flow-mixed", "block-list", "block-map", "alias-bomb", "alias-self")


def yaml_nesting_case(variant: str, rng: random.Random, workdir: Path) -> Case:
    """pack.yaml with a value nested more than 64 levels deep (or an alias bomb) under a
    new key, a var, or a cast entry."""
    pack = copy_pack(workdir, "yaml-")
    path = pack / "pack.yaml"
    text = path.read_text()
    if variant == "alias-bomb":
        text += _alias_bomb(rng)
    elif variant == "alias-self":
        text += "\nloop: &loop [" + ", ".join(["x"] * rng.randint(0, 5) + ["*loop"]) + "]\n"
    else:
        value = _deep_yaml(variant, rng)
        where = rng.choice(["end", "vars", "cast"])
        if where == "end":
            text += "\nzz_extra: " + value + "\n"
        elif where == "vars":
            text = text.replace("vars:\n", "vars:\n  zz_deep: " + value.replace("\n", "\n  ") + "\n", 1)
        else:
            text = text.replace("cast:\n", "cast:\n  zz_deep: " + value.replace("\n", "\n  ") + "\n", 1)
    path.write_text(text)
    argv = ["scenarios", rng.choice(["show", "render"]), str(pack)]
    if argv[1] == "render":
        argv += ["--condition", "none/none"]
    return _case(f"nesting:yaml-{variant}", argv, cls="nesting", scan=[pack.parent], one_line=True,
                 must_name=["pack.yaml"], memory=True)
