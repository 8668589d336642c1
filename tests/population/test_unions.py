import numpy as np
import pytest

PILOT_UNITS = [
    "省总工会机关工会",
    "省直工委机关工会",
    "国网江西省电力有限公司工会",
    "南昌市总工会机关工会",
    "宜春市总工会机关工会",
]
PILOT_COUNTIES = [("南昌市", "安义县"), ("宜春市", "万载县"), ("抚州市", "乐安县")]


@pytest.mark.parametrize("name", PILOT_UNITS)
def test_pilot_unit_exists(small_province, name):
    union = small_province.unions.find(name)
    assert small_province.unions.grassroots.pilot[union]


@pytest.mark.parametrize(("city", "county"), PILOT_COUNTIES)
def test_pilot_county_unions_all_pilot(small_province, city, county):
    index = small_province.division.county(city, county).index
    grassroots = small_province.unions.grassroots
    in_county = grassroots.county == index
    assert in_county.sum() > 0
    assert grassroots.pilot[in_county].all()


def test_no_other_pilot_unions(small_province):
    grassroots = small_province.unions.grassroots
    division = small_province.division
    pilot_counties = [division.county(c, k).index for c, k in PILOT_COUNTIES]
    named = [small_province.unions.find(n) for n in PILOT_UNITS]
    expected = np.isin(grassroots.county, pilot_counties)
    expected[named] = True
    assert np.array_equal(grassroots.pilot, expected)


def test_pilot_members_are_members_of_pilot_unions(small_province):
    pilot = small_province.pilot_members()
    expected = np.concatenate(
        [small_province.members_of_union(u) for u in small_province.pilot_unions()]
    )
    assert np.array_equal(pilot, np.sort(expected))


def test_pilot_members_in_pilot_county(small_province):
    anyi = small_province.division.county("南昌市", "安义县").index
    members_in_anyi = np.flatnonzero(small_province.members.county == anyi)
    assert np.isin(members_in_anyi, small_province.pilot_members()).all()


def test_federation_counts(small_province):
    levels = [f.level for f in small_province.unions.federations]
    assert levels.count("province") == 1
    assert levels.count("city") == 11
    assert levels.count("county") == 100
    assert levels.count("industry") >= 5


def test_federation_parents(small_province):
    federations = small_province.unions.federations
    for federation in federations:
        if federation.level == "county":
            parent = federations[federation.parent]
            assert parent.level == "city"
            assert parent.city == federation.city
        elif federation.level in ("city", "industry"):
            assert federations[federation.parent].level == "province"


def test_federation_names(small_province):
    unions = small_province.unions
    assert unions.federation("江西省总工会").level == "province"
    assert unions.federation("南昌市总工会").level == "city"
    assert unions.federation("南昌市安义县总工会").level == "county"


def test_county_union_attached_to_own_county(small_province):
    unions = small_province.unions
    grassroots = unions.grassroots
    for union in range(0, len(grassroots), 7):
        federation = unions.federations[grassroots.parent[union]]
        if federation.level == "county":
            assert federation.county == grassroots.county[union]


def test_directly_affiliated_units(small_province):
    unions = small_province.unions
    province = unions.federation("江西省总工会").index
    direct = [unions.name(u) for u in unions.children(province)]
    assert "省总工会机关工会" in direct
    assert "国网江西省电力有限公司工会" in direct


def test_sizes_sum_to_members(small_province):
    assert small_province.unions.grassroots.size.sum() == len(small_province.members)


def test_every_member_in_one_union(small_province):
    grassroots = small_province.unions.grassroots
    counts = np.bincount(small_province.members.union, minlength=len(grassroots))
    assert np.array_equal(counts, grassroots.size)


def test_member_ranges_contiguous(small_province):
    grassroots = small_province.unions.grassroots
    ends = grassroots.first_member + grassroots.size
    assert grassroots.first_member[0] == 0
    assert np.array_equal(grassroots.first_member[1:], ends[:-1])


def test_members_share_union_employer(small_province):
    members = small_province.members
    grassroots = small_province.unions.grassroots
    assert np.array_equal(members.employer_type, grassroots.employer_type[members.union])


def test_sizes_heavy_tailed(medium_province):
    sizes = np.sort(medium_province.unions.grassroots.size)[::-1]
    top_percent = sizes[: len(sizes) // 100].sum() / sizes.sum()
    top_tenth = sizes[: len(sizes) // 10].sum() / sizes.sum()
    assert np.median(sizes) < sizes.mean() / 2
    assert top_percent > 0.10
    assert top_tenth > 0.40


def test_every_union_has_corporate_account(small_province):
    assert small_province.unions.grassroots.has_corporate_account.all()


def test_spread_unit_in_every_city(medium_province):
    union = medium_province.unions.find("国网江西省电力有限公司工会")
    cities = np.unique(medium_province.members.city[medium_province.members_of_union(union)])
    assert len(cities) == 11


def test_generated_names(small_province):
    unions = small_province.unions
    names = [unions.name(u) for u in range(len(unions.grassroots))]
    assert all(name.endswith("工会") for name in names)


def test_unknown_unit_rejected(small_province):
    with pytest.raises(KeyError, match="no named grassroots union"):
        small_province.unions.find("不存在的工会")
