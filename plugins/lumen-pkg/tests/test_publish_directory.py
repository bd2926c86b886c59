"""`pkg publish` (dry run and directory registry), `pkg search` and `pkg info` (acceptance items 29 and 30)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

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


def test_dry_run_reports_and_uploads_nothing(demo_dir: Path, registry_dir: Path, run_pkg, files_under):
    result = run_pkg(demo_dir, "publish", "--dry-run")
    assert result.exit_code == 0, result.stderr
    report = result.stderr
    assert "Prepared demo-pkg@0.1.0" in report
    assert "5 files" in report and "6144 bytes" in report
    assert f"✓ content checksum: {CONTENT_CHECKSUM}" in report
    assert f"✓ archive checksum: {ARCHIVE_CHECKSUM}" in report
    assert "✓ metadata" in report and "✓ sources" in report and "✓ entry order" in report
    artifact = Path(report.split("artifact: ")[1].splitlines()[0])
    assert artifact.is_file() and artifact.stat().st_size == 6144
    assert files_under(registry_dir) == []


def test_publish_without_version_mentions_package_version(demo_dir: Path, registry_dir: Path, run_pkg):
    (demo_dir / "lumen.toml").write_text('[package]\nname = "demo-pkg"\n')
    result = run_pkg(demo_dir, "publish", "--dry-run")
    assert result.exit_code == 1
    assert "package.version" in result.stderr and result.stderr.startswith("error: ")


def test_publish_refuses_path_dependencies(demo_dir: Path, registry_dir: Path, run_pkg):
    with open(demo_dir / "lumen.toml", "a") as stream:
        stream.write('\n[dependencies]\ngeom = { path = "../geom" }\n')
    result = run_pkg(demo_dir, "publish")
    assert result.exit_code == 1
    assert "error: cannot publish: dependency 'geom' is a path dependency" in result.stderr


def test_directory_publish_search_and_immutability(demo_dir: Path, registry_dir: Path, run_pkg, files_under):
    result = run_pkg(demo_dir, "publish")
    assert result.exit_code == 0, result.stderr
    assert f"Published demo-pkg@0.1.0 to {registry_dir}" in result.stderr
    archive = registry_dir / "packages/demo-pkg/0.1.0/demo-pkg-0.1.0.tar"
    assert archive.is_file() and archive.stat().st_size == 6144
    package_index = json.loads((registry_dir / "packages/demo-pkg/index.json").read_text())
    record = package_index["versions"][0]
    assert package_index["format"] == 1 and package_index["name"] == "demo-pkg"
    assert list(record) == ["name", "version", "archive_path", "archive_checksum", "content_checksum",
                            "archive_size_bytes", "file_count", "dependencies", "description", "license", "keywords"]
    assert record["archive_path"] == "packages/demo-pkg/0.1.0/demo-pkg-0.1.0.tar"
    assert record["archive_checksum"] == ARCHIVE_CHECKSUM and record["content_checksum"] == CONTENT_CHECKSUM
    assert (record["archive_size_bytes"], record["file_count"], record["dependencies"]) == (6144, 5, {})
    root_index = json.loads((registry_dir / "index.json").read_text())
    assert root_index == {"format": 1, "packages": [
        {"name": "demo-pkg", "description": "", "keywords": [], "versions": ["0.1.0"], "latest": "0.1.0"}]}

    for query in ("demo", "demo-pkg@0.1.0", "DEMO"):
        found = run_pkg(demo_dir, "search", query)
        assert found.exit_code == 0
        assert found.stdout.splitlines() == ["demo-pkg@0.1.0"]
    assert run_pkg(demo_dir, "search", "nothing-like-it").stdout == ""
    as_json = json.loads(run_pkg(demo_dir, "search", "demo", "--json").stdout)
    assert [entry["name"] for entry in as_json["packages"]] == ["demo-pkg"]

    before = files_under(registry_dir)
    again = run_pkg(demo_dir, "publish")
    assert again.exit_code == 0
    assert "demo-pkg@0.1.0 is already published (identical)" in again.stderr
    assert len(json.loads((registry_dir / "packages/demo-pkg/index.json").read_text())["versions"]) == 1

    (demo_dir / "README.md").write_text("# Demo, changed\n")
    changed = run_pkg(demo_dir, "publish")
    assert changed.exit_code == 1
    assert ("error: demo-pkg@0.1.0 is already published with a different checksum; "
            "published versions are immutable") in changed.stderr
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == ARCHIVE_CHECKSUM.removeprefix("sha256:")
    assert files_under(registry_dir) == before
    assert json.loads((registry_dir / "packages/demo-pkg/index.json").read_text())["versions"] == [record]


def test_indexes_do_not_depend_on_publish_order(tmp_path: Path, add_to_registry):
    first, second = tmp_path / "r1", tmp_path / "r2"
    for version in ("1.0.0", "2.0.0-rc.1", "1.5.0"):
        add_to_registry(first, "lib", version)
    for version in ("1.5.0", "1.0.0", "2.0.0-rc.1"):
        add_to_registry(second, "lib", version)
    add_to_registry(first, "alpha", "0.1.0")
    add_to_registry(second, "alpha", "0.1.0")
    for relative in ("index.json", "packages/lib/index.json"):
        assert (first / relative).read_bytes() == (second / relative).read_bytes()
    entry = json.loads((first / "index.json").read_text())["packages"][1]
    assert entry["versions"] == ["1.0.0", "1.5.0", "2.0.0-rc.1"] and entry["latest"] == "1.5.0"


def test_malformed_index_is_reported(tmp_path: Path, registry_dir: Path, run_pkg):
    (registry_dir / "index.json").write_text("{not json")
    result = run_pkg(tmp_path, "search", "x")
    assert result.exit_code == 1
    assert f"error: invalid registry index '{registry_dir / 'index.json'}': " in result.stderr


def test_no_registry_configured(tmp_path: Path, run_pkg):
    result = run_pkg(tmp_path, "search", "x")
    assert result.exit_code == 1 and result.stderr.startswith("error: no registry configured")


def test_info_on_directory_archive_and_registry(demo_dir: Path, registry_dir: Path, run_pkg):
    from_dir = json.loads(run_pkg(demo_dir, "info", "--json").stdout)
    assert from_dir["name"] == "demo-pkg" and from_dir["archive_checksum"] == ARCHIVE_CHECKSUM
    assert run_pkg(demo_dir, "publish").exit_code == 0
    archive = registry_dir / "packages/demo-pkg/0.1.0/demo-pkg-0.1.0.tar"
    from_archive = json.loads(run_pkg(demo_dir, "info", str(archive), "--json").stdout)
    from_registry = json.loads(run_pkg(demo_dir, "info", "demo-pkg@0.1.0", "--json").stdout)
    assert from_dir == from_archive == from_registry
    text = run_pkg(demo_dir, "info", "demo-pkg").stdout
    assert "name: demo-pkg" in text and f"content checksum: {CONTENT_CHECKSUM}" in text
