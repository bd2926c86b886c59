"""Project root discovery and ``lumen.toml`` reading (TOOLING.md §0, §3.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lumen_kernel.config import ConfigError, ProjectConfig, find_project_root

MANIFEST = """
[package]
name = "mathlib"
version = "1.2.0"

[dependencies]
vecs = "^1.0"
geom = { path = "../geom" }

[dev-dependencies]
testkit = "*"

[runtime]
fuel = 1000

[lint]
allow = ["long-cell"]

[providers]
"llm.chat" = "openai"

[providers.config.openai]
kind = "openai-compatible"

[registry]
url = "https://reg.example.org/"
"""


def test_nearest_ancestor_holding_lumen_toml(tmp_path):
    (tmp_path / "lumen.toml").write_text(MANIFEST, encoding="utf-8")
    nested = tmp_path / "src" / "deep"
    nested.mkdir(parents=True)
    (nested / "main.lm.md").write_text("", encoding="utf-8")
    (tmp_path / "src" / "lumen.toml").write_text("", encoding="utf-8")
    assert find_project_root(nested / "main.lm.md") == tmp_path / "src"
    assert find_project_root(nested) == tmp_path / "src"
    assert find_project_root(tmp_path) == tmp_path


def test_tables_are_read_raw(tmp_path):
    (tmp_path / "lumen.toml").write_text(MANIFEST, encoding="utf-8")
    config = ProjectConfig.discover(tmp_path / "main.lm.md")
    assert config.root == tmp_path and config.manifest == tmp_path / "lumen.toml" and config.has_manifest
    assert config.package == {"name": "mathlib", "version": "1.2.0"}
    assert config.dependencies == {"vecs": "^1.0", "geom": {"path": "../geom"}}
    assert config.dev_dependencies == {"testkit": "*"}
    assert config.runtime == {"fuel": 1000}
    assert config.lint == {"allow": ["long-cell"]}
    assert config.providers["llm.chat"] == "openai"
    assert config.providers["config"]["openai"] == {"kind": "openai-compatible"}
    assert config.registry == {"url": "https://reg.example.org/"}
    assert config.table("unknown") == {}


def test_no_manifest_means_defaults_rooted_at_the_fallback(tmp_path):
    project = tmp_path / "no-project"
    project.mkdir()
    config = ProjectConfig.discover(project, fallback=tmp_path)
    assert (config.root, config.manifest, config.data, config.runtime) == (tmp_path, None, {}, {})
    assert not config.has_manifest


@pytest.mark.parametrize("text, message", [
    ("[package]\nname = \n", "lumen.toml: invalid TOML at line 2, column 8: invalid value"),
    ('[package]\nname = "x"\nversion = 1.2.3\n',
     "lumen.toml: invalid TOML at line 3, column 14: expected newline or end of document after a statement"),
    ('name = "unterminated', "lumen.toml: invalid TOML at line 1, column 21: unterminated string"),
    ("[a]\n[a]\n", "lumen.toml: invalid TOML at line 2, column 3: cannot declare ('a',) twice"),
    ("runtime = 5\n", "lumen.toml: 'runtime' must be a table"),
    (b"name = '\xff'\n", "lumen.toml: invalid UTF-8 at byte 8"),
], ids=["bad-value", "bad-statement", "unterminated", "duplicate-table", "not-a-table", "not-utf8"])
def test_invalid_manifest_is_an_error(tmp_path, text, message):
    manifest = tmp_path / "lumen.toml"
    if isinstance(text, bytes):
        manifest.write_bytes(text)
    else:
        manifest.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        ProjectConfig.discover(tmp_path)
    assert str(raised.value) == message


def test_byte_order_mark_is_accepted(tmp_path):
    (tmp_path / "lumen.toml").write_text('\ufeff[package]\nname = "x"\n', encoding="utf-8")
    assert ProjectConfig.discover(tmp_path).package == {"name": "x"}


def test_unreadable_manifest_is_an_error(tmp_path):
    (tmp_path / "lumen.toml").mkdir()  # a directory is not a manifest: ignored by discovery
    assert ProjectConfig.discover(tmp_path, fallback=tmp_path).manifest is None
    with pytest.raises(ConfigError, match="^lumen.toml: cannot read"):
        ProjectConfig.load(tmp_path / "lumen.toml")


def test_paths_are_absolute(tmp_path, monkeypatch):
    (tmp_path / "lumen.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert ProjectConfig.discover(Path(".")).root == tmp_path
    assert isinstance(ProjectConfig.discover(Path(".")).root, Path)
