"""A bank in one object: ledger, issuer, authorization core and the keys devices share.

:class:`Bank` wires the parts the way a run needs them, for trainers' demos,
the benchmarks and tests::

    bank = Bank.open(dt.datetime(2020, 1, 6, 9), seed=7)
    bank.issuer.open_union_account("u1", 1_000_000)
    record, chip = bank.issue_card("m1", batch=False, pin="135790")
    pos = PosTerminal(bank.core, "T0000001", "shop1", "5411", True, bank.pin_pad("pos"), bank.rng("pos"))

The PIN pads of the devices encrypt under the issuer's zone PIN key. In the
twin the devices and the issuer share that key directly instead of through a
key exchange. Random streams are named and derived from the seed, so a run
replays exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np

from twin.authorization import AuthorizationCore, CardRecord, CoreSettings, Issuer, IssuerSettings
from twin.authorization.crypto import DEFAULT_ALGORITHM, Algorithm, IssuerKeys
from twin.clock import Clock, ManualClock
from twin.devices.card import EmulatedCard, PinPad
from twin.ledger import AccountClass, Ledger, LedgerConfig, SQLiteStore

__all__ = ["Bank"]


class Bank:
    """The issuer's systems of one run, with a clock and named random streams."""

    def __init__(
        self,
        ledger: Ledger,
        keys: IssuerKeys,
        seed: int,
        issuer_settings: IssuerSettings | None = None,
        core_settings: CoreSettings | None = None,
    ) -> None:
        self.ledger = ledger
        self.clock: Clock = ledger.clock
        self.keys = keys
        self.seed = seed
        self.issuer = Issuer(ledger, keys, issuer_settings)
        self.core = AuthorizationCore(self.issuer, self.clock, core_settings)
        self._streams: dict[str, np.random.Generator] = {}

    @classmethod
    def open(
        cls,
        start: dt.datetime | Clock,
        *,
        seed: int = 0,
        path: str | Path = ":memory:",
        algorithm: Algorithm | None = None,
        ledger_config: LedgerConfig | None = None,
        issuer_settings: IssuerSettings | None = None,
        core_settings: CoreSettings | None = None,
    ) -> Bank:
        """Open a bank on a new or existing ledger database (``":memory:"`` by default)."""
        clock = ManualClock(start) if isinstance(start, dt.datetime) else start
        ledger = Ledger(SQLiteStore(path), clock, ledger_config)
        keys = IssuerKeys.from_seed(seed, algorithm or DEFAULT_ALGORITHM)
        return cls(ledger, keys, seed, issuer_settings, core_settings)

    def rng(self, name: str) -> np.random.Generator:
        """Return the run's random stream called ``name``; the same name gives the same stream."""
        stream = self._streams.get(name)
        if stream is None:
            digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
            sequence = np.random.SeedSequence(self.seed, spawn_key=(int.from_bytes(digest, "big"),))
            stream = self._streams[name] = np.random.default_rng(sequence)
        return stream

    def pin_pad(self, name: str) -> PinPad:
        """Return a PIN pad whose block fill comes from the stream ``pin_pad/<name>``."""
        return PinPad(self.keys.zone_pin_key, self.keys.algorithm, self.rng(f"pin_pad/{name}"))

    def issue_card(
        self,
        member: str,
        *,
        batch: bool = True,
        pin: str | None = None,
        account_class: AccountClass = AccountClass.II,
        welfare: bool = False,
    ) -> tuple[CardRecord, EmulatedCard]:
        """Issue a card and write its chip; open the welfare account too if asked.

        Raises ``ValueError`` when the issuer refuses (the member already has a card).
        """
        record, reason = self.issuer.issue_card(member, account_class, batch=batch, pin=pin)
        if record is None:
            raise ValueError(f"card for member {member!r} was not issued: {reason}")
        if welfare:
            self.issuer.open_welfare_account(member)
        return record, EmulatedCard.personalise(self.issuer, record)

    def close(self) -> None:
        self.ledger.flush()
        self.ledger.store.close()
