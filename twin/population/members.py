"""Union members as columns of small numpy arrays.

One row per member, numbered 0 to n-1 in union order (see
:mod:`twin.population.unions`). About 29 bytes per member: names and ID numbers
are not stored but composed on demand (:mod:`twin.population.identity`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np

from twin.population.identity import (
    SEX_FEMALE,
    SEX_MALE,
    assign_sequences,
    birth_dates,
    member_names,
    resident_id_numbers,
)
from twin.population.params import EMPLOYER_TYPES, PopulationParams
from twin.population.regions import FIRST_TABLE_YEAR, Divisions, id_region_code_table
from twin.population.streams import Streams
from twin.population.unions import Unions

__all__ = ["Members", "generate_members", "ages_on", "days_since_epoch"]

_EPOCH = dt.date(1970, 1, 1)


@dataclass
class Members:
    """Columns of the member table; every array has one entry per member.

    ``birth_day`` counts days since 1970-01-01. ``sex`` is 1 (male) or 2
    (female). ``id_region_code`` and ``id_sequence`` are the region and sequence
    parts of the resident ID number. ``employer_type`` indexes
    ``EMPLOYER_TYPES`` and ``preferred_mcc`` indexes ``PopulationParams.mcc_codes``.
    ``spend_propensity`` multiplies a member's card spending (mean 1).
    ``enrolled`` is the member's state in the real-name registry when the
    province is built.
    """

    city: np.ndarray  # int8, city index
    county: np.ndarray  # int16, county index
    union: np.ndarray  # int32, grassroots union index
    birth_day: np.ndarray  # int32
    sex: np.ndarray  # int8
    id_region_code: np.ndarray  # int32
    id_sequence: np.ndarray  # int16
    employer_type: np.ndarray  # int8
    car_owner: np.ndarray  # bool
    app_user: np.ndarray  # bool
    transit_user: np.ndarray  # bool
    spend_propensity: np.ndarray  # float32
    preferred_mcc: np.ndarray  # int8
    account_class: np.ndarray  # int8, 1 or 2
    enrolled: np.ndarray  # bool
    name_key: int

    def __len__(self) -> int:
        return len(self.city)

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        """Return the names of the array fields."""
        return tuple(f.name for f in fields(cls) if f.name != "name_key")

    @property
    def index(self) -> np.ndarray:
        """Return the member indices 0 to n-1 (computed, not stored)."""
        return np.arange(len(self), dtype=np.int64)

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in self.columns())

    def id_numbers(self, indices: np.ndarray | None = None) -> np.ndarray:
        """Return the resident ID numbers of ``indices`` (all members by default)."""
        rows = slice(None) if indices is None else np.asarray(indices)
        return resident_id_numbers(
            self.id_region_code[rows], self.birth_day[rows], self.id_sequence[rows]
        )

    def names(self, indices: np.ndarray) -> list[str]:
        """Return the names of members ``indices``."""
        indices = np.asarray(indices, dtype=np.int64)
        return member_names(self.name_key, indices, self.sex[indices])


def days_since_epoch(date: dt.date) -> int:
    return (date - _EPOCH).days


def ages_on(birth_day: np.ndarray, date: dt.date) -> np.ndarray:
    """Return completed years of age on ``date`` (int64) for each birth day."""
    year, month, day = birth_dates(birth_day)
    before_birthday = (month > date.month) | ((month == date.month) & (day > date.day))
    return date.year - year - before_birthday


def generate_members(
    params: PopulationParams,
    division: Divisions,
    unions: Unions,
    member_county: np.ndarray,
    streams: Streams,
) -> Members:
    """Draw every member's attributes; ``member_county`` comes from the allocation."""
    count = len(member_county)
    grassroots = unions.grassroots
    union = np.repeat(np.arange(len(grassroots), dtype=np.int32), grassroots.size)
    county = member_county.astype(np.int16)
    city = division.county_city()[county]

    sex = np.where(
        streams.stream("members/sex").random(count) < params.male_share, SEX_MALE, SEX_FEMALE
    ).astype(np.int8)
    birth_day = _draw_birth_days(params, count, streams.stream("members/birth"))
    year, _, _ = birth_dates(birth_day)
    region_code = id_region_code_table()[county, year - FIRST_TABLE_YEAR]
    sequence = assign_sequences(region_code, birth_day, sex, streams.stream("members/id_sequence"))

    employer = grassroots.employer_type[union]
    car_rate = np.array([params.car_rate(e) for e in EMPLOYER_TYPES])[employer]
    car_owner = streams.stream("members/car").random(count) < car_rate
    app_user = streams.stream("members/app").random(count) < _app_use_rate(params, birth_day)
    nanchang = division.city("南昌市").index
    transit_rate = np.where(
        city == nanchang, params.transit_use_nanchang, params.transit_use_elsewhere
    )
    transit_user = streams.stream("members/transit").random(count) < transit_rate

    sigma = params.spending_sigma
    spend = streams.stream("members/spending").lognormal(-(sigma**2) / 2, sigma, count)
    codes = params.mcc_codes
    preferences = np.array([params.mcc_preferences.get(m, 0.0) for m in codes])
    preferred_mcc = streams.stream("members/mcc").choice(
        len(codes), size=count, p=preferences / preferences.sum()
    )
    class_i = streams.stream("members/account_class").random(count) < params.class_i_share
    enrolled = streams.stream("members/enrolled").random(count) < params.enrolled_share

    return Members(
        city=city.astype(np.int8),
        county=county,
        union=union,
        birth_day=birth_day,
        sex=sex,
        id_region_code=region_code.astype(np.int32),
        id_sequence=sequence,
        employer_type=employer.astype(np.int8),
        car_owner=car_owner,
        app_user=app_user,
        transit_user=transit_user,
        spend_propensity=spend.astype(np.float32),
        preferred_mcc=preferred_mcc.astype(np.int8),
        account_class=np.where(class_i, 1, 2).astype(np.int8),
        enrolled=enrolled,
        name_key=streams.key64("members/names"),
    )


# Private interface


def _years_before(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year - years)
    except ValueError:  # 29 February in a year without one
        return date.replace(year=date.year - years, day=28)


def _draw_birth_days(params: PopulationParams, count: int, rng: np.random.Generator) -> np.ndarray:
    # A member aged a on the reference date was born after the date a + 1 years
    # earlier and on or before the date a years earlier.
    reference = params.reference_date
    latest = np.array(
        [days_since_epoch(_years_before(reference, b.first)) for b in params.age_bands]
    )
    earliest = np.array(
        [days_since_epoch(_years_before(reference, b.last + 1)) + 1 for b in params.age_bands]
    )
    weights = np.array([b.weight for b in params.age_bands], dtype=float)
    band = rng.choice(len(weights), size=count, p=weights / weights.sum())
    offset = rng.random(count) * (latest[band] - earliest[band] + 1)
    return (earliest[band] + offset.astype(np.int64)).astype(np.int32)


def _app_use_rate(params: PopulationParams, birth_day: np.ndarray) -> np.ndarray:
    youngest, oldest = params.age_range
    age = ages_on(birth_day, params.reference_date)
    position = np.clip((age - youngest) / max(oldest - youngest, 1), 0.0, 1.0)
    return (
        params.app_use_at_youngest
        + (params.app_use_at_oldest - params.app_use_at_youngest) * position
    )
