"""Source model: reading `.lm` / `.lm.md` files into program text with directives (LANGUAGE.md §1)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Directive:
    """One `@name value` line: a compiler flag or module metadata (LANGUAGE.md §1.3)."""

    name: str
    value: str | None
    line: int
    column: int
    in_prose: bool


@dataclass(frozen=True)
class Fence:
    """A Lumen fence of a markdown file: lines strictly between `open_line` and `close_line` are code."""

    open_line: int
    close_line: int | None  # None: unclosed, runs to end of file
    first_code_line: int
    last_code_line: int


@dataclass
class SourceFile:
    """A Lumen source file after extraction.

    `program` has exactly as many lines as the file; non-code lines of a markdown file are empty,
    so line numbers in the program are the file's own.
    """

    path: str
    text: str
    program: str
    is_markdown: bool
    fences: list[Fence] = field(default_factory=list)
    prose_directives: list[Directive] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """The normalised file text split into lines (for diagnostics rendering)."""
        return self.text.split("\n")

    @property
    def stem(self) -> str:
        """File name without its `.lm` / `.lm.md` suffix."""
        name = Path(self.path).name
        for suffix in (".lm.md", ".lm"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name


def normalise_text(text: str) -> str:
    """Remove a leading BOM and turn CRLF / lone CR into LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_markdown_path(path: str) -> bool:
    """`.lm.md` files are markdown sources; everything else is raw code."""
    return str(path).endswith(".lm.md")


def parse_directive(stripped: str, line: int, column: int, in_prose: bool) -> Directive:
    """Split `@name value` (value trimmed, one pair of surrounding double quotes removed)."""
    body = stripped[1:]
    parts = body.split(None, 1)
    name = parts[0] if parts else ""
    value: str | None = parts[1].strip() if len(parts) > 1 else None
    if value is not None and len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        value = value[1:-1]
    return Directive(name=name, value=value, line=line, column=column, in_prose=in_prose)


def extract_markdown(text: str) -> tuple[str, list[Fence], list[Directive]]:
    """Build the program text of a markdown source (LANGUAGE.md §1.2) and collect prose directives."""
    lines = text.split("\n")
    out = [""] * len(lines)
    fences: list[Fence] = []
    directives: list[Directive] = []
    i = 0
    n = len(lines)
    while i < n:
        stripped = lines[i].strip()
        if stripped.startswith("```"):
            ticks = len(stripped) - len(stripped.lstrip("`"))
            info = stripped[ticks:].strip().lower()
            is_lumen = info in ("lumen", "lm")
            j = i + 1
            while j < n:
                closing = lines[j].strip()
                if closing and set(closing) == {"`"} and len(closing) >= ticks:
                    break
                j += 1
            if is_lumen:
                for k in range(i + 1, min(j, n)):
                    out[k] = lines[k]
                fences.append(Fence(open_line=i + 1, close_line=j + 1 if j < n else None,
                                    first_code_line=i + 2, last_code_line=min(j, n)))
            i = j + 1
            continue
        if stripped.startswith("@"):
            column = len(lines[i]) - len(lines[i].lstrip()) + 1
            directives.append(parse_directive(stripped, i + 1, column, in_prose=True))
        i += 1
    return "\n".join(out), fences, directives


def load_source(path: str, text: str) -> SourceFile:
    """Create a SourceFile from a path (as given by the user) and the raw file text."""
    text = normalise_text(text)
    if is_markdown_path(path):
        program, fences, directives = extract_markdown(text)
        return SourceFile(path=path, text=text, program=program, is_markdown=True,
                          fences=fences, prose_directives=directives)
    return SourceFile(path=path, text=text, program=text, is_markdown=False)


def read_source(path: str | Path) -> SourceFile:
    """Read and extract a file; raises OSError / UnicodeDecodeError for unreadable files (E000)."""
    data = Path(path).read_bytes()
    return load_source(str(path), data.decode("utf-8"))


FLAG_TRUE = {"true", "yes", "on", "1"}
FLAG_FALSE = {"false", "no", "off", "0"}


def flag_value(directives: list[Directive], name: str, default: bool) -> bool:
    """The value of flag `name`: the first occurrence in file order wins; unknown values keep the default."""
    for directive in sorted(directives, key=lambda d: (d.line, d.column)):
        if directive.name != name:
            continue
        if directive.value is None:
            return True
        value = directive.value.strip().lower()
        if value in FLAG_TRUE:
            return True
        if value in FLAG_FALSE:
            return False
        return default
    return default
