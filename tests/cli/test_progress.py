"""The progress bar: redrawn in place on a terminal, a line per tenth in a log."""

import datetime as dt
import io

from twin.calendar import TZ
from twin.cli.progress import ProgressBar
from twin.sim.engine import Progress

START = dt.datetime(2020, 1, 1, tzinfo=TZ)
END = START + dt.timedelta(days=100)


class FakeClock:
    """A wall clock that a test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _feed(bar: ProgressBar, clock: FakeClock, days: int = 100) -> None:
    for day in range(1, days + 1):
        clock.now += 0.05
        bar(Progress(START + dt.timedelta(days=day), START, END, authorizations=day * 10))


def test_log_writes_a_line_per_tenth():
    stream, clock = io.StringIO(), FakeClock()
    _feed(ProgressBar(stream, "en", tty=False, clock=clock), clock)
    percents = [line.split()[2] for line in stream.getvalue().splitlines()]
    assert percents == ["1.0%", "10.0%", "20.0%", "30.0%", "40.0%", "50.0%", "60.0%", "70.0%", "80.0%", "90.0%", "100.0%"]


def test_log_writes_after_a_quiet_minute():
    stream, clock = io.StringIO(), FakeClock()
    bar = ProgressBar(stream, "en", tty=False, clock=clock)
    bar(Progress(START + dt.timedelta(days=1), START, END, authorizations=1))
    clock.now += 61
    bar(Progress(START + dt.timedelta(days=2), START, END, authorizations=2))
    assert len(stream.getvalue().splitlines()) == 2


def test_log_lines_show_date_and_percent():
    stream, clock = io.StringIO(), FakeClock()
    _feed(ProgressBar(stream, "en", tty=False, clock=clock), clock)
    assert stream.getvalue().splitlines()[-1].startswith("2020-04-10 00:00  100.0%  1,000 authorizations (200/s)")


def test_log_line_shows_last_day_and_speed():
    stream, clock = io.StringIO(), FakeClock()
    _feed(ProgressBar(stream, "en", tty=False, clock=clock), clock)
    assert stream.getvalue().splitlines()[-1].endswith("10 in the last simulated day  20.0 simulated days/s")


def test_terminal_redraws_with_carriage_return():
    stream, clock = io.StringIO(), FakeClock()
    bar = ProgressBar(stream, "zh", tty=True, clock=clock)
    for day in range(1, 4):
        clock.now += 0.2
        bar(Progress(START + dt.timedelta(days=day), START, END, authorizations=day))
    assert stream.getvalue().count("\r") == 3


def test_terminal_throttles_redraws():
    stream, clock = io.StringIO(), FakeClock()
    bar = ProgressBar(stream, "zh", tty=True, clock=clock)
    for day in range(1, 51):
        clock.now += 0.001
        bar(Progress(START + dt.timedelta(days=day), START, END, authorizations=day))
    assert stream.getvalue().count("\r") == 1


def test_terminal_finish_ends_the_line():
    stream, clock = io.StringIO(), FakeClock()
    bar = ProgressBar(stream, "zh", tty=True, clock=clock)
    _feed(bar, clock, days=2)
    bar.finish()
    assert stream.getvalue().endswith("\n")


def test_terminal_line_has_bar():
    stream, clock = io.StringIO(), FakeClock()
    bar = ProgressBar(stream, "zh", tty=True, clock=clock)
    _feed(bar, clock, days=50)
    bar.finish()
    assert "[##########..........] 2020-02-20 00:00   50.0%" in stream.getvalue()
