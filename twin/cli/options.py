"""Readers of option values: each turns a command-line string into a value or rejects it.

A rejection raises :class:`argparse.ArgumentTypeError` with a catalogue message
that shows the value and what to write instead. argparse prints it after the
option's name and exits with status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math

from twin.calendar import to_local
from twin.i18n import t
from twin.scenario.province import CENSUS_2020_RESIDENTS

__all__ = ["seed", "scale", "scales", "shards", "workers", "keep_folder", "until", "language_in", "LANGUAGE_CHOICES"]

LANGUAGE_CHOICES = ("zh", "en")


def seed(text: str) -> int:
    """Read ``--seed``: a whole number from 0 up."""
    value = _whole_number(text)
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(t("cli.option.seed_invalid", value=text))
    return value


def scale(text: str) -> float:
    """Read ``--scale``: the share of the province's members to simulate, from 0 to 1."""
    value = _number(text)
    if value is None or not math.isfinite(value) or not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(t("cli.option.scale_invalid", value=text))
    return value


def scales(text: str) -> tuple[float, ...]:
    """Read ``--scales``: comma-separated shares of the province, each above 0 and at most 1."""
    values = []
    for part in text.split(","):
        value = _number(part)
        if value is None or not math.isfinite(value) or not 0 < value <= 1:
            raise argparse.ArgumentTypeError(t("bench.option.scales_invalid", value=text))
        values.append(value)
    return tuple(values)


def shards(text: str) -> int:
    """Read ``--shards``: from 1 to the number of cities, because a shard has whole cities."""
    cities = len(CENSUS_2020_RESIDENTS)
    value = _whole_number(text)
    if value is None or not 1 <= value <= cities:
        raise argparse.ArgumentTypeError(t("bench.option.shards_invalid", value=text, cities=cities))
    return value


def workers(text: str) -> int:
    """Read ``--workers``: how many processes run at once, from 1 up."""
    value = _whole_number(text)
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(t("bench.option.workers_invalid", value=text))
    return value


def keep_folder(text: str) -> str:
    """Read ``--keep``: a folder path, not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError(t("bench.option.keep_invalid", value=repr(text)))
    return text


def until(text: str) -> dt.datetime:
    """Read ``--until``: ISO 8601 with an offset, local ``YYYY-MM-DD HH:MM``, or a date (its midnight)."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.option.until_invalid", value=text)) from None
    return to_local(moment)


def language_in(argv: list[str]) -> str | None:
    """Find the value of ``--lang`` in raw arguments, before the parser (whose help depends on it) exists.

    Returns None when ``--lang`` is absent or its value is not a language; the
    parser then reports a bad value in the default language.
    """
    for position, argument in enumerate(argv):
        if argument == "--":
            break
        if argument == "--lang" and position + 1 < len(argv):
            value = argv[position + 1]
        elif argument.startswith("--lang="):
            value = argument.split("=", 1)[1]
        else:
            continue
        if value in LANGUAGE_CHOICES:
            return value
    return None


# Private interface


def _whole_number(text: str) -> int | None:
    return _ascii_number(text, int)


def _number(text: str) -> float | None:
    return _ascii_number(text, float)


def _ascii_number(text: str, kind: type[int] | type[float]) -> int | float | None:
    # Python reads other scripts' digits ("٣") and underscores ("1_0") as numbers.
    # An option takes only ASCII digits, as its help shows, so a mistyped value is reported.
    text = text.strip()
    if not text.isascii() or "_" in text:
        return None
    try:
        return kind(text)
    except ValueError:
        return None
