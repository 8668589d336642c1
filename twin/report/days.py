"""The daily series of a run, as the report charts them.

A run that ends at midnight (``end: 2021-02-15 00:00``) closes one more day,
the end date, with no simulated time in it. Its flows are all zero, so a chart
would show a drop to zero on the last day, and a mean per day would count an
empty day. The report leaves that day out; ``metrics.json`` keeps it.
"""

from __future__ import annotations

__all__ = ["daily_series"]


def daily_series(run) -> tuple[list[str], dict[str, list], dict[str, dict[str, list]]]:
    """Return the dates, the province's series and each city's series, without an empty last day."""
    series = run.metrics.get("series", {})
    dates = list(series.get("dates", []))
    province = series.get("province", {})
    cities = series.get("cities", {})
    finished = str(run.metrics.get("scenario", {}).get("finished_at", ""))
    if len(dates) > 1 and finished.startswith(f"{dates[-1]}T00:00:00"):
        count = len(dates) - 1
        dates = dates[:count]
        province = {key: values[:count] for key, values in province.items()}
        cities = {city: {key: values[:count] for key, values in keys.items()} for city, keys in cities.items()}
    return dates, province, cities
