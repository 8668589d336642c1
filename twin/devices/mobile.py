"""The bank's remote channels: mobile banking, WeChat banking, SMS and QR payment.

Balance inquiries come from the holder's phone, already logged in to the
bank's app or bound to the WeChat account or phone number, so they carry no
PIN and no chip data. All three channels may show the welfare account.

QR payment (龙支付) is a purchase made with the bank's app: the holder scans the
merchant's code and confirms in the app, which authenticates the holder, so the
request carries no PIN and no chip data. It follows the same account rules as a
card purchase: at a designated merchant the welfare account pays first.

Each channel is one gateway with its own terminal id and STAN counter. A STAN
has six digits, so one gateway sends at most 999,999 requests a day before its
STANs repeat. A simulation with more traffic uses several gateways.
"""

from __future__ import annotations

import numpy as np

from twin.authorization import AccountType, AuthorizationCore, Channel, Kind, Request
from twin.devices.terminal import Link, Outcome, Terminal, always_delivered

__all__ = ["BalanceChannel", "QrPayment"]

_INQUIRY_CHANNELS = (Channel.MOBILE, Channel.WECHAT, Channel.SMS)


class BalanceChannel:
    """Balance inquiries through mobile banking, WeChat banking or SMS."""

    def __init__(
        self,
        core: AuthorizationCore,
        channel: Channel,
        terminal_id: str,
        rng: np.random.Generator,
        link: Link = always_delivered,
    ) -> None:
        if channel not in _INQUIRY_CHANNELS:
            raise ValueError(f"balance channel must be mobile, wechat or sms, not {channel.value}")
        self.channel = channel
        self.terminal = Terminal(core, terminal_id, rng, link)

    def balance(self, pan: str, account: AccountType = AccountType.MAIN) -> Outcome:
        return self.terminal.send_new(Kind.BALANCE, self.channel, pan, account=account)


class QrPayment:
    """The bank app's QR payment gateway (龙支付)."""

    def __init__(
        self,
        core: AuthorizationCore,
        terminal_id: str,
        rng: np.random.Generator,
        link: Link = always_delivered,
    ) -> None:
        self.terminal = Terminal(core, terminal_id, rng, link)

    def pay(self, pan: str, merchant_id: str, amount: int) -> Outcome:
        """Pay ``amount`` fen to the merchant whose code the holder scanned."""
        return self.terminal.send(self.build_payment(pan, merchant_id, amount))

    def build_payment(self, pan: str, merchant_id: str, amount: int) -> Request:
        """Build a QR payment without sending it, for ``core.authorize_batch``.

        Pass the response to ``terminal.receive``.
        """
        return self.terminal.build_new(Kind.PURCHASE, Channel.QR, pan, amount=amount, merchant_id=merchant_id)
