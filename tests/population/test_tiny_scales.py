"""Provinces at scales too small to give each named unit its one member."""

import pytest

from twin.population import NamedUnit, ParamsError, PopulationParams, build_province

SEED = 11


@pytest.mark.parametrize("scale", [0.00001, 0.000001, 0.0000002])
def test_tiny_scale_builds(scale):
    params = PopulationParams(scale=scale)
    province = build_province(params, SEED)
    assert int(province.unions.grassroots.size.sum()) == params.member_count


def test_tiny_scale_keeps_named_units():
    province = build_province(PopulationParams(scale=0.00001), SEED)
    assert province.unions.find("省直工委机关工会") >= 0


def test_tiny_scale_still_rejects_oversized_unit():
    unit = NamedUnit("大工会", "province", "抚州市", "资溪县", 5_000_000, "soe")
    params = PopulationParams(scale=0.00001, named_units=(unit,), pilot_units=())
    with pytest.raises(ParamsError, match="at full scale"):
        build_province(params, SEED)
