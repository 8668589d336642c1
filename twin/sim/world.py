"""The world of one run: ledger, issuer, core and the named actors of the scenario.

:class:`World` builds the production components from a scenario (the ledger
on its SQLite file, the issuer with keys derived from the seed, the
authorization core reading the simulated clock) and the SimPy resources that
stand for branch counters. The script runner and the synthetic crowd both act
on the same world.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import simpy

from twin.authorization import (
    AuthorizationCore,
    Campaign,
    CoreSettings,
    Issuer,
    IssuerSettings,
    Request,
    Response,
    ResponseCode,
)
from twin.authorization.crypto import Algorithm, IssuerKeys
from twin.devices.banking import EnterpriseBanking
from twin.devices.card import EmulatedCard, PinPad
from twin.devices.terminal import REVERSIBLE_KINDS
from twin.ledger import ClosurePolicy, Ledger, LedgerConfig, Limits, SQLiteStore
from twin.population.streams import Streams
from twin.scenario import Scenario
from twin.sim.clock import SimClock
from twin.sim.faults import FaultSchedule
from twin.sim.interrupts import RunStopped, StopRequest
from twin.sim.recorder import Recorder
from twin.sim.requests import reversal_of

__all__ = ["World", "MemberState", "CountingEnvironment"]

log = logging.getLogger(__name__)


@dataclass
class MemberState:
    """What the twin knows about one named member: identity and what they remember."""

    id: str
    name: str
    union: str
    city: str
    county: str | None
    account_class: str
    enrolled: bool
    car: bool
    #: The PIN the member has chosen (they remember it; the bank does not).
    pin: str | None = None
    chip: EmulatedCard | None = None
    obu: bool = False
    etc_signed: bool = False


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it processes (for the engine benchmark) and can stop between two events."""

    def __init__(self) -> None:
        super().__init__()
        self.events_processed = 0
        #: The Ctrl-C handler's request; the run stops before the next event once it is set.
        self.stop = StopRequest()

    def step(self) -> None:
        # A stop raises here, between two events, never in the middle of one
        # (an authorization half applied, a ledger group half written).
        if self.stop.requested:
            raise RunStopped
        # Counted after the step: the stop marker of run(until=...) raises from
        # step() and is not a simulated event, nor is the empty queue at the end.
        super().step()
        self.events_processed += 1


@dataclass
class Branch:
    id: str
    name: str
    city: str
    county: str | None
    counters: simpy.Resource
    waits: list[float] = field(default_factory=list)


class World:
    """Every component of one run, wired to one simulated clock."""

    def __init__(
        self,
        scenario: Scenario,
        db_path: Path | str,
        *,
        seed: int | None = None,
        trace: bool = False,
        recorder: Recorder | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.env = CountingEnvironment()
        self.clock = SimClock(self.env, scenario.start)
        self.streams = Streams(self.seed)
        self.recorder = recorder or Recorder()
        programme = scenario.programme

        limits = Limits(
            daily_in=programme.class_ii_daily_limit,
            daily_out=programme.class_ii_daily_limit,
            yearly_in=programme.class_ii_yearly_limit,
            yearly_out=programme.class_ii_yearly_limit,
            per_transaction=programme.limit_mode == "per_transaction",
        )
        self.ledger = Ledger(
            SQLiteStore(db_path), self.clock, LedgerConfig(limits=limits, interest_rate=Decimal(programme.demand_interest_rate))
        )
        algorithm = Algorithm.SM4 if programme.card_crypto == "sm4" else Algorithm.TDES
        self.keys = IssuerKeys.from_seed(self.seed, algorithm)
        self.issuer = Issuer(
            self.ledger,
            self.keys,
            IssuerSettings(
                bin=programme.bin,
                pin_tries_per_day=programme.pin_tries_per_day,
                transit_wallet_cap=programme.transit.epurse_cap,
                closure_policy=ClosurePolicy(programme.closure_policy),
            ),
        )
        self.core = AuthorizationCore(self.issuer, self.clock, CoreSettings(trace=trace))
        self.pin_pad = PinPad(self.keys.zone_pin_key, algorithm, self.streams.stream("pin_pad"))
        self.terminal_rng = self.streams.stream("terminal")
        self.members: dict[str, MemberState] = {}
        self.branches: dict[str, Branch] = {}
        self.union_names: dict[str, str] = {}
        self._add_actors()
        self.faults = FaultSchedule(self)
        self.banking = EnterpriseBanking(self.issuer, self._registered_name)
        self._switch_stan = 0

    # Lookups

    def now(self) -> dt.datetime:
        return self.clock.now()

    def member(self, member_id: str) -> MemberState:
        return self.members[member_id]

    def chip_of(self, member: MemberState) -> EmulatedCard | None:
        """Return the member's chip, personalised from the issuer's record of their current card."""
        card = self.issuer.card_of(member.id)
        if card is None:
            return None
        if member.chip is None or member.chip.pan != card.pan:
            member.chip = EmulatedCard(card.pan, card.psn, card.expiry, self.issuer.card_key(card), self.keys.algorithm)
        return member.chip

    def authorize(self, request: Request, city: str, designated: bool | None = None) -> Response:
        """Send a request to the core through the switch and record the decision.

        When the core does not answer, the switch answers 91 for it and keeps a
        reversal of the request, sent once the core is back: the request may
        have reached the core before the line went silent.
        """
        response = self.core.authorize(request)
        self.recorder.authorization(city, request, response, designated)
        if (
            response.code is ResponseCode.ISSUER_UNAVAILABLE
            and request.kind in REVERSIBLE_KINDS
            and request.terminal_id
            and request.stan
        ):
            self.recorder.count("core_timeouts")
            self.faults.queue_reversal(lambda: self._send_reversal(request, city))
        return response

    def close_card(self, member_id: str, city: str) -> str:
        """Close a member's card at the bank and record the money paid out of its main account."""
        card = self.issuer.card_of(member_id)
        main = self.ledger.get_account(card.accounts.main) if card is not None else None
        paid_before = main.debits_posted if main is not None else 0
        _, reason = self.issuer.close_card(member_id)
        if reason == "ok" and main is not None:
            self.recorder.closure_payout(city, main.debits_posted - paid_before)
        return reason

    def _registered_name(self, member_id: str) -> str | None:
        """Return a named member's name as the real-name registry holds it."""
        member = self.members.get(member_id)
        return member.name if member is not None and member.enrolled else None

    def _send_reversal(self, original: Request, city: str) -> None:
        self._switch_stan += 1
        reversal = reversal_of(original, f"{900_000 + self._switch_stan % 100_000:06d}", self.now())
        self.recorder.count("reversals_sent")
        self.authorize(reversal, city)

    def unpredictable_number(self) -> bytes:
        return self.terminal_rng.bytes(4)

    # Private interface

    def _add_actors(self) -> None:
        actors = self.scenario.actors
        campaigns = {campaign.name: campaign for campaign in self.scenario.province.merchants.campaigns}
        for union in actors.unions:
            self.issuer.open_union_account(union.id, union.corporate_balance)
            self.union_names[union.id] = union.name
        for merchant in actors.merchants:
            campaign = None
            for name in merchant.campaigns:
                spec = campaigns.get(name)
                if spec is None:
                    continue
                subsidy = self.issuer.open_campaign_account(name)
                campaign = Campaign(
                    name,
                    Decimal(1) - Decimal(spec.discount),
                    subsidy,
                    max_discount=spec.max_discount_per_purchase or 0,
                    starts=spec.start,
                    ends=spec.end,
                )
            self.issuer.add_merchant(merchant.id, merchant.name, merchant.mcc, merchant.designated, campaign)
        for branch in actors.branches:
            self.branches[branch.id] = Branch(
                branch.id, branch.name, branch.city, branch.county, simpy.Resource(self.env, capacity=branch.counters)
            )
        for member in actors.members:
            self.recorder.add_members(member.city, 1, enrolled=int(member.enrolled))
            self.members[member.id] = MemberState(
                member.id,
                member.name,
                member.union,
                member.city,
                member.county,
                member.account_class,
                member.enrolled,
                member.car,
            )

