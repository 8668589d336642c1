"""The authorization core: one pipeline for every channel.

A request passes these steps in order; the first that declines ends it:

1. ``format``     fields, amount and currency (30, 13, 14)
2. ``duplicate``  terminal id + STAN + local date seen before (the first
                  response again, or 94). It runs before the chip check so
                  that a retransmission, which repeats its ATC, gets its
                  original answer instead of a replay decline.
3. ``card``       card known and in a state that allows the request (14, 41, 54, 62)
4. ``chip``       ARQC verified with the card's session key, ATC above the last (63)
5. ``pin``        PIN block verified against the PIN offset, tries counted (55, 75)
6. ``process``    account selection, channel rules, limits and funds through the
                  ledger, which places and posts the transfers (51, 57, 61, 65 ...)

The core never reads the wall clock or the simulation: time comes from the
``clock`` it is given. It is safe to call from several threads.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from twin.authorization import checks
from twin.authorization.codes import ResponseCode
from twin.authorization.cryptograms import ChipSession, ChipVerifier
from twin.authorization.issuer import CardRecord, Issuer
from twin.authorization.metrics import CoreMetrics
from twin.authorization.processing import Processor
from twin.authorization.records import AuthorizationRecord, DuplicateCache
from twin.authorization.requests import Kind, Request, Response
from twin.authorization.retention import RefundRecords
from twin.calendar import local_day_index
from twin.clock import Clock
from twin.pan import mask_pan

__all__ = ["AuthorizationCore", "CoreSettings"]

# Ordinal of 1970-01-01, so that a local day number turns into a date without time zones.
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

log = logging.getLogger(__name__)

# Authorisation response code of each response code, as the ARPC covers it.
_ARC = {code: code.value.encode() for code in ResponseCode}
_REFUNDABLE = frozenset({Kind.PURCHASE, Kind.COMPLETION})


@dataclass(frozen=True)
class CoreSettings:
    #: Keep a step-by-step trace in each response (for trainers; costs time).
    trace: bool = False
    #: Days after its local date that a purchase or completion can be refunded.
    refund_days: int = 30

    def __post_init__(self) -> None:
        if not isinstance(self.refund_days, int) or isinstance(self.refund_days, bool) or self.refund_days < 0:
            raise ValueError(f"refund_days {self.refund_days!r} is invalid; give a whole number of days, 0 or more")


class AuthorizationCore:
    """Decides card requests against the issuer's records and the ledger."""

    def __init__(self, issuer: Issuer, clock: Clock, settings: CoreSettings | None = None) -> None:
        self.issuer = issuer
        self.ledger = issuer.ledger
        self.clock = clock
        self.settings = settings or CoreSettings()
        self.metrics = CoreMetrics()
        #: Full records of today and yesterday, and of pre-authorizations still open.
        self.records: dict[str, AuthorizationRecord] = {}
        #: Older purchases and completions, in refund-only form until their refund window ends.
        self.refundable = RefundRecords()
        self.duplicates = DuplicateCache()
        self.available = True
        self._processor = Processor(self)
        self._chips = ChipVerifier(issuer.keys.algorithm)
        # The local day of the last request and its date, made again only when the day changes.
        self._day = -1
        self._today = dt.date.fromordinal(_EPOCH_ORDINAL)
        self._pruned_on: dt.date | None = None
        self._lock = threading.RLock()

    def authorize(self, request: Request) -> Response:
        """Decide one request and return the response."""
        with self._lock:
            return self._authorize(request)

    def authorize_batch(self, requests: Sequence[Request]) -> list[Response]:
        """Decide requests in order, committing the ledger once for the whole batch."""
        with self._lock, self.ledger.batch():
            return [self._authorize(request) for request in requests]

    def record(self, authorization_id: str) -> AuthorizationRecord | None:
        """Return the record of ``authorization_id``, or None once the core no longer keeps it.

        A purchase or completion older than yesterday comes back in refund-only
        form (see :class:`~twin.authorization.retention.RefundRecords`).
        """
        record = self.records.get(authorization_id)
        if record is None:
            record = self.refundable.get(authorization_id)
        return record

    def new_authorization_id(self) -> str:
        """Return a new authorization id: a ledger id, as 12 digits."""
        return f"{self.ledger.new_id():012d}"

    # Private interface

    def _authorize(self, request: Request) -> Response:
        started = time.perf_counter_ns()
        steps: list[tuple[str, str, int]] = []
        try:
            response = self._run_steps(request, steps, started)
        except Exception:
            # NOTE: a failure after the ledger applied a transfer in memory (a
            # store that cannot commit) leaves that transfer applied. The
            # ledger writes it with its next successful flush.
            log.exception(
                "system malfunction deciding %s from terminal %r STAN %r for card %s",
                request.kind, request.terminal_id, request.stan, mask_pan(str(request.pan)),
            )
            response = Response(ResponseCode.SYSTEM_MALFUNCTION, "system_malfunction")
        # One call records the request and its steps, so the metrics lock is taken once.
        self.metrics.record_request(
            request.kind.value, response.code.value, response.reason, time.perf_counter_ns() - started, steps
        )
        return response

    def _run_steps(self, request: Request, steps: list[tuple[str, str, int]], started: int) -> Response:
        day = local_day_index(self.clock.now_micros())
        if day != self._day:
            self._day = day
            self._today = dt.date.fromordinal(_EPOCH_ORDINAL + day)
            if self._pruned_on is None or self._today > self._pruned_on:
                self._prune(self._today)
        today = self._today

        if not self.available:
            return self._declined(request, steps, started, "availability",
                                  (ResponseCode.ISSUER_UNAVAILABLE, "issuer_unavailable"))

        # 1. Format. The card is looked up first only to spare known PANs the Luhn sum.
        card = self.issuer.card(request.pan) if isinstance(request.pan, str) else None
        decline = checks.check_format(request, card is not None)
        if decline is not None:
            return self._declined(request, steps, started, "format", decline)
        started = _passed(steps, "format", started)

        # 2. Retransmission.
        key = None
        if request.terminal_id and request.stan:
            key = self.duplicates.key(request)
            seen, original = self.duplicates.lookup(request, key)
            if seen:
                if original is not None:
                    steps.append(("duplicate", "retransmission", time.perf_counter_ns() - started))
                    return original
                return self._declined(request, steps, started, "duplicate",
                                      (ResponseCode.DUPLICATE, "duplicate_transmission"))
        started = _passed(steps, "duplicate", started)

        response = self._decide(request, card, steps, started, today, day)
        if self.settings.trace:
            response.trace = [f"{step}:{'ok' if outcome == 'pass' else outcome}" for step, outcome, _ in steps]
        if key is not None:
            self.duplicates.remember(request, response, key)
        return response

    def _prune(self, today: dt.date) -> None:
        """Drop or compact the records that no request from ``today`` on can need in full.

        Reversals by id reach back to yesterday and voids to today, so records
        older than yesterday are needed only by refunds (purchases and
        completions, in refund-only form) and by completions and cancellations
        of pre-authorizations whose hold is still pending.
        """
        self._pruned_on = today
        yesterday = today - dt.timedelta(days=1)
        first_refund_day = today - dt.timedelta(days=self.settings.refund_days)
        stale: list[str] = []
        refundable: dict[dt.date, list[AuthorizationRecord]] = {}
        for authorization_id, record in self.records.items():
            if record.local_date >= yesterday:
                continue
            kind = record.kind
            if kind is Kind.PREAUTHORIZATION:
                closed = record.completions or record.voided or record.reversed
                if not closed and self.ledger.hold_state(record.hold_id) == "pending":
                    continue
            elif kind in _REFUNDABLE and record.local_date >= first_refund_day:
                refundable.setdefault(record.local_date, []).append(record)
            stale.append(authorization_id)
        for authorization_id in stale:
            del self.records[authorization_id]
        for date, records in refundable.items():
            self.refundable.add(date, records)
        self.refundable.drop_before(first_refund_day)
        if stale:
            log.debug("kept %d full and %d refund-only authorization records on %s, dropped %d",
                      len(self.records), len(self.refundable), today, len(stale) - sum(map(len, refundable.values())))

    def _decide(self, request: Request, card: CardRecord | None, steps: list[tuple[str, str, int]], started: int,
                today: dt.date, day: int) -> Response:
        # 3. Card.
        decline = checks.check_card_status(card, request, today)
        if decline is not None:
            return self._declined(request, steps, started, "card", decline)
        started = _passed(steps, "card", started)

        # 4. Chip.
        session = None
        if checks.needs_chip(request):
            decline, session = checks.check_chip(self._chips, self.issuer, card, request, today)
            if decline is not None:
                return self._declined(request, steps, started, "chip", decline, session)
            started = _passed(steps, "chip", started)

        # 5. PIN.
        if checks.needs_pin(request):
            decline = checks.check_pin(self.issuer, card, request, day)
            if decline is not None:
                return self._declined(request, steps, started, "pin", decline, session)
            started = _passed(steps, "pin", started)

        # 6. Processing: accounts, channel rules, limits, funds and the ledger.
        outcome = self._processor.process(request, card, today)
        if isinstance(outcome, tuple):
            return self._declined(request, steps, started, "process", outcome, session)
        _passed(steps, "process", started)
        if session is not None:
            outcome.arpc = session.arpc(request.chip.arqc, _ARC[outcome.code])
        return outcome

    def _declined(self, request: Request, steps: list[tuple[str, str, int]], started: int, step: str,
                  decline: tuple[ResponseCode, str], session: ChipSession | None = None) -> Response:
        code, reason = decline
        steps.append((step, reason, time.perf_counter_ns() - started))
        response = Response(code, reason)
        if self.settings.trace:
            response.trace = [f"{name}:{'ok' if outcome == 'pass' else outcome}" for name, outcome, _ in steps]
        if session is not None:
            response.arpc = session.arpc(request.chip.arqc, _ARC[code])
        return response


def _passed(steps: list[tuple[str, str, int]], step: str, started: int) -> int:
    """Record that ``step`` passed and return the time the next step starts."""
    finished = time.perf_counter_ns()
    steps.append((step, "pass", finished - started))
    return finished
