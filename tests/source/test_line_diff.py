"""`source.line_diff`: the changed line range between two versions of a text, minimal, found with block
comparisons instead of splitting the whole texts."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lumen_kernel.source.line_diff import common_prefix_length, common_suffix_length, line_change

LINES = st.lists(st.sampled_from(["", "a", "b", "ab", "  let x = 1", "end", "é🎉", "```"]), min_size=0, max_size=12)


@settings(max_examples=300, deadline=None)
@given(old=LINES, new=LINES, count_known=st.booleans())
def test_the_change_rebuilds_the_new_text_and_is_minimal(old: list[str], new: list[str], count_known: bool):
    before, after = "\n".join(old), "\n".join(new)
    old_lines, new_lines = before.split("\n"), after.split("\n")
    change = line_change(before, after, len(old_lines) if count_known else None)
    if before == after:
        assert change is None
        return
    assert change is not None
    assert old_lines[:change.first] == new_lines[:change.first]
    assert old_lines[change.old_end:] == new_lines[change.new_end:]
    assert change.old_lines == old_lines[change.first:change.old_end]
    assert change.new_lines == new_lines[change.first:change.new_end]
    assert change.delta == len(new_lines) - len(old_lines)
    if change.old_lines and change.new_lines:      # no equal line is left at either end of the range
        assert change.old_lines[0] != change.new_lines[0]
        assert change.old_lines[-1] != change.new_lines[-1]


def _naive_prefix(a: str, b: str) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[count] == b[count]:
        count += 1
    return count


@settings(max_examples=100, deadline=None)
@given(size=st.integers(0, 12_000), position=st.integers(0, 12_000), cut=st.integers(0, 3),
       inserted=st.sampled_from(["", "y", "\n", "yy\nz"]))
def test_prefix_and_suffix_lengths_across_comparison_blocks(size: int, position: int, cut: int, inserted: str):
    text = ("abc\ndefg\n" * 1400)[:size]
    position = min(position, len(text))
    edited = text[:position] + inserted + text[position + cut:]
    limit = min(len(text), len(edited))
    prefix = common_prefix_length(text, edited, limit)
    assert prefix == _naive_prefix(text, edited)
    suffix = common_suffix_length(text, edited, limit - prefix)
    assert suffix == min(_naive_prefix(text[::-1], edited[::-1]), limit - prefix)


def test_a_one_line_edit_in_a_long_text():
    lines = [f"line {i}" for i in range(3000)]
    edited = list(lines)
    edited[1700] += "  # edited"
    change = line_change("\n".join(lines), "\n".join(edited), len(lines))
    assert (change.first, change.old_end, change.new_end) == (1700, 1701, 1701)
    assert change.new_lines == ["line 1700  # edited"]
    inserted = lines[:10] + ["new", "lines"] + lines[10:]
    change = line_change("\n".join(lines), "\n".join(inserted))
    assert (change.first, change.old_end, change.new_end, change.old_lines) == (10, 10, 12, [])
