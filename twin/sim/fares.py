"""Transit fares of a scenario: its fare table handed to the transit devices' rules.

The fares themselves are computed by :mod:`twin.devices.fares`; this module
builds their :class:`~twin.devices.fares.FareRules` from the scenario's
``programme.transit`` section, for rides in Nanchang.
"""

from __future__ import annotations

from decimal import Decimal

from twin.devices import fares
from twin.scenario.programme import TransitRules

__all__ = ["fare_rules", "bus_fare", "metro_fare"]

_CITY = "南昌市"


_built: dict[int, tuple[TransitRules, fares.FareRules]] = {}


def fare_rules(transit: TransitRules) -> fares.FareRules:
    """Return the devices' fare rules for a scenario's transit section (built once per section)."""
    cached = _built.get(id(transit))
    if cached is not None and cached[0] is transit:
        return cached[1]
    rules = _build(transit)
    if len(_built) > 64:
        _built.clear()
    _built[id(transit)] = (transit, rules)
    return rules


def _build(transit: TransitRules) -> fares.FareRules:
    return fares.FareRules(
        bus_base_fare=transit.bus_base_fare,
        bus_discount=Decimal(transit.bus_discount),
        metro_discount=Decimal(transit.metro_discount),
        discount_city=_CITY,
        full_fare_counties=frozenset(transit.bus_discount_exempt),
        metro_bands=tuple(
            fares.MetroBand(band.up_to_km, fare=band.fare, every_km=band.every_km, step=band.step)
            for band in transit.metro_fares
        ),
    )


def bus_fare(transit: TransitRules, county: str | None) -> int:
    """Return a member's fare in fen for a Nanchang bus ride in ``county`` (None: a city district)."""
    return fares.bus_fare(_CITY, county or "", fare_rules(transit))


def metro_fare(transit: TransitRules, distance_km: Decimal) -> int:
    """Return a member's fare in fen for a Nanchang metro trip of ``distance_km``."""
    return fares.metro_fare(distance_km, _CITY, fare_rules(transit))
