"""Checks across a scenario that no single model can make.

- Actor ids are unique across unions, members, merchants and branches, and
  every id a field refers to names a declared actor of the right kind. A script
  acts on declared actors only, also when ``province.scale`` adds a synthetic
  crowd, because the crowd's members have no ids a trainer could know.
- Step ids are unique; ``of`` names an earlier step of a kind the action
  accepts (:data:`twin.scenario.steps.OF_ACTIONS`).
- Expected balances name accounts the actor has: main, welfare and transit
  wallet for a member, corporate for a union.
- Script times never go back and stay inside ``start`` to ``end``;
  disbursement dates and fault windows fall inside the run.
- Bounds of money metrics in ``expect.metrics`` are yuan with at most two
  decimals, like every other amount.

The checks read the raw data and validate each piece on its own, so one broken
step does not hide the problems of the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import TypeAdapter, ValidationError

from twin.calendar import CalendarRangeError
from twin.scenario.fields import LocalDate, LocalDateTime
from twin.scenario.geography import county_city
from twin.scenario.hints import closest
from twin.scenario.metric_keys import WAVE_KEYS, is_known, known_keys, normalize
from twin.scenario.province import Population, smallest_scale
from twin.scenario.source import Issue, display_path
from twin.scenario.steps import OF_ACTIONS, Advance, Step, StepBase
from twin.scenario.timeline import advanced
from twin.sim.units import unit_of

__all__ = ["check_references"]

_ACTOR_KINDS = {
    "unions": "union",
    "members": "member",
    "merchants": "merchant",
    "branches": "branch",
}
_MEMBER_ACCOUNTS = ("main", "welfare", "transit_wallet")
_STEP = TypeAdapter(Step)
_MOMENT = TypeAdapter(LocalDateTime)
_DATE = TypeAdapter(LocalDate)

Loc = tuple[str | int, ...]


def check_references(data: Any) -> list[Issue]:
    """Return the cross-reference and time problems of the scenario ``data`` (plain YAML data)."""
    if not isinstance(data, dict):
        return []
    issues: list[Issue] = []
    kinds = _actor_kinds(data, issues)
    _check_actor_fields(data, kinds, issues)
    start, end = _moment(data.get("start")), _moment(data.get("end"))
    if start is not None and end is not None and end <= start:
        issues.append(
            Issue(("end",), "end_before_start", {"value": _text(end), "start": _text(start)})
        )

    steps = list(_valid_steps(data.get("script")))
    _check_step_ids(data.get("script"), issues)
    for index, step in steps:
        _check_step_actors(index, step, kinds, issues)
        if step.expect is not None:
            _check_balances(
                ("script", index, "expect", "balances"), step.expect.balances, kinds, issues
            )
    if start is not None:
        _check_times(steps, start, end, issues)

    expect = data.get("expect")
    if isinstance(expect, dict) and isinstance(expect.get("balances"), dict):
        _check_balances(("expect", "balances"), expect["balances"], kinds, issues)
    if isinstance(expect, dict) and isinstance(expect.get("metrics"), dict):
        _check_metric_keys(expect["metrics"], _wave_names(data), issues)
    _check_scales(data, issues)
    _check_cities(data, issues)
    _check_plan(data, kinds, start, end, issues)
    return issues


# Expected metrics


def _check_metric_keys(metrics: dict[Any, Any], waves: tuple[str, ...], issues: list[Issue]) -> None:
    for key, bounds in metrics.items():
        if isinstance(key, str) and unit_of(key) == "fen" and isinstance(bounds, dict):
            _check_money_bounds(key, bounds, issues)
        if not isinstance(key, str) or is_known(key, waves):
            continue
        options = known_keys() | {f"crowd.waves.{wave}.{name}" for wave in waves for name in WAVE_KEYS}
        guess = closest(normalize(key), options)
        if guess is not None and "." not in guess and key.startswith("summary."):
            guess = f"summary.{guess}"
        issues.append(
            Issue(
                ("expect", "metrics", key, "[key]"),
                "unknown_metric" if guess is None else "unknown_metric_close",
                {"value": key, "guess": guess or ""},
            )
        )


def _check_money_bounds(key: str, bounds: dict[Any, Any], issues: list[Issue]) -> None:
    # Bounds of amounts are yuan, so they follow the two-decimal rule of every amount.
    for side in ("min", "max"):
        value = bounds.get(side)
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            continue
        try:
            number = Decimal(repr(value) if isinstance(value, float) else str(value).strip().replace(",", ""))
        except InvalidOperation:
            continue
        exponent = number.normalize().as_tuple().exponent if number.is_finite() else 0
        if isinstance(exponent, int) and exponent < -2:
            issues.append(
                Issue(("expect", "metrics", key, side), "amount_too_many_decimals", {"value": str(value)})
            )


def _check_scales(data: dict[str, Any], issues: list[Issue]) -> None:
    province = data.get("province")
    if not isinstance(province, dict):
        return
    members = _dig(data, "province", "population", "members")
    if not isinstance(members, int) or isinstance(members, bool):
        members = Population.model_fields["members"].default
    for name in ("scale", "regression_scale"):
        scale = province.get(name)
        if isinstance(scale, int | float | Decimal) and not isinstance(scale, bool) and 0 < scale * members < 1:
            values = {"value": f"{float(scale):g}", "members": f"{members:,}", "smallest": f"{smallest_scale(members):g}"}
            issues.append(Issue(("province", name), "scale_too_small", values))


def _check_cities(data: dict[str, Any], issues: list[Issue]) -> None:
    # A repeated city changes nothing because a run draws each city at most once,
    # so it is most likely a mistake in the file.
    cities = _dig(data, "province", "population", "cities")
    if not isinstance(cities, list):
        return
    loc = ("province", "population", "cities")
    first: dict[str, int] = {}
    for index, city in enumerate(cities):
        if not isinstance(city, str):
            continue
        if city in first:
            where = _path((*loc, first[city]))
            issues.append(Issue((*loc, index), "duplicate_city", {"value": city, "first": where}))
        else:
            first[city] = index


def _wave_names(data: dict[str, Any]) -> tuple[str, ...]:
    waves = data.get("rollout")
    if not isinstance(waves, list):
        return ()
    return tuple(w["name"] for w in waves if isinstance(w, dict) and isinstance(w.get("name"), str))


# Actors


def _actor_kinds(data: dict[str, Any], issues: list[Issue]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    first: dict[str, Loc] = {}
    for loc, kind, actor in _raw_actors(data):
        actor_id = actor.get("id")
        if not isinstance(actor_id, str):
            continue
        if actor_id in kinds:
            issues.append(
                Issue(
                    (*loc, "id"),
                    "duplicate_id",
                    {"value": actor_id, "first": _path(first[actor_id])},
                )
            )
            continue
        kinds[actor_id] = kind
        first[actor_id] = loc
    return kinds


def _raw_actors(data: dict[str, Any]) -> Iterator[tuple[Loc, str, dict[str, Any]]]:
    actors = data.get("actors")
    if not isinstance(actors, dict):
        return
    for section, kind in _ACTOR_KINDS.items():
        entries = actors.get(section)
        if not isinstance(entries, list):
            continue
        for index, actor in enumerate(entries):
            if isinstance(actor, dict):
                yield ("actors", section, index), kind, actor


def _check_actor_fields(data: dict[str, Any], kinds: dict[str, str], issues: list[Issue]) -> None:
    campaigns = _campaign_names(data)
    for loc, kind, actor in _raw_actors(data):
        city, county = actor.get("city"), actor.get("county")
        if isinstance(county, str) and isinstance(city, str):
            owner = county_city(county)
            if owner is not None and owner != city:
                issues.append(
                    Issue(
                        (*loc, "county"),
                        "county_city",
                        {"value": county, "city": city, "owner": owner},
                    )
                )
        if kind == "member":
            _check_ref((*loc, "union"), actor.get("union"), "union", kinds, issues)
        if kind == "merchant" and isinstance(actor.get("campaigns"), list):
            for index, name in enumerate(actor["campaigns"]):
                if isinstance(name, str) and name not in campaigns:
                    known = ", ".join(campaigns) or "-"
                    issues.append(
                        Issue(
                            (*loc, "campaigns", index),
                            "unknown_campaign",
                            {"value": name, "known": known},
                        )
                    )


def _campaign_names(data: dict[str, Any]) -> list[str]:
    merchants = _dig(data, "province", "merchants")
    campaigns = merchants.get("campaigns") if isinstance(merchants, dict) else None
    if not isinstance(campaigns, list):
        return []
    return [c["name"] for c in campaigns if isinstance(c, dict) and isinstance(c.get("name"), str)]


def _check_ref(loc: Loc, value: Any, kind: str, kinds: dict[str, str], issues: list[Issue]) -> None:
    if not isinstance(value, str):
        return
    actual = kinds.get(value)
    if actual is None:
        known = ", ".join(k for k, v in kinds.items() if v == kind) or "-"
        issues.append(Issue(loc, "unknown_actor", {"value": value, "kind": kind, "known": known}))
    elif actual != kind:
        issues.append(
            Issue(loc, "wrong_actor_kind", {"value": value, "kind": kind, "actual": actual})
        )


def _check_balances(
    loc: Loc, balances: dict[Any, Any], kinds: dict[str, str], issues: list[Issue]
) -> None:
    for actor_id, accounts in balances.items():
        kind = kinds.get(actor_id) if isinstance(actor_id, str) else None
        if kind is None:
            known = ", ".join(k for k, v in kinds.items() if v in ("member", "union")) or "-"
            issues.append(
                Issue(
                    (*loc, actor_id, "[key]"),
                    "unknown_actor",
                    {"value": actor_id, "kind": "member/union", "known": known},
                )
            )
            continue
        names = accounts.given() if hasattr(accounts, "given") else accounts
        if not isinstance(names, dict):
            continue
        allowed = (
            _MEMBER_ACCOUNTS if kind == "member" else ("corporate",) if kind == "union" else ()
        )
        for account in names:
            if (
                account in ("main", "welfare", "transit_wallet", "corporate")
                and account not in allowed
            ):
                issues.append(
                    Issue(
                        (*loc, actor_id, account),
                        "balance_account_kind",
                        {"value": actor_id, "account": account, "kind": kind},
                    )
                )


# Steps


def _valid_steps(script: Any) -> Iterator[tuple[int, StepBase]]:
    if not isinstance(script, list):
        return
    for index, raw in enumerate(script):
        try:
            yield index, _STEP.validate_python(raw)
        except ValidationError:
            continue


def _check_step_ids(script: Any, issues: list[Issue]) -> None:
    # Ids come from the raw steps, so a step with a problem elsewhere still counts.
    raw_steps = list(_mappings(script))
    seen: dict[str, int] = {}
    for index, raw in raw_steps:
        step_id = raw.get("id")
        if not isinstance(step_id, str):
            continue
        if step_id in seen:
            first = f"script[{seen[step_id]}]"
            issues.append(
                Issue(
                    ("script", index, "id"), "duplicate_step_id", {"value": step_id, "first": first}
                )
            )
        else:
            seen[step_id] = index

    for index, raw in raw_steps:
        of, action = raw.get("of"), raw.get("do")
        if not isinstance(of, str) or action not in OF_ACTIONS:
            continue
        loc = ("script", index, "of")
        if of not in seen:
            issues.append(Issue(loc, "unknown_step", {"value": of}))
            continue
        target = seen[of]
        target_action = script[target].get("do")
        if target >= index:
            issues.append(Issue(loc, "step_not_earlier", {"value": of}))
        elif target_action not in OF_ACTIONS[action]:
            expected = ", ".join(sorted(OF_ACTIONS[action]))
            issues.append(
                Issue(
                    loc,
                    "wrong_step_kind",
                    {"value": of, "action": target_action, "expected": expected},
                )
            )


def _check_step_actors(
    index: int, step: StepBase, kinds: dict[str, str], issues: list[Issue]
) -> None:
    loc: Loc = ("script", index)
    for field, kind in (
        ("member", "member"),
        ("union", "union"),
        ("merchant", "merchant"),
        ("branch", "branch"),
    ):
        _check_ref((*loc, field), getattr(step, field, None), kind, kinds, issues)
    for position, member in enumerate(getattr(step, "members", None) or []):
        _check_ref((*loc, "members", position), member, "member", kinds, issues)
    for position, row in enumerate(getattr(step, "rows", None) or []):
        _check_ref((*loc, "rows", position, "member"), row.member, "member", kinds, issues)


def _check_times(
    steps: list[tuple[int, StepBase]],
    start: dt.datetime,
    end: dt.datetime | None,
    issues: list[Issue],
) -> None:
    clock = start
    for index, step in steps:
        if step.at is not None:
            loc = ("script", index, "at")
            if step.at < start:
                issues.append(
                    Issue(loc, "before_start", {"value": _text(step.at), "start": _text(start)})
                )
            elif step.at < clock:
                issues.append(
                    Issue(loc, "time_backwards", {"value": _text(step.at), "clock": _text(clock)})
                )
            clock = max(clock, step.at)
        if isinstance(step, Advance):
            loc = ("script", index, _advance_field(step))
            try:
                moved = advanced(clock, step)
            except CalendarRangeError as error:
                issues.append(
                    Issue(
                        loc,
                        "calendar_range",
                        {"value": error.date.isoformat(), "first": error.first, "last": error.last},
                    )
                )
                return
            if moved < clock:
                issues.append(
                    Issue(loc, "time_backwards", {"value": _text(moved), "clock": _text(clock)})
                )
            clock = max(clock, moved)
        if end is not None and clock > end:
            if isinstance(step, Advance):
                loc = ("script", index, _advance_field(step))
            else:
                loc = ("script", index, "at") if step.at is not None else ("script", index)
            issues.append(Issue(loc, "after_end", {"value": _text(clock), "end": _text(end)}))
            return


def _advance_field(step: Advance) -> str:
    return next(
        name
        for name in ("days", "hours", "minutes", "working_days", "until")
        if getattr(step, name) is not None
    )


# Rollout, disbursements and faults


def _check_plan(
    data: dict[str, Any],
    kinds: dict[str, str],
    start: dt.datetime | None,
    end: dt.datetime | None,
    issues: list[Issue],
) -> None:
    drawn = _drawn_cities(data)
    for index, wave in _mappings(data.get("rollout")):
        for position, selector in _items(wave.get("units")):
            _check_selector(("rollout", index, "units", position), selector, kinds, issues)
            _check_drawn(("rollout", index, "units", position), selector, drawn, issues)
    for index, payment in _mappings(data.get("disbursements")):
        for position, selector in _items(payment.get("unions")):
            _check_selector(("disbursements", index, "unions", position), selector, kinds, issues)
            _check_drawn(("disbursements", index, "unions", position), selector, drawn, issues)
        day = _date(payment.get("date"))
        if (
            day is not None
            and start is not None
            and end is not None
            and not start.date() <= day <= end.date()
        ):
            issues.append(
                Issue(
                    ("disbursements", index, "date"),
                    "outside_run",
                    {"value": day.isoformat(), "start": _text(start), "end": _text(end)},
                )
            )

    faults = data.get("faults")
    if not isinstance(faults, dict):
        return
    for index, fault in _mappings(faults.get("duplicate_file")):
        _check_selector(
            ("faults", "duplicate_file", index, "union"), fault.get("union"), kinds, issues
        )
    for section in ("branch_closed", "core_slow", "core_unavailable"):
        for index, fault in _mappings(faults.get(section)):
            loc = ("faults", section, index)
            if section == "branch_closed":
                _check_ref((*loc, "branch"), fault.get("branch"), "branch", kinds, issues)
            begins, ends = _moment(fault.get("from")), _moment(fault.get("to"))
            if None in (begins, ends, start, end):
                continue
            if ends <= start or begins >= end:
                issues.append(
                    Issue(
                        (*loc, "from"),
                        "outside_run",
                        {"value": _text(begins), "start": _text(start), "end": _text(end)},
                    )
                )


def _check_selector(loc: Loc, selector: Any, kinds: dict[str, str], issues: list[Issue]) -> None:
    if isinstance(selector, str) and selector.startswith("union:"):
        _check_ref(loc, selector.removeprefix("union:"), "union", kinds, issues)


def _drawn_cities(data: dict[str, Any]) -> list[str]:
    """Return the cities of ``province.population.cities`` (empty: the whole province is drawn)."""
    cities = _dig(data, "province", "population", "cities")
    if not isinstance(cities, list):
        return []
    return [city for city in cities if isinstance(city, str)]


def _check_drawn(loc: Loc, selector: Any, drawn: list[str], issues: list[Issue]) -> None:
    # A city or county outside the drawn cities has no union in the run, so the
    # wave or payment would select no member there.
    if not drawn or not isinstance(selector, str):
        return
    kind, _, name = selector.partition(":")
    if kind == "city":
        city = name
    elif kind == "county":
        city = county_city(name)
    else:
        return
    if city is not None and city not in drawn:
        values = {"value": selector, "city": city, "drawn": ", ".join(drawn)}
        issues.append(Issue(loc, "selector_not_drawn", values))


# Helpers


def _items(value: Any) -> Iterator[tuple[int, Any]]:
    if isinstance(value, list):
        yield from enumerate(value)


def _mappings(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, item in _items(value):
        if isinstance(item, dict):
            yield index, item


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _moment(value: Any) -> dt.datetime | None:
    try:
        return _MOMENT.validate_python(value)
    except ValidationError:
        return None


def _date(value: Any) -> dt.date | None:
    try:
        return _DATE.validate_python(value)
    except ValidationError:
        return None


def _text(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _path(loc: Loc) -> str:
    return display_path(loc)
