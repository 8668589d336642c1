"""Nanchang transit fares for union members.

Buses charge the base fare times the member discount (70%), except in the
counties exempted by the scenario (进贤县 by default), where members pay the
full fare. Metro fares grow with distance in bands (2 yuan up to 6 km, then
1 yuan more per 6 km to 12 km, per 8 km to 28 km and per 10 km beyond) and
members pay 90% of the band fare. Fares are rounded half up to the fen.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from twin.scenario.programme import TransitRules

__all__ = ["bus_fare", "metro_full_fare", "metro_fare"]


def bus_fare(rules: TransitRules, county: str | None) -> int:
    """Return a member's bus fare in fen in ``county`` (None: a city district)."""
    if county is not None and county in rules.bus_discount_exempt:
        return rules.bus_base_fare
    return _times(rules.bus_base_fare, rules.bus_discount)


def metro_full_fare(rules: TransitRules, distance_km: Decimal) -> int:
    """Return the metro fare in fen before the member discount."""
    distance = Decimal(distance_km)
    fare = 0
    previous_end = Decimal(0)
    for band in rules.metro_fares:
        if band.fare is not None:
            fare = band.fare
        else:
            covered = (min(distance, band.up_to_km) if band.up_to_km is not None else distance) - previous_end
            if covered > 0:
                fare += band.step * math.ceil(covered / band.every_km)
        if band.up_to_km is None or distance <= band.up_to_km:
            break
        previous_end = band.up_to_km
    return fare


def metro_fare(rules: TransitRules, distance_km: Decimal) -> int:
    """Return a member's metro fare in fen for a trip of ``distance_km``."""
    return _times(metro_full_fare(rules, distance_km), rules.metro_discount)


def _times(fen: int, factor: Decimal) -> int:
    return int((Decimal(fen) * Decimal(factor)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
