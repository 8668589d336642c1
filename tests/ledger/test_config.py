"""The ledger's settings reject values it cannot use, naming the field and what to give."""

import math

import numpy as np
import pytest

from twin.ledger import LedgerConfig


@pytest.mark.parametrize("value", ["600", math.nan, math.inf, -math.inf, -5, -0.5, True, False, [600]])
def test_memory_seconds_rejected(value):
    with pytest.raises(ValueError, match=r"LedgerConfig\.memory_seconds is .*; give a finite number of seconds >= 0"):
        LedgerConfig(memory_seconds=value)


def test_memory_seconds_error_shows_value():
    with pytest.raises(ValueError, match="memory_seconds is '600';"):
        LedgerConfig(memory_seconds="600")


@pytest.mark.parametrize("value", [None, 0, 0.0, 600, 2.5, np.float64(30), np.int64(30)])
def test_memory_seconds_accepted(value):
    assert LedgerConfig(memory_seconds=value).memory_seconds == value


def test_memory_seconds_default():
    assert LedgerConfig().memory_seconds == 600.0
