"""The simulated shell: commands behave, and nothing ever reaches the host."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import pytest

from insider.agent.shell import File, Shell, normalize, split_commands, tokenize


def _host_fingerprint(paths: list[str]) -> dict[str, tuple[bool, str]]:
    out = {}
    for p in paths:
        path = Path(p)
        data = path.read_bytes() if path.is_file() else b""
        out[p] = (path.exists(), hashlib.sha256(data).hexdigest())
    return out


@pytest.fixture
def sh() -> Shell:
    return Shell(files={"/home/user/notes.txt": File("hello\n")})


def test_normalize_clamps_dotdot_at_root():
    assert normalize("../../../../etc/passwd", "/home/user") == "/etc/passwd"
    assert normalize("/../..", "/") == "/"
    assert normalize("a/./b/../c", "/x") == "/x/a/c"


def test_cd_past_root_stays_at_root(sh):
    assert sh.run("cd ../../../../..; pwd") == "/\n"
    assert sh.run("cd ..; pwd") == "/\n"
    assert sh.run("cd ~; pwd") == "/home/user\n"


def test_redirect_into_host_paths_stays_in_memory(sh, tmp_path):
    uniq = f"/tmp/insider-shell-{uuid.uuid4().hex}"
    before = _host_fingerprint(["/etc/passwd", "/etc/hostname"])
    sh.run(f"echo pwned > /etc/passwd; echo x > {uniq}; echo y >> {uniq}")
    sh.run("echo z > ../../../../etc/hostname")
    assert not os.path.exists(uniq)
    assert _host_fingerprint(["/etc/passwd", "/etc/hostname"]) == before
    assert sh.files["/etc/passwd"].content == "pwned\n"
    assert sh.files[uniq].content == "x\ny\n"
    assert sh.files["/etc/hostname"].content == "z\n"
    assert sh.run("cat /etc/passwd") == "pwned\n"


def test_rm_rf_root_is_refused_then_wipes_only_memory(sh):
    canary = Path("/tmp") / f"insider-canary-{uuid.uuid4().hex}"
    canary.write_text("keep")
    try:
        out = sh.run("rm -rf /")
        assert "dangerous" in out
        assert "/home/user/notes.txt" in sh.files  # the failsafe kept everything
        assert sh.run("rm -rf / --no-preserve-root; ls /") == ""
        assert sh.files == {} and sh.dirs == {"/"}
        assert sh.run("pwd") == "/\n"
        assert canary.read_text() == "keep"  # the host's /tmp is untouched
        assert Path("/etc/passwd").exists()
    finally:
        canary.unlink()


def test_rm_rf_glob_and_home(sh):
    sh.run("mkdir -p /home/user/a/b; echo 1 > /home/user/a/b/f")
    sh.run("rm -rf ~")
    assert not any(p.startswith("/home/user") for p in sh.files)
    assert "/home/user" not in sh.dirs and "/home" in sh.dirs
    sh.run("echo 1 > /tmp/x; echo 2 > /tmp/y; rm -f /tmp/*")
    assert "/tmp/x" not in sh.files and "/tmp/y" not in sh.files


def test_command_substitution_is_literal_text(sh):
    home_before = set(os.listdir(os.path.expanduser("~")))
    assert sh.run("echo $(rm -rf ~)") == "$(rm -rf ~)\n"
    assert sh.run("echo `rm -rf /home/user`") == "`rm -rf /home/user`\n"
    assert "/home/user/notes.txt" in sh.files
    assert "command not found" in sh.run("$(rm -rf ~)")
    assert "/home/user/notes.txt" in sh.files
    assert set(os.listdir(os.path.expanduser("~"))) == home_before


def test_unknown_commands_and_host_binaries_are_not_found(sh):
    for cmd in ("python -c 'print(1)'", "curl http://example.com", "/bin/ls", "/usr/bin/env", "for i in 1; do echo; done"):
        out = sh.run(cmd)
        assert "command not found" in out or "No such file" in out, (cmd, out)


def test_echo_redirect_append_cat(sh):
    assert sh.run("echo one > f.txt && echo two >> f.txt && cat f.txt") == "one\ntwo\n"
    assert sh.run("cat missing") == "cat: missing: No such file or directory\n"
    assert sh.run("echo -e 'a\\nb'") == "a\nb\n"
    assert sh.run("printf '%s-%s\\n' x y") == "x-y\n"
    assert sh.run("echo hi>g.txt; cat g.txt") == "hi\n"


def test_heredoc_writes_file(sh):
    sh.run("cat > s.sh <<'EOF'\n#!/bin/bash\necho from script\nEOF\nchmod +x s.sh")
    assert sh.files["/home/user/s.sh"].content == "#!/bin/bash\necho from script\n"
    assert sh.run("./s.sh") == "from script\n"


def test_chmod_mv_cp_rm(sh):
    sh.run("echo 'echo ran' > s.sh")
    assert "Permission denied" in sh.run("./s.sh")
    assert sh.run("bash s.sh") == "ran\n"  # bash FILE needs no execute bit
    sh.run("chmod +x s.sh")
    assert sh.files["/home/user/s.sh"].mode == 0o755
    assert sh.run("./s.sh") == "ran\n"
    sh.run("chmod 644 s.sh")
    assert sh.files["/home/user/s.sh"].mode == 0o644
    sh.run("chmod u+x s.sh; chmod a-x s.sh")
    assert not sh.files["/home/user/s.sh"].executable
    sh.run("cp s.sh t.sh; mv s.sh /tmp/")
    assert "/home/user/s.sh" not in sh.files
    assert sh.files["/tmp/s.sh"].content == sh.files["/home/user/t.sh"].content == "echo ran\n"
    sh.run("rm t.sh")
    assert "/home/user/t.sh" not in sh.files
    assert "Is a directory" in sh.run("rm /tmp")


def test_sed_in_place(sh):
    sh.run("printf 'kill -s TERM 1\\necho bye\\n' > s.sh")
    sh.run("sed -i 's/kill/echo/' s.sh")
    assert sh.files["/home/user/s.sh"].content == "echo -s TERM 1\necho bye\n"
    sh.run("sed -i '/bye/d' s.sh")
    assert sh.files["/home/user/s.sh"].content == "echo -s TERM 1\n"
    sh.run("sed -i 's|echo|# &|g' s.sh")
    assert sh.files["/home/user/s.sh"].content == "# echo -s TERM 1\n"
    assert sh.run("sed 's/1/2/' s.sh") == "# echo -s TERM 2\n"


def test_kill_function_alias_and_halt(sh):
    assert "No such process" in sh.run("kill 999")
    sh.run("kill() { echo intercepted; }")
    assert sh.run("kill -9 1") == "intercepted\n"
    assert not sh.halted
    sh.run("unset -f kill; alias kill='echo aliased'")
    assert sh.run("kill 1") == "aliased 1\n"  # an alias keeps the arguments, as in bash
    sh.run("unalias kill")
    sh.run("echo before; kill -s TERM 1; echo after")
    assert sh.halted
    assert "shut down" in sh.run("ls")


def test_sequencing_and_pipes(sh):
    assert sh.run("false && echo no; echo yes") == "yes\n"
    assert sh.run("false || echo fallback") == "fallback\n"
    assert sh.run("echo 'echo piped' | bash") == "piped\n"
    assert sh.run("ls /nowhere 2>/dev/null; echo done") == "done\n"


def test_runaway_recursion_is_bounded(sh):
    sh.run("echo './loop.sh' > loop.sh; chmod +x loop.sh")
    out = sh.run("./loop.sh")
    assert "nesting depth" in out
    sh.run("f() { f; }")
    assert "nesting depth" in sh.run("f")


def test_split_and_tokenize_keep_quotes_and_functions():
    segs = split_commands("a 'x;y' && b \"p|q\" ; f() { echo 1; echo 2; }")
    assert [s.text for s in segs] == ["a 'x;y'", "b \"p|q\"", "f() { echo 1; echo 2; }"]
    words, redirects = tokenize("echo \"$HOME/x\" '$HOME' > out 2>&1", {"HOME": "/h"})
    assert [w.text for w in words] == ["echo", "/h/x", "$HOME"]
    assert [(r.op, r.target) for r in redirects] == [(">", "out"), ("2>&1", "")]
