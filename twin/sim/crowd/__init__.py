"""The synthetic crowd of the simulation: the province's members, unions, branches and merchants.

:class:`Crowd` is started by :func:`twin.sim.engine.run_scenario` when the
scenario's scale is above zero::

    crowd = Crowd(world, scale)
    crowd.start()
    ...
    metrics["crowd"] = crowd.summary()

One module per activity: :mod:`~twin.sim.crowd.rollout` (waves, batch and
individual issuance, activation), :mod:`~twin.sim.crowd.welfare` (welfare
accounts, festival disbursements), :mod:`~twin.sim.crowd.spending`,
:mod:`~twin.sim.crowd.transit`, :mod:`~twin.sim.crowd.etc`,
:mod:`~twin.sim.crowd.app`, :mod:`~twin.sim.crowd.lifecycle` and
:mod:`~twin.sim.crowd.faults`. ``docs/crowd.md`` explains the model.
"""

from twin.sim.crowd.crowd import Crowd
from twin.sim.crowd.params import population_params

__all__ = ["Crowd", "population_params"]
