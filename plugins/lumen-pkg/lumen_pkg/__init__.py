"""Lumen packages: manifest, dependency resolution, lockfile and registries (lumen pkg)."""

__version__ = "0.1.0"
