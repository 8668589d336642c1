import numpy as np

from twin.population import PopulationParams, build_province
from twin.population.branches import minutes_to_time


def test_branch_total(small_province):
    assert len(small_province.branches) == 300


def test_branch_in_every_county(small_province):
    counts = np.bincount(small_province.branches.county, minlength=100)
    assert counts.min() >= 1


def test_branches_follow_population(small_province):
    branches = small_province.branches
    division = small_province.division
    zhanggong = division.county("赣州市", "章贡区").index
    ziqi = division.county("抚州市", "资溪县").index
    assert len(branches.in_county(zhanggong)) > len(branches.in_county(ziqi))


def test_branches_not_scaled():
    assert len(build_province(PopulationParams(scale=0.0005), 1).branches) == 300


def test_branch_minimum_one_per_county():
    assert len(build_province(PopulationParams(scale=0.0005, branches=10), 1).branches) == 100


def test_branch_defaults(small_province):
    branches = small_province.branches
    assert branches.counters.min() >= 2
    assert branches.counters.max() <= 6
    assert np.array_equal(branches.staff, branches.counters + 3)
    assert minutes_to_time(int(branches.opens_minute[0])).isoformat() == "09:00:00"
    assert minutes_to_time(int(branches.closes_minute[0])).isoformat() == "17:00:00"


def test_branch_ids_unique(small_province):
    ids = small_province.branches.ids
    assert len(set(ids)) == len(ids)


def test_branch_find(small_province):
    branches = small_province.branches
    assert branches.find(branches.ids[5]) == 5


def test_branch_names(small_province):
    anyi = small_province.division.county("南昌市", "安义县").index
    first = small_province.branches.in_county(anyi)[0]
    assert small_province.branches.names[first] == "建行南昌安义支行"


def test_service_centre_per_city_and_county(small_province):
    centres = small_province.service_centres
    assert len(centres) == 111
    assert (centres.county == -1).sum() == 11


def test_pilot_centres_host_window(small_province):
    centres = small_province.service_centres
    division = small_province.division
    for city, county in [("南昌市", "安义县"), ("宜春市", "万载县"), ("抚州市", "乐安县")]:
        row = np.flatnonzero(centres.county == division.county(city, county).index)[0]
        assert centres.hosts_window[row]
    for city in ["南昌市", "宜春市"]:
        row = np.flatnonzero((centres.county == -1) & (centres.city == division.city(city).index))[
            0
        ]
        assert centres.hosts_window[row]


def test_window_branch_in_same_county(small_province):
    centres = small_province.service_centres
    counties = centres.county >= 0
    assert np.array_equal(
        small_province.branches.county[centres.branch[counties]], centres.county[counties]
    )


def test_merchant_count(small_province):
    assert len(small_province.merchants) == 50


def test_merchants_in_every_city(small_province):
    assert np.bincount(small_province.merchants.city, minlength=11).min() >= 1


def test_merchant_county_in_its_city(medium_province):
    merchants = medium_province.merchants
    assert np.array_equal(medium_province.division.county_city()[merchants.county], merchants.city)


def test_merchant_categories(medium_province):
    merchants = medium_province.merchants
    codes = {merchants.mcc_codes[m] for m in np.unique(merchants.mcc)}
    assert {"5411", "5812", "5541", "5912", "7832"} <= codes


def test_campaigns_only_at_designated(medium_province):
    merchants = medium_province.merchants
    assert not (merchants.campaign & ~merchants.designated).any()
    assert merchants.campaign.any()


def test_designated_share(medium_province):
    assert abs(medium_province.merchants.designated.mean() - 0.30) < 0.04


def test_merchant_id_and_name(medium_province):
    merchants = medium_province.merchants
    assert merchants.merchant_id(42) == "m0000042"
    county = medium_province.division.counties[merchants.county[42]].name
    assert merchants.name(42).startswith(county)


def test_merchant_other_mcc():
    params = PopulationParams(scale=0.001, mcc_shares={"5411": 1.0, "5945": 1.0})
    merchants = build_province(params, 1).merchants
    codes = {merchants.mcc_code(i) for i in range(len(merchants))}
    assert codes == {"5411", "5945"}
    assert merchants.name(0).endswith(("超市", "商户"))
