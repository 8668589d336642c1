"""Names and resident ID numbers of synthetic members, made on demand.

No string is stored per member. A member's 18-digit resident ID number is
composed from three stored columns: the region code (6 digits), the birth date
(8 digits, YYYYMMDD) and the sequence code (3 digits, odd for men and even for
women). The ISO 7064 MOD 11-2 check digit follows, with ``X`` for 10.
A member's name comes from a counter-based hash of the seed and the member
index, drawn from Faker's zh_CN data: surnames by their frequency weights, given
names from the list for the member's sex.

:func:`assign_sequences` gives every member a sequence code that no other member
with the same region code, birth date and sex has, so ID numbers are unique.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np

from twin.population.streams import counter_hash, hash_to_unit

__all__ = [
    "SEX_MALE",
    "SEX_FEMALE",
    "MemberIdentity",
    "assign_sequences",
    "birth_dates",
    "check_digits",
    "member_names",
    "resident_id_numbers",
    "mask_name",
    "mask_id_number",
]

#: Sex codes as GB/T 2261.1 numbers them.
SEX_MALE = 1
SEX_FEMALE = 2

#: Sequence codes per sex: 000-999 split by parity.
_CODES_PER_SEX = 500
_CHECK_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_CHECK_CHARS = np.frombuffer(b"0123456789X", dtype=np.uint8)


@dataclass(frozen=True)
class MemberIdentity:
    """The personal data of one synthetic member (unmasked: mask before showing)."""

    index: int
    name: str
    sex: int
    birth_date: dt.date
    id_number: str
    city: str
    county: str

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


def birth_dates(birth_day: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split days since 1970-01-01 into year, month and day arrays (int64).

    Integer arithmetic on the proleptic Gregorian calendar (Howard Hinnant's
    ``civil_from_days``), several times faster than ``datetime64`` casts.
    """
    z = np.asarray(birth_day, dtype=np.int64) + 719_468
    era = z // 146_097
    day_of_era = z - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1_460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153  # 0 is March
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = np.where(shifted_month < 10, shifted_month + 3, shifted_month - 9)
    year = year_of_era + era * 400 + (month <= 2)
    return year, month, day


def check_digits(body: np.ndarray) -> np.ndarray:
    """Return the ISO 7064 MOD 11-2 check characters (ASCII codes) of 17-digit bodies.

    ``body`` has shape ``(n, 17)`` and contains digit values 0-9.
    """
    remainder = (np.asarray(body, dtype=np.int64) @ _CHECK_WEIGHTS) % 11
    return _CHECK_CHARS[(12 - remainder) % 11]


def resident_id_numbers(
    region_code: np.ndarray, birth_day: np.ndarray, sequence: np.ndarray
) -> np.ndarray:
    """Compose 18-character resident ID numbers (a ``<U18`` array) from their parts."""
    year, month, day = birth_dates(birth_day)
    body_value = (
        np.asarray(region_code, dtype=np.int64) * 10**11
        + (year * 10_000 + month * 100 + day) * 1_000
        + np.asarray(sequence, dtype=np.int64)
    )
    places = 10 ** np.arange(16, -1, -1, dtype=np.int64)
    body = (body_value[:, None] // places) % 10
    characters = np.empty((len(body_value), 18), dtype=np.uint8)
    characters[:, :17] = body + ord("0")
    characters[:, 17] = check_digits(body)
    return characters.view("S18").ravel().astype("U18")


def assign_sequences(
    region_code: np.ndarray, birth_day: np.ndarray, sex: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Return a sequence code (int16) per member, unique within region, birth date and sex.

    Members sharing a region, birth date and sex get consecutive codes (of their
    parity) from a random start, wrapping after 998 or 999. Raises ``ValueError``
    when more than 500 members share one, because the ID format has no room
    for them.
    """
    count = len(region_code)
    if count == 0:
        return np.zeros(0, dtype=np.int16)
    # One sort on a packed key: group (region, birth day, sex) above a random tiebreak.
    region_offset = np.asarray(region_code, dtype=np.int64) - int(np.min(region_code))
    day_offset = np.asarray(birth_day, dtype=np.int64) - int(np.min(birth_day))
    if region_offset.max() >= 2**12 or day_offset.max() >= 2**19:
        raise ValueError(
            f"cannot pack region codes spanning {region_offset.max() + 1} (at most {2**12}) "
            f"and birth days spanning {day_offset.max() + 1} days (at most {2**19}) into one sort key"
        )
    group = (region_offset.astype(np.uint64) << np.uint64(20)) | (
        day_offset.astype(np.uint64) << np.uint64(1)
    )
    group |= (np.asarray(sex) == SEX_MALE).astype(np.uint64)
    tiebreak = rng.integers(0, 2**32, size=count, dtype=np.uint64)
    order = np.argsort((group << np.uint64(32)) | tiebreak)
    group_sorted = group[order]
    starts = np.ones(count, dtype=bool)
    starts[1:] = group_sorted[1:] != group_sorted[:-1]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(count), 0))
    rank = np.arange(count) - group_start
    if rank.max() >= _CODES_PER_SEX:
        raise ValueError(
            f"{rank.max() + 1} members share one region code, birth date and sex; "
            f"resident ID numbers allow {_CODES_PER_SEX}. Widen the age bands or lower the scale."
        )
    offset = tiebreak[order][group_start] % _CODES_PER_SEX
    half = (offset + rank.astype(np.uint64)) % _CODES_PER_SEX
    sequence_sorted = 2 * half.astype(np.int64) + (group_sorted & np.uint64(1)).astype(np.int64)
    sequence = np.empty(count, dtype=np.int16)
    sequence[order] = sequence_sorted
    return sequence


def member_names(key: int, index: np.ndarray, sex: np.ndarray) -> list[str]:
    """Return the names of members ``index`` with sexes ``sex``, from the name key."""
    surnames, cumulative, male, female = _name_tables()
    hashed = counter_hash(key, np.asarray(index, dtype=np.uint64))
    surname = np.searchsorted(cumulative, hash_to_unit(hashed) * cumulative[-1], side="right")
    surname = np.minimum(surname, len(surnames) - 1)
    pick = (hashed & np.uint64(0xFFFFFFFF)).astype(np.int64)
    names: list[str] = []
    for s, p, x in zip(surname.tolist(), pick.tolist(), np.asarray(sex).tolist(), strict=True):
        given = male if x == SEX_MALE else female
        names.append(surnames[s] + given[p % len(given)])
    return names


def mask_name(name: str) -> str:
    """Mask all but the first character of a name: 张三丰 -> 张**."""
    return name[:1] + "*" * (len(name) - 1)


def mask_id_number(number: str) -> str:
    """Mask all but the first four and the last four characters of an ID number."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


@cache
def _name_tables() -> tuple[tuple[str, ...], np.ndarray, tuple[str, ...], tuple[str, ...]]:
    # Imported here so that importing the package does not load Faker.
    from faker.providers.person.zh_CN import Provider as _ChineseNames

    surnames = tuple(_ChineseNames.last_names)
    cumulative = np.cumsum([_ChineseNames.last_names[s] for s in surnames])
    return (
        surnames,
        cumulative,
        tuple(_ChineseNames.first_names_male),
        tuple(_ChineseNames.first_names_female),
    )
