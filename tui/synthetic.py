"""One member of the synthetic crowd, followed by the trainer like a scenario's named member.

When a scenario has a crowd (scale above zero), the trainer's world runs it as
a run would, and the trainer may follow one of its members. That member is
added to the world's named members under the crowd's id (``c:<index>``), so
the script runner's actions work on them. The crowd goes on acting for the
member too, so a trainer follows their own steps and the crowd's between them.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from twin.sim.world import MemberState, World

__all__ = ["start_crowd", "adopt_member", "sync_pin", "is_script_id"]

log = logging.getLogger(__name__)

#: Ids that script steps accept; the crowd's ids (``c:12``) are not among them.
_SCRIPT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


def is_script_id(value: str) -> bool:
    """Tell whether ``value`` may stand as an actor id in a script step."""
    return bool(_SCRIPT_ID.fullmatch(value))


def start_crowd(world: World):
    """Start the scenario's crowd in ``world`` as a run does; return it, or None at scale 0."""
    scale = world.scenario.province.scale
    if scale <= 0:
        return None
    from twin.sim.crowd import Crowd

    crowd = Crowd(world, scale)
    crowd.start()
    return crowd


def adopt_member(crowd) -> str:
    """Add one crowd member to the world's named members and return their id.

    The member is the first with an active card when the run starts, else the
    first enrolled member whose union takes part in a rollout wave, else the
    first member, so a trainer can follow a card's life from wherever the crowd is.
    """
    from twin.sim.crowd.state import CardState

    state = crowd.state
    province = crowd.province
    index = _first(state.with_card(CardState.ACTIVE))
    if index is None:
        index = _first(np.flatnonzero((state.wave >= 0) & crowd.registry.is_enrolled(np.arange(state.count))))
    if index is None:
        index = 0

    identity = province.member_identity(index)
    members = province.members
    union = int(members.union[index])
    member_id = state.member_id(index)
    union_id = state.union_id(union)
    crowd.world.union_names.setdefault(union_id, province.unions.name(union))
    crowd.world.members[member_id] = MemberState(
        member_id,
        identity.name,
        union_id,
        identity.city,
        identity.county,
        "I" if int(members.account_class[index]) == 1 else "II",
        bool(crowd.registry.is_enrolled(np.array([index]))[0]),
        bool(members.car_owner[index]),
    )
    sync_pin(crowd, member_id)
    log.info("trainer follows synthetic member %s", member_id)
    return member_id


def sync_pin(crowd, member_id: str) -> None:
    """Let the world remember the PIN the crowd gave the member at activation, if none is known yet."""
    member = crowd.world.members[member_id]
    card = crowd.world.issuer.card_of(member_id)
    if member.pin is None and card is not None and not card.pin_is_initial:
        member.pin = crowd.state.pin(int(member_id.partition(":")[2]))


def _first(indices: np.ndarray) -> int | None:
    return int(indices[0]) if len(indices) else None
