"""Program loading (LANGUAGE.md §1.4-1.5): see `loader.py`."""
from .loader import LoadedModule, Loader, Program, ResolvedImport, find_module_file, load_program

__all__ = ["LoadedModule", "Loader", "Program", "ResolvedImport", "find_module_file", "load_program"]
