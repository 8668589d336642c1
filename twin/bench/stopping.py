"""Stopping a benchmark that runs child processes: signals and bad input.

A benchmark run in the background ignores Ctrl-C, and ``kill`` or a closed
terminal ends the parent without its ``finally`` blocks, which would leave
the engine children running. :func:`stop_on_signals` turns SIGTERM and SIGHUP
into :class:`BenchmarkStopped` while children run, so the parent stops them
first.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["BenchmarkInputError", "BenchmarkStopped", "stop_on_signals"]


class BenchmarkStopped(Exception):
    """A benchmark stopped by SIGTERM or SIGHUP after stopping its children; the argument is the signal's name."""


class BenchmarkInputError(ValueError):
    """A benchmark cannot start from what it was given; ``key`` and ``values`` name the catalogue message."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Raise :class:`BenchmarkStopped` on SIGTERM or SIGHUP inside the block, then restore the handlers."""

    def stop(signum, frame):
        raise BenchmarkStopped(signal.Signals(signum).name)

    handlers = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        try:
            handlers[signum] = signal.signal(signum, stop)
        except ValueError:
            # Only the main thread may set handlers; elsewhere the defaults stay.
            break
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
