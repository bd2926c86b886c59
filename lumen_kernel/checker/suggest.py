"""`did you mean` suggestions (LANGUAGE.md §7.1) for E020, E041 and E042."""
from __future__ import annotations

from typing import Iterable, Optional

from ..diagnostics.model import Diagnostic, Edit, Fix, Span


def levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Edit distance between `a` and `b`; any value above `limit` is reported as `limit + 1`."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            if value < best:
                best = value
        if best > limit:
            return limit + 1
        previous = current
    return previous[-1]


def closest(name: str, candidates: Iterable[str]) -> Optional[str]:
    """The candidate at distance at most 2 and less than `len(name)`; closest wins, ties alphabetically."""
    best: Optional[tuple[int, str]] = None
    for candidate in set(candidates):
        if candidate == name:
            continue
        distance = levenshtein(name, candidate, 2)
        if distance <= 2 and distance < len(name):
            key = (distance, candidate)
            if best is None or key < best:
                best = key
    return best[1] if best else None


def add_suggestion(diagnostic: Diagnostic, name: str, span: Optional[Span], candidates: Iterable[str]) -> None:
    """Attach `help: did you mean `X`?` and a fix-it replacing the name, when a candidate is close enough."""
    suggestion = closest(name, candidates)
    if suggestion is None:
        return
    diagnostic.help.append(f"did you mean `{suggestion}`?")
    if span is not None:
        diagnostic.fixes.append(Fix(f"replace `{name}` with `{suggestion}`", (Edit(span, suggestion),)))
