import datetime as dt

import pytest

from twin.population import AgeBand, NamedUnit, ParamsError, PopulationParams, build_province


def test_defaults_member_count():
    assert PopulationParams().member_count == 8_000_000


def test_age_range():
    assert PopulationParams().age_range == (18, 60)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"members": 0}, "members"),
        ({"scale": 0}, "scale"),
        ({"scale": 1e-9}, "scale"),
        ({"male_share": 1.5}, "male_share"),
        ({"employer_shares": {"bank": 1.0}}, "employer_shares"),
        ({"city_residents": {"北京市": 10}}, "city_residents"),
        ({"car_ownership": {"government": 0.5}}, "car_ownership"),
        ({"age_bands": (AgeBand(40, 30, 1.0),)}, "age_bands"),
        ({"age_bands": ()}, "age_bands"),
        ({"grassroots_min_size": 0}, "grassroots_min_size"),
        ({"branch_counters": (3, 2)}, "branch_counters"),
        ({"branch_opens_at": dt.time(18, 0)}, "branch_opens_at"),
        ({"mcc_shares": {"5411": -1.0}}, "mcc_shares"),
    ],
)
def test_invalid_field_named(changes, field):
    with pytest.raises(ParamsError) as caught:
        PopulationParams(**changes)
    assert caught.value.field == field


def test_error_message_shows_value_and_expectation():
    with pytest.raises(
        ParamsError, match=r"population.male_share: 1.5 is invalid; expected a fraction from 0 to 1"
    ):
        PopulationParams(male_share=1.5)


def test_named_unit_unknown_county():
    unit = NamedUnit("测试工会", "province", "南昌市", "不存在区", 10, "soe")
    params = PopulationParams(scale=0.001, named_units=(unit,), pilot_units=())
    with pytest.raises(ParamsError, match="unknown county"):
        build_province(params, 1)


def test_named_unit_unknown_parent():
    with pytest.raises(ParamsError, match="industry_unions"):
        PopulationParams(
            named_units=(NamedUnit("测试工会", "某工会", "南昌市", "东湖区", 10, "soe"),)
        )


def test_pilot_unit_must_exist():
    params = PopulationParams(scale=0.001, pilot_units=("不存在的工会",))
    with pytest.raises(ParamsError, match="pilot_units"):
        build_province(params, 1)


def test_named_unit_too_large_for_county():
    unit = NamedUnit("大工会", "province", "抚州市", "资溪县", 5_000_000, "soe")
    params = PopulationParams(scale=0.01, named_units=(unit,), pilot_units=())
    with pytest.raises(ParamsError, match="lower the unit's members"):
        build_province(params, 1)


def test_named_unit_twice_rejected():
    unit = NamedUnit("测试工会", "province", "南昌市", "东湖区", 10, "soe")
    with pytest.raises(ParamsError, match="each named unit once"):
        PopulationParams(named_units=(unit, unit))


def test_spread_unit_too_large_for_province():
    unit = NamedUnit("大工会", "province", "南昌市", "东湖区", 9_000_000, "soe", spread=True)
    params = PopulationParams(scale=0.001, named_units=(unit,), pilot_units=())
    with pytest.raises(ParamsError, match="left in the province"):
        build_province(params, 1)


def test_mcc_must_be_four_digits():
    with pytest.raises(ParamsError, match="four-digit merchant category code"):
        PopulationParams(mcc_shares={"541": 1.0})


def test_extra_mcc_codes_follow_defaults():
    params = PopulationParams(mcc_shares={"5945": 1.0}, mcc_preferences={"5999": 1.0})
    assert params.mcc_codes[-2:] == ("5945", "5999")


def test_car_ownership_single_rate():
    params = PopulationParams(car_ownership=0.4)
    assert params.car_rate("migrant") == 0.4


def test_car_ownership_single_rate_checked():
    with pytest.raises(ParamsError, match="car_ownership"):
        PopulationParams(car_ownership=1.4)
