"""Nanchang transit fares for the union card.

Bus: a flat base fare of 2 yuan; union cards pay 70% of it on Nanchang's buses,
except in 进贤县 (Jinxian county), where they pay the full fare.

Metro: the fare grows with the distance travelled::

    up to  6 km               2 yuan
    6 to 12 km                +1 yuan for each started 6 km
    12 to 28 km               +1 yuan for each started 8 km
    beyond 28 km              +1 yuan for each started 10 km

so 6 km costs 2 yuan, 6.001 to 12 km 3 yuan, 12.001 to 20 km 4 yuan, 20.001 to
28 km 5 yuan and 28.001 to 38 km 6 yuan. Union cards pay 90% of it. Outside
Nanchang the card rides at the full fare.

These are model parameters, kept in :class:`FareRules`. Discounted fares are
rounded to the fen, halves up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

__all__ = ["FareRules", "Mode", "bus_fare", "metro_fare", "metro_full_fare"]

_YUAN = 100


class Mode(StrEnum):
    BUS = "bus"
    METRO = "metro"


@dataclass(frozen=True)
class FareRules:
    """Fares and union-card discounts; amounts in fen."""

    bus_base_fare: int = 200
    bus_discount: Decimal = Decimal("0.70")
    metro_discount: Decimal = Decimal("0.90")
    #: The city whose buses and metro give the union card its discount.
    discount_city: str = "南昌市"
    #: Counties of that city where buses charge the union card the full fare.
    full_fare_counties: frozenset[str] = field(default_factory=lambda: frozenset({"进贤县"}))
    #: (up to km, km per extra yuan) for each distance band after the first 6 km.
    metro_bands: tuple[tuple[int, int], ...] = ((12, 6), (28, 8), (0, 10))
    metro_base_fare: int = 200
    metro_base_km: int = 6


def bus_fare(city: str, county: str, rules: FareRules = FareRules()) -> int:
    """Return what a union card pays for one bus ride in ``county`` of ``city``, in fen."""
    if city != rules.discount_city or county in rules.full_fare_counties:
        return rules.bus_base_fare
    return _discounted(rules.bus_base_fare, rules.bus_discount)


def metro_full_fare(distance_km: Decimal | int | float | str, rules: FareRules = FareRules()) -> int:
    """Return the metro fare for a ride of ``distance_km`` before any discount, in fen."""
    distance = _distance(distance_km)
    fare = rules.metro_base_fare
    start = Decimal(rules.metro_base_km)
    for end, step in rules.metro_bands:
        if distance <= start:
            break
        upper = distance if end == 0 else min(distance, Decimal(end))
        fare += int(((upper - start) / step).to_integral_value(ROUND_CEILING)) * _YUAN
        if end == 0:
            break
        start = Decimal(end)
    return fare


def metro_fare(distance_km: Decimal | int | float | str, city: str = "南昌市", rules: FareRules = FareRules()) -> int:
    """Return what a union card pays for a metro ride of ``distance_km`` in ``city``, in fen."""
    full = metro_full_fare(distance_km, rules)
    if city != rules.discount_city:
        return full
    return _discounted(full, rules.metro_discount)


# Private interface


def _discounted(fare: int, share: Decimal) -> int:
    return int((fare * share).to_integral_value(ROUND_HALF_UP))


def _distance(value: Decimal | int | float | str) -> Decimal:
    try:
        distance = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"metro distance {value!r} is not a number; give kilometres, for example 7.5") from None
    if not distance.is_finite() or distance <= 0:
        raise ValueError(f"metro distance {value!r} km is invalid; it must be above zero")
    return distance
