from decimal import Decimal

import pytest

from twin.scenario.source import YamlSyntaxError, read_document


def test_float_becomes_decimal_text():
    assert read_document("a: 12.345\n").data == {"a": Decimal("12.345")}


def test_timestamp_stays_text():
    assert read_document("a: 2020-01-06T09:00:00+08:00\n").data == {
        "a": "2020-01-06T09:00:00+08:00"
    }


def test_octal_with_other_value_flagged():
    document = read_document("a: 0123\n")
    assert document.data == {"a": "0123"}
    assert [issue.code for issue in document.issues] == ["ambiguous_number"]


def test_small_leading_zero_kept_as_number():
    document = read_document("a: 00\n")
    assert document.data == {"a": 0}
    assert document.issues == []


def test_base_sixty_flagged():
    assert [issue.code for issue in read_document("a: 1:30\n").issues] == ["ambiguous_number"]


def test_duplicate_key_flagged_at_second():
    document = read_document("a: 1\nb: 2\na: 3\n")
    issue = document.issues[0]
    assert (issue.code, issue.mark.line) == ("duplicate_key", 3)
    assert document.data["a"] == 3


def test_merge_key_supported():
    document = read_document("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n")
    assert document.data["c"] == {"x": 1, "y": 2}


def test_recursive_alias_flagged():
    document = read_document("a: &a [*a]\n")
    assert [issue.code for issue in document.issues] == ["yaml_recursive"]


def test_custom_tag_flagged():
    assert [issue.code for issue in read_document("a: !python/name:os.system x\n").issues] == [
        "yaml_tag"
    ]


def test_syntax_error_position():
    with pytest.raises(YamlSyntaxError) as caught:
        read_document("a: [1, 2\nb: 3\n")
    assert caught.value.issue.mark.line == 2


def test_locate_skips_step_tag():
    document = read_document("script:\n  - do: purchase\n    amount: 5\n")
    mark, path = document.locate(("script", 0, "purchase", "amount"))
    assert (mark.line, path) == (3, "script[0].amount")


def test_locate_missing_points_at_mapping():
    document = read_document("script:\n  - do: purchase\n    amount: 5\n")
    mark, path = document.locate(("script", 0, "purchase", "member"), "parent")
    assert (mark.line, path) == (2, "script[0].member")
