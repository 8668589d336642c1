"""A day's events of the crowd, drawn in numpy and played in time order.

Each activity returns, for a local day, one or more :class:`Planned` batches:
the moments of its events in seconds after local midnight and the function
that performs event ``row`` of the batch. :func:`play_day` merges the batches,
sorts the events by moment (ties keep the order of the batches, so the order
is the same in every run), and performs each at its moment as a SimPy process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import simpy

__all__ = ["Planned", "play_day", "DAY_SECONDS"]

DAY_SECONDS = 86_400.0

#: Events turned into Python lists at a time: walking lists is faster than
#: numpy scalars, and a bounded chunk keeps a province's day out of lists.
_CHUNK = 65_536


@dataclass
class Planned:
    """Events of one kind in one day: their moments and what performs each."""

    #: Seconds after local midnight, float64, in any order.
    times: np.ndarray
    #: Performs the event at the given row of ``times``.
    perform: Callable[[int], None]


def play_day(env: simpy.Environment, day_start: float, batches: list[Planned]) -> Iterator[simpy.Event]:
    """SimPy process body: perform every planned event at ``day_start`` plus its moment."""
    batches = [batch for batch in batches if len(batch.times)]
    if not batches:
        return
    times = np.concatenate([batch.times for batch in batches])
    source = np.concatenate([np.full(len(batch.times), index, dtype=np.int32) for index, batch in enumerate(batches)])
    rows = np.concatenate([np.arange(len(batch.times), dtype=np.int64) for batch in batches])
    order = np.argsort(times, kind="stable")
    performers = [batch.perform for batch in batches]
    for first in range(0, len(order), _CHUNK):
        chunk = order[first : first + _CHUNK]
        for moment, index, row in zip(
            (day_start + times[chunk]).tolist(), source[chunk].tolist(), rows[chunk].tolist(), strict=True
        ):
            if moment > env.now:
                yield env.timeout(moment - env.now)
            performers[index](row)
