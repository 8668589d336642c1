"""Benchmark of the authorization core: chip purchases, a holiday-peak mix and a floor.

Every figure comes from the real pipeline on a ledger database file (SQLite,
WAL), with SM4 keys, chip cryptograms and PIN blocks as the devices build them.
The requests are built before the clock starts, because building them (ARQC on
the chip, PIN block in the PIN pad) is the devices' work. Only
``core.authorize`` and ``core.authorize_batch`` are timed.

- :func:`chip_purchases` sends chip purchases one at a time (each committed to
  the store before the next) or in batches (one commit per batch).
- :func:`holiday_peak` sends the mix of a festival day: welfare-first purchases
  at designated merchants, purchases elsewhere and by QR, balance inquiries,
  refunds and reversals of earlier purchases.
- :func:`dict_floor` does the same balance arithmetic in a plain dict loop: the
  rate Python reaches with no checks, no cryptography and no store.
- :func:`profile_purchases` runs chip purchases under cProfile and returns the
  functions that take the most time, with the mean time of each pipeline step.

Before the clock starts, the objects made so far (the bank, its cards and the
requests built in advance) are frozen out of the garbage collector's way with
``gc.freeze()``, as a server does with its start-up state: otherwise every full
collection during the run would walk tens of thousands of prebuilt requests
that a live core never holds. What the core makes while timed is collected as
usual, and ``frozen=False`` measures without the freeze.

Latency percentiles come from the core's own histograms (``core.metrics``),
which measure each request from entry to response; in a batch they leave out
the commit at the end of the batch, which the rate includes. Each function runs
``repeats`` times on a fresh bank and reports the median of each figure.
Results are plain dicts; nothing is printed.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import gc
import pstats
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from statistics import median

import numpy as np

from twin.authorization import AccountType, Campaign, Channel, Kind, Request
from twin.calendar import TZ
from twin.devices.bank import Bank
from twin.devices.card import EmulatedCard, PinPad
from twin.ledger import Transfer, TransferCode

__all__ = [
    "bench_authorization",
    "chip_purchases",
    "dict_floor",
    "holiday_peak",
    "profile_purchases",
]

_START = dt.datetime(2020, 1, 24, 10, 0, tzinfo=TZ)  # New Year's Eve of the 2020 Spring Festival
_PIN = "135790"
_MAIN_FUNDS = 900_000  # fen per card: a deposit within one class II day's inflow and outflow limits
_WELFARE_FUNDS = 50_000
_AMOUNT = 100  # fen, one small purchase


def bench_authorization() -> dict:
    """Run every benchmark with its default settings (about half a minute)."""
    return {
        "chip_purchases_single": chip_purchases(),
        "chip_purchases_batched": chip_purchases(batch_size=500),
        "holiday_peak_batched": holiday_peak(),
        "dict_floor": dict_floor(),
        "profile": profile_purchases(),
    }


def chip_purchases(count: int = 20_000, *, batch_size: int = 0, cards: int = 1_000, repeats: int = 3,
                   seed: int = 1, frozen: bool = True) -> dict:
    """Time ``count`` chip purchases with PIN, one at a time or in batches of ``batch_size``."""
    runs = []
    for repeat in range(repeats):
        with _Programme(cards, seed + repeat, frozen) as programme:
            requests = [programme.chip_purchase(index, "shop_plain") for index in range(count)]
            elapsed = programme.run(requests, batch_size)
            runs.append(programme.figures(count, elapsed))
    return _median_of(runs, {"requests": count, "batch_size": batch_size or 1, "cards": cards, "repeats": repeats,
                             "frozen": frozen})


def holiday_peak(count: int = 20_000, *, batch_size: int = 500, cards: int = 1_000, repeats: int = 3,
                 seed: int = 1, frozen: bool = True) -> dict:
    """Time a festival day's mix of requests.

    Of every 100 requests, 55 are chip purchases at designated merchants (the
    welfare account pays when it can), 10 chip purchases elsewhere and 5 QR
    purchases. 20 are balance inquiries by mobile and WeChat banking, 6 refunds
    and 4 reversals of purchases approved earlier in the run. Follow-ups are
    built as their originals' responses arrive. Building one takes no
    cryptography and is timed with the core.
    """
    runs = []
    for repeat in range(repeats):
        with _Programme(cards, seed + repeat, frozen) as programme:
            rng = np.random.default_rng(seed + repeat)
            draws = rng.random(count)
            plan = [programme.peak_request(index, draw) for index, draw in enumerate(draws)]
            elapsed = programme.run_peak(plan, rng, batch_size)
            figures = programme.figures(count, elapsed)
            figures["approved_share"] = round(programme.core.metrics.responses["00"] / count, 4)
            runs.append(figures)
    result = _median_of(runs, {"requests": count, "batch_size": batch_size or 1, "cards": cards, "repeats": repeats,
                               "frozen": frozen})
    result["mix"] = dict(_PEAK_MIX)
    return result


def dict_floor(count: int = 200_000, *, cards: int = 1_000, repeats: int = 3, seed: int = 1) -> dict:
    """Return the rate of the purchase arithmetic alone in a dict loop.

    Each purchase picks the welfare account at a designated merchant when it
    covers the amount, else the main account. It checks the funds and moves
    the amount to the merchant. That is the core's arithmetic for a purchase
    without the checks, the cryptography, the ledger's rules and the store.
    """
    rates = []
    for repeat in range(repeats):
        rng = np.random.default_rng(seed + repeat)
        card_of = rng.integers(0, cards, count).tolist()
        designated = (rng.random(count) < 0.8).tolist()
        main = dict.fromkeys(range(cards), _MAIN_FUNDS)
        welfare = dict.fromkeys(range(cards), _WELFARE_FUNDS)
        merchants = {True: 0, False: 0}
        approved = 0
        started = time.perf_counter()
        for card, at_designated in zip(card_of, designated, strict=True):
            account = welfare if at_designated and welfare[card] >= _AMOUNT else main
            if account[card] >= _AMOUNT:
                account[card] -= _AMOUNT
                merchants[at_designated] += _AMOUNT
                approved += 1
        rates.append(count / (time.perf_counter() - started))
    return {"requests": count, "repeats": repeats, "per_second": round(median(rates)), "approved": approved}


def profile_purchases(count: int = 5_000, *, batch_size: int = 500, top: int = 15, cards: int = 500,
                      seed: int = 1) -> dict:
    """Return where chip purchases spend their time, in batches of ``batch_size`` (0: one at a time).

    ``step_mean_us`` is the mean of each pipeline step from the core's own
    metrics in a run without the profiler. ``top_functions`` lists the
    functions with the most own time in a second run under cProfile, which
    slows every call down, so its milliseconds compare functions with each
    other, not with the step means. Batches show the core's own work; one at
    a time, the store's commit of each request takes most of the time.
    """
    with _Programme(cards, seed) as programme:
        requests = [programme.chip_purchase(index, "shop_plain") for index in range(count)]
        programme.run(requests, batch_size)
        steps = {name: summary["mean_us"] for name, summary in programme.core.metrics.snapshot()["latency"].items()}

    with _Programme(cards, seed) as programme:
        requests = [programme.chip_purchase(index, "shop_plain") for index in range(count)]
        profiler = cProfile.Profile()
        with _collector_frozen(programme.frozen):
            profiler.enable()
            programme.send(requests, batch_size)
            profiler.disable()
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, _) in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        rows.append({
            "function": f"{_short(filename)}:{line}({function})",
            "calls": calls,
            "own_ms": round(own * 1_000, 1),
            "cumulative_ms": round(cumulative * 1_000, 1),
        })
    rows.sort(key=lambda row: row["own_ms"], reverse=True)
    return {"requests": count, "batch_size": batch_size or 1, "step_mean_us": steps, "top_functions": rows[:top]}


# Private interface

_PEAK_MIX = (
    ("designated_chip_purchase", 0.55),
    ("plain_chip_purchase", 0.10),
    ("qr_purchase", 0.05),
    ("balance_inquiry", 0.20),
    ("refund", 0.06),
    ("reversal", 0.04),
)


@dataclass
class _Planned:
    kind: str
    request: Request | None


class _Programme:
    """A bank with merchants and funded cards, on a ledger file in a temporary folder."""

    def __init__(self, cards: int, seed: int, frozen: bool = True) -> None:
        self.frozen = frozen
        self._folder = tempfile.TemporaryDirectory(prefix="twin-bench-auth-")
        self.bank = Bank.open(_START, seed=seed, path=Path(self._folder.name) / "ledger.db")
        self.core = self.bank.core
        issuer = self.bank.issuer
        union = issuer.open_union_account("u1", cards * _WELFARE_FUNDS)
        subsidy = issuer.open_campaign_account("c1")
        issuer.add_merchant("shop_designated", "职工超市", "5411", True, Campaign("c1", Decimal("0.05"), subsidy))
        issuer.add_merchant("shop_plain", "便利店", "5499", False)
        self.pad: PinPad = self.bank.pin_pad("bench")
        self.chips: list[EmulatedCard] = []
        ledger = self.bank.ledger
        with ledger.batch():
            for index in range(cards):
                record, chip = self.bank.issue_card(f"m{index}", batch=False, pin=_PIN, welfare=True)
                results = ledger.create_transfers([
                    Transfer(ledger.new_id(), issuer.system.bank_cash, record.accounts.main, _MAIN_FUNDS,
                             TransferCode.DEPOSIT),
                    Transfer(ledger.new_id(), union, record.accounts.welfare, _WELFARE_FUNDS,
                             TransferCode.DISBURSEMENT),
                ])
                if not all(result.ok for result in results):
                    raise RuntimeError(f"benchmark card {index} could not be funded: {results}")
                self.chips.append(chip)
        self.today = _START.date()
        self._unpredictable = np.random.default_rng(seed).bytes(4)
        self._stans: dict[str, int] = {}
        self._approved: list[tuple[str, str, int, str]] = []

    def __enter__(self) -> _Programme:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.bank.close()
        self._folder.cleanup()

    # Building requests (the devices' work)

    def chip_purchase(self, index: int, merchant: str) -> Request:
        chip = self.chips[index % len(self.chips)]
        terminal = f"T{index % 1_000:07d}"
        return Request(
            Kind.PURCHASE, Channel.POS_CHIP, chip.pan, amount=_AMOUNT, psn=chip.psn, expiry=chip.expiry,
            terminal_id=terminal, merchant_id=merchant, stan=self._stan(terminal), local_time=_START,
            pin_block=self.pad.encrypt(_PIN, chip.pan),
            chip=chip.generate_arqc(_AMOUNT, self.today, self._unpredictable),
        )

    def peak_request(self, index: int, draw: float) -> _Planned:
        kind = _pick(draw)
        chip = self.chips[index % len(self.chips)]
        if kind == "designated_chip_purchase":
            return _Planned(kind, self.chip_purchase(index, "shop_designated"))
        if kind == "plain_chip_purchase":
            return _Planned(kind, self.chip_purchase(index, "shop_plain"))
        if kind == "qr_purchase":
            return _Planned(kind, Request(Kind.PURCHASE, Channel.QR, chip.pan, amount=_AMOUNT, terminal_id="QR000001",
                                          merchant_id="shop_designated", stan=self._stan("QR000001"),
                                          local_time=_START))
        if kind == "balance_inquiry":
            channel = Channel.MOBILE if index % 2 else Channel.WECHAT
            account = AccountType.WELFARE if index % 3 == 0 else AccountType.MAIN
            return _Planned(kind, Request(Kind.BALANCE, channel, chip.pan, terminal_id="MB000001",
                                          stan=self._stan("MB000001"), local_time=_START, account=account))
        return _Planned(kind, None)

    def follow_up(self, kind: str, rng: np.random.Generator) -> Request | None:
        if not self._approved:
            return None
        pan, authorization_id, amount, merchant = self._approved[int(rng.integers(len(self._approved)))]
        terminal = "R0000001"
        if kind == "refund":
            return Request(Kind.REFUND, Channel.POS_CHIP, pan, amount=max(1, amount // 4), terminal_id=terminal,
                           merchant_id=merchant, stan=self._stan(terminal), local_time=_START,
                           original_authorization_id=authorization_id)
        return Request(Kind.REVERSAL, Channel.POS_CHIP, pan, amount=amount, terminal_id=terminal,
                       merchant_id=merchant, stan=self._stan(terminal), local_time=_START,
                       original_authorization_id=authorization_id)

    # Timed runs

    def run(self, requests: list[Request], batch_size: int) -> _Elapsed:
        with _collector_frozen(self.frozen):
            elapsed = _Elapsed.start()
            self.send(requests, batch_size)
            return elapsed.stop()

    def send(self, requests: list[Request], batch_size: int) -> None:
        core = self.core
        if batch_size:
            for first in range(0, len(requests), batch_size):
                core.authorize_batch(requests[first:first + batch_size])
        else:
            for request in requests:
                core.authorize(request)

    def run_peak(self, plan: list[_Planned], rng: np.random.Generator, batch_size: int) -> _Elapsed:
        with _collector_frozen(self.frozen):
            return self._run_peak(plan, rng, batch_size)

    def _run_peak(self, plan: list[_Planned], rng: np.random.Generator, batch_size: int) -> _Elapsed:
        core = self.core
        size = batch_size or 1
        elapsed = _Elapsed.start()
        for first in range(0, len(plan), size):
            chunk = plan[first:first + size]
            requests = [item.request or self.follow_up(item.kind, rng) for item in chunk]
            sent = [request for request in requests if request is not None]
            if batch_size:
                responses = core.authorize_batch(sent)
            else:
                responses = [core.authorize(request) for request in sent]
            for request, response in zip(sent, responses, strict=True):
                if request.kind is Kind.PURCHASE and response.approved:
                    self._approved.append((request.pan, response.authorization_id, request.amount,
                                           request.merchant_id))
        return elapsed.stop()

    def figures(self, count: int, elapsed: _Elapsed) -> dict:
        latency = self.core.metrics.snapshot()["latency"]["total"]
        return {
            "per_second": round(count / elapsed.wall),
            "per_cpu_second": round(count / elapsed.cpu),
            "p50_us": latency["p50_us"],
            "p99_us": latency["p99_us"],
            "p999_us": latency["p999_us"],
            "max_us": latency["max_us"],
        }

    def _stan(self, terminal: str) -> str:
        value = self._stans.get(terminal, 0) % 999_999 + 1
        self._stans[terminal] = value
        return f"{value:06d}"


@dataclass
class _Elapsed:
    """Wall time and this process's CPU time of a run, in seconds.

    On a machine shared with other work the wall-clock rate drops while the CPU
    rate holds, so both are reported.
    """

    wall: float
    cpu: float

    @classmethod
    def start(cls) -> _Elapsed:
        return cls(time.perf_counter(), time.process_time())

    def stop(self) -> _Elapsed:
        return _Elapsed(time.perf_counter() - self.wall, time.process_time() - self.cpu)


@contextmanager
def _collector_frozen(frozen: bool) -> Iterator[None]:
    """Keep the objects that exist now out of the garbage collector's passes while the block runs."""
    if not frozen:
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _pick(draw: float) -> str:
    total = 0.0
    for kind, share in _PEAK_MIX:
        total += share
        if draw < total:
            return kind
    return _PEAK_MIX[-1][0]


def _median_of(runs: list[dict], settings: dict) -> dict:
    keys = runs[0].keys()
    return {**settings, **{key: median(run[key] for run in runs) for key in keys}}


def _short(filename: str) -> str:
    marker = "/twin/"
    if marker in filename:
        return "twin/" + filename.split(marker, 1)[1]
    return Path(filename).name
