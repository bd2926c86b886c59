"""Versions and every requirement form of TOOLING.md §3.2 (acceptance item 27, first half)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumen_pkg.errors import PkgError
from lumen_pkg.manifest import parse_requirement
from lumen_pkg.semver import Requirement, RequirementError, Version, VersionError


def v(text: str) -> Version:
    return Version.parse(text)


def test_precedence_follows_semver_and_ignores_build_metadata():
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
               "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"]
    assert sorted(ordered, key=v) == ordered
    assert v("1.0.0+build.1") == v("1.0.0+other")
    assert str(v("1.2.3-rc.1+b5")) == "1.2.3-rc.1+b5"


@pytest.mark.parametrize("text", ["1", "1.2", "01.2.3", "1.2.3-", "1.2.3-01", "v1.2.3", "1.2.3.4", ""])
def test_malformed_versions_are_rejected(text):
    with pytest.raises(VersionError):
        Version.parse(text)


# (requirement, versions that match, versions that do not)
REQUIREMENT_TABLE = [
    ("1.2.3", ["1.2.3", "1.9.0"], ["1.2.2", "2.0.0"]),
    ("^1.2.3", ["1.2.3", "1.99.99"], ["1.2.2", "2.0.0"]),
    ("^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0", "0.2.2"]),
    ("^0.0.3", ["0.0.3"], ["0.0.4", "0.0.2"]),
    ("^1.2", ["1.2.0", "1.9.9"], ["1.1.9", "2.0.0"]),
    ("^1", ["1.0.0", "1.9.9"], ["0.9.9", "2.0.0"]),
    ("^0", ["0.0.0", "0.9.9"], ["1.0.0"]),
    ("~1.2.3", ["1.2.3", "1.2.9"], ["1.3.0", "1.2.2"]),
    ("~1.2", ["1.2.0", "1.2.9"], ["1.3.0", "1.1.9"]),
    ("~1", ["1.0.0", "1.9.0"], ["2.0.0", "0.9.0"]),
    ("=1.2.3", ["1.2.3"], ["1.2.4", "1.2.2"]),
    (">1.2", ["1.2.1", "3.0.0"], ["1.2.0", "1.1.0"]),
    (">=1.2.0", ["1.2.0", "9.0.0"], ["1.1.9"]),
    ("<2", ["1.9.9", "0.0.1"], ["2.0.0", "2.0.1"]),
    ("<=1.4.1", ["1.4.1", "1.0.0"], ["1.4.2"]),
    ("*", ["0.0.1", "7.3.1"], ["1.0.0-alpha"]),
    ("1.*", ["1.0.0", "1.9.9"], ["2.0.0", "0.9.0"]),
    ("1.2.*", ["1.2.0", "1.2.7"], ["1.3.0", "1.1.0"]),
    (">=1.2, <1.5", ["1.2.0", "1.4.9"], ["1.5.0", "1.1.0"]),
]


@pytest.mark.parametrize(("requirement", "matching", "rejected"), REQUIREMENT_TABLE)
def test_requirement_forms(requirement, matching, rejected):
    parsed = Requirement.parse(requirement)
    for version in matching:
        assert parsed.matches(v(version)), f"{requirement} should match {version}"
    for version in rejected:
        assert not parsed.matches(v(version)), f"{requirement} should reject {version}"


def test_prerelease_only_matches_when_a_comparator_names_one_of_the_same_release():
    assert not Requirement.parse("^1.2").matches(v("1.3.0-beta.1"))
    assert not Requirement.parse("<2.0.0").matches(v("2.0.0-alpha"))
    named = Requirement.parse(">=1.3.0-beta.1, <2")
    assert named.matches(v("1.3.0-beta.2"))
    assert named.matches(v("1.3.0"))
    assert not named.matches(v("1.4.0-alpha"))
    assert not named.matches(v("1.3.0-alpha"))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("^", "no version"),
        ("1.x", "not a version"),
        (">=1.*", "cannot follow"),
        ("1.*.3", "not a version"),
        ("1.2.3.*", "not a valid wildcard"),
        ("1.2,,2", "empty comparator"),
        ("banana", "not a version"),
    ],
)
def test_malformed_requirements_explain_why(text, reason):
    with pytest.raises(RequirementError, match=reason):
        Requirement.parse(text)


def test_malformed_requirement_message_names_dependency():
    with pytest.raises(PkgError) as caught:
        parse_requirement("^x.1", "vecs")
    assert caught.value.message.startswith("invalid version requirement '^x.1' for dependency 'vecs': ")


versions = st.builds(
    lambda major, minor, patch: Version(major, minor, patch),
    st.integers(0, 5), st.integers(0, 5), st.integers(0, 5),
)


@settings(max_examples=200, deadline=None)
@given(base=versions, candidate=versions)
def test_caret_equals_its_expansion(base, candidate):
    """`^X.Y.Z` always agrees with the explicit comparator pair of the table."""
    if base.major > 0:
        upper = f"{base.major + 1}.0.0"
    elif base.minor > 0:
        upper = f"0.{base.minor + 1}.0"
    else:
        upper = f"0.0.{base.patch + 1}"
    expanded = Requirement.parse(f">={base}, <{upper}")
    assert Requirement.parse(f"^{base}").matches(candidate) == expanded.matches(candidate)
