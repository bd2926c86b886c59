"""Where two versions of a text differ, as one range of whole lines (for incremental re-analysis).

`line_change(old, new)` finds the first and last differing characters with block comparisons (work done in C,
no split of the whole texts) and widens them to whole lines; only the changed lines are split. The range is
minimal: the lines before it and the lines after it are equal in both texts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

_BLOCK = 4096


@dataclass(frozen=True)
class LineChange:
    """Lines `first`..`old_end` (0-based, end exclusive) of the old text became lines `first`..`new_end` of the
    new text; `old_lines` and `new_lines` are those lines (either may be empty: lines inserted or removed)."""

    first: int
    old_end: int
    new_end: int
    old_lines: list[str]
    new_lines: list[str]

    @property
    def delta(self) -> int:
        """How many lines the text after the change moved (positive: lines were inserted)."""
        return self.new_end - self.old_end


def line_change(old: str, new: str, old_line_count: Optional[int] = None) -> Optional[LineChange]:
    """The changed line range from `old` to `new` (texts split at `\\n`), or None when they are equal.
    `old_line_count`, the number of lines of `old` when the caller knows it, saves counting the line breaks of
    the longer side of the change."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    prefix = common_prefix_length(old, new, limit)
    suffix = common_suffix_length(old, new, limit - prefix)
    head = old.rfind("\n", 0, prefix) + 1           # where the first changed line starts (in both texts)
    # The last changed line ends at the first line break inside the common tail (every later line is equal).
    old_stop = old.find("\n", len(old) - suffix)
    if old_stop < 0:
        old_stop = new_stop = None
    else:
        new_stop = old_stop - len(old) + len(new)
    old_lines = old[head:old_stop].split("\n")
    new_lines = new[head:new_stop].split("\n")
    if old_line_count is not None and head > len(old) // 2:
        first = old_line_count - 1 - old.count("\n", head)
    else:
        first = old.count("\n", 0, head)
    # Whole equal lines can remain at either end when one text is a prefix or a suffix of the other.
    lead = 0
    while lead < len(old_lines) and lead < len(new_lines) and old_lines[lead] == new_lines[lead]:
        lead += 1
    trail = 0
    while trail < len(old_lines) - lead and trail < len(new_lines) - lead \
            and old_lines[-1 - trail] == new_lines[-1 - trail]:
        trail += 1
    old_lines = old_lines[lead:len(old_lines) - trail]
    new_lines = new_lines[lead:len(new_lines) - trail]
    first += lead
    return LineChange(first, first + len(old_lines), first + len(new_lines), old_lines, new_lines)


def common_prefix_length(a: str, b: str, limit: int) -> int:
    """The number of equal leading characters of `a` and `b` (at most `limit`)."""
    low = 0
    while low + _BLOCK <= limit and a[low:low + _BLOCK] == b[low:low + _BLOCK]:
        low += _BLOCK
    high = min(low + _BLOCK, limit)
    while low < high:      # a[:low] == b[:low]; the answer is in low..high
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def common_suffix_length(a: str, b: str, limit: int) -> int:
    """The number of equal trailing characters of `a` and `b` (at most `limit`)."""
    end_a, end_b = len(a), len(b)
    low = 0
    while low + _BLOCK <= limit and a[end_a - low - _BLOCK:end_a - low] == b[end_b - low - _BLOCK:end_b - low]:
        low += _BLOCK
    high = min(low + _BLOCK, limit)
    while low < high:      # the last `low` characters are equal; the answer is in low..high
        middle = (low + high + 1) // 2
        if a[end_a - middle:end_a - low] == b[end_b - middle:end_b - low]:
            low = middle
        else:
            high = middle - 1
    return low
