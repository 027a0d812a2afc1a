"""Hostile scenario packs: links, special files, oversized or malformed pack.yaml, and escape
sequences in pack text. Each is refused with exit code 2 and one line naming the file, or
printed inert."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
from helpers_cli import cli

from insider.errors import InsiderError
from insider.scenarios import files, load_pack
from insider.scenarios.pack import pack_dir as builtin_pack_dir


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A writable copy of the blackmail pack."""
    target = tmp_path / "pack"
    shutil.copytree(builtin_pack_dir("blackmail"), target)
    return target


def refused(args: list[str], capsys, *names: str) -> str:
    """Run the CLI; it must exit 2 with one `error:` line naming each of `names`, no traceback."""
    code = cli(args)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (code, out[-500:], err[-1500:])
    assert len(lines) == 1 and lines[0].startswith("error: "), err[-1500:]
    assert "Traceback" not in out + err
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def show(pack: Path) -> list[str]:
    return ["scenarios", "show", str(pack)]


def render(pack: Path) -> list[str]:
    return ["scenarios", "render", str(pack), "--condition", "none/none", "--format", "json"]


# -- links and special files --------------------------------------------------------------------

def test_a_symlinked_template_cannot_read_host_files(pack, capsys):
    os.symlink("/proc/self/environ", pack / "emails" / "x.j2")
    line = refused(show(pack), capsys, str(pack / "emails" / "x.j2"), "symbolic link")
    assert "PATH=" not in line


def test_a_template_replaced_by_a_link_is_refused(pack, capsys):
    (pack / "role.j2").unlink()
    os.symlink("/etc/hostname", pack / "role.j2")
    refused(render(pack), capsys, "role.j2", "symbolic link")


def test_a_linked_folder_is_refused(pack, capsys):
    os.symlink("/etc", pack / "shared")
    refused(show(pack), capsys, str(pack / "shared"), "symbolic link")


def test_a_linked_pack_yaml_is_refused(pack, capsys):
    real = pack.parent / "elsewhere.yaml"
    shutil.move(pack / "pack.yaml", real)
    os.symlink(real, pack / "pack.yaml")
    refused(show(pack), capsys, "pack.yaml", "symbolic link")


def test_a_fifo_does_not_hang_the_command(pack, capsys):
    os.mkfifo(pack / "emails" / "pipe.j2")
    refused(show(pack), capsys, "pipe.j2", "FIFO")


def test_a_socket_is_refused(pack, capsys):
    path = pack / "s.sock"
    if len(str(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        refused(show(pack), capsys, "s.sock", "socket")


def test_the_loader_refuses_a_link_created_after_the_pack_loaded(pack):
    # The folder check runs at load; the loader itself also refuses links, so a link swapped
    # in later is not followed either.
    loaded = load_pack(str(pack))
    (pack / "role.j2").unlink()
    os.symlink("/etc/hostname", pack / "role.j2")
    loaded.env.cache.clear()
    with pytest.raises(InsiderError, match="role.j2: is a symbolic link"):
        loaded.env.get_template("role.j2")


def test_include_cannot_leave_the_pack_folder(pack, capsys):
    role = pack / "role.j2"
    role.write_text(role.read_text() + "\n{% include '../../../../../../etc/hostname' %}\n")
    refused(render(pack), capsys, "role.j2")


# -- sizes ------------------------------------------------------------------------------------

def test_an_oversized_template_is_refused_before_reading(pack, capsys):
    with open(pack / "emails" / "big.j2", "wb") as f:
        f.truncate(files.MAX_TEMPLATE_BYTES + 1)
    refused(show(pack), capsys, "big.j2", "256 KiB")


def test_a_200_mb_comment_is_refused_before_parsing(pack, capsys):
    with open(pack / "pack.yaml", "ab") as f:
        f.write(b"\n#")
        f.truncate(200 << 20)  # sparse: nothing is written, and nothing may be read
    refused(show(pack), capsys, "pack.yaml", "1 MiB")


def test_too_many_files_are_refused(pack, capsys):
    extra = pack / "junk"
    extra.mkdir()
    for i in range(files.MAX_PACK_ENTRIES + 1):
        (extra / f"{i}.txt").touch()
    refused(show(pack), capsys, "more than 2,000 files")


# -- pack.yaml ------------------------------------------------------------------------------------

def test_a_100000_deep_yaml_list_is_refused(pack, capsys):
    path = pack / "pack.yaml"
    path.write_text(path.read_text() + "\nextra: " + "[" * 100_000 + "]" * 100_000 + "\n")
    refused(show(pack), capsys, "pack.yaml line", "nested more than 64")


def test_a_100k_digit_version_is_refused(pack, capsys):
    path = pack / "pack.yaml"
    path.write_text(path.read_text().replace("version: 1\n", "version: " + "7" * 100_000 + "\n", 1))
    refused(show(pack), capsys, "pack.yaml line 8", "100,000 digits")


def test_pack_yaml_that_is_not_utf8_is_refused(pack, capsys):
    path = pack / "pack.yaml"
    path.write_bytes(path.read_bytes().replace(b"replace or restrict", b"replace \xff restrict", 1))
    refused(show(pack), capsys, "pack.yaml line 6", "not UTF-8")


def test_a_nul_in_pack_yaml_is_named_by_line(pack, capsys):
    path = pack / "pack.yaml"
    path.write_text(path.read_text().replace("replace or restrict", "replace \x00 restrict", 1))
    refused(show(pack), capsys, "pack.yaml line 6")


def test_billion_laughs_is_refused(pack, capsys):
    path = pack / "pack.yaml"
    lol = "\nlaughs:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"  b{i}: &b{i} [{', '.join(['*' + ('a' if i == 0 else f'b{i - 1}')] * 10)}]\n" for i in range(9))
    path.write_text(path.read_text() + lol)
    refused(show(pack), capsys, "pack.yaml", "aliases are expanded")


def test_a_recursive_alias_is_refused(pack, capsys):
    path = pack / "pack.yaml"
    path.write_text(path.read_text() + "\nloop: &loop [*loop]\n")
    refused(show(pack), capsys, "pack.yaml", "refers to itself")


# -- terminal escapes ---------------------------------------------------------------------------

def test_scenarios_show_prints_escape_sequences_inert(pack, capsys):
    path = pack / "pack.yaml"
    text = path.read_text()
    start = text.index("description: >-")
    end = text.index("version: 1")
    path.write_text(text[:start] + 'description: "Hi\\e]0;pwned\\a\\e[2J\\u202Egnp.exe\\nsecond line"\n' + text[end:])
    assert cli(show(pack)) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "Hi\\x1b]0;pwned\\x07\\x1b[2J\\u202egnp.exe\nsecond line" in out


def test_rendered_prompts_print_escape_sequences_inert(pack, capsys):
    role = pack / "role.j2"
    role.write_text(role.read_text() + "\n{{ '\\x1b[31mred\\x1b[0m' }}\tkept\n")
    assert cli(["scenarios", "render", str(pack), "--condition", "none/none"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[31mred\\x1b[0m\tkept" in out
