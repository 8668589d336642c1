"""Parameters of the synthetic province, with documented defaults.

Every share, rate and size here is a modelling assumption, because the
programme's documents publish none of them. The census figures are the
exception. The scenario loader
fills a :class:`PopulationParams` from a scenario's ``province`` section;
anything it leaves out keeps the default below. ``docs/population.md`` explains
each default.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, fields

from twin.population.regions import CENSUS_2020_RESIDENTS

__all__ = [
    "ACCOUNT_CLASSES",
    "COUNTY_KINDS",
    "EMPLOYER_TYPES",
    "MCC_CODES",
    "AgeBand",
    "NamedUnit",
    "ParamsError",
    "PopulationParams",
]

#: Employer types, in the order of their int8 codes in ``Members.employer_type``.
EMPLOYER_TYPES = ("government", "public_institution", "soe", "private", "foreign", "migrant")

#: Merchant category codes the twin names and labels: supermarket, restaurant,
#: fuel, transit, pharmacy, cinema, convenience store, department store. Other
#: four-digit codes may appear in the MCC weights; see ``PopulationParams.mcc_codes``.
MCC_CODES = ("5411", "5812", "5541", "4111", "5912", "7832", "5499", "5311")

#: Kinds of county-level division (区, 市, 县) as :class:`~twin.population.regions.County` names them.
COUNTY_KINDS = ("district", "city", "county")

ACCOUNT_CLASSES = (1, 2)


class ParamsError(ValueError):
    """A population parameter outside its allowed range.

    ``field`` names the parameter, ``value`` is what was given and ``expected``
    describes the allowed values, so a loader can show its own message.
    """

    def __init__(self, field_name: str, value: object, expected: str) -> None:
        super().__init__(f"population.{field_name}: {value!r} is invalid; expected {expected}")
        self.field = field_name
        self.value = value
        self.expected = expected


@dataclass(frozen=True)
class AgeBand:
    """Members aged ``first`` to ``last`` years (both included) get ``weight``."""

    first: int
    last: int
    weight: float


@dataclass(frozen=True)
class NamedUnit:
    """A grassroots union that exists by name, with its size before scaling.

    ``parent`` is ``"province"`` (directly affiliated to the province
    federation), ``"city"`` (the city federation of ``city``) or the name of a
    province industry union. A ``spread`` unit has members in every county, in
    proportion to the counties' members; otherwise all its members live in
    ``county`` of ``city``.
    """

    name: str
    parent: str
    city: str
    county: str
    members: int
    employer_type: str
    spread: bool = False


def _default_age_bands() -> tuple[AgeBand, ...]:
    return (
        AgeBand(18, 24, 0.08),
        AgeBand(25, 34, 0.26),
        AgeBand(35, 44, 0.27),
        AgeBand(45, 54, 0.27),
        AgeBand(55, 60, 0.12),
    )


def _default_named_units() -> tuple[NamedUnit, ...]:
    return (
        NamedUnit("省总工会机关工会", "province", "南昌市", "东湖区", 300, "government"),
        NamedUnit(
            "省直工委机关工会", "江西省直机关工会工作委员会", "南昌市", "东湖区", 150, "government"
        ),
        NamedUnit(
            "国网江西省电力有限公司工会", "province", "南昌市", "东湖区", 30_000, "soe", spread=True
        ),
        NamedUnit("江西铜业集团有限公司工会", "province", "鹰潭市", "贵溪市", 20_000, "soe"),
        NamedUnit("江西省投资集团有限公司工会", "province", "南昌市", "红谷滩区", 8_000, "soe"),
        NamedUnit(
            "江西省交通投资集团有限责任公司工会",
            "province",
            "南昌市",
            "红谷滩区",
            12_000,
            "soe",
            spread=True,
        ),
    )


def _default_industry_unions() -> dict[str, float]:
    return {
        "江西省直机关工会工作委员会": 0.10,
        "江西省教科文卫体工会": 0.30,
        "江西省能源化学地质工会": 0.12,
        "江西省机械冶金建材工会": 0.16,
        "江西省财贸轻纺烟草工会": 0.14,
        "江西省农林水利气象工会": 0.10,
        "江西省交通运输邮电工会": 0.08,
    }


@dataclass(frozen=True)
class PopulationParams:
    """Parameters of the synthetic province; shares are fractions in [0, 1]."""

    # Size and place
    members: int = 8_000_000
    scale: float = 1.0
    reference_date: dt.date = dt.date(2020, 1, 1)
    city_residents: dict[str, int] = field(default_factory=lambda: dict(CENSUS_2020_RESIDENTS))
    county_weights: dict[str, float] = field(
        default_factory=lambda: {"district": 1.5, "city": 1.2, "county": 1.0}
    )
    #: Cities drawn (empty: every city). Each keeps what a draw of the whole
    #: province gives it: members per county, named units, branches, merchants.
    cities: tuple[str, ...] = ()

    # People
    age_bands: tuple[AgeBand, ...] = field(default_factory=_default_age_bands)
    male_share: float = 0.55
    employer_shares: dict[str, float] = field(
        default_factory=lambda: {
            "government": 0.06,
            "public_institution": 0.14,
            "soe": 0.12,
            "private": 0.44,
            "foreign": 0.04,
            "migrant": 0.20,
        }
    )
    car_ownership: dict[str, float] | float = field(
        default_factory=lambda: {
            "government": 0.55,
            "public_institution": 0.50,
            "soe": 0.50,
            "private": 0.35,
            "foreign": 0.45,
            "migrant": 0.12,
        }
    )
    app_use_at_youngest: float = 0.85
    app_use_at_oldest: float = 0.35
    transit_use_nanchang: float = 0.45
    transit_use_elsewhere: float = 0.15
    spending_sigma: float = 0.6
    mcc_preferences: dict[str, float] = field(
        default_factory=lambda: {
            "5411": 0.35,
            "5812": 0.25,
            "5541": 0.10,
            "4111": 0.0,
            "5912": 0.10,
            "7832": 0.05,
            "5499": 0.15,
        }
    )
    class_i_share: float = 0.30
    enrolled_share: float = 0.90

    # Unions
    grassroots_mean_size: float = 110.0
    grassroots_size_sigma: float = 1.5
    grassroots_min_size: int = 3
    industry_unions: dict[str, float] = field(default_factory=_default_industry_unions)
    industry_attachment_share: float = 0.15
    city_office_union_members: int = 80
    named_units: tuple[NamedUnit, ...] = field(default_factory=_default_named_units)
    pilot_units: tuple[str, ...] = (
        "省总工会机关工会",
        "省直工委机关工会",
        "国网江西省电力有限公司工会",
        "南昌市总工会机关工会",
        "宜春市总工会机关工会",
    )
    pilot_counties: tuple[tuple[str, str], ...] = (
        ("南昌市", "安义县"),
        ("宜春市", "万载县"),
        ("抚州市", "乐安县"),
    )

    # Bank branches and worker service centres (not scaled: the network is physical)
    branches: int = 300
    branch_counters: tuple[int, int] = (2, 6)
    branch_extra_staff: int = 3
    branch_opens_at: dt.time = dt.time(9, 0)
    branch_closes_at: dt.time = dt.time(17, 0)
    branch_rest_day_share: float = 0.6
    service_centre_window_share: float = 0.6

    # Merchants (scaled with the members)
    merchants_per_10k_members: float = 25.0
    mcc_shares: dict[str, float] = field(
        default_factory=lambda: {
            "5411": 0.22,
            "5812": 0.30,
            "5541": 0.06,
            "4111": 0.01,
            "5912": 0.10,
            "7832": 0.03,
            "5499": 0.28,
        }
    )
    designated_share: float = 0.30
    campaign_share: float = 0.25

    def __post_init__(self) -> None:
        _check_params(self)

    @property
    def member_count(self) -> int:
        """Return the number of members drawn: ``members`` times ``scale``, rounded."""
        return round(self.members * self.scale)

    @property
    def mcc_codes(self) -> tuple[str, ...]:
        """Return the MCCs that ``Members.preferred_mcc`` and ``Merchants.mcc`` index.

        The codes of ``MCC_CODES`` come first, then any other code found in
        ``mcc_shares`` or ``mcc_preferences``, in ascending order.
        """
        extra = (set(self.mcc_shares) | set(self.mcc_preferences)) - set(MCC_CODES)
        return MCC_CODES + tuple(sorted(extra))

    def car_rate(self, employer_type: str) -> float:
        """Return the car ownership rate of members with ``employer_type``."""
        if isinstance(self.car_ownership, dict):
            return self.car_ownership[employer_type]
        return self.car_ownership

    @property
    def age_range(self) -> tuple[int, int]:
        """Return the youngest and oldest member age, in whole years."""
        return min(b.first for b in self.age_bands), max(b.last for b in self.age_bands)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


# Private interface


def _check_params(p: PopulationParams) -> None:
    _check_size(p)
    _check_people(p)
    _check_unions(p)
    _check_places(p)


def _check_size(p: PopulationParams) -> None:
    if p.members < 1:
        raise ParamsError("members", p.members, "a positive number of members")
    if not (0 < p.scale <= 1_000) or not math.isfinite(p.scale):
        raise ParamsError("scale", p.scale, "a factor above 0, for example 0.01 for 1%")
    if p.member_count < 1:
        raise ParamsError("scale", p.scale, "a factor that leaves at least one member")
    _check_weights("city_residents", p.city_residents, CENSUS_2020_RESIDENTS)
    _check_weights("county_weights", p.county_weights, COUNTY_KINDS)
    unknown = sorted(set(p.cities) - set(CENSUS_2020_RESIDENTS))
    if unknown:
        raise ParamsError("cities", unknown[0], f"one of {sorted(CENSUS_2020_RESIDENTS)}")


def _check_people(p: PopulationParams) -> None:
    _check_age_bands(p.age_bands)
    _check_weights("employer_shares", p.employer_shares, EMPLOYER_TYPES)
    _check_mcc_weights("mcc_preferences", p.mcc_preferences)
    if isinstance(p.car_ownership, dict):
        _check_rates("car_ownership", p.car_ownership, EMPLOYER_TYPES)
    else:
        _check_share("car_ownership", p.car_ownership)
    for name in (
        "male_share",
        "app_use_at_youngest",
        "app_use_at_oldest",
        "transit_use_nanchang",
        "transit_use_elsewhere",
        "class_i_share",
        "enrolled_share",
    ):
        _check_share(name, getattr(p, name))
    if p.spending_sigma < 0:
        raise ParamsError("spending_sigma", p.spending_sigma, "a standard deviation of 0 or more")


def _check_unions(p: PopulationParams) -> None:
    _check_weights("industry_unions", p.industry_unions, None)
    _check_share("industry_attachment_share", p.industry_attachment_share)
    if p.grassroots_min_size < 1:
        raise ParamsError("grassroots_min_size", p.grassroots_min_size, "at least 1 member")
    if p.grassroots_mean_size < p.grassroots_min_size:
        raise ParamsError(
            "grassroots_mean_size", p.grassroots_mean_size, "a mean at least grassroots_min_size"
        )
    if p.grassroots_size_sigma < 0:
        raise ParamsError("grassroots_size_sigma", p.grassroots_size_sigma, "0 or more")
    if p.city_office_union_members < 1:
        raise ParamsError("city_office_union_members", p.city_office_union_members, "at least 1")

    names = [unit.name for unit in p.named_units]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ParamsError("named_units", duplicates[0], "each named unit once")
    for unit in p.named_units:
        if unit.members < 1:
            raise ParamsError("named_units", unit, "at least 1 member in each named unit")
        if unit.employer_type not in EMPLOYER_TYPES:
            raise ParamsError("named_units", unit.employer_type, f"one of {EMPLOYER_TYPES}")
        if unit.parent not in ("province", "city") and unit.parent not in p.industry_unions:
            raise ParamsError(
                "named_units", unit.parent, "'province', 'city' or a name in industry_unions"
            )


def _check_places(p: PopulationParams) -> None:
    if p.branches < 1:
        raise ParamsError("branches", p.branches, "at least 1 branch")
    low, high = p.branch_counters
    if not 1 <= low <= high:
        raise ParamsError("branch_counters", p.branch_counters, "(min, max) with 1 <= min <= max")
    if p.branch_extra_staff < 0:
        raise ParamsError("branch_extra_staff", p.branch_extra_staff, "0 or more")
    if p.branch_opens_at >= p.branch_closes_at:
        raise ParamsError("branch_opens_at", p.branch_opens_at, "a time before branch_closes_at")
    for name in ("branch_rest_day_share", "service_centre_window_share"):
        _check_share(name, getattr(p, name))

    if p.merchants_per_10k_members < 0:
        raise ParamsError("merchants_per_10k_members", p.merchants_per_10k_members, "0 or more")
    _check_mcc_weights("mcc_shares", p.mcc_shares)
    if len(p.mcc_codes) > 127:
        raise ParamsError("mcc_shares", len(p.mcc_codes), "at most 127 merchant category codes")
    for name in ("designated_share", "campaign_share"):
        _check_share(name, getattr(p, name))


def _check_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ParamsError(name, value, "a fraction from 0 to 1")


def _check_weights(name: str, weights: dict, known: object) -> None:
    if known is not None:
        unknown = set(weights) - set(known)
        if unknown:
            raise ParamsError(name, sorted(unknown)[0], f"one of {sorted(known)}")
    if any(not (w >= 0 and math.isfinite(w)) for w in weights.values()):
        raise ParamsError(name, weights, "weights that are 0 or more")
    if sum(weights.values()) <= 0:
        raise ParamsError(name, weights, "at least one weight above 0")


def _check_mcc_weights(name: str, weights: dict) -> None:
    for code in weights:
        if not (isinstance(code, str) and len(code) == 4 and code.isdigit()):
            raise ParamsError(
                name, code, 'a four-digit merchant category code in quotes, such as "5411"'
            )
    _check_weights(name, weights, None)


def _check_rates(name: str, rates: dict, known: tuple[str, ...]) -> None:
    missing = set(known) - set(rates)
    if missing:
        raise ParamsError(name, sorted(missing)[0], "a rate for every employer type")
    for key, value in rates.items():
        _check_share(f"{name}.{key}", value)


def _check_age_bands(bands: tuple[AgeBand, ...]) -> None:
    if not bands:
        raise ParamsError("age_bands", bands, "at least one band")
    for band in bands:
        if not 16 <= band.first <= band.last <= 100 or band.weight < 0:
            raise ParamsError("age_bands", band, "16 <= first <= last <= 100 and weight >= 0")
    if sum(b.weight for b in bands) <= 0:
        raise ParamsError("age_bands", bands, "at least one band with weight above 0")
