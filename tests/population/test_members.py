import numpy as np
import pytest

from twin.population import (
    EMPLOYER_TYPES,
    AgeBand,
    Members,
    PopulationParams,
    ages_on,
    build_province,
)
from twin.population.allocation import county_member_counts


def test_memory_per_member(small_province):
    members = small_province.members
    assert members.nbytes / len(members) < 40


def test_member_count_follows_scale(small_province, small_params):
    assert len(small_province.members) == round(8_000_000 * small_params.scale)


def test_every_column_one_row_per_member(small_province):
    members = small_province.members
    lengths = {name: len(getattr(members, name)) for name in Members.columns()}
    assert set(lengths.values()) == {len(members)}


def test_column_dtypes(small_province):
    members = small_province.members
    assert members.city.dtype == np.int8
    assert members.county.dtype == np.int16
    assert members.union.dtype == np.int32
    assert members.birth_day.dtype == np.int32
    assert members.id_sequence.dtype == np.int16
    assert members.car_owner.dtype == np.bool_
    assert members.spend_propensity.dtype == np.float32


def test_city_proportions_follow_census(medium_province, small_params):
    members = medium_province.members
    counts = np.bincount(members.city, minlength=11) / len(members)
    residents = np.array(list(small_params.city_residents.values()), dtype=float)
    expected = residents / residents.sum()
    assert np.abs(counts - expected).max() < 0.002


def test_county_counts_add_up(small_params, small_province):
    counts = county_member_counts(small_params, small_province.division)
    assert counts.sum() == small_params.member_count


def test_city_matches_county(small_province):
    members = small_province.members
    assert np.array_equal(members.city, small_province.division.county_city()[members.county])


def test_male_share(medium_province):
    share = (medium_province.members.sex == 1).mean()
    assert abs(share - 0.55) < 0.01


def test_car_ownership_by_employer(medium_province):
    members = medium_province.members
    government = members.employer_type == EMPLOYER_TYPES.index("government")
    migrant = members.employer_type == EMPLOYER_TYPES.index("migrant")
    assert members.car_owner[government].mean() > members.car_owner[migrant].mean()


def test_app_use_falls_with_age(medium_province):
    members = medium_province.members
    young = members.birth_day > np.percentile(members.birth_day, 80)
    old = members.birth_day < np.percentile(members.birth_day, 20)
    assert members.app_user[young].mean() > members.app_user[old].mean() + 0.2


def test_transit_use_higher_in_nanchang(medium_province):
    members = medium_province.members
    nanchang = members.city == medium_province.division.city("南昌市").index
    assert members.transit_user[nanchang].mean() > members.transit_user[~nanchang].mean()


def test_spend_propensity_mean_one(medium_province):
    assert abs(medium_province.members.spend_propensity.mean() - 1.0) < 0.02


def test_account_classes(small_province):
    assert set(np.unique(small_province.members.account_class).tolist()) == {1, 2}


def test_enrolled_share(medium_province):
    assert abs(medium_province.members.enrolled.mean() - 0.90) < 0.01


def test_same_seed_same_arrays(small_params, small_province):
    again = build_province(small_params, 11)
    different = [
        name
        for name in Members.columns()
        if not np.array_equal(getattr(small_province.members, name), getattr(again.members, name))
    ]
    assert different == []


def test_same_seed_same_identity(small_params, small_province):
    again = build_province(small_params, 11)
    assert again.member_identity(777) == small_province.member_identity(777)


def test_other_seed_other_arrays(small_params, small_province):
    other = build_province(small_params, 12)
    assert not np.array_equal(other.members.birth_day, small_province.members.birth_day)


def test_age_bands_respected():
    params = PopulationParams(scale=0.001, age_bands=(AgeBand(30, 39, 1.0),))
    members = build_province(params, 1).members
    ages = ages_on(members.birth_day, params.reference_date)
    assert ages.min() >= 30
    assert ages.max() <= 39


@pytest.mark.slow
def test_one_million_members_build():
    province = build_province(PopulationParams(scale=0.125), 3)
    assert len(province.members) == 1_000_000
