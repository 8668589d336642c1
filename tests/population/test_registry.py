import numpy as np
import pytest

from twin.population import CardRequestResult, RealNameRegistry


@pytest.fixture
def registry():
    registry = RealNameRegistry(10)
    registry.enrol(np.arange(8))
    return registry


def test_enrol_and_query(registry):
    assert registry.is_enrolled(np.array([0, 7, 8])).tolist() == [True, True, False]


def test_enrol_twice_changes_nothing(registry):
    registry.enrol(3)
    assert registry.enrolled_count == 8


def test_first_card_granted(registry):
    assert registry.issue_card(2).tolist() == [CardRequestResult.ok]


def test_second_card_rejected(registry):
    registry.issue_card(2)
    assert registry.issue_card(2).tolist() == [CardRequestResult.card_exists]
    assert registry.card_count == 1


def test_second_card_in_same_batch_rejected(registry):
    result = registry.issue_card(np.array([4, 5, 4]))
    assert result.tolist() == [
        CardRequestResult.ok,
        CardRequestResult.ok,
        CardRequestResult.card_exists,
    ]


def test_not_enrolled_rejected(registry):
    assert registry.issue_card(9).tolist() == [CardRequestResult.not_enrolled]
    assert not registry.has_card(9)


def test_unknown_member_is_a_result(registry):
    assert (
        registry.issue_card(np.array([10, -1])).tolist() == [CardRequestResult.unknown_member] * 2
    )


def test_closed_card_frees_member(registry):
    registry.issue_card(1)
    assert registry.close_card(1)
    assert registry.issue_card(1).tolist() == [CardRequestResult.ok]


def test_close_without_card(registry):
    assert not registry.close_card(6)


def test_unknown_member_in_query_raises(registry):
    with pytest.raises(IndexError, match="member 10 is not in the registry"):
        registry.is_enrolled(10)


def test_wrong_flag_count_rejected():
    with pytest.raises(ValueError, match="expected one per member"):
        RealNameRegistry(3, np.ones(2, dtype=bool))


def test_province_registry_starts_from_members(small_province):
    registry = small_province.registry()
    assert registry.enrolled_count == int(small_province.members.enrolled.sum())
    assert registry.card_count == 0


def test_province_batch_issue(small_province):
    registry = small_province.registry()
    pilot = small_province.pilot_members()
    first = registry.issue_card(pilot)
    again = registry.issue_card(pilot)
    enrolled = small_province.members.enrolled[pilot]
    assert (first[enrolled] == CardRequestResult.ok).all()
    assert (first[~enrolled] == CardRequestResult.not_enrolled).all()
    assert (again[enrolled] == CardRequestResult.card_exists).all()
