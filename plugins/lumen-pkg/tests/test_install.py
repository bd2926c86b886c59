"""`pkg install` modes (acceptance item 25), integrity (item 33) and the manifest commands (item 34)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lumen_pkg.archive import content_checksum, read_entries, sha256_digest, tar_header

COMMENTED_APP = """# The demo application.
[package]
name = "app"   # keep this name
version = "0.1.0"

[dependencies]
# geometry helpers
geo = "^1.0"   # pinned to the 1.x line
"""


@pytest.fixture
def registry(registry_dir: Path, add_to_registry) -> Path:
    """A directory registry holding vecs 1.0.0/1.4.2/2.0.0 and geo 1.0.0 (which needs vecs ^1)."""
    for version in ("1.0.0", "1.4.2", "2.0.0"):
        add_to_registry(registry_dir, "vecs", version)
    add_to_registry(registry_dir, "geo", "1.0.0", {"vecs": "^1"})
    return registry_dir


@pytest.fixture
def app(tmp_path: Path) -> Path:
    directory = tmp_path / "app"
    (directory / "src").mkdir(parents=True)
    (directory / "lumen.toml").write_text(COMMENTED_APP)
    (directory / "src" / "main.lm.md").write_text("```lumen\ncell main() -> Int\n  return 1\nend\n```\n")
    return directory


def store(app: Path, files_under) -> list[str]:
    return files_under(app / ".lumen" / "packages")


def test_install_creates_lock_and_store(app, registry, run_pkg, files_under):
    result = run_pkg(app, "install")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == ["Installed geo 1.0.0", "Installed vecs 1.4.2", "Created lumen.lock"]
    assert result.stdout == ""
    lock = (app / "lumen.lock").read_text()
    assert 'name = "geo"\nversion = "1.0.0"\nsource = "registry+default"\nchecksum = "sha256:' in lock
    assert 'dependencies = [\n    "vecs 1.4.2",\n]' in lock
    assert store(app, files_under) == [
        "geo/1.0.0/.archive-checksum", "geo/1.0.0/lumen.toml", "geo/1.0.0/src/lib.lm.md",
        "vecs/1.4.2/.archive-checksum", "vecs/1.4.2/lumen.toml", "vecs/1.4.2/src/lib.lm.md",
    ]
    marker = (app / ".lumen/packages/vecs/1.4.2/.archive-checksum").read_text().strip()
    assert marker == sha256_digest((registry / "packages/vecs/1.4.2/vecs-1.4.2.tar").read_bytes())

    again = run_pkg(app, "install")
    assert again.stderr.splitlines() == ["lumen.lock unchanged"]
    listing = run_pkg(app, "list")
    assert listing.stdout.splitlines() == ["geo ^1.0 -> 1.0.0 (registry+default)"]


def test_v1_lock_is_updated_and_matching_lock_left_alone(app, registry, run_pkg):
    run_pkg(app, "install")
    v2 = (app / "lumen.lock").read_text()
    v1 = "version = 1\n" + v2.split("[metadata]\n")[1].split("\n", 2)[2]
    (app / "lumen.lock").write_text(v1)
    result = run_pkg(app, "install")
    assert result.stderr.splitlines()[-1] == "Updated lumen.lock"
    assert (app / "lumen.lock").read_text() == v2


def test_locked_and_frozen_need_a_lock(app, registry, run_pkg, files_under):
    for flag in ("--locked", "--frozen"):
        result = run_pkg(app, "install", flag)
        assert result.exit_code == 1
        assert result.stderr == (f"error: lumen.lock is missing and {flag} was given; "
                                 "run 'lumen pkg install' once to create it\n")
        assert not (app / "lumen.lock").exists() and store(app, files_under) == []


def test_frozen_and_locked_together_is_a_usage_error(app, registry, run_pkg):
    assert run_pkg(app, "install", "--frozen", "--locked").exit_code == 2


def test_stale_lock_fails_and_writes_nothing(app, registry, run_pkg, files_under):
    run_pkg(app, "install")
    lock_before = (app / "lumen.lock").read_bytes()
    with open(app / "lumen.toml", "a") as stream:
        stream.write('vecs = "=1.0.0"\n')
    locked = run_pkg(app, "install", "--locked")
    assert locked.exit_code == 1
    lines = locked.stderr.splitlines()
    assert lines[0] == "error: lumen.lock is out of date and --locked was given"
    assert "  - vecs 1.4.2 (registry+default)" in lines and "  + vecs 1.0.0 (registry+default)" in lines
    frozen = run_pkg(app, "install", "--frozen")
    assert frozen.exit_code == 1
    assert frozen.stderr.startswith(
        "error: lumen.lock is out of date and --frozen was given: "
        "dependency 'vecs' requires =1.0.0 but lumen.lock has 1.4.2"
    )
    with open(app / "lumen.toml", "a") as stream:
        stream.write('extra = "^1"\n')
    missing = run_pkg(app, "install", "--frozen")
    assert "dependency 'extra' is not in lumen.lock" in missing.stderr
    assert (app / "lumen.lock").read_bytes() == lock_before
    assert "vecs/1.0.0/lumen.toml" not in store(app, files_under)


def test_matching_lock_with_locked_and_frozen(app, registry, run_pkg, files_under):
    run_pkg(app, "install")
    lock_before = (app / "lumen.lock").read_bytes()
    locked = run_pkg(app, "install", "--locked")
    assert locked.exit_code == 0 and locked.stderr.splitlines() == ["lumen.lock unchanged"]
    for index in (registry / "index.json", *registry.glob("packages/*/index.json")):
        index.unlink()
    import shutil

    shutil.rmtree(app / ".lumen")
    frozen = run_pkg(app, "install", "--frozen")
    assert frozen.exit_code == 0, frozen.stderr
    assert frozen.stderr.splitlines()[-1] == "lumen.lock unchanged"
    assert "vecs/1.4.2/src/lib.lm.md" in store(app, files_under)
    assert (app / "lumen.lock").read_bytes() == lock_before


def test_frozen_accepts_v1_lock_with_a_warning(app, registry, run_pkg):
    run_pkg(app, "install")
    v2 = (app / "lumen.lock").read_text()
    (app / "lumen.lock").write_text("version = 1\n" + v2.split("[metadata]\n")[1].split("\n", 2)[2])
    result = run_pkg(app, "install", "--frozen")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: lumen.lock uses lockfile version 1")


def test_flipped_byte_fails_with_checksum_mismatch(app, registry, run_pkg, files_under):
    archive = registry / "packages/vecs/1.4.2/vecs-1.4.2.tar"
    data = bytearray(archive.read_bytes())
    data[600] ^= 0x20  # inside the first entry's content
    archive.write_bytes(bytes(data))
    result = run_pkg(app, "install")
    assert result.exit_code == 1
    assert "error: checksum mismatch for vecs 1.4.2: expected sha256:" in result.stderr
    assert not (app / "lumen.lock").exists()
    assert not any(path.startswith("vecs/") for path in store(app, files_under))


def test_flipped_byte_fails_frozen_install(app, registry, run_pkg, files_under):
    run_pkg(app, "install")
    import shutil

    shutil.rmtree(app / ".lumen")
    archive = registry / "packages/geo/1.0.0/geo-1.0.0.tar"
    data = bytearray(archive.read_bytes())
    data[-1030] ^= 0x01
    archive.write_bytes(bytes(data))
    result = run_pkg(app, "install", "--frozen")
    assert result.exit_code == 1 and "checksum mismatch for geo 1.0.0" in result.stderr
    assert not any(path.startswith("geo/") for path in store(app, files_under))


def test_unsafe_entry_path_is_refused_and_nothing_extracted(app, registry, run_pkg, files_under, tmp_path):
    archive = registry / "packages/vecs/1.4.2/vecs-1.4.2.tar"
    entries = read_entries(archive.read_bytes(), "vecs.tar")
    evil = [("../x", b"escaped"), *((entry.path, entry.data) for entry in entries)]
    chunks = []
    for path, data in evil:
        chunks += [tar_header(path, len(data)), data, bytes(-len(data) % 512)]
    crafted = b"".join(chunks) + bytes(1024)
    archive.write_bytes(crafted)
    index_path = registry / "packages/vecs/index.json"
    index = json.loads(index_path.read_text())
    for record in index["versions"]:
        if record["version"] == "1.4.2":
            record["archive_checksum"] = sha256_digest(crafted)
            record["archive_size_bytes"] = len(crafted)
            record["content_checksum"] = content_checksum(read_entries_unchecked(evil))
    index_path.write_text(json.dumps(index, indent=2) + "\n")
    result = run_pkg(app, "install")
    assert result.exit_code == 1
    assert "error: archive vecs-1.4.2.tar: unsafe entry path '../x'" in result.stderr
    assert not any(path.startswith("vecs/") for path in store(app, files_under))
    assert not (app / ".lumen" / "packages" / "x").exists() and not (tmp_path / "x").exists()


def read_entries_unchecked(pairs):
    from lumen_pkg.archive import Entry

    return [Entry(path, data) for path, data in pairs]


def test_add_and_remove_keep_comments(app, registry, run_pkg):
    latest = run_pkg(app, "add", "vecs")  # ^2.0.0 (the latest) conflicts with geo's vecs ^1
    assert latest.exit_code == 1
    assert "Added vecs ^2.0.0 to [dependencies]" in latest.stderr
    assert "no version of 'vecs' satisfies every requirement" in latest.stderr
    assert latest.stderr.endswith("  lumen.toml was left unchanged\n")
    assert (app / "lumen.toml").read_text() == COMMENTED_APP
    added = run_pkg(app, "add", "vecs@^1.4")
    assert added.exit_code == 0, added.stderr
    assert "Added vecs ^1.4 to [dependencies]" in added.stderr
    text = (app / "lumen.toml").read_text()
    assert text == COMMENTED_APP + 'vecs = "^1.4"\n'
    dev = run_pkg(app, "add", "vecs@~1.0", "--dev", "--no-install")
    assert dev.exit_code == 0
    assert (app / "lumen.toml").read_text() == text + '\n[dev-dependencies]\nvecs = "~1.0"\n'
    removed = run_pkg(app, "remove", "vecs")
    assert removed.exit_code == 0, removed.stderr
    assert (app / "lumen.toml").read_text() == COMMENTED_APP + '\n[dev-dependencies]\nvecs = "~1.0"\n'
    listing = run_pkg(app, "list").stdout.splitlines()
    assert listing == ["geo ^1.0 -> 1.0.0 (registry+default)", "vecs ~1.0 -> 1.0.0 (registry+default) [dev]"]
    missing = run_pkg(app, "remove", "nope")
    assert missing.exit_code == 1 and "dependency 'nope' is not declared" in missing.stderr


def test_add_path_dependency(app, registry, run_pkg, make_package, tmp_path):
    make_package("local", "0.2.0", where=tmp_path / "local")
    result = run_pkg(app, "add", "local", "--path", "../local")
    assert result.exit_code == 0, result.stderr
    assert 'local = {path = "../local"}' in (app / "lumen.toml").read_text()
    assert 'source = "path+../local"' in (app / "lumen.lock").read_text()
    assert "local path ../local -> 0.2.0 (path+../local)" in run_pkg(app, "list").stdout


def test_update_moves_to_newer_versions(app, registry, run_pkg, add_to_registry):
    run_pkg(app, "install")
    add_to_registry(registry, "vecs", "1.5.0")
    assert "vecs 1.4.2" in (app / "lumen.lock").read_text()
    assert run_pkg(app, "install").stderr.splitlines() == ["lumen.lock unchanged"]
    dry = run_pkg(app, "update", "--dry-run")
    assert dry.stdout.splitlines() == [
        "~ geo 1.0.0 (registry+default): dependencies changed",
        "- vecs 1.4.2 (registry+default)",
        "+ vecs 1.5.0 (registry+default)",
    ]
    assert "vecs 1.4.2" in (app / "lumen.lock").read_text()
    result = run_pkg(app, "update", "vecs")
    assert result.exit_code == 0, result.stderr
    assert "Installed vecs 1.5.0" in result.stderr and "Updated lumen.lock" in result.stderr
    assert '"vecs 1.5.0"' in (app / "lumen.lock").read_text()
    assert run_pkg(app, "update", "nope").exit_code == 1


def test_pkg_commands_need_a_project(tmp_path, run_pkg):
    result = run_pkg(tmp_path, "install")
    assert result.exit_code == 1 and result.stderr.startswith("error: no lumen.toml found in")


def test_init_creates_a_package_and_refuses_existing(tmp_path, run_pkg):
    result = run_pkg(tmp_path, "init", "hello-app")
    assert result.exit_code == 0
    created = tmp_path / "hello-app"
    assert (created / "lumen.toml").read_text().startswith('[package]\nname = "hello-app"\nversion = "0.1.0"\n')
    assert (created / "src" / "main.lm.md").is_file() and (created / ".gitignore").is_file()
    assert run_pkg(tmp_path, "init", "hello-app").exit_code == 1
    library = run_pkg(tmp_path, "init", "mylib", "--lib")
    assert library.exit_code == 0 and (tmp_path / "mylib" / "src" / "lib.lm.md").is_file()
    assert run_pkg(tmp_path, "init", "Bad_Name").exit_code == 1
