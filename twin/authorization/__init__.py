"""The authorization core: one pipeline that decides every card request.

Public names::

    AuthorizationCore, CoreSettings     the pipeline
    Issuer, IssuerSettings              cards, accounts, merchants, unions
    CardRecord, CardStatus, Merchant, Campaign
    Request, Response, Kind, Channel, AccountType, ChipData
    ResponseCode

It imports the ledger and small shared modules, never simpy, and takes time
only from the clock it is given.
"""

from twin.authorization.codes import ResponseCode
from twin.authorization.issuer import (
    Campaign,
    CardRecord,
    CardStatus,
    Issuer,
    IssuerSettings,
    Merchant,
)
from twin.authorization.pipeline import AuthorizationCore, CoreSettings
from twin.authorization.requests import AccountType, Channel, ChipData, Kind, Request, Response

__all__ = [
    "AccountType",
    "AuthorizationCore",
    "Campaign",
    "CardRecord",
    "CardStatus",
    "Channel",
    "ChipData",
    "CoreSettings",
    "Issuer",
    "IssuerSettings",
    "Kind",
    "Merchant",
    "Request",
    "Response",
    "ResponseCode",
]
