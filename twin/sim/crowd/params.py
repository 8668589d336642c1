"""From a scenario's ``province`` section to the population model's parameters.

The scenario file and :class:`~twin.population.PopulationParams` describe the
same province at different grain: the file has one car ownership rate, the
population model one per employer type, and so on. The rule here is that a
field the file sets overrides the matching population parameter, and a field
it leaves out keeps the population model's documented default
(``docs/population.md``). Fields with no population counterpart (service
minutes, on-site teams, campaigns, union funding) are read by the crowd
directly from the scenario. A sampled province keeps at least
:data:`MIN_MERCHANTS` merchants.
"""

from __future__ import annotations

import datetime as dt

from twin.population import PopulationParams
from twin.scenario.province import Province

__all__ = ["population_params", "MIN_MERCHANTS"]

# The population model's app use falls in a straight line from the youngest to
# the oldest member. A scenario gives one share; the line keeps this half-spread
# around it (the population defaults are 0.85 and 0.35 around 0.6).
_APP_USE_HALF_SPREAD = 0.25

#: Minimum number of merchants in a sampled province, about 20 per city, so
#: that every city has designated merchants of several categories at any scale.
MIN_MERCHANTS = 220

# The scenario's "other" employers are the population model's foreign-invested
# enterprises and migrant workers' joint unions, split as its defaults are (4 : 20).
_OTHER_EMPLOYERS = {"foreign": 4 / 24, "migrant": 20 / 24}
_EMPLOYERS = {
    "government_agency": "government",
    "public_institution": "public_institution",
    "state_enterprise": "soe",
    "private_enterprise": "private",
}


def population_params(province: Province, scale: float, reference_date: dt.date) -> PopulationParams:
    """Return the population parameters for ``province`` sampled at ``scale``.

    ``reference_date`` is the day members' ages are counted on (the run's first day).
    """
    population = province.population
    given_fields = population.model_fields_set
    values: dict[str, object] = {
        "members": population.members,
        "scale": scale,
        "reference_date": reference_date,
    }

    # People.
    if "city_weights" in given_fields:
        values["city_residents"] = dict(population.city_weights)
    if population.cities:
        values["cities"] = tuple(population.cities)
    if "class_ii_share" in given_fields:
        values["class_i_share"] = 1.0 - population.class_ii_share
    if "enrolled_share" in given_fields:
        values["enrolled_share"] = population.enrolled_share
    if "car_ownership" in given_fields:
        values["car_ownership"] = population.car_ownership
    if "app_use" in given_fields:
        values["app_use_at_youngest"] = _share(population.app_use + _APP_USE_HALF_SPREAD)
        values["app_use_at_oldest"] = _share(population.app_use - _APP_USE_HALF_SPREAD)
    if "employer_mix" in given_fields:
        values["employer_shares"] = _employer_shares(population.employer_mix)

    # Unions.
    unions = province.unions
    if "mean_members" in unions.model_fields_set:
        values["grassroots_mean_size"] = unions.mean_members
    if "size_sigma" in unions.model_fields_set:
        values["grassroots_size_sigma"] = unions.size_sigma
    if "industry_share" in unions.model_fields_set:
        values["industry_attachment_share"] = unions.industry_share

    # Branches: a physical network, not scaled.
    branches = province.branches
    if "count" in branches.model_fields_set:
        values["branches"] = branches.count
    if "counters" in branches.model_fields_set:
        values["branch_counters"] = (branches.counters, branches.counters)
    if "opens" in branches.model_fields_set:
        values["branch_opens_at"] = branches.opens
    if "closes" in branches.model_fields_set:
        values["branch_closes_at"] = branches.closes

    # Merchants: the file gives a full-scale count, the population model a density.
    merchants = province.merchants
    density = PopulationParams.__dataclass_fields__["merchants_per_10k_members"].default
    if "count" in merchants.model_fields_set and population.members:
        density = merchants.count / population.members * 10_000
    sampled = max(1, round(population.members * scale))
    values["merchants_per_10k_members"] = max(density, MIN_MERCHANTS / sampled * 10_000)
    if "designated_share" in merchants.model_fields_set:
        values["designated_share"] = merchants.designated_share
    if "mcc_mix" in merchants.model_fields_set:
        values["mcc_shares"] = dict(merchants.mcc_mix)
    return PopulationParams(**values)


def _share(value: float) -> float:
    return min(1.0, max(0.0, value))


def _employer_shares(mix: dict[str, float]) -> dict[str, float]:
    shares = dict.fromkeys(("government", "public_institution", "soe", "private", "foreign", "migrant"), 0.0)
    for kind, weight in mix.items():
        if kind == "other":
            for name, part in _OTHER_EMPLOYERS.items():
                shares[name] += weight * part
        else:
            shares[_EMPLOYERS[kind]] += weight
    return shares
