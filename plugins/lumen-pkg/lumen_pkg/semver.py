"""Semantic versions (SemVer 2.0) and dependency requirements (TOOLING.md §3.2).

A `Version` orders by SemVer precedence with build metadata ignored. A `Requirement` is a list of comparators that
must all hold; the forms `^`, `~`, `=`, `>`, `>=`, `<`, `<=`, bare versions and `*` wildcards expand to comparators
exactly as the table of §3.2 says. A pre-release version satisfies a requirement only if one of the written
comparators names a pre-release of the same MAJOR.MINOR.PATCH.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_NUMBER = r"(?:0|[1-9][0-9]*)"
_IDENT = r"[0-9A-Za-z-]+"
_VERSION_RE = re.compile(
    rf"^(?P<major>{_NUMBER})\.(?P<minor>{_NUMBER})\.(?P<patch>{_NUMBER})"
    rf"(?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?"
    rf"(?:\+(?P<build>{_IDENT}(?:\.{_IDENT})*))?$"
)
_PARTIAL_RE = re.compile(
    rf"^(?P<major>{_NUMBER})(?:\.(?P<minor>{_NUMBER})(?:\.(?P<patch>{_NUMBER})"
    rf"(?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?"
    rf"(?:\+(?P<build>{_IDENT}(?:\.{_IDENT})*))?)?)?$"
)
_WILDCARD_RE = re.compile(rf"^(?P<major>{_NUMBER})(?:\.(?P<minor>{_NUMBER}))?\.\*$")
_OPERATORS = ("<=", ">=", "<", ">", "=", "^", "~")


class VersionError(ValueError):
    """A string that is not a SemVer 2.0 version; the message says why."""


class RequirementError(ValueError):
    """A malformed requirement; the message is the reason, without the requirement or dependency name."""


@functools.total_ordering
@dataclass(frozen=True, eq=False)
class Version:
    """A SemVer 2.0 version. Equality and ordering follow precedence, so build metadata is ignored."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`; raise `VersionError` otherwise."""
        match = _VERSION_RE.match(text)
        if match is None:
            raise VersionError(f"'{text}' is not a semantic version such as 1.2.3")
        prerelease = tuple(match["pre"].split(".")) if match["pre"] else ()
        for identifier in prerelease:
            if identifier.isdigit() and len(identifier) > 1 and identifier.startswith("0"):
                raise VersionError(f"'{text}' has a numeric pre-release identifier with a leading zero")
        build = tuple(match["build"].split(".")) if match["build"] else ()
        return cls(int(match["major"]), int(match["minor"]), int(match["patch"]), prerelease, build)

    @property
    def release(self) -> tuple[int, int, int]:
        """MAJOR, MINOR and PATCH as a tuple."""
        return (self.major, self.minor, self.patch)

    @property
    def is_prerelease(self) -> bool:
        """True when the version has pre-release identifiers."""
        return bool(self.prerelease)

    def _precedence_key(self) -> tuple:
        # A release sorts after all of its pre-releases; numeric identifiers sort before alphanumeric ones.
        if not self.prerelease:
            return (self.release, 1, ())
        identifiers = tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in self.prerelease)
        return (self.release, 0, identifiers)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._precedence_key() == other._precedence_key()

    def __lt__(self, other: Version) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._precedence_key() < other._precedence_key()

    def __hash__(self) -> int:
        return hash(self._precedence_key())

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text

    def __repr__(self) -> str:
        return f"Version('{self}')"


def is_valid_version(text: str) -> bool:
    """True when `text` is a SemVer 2.0 version."""
    try:
        Version.parse(text)
    except VersionError:
        return False
    return True


@dataclass(frozen=True)
class Comparator:
    """One `op version` condition, e.g. `>= 1.2.0`."""

    op: str
    version: Version

    def holds(self, version: Version) -> bool:
        """True when `version` satisfies this condition by precedence alone."""
        if self.op == "=":
            return version == self.version
        if self.op == ">":
            return version > self.version
        if self.op == ">=":
            return version >= self.version
        if self.op == "<":
            return version < self.version
        return version <= self.version

    def __str__(self) -> str:
        return f"{self.op}{self.version}"


@dataclass(frozen=True)
class Requirement:
    """A parsed requirement: every comparator must hold.

    `text` is the requirement as written (shown in messages); `prerelease_releases` are the MAJOR.MINOR.PATCH
    triples of the pre-releases the written comparators name.
    """

    text: str
    comparators: tuple[Comparator, ...]
    prerelease_releases: frozenset[tuple[int, int, int]]

    @classmethod
    def parse(cls, text: str) -> Requirement:
        """Parse a comma-separated requirement; raise `RequirementError` with the reason when it is malformed."""
        if not isinstance(text, str):
            raise RequirementError("a requirement must be a string")
        stripped = text.strip()
        if not stripped:
            raise RequirementError("the requirement is empty")
        comparators: list[Comparator] = []
        named_prereleases: set[tuple[int, int, int]] = set()
        for part in stripped.split(","):
            part = part.strip()
            if not part:
                raise RequirementError("empty comparator between commas")
            expanded, named = _expand_comparator(part)
            comparators.extend(expanded)
            if named is not None and named.is_prerelease:
                named_prereleases.add(named.release)
        return cls(stripped, tuple(comparators), frozenset(named_prereleases))

    def matches(self, version: Version) -> bool:
        """True when `version` satisfies every comparator and the pre-release rule."""
        if version.is_prerelease and version.release not in self.prerelease_releases:
            return False
        return all(comparator.holds(version) for comparator in self.comparators)

    def __str__(self) -> str:
        return self.text


def _expand_comparator(part: str) -> tuple[list[Comparator], Version | None]:
    """Expand one written comparator into primitive comparators; also return the version it names, if any."""
    if part == "*":
        return [], None
    op = next((candidate for candidate in _OPERATORS if part.startswith(candidate)), "")
    rest = part[len(op):].strip()
    if not rest:
        raise RequirementError(f"'{part}' has an operator but no version")
    if rest.endswith("*"):
        if op:
            raise RequirementError(f"wildcard '{rest}' cannot follow the operator '{op}'")
        return _expand_wildcard(rest), None
    match = _PARTIAL_RE.match(rest)
    if match is None:
        raise RequirementError(f"'{rest}' is not a version")
    major = int(match["major"])
    minor = int(match["minor"]) if match["minor"] is not None else None
    patch = int(match["patch"]) if match["patch"] is not None else None
    try:
        named = Version.parse(f"{major}.{minor or 0}.{patch or 0}" + (f"-{match['pre']}" if match["pre"] else ""))
    except VersionError as error:
        raise RequirementError(str(error)) from None
    if op in ("", "^"):
        return _expand_caret(named, minor, patch), named
    if op == "~":
        upper = Version(major + 1, 0, 0) if minor is None else Version(major, minor + 1, 0)
        return [Comparator(">=", named), Comparator("<", upper)], named
    return [Comparator(op, named)], named


def _expand_caret(lower: Version, minor: int | None, patch: int | None) -> list[Comparator]:
    """`^` and bare versions: allow changes that do not modify the left-most non-zero written part."""
    if lower.major > 0 or minor is None:
        upper = Version(lower.major + 1, 0, 0)
    elif lower.minor > 0 or patch is None:
        upper = Version(0, lower.minor + 1, 0)
    else:
        upper = Version(0, 0, lower.patch + 1)
    return [Comparator(">=", lower), Comparator("<", upper)]


def _expand_wildcard(text: str) -> list[Comparator]:
    """`1.*` and `1.2.*`."""
    match = _WILDCARD_RE.match(text)
    if match is None:
        raise RequirementError(f"'{text}' is not a valid wildcard (use '*', '1.*' or '1.2.*')")
    major = int(match["major"])
    if match["minor"] is None:
        return [Comparator(">=", Version(major, 0, 0)), Comparator("<", Version(major + 1, 0, 0))]
    minor = int(match["minor"])
    return [Comparator(">=", Version(major, minor, 0)), Comparator("<", Version(major, minor + 1, 0))]
