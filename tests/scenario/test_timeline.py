import datetime as dt

from twin.scenario import parse_scenario

from .samples import BASE


def times(script: str) -> list[str]:
    scenario = parse_scenario(BASE + "script:\n" + script)
    return [moment.strftime("%Y-%m-%d %H:%M") for moment in scenario.step_times()]


def test_steps_without_at_share_clock():
    assert times("  - {do: enrol, member: m1}\n  - {do: enrol, member: m1}\n") == [
        "2020-01-06 09:00",
        "2020-01-06 09:00",
    ]


def test_at_moves_clock():
    script = "  - {at: '2020-01-07 10:30', do: enrol, member: m1}\n  - {do: enrol, member: m1}\n"
    assert times(script) == ["2020-01-07 10:30", "2020-01-07 10:30"]


def test_working_days_skip_spring_festival():
    # 23 January 2020 is the last working day before the holiday, which ran to 2 February.
    script = (
        "  - {at: '2020-01-23 10:00', do: enrol, member: m1}\n  - {do: advance, working_days: 1}\n"
    )
    assert times(script)[-1] == "2020-02-03 10:00"


def test_working_days_count_makeup_sunday():
    script = (
        "  - {at: '2020-01-17 10:00', do: enrol, member: m1}\n  - {do: advance, working_days: 1}\n"
    )
    assert times(script)[-1] == "2020-01-19 10:00"


def test_hours_and_minutes():
    assert times("  - {do: advance, hours: 2}\n  - {do: advance, minutes: 15}\n") == [
        "2020-01-06 11:00",
        "2020-01-06 11:15",
    ]


def test_offset_time_converted_to_local():
    scenario = parse_scenario(
        BASE + "script:\n  - {at: '2020-01-06T02:00:00Z', do: enrol, member: m1}\n"
    )
    assert scenario.script[0].at == dt.datetime(2020, 1, 6, 10, 0, tzinfo=scenario.start.tzinfo)
