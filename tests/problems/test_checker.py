"""The default output validator: token comparison, whitespace, case, float tolerances."""

from __future__ import annotations

import time

import pytest

from arena.problems.checker import (
    CheckResult,
    DefaultValidatorFlags,
    check_output,
    parse_default_validator_flags,
    parse_float,
)

LENIENT = DefaultValidatorFlags()
CASE = DefaultValidatorFlags(case_sensitive=True)
SPACE = DefaultValidatorFlags(space_change_sensitive=True)


def flags(*words: str) -> DefaultValidatorFlags:
    return parse_default_validator_flags(list(words))


def accepted(output: bytes, answer: bytes, validator: DefaultValidatorFlags = LENIENT) -> bool:
    return check_output(output, answer, validator).accepted


# --- flags -------------------------------------------------------------------------------------


def test_no_flags_are_all_defaults() -> None:
    assert flags() == DefaultValidatorFlags(False, False, None, None)


def test_all_flags() -> None:
    parsed = flags(
        "case_sensitive",
        "space_change_sensitive",
        "float_absolute_tolerance",
        "1e-6",
        "float_relative_tolerance",
        "0.5",
    )
    assert parsed == DefaultValidatorFlags(True, True, 1e-6, 0.5)
    assert parsed.uses_floats


def test_float_tolerance_sets_both() -> None:
    assert flags("float_tolerance", "1e-9") == DefaultValidatorFlags(False, False, 1e-9, 1e-9)


def test_later_tolerance_overrides_earlier() -> None:
    parsed = flags("float_tolerance", "0.1", "float_relative_tolerance", "0.2")
    assert parsed.float_absolute_tolerance == 0.1
    assert parsed.float_relative_tolerance == 0.2


@pytest.mark.parametrize(
    ("words", "fragment"),
    [
        (["ignore_case"], "unknown flag 'ignore_case'"),
        (["float_tolerance"], "float_tolerance needs a value"),
        (["float_tolerance", "abc"], "expected a non-negative number"),
        (["float_absolute_tolerance", "-1"], "expected a non-negative number"),
        (["float_relative_tolerance", "nan"], "expected a non-negative number"),
    ],
)
def test_bad_flags(words: list[str], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_default_validator_flags(words)


# --- float grammar -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "value"),
    [
        (b"1", 1.0),
        (b"-2.5", -2.5),
        (b"+.5", 0.5),
        (b"5.", 5.0),
        (b"1e-3", 0.001),
        (b"3.14000000E-2", 0.0314),
        (b"1e999", None),  # overflows to inf: not a number for the validator
        (b"nan", None),
        (b"inf", None),
        (b"-Infinity", None),
        (b"1_000", None),
        (b"0x10", None),
        (b"1e", None),
        (b".", None),
        (b"", None),
    ],
)
def test_parse_float(token: bytes, value: float | None) -> None:
    assert parse_float(token) == value


# --- whitespace --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "output",
    [b"A B", b" A  B \t\n", b"A\nB", b"A\r\nB\r\n", b"\n\n A\x0b\x0cB"],
)
def test_any_whitespace_is_equal_by_default(output: bytes) -> None:
    assert accepted(output, b"A B\n")


@pytest.mark.parametrize("output", [b"", b" ", b"\n", b" \t\n\t\n \t"])
def test_empty_answer_accepts_blank_output(output: bytes) -> None:
    assert accepted(output, b"")


@pytest.mark.parametrize(
    ("output", "shown"), [(b"0", "0"), (b" .", "."), (b"\x00", "\\x00"), (b"\x1c\n", "\\x1c")]
)
def test_empty_answer_rejects_any_token(output: bytes, shown: str) -> None:
    result = check_output(output, b"\n", LENIENT)
    assert result == CheckResult(False, f"line 1: trailing output '{shown}'")


def test_trailing_whitespace_in_space_sensitive_mode() -> None:
    assert check_output(b"A B\n", b"A B", SPACE) == CheckResult(
        False, "line 1: trailing whitespace '\\n'"
    )


def test_space_sensitive_accepts_exact_whitespace() -> None:
    assert accepted(b"a  b\n\tc\n", b"A  B\n\tC\n", SPACE)


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (b"A  B\n", "line 1: expected whitespace ' ', got '  '"),
        (b"A\nB\n", "line 1: expected whitespace ' ', got '\\n'"),
        (b"A B", "line 1: expected whitespace '\\n' at the end"),
        (b"A B\n\n", "line 2: trailing whitespace '\\n'"),
        (b"A B\n \n", "line 2: trailing whitespace ' \\n'"),
        (b"A B\n\nC", "line 3: trailing output 'C'"),
        (b"A\tB\n", "line 1: expected whitespace ' ', got '\\t'"),
        (b" A B\n", "line 1: expected 'A', got whitespace ' '"),
        (b"A B\nC\n", "line 2: trailing output 'C'"),
        (b"A\n", "line 1: expected whitespace ' ', got '\\n'"),
        (b"A", "expected more output (answer continues with 'B')"),
        (b"A C\n", "line 1: expected 'B', got 'C'"),
    ],
)
def test_space_sensitive_rejections(output: bytes, message: str) -> None:
    assert check_output(output, b"A B\n", SPACE) == CheckResult(False, message)


def test_space_sensitive_leading_whitespace_in_answer() -> None:
    result = check_output(b"x\n", b"  x\n", SPACE)
    assert result == CheckResult(False, "line 1: expected whitespace '  ', got 'x'")


def test_space_sensitive_counts_lines() -> None:
    result = check_output(b"1\n2\n3\n", b"1\n2\n4\n", SPACE)
    assert result == CheckResult(False, "line 3: expected '4', got '3'")


def test_space_sensitive_empty_answer() -> None:
    assert accepted(b"", b"", SPACE)
    assert not accepted(b"\n", b"", SPACE)


# --- case --------------------------------------------------------------------------------------


def test_case_insensitive_by_default() -> None:
    assert accepted(b"yes\nNO\n", b"YES\nno\n")


def test_case_sensitive_rejects_and_says_why() -> None:
    result = check_output(b"Yes\n", b"YES\n", CASE)
    assert result == CheckResult(False, "line 1: expected 'YES', got 'Yes' (letter case differs)")


def test_case_folding_is_ascii_only() -> None:
    # Like C's strcasecmp in the C locale: only A-Z fold.
    assert not accepted("É".encode(), "é".encode())


# --- tokens ------------------------------------------------------------------------------------


def test_wrong_token_reports_output_line() -> None:
    result = check_output(b"1\n2\n41\n", b"1 2 42", LENIENT)
    assert result == CheckResult(False, "line 3: expected '42', got '41'")


def test_missing_output() -> None:
    result = check_output(b"1 2\n", b"1 2 3\n", LENIENT)
    assert result == CheckResult(False, "expected more output (answer continues with '3')")


def test_empty_output() -> None:
    result = check_output(b"", b"42\n", LENIENT)
    assert result == CheckResult(False, "expected more output (answer continues with '42')")


def test_trailing_output() -> None:
    result = check_output(b"1 2 3\n\n4\n", b"1 2 3\n", LENIENT)
    assert result == CheckResult(False, "line 3: trailing output '4'")


def test_floats_compare_as_strings_without_tolerance() -> None:
    assert not accepted(b"1.0", b"1")
    assert not accepted(b"0.50", b"0.5")


# --- floats ------------------------------------------------------------------------------------


def test_absolute_tolerance() -> None:
    validator = flags("float_absolute_tolerance", "0.1")
    assert accepted(b"1.05", b"1.0", validator)
    assert accepted(b"0.9", b"1.0", validator)
    result = check_output(b"1.2", b"1.0", validator)
    assert result == CheckResult(False, "line 1: expected '1.0', got '1.2' (off by 0.2)")


def test_relative_tolerance_scales_with_answer() -> None:
    validator = flags("float_relative_tolerance", "1e-3")
    assert accepted(b"1000.9", b"1000", validator)
    assert not accepted(b"1001.1", b"1000", validator)
    assert not accepted(b"0.0011", b"0.001", validator)
    # Relative tolerance alone demands an exact zero.
    assert not accepted(b"1e-300", b"0", validator)
    assert accepted(b"-0.0", b"0", validator)


def test_either_tolerance_suffices() -> None:
    validator = flags("float_absolute_tolerance", "0.5", "float_relative_tolerance", "0.01")
    assert accepted(b"1.4", b"1", validator)  # absolute only
    assert accepted(b"1005", b"1000", validator)  # relative only
    assert not accepted(b"1.6", b"1", validator)
    assert not accepted(b"1011", b"1000", validator)


def test_float_tolerance_uses_both() -> None:
    validator = flags("float_tolerance", "1e-6")
    assert accepted(b"1000000.5", b"1000000", validator)  # within relative 1e-6
    assert accepted(b"0.0000005", b"0", validator)  # within absolute 1e-6
    assert not accepted(b"0.000002", b"0", validator)


@pytest.mark.parametrize("output", [b"3.14000000e-2", b"0.0314", b"+0.03140", b".0314", b"314E-4"])
def test_any_float_formatting_is_accepted(output: bytes) -> None:
    assert accepted(output, b"0.0314", flags("float_tolerance", "1e-9"))


def test_exponent_answer() -> None:
    validator = flags("float_absolute_tolerance", "1e-6")
    assert accepted(b"0.001", b"1e-3", validator)
    assert not accepted(b"0.0011", b"1e-3", validator)


def test_integer_answer_is_a_float_token() -> None:
    assert accepted(b"2.0000001", b"2", flags("float_tolerance", "1e-6"))


def test_non_number_for_number_answer() -> None:
    result = check_output(b"abc", b"1.5", flags("float_tolerance", "1e-6"))
    assert result == CheckResult(False, "line 1: expected a number like '1.5', got 'abc'")


def test_words_still_compare_as_words_with_tolerance() -> None:
    validator = flags("float_tolerance", "1e-6")
    assert accepted(b"Case #1: 0.5000001", b"case #1: 0.5", validator)
    assert not accepted(b"Case #2: 0.5", b"case #1: 0.5", validator)


def test_nan_and_inf() -> None:
    validator = flags("float_tolerance", "1e-6")
    assert not accepted(b"nan", b"1.0", validator)
    assert not accepted(b"inf", b"1e308", validator)
    assert not accepted(b"1e999", b"1.0", validator)
    # An answer that is not a finite number is compared as a word, so it must match as a word.
    assert accepted(b"NaN", b"nan", validator)
    assert accepted(b"inf", b"inf", validator)
    assert not accepted(b"1e999", b"inf", validator)


def test_huge_difference_does_not_overflow() -> None:
    assert not accepted(b"-1e308", b"1e308", flags("float_tolerance", "1e-6"))


# --- bytes -------------------------------------------------------------------------------------


def test_invalid_utf8_is_compared_as_bytes() -> None:
    assert accepted(b"\xff\xfe x", b"\xff\xfe x")
    result = check_output(b"\xff\xfe", b"\xff\xfd", LENIENT)
    assert result == CheckResult(False, "line 1: expected '\\xff\\xfd', got '\\xff\\xfe'")


def test_control_characters_are_escaped_in_messages() -> None:
    result = check_output(b"a\x1b[31m", b"b", LENIENT)
    assert result.message == "line 1: expected 'b', got 'a\\x1b[31m'"


def test_long_tokens_are_clipped_in_messages() -> None:
    result = check_output(b"x" * 1_000_000, b"y" * 1_000_000, LENIENT)
    assert not result.accepted
    assert len(result.message) < 260
    assert "x" * 100 + "…" in result.message
    assert "x" * 101 not in result.message


def test_large_outputs_are_fast() -> None:
    answer = b"".join(b"%d %.9f\n" % (i, i / 7) for i in range(300_000))
    output = answer.replace(b"\n", b" \r\n")
    validator = flags("float_tolerance", "1e-6")
    start = time.perf_counter()
    assert accepted(output, answer, validator)
    assert accepted(output, answer, LENIENT)
    last = output.rsplit(b" ", 2)[0] + b" 1.0\r\n"
    result = check_output(last, answer, validator)
    elapsed = time.perf_counter() - start
    assert not result.accepted
    assert result.message.startswith("line 300000: expected '42857.000000000', got '1.0'")
    assert elapsed < 10


def test_line_numbers_far_into_the_output() -> None:
    # Three tokens per line and blank lines in between: token 30_001 is on output line 20_001.
    answer = b"".join(b"a%d b c\n\n" % i for i in range(12_000))
    output = answer.replace(b"a10000 b c", b"a10000 X c")
    result = check_output(output, answer, LENIENT)
    assert result == CheckResult(False, "line 20001: expected 'b', got 'X'")
    result = check_output(output.upper(), answer, CASE)
    assert result == CheckResult(False, "line 1: expected 'a0', got 'A0' (letter case differs)")


def test_space_sensitive_shows_the_line_break() -> None:
    result = check_output(b"1\n2 3\n", b"1 2\n3\n", SPACE)
    assert result == CheckResult(False, "line 1: expected whitespace ' ', got '\\n'")


def test_space_sensitive_with_tolerance() -> None:
    validator = flags("space_change_sensitive", "float_tolerance", "1e-3")
    assert accepted(b"1.0001 2\n3\n", b"1 2\n3\n", validator)
    result = check_output(b"1.0001 2\n3 \n", b"1 2\n3\n", validator)
    assert result == CheckResult(False, "line 2: expected whitespace '\\n', got ' \\n'")
    result = check_output(b"1.0001  2\n3\n", b"1 2\n3\n", validator)
    assert result == CheckResult(False, "line 1: expected whitespace ' ', got '  '")
