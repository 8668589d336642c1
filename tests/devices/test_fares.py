"""Nanchang bus and metro fares at every boundary."""

from decimal import Decimal

import pytest

from twin.devices.fares import FareRules, bus_fare, metro_fare, metro_full_fare


@pytest.mark.parametrize(
    ("distance", "fare"),
    [
        ("0.1", 200), (6, 200), ("6.001", 300),
        (12, 300), ("12.001", 400), (20, 400), ("20.001", 500), (28, 500),
        ("28.001", 600), (38, 600), ("38.001", 700), (48, 700), ("48.001", 800), (100, 1_300),
    ],
)
def test_metro_full_fare(distance, fare):
    assert metro_full_fare(distance) == fare


@pytest.mark.parametrize(("distance", "fare"), [(6, 180), ("6.001", 270), (12, 270), (20, 360), (28, 450), (38, 540)])
def test_metro_union_fare_is_90_percent(distance, fare):
    assert metro_fare(distance) == fare


def test_metro_outside_nanchang_full_fare():
    assert metro_fare(10, city="九江市") == 300


def test_metro_float_distance_reads_as_decimal():
    assert metro_full_fare(6.0) == 200
    assert metro_full_fare(Decimal("6.0000001")) == 300


@pytest.mark.parametrize("distance", [0, -1, "abc", "nan"])
def test_metro_distance_invalid(distance):
    with pytest.raises(ValueError, match="metro distance"):
        metro_full_fare(distance)


def test_bus_fare_in_nanchang():
    assert bus_fare("南昌市", "东湖区") == 140


def test_bus_fare_in_jinxian():
    assert bus_fare("南昌市", "进贤县") == 200


def test_bus_fare_outside_nanchang():
    assert bus_fare("宜春市", "袁州区") == 200


def test_fare_rules_are_parameters():
    rules = FareRules(bus_base_fare=150, bus_discount=Decimal("0.5"))
    assert bus_fare("南昌市", "东湖区", rules) == 75


def test_discount_rounds_half_up():
    rules = FareRules(bus_base_fare=105, bus_discount=Decimal("0.70"))
    assert bus_fare("南昌市", "东湖区", rules) == 74
