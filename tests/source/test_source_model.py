"""Source model: file kinds, normalisation, markdown extraction and directives (LANGUAGE.md §1.1-§1.3)."""
import pytest

from lumen_kernel.source.model import (
    Directive, flag_value, is_markdown_path, load_source, normalise_text, parse_directive, read_source,
)


def program_lines(text, path="doc.lm.md"):
    return load_source(path, text).program.split("\n")


# ------------------------------------------------------------------------------------ kinds, normalising


def test_file_kind_is_decided_by_the_name():
    assert is_markdown_path("a/b.lm.md")
    assert not is_markdown_path("a/b.lm")
    assert not is_markdown_path("notes.md")
    raw = load_source("x.lm", "```lumen\nx\n```\n")
    assert not raw.is_markdown and raw.program == "```lumen\nx\n```\n"


def test_normalisation_removes_bom_and_line_ending_variants():
    assert normalise_text("\ufeffa\r\nb\rc\n") == "a\nb\nc\n"
    source = load_source("x.lm", "\ufeffprint(1)\r\nprint(2)\r")
    assert source.text == "print(1)\nprint(2)\n" and source.program == source.text
    assert source.lines == ["print(1)", "print(2)", ""]


def test_stem():
    assert load_source("dir/calc.lm.md", "").stem == "calc"
    assert load_source("dir/calc.lm", "").stem == "calc"


def test_read_source(tmp_path):
    path = tmp_path / "m.lm.md"
    path.write_bytes("\ufeff# T\r\n```lumen\r\nx\r\n```\r\n".encode())
    source = read_source(path)
    assert source.path == str(path) and source.program == "\n\nx\n\n"


def test_read_source_rejects_invalid_utf8(tmp_path):
    path = tmp_path / "bad.lm"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(UnicodeDecodeError):
        read_source(path)


# ------------------------------------------------------------------------------------ markdown extraction


def test_program_keeps_markdown_line_numbers():
    text = "# Title\nprose\n```lumen\ncell main()\n  x\nend\n```\nmore prose\n"
    assert program_lines(text) == ["", "", "", "cell main()", "  x", "end", "", "", ""]
    source = load_source("doc.lm.md", text)
    assert len(source.program.split("\n")) == len(text.split("\n"))
    [fence] = source.fences
    assert (fence.open_line, fence.close_line, fence.first_code_line, fence.last_code_line) == (3, 7, 4, 6)


@pytest.mark.parametrize("opening", ["```lumen", "```lm", "```LM", "``` Lumen ", "   ````lumen", "```lumen  "])
def test_lumen_fence_info_strings(opening):
    assert program_lines(f"{opening}\ncode\n````\n")[1] == "code"


@pytest.mark.parametrize("opening", ["```", "```python", "```lumen extra", "```lumenx", "``lumen", "~~~lumen"])
def test_foreign_fences_and_non_fences_are_not_code(opening):
    assert program_lines(f"{opening}\ncode\n```\n")[1] == ""


def test_closing_needs_at_least_as_many_backticks_and_only_backticks():
    text = "````lumen\na\n```\nb\n```` x\nc\n  `````  \nd\n"
    assert program_lines(text) == ["", "a", "```", "b", "```` x", "c", "", "", ""]


def test_fence_looking_lines_inside_a_foreign_fence_do_not_open_a_fence():
    text = "````markdown\n```lumen\nshown_only()\n```\n````\n```lumen\nreal()\n```\n"
    assert program_lines(text) == ["", "", "", "", "", "", "real()", "", ""]


def test_unclosed_lumen_fence_runs_to_end_of_file():
    source = load_source("d.lm.md", "text\n```lumen\na\nb")
    assert source.program.split("\n") == ["", "", "a", "b"]
    assert source.fences[0].close_line is None and source.fences[0].last_code_line == 4


def test_unclosed_foreign_fence_hides_the_rest():
    assert program_lines("```python\nx\n```lumen\ny\n") == ["", "", "", "", ""]


def test_indented_code_blocks_are_prose():
    assert program_lines("    cell f() -> Int\n      return 1\n    end\n") == ["", "", "", ""]


def test_several_fences_form_one_program():
    text = "```lumen\na\n```\nprose\n```lm\nb\n```\n"
    source = load_source("d.lm.md", text)
    assert source.program.split("\n") == ["", "a", "", "", "", "b", "", ""]
    assert len(source.fences) == 2


def test_file_without_lumen_fence_is_an_empty_program():
    source = load_source("d.lm.md", "# Nothing\n\nhere\n")
    assert source.program.strip() == "" and source.fences == []


def test_conformance_markdown_fences_case():
    text = ("```python\ndef main():\n    print(1)\n```\n\n````markdown\n```lumen\ncell shown_only() -> Int\n"
            "  return 99\nend\n```\n````\n\n```lumen\ncell greet() -> Int\n  return 1\nend\n```\n"
            "\n    cell indented() -> Int\n\n```LM\ncell shout() -> Int\nend\n```\n")
    code = [line for line in program_lines(text) if line]
    assert code == ["cell greet() -> Int", "  return 1", "end", "cell shout() -> Int", "end"]


# -------------------------------------------------------------------------------------------- directives


def test_prose_directives_are_collected_with_positions():
    text = "@strict false\nprose\n  @doc_mode\n```lumen\n@deterministic\n```\n```text\n@lumen 1\n```\n"
    source = load_source("d.lm.md", text)
    assert source.prose_directives == [
        Directive("strict", "false", 1, 1, True),
        Directive("doc_mode", None, 3, 3, True),
    ]


def test_raw_files_have_no_prose_directives():
    assert load_source("x.lm", "@strict false\n").prose_directives == []


@pytest.mark.parametrize("line, name, value", [
    ("@strict", "strict", None), ("@strict false", "strict", "false"), ("@strict   off  ", "strict", "off"),
    ('@package "x y"', "package", "x y"), ('@package ""', "package", ""), ('@package "', "package", '"'),
    ('@a "x" "y"', "a", 'x" "y'), ("@version(1)", "version(1)", None), ('@remote("us-east-1")', 'remote("us-east-1")',
                                                                          None),
    ("@lumen 1", "lumen", "1"), ("@", "", None),
])
def test_parse_directive(line, name, value):
    directive = parse_directive(line, 1, 1, True)
    assert (directive.name, directive.value) == (name, value)


def directives(*pairs):
    return [Directive(name, value, line, 1, True) for line, (name, value) in enumerate(pairs, 1)]


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("YES", True), ("On", True), ("1", True), (None, True),
    ("false", False), ("No", False), ("OFF", False), ("0", False),
])
def test_flag_values(value, expected):
    assert flag_value(directives(("strict", value)), "strict", not expected) is expected


def test_unknown_flag_value_leaves_the_default():
    assert flag_value(directives(("strict", "maybe")), "strict", True) is True
    assert flag_value(directives(("deterministic", "2")), "deterministic", False) is False


def test_missing_flag_uses_default_and_first_occurrence_wins():
    assert flag_value([], "strict", True) is True
    later_first = [Directive("strict", "true", 9, 1, False), Directive("strict", "false", 2, 1, True)]
    assert flag_value(later_first, "strict", True) is False
    assert flag_value(directives(("strict", "off"), ("strict", "on")), "strict", True) is False
