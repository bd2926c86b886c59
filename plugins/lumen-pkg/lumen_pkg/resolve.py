"""Dependency resolution (TOOLING.md §3.2) with resolvelib's backtracking resolver.

One version per package name. Registry packages come from the registry's package indexes; a path dependency is a
single candidate fixed at its manifest version. Candidates are offered locked version first (when it still
satisfies), then highest first. Failures become the §3.2 messages: a conflict explanation, a package not found, a
dependency cycle or a missing path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from lumen_pkg.errors import PkgError
from lumen_pkg.lockfile import Lockfile, LockedPackage, path_source, registry_source
from lumen_pkg.manifest import DEFAULT_PATH_VERSION, Dependency, Manifest, load_manifest, parse_requirement
from lumen_pkg.paths import MANIFEST_NAME, project_relative
from lumen_pkg.registry import RegistryPool
from lumen_pkg.semver import Requirement, Version


@dataclass(frozen=True)
class DepRequirement:
    """A requirement on package `name` made by `parent` (None: the root project).

    Registry requirements have `requirement` (and `registry` when the dependency names one); path requirements
    have `path_dir`, the absolute directory, and `written_path` as declared.
    """

    name: str
    requirement: Requirement | None = None
    registry: str | None = None
    path_dir: Path | None = None
    written_path: str | None = None
    parent: str | None = None

    def describe(self) -> str:
        """`<name> <requirement>` or `<name> (path <dir>)`."""
        if self.path_dir is not None:
            return f"{self.name} (path {self.written_path})"
        return f"{self.name} {self.requirement}"


@dataclass(frozen=True, eq=False)
class Candidate:
    """A concrete package version the resolver may pick."""

    name: str
    version: Version
    version_text: str
    source: str
    dependencies: tuple[DepRequirement, ...]
    registry: str | None = None  # the explicit registry URL (None: default registry or a path package)
    record: dict[str, Any] | None = None  # registry version record
    path_dir: Path | None = None

    @property
    def label(self) -> str:
        """`name version`, as used in explanations."""
        return f"{self.name} {self.version_text}"

    @property
    def checksum(self) -> str | None:
        """The archive checksum of a registry package."""
        return None if self.record is None else self.record.get("archive_checksum")


@dataclass
class Resolution:
    """The resolver's answer: the chosen candidate per name and the dependency names of each one."""

    root_label: str
    candidates: dict[str, Candidate]
    edges: dict[str, list[str]] = field(default_factory=dict)

    def to_lockfile(self) -> Lockfile:
        """The lock describing this resolution."""
        packages = []
        for name, candidate in self.candidates.items():
            dependencies = tuple(
                f"{dependency} {self.candidates[dependency].version_text}" for dependency in self.edges.get(name, [])
            )
            packages.append(
                LockedPackage(
                    candidate.name, candidate.version_text, candidate.source, candidate.checksum, dependencies
                )
            )
        return Lockfile(packages=packages)


def root_label(manifest: Manifest) -> str:
    """How the root project is named in explanations: `<name> <version>` (directory name, 0.1.0 by default)."""
    return f"{manifest.name or manifest.root.name} {manifest.version or DEFAULT_PATH_VERSION}"


def requirements_of(manifest: Manifest, dependencies: Iterable[Dependency], parent: str | None) -> list[DepRequirement]:
    """Turn declared dependencies into resolver requirements (paths made absolute against the manifest's dir)."""
    result = []
    for dependency in dependencies:
        if dependency.is_path:
            directory = Path(os.path.normpath(manifest.root / dependency.path.replace("\\", "/")))
            result.append(
                DepRequirement(dependency.name, path_dir=directory, written_path=dependency.path, parent=parent)
            )
        else:
            result.append(
                DepRequirement(dependency.name, dependency.requirement, registry=dependency.registry, parent=parent)
            )
    return result


class PackageProvider:
    """The resolvelib provider: finds candidates in registries and path directories, prefers locked versions."""

    def __init__(self, project_root: Path, registries: RegistryPool, preferred: Mapping[str, LockedPackage]) -> None:
        self.project_root = project_root
        self.registries = registries
        self.preferred = preferred
        self.not_found: dict[str, str] = {}
        self.path_candidates: dict[Path, Candidate] = {}
        self.registry_cache: dict[tuple[str, str | None], list[Candidate]] = {}

    # resolvelib interface ------------------------------------------------------------------------------------------

    def identify(self, requirement_or_candidate: DepRequirement | Candidate) -> str:
        """Package name."""
        return requirement_or_candidate.name

    def get_preference(self, identifier, resolutions, candidates, information, backtrack_causes) -> tuple:
        """Resolve path dependencies first, then names involved in backtracking, then by name."""
        requirements = [info.requirement for info in information[identifier]]
        has_path = any(requirement.path_dir is not None for requirement in requirements)
        in_conflict = any(cause.requirement.name == identifier for cause in backtrack_causes)
        return (not has_path, not in_conflict, identifier)

    def find_matches(self, identifier, requirements, incompatibilities) -> list[Candidate]:
        """Candidates for `identifier` satisfying every requirement, locked version first, then highest first."""
        wanted = list(requirements[identifier])
        excluded = {id(candidate) for candidate in incompatibilities[identifier]}
        path_dirs = {requirement.path_dir for requirement in wanted if requirement.path_dir is not None}
        if len(path_dirs) > 1:
            return []
        if path_dirs:
            pool = [self.path_candidate(wanted, path_dirs.pop())]
        else:
            registries = {requirement.registry for requirement in wanted if requirement.registry is not None}
            if len(registries) > 1:
                return []
            pool = self.registry_candidates(identifier, registries.pop() if registries else None)
        matches = [
            candidate
            for candidate in pool
            if id(candidate) not in excluded and all(self.is_satisfied_by(item, candidate) for item in wanted)
        ]
        locked = self.preferred.get(identifier)
        matches.sort(key=lambda candidate: candidate.version, reverse=True)
        if locked is not None:
            matches.sort(
                key=lambda candidate: (candidate.version_text, candidate.source) != (locked.version, locked.source)
            )
        return matches

    def is_satisfied_by(self, requirement: DepRequirement, candidate: Candidate) -> bool:
        """Path requirements need that directory; registry ones a matching version (and registry, if named)."""
        if requirement.path_dir is not None:
            return candidate.path_dir == requirement.path_dir
        from_other_registry = candidate.path_dir is None and candidate.registry != requirement.registry
        if requirement.registry is not None and from_other_registry:
            return False
        return requirement.requirement is not None and requirement.requirement.matches(candidate.version)

    def get_dependencies(self, candidate: Candidate) -> tuple[DepRequirement, ...]:
        """The candidate's own (non-dev) dependencies (their registry indexes are fetched ahead, together)."""
        self.prefetch(candidate.dependencies)
        return candidate.dependencies

    def prefetch(self, requirements: Iterable[DepRequirement]) -> None:
        """Load the package indexes the resolver is about to ask for, grouped by registry."""
        by_registry: dict[str | None, list[str]] = {}
        for requirement in requirements:
            if requirement.path_dir is None:
                by_registry.setdefault(requirement.registry, []).append(requirement.name)
        for registry_url, names in by_registry.items():
            self.registries.get(registry_url).prefetch_package_records(names)

    def narrow_requirement_selection(self, identifiers, resolutions, candidates, information, backtrack_causes):
        """No narrowing: consider every identifier."""
        return identifiers

    # candidate sources ---------------------------------------------------------------------------------------------

    def registry_candidates(self, name: str, registry_url: str | None) -> list[Candidate]:
        """Every version of `name` in its registry (cached per name and registry)."""
        registry = self.registries.get(registry_url)
        records = registry.package_records(name)
        if records is None:
            self.not_found[name] = registry.location
            return []
        cache_key = (name, registry_url)
        if cache_key in self.registry_cache:
            return self.registry_cache[cache_key]
        candidates = []
        for record in records:
            label = f"{name} {record['version']}"
            dependencies = []
            for dep_name, value in sorted(record["dependencies"].items()):
                if isinstance(value, dict):
                    requirement_text, dep_registry = value.get("version", ""), value.get("registry")
                else:
                    requirement_text, dep_registry = value, None
                dependencies.append(
                    DepRequirement(
                        dep_name,
                        parse_requirement(str(requirement_text), dep_name, f"registry record of {label}"),
                        registry=dep_registry,
                        parent=label,
                    )
                )
            candidates.append(
                Candidate(
                    name=name,
                    version=Version.parse(record["version"]),
                    version_text=record["version"],
                    source=registry_source(registry_url),
                    dependencies=tuple(dependencies),
                    registry=registry_url,
                    record=record,
                )
            )
        self.registry_cache[cache_key] = candidates
        return candidates

    def path_candidate(self, wanted: list[DepRequirement], directory: Path) -> Candidate:
        """The single candidate of a path dependency, read from its manifest."""
        if directory in self.path_candidates:
            return self.path_candidates[directory]
        requirement = next(item for item in wanted if item.path_dir == directory)
        name = requirement.name
        if not directory.is_dir():
            raise PkgError(f"dependency '{name}': path '{requirement.written_path}' does not exist")
        if not (directory / MANIFEST_NAME).is_file():
            raise PkgError(f"dependency '{name}': path '{requirement.written_path}' has no {MANIFEST_NAME}")
        manifest = load_manifest(directory / MANIFEST_NAME)
        if manifest.name is not None and manifest.name != name:
            raise PkgError(
                f"dependency '{name}': path '{requirement.written_path}' holds package '{manifest.name}', not '{name}'"
            )
        version_text = manifest.version or DEFAULT_PATH_VERSION
        label = f"{name} {version_text}"
        candidate = Candidate(
            name=name,
            version=Version.parse(version_text),
            version_text=version_text,
            source=path_source(project_relative(directory, self.project_root)),
            dependencies=tuple(requirements_of(manifest, manifest.dependencies, label)),
            path_dir=directory,
        )
        self.path_candidates[directory] = candidate
        return candidate


def resolve(
    manifest: Manifest,
    registries: RegistryPool,
    preferred: Mapping[str, LockedPackage] | None = None,
) -> Resolution:
    """Resolve the root project's dependencies and dev-dependencies, transitively; raise `PkgError` on failure."""
    import resolvelib

    label = root_label(manifest)
    root_requirements = requirements_of(manifest, manifest.all_dependencies(), None)
    provider = PackageProvider(manifest.root, registries, preferred or {})
    resolver = resolvelib.Resolver(provider, resolvelib.BaseReporter())
    try:
        provider.prefetch(root_requirements)
        result = resolver.resolve(root_requirements, max_rounds=10_000)
    except resolvelib.ResolutionImpossible as error:
        raise explain_failure(error.causes, provider, registries, label) from None
    except resolvelib.ResolutionTooDeep:
        raise PkgError("cannot resolve dependencies: the resolver gave up after too many backtracking rounds") from None
    candidates = dict(sorted(result.mapping.items(), key=lambda item: item[0].encode()))
    edges = {
        name: sorted({dependency.name for dependency in candidate.dependencies}, key=str.encode)
        for name, candidate in candidates.items()
    }
    resolution = Resolution(label, candidates, edges)
    root_names = sorted({requirement.name for requirement in root_requirements}, key=str.encode)
    check_cycles(resolution, root_names, manifest.root)
    return resolution


def explain_failure(causes, provider: PackageProvider, registries: RegistryPool, label: str) -> PkgError:
    """Build the §3.2 explanation for a failed resolution."""
    by_name: dict[str, list[Any]] = {}
    for cause in causes:
        by_name.setdefault(cause.requirement.name, []).append(cause)
    name = next(iter(by_name))
    demands = sorted(
        {(cause.parent is not None, label if cause.parent is None else cause.parent.label, cause.requirement.describe())
         for cause in by_name[name]}
    )
    required_by = list(dict.fromkeys(parent for _, parent, _ in demands))
    lines = [f"  {parent} requires {requirement}" for _, parent, requirement in demands]
    if name in provider.not_found:
        return PkgError(
            f"package '{name}' not found in registry {provider.not_found[name]} (required by {', '.join(required_by)})"
        )
    available = _available_versions(name, by_name[name], provider, registries)
    if available is not None:
        lines.append(f"  available versions of '{name}': {', '.join(available) if available else 'none'}")
    return PkgError(f"cannot resolve dependencies: no version of '{name}' satisfies every requirement", lines)


def _available_versions(name, causes, provider: PackageProvider, registries: RegistryPool) -> list[str] | None:
    requirements = [cause.requirement for cause in causes]
    paths = [requirement for requirement in requirements if requirement.path_dir is not None]
    if paths:
        versions = {provider.path_candidate(requirements, item.path_dir).version_text for item in paths}
        return sorted(versions, key=Version.parse)
    explicit = next((requirement.registry for requirement in requirements if requirement.registry), None)
    records = registries.get(explicit).package_records(name) or []
    return [record["version"] for record in records]


def check_cycles(resolution: Resolution, root_dependencies: list[str], root_dir: Path) -> None:
    """Raise `dependency cycle: a 1.0.0 -> b 2.0.0 -> a 1.0.0` for the first cycle found (in name order).

    A path dependency pointing back at the root project's directory is the root itself.
    """
    root_key = "\0root"
    labels = {name: candidate.label for name, candidate in resolution.candidates.items()}
    labels[root_key] = resolution.root_label
    aliases = {
        name: root_key
        for name, candidate in resolution.candidates.items()
        if candidate.path_dir is not None and _same_directory(candidate.path_dir, root_dir)
    }
    graph = {root_key: root_dependencies, **resolution.edges}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for child in graph.get(node, []):
            child = aliases.get(child, child)
            if state.get(child) == 1:
                cycle = stack[stack.index(child) :] + [child]
                raise PkgError("dependency cycle: " + " -> ".join(labels[item] for item in cycle))
            if child not in state:
                visit(child)
        stack.pop()
        state[node] = 2

    visit(root_key)


def _same_directory(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except OSError:
        return False

