"""`std.fs` (TOOLING.md §5.7): the tools and root confinement."""
from __future__ import annotations

import os

import pytest


def test_read_write_exists_list_mkdir_remove(std_call, tmp_path):
    assert std_call("fs.write", {"path": "a.txt", "content": "héllo\r\nworld"}).value() is True
    assert (tmp_path / "a.txt").read_bytes() == "héllo\r\nworld".encode()
    assert std_call("fs.read", {"arg0": "a.txt"}).value() == "héllo\r\nworld"
    assert std_call("fs.exists", {"path": "a.txt"}).value() is True
    assert std_call("fs.exists", {"path": "b.txt"}).value() is False
    assert std_call("fs.mkdir", {"path": "d/e/f"}).value() is True
    assert std_call("fs.mkdir", {"path": "d/e/f"}).value() is True
    (tmp_path / "d" / "z").write_text("")
    (tmp_path / "d" / "B").write_text("")
    assert std_call("fs.list", {"path": "d"}).value() == ["B", "e", "z"]
    assert std_call("fs.remove", {"path": "d/z"}).value() is True
    assert std_call("fs.remove", {"path": "d/e/f"}).value() is True
    assert not (tmp_path / "d" / "e" / "f").exists()


def test_failures(std_call, tmp_path):
    (tmp_path / "bin").write_bytes(b"\xff\xfe")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    cases = {
        ("fs.read", "bin"): "tool execution failed: file 'bin' is not valid UTF-8",
        ("fs.read", "nope"): "tool execution failed: no such file or directory: 'nope'",
        ("fs.remove", "nope"): "tool execution failed: no such file or directory: 'nope'",
        ("fs.remove", "full"): "tool execution failed: directory 'full' is not empty",
        ("fs.list", "bin"): "tool execution failed: 'bin' is not a directory",
        ("fs.read", "full"): "tool execution failed: 'full' is a directory",
    }
    for (tool, path), message in cases.items():
        outcome = std_call(tool, {"path": path})
        assert outcome.error.kind == "execution_failed"
        assert outcome.error.message == message
    outcome = std_call("fs.write", {"path": "no/dir/x.txt", "content": ""})
    assert outcome.error.message == "tool execution failed: directory of 'no/dir/x.txt' does not exist"
    outcome = std_call("fs.write", {"path": "x.txt"})
    assert outcome.error.message == "invalid arguments for fs.write: $: missing required property 'content'"


@pytest.mark.parametrize("path", ["../outside.txt", "a/../../outside.txt", "/etc/passwd"])
def test_escapes_are_refused(std_call, tmp_path, path):
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "outside.txt").write_text("secret")
    for tool in ("fs.read", "fs.exists", "fs.remove"):
        outcome = std_call(tool, {"path": path}, root=project)
        assert outcome.error.message == f"tool execution failed: path '{path}' is outside the allowed root"
    assert (tmp_path / "outside.txt").exists()


def test_escaping_symlinks_are_refused(std_call, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "key.txt").write_text("k")
    os.symlink(tmp_path / "secret", project / "link")
    os.symlink(project / "inside.txt", project / "good")
    (project / "inside.txt").write_text("fine")
    outcome = std_call("fs.read", {"path": "link/key.txt"}, root=project)
    assert outcome.error.message == "tool execution failed: path 'link/key.txt' is outside the allowed root"
    assert std_call("fs.read", {"path": "good"}, root=project).value() == "fine"


def test_absolute_path_inside_the_root_is_allowed(std_call, tmp_path):
    (tmp_path / "in.txt").write_text("ok")
    assert std_call("fs.read", {"path": str(tmp_path / "in.txt")}).value() == "ok"


def test_grant_root_and_config_root(std_call, tmp_path):
    for name in ("granted", "configured"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f.txt").write_text(name)
    assert std_call("fs.read", {"path": "f.txt"}, policy={"root": "granted"}).value() == "granted"
    assert std_call("fs.read", {"path": "f.txt"}, settings={"root": "configured"}).value() == "configured"
    assert std_call("fs.read", {"path": "f.txt"}, policy={"root": "granted"},
                    settings={"root": "configured"}).value() == "granted"
    outcome = std_call("fs.read", {"path": "../configured/f.txt"}, policy={"root": "granted"})
    assert outcome.error.message == "tool execution failed: path '../configured/f.txt' is outside the allowed root"
