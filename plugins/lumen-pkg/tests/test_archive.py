"""Deterministic packing (acceptance item 28, Appendix A) and archive validation."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumen_pkg.archive import (
    Entry,
    build_archive,
    pack_package,
    read_entries,
    tar_header,
    validate_archive,
)
from lumen_pkg.errors import PkgError
from lumen_pkg.manifest import load_manifest

APPENDIX_A_FILES = {
    "lumen.toml": '[package]\nname = "demo-pkg"\nversion = "0.1.0"\n',
    "src/main.lm.md": (
        "# Demo\n\n```lumen\nimport lib: square\n\ncell main() -> Int\n  return square(6) + 6\nend\n```\n"
    ),
    "src/lib.lm.md": "# Library\n\n```lumen\ncell square(x: Int) -> Int\n  return x * x\nend\n```\n",
    "README.md": "# Demo\n",
    "LICENSE": "MIT\n",
}
CONTENT_CHECKSUM = "sha256:33fe15571dc5453e3e34892bb029bd6361e4841570f6e409dd2bc7862091c1fc"
ARCHIVE_CHECKSUM = "sha256:32d1823c23d5f2ca2148c7dbb062d656f7528eee1f3fda0e93505b47f8f98a48"


@pytest.fixture
def demo_dir(tmp_path: Path, create_files) -> Path:
    return create_files(tmp_path / "demo", APPENDIX_A_FILES)


def test_appendix_a_vector(demo_dir: Path):
    archive = pack_package(load_manifest(demo_dir))
    assert archive.files == ["LICENSE", "README.md", "lumen.toml", "src/lib.lm.md", "src/main.lm.md"]
    assert [len(entry.data) for entry in archive.entries] == [4, 7, 46, 70, 87]
    assert archive.size == 6144
    assert archive.content_checksum == CONTENT_CHECKSUM
    assert archive.archive_checksum == ARCHIVE_CHECKSUM


def test_tarfile_reads_the_archive(demo_dir: Path):
    archive = pack_package(load_manifest(demo_dir))
    with tarfile.open(fileobj=io.BytesIO(archive.data)) as tar:
        members = tar.getmembers()
        assert [member.name for member in members] == archive.files
        assert all(member.isreg() and member.mode == 0o644 and member.mtime == 0 for member in members)
        assert tar.extractfile("src/lib.lm.md").read().decode() == APPENDIX_A_FILES["src/lib.lm.md"]


def test_pack_twice_is_byte_identical(demo_dir: Path, run_pkg):
    first = run_pkg(demo_dir, "pack")
    assert first.exit_code == 0, first.stderr
    target = demo_dir / "dist" / "demo-pkg-0.1.0.tar"
    first_bytes = target.read_bytes()
    (demo_dir / "src" / "lib.lm.md").touch()  # a newer mtime must not matter
    second = run_pkg(demo_dir, "pack", "--json")
    assert second.exit_code == 0
    assert target.read_bytes() == first_bytes
    report = json.loads(second.stdout)
    assert report == {
        "name": "demo-pkg",
        "version": "0.1.0",
        "path": target.resolve().as_posix(),
        "files": ["LICENSE", "README.md", "lumen.toml", "src/lib.lm.md", "src/main.lm.md"],
        "file_count": 5,
        "archive_size_bytes": 6144,
        "content_checksum": CONTENT_CHECKSUM,
        "archive_checksum": ARCHIVE_CHECKSUM,
    }
    assert "5 files, 6144 bytes" in second.stderr and ARCHIVE_CHECKSUM in second.stderr
    assert CONTENT_CHECKSUM in second.stderr


def test_unsorted_entry_lists_are_rejected():
    with pytest.raises(PkgError, match="non-deterministic entry order: 'README.md' after 'lumen.toml'"):
        build_archive([Entry("lumen.toml", b""), Entry("README.md", b"")])
    with pytest.raises(PkgError, match="non-deterministic entry order"):
        build_archive([Entry("a", b""), Entry("a", b"")])


def test_pack_selects_files(tmp_path: Path, create_files):
    root = create_files(tmp_path / "pkg", {
        "lumen.toml": '[package]\nname = "sel"\nversion = "1.0.0"\nreadme = "docs/INTRO.md"\n',
        "src/lib.lm": "cell f() -> Int\n  return 1\nend\n",
        "src/nested/util.lm.md": "```lumen\ncell g() -> Int\n  return 2\nend\n```\n",
        "src/notes.txt": "not a source",
        "src/.hidden/x.lm": "",
        "docs/INTRO.md": "intro",
        "README.md": "ignored because package.readme wins",
        "tests/test_a.lm": "",
        "other.lm": "outside src",
    })
    archive = pack_package(load_manifest(root))
    assert archive.files == ["docs/INTRO.md", "lumen.toml", "src/lib.lm", "src/nested/util.lm.md"]


def test_pack_without_src_takes_sources_outside_tests(tmp_path: Path, create_files):
    root = create_files(tmp_path / "flat", {
        "lumen.toml": '[package]\nname = "flat"\nversion = "1.0.0"\n',
        "main.lm.md": "x", "lib/util.lm": "y", "tests/test_x.lm": "z", "dist/old.lm": "w", "node_modules/m.lm": "v",
    })
    assert pack_package(load_manifest(root)).files == ["lib/util.lm", "lumen.toml", "main.lm.md"]


def test_pack_needs_a_source_and_a_version(tmp_path: Path, create_files):
    root = create_files(tmp_path / "empty", {"lumen.toml": '[package]\nname = "empty"\nversion = "1.0.0"\n'})
    with pytest.raises(PkgError, match="package must contain at least one .lm or .lm.md source file"):
        pack_package(load_manifest(root))
    (root / "lumen.toml").write_text('[package]\nname = "empty"\n')
    with pytest.raises(PkgError, match="package.version is required to pack or publish"):
        pack_package(load_manifest(root))


def test_long_paths_use_the_prefix_field(tmp_path: Path):
    long_path = "src/" + "d" * 90 + "/" + "f" * 60 + ".lm"
    data = build_archive([Entry("lumen.toml", b'[package]\nname = "x"\nversion = "1.0.0"\n'), Entry(long_path, b"ok")])
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert tar.getnames()[1] == long_path
    assert read_entries(data, "x.tar")[1].path == long_path
    with pytest.raises(PkgError, match="path too long for archive"):
        tar_header("a" * 101, 0)


def test_validation_checks_manifest_identity(demo_dir: Path):
    archive = pack_package(load_manifest(demo_dir))
    validated = validate_archive(archive.data, "demo.tar", expected_name="demo-pkg", expected_version="0.1.0")
    assert validated.archive.content_checksum == CONTENT_CHECKSUM
    with pytest.raises(PkgError, match="its manifest names 'demo-pkg 0.1.0', expected 'other 0.1.0'"):
        validate_archive(archive.data, "demo.tar", expected_name="other", expected_version="0.1.0")


def raw_archive(entries: list[tuple[str, bytes]], typeflag: bytes = b"0") -> bytes:
    """An archive built header by header, without the builder's checks (to craft bad archives)."""
    chunks = []
    for path, data in entries:
        header = bytearray(tar_header(path, len(data)))
        if typeflag != b"0":
            header[156:157] = typeflag
            header[148:156] = b" " * 8
            header[148:156] = b"%06o\0 " % sum(header)
        chunks += [bytes(header), data, bytes(-len(data) % 512)]
    return b"".join(chunks) + bytes(1024)


MANIFEST = b'[package]\nname = "x"\nversion = "1.0.0"\n'


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([("../x", b"evil"), ("lumen.toml", MANIFEST)], "unsafe entry path '../x'"),
        ([("/etc/x", b"evil"), ("lumen.toml", MANIFEST)], "unsafe entry path '/etc/x'"),
        ([("a\\b", b""), ("lumen.toml", MANIFEST)], "unsafe entry path 'a\\b'"),
        ([("a//b", b""), ("lumen.toml", MANIFEST)], "unsafe entry path 'a//b'"),
        ([("./a", b""), ("lumen.toml", MANIFEST)], "unsafe entry path './a'"),
        ([("lumen.toml", MANIFEST), ("lumen.toml", MANIFEST)], "duplicate entry 'lumen.toml'"),
        ([("lumen.toml", MANIFEST), ("a.lm", b"")], "non-deterministic entry order: 'a.lm' after 'lumen.toml'"),
        ([("src/a.lm", b"")], "no lumen.toml"),
    ],
)
def test_bad_archives_are_refused(entries, message):
    with pytest.raises(PkgError) as caught:
        validate_archive(raw_archive(entries), "bad.tar")
    assert caught.value.message == f"archive bad.tar: {message}" or message in caught.value.message


def test_non_regular_entries_and_corruption_are_refused():
    with pytest.raises(PkgError, match="is not a regular file"):
        validate_archive(raw_archive([("lumen.toml", MANIFEST)], typeflag=b"2"), "bad.tar")
    good = raw_archive([("lumen.toml", MANIFEST)])
    corrupt = bytearray(good)
    corrupt[10] ^= 0x01
    with pytest.raises(PkgError, match="corrupt entry header"):
        validate_archive(bytes(corrupt), "bad.tar")
    with pytest.raises(PkgError, match="truncated"):
        validate_archive(good[:-512], "bad.tar")


segments = st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters="-_.é"),
                   min_size=1, max_size=40).filter(lambda segment: segment not in (".", ".."))
entry_paths = st.lists(segments, min_size=1, max_size=4).map("/".join)


@settings(max_examples=60, deadline=None)
@given(files=st.dictionaries(entry_paths, st.binary(max_size=1100), min_size=1, max_size=5))
def test_build_then_read_gives_the_same_entries(files):
    """Any set of safe paths (long ones through the prefix field) and contents round-trips, and tarfile agrees."""
    entries = [Entry(path, files[path]) for path in sorted(files, key=str.encode)]
    try:
        data = build_archive(entries)
    except PkgError as error:
        assert "path too long for archive" in error.message
        return
    assert read_entries(data, "x.tar") == entries
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert [(member.name, tar.extractfile(member).read()) for member in tar.getmembers()] == [
            (entry.path, entry.data) for entry in entries
        ]
