"""The dotted keys of ``metrics.json`` that a scenario's ``expect.metrics`` may name.

``twin validate`` checks each key against this list, so a typo (``sumary.coverage``,
``flows.disbursd``) is reported with the file's line before the run, not as a
missing figure at its end. The list covers the figures a run can produce,
including counts that stay absent from a run in which nothing was counted
(``summary.cards_lost`` of a run without lost cards reads as 0).

A key may start with ``summary.`` or ``metrics.`` or with neither:
``coverage``, ``summary.coverage`` and ``metrics.summary.coverage`` name the
same figure. The layout itself is described in ``docs/metrics.md``.
"""

from __future__ import annotations

import functools
import re

from twin.authorization.codes import ResponseCode
from twin.authorization.requests import Channel, Kind
from twin.devices.banking import FILE_STATUSES, LEDGER_ROW_STATUSES, ROW_STATUSES
from twin.i18n import catalogue
from twin.ledger.results import TransferResult
from twin.scenario.geography import CITIES
from twin.sim.recorder import FLOW_KEYS

__all__ = ["SUMMARY_KEYS", "COUNT_KEYS", "COUNT_PREFIXES", "WAVE_KEYS", "is_count", "is_known", "known_keys", "normalize"]

#: Figures every run's ``summary`` has.
SUMMARY_KEYS: frozenset[str] = frozenset(
    {
        "members", "enrolled", "cards_issued", "cards_activated", "coverage", "activation_rate",
        "authorizations", "approved", "declined", "approval_rate", "cards_used", "use_rate",
        "welfare_disbursed", "welfare_spent", "main_spent", "designated_spent", "other_spent",
        "refunded", "transit_topups", "transit_rides", "etc_tolls", "branch_visits",
        "branch_wait_minutes_mean", "branch_wait_minutes_p90", "ledger_balanced",
        "ledger_transfers", "ledger_accounts", "script_steps", "script_steps_failed",
        "trace_events_dropped", "expectations_failed",
    }
)

#: Counts the engine adds to ``summary`` once something was counted; absent means 0.
COUNT_KEYS: frozenset[str] = frozenset(
    {
        "app_registrations", "app_public_registrations", "app_sessions", "batch_applications",
        "branch_closed_days", "branch_visits_postponed", "cards_closed", "cards_issued_individually",
        "cards_lost", "cards_replaced", "cards_upgraded", "core_timeouts", "disbursement_files",
        "duplicate_files_confirmed", "duplicate_files_rejected", "etc_signups", "transit_signups",
        "etc_tolls_unpaid", "flash_sale_orders", "flash_sale_orders_paid_otherwise",
        "flash_sale_tries", "flash_sales_sold_out", "members_paid_over_cap", "obu_issued",
        "onsite_visits", "purchases_paid_otherwise", "realname_rejected", "reversal_retries",
        "reversals_sent", "transit_rides_paid_cash", "welfare_accounts_opened",
    }
    | {f"disbursement_files_{status}" for status in FILE_STATUSES - {"accepted"}}
    | {f"disbursement_rows_{status}" for status in (ROW_STATUSES | LEDGER_ROW_STATUSES) - {"accepted"}}
    | {f"transit_clearing_{result.value}" for result in TransferResult if result is not TransferResult.OK}
)

#: Prefixes of counts named after the reason a card service rejected a request, one count per reason.
COUNT_PREFIXES = ("replacements_failed_", "closures_failed_")

_LEDGER_KEYS = ("ok", "accounts", "transfers", "holds", "total_debits_posted", "total_credits_posted")
_CITY_KEYS = ("members", "cards_issued", "cards_activated", "coverage", "activation_rate")
_BRANCH_KEYS = ("visits", "wait_minutes_mean", "wait_minutes_p90", "wait_minutes_max")
_CROWD_KEYS = (
    "scale", "members", "enrolled", "unions", "branches", "merchants", "designated_merchants",
    "cards_active", "welfare_accounts", "transit_riders", "etc_signed", "app_registered",
    "chips_personalised", "peak_requests_per_second", "peak_requests_per_minute",
    "flash_sale_peak_tries_per_second", "branch_visits_pending",
    "slow_latency_ms.p50", "slow_latency_ms.p99", "slow_latency_ms.max", "slow_latency_ms.requests",
)
#: Figures of each rollout wave under ``crowd.waves.<wave name>``.
WAVE_KEYS = ("unions", "members", "cards", "active", "coverage")


_SNAKE = re.compile(r"[a-z][a-z0-9_]*")


def normalize(key: str) -> str:
    """Drop a leading ``metrics.`` and ``summary.``: the form :func:`is_known` and the engine compare."""
    parts = key.split(".")
    if parts and parts[0] == "metrics":
        parts = parts[1:]
    if len(parts) == 2 and parts[0] == "summary":
        parts = parts[1:]
    return ".".join(parts)


def is_known(key: str, waves: tuple[str, ...] = ()) -> bool:
    """Tell whether ``key`` names a figure a run can produce; ``waves`` are the scenario's wave names."""
    key = normalize(key)
    if key in known_keys() or is_count(key):
        return True
    parts = key.split(".")
    return len(parts) == 4 and parts[:2] == ["crowd", "waves"] and parts[2] in waves and parts[3] in WAVE_KEYS


def is_count(key: str) -> bool:
    """Tell whether ``key`` (normalized) is a summary count, which reads as 0 while absent."""
    if key in COUNT_KEYS:
        return True
    return any(key.startswith(prefix) and _SNAKE.fullmatch(key[len(prefix):]) for prefix in COUNT_PREFIXES)


@functools.cache
def known_keys() -> frozenset[str]:
    """Return every key :func:`is_known` accepts, in normalized form, except per-wave crowd figures."""
    reasons = [key.removeprefix("authorization.reason.") for key in catalogue()
               if key.startswith("authorization.reason.")]
    codes = [code.value for code in ResponseCode]
    keys = set(SUMMARY_KEYS | COUNT_KEYS)
    keys.update(f"flows.{name}" for name in FLOW_KEYS)
    keys.update(f"ledger.{name}" for name in _LEDGER_KEYS)
    keys.update(f"crowd.{name}" for name in _CROWD_KEYS)
    keys.update(f"kinds.{kind.value}" for kind in Kind)
    keys.update(f"channels.{channel.value}" for channel in Channel)
    keys.update(f"responses.{code}" for code in codes)
    keys.update(f"reasons.{reason}" for reason in reasons)
    keys.update(f"declines.{reason}.{code}" for reason in reasons for code in codes)
    keys.update(f"cities.{city}.{name}" for city in CITIES for name in _CITY_KEYS)
    keys.update(f"branches.{city}.{name}" for city in CITIES for name in _BRANCH_KEYS)
    return frozenset(keys)
