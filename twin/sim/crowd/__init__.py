"""The synthetic crowd of the simulation: the province's members, unions, branches and merchants.

:func:`twin.sim.engine.run_scenario` starts a :class:`Crowd` when the run's
scale is above zero, and puts :meth:`Crowd.summary` into ``metrics.json`` under
``crowd``. Each module covers one activity and documents its model and its
modelling estimates. The scenario's fields reach them as follows:

======================================  =============================================
scenario field                          used by
======================================  =============================================
``province.population``, ``unions``,    :mod:`~twin.sim.crowd.params`: the synthetic
``branches`` (count, counters, hours),  province, ``members × scale`` members; fields
``merchants`` (count, shares, MCCs)     left out keep the population model's defaults
``unions.corporate_balance_per_member`` :mod:`~twin.sim.crowd.setup`: union funding
``merchants.campaigns``                 :mod:`~twin.sim.crowd.setup`: discounts
``rollout``, ``branches.onsite_*``,     :mod:`~twin.sim.crowd.rollout` (and
``behaviour.activation``,               :mod:`~twin.sim.crowd.history` for waves that
``programme.card_production_*``         began before the run)
``branches.service_minutes``            :mod:`~twin.sim.crowd.branches`: desk queues
``disbursements``, ``programme.welfare``  :mod:`~twin.sim.crowd.welfare`
``behaviour`` (purchases, cash,         :mod:`~twin.sim.crowd.spending`
inquiries, PINs, surge, follow-ups)
``behaviour.transit``,                  :mod:`~twin.sim.crowd.transit` (南昌市 only)
``programme.transit``
``behaviour.etc``, ``programme.etc``    :mod:`~twin.sim.crowd.etc`
``behaviour.app``, ``flash_sales``      :mod:`~twin.sim.crowd.app`
``faults``                              :mod:`~twin.sim.crowd.faults`, on top of the
                                        world's :class:`~twin.sim.faults.FaultSchedule`
======================================  =============================================

Loss, replacement and closure (:mod:`~twin.sim.crowd.lifecycle`) run at fixed
yearly rates that the scenario does not set.
"""

from twin.sim.crowd.crowd import Crowd
from twin.sim.crowd.params import population_params

__all__ = ["Crowd", "population_params"]
