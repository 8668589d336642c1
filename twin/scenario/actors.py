"""Named actors that a script follows: unions, members, merchants and branches.

Ids are unique across all four kinds, because step and run expectations look
balances up by id alone (``m1`` for a member, ``u1`` for a union).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError
from stdnum.cn import ric

from twin.scenario.base import ScenarioModel
from twin.scenario.fields import City, County, Fen, Identifier, LocalDate, Mcc

__all__ = ["UnionActor", "MemberActor", "MerchantActor", "BranchActor", "Actors", "Actor"]


class UnionActor(ScenarioModel):
    """A grassroots union with a corporate account at the bank."""

    id: Identifier
    """Id used by steps and expectations."""

    name: str = Field(min_length=1)
    """Name of the union (``南昌市总工会机关工会``)."""

    city: City
    """City of the union."""

    county: County | None = None
    """County of the union, if it belongs to a county federation."""

    industry: str | None = None
    """Industry union it reports to, if any (``电力``)."""

    corporate_balance: Fen = 0
    """Balance of the union's corporate account at the start, in yuan."""


class MemberActor(ScenarioModel):
    """A union member that a script follows by name."""

    id: Identifier
    """Id used by steps and expectations."""

    name: str = Field(min_length=1)
    """Real name (synthetic in every shipped scenario); masked in logs and reports."""

    union: Identifier
    """Id of the member's grassroots union among the actors."""

    city: City
    """City where the member lives."""

    county: County | None = None
    """County where the member lives."""

    account_class: Literal["I", "II"] = "II"
    """Class of the card's accounts: class II has daily and yearly limits, class I none."""

    enrolled: bool = True
    """Whether the member is in the real-name registry at the start."""

    id_number: str | None = None
    """Resident ID number (18 characters, valid check digit); generated when omitted."""

    birthday: LocalDate | None = None
    """Date of birth; taken from the ID number, or generated, when omitted."""

    car: bool = False
    """Whether the member's household owns a car (needed for ETC sign-up)."""

    @field_validator("id_number")
    @classmethod
    def _valid_id_number(cls, value: str | None) -> str | None:
        if value is not None and not ric.is_valid(value):
            raise PydanticCustomError("id_number", "id_number: {value}", {"value": _masked(value)})
        return value

    def birth_date(self) -> dt.date | None:
        """Return the date of birth from ``birthday`` or else the ID number."""
        if self.birthday is not None:
            return self.birthday
        if self.id_number is not None:
            return ric.get_birth_date(self.id_number)
        return None


class MerchantActor(ScenarioModel):
    """A merchant with one POS terminal."""

    id: Identifier
    """Id used by steps."""

    name: str = Field(min_length=1)
    """Shop name shown on receipts."""

    city: City
    """City of the shop."""

    county: County | None = None
    """County of the shop."""

    designated: bool
    """Whether the merchant is designated: the welfare account pays here first."""

    mcc: Mcc
    """Merchant category code, in quotes (``"5411"`` for a supermarket)."""

    campaigns: list[str] = Field(default_factory=list)
    """Names of the province's merchant campaigns this merchant runs."""


class BranchActor(ScenarioModel):
    """A bank branch that issues, activates and services cards."""

    id: Identifier
    """Id used by steps and faults."""

    name: str = Field(min_length=1)
    """Branch name (``建行南昌东湖支行``)."""

    city: City
    """City of the branch."""

    county: County | None = None
    """County of the branch."""

    counters: int = Field(default=3, ge=1)
    """Counters serving card business."""


Actor = UnionActor | MemberActor | MerchantActor | BranchActor


class Actors(ScenarioModel):
    """The named actors of a scenario, each list empty by default."""

    unions: list[UnionActor] = Field(default_factory=list)
    """Grassroots unions."""

    members: list[MemberActor] = Field(default_factory=list)
    """Members; enrolled in the real-name registry unless ``enrolled: false``."""

    merchants: list[MerchantActor] = Field(default_factory=list)
    """Merchants."""

    branches: list[BranchActor] = Field(default_factory=list)
    """Bank branches."""

    def by_id(self) -> dict[str, Actor]:
        """Return every actor keyed by its id."""
        everyone: list[Actor] = [*self.unions, *self.members, *self.merchants, *self.branches]
        return {actor.id: actor for actor in everyone}

    def members_of(self, union: str) -> list[MemberActor]:
        """Return the members of the union ``union`` in file order."""
        return [member for member in self.members if member.union == union]


def _masked(id_number: str) -> str:
    # Personal data stays out of error messages: keep the region and the last digit.
    if len(id_number) <= 7:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 7) + id_number[-1]
