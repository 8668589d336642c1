"""Card use of members with an active card: purchases, cash, deposits and balance inquiries.

Each day, in numpy over the members whose card is active:

- purchases: Poisson with mean ``purchases_per_day`` times the member's
  spending propensity, times the holiday surge on official holidays and the
  ``days_before`` days before one (holidays from chinese-calendar);
- the hour from ``hourly_profile``, the second within the hour uniform;
- a member with welfare money picks a designated merchant of their city with
  ``designated_preference``, otherwise any merchant of their city;
- the channel: mobile QR with ``qr_share``, else the chip and PIN at the POS;
- the amount log-normal around ``purchase_amount.median``;
- a PIN entry is wrong with ``wrong_pin_rate``; the member then tries again;
- withdrawals at an ATM, deposits at an ATM and balance inquiries on the
  channels members use, each Poisson at its daily rate.

The core, not the crowd, decides which account pays (welfare first at a
designated merchant, never split). Members have a rough idea of their
balances. When neither account can pay, :data:`UNAWARE_SHARE` of them present
the card anyway and are declined 51. Of the others, :data:`TOP_UP_SHARE` first
put money on the main account at an ATM and then pay, and the rest pay another
way, which is counted. Transit top-ups use the same rule.

An approved purchase may be voided the same day (``void_rate``) or refunded 1
to 14 days later (``refund_rate``, half of them in part). A share
``preauth_share`` are made as a pre-authorization instead. The merchant
completes it 1 to 3 days later at 80% to 100% of the amount, or cancels it
(:data:`PREAUTH_CANCEL_SHARE`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from twin.authorization import AccountType, Channel, Kind, Response, ResponseCode
from twin.calendar import holiday_name
from twin.ledger import Transfer, TransferCode
from twin.sim.crowd.plan import DAY_SECONDS, Planned
from twin.sim.crowd.state import CardState
from twin.sim.crowd.terminals import atm_terminal, counter_terminal, pos_terminal, qr_terminal

if TYPE_CHECKING:
    from twin.authorization import CardRecord
    from twin.scenario.behaviour import AmountDistribution
    from twin.sim.crowd.crowd import Crowd

__all__ = ["Spending", "UNAWARE_SHARE", "TOP_UP_SHARE", "OPENING_DEPOSIT_SHARE", "PREAUTH_CANCEL_SHARE"]

#: Share of members who present the card without checking it can pay.
#: NOTE: modelling estimates, like the other shares below.
UNAWARE_SHARE = 0.1
#: Share of members who, finding the card short, put money on it before paying.
TOP_UP_SHARE = 0.8
#: Share of newly active members who put money on the main account.
OPENING_DEPOSIT_SHARE = 0.7
#: Share of pre-authorizations that the merchant cancels instead of completing.
PREAUTH_CANCEL_SHARE = 0.1
#: Balance inquiries by channel: ATM, mobile banking (app users), WeChat banking, SMS.
INQUIRY_CHANNELS = {Channel.ATM: 0.35, Channel.MOBILE: 0.35, Channel.WECHAT: 0.15, Channel.SMS: 0.15}
#: Share of inquiries that ask for the welfare balance, when the member has a welfare account.
WELFARE_INQUIRY_SHARE = 0.3
#: Share of welfare inquiries made at an ATM anyway, which the core declines (57).
ATM_WELFARE_INQUIRY_SHARE = 0.1

_HUNDRED_YUAN = 10_000
_MAX_AMOUNT = 5_000_000  # 50,000 yuan: no single card payment above this is drawn


class Spending:
    """Plans and performs the day's card use."""

    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.world = crowd.world
        self.state = crowd.state
        self.behaviour = crowd.scenario.behaviour
        self._rng = crowd.streams.stream("spending")
        self._follow = crowd.streams.stream("spending/follow_ups")
        profile = np.array(self.behaviour.hourly_profile, dtype=float)
        self.hour_weights = profile / profile.sum()

    # Surges

    def surge(self, day: dt.date) -> float:
        """Return the purchase multiplier of ``day``: the surge on and just before official holidays."""
        surge = self.behaviour.holiday_surge
        for ahead in range(surge.days_before + 1):
            if holiday_name(day + dt.timedelta(days=ahead)):
                return surge.factor
        return 1.0

    # The day

    def plan_day(self, day: dt.date, first_second: float) -> list[Planned]:
        active = self.state.with_card(CardState.ACTIVE)
        if not len(active):
            return []
        behaviour = self.behaviour
        propensity = self.crowd.province.members.spend_propensity[active]
        plans = [
            self._plan(active, behaviour.purchases_per_day * self.surge(day) * propensity, first_second,
                       self._purchase, behaviour.purchase_amount),
            self._plan(active, np.full(len(active), behaviour.withdrawals_per_day), first_second,
                       self._withdraw, behaviour.withdrawal_amount),
            self._plan(active, np.full(len(active), behaviour.deposits_per_day), first_second,
                       self._deposit, behaviour.deposit_amount),
            self._plan(active, np.full(len(active), behaviour.balance_inquiries_per_day), first_second,
                       self._inquire, None),
        ]
        return [plan for plan in plans if plan is not None]

    def first_deposit(self, member: int, branch: int | None, before_run: bool) -> None:
        """Put a newly active member's first money on the main account.

        The member deposits at the branch counter, or at an ATM a few days
        later, and a member active before the run starts with the amount as a
        posted deposit.
        """
        if self._rng.random() >= OPENING_DEPOSIT_SHARE:
            return
        amount = self._deposit_amount()
        if before_run:
            self._deposit_before_run(member, amount)
        elif branch is not None:
            self.crowd.terminals.send(member, Kind.DEPOSIT, Channel.COUNTER, counter_terminal(branch), amount=amount)
        else:
            delay = float(self._rng.uniform(1, 7)) * DAY_SECONDS
            self._later(delay, lambda: self._atm_deposit(member, amount))

    def make_room(self, member: int, amount: int, card: CardRecord | None = None) -> bool:
        """Tell whether the member presents the card for ``amount`` from the main account.

        A member whose main account is short either presents the card anyway
        (unaware), tops it up at an ATM first, or pays another way (False).
        ``card`` is the member's current card, when the caller has it.
        """
        if card is None:
            card = self.crowd.card(member)
        main = self.world.ledger.account(card.accounts.main)
        if main.available >= amount:
            return True
        draw = self._rng.random()
        if draw < UNAWARE_SHARE:
            return True
        if draw >= UNAWARE_SHARE + (1 - UNAWARE_SHARE) * TOP_UP_SHARE:
            return False
        short = amount - main.available
        needed = -(-short // _HUNDRED_YUAN) * _HUNDRED_YUAN
        self._atm_deposit(member, max(needed, self._deposit_amount()))
        return main.available >= amount

    # Events

    def _purchase(self, member: int, amount: int, draws: list[float]) -> None:
        prefer, pick, channel_draw, wrong, follow = draws
        if self.state.card.item(member) != CardState.ACTIVE:
            return
        card = self.crowd.card(member)
        ledger = self.world.ledger
        welfare = ledger.account(card.accounts.welfare).available if card.accounts.welfare else 0
        # ndarray.item gives a Python number without building a numpy scalar first.
        city = int(self.crowd.province.members.city.item(member))
        directory = self.crowd.merchants
        merchant = directory.pick(city, welfare > 0 and prefer < self.behaviour.designated_preference, pick)
        designated = bool(directory.designated.item(merchant))

        if not (designated and welfare >= amount) and not self.make_room(member, amount, card):
            self.world.recorder.count("purchases_paid_otherwise")
            return

        preauth = follow < self.behaviour.preauth_share
        kind = Kind.PREAUTHORIZATION if preauth else Kind.PURCHASE
        qr = channel_draw < self.behaviour.qr_share
        channel = Channel.QR if qr else Channel.POS_CHIP
        terminal = qr_terminal(merchant) if qr else pos_terminal(merchant)
        merchant_id = directory.ids[merchant]

        def pay(pin: str | None) -> Response | None:
            return self.crowd.terminals.send(member, kind, channel, terminal, amount=amount, merchant=merchant_id,
                                             pin=pin, designated=designated, card=card)

        # A QR payment is authenticated in the bank's app; the chip needs the PIN.
        response = pay(None) if qr else self._with_pin(member, wrong < self.behaviour.wrong_pin_rate, pay)
        if response is None or not response.approved:
            return
        self._follow_up(member, kind, channel, terminal, merchant_id, designated, amount, response)

    def _withdraw(self, member: int, amount: int, draws: list[float]) -> None:
        if self.state.card.item(member) != CardState.ACTIVE:
            return
        amount = max(_HUNDRED_YUAN, amount // _HUNDRED_YUAN * _HUNDRED_YUAN)
        card = self.crowd.card(member)
        if self.world.ledger.account(card.accounts.main).available < amount and draws[0] >= UNAWARE_SHARE:
            return
        terminal = atm_terminal(self.crowd.branches.home_branch(member))
        self._with_pin(member, draws[1] < self.behaviour.wrong_pin_rate, lambda pin: self.crowd.terminals.send(
            member, Kind.WITHDRAWAL, Channel.ATM, terminal, amount=amount, pin=pin))

    def _deposit(self, member: int, amount: int, draws: list[float]) -> None:
        if self.state.card.item(member) == CardState.ACTIVE:
            self._atm_deposit(member, max(_HUNDRED_YUAN, amount // _HUNDRED_YUAN * _HUNDRED_YUAN))

    def _inquire(self, member: int, amount: int, draws: list[float]) -> None:
        if self.state.card.item(member) != CardState.ACTIVE:
            return
        channel_draw, account_draw, misdirected = draws[0], draws[1], draws[2]
        channels = list(INQUIRY_CHANNELS)
        cumulative = np.cumsum(list(INQUIRY_CHANNELS.values()))
        channel = channels[int(np.searchsorted(cumulative, channel_draw * cumulative[-1], side="right"))]
        account = AccountType.MAIN
        if self.state.welfare[member] and account_draw < WELFARE_INQUIRY_SHARE:
            account = AccountType.WELFARE
            # Most members know the ATM does not show the welfare balance.
            if channel is Channel.ATM and misdirected >= ATM_WELFARE_INQUIRY_SHARE:
                channel = Channel.SMS
        if channel is Channel.MOBILE and not self.crowd.province.members.app_user[member]:
            channel = Channel.ATM if account is AccountType.MAIN else Channel.SMS
        if channel is Channel.ATM:
            terminal = atm_terminal(self.crowd.branches.home_branch(member))
            self.crowd.terminals.send(member, Kind.BALANCE, channel, terminal, pin=self.state.pin(member),
                                      account=account)
        else:
            self.crowd.terminals.send(member, Kind.BALANCE, channel, "", account=account)

    # Follow-ups

    def _follow_up(self, member: int, kind: Kind, channel: Channel, terminal: str, merchant_id: str,
                   designated: bool, amount: int, response: Response) -> None:
        original = response.authorization_id
        behaviour = self.behaviour
        draw = self._follow.random()
        send = self.crowd.terminals.send

        if kind is Kind.PREAUTHORIZATION:
            delay = float(self._follow.uniform(1, 3)) * DAY_SECONDS
            if draw < PREAUTH_CANCEL_SHARE:
                action = lambda: send(member, Kind.CANCELLATION, channel, terminal, amount=amount,  # noqa: E731
                                      merchant=merchant_id, original=original, designated=designated)
            else:
                final = max(1, int(amount * float(self._follow.uniform(0.8, 1.0))))
                action = lambda: send(member, Kind.COMPLETION, channel, terminal, amount=final,  # noqa: E731
                                      merchant=merchant_id, original=original, designated=designated)
        elif draw < behaviour.void_rate:
            left = self._seconds_to_midnight() - 60.0
            if left <= 60.0:
                return
            delay = float(self._follow.uniform(60.0, min(left, 1800.0)))
            action = lambda: send(member, Kind.VOID, channel, terminal, amount=amount,  # noqa: E731
                                  merchant=merchant_id, original=original, designated=designated)
        elif draw < behaviour.void_rate + behaviour.refund_rate:
            delay = float(self._follow.integers(1, 15)) * DAY_SECONDS
            returned = amount if self._follow.random() < 0.5 else max(1, amount // 2)
            action = lambda: send(member, Kind.REFUND, channel, terminal, amount=returned,  # noqa: E731
                                  merchant=merchant_id, original=original, designated=designated)
        else:
            return
        self._later(delay, action)

    # Private interface

    def _plan(self, members: np.ndarray, rates: np.ndarray, first_second: float, perform,
              amounts: AmountDistribution | None) -> Planned | None:
        """Draw today's events at ``rates`` per member; ``perform(member, amount, draws)`` carries each out."""
        rng = self._rng
        counts = rng.poisson(rates)
        actors = np.repeat(members, counts)
        count = len(actors)
        if not count:
            return None
        times = rng.choice(24, count, p=self.hour_weights) * 3600.0 + rng.random(count) * 3600.0
        values = self._amounts(amounts, count) if amounts is not None else np.zeros(count, dtype=np.int64)
        draws = rng.random((count, 5))
        keep = times >= first_second
        actors, times, values, draws = actors[keep], times[keep], values[keep], draws[keep]

        def run(row: int) -> None:
            # Plain Python numbers: numpy scalars are slow to compare one at a time.
            perform(actors.item(row), values.item(row), draws[row].tolist())

        return Planned(times, run)

    def _amounts(self, spec: AmountDistribution, count: int) -> np.ndarray:
        draws = spec.median * np.exp(spec.sigma * self._rng.standard_normal(count))
        return np.clip(np.rint(draws), 1, _MAX_AMOUNT).astype(np.int64)

    def _deposit_amount(self) -> int:
        amount = int(self._amounts(self.behaviour.deposit_amount, 1)[0])
        return max(_HUNDRED_YUAN, amount // _HUNDRED_YUAN * _HUNDRED_YUAN)

    def _atm_deposit(self, member: int, amount: int) -> None:
        terminal = atm_terminal(self.crowd.branches.home_branch(member))
        self.crowd.terminals.send(member, Kind.DEPOSIT, Channel.ATM, terminal, amount=amount)

    def _deposit_before_run(self, member: int, amount: int) -> None:
        """Post a member's opening balance at the run's start as a deposit, within the daily limit."""
        world = self.world
        card = self.crowd.card(member)
        amount = min(amount, world.scenario.programme.class_ii_daily_limit)
        transfer = Transfer(world.ledger.new_id(), world.issuer.system.bank_cash, card.accounts.main, amount,
                            TransferCode.DEPOSIT, batch_id="crowd:opening")
        world.ledger.create_transfers([transfer])

    def _with_pin(self, member: int, wrong_first: bool, send) -> Response | None:
        """Send with the member's PIN; a member who typed it wrong tries once more."""
        if wrong_first:
            response = send(self.state.wrong_pin(member))
            if response is None or response.code is not ResponseCode.INCORRECT_PIN:
                return response
        return send(self.state.pin(member))

    def _seconds_to_midnight(self) -> float:
        now = self.world.now()
        midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), now.tzinfo)
        return (midnight - now).total_seconds()

    def _later(self, delay: float, action: Callable[[], object]) -> None:
        """Call ``action`` after ``delay`` simulated seconds.

        A timeout with a callback, not a SimPy process: a follow-up may wait two
        weeks, and a process with its generator would be kept all that time.
        """
        self.world.env.timeout(delay).callbacks.append(lambda _event: action())

