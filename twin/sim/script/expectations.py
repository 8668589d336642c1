"""Check a step's ``expect`` and the run's ``expect`` against what happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from twin.sim.script.outcome import ExpectationResult, StepOutcome

if TYPE_CHECKING:
    from twin.scenario import BalanceExpect
    from twin.sim.world import World

__all__ = ["check_step", "check_balances", "actual_balance"]


def check_step(world: World, step, outcome: StepOutcome) -> list[ExpectationResult]:
    expect = step.expect
    results: list[ExpectationResult] = []

    def add(field: str, expected, actual) -> None:
        results.append(ExpectationResult("step", field, expected, actual, expected == actual, outcome.index, step.id))

    if expect.response is not None:
        add("response", expect.response, outcome.response)
    if expect.approved is not None:
        add("approved", expect.approved, outcome.approved)
    if expect.paid_from is not None:
        add("paid_from", expect.paid_from, outcome.paid_from)
    if expect.paid_to is not None:
        add("paid_to", expect.paid_to, outcome.paid_to)
    results.extend(check_balances(world, expect.balances, "step", outcome.index, step.id))
    return results


def check_balances(
    world: World, balances: dict[str, BalanceExpect], scope: str, index: int | None = None, step_id: str | None = None
) -> list[ExpectationResult]:
    """Compare expected balances (fen) with the ledger, one result per account named."""
    results = []
    for actor_id, expected in balances.items():
        for account, fen in expected.given().items():
            actual = actual_balance(world, actor_id, account)
            results.append(
                ExpectationResult(scope, f"balances.{actor_id}.{account}", fen, actual, fen == actual, index, step_id)
            )
    return results


def actual_balance(world: World, actor_id: str, account: str) -> int | None:
    """Return the posted balance in fen of an actor's account, or None if it has none."""
    ledger = world.ledger
    if account == "corporate":
        unions = world.issuer.unions()
        return ledger.account(unions[actor_id]).balance if actor_id in unions else None
    card = world.issuer.card_of(actor_id)
    if card is None:
        return None
    account_id = {"main": card.accounts.main, "welfare": card.accounts.welfare,
                  "transit_wallet": card.accounts.transit_wallet}[account]
    return ledger.account(account_id).balance if account_id else None
