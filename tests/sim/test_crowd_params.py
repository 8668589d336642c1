import datetime as dt

import numpy as np
import pytest

from twin.population import PopulationParams, build_province
from twin.scenario.province import Province
from twin.sim.crowd.params import MIN_MERCHANTS, population_params
from twin.sim.crowd.selectors import select_unions

DAY = dt.date(2020, 1, 1)


def test_members_scaled():
    params = population_params(Province(), 0.001, DAY)
    assert params.member_count == 8_000


def test_unset_fields_keep_population_defaults():
    params = population_params(Province(), 0.001, DAY)
    assert params.enrolled_share == PopulationParams().enrolled_share


def test_set_fields_override():
    province = Province.model_validate({"population": {"enrolled_share": 0.5, "class_ii_share": 0.9}})
    params = population_params(province, 0.001, DAY)
    assert params.enrolled_share == 0.5
    assert params.class_i_share == pytest.approx(0.1)


def test_branch_count_not_scaled():
    province = Province.model_validate({"branches": {"count": 120, "counters": 4}})
    params = population_params(province, 0.001, DAY)
    assert (params.branches, params.branch_counters) == (120, (4, 4))


def test_merchant_count_becomes_density():
    province = Province.model_validate({"merchants": {"count": 80_000}})
    params = population_params(province, 0.1, DAY)
    assert params.merchants_per_10k_members == pytest.approx(100.0)


def test_tiny_province_keeps_merchants():
    province = build_province(population_params(Province(), 0.0001, DAY), 1)
    assert len(province.merchants) >= MIN_MERCHANTS


def test_employer_mix_maps_other_to_foreign_and_migrant():
    province = Province.model_validate({"population": {"employer_mix": {"other": 1.0}}})
    shares = population_params(province, 0.001, DAY).employer_shares
    assert shares["foreign"] + shares["migrant"] == pytest.approx(1.0)


@pytest.fixture(scope="module")
def province():
    return build_province(PopulationParams(scale=0.001), 3)


def test_city_selector_skips_industry_unions(province):
    chosen = select_unions(province, "city:南昌市")
    industry = [f.index for f in province.unions.federations if f.level == "industry"]
    assert not np.isin(province.unions.grassroots.parent[chosen], industry).any()


def test_city_selector_keeps_the_office_union(province):
    office = province.unions.find("南昌市总工会机关工会")
    assert select_unions(province, "city:南昌市")[office]


def test_county_selector_within_the_county(province):
    chosen = select_unions(province, "county:安义县")
    county = province.division.county("南昌市", "安义县").index
    assert set(province.unions.grassroots.county[chosen].tolist()) == {county}


def test_industry_selector_by_sector(province):
    federation = province.unions.federation("江西省教科文卫体工会").index
    chosen = select_unions(province, "industry:教育")
    assert set(province.unions.grassroots.parent[chosen].tolist()) == {federation}


def test_unit_selector_by_name(province):
    chosen = np.flatnonzero(select_unions(province, "unit:省总工会机关工会"))
    assert chosen.tolist() == [province.unions.find("省总工会机关工会")]


def test_pilot_selector(province):
    assert (select_unions(province, "pilot") == province.unions.grassroots.pilot).all()
