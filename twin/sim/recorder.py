"""Observations of a run, kept as data: daily series per city, totals and the event trace.

Everything here is simulated: counts, fen and simulated minutes. Nothing reads
the wall clock, so the same scenario and seed give the same figures in any
process. (Wall-clock speed is measured apart, in ``performance.json``.)
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from twin.authorization import AccountType, Kind, Request, Response
from twin.pan import mask_pan

__all__ = ["Recorder", "SERIES_KEYS", "FLOW_KEYS", "SAMPLED_AUTHORIZATIONS_PER_DAY"]

#: Daily figures kept per city and for the province. Cumulative ones are
#: stock counts at the end of the day; the others count that day only.
SERIES_KEYS = (
    "members",
    "enrolled",
    "cards_issued",
    "cards_activated",
    "coverage",
    "activation_rate",
    "authorizations",
    "approved",
    "declined",
    "welfare_disbursed",
    "welfare_spent",
    "main_spent",
    "designated_spent",
    "other_spent",
    "refunded",
    "transit_topups",
    "transit_rides",
    "etc_tolls",
    "branch_visits",
    "branch_wait_minutes_mean",
)

#: Money flows of the whole run, in fen.
FLOW_KEYS = (
    "disbursed",
    "purchase_welfare",
    "purchase_main",
    "purchase_designated",
    "purchase_other",
    "campaign_discount",
    "refund_welfare",
    "refund_main",
    "cash_withdrawal",
    "deposit",
    "transfer_out",
    "transit_topup",
    "transit_fare",
    "etc_toll",
    "closure_payout",
)

_CUMULATIVE = ("members", "enrolled", "cards_issued", "cards_activated")
_MAX_TRACE_EVENTS_PER_DAY = 200

#: Authorizations written to the trace per day: an even sample of the day's
#: requests, apart from the daily cap of other events.
SAMPLED_AUTHORIZATIONS_PER_DAY = 100
_MASK64 = (1 << 64) - 1
#: Card numbers gathered in a set before they are merged into the sorted array.
_PAYING_BATCH = 65_536


class Recorder:
    """Collects what happens, per local day and city."""

    def __init__(self, trace_path: Path | None = None) -> None:
        self.stock: dict[str, Counter] = defaultdict(Counter)
        self.today: dict[str, Counter] = defaultdict(Counter)
        self.waits: dict[str, list[float]] = defaultdict(list)
        self.all_waits: dict[str, list[float]] = defaultdict(list)
        self.rows: list[dict] = []
        self.flows: Counter = Counter()
        # Counted by enum member, which is cheaper than reading .value on every request.
        self._responses: Counter = Counter()
        self._kinds: Counter = Counter()
        self._channels: Counter = Counter()
        self.reasons: Counter = Counter()
        self.declines: dict[str, Counter] = defaultdict(Counter)
        # Card numbers (as ints) that paid for something at least once: a
        # sorted array (8 bytes a card) and a small set of the newest ones.
        self._paying = np.zeros(0, dtype=np.uint64)
        self._paying_new: set[int] = set()
        self.counts: Counter = Counter()
        self._trace = trace_path.open("w", encoding="utf-8") if trace_path else None
        self._trace_today = 0
        self._trace_dropped = 0
        # The day's sample of authorizations for the trace: a heap of the
        # SAMPLED_AUTHORIZATIONS_PER_DAY with the highest hash of their number.
        self._sample: list[tuple[int, int, dict]] = []
        self._sequence = 0
        #: Whether to write a daily sample of authorizations to the trace (runs with a crowd).
        self.sample_authorizations = False

    # Stocks

    def add_members(self, city: str, count: int = 1, enrolled: int = 0) -> None:
        self.stock[city]["members"] += count
        self.stock[city]["enrolled"] += enrolled

    def enrolled(self, city: str, count: int = 1) -> None:
        self.stock[city]["enrolled"] += count

    def card_issued(self, city: str, count: int = 1, *, active: bool = False) -> None:
        self.stock[city]["cards_issued"] += count
        if active:
            self.stock[city]["cards_activated"] += count

    def card_closed(self, city: str, count: int = 1, *, was_active: bool = True) -> None:
        self.stock[city]["cards_issued"] -= count
        if was_active:
            self.stock[city]["cards_activated"] -= count

    # Flows

    def authorization(self, city: str, request: Request, response: Response, designated: bool | None = None) -> None:
        """Count one decision of the core and the money it moved."""
        day = self.today[city]
        day["authorizations"] += 1
        self._responses[response.code] += 1
        self.reasons[response.reason] += 1
        self._kinds[request.kind] += 1
        self._channels[request.channel] += 1
        if self.sample_authorizations and self._trace is not None:
            self._sample_authorization(city, request, response)
        if not response.approved:
            day["declined"] += 1
            self.declines[response.reason][response.code.value] += 1
            return
        day["approved"] += 1
        kind = request.kind
        amount = response.amount
        if kind is Kind.ACTIVATION:
            self.stock[city]["cards_activated"] += 1
        elif kind in (Kind.PURCHASE, Kind.COMPLETION):
            self._paying_new.add(int(request.pan))
            if len(self._paying_new) >= _PAYING_BATCH:
                self._merge_paying()
            if response.account is AccountType.WELFARE:
                day["welfare_spent"] += amount
                self.flows["purchase_welfare"] += amount
            else:
                day["main_spent"] += amount
                self.flows["purchase_main"] += amount
            key = "designated" if designated else "other"
            day[f"{key}_spent"] += amount
            self.flows[f"purchase_{key}"] += amount
            self.flows["campaign_discount"] += response.discount
        elif kind in (Kind.REFUND, Kind.VOID, Kind.REVERSAL):
            day["refunded"] += amount
            account = "welfare" if response.account is AccountType.WELFARE else "main"
            self.flows[f"refund_{account}"] += amount
        elif kind is Kind.WITHDRAWAL:
            self.flows["cash_withdrawal"] += amount
        elif kind is Kind.DEPOSIT:
            self.flows["deposit"] += amount
        elif kind is Kind.TRANSFER:
            self.flows["transfer_out"] += amount
        elif kind is Kind.TRANSIT_TOPUP:
            day["transit_topups"] += 1
            self.flows["transit_topup"] += amount
        elif kind is Kind.ETC_TOLL:
            day["etc_tolls"] += 1
            self.flows["etc_toll"] += amount

    def disbursed(self, city: str, amount: int) -> None:
        self.today[city]["welfare_disbursed"] += amount
        self.flows["disbursed"] += amount

    def closure_payout(self, city: str, amount: int) -> None:
        """Count what a closed card's main account paid out (its balance, interest and transit wallet)."""
        self.flows["closure_payout"] += amount

    def ride(self, city: str, fare: int) -> None:
        self.today[city]["transit_rides"] += 1
        self.flows["transit_fare"] += fare

    def branch_visit(self, city: str, wait_minutes: float) -> None:
        self.today[city]["branch_visits"] += 1
        self.waits[city].append(wait_minutes)
        self.all_waits[city].append(wait_minutes)

    @property
    def responses(self) -> Counter:
        """Count decisions by response code (``"00"``, ``"51"`` ...)."""
        return _by_value(self._responses)

    @property
    def kinds(self) -> Counter:
        """Count requests by kind."""
        return _by_value(self._kinds)

    @property
    def channels(self) -> Counter:
        """Count requests by channel."""
        return _by_value(self._channels)

    @property
    def cards_used(self) -> int:
        """Count the cards that paid for something at least once."""
        self._merge_paying()
        return len(self._paying)

    def count(self, name: str, value: int = 1) -> None:
        """Count an event that has no daily series (``etc_signups``, ``app_registrations`` ...)."""
        self.counts[name] += value

    # Days and the trace

    def close_day(self, date: dt.date) -> None:
        """Store the day's row per city and start a new day."""
        cities = sorted(set(self.stock) | set(self.today))
        for city in cities:
            stock = self.stock[city]
            today = self.today[city]
            waits = self.waits.get(city) or []
            row = {"date": date.isoformat(), "city": city}
            for key in SERIES_KEYS:
                if key in _CUMULATIVE:
                    row[key] = stock[key]
                elif key == "coverage":
                    row[key] = _ratio(stock["cards_issued"], stock["members"])
                elif key == "activation_rate":
                    row[key] = _ratio(stock["cards_activated"], stock["cards_issued"])
                elif key == "branch_wait_minutes_mean":
                    row[key] = round(sum(waits) / len(waits), 3) if waits else 0.0
                else:
                    row[key] = today[key]
            self.rows.append(row)
        self.today = defaultdict(Counter)
        self.waits = defaultdict(list)
        self._write_sample()
        self._trace_today = 0
        self.event(date, "day", summary={key: sum(self.stock[c][key] for c in cities) for key in _CUMULATIVE})
        # A live viewer reads the trace while the run goes on: hand it each whole day.
        if self._trace is not None:
            self._trace.flush()

    def event(self, moment: dt.datetime | dt.date, kind: str, **data) -> None:
        """Write one event to the trace (at most a fixed number per day, the rest counted)."""
        if self._trace is None:
            return
        if kind != "day" and self._trace_today >= _MAX_TRACE_EVENTS_PER_DAY:
            self._trace_dropped += 1
            return
        self._trace_today += 1
        record = {"t": moment.isoformat(), "type": kind, **data}
        self._trace.write(json.dumps(record, ensure_ascii=False, sort_keys=True, default=str) + "\n")

    def _sample_authorization(self, city: str, request: Request, response: Response) -> None:
        # Bottom-k sampling on a hash of the request's number keeps an even,
        # reproducible sample of the day without knowing the day's volume.
        self._sequence += 1
        if request.local_time is None:
            return
        priority = _mix(self._sequence)
        if len(self._sample) >= SAMPLED_AUTHORIZATIONS_PER_DAY and priority <= self._sample[0][0]:
            return
        record = {
            "t": request.local_time.isoformat(),
            "type": "authorization",
            "kind": request.kind.value,
            "channel": request.channel.value,
            "city": city,
            "pan": mask_pan(request.pan),
            "amount": response.amount if response.approved else request.amount,
            "code": response.code.value,
            "reason": response.reason,
            "account": response.account.value if response.account is not None else None,
        }
        entry = (priority, self._sequence, record)
        if len(self._sample) < SAMPLED_AUTHORIZATIONS_PER_DAY:
            heapq.heappush(self._sample, entry)
        else:
            heapq.heapreplace(self._sample, entry)

    def _write_sample(self) -> None:
        if self._trace is None:
            return
        for _, _, record in sorted(self._sample, key=lambda entry: (entry[2]["t"], entry[1])):
            self._trace.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self._sample = []

    def close(self) -> None:
        self._write_sample()
        if self._trace is not None:
            self._trace.close()
            self._trace = None

    @property
    def trace_dropped(self) -> int:
        return self._trace_dropped

    def _merge_paying(self) -> None:
        """Insert the card numbers gathered since the last merge into the sorted array.

        Only the new numbers are sorted: ``np.union1d`` sorted the whole array at
        every merge, so the merges' total cost grew with the square of a city's cards.
        """
        if not self._paying_new:
            return
        new = np.fromiter(self._paying_new, dtype=np.uint64, count=len(self._paying_new))
        new.sort()
        paying = self._paying
        positions = np.searchsorted(paying, new)
        known = positions < len(paying)
        known[known] = paying[positions[known]] == new[known]
        self._paying = np.insert(paying, positions[~known], new[~known])
        self._paying_new = set()


def _mix(number: int) -> int:
    """Return a 64-bit hash of ``number`` (the splitmix64 finalizer), spread evenly over its range."""
    z = (number * 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _by_value(counts: Counter) -> Counter:
    return Counter({member.value: count for member, count in counts.items()})


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 6) if denominator else 0.0
