"""Option values: seed, scale and until, and finding --lang before parsing."""

import argparse
import datetime as dt

import pytest

from twin.calendar import TZ
from twin.cli import options


def test_scale_reads_fraction():
    assert options.scale("0.001") == 0.001


@pytest.mark.parametrize("text", ["-1", "1.5", "inf", "nan", "half"])
def test_scale_rejects(text):
    with pytest.raises(argparse.ArgumentTypeError):
        options.scale(text)


def test_seed_reads_whole_number():
    assert options.seed("42") == 42


@pytest.mark.parametrize("text", ["-1", "4.2", "x"])
def test_seed_rejects(text):
    with pytest.raises(argparse.ArgumentTypeError):
        options.seed(text)


def test_until_reads_local_time():
    assert options.until("2020-01-20 18:00") == dt.datetime(2020, 1, 20, 18, 0, tzinfo=TZ)


def test_until_reads_offset():
    assert options.until("2020-01-20T10:00:00+00:00") == dt.datetime(2020, 1, 20, 18, 0, tzinfo=TZ)


def test_until_reads_date_as_midnight():
    assert options.until("2020-01-20") == dt.datetime(2020, 1, 20, 0, 0, tzinfo=TZ)


def test_until_rejects_text():
    with pytest.raises(argparse.ArgumentTypeError):
        options.until("tomorrow")


@pytest.mark.parametrize(
    ("argv", "lang"),
    [
        (["run", "x.yaml", "--lang", "en"], "en"),
        (["--lang=en", "run", "x.yaml"], "en"),
        (["run", "x.yaml"], None),
        (["run", "--lang", "fr"], None),
        (["run", "--", "--lang", "en"], None),
    ],
)
def test_language_in(argv, lang):
    assert options.language_in(argv) == lang
