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

__all__ = ["FareRules", "MetroBand", "Mode", "bus_fare", "metro_fare", "metro_full_fare"]

class Mode(StrEnum):
    BUS = "bus"
    METRO = "metro"


@dataclass(frozen=True)
class MetroBand:
    """One distance band of the metro fare table, in fen and km.

    The first band has a fixed ``fare`` for trips up to ``up_to_km``; each
    later band adds ``step`` for every started ``every_km`` past the band
    before it. The last band may be open-ended (``up_to_km`` of ``None``).
    """

    up_to_km: Decimal | None
    fare: int | None = None
    every_km: Decimal | None = None
    step: int | None = None


def _default_metro_bands() -> tuple[MetroBand, ...]:
    return (
        MetroBand(Decimal(6), fare=200),
        MetroBand(Decimal(12), every_km=Decimal(6), step=100),
        MetroBand(Decimal(28), every_km=Decimal(8), step=100),
        MetroBand(None, every_km=Decimal(10), step=100),
    )


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
    #: The metro fare table, bands in increasing order of distance.
    metro_bands: tuple[MetroBand, ...] = field(default_factory=_default_metro_bands)


def bus_fare(city: str, county: str, rules: FareRules = FareRules()) -> int:
    """Return what a union card pays for one bus ride in ``county`` of ``city``, in fen."""
    if city != rules.discount_city or county in rules.full_fare_counties:
        return rules.bus_base_fare
    return _discounted(rules.bus_base_fare, rules.bus_discount)


def metro_full_fare(distance_km: Decimal | int | float | str, rules: FareRules = FareRules()) -> int:
    """Return the metro fare for a ride of ``distance_km`` before any discount, in fen."""
    distance = _distance(distance_km)
    fare = 0
    start = Decimal(0)
    for band in rules.metro_bands:
        if band.fare is not None:
            fare = band.fare
        elif distance > start:
            upper = distance if band.up_to_km is None else min(distance, band.up_to_km)
            fare += int(((upper - start) / band.every_km).to_integral_value(ROUND_CEILING)) * band.step
        if band.up_to_km is None or distance <= band.up_to_km:
            break
        start = band.up_to_km
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
