"""Ctrl-C during a run: a request to stop between two simulated events.

Python raises KeyboardInterrupt wherever the program happens to be: in the
middle of an authorization, or after the store committed a group but before
the ledger cleared it (the closing flush then wrote the group twice). Inside
:func:`deferred_interrupts`, the first Ctrl-C only sets
:attr:`StopRequest.requested`. The engine checks it before each simulated
event and raises :class:`RunStopped` there, then closes the books. A second
Ctrl-C raises KeyboardInterrupt at once, for a user who does not want to wait.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["RunStopped", "StopRequest", "deferred_interrupts"]


class RunStopped(KeyboardInterrupt):
    """The exception that ends a run between two simulated events after a Ctrl-C."""


class StopRequest:
    """A SIGINT handler that records the first Ctrl-C and raises KeyboardInterrupt on the second."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: object) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True


@contextmanager
def deferred_interrupts() -> Iterator[StopRequest]:
    """Handle SIGINT with a :class:`StopRequest` inside the block and yield it.

    An enclosing block's request is reused, so the command and the engine share
    one. Where the program has its own SIGINT handler, or runs outside the main
    thread, the handler is left alone and the request is never set.
    """
    current = signal.getsignal(signal.SIGINT)
    if isinstance(current, StopRequest):
        yield current
        return
    stop = StopRequest()
    if threading.current_thread() is not threading.main_thread() or current is not signal.default_int_handler:
        yield stop
        return
    signal.signal(signal.SIGINT, stop)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
