"""Units of the figures in ``metrics.json``.

Amounts are integer fen; shares are fractions from 0 to 1; waits are
simulated minutes; everything else is a count. The engine reads the unit of a
key here to take money bounds of ``expect.metrics`` in yuan, and the report and
the command line to show each figure in its unit.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["MONEY_KEYS", "Unit", "unit_of"]

Unit = Literal["fen", "share", "minutes", "count", "micros", "seconds"]

#: Keys outside ``flows`` and ``balances`` that are amounts in fen.
MONEY_KEYS = frozenset(
    {
        "welfare_disbursed",
        "welfare_spent",
        "main_spent",
        "designated_spent",
        "other_spent",
        "refunded",
        "total_debits_posted",
        "total_credits_posted",
        "amount",
    }
)

_SHARE_KEYS = frozenset({"coverage", "activation_rate", "approval_rate", "use_rate"})


def unit_of(key: str) -> Unit:
    """Return the unit of a metric given by its dotted key (``flows.disbursed``, ``coverage``).

    A key may carry the ``metrics.`` or ``summary.`` prefix or not
    (``summary.coverage`` and ``coverage`` are the same figure), as the
    ``expect.metrics`` block of a scenario allows.
    """
    parts = key.split(".")
    while len(parts) > 1 and parts[0] in ("metrics", "summary"):
        parts = parts[1:]
    leaf = parts[-1]
    if parts[0] in ("flows", "balances") or leaf in MONEY_KEYS:
        return "fen"
    if leaf in _SHARE_KEYS or leaf.endswith("_share"):
        return "share"
    if "wait_minutes" in leaf:
        return "minutes"
    if leaf.endswith("_us"):
        return "micros"
    if leaf.endswith("_seconds"):
        return "seconds"
    return "count"
