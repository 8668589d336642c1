import datetime as dt

import numpy as np
import pytest
from faker.providers.person.zh_CN import Provider as ChineseNames
from stdnum.cn import ric

from twin.population import SEX_FEMALE, SEX_MALE, Streams, ages_on, mask_id_number, mask_name
from twin.population.identity import assign_sequences, birth_dates, check_digits


@pytest.fixture(scope="module")
def id_numbers(small_province):
    return small_province.members.id_numbers()


def test_every_id_number_valid(id_numbers):
    invalid = [n for n in id_numbers if not ric.is_valid(n)]
    assert invalid == []


def test_id_numbers_unique(id_numbers):
    assert len(np.unique(id_numbers)) == len(id_numbers)


def test_id_regions_are_jiangxi_counties(id_numbers):
    regions = {n[:6] for n in id_numbers}
    not_jiangxi = [r for r in regions if not r.startswith("36")]
    not_county = [r for r in regions if r.endswith(("00", "01"))]
    assert not_jiangxi == []
    assert not_county == []


def test_id_region_known_to_stdnum(id_numbers):
    places = {ric.get_birth_place(n)["county"] for n in id_numbers[:2000]}
    assert "市辖区" not in places


def test_id_birth_date_matches_member(small_province, id_numbers):
    members = small_province.members
    epoch = dt.date(1970, 1, 1)
    mismatched = [
        i
        for i in range(0, len(members), 97)
        if ric.get_birth_date(id_numbers[i]) != epoch + dt.timedelta(days=int(members.birth_day[i]))
    ]
    assert mismatched == []


def test_ages_within_range(small_province, small_params):
    ages = ages_on(small_province.members.birth_day, small_params.reference_date)
    youngest, oldest = small_params.age_range
    assert ages.min() >= youngest
    assert ages.max() <= oldest


def test_age_from_id_within_range(small_params, id_numbers):
    reference = small_params.reference_date
    youngest, oldest = small_params.age_range
    out_of_range = []
    for number in id_numbers[::50]:
        born = ric.get_birth_date(number)
        age = (
            reference.year - born.year - ((reference.month, reference.day) < (born.month, born.day))
        )
        if not youngest <= age <= oldest:
            out_of_range.append(number)
    assert out_of_range == []


def test_sex_matches_sequence_parity(small_province, id_numbers):
    odd = np.array([int(n[16]) % 2 == 1 for n in id_numbers])
    male = small_province.members.sex == SEX_MALE
    assert np.array_equal(odd, male)


def test_check_digit_matches_stdnum():
    rng = np.random.default_rng(0)
    bodies = rng.integers(0, 10, size=(2000, 17))
    ours = check_digits(bodies).tobytes().decode()
    theirs = "".join(ric.calc_check_digit("".join(map(str, b)) + "0") for b in bodies)
    assert ours == theirs
    assert "X" in ours


def test_birth_dates_match_datetime64():
    days = np.arange(-40_000, 40_000, 7)
    year, month, day = birth_dates(days)
    dates = [dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in days]
    assert year.tolist() == [d.year for d in dates]
    assert month.tolist() == [d.month for d in dates]
    assert day.tolist() == [d.day for d in dates]


def test_sequences_unique_in_crowded_group():
    count = 500
    sex = np.full(count, SEX_FEMALE, dtype=np.int8)
    sequence = assign_sequences(
        np.full(count, 360123), np.full(count, 7000), sex, Streams(1).fresh("s")
    )
    assert len(np.unique(sequence)) == count
    assert (sequence % 2 == 0).all()


def test_sequences_overflow_rejected():
    count = 501
    with pytest.raises(ValueError, match="501 members share"):
        assign_sequences(
            np.full(count, 360123),
            np.full(count, 7000),
            np.full(count, SEX_MALE, dtype=np.int8),
            Streams(1).fresh("s"),
        )


def test_identity_matches_columns(small_province):
    identity = small_province.member_identity(1234)
    members = small_province.members
    assert identity.id_number == members.id_numbers(np.array([1234]))[0]
    assert identity.name == members.names(np.array([1234]))[0]
    assert identity.sex == members.sex[1234]
    assert identity.city == small_province.division.cities[members.city[1234]].name


def test_identity_name_from_faker_lists(small_province):
    surnames = set(ChineseNames.last_names)
    for index in range(0, len(small_province.members), 1000):
        identity = small_province.member_identity(index)
        given = (
            ChineseNames.first_names_male
            if identity.sex == SEX_MALE
            else ChineseNames.first_names_female
        )
        assert any(
            identity.name[len(s) :] in given for s in surnames if identity.name.startswith(s)
        )


def test_identity_out_of_range(small_province):
    with pytest.raises(IndexError, match="does not exist"):
        small_province.member_identity(len(small_province.members))


def test_mask_name():
    assert mask_name("欧阳娜娜") == "欧***"


def test_mask_id_number():
    assert mask_id_number("360123198701319230") == "3601**********9230"
