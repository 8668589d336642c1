"""Asia/Shanghai days, working days, settlement days and epoch helpers."""

import datetime as dt

import pytest

from twin.calendar import (
    TZ,
    CalendarRangeError,
    add_working_days,
    calendar_range,
    check_in_range,
    days_in_year,
    epoch_micros,
    from_epoch_micros,
    holiday_name,
    is_holiday,
    is_settlement_day,
    is_working_day,
    local_date,
    local_day_index,
    next_working_day,
    parse_local,
    to_local,
)

SPRING_FESTIVAL_2020 = [dt.date(2020, 1, 24) + dt.timedelta(days=offset) for offset in range(10)]


def day(text):
    return dt.date.fromisoformat(text)


# The 2020 Spring Festival, extended to 2 February.


@pytest.mark.parametrize("date", SPRING_FESTIVAL_2020, ids=str)
def test_spring_festival_2020_holiday(date):
    assert is_working_day(date) is False


@pytest.mark.parametrize("date", SPRING_FESTIVAL_2020, ids=str)
def test_spring_festival_2020_name(date):
    assert holiday_name(date) == "Spring Festival"


def test_spring_festival_2020_ends_on_2_february():
    assert SPRING_FESTIVAL_2020[-1] == day("2020-02-02")


def test_first_working_day_after_spring_festival():
    assert is_working_day(day("2020-02-03")) is True


def test_cancelled_make_up_day_1_february():
    # 1 February 2020 was planned as a make-up working Saturday until the extension.
    assert is_working_day(day("2020-02-01")) is False


# Make-up working days.


def test_make_up_sunday_is_working_day():
    assert is_working_day(day("2020-01-19")) is True


def test_make_up_sunday_not_settlement_day():
    assert is_settlement_day(day("2020-01-19")) is False


@pytest.mark.parametrize(
    "text", ["2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10"]
)
def test_other_2020_make_up_days(text):
    assert (is_working_day(day(text)), is_settlement_day(day(text))) == (True, False)


def test_plain_weekday_is_settlement_day():
    assert is_settlement_day(day("2020-01-20")) is True


def test_plain_saturday():
    assert (is_working_day(day("2020-01-11")), is_holiday(day("2020-01-11"))) == (False, True)


def test_national_day_2020():
    assert holiday_name(day("2020-10-01")) == "National Day"


def test_ordinary_day_has_no_holiday_name():
    assert holiday_name(day("2020-01-20")) is None


# Counting working days.


def test_add_working_days_over_spring_festival():
    # 23 January is a working Thursday; the next three working days are
    # 3, 4 and 5 February.
    assert add_working_days(day("2020-01-23"), 3) == day("2020-02-05")


def test_add_working_days_counts_make_up_sunday():
    # Friday 17 January, then Sunday 19 (make-up), Monday 20.
    assert add_working_days(day("2020-01-17"), 2) == day("2020-01-20")


def test_add_working_days_seven():
    assert add_working_days(day("2020-01-06"), 7) == day("2020-01-15")


def test_add_zero_working_days():
    assert add_working_days(day("2020-01-25"), 0) == day("2020-01-25")


def test_add_negative_working_days():
    with pytest.raises(ValueError, match="expected zero or more working days"):
        add_working_days(day("2020-01-06"), -1)


def test_next_working_day_from_holiday():
    assert next_working_day(day("2020-01-24")) == day("2020-02-03")


def test_next_working_day_is_strictly_after():
    assert next_working_day(day("2020-01-20")) == day("2020-01-21")


# The range of holiday data.


def test_calendar_range_starts_2004():
    assert calendar_range()[0] == day("2004-01-01")


def test_calendar_range_covers_simulation_years():
    first, last = calendar_range()
    assert first <= day("2019-11-01")
    assert day("2021-12-31") <= last


@pytest.mark.parametrize(
    "function",
    [is_working_day, is_holiday, holiday_name, is_settlement_day, check_in_range],
    ids=lambda f: f.__name__,
)
def test_out_of_range_raises(function):
    first, _ = calendar_range()
    with pytest.raises(CalendarRangeError):
        function(first - dt.timedelta(days=1))


def test_out_of_range_after_last():
    _, last = calendar_range()
    with pytest.raises(CalendarRangeError):
        is_working_day(last + dt.timedelta(days=1))


def test_out_of_range_message():
    with pytest.raises(
        CalendarRangeError,
        match=r"2003-12-31 is outside the holiday calendar's data \(2004-01-01 to ",
    ):
        is_working_day(day("2003-12-31"))


def test_add_working_days_out_of_range():
    _, last = calendar_range()
    with pytest.raises(CalendarRangeError):
        add_working_days(last - dt.timedelta(days=3), 10)


def test_range_error_is_value_error():
    assert issubclass(CalendarRangeError, ValueError)


# Local days against UTC.


def micros(moment):
    return epoch_micros(moment)


def test_local_day_starts_at_local_midnight():
    midnight = micros(dt.datetime(2020, 1, 7, 0, 0, tzinfo=TZ))
    assert local_day_index(midnight) - local_day_index(midnight - 1) == 1


def test_local_midnight_is_16_utc():
    assert micros(dt.datetime(2020, 1, 6, 16, 0, tzinfo=dt.UTC)) == micros(
        dt.datetime(2020, 1, 7, 0, 0, tzinfo=TZ)
    )


def test_utc_midnight_same_local_day():
    before = micros(dt.datetime(2020, 1, 6, 23, 59, tzinfo=dt.UTC))
    after = micros(dt.datetime(2020, 1, 7, 0, 1, tzinfo=dt.UTC))
    assert local_day_index(before) == local_day_index(after)


def test_local_day_index_of_epoch():
    assert local_day_index(0) == 0


def test_local_day_index_before_epoch():
    assert local_day_index(micros(dt.datetime(1969, 12, 31, 12, tzinfo=TZ))) == -1


def test_local_day_index_counts_days():
    assert (
        local_day_index(micros(dt.datetime(2020, 2, 29, 23, 59, tzinfo=TZ)))
        == (day("2020-02-29") - day("1970-01-01")).days
    )


def test_local_date_of_utc_evening():
    assert local_date(dt.datetime(2020, 12, 31, 16, 30, tzinfo=dt.UTC)) == day("2021-01-01")


def test_local_date_of_micros():
    assert local_date(micros(dt.datetime(2020, 12, 31, 16, 30, tzinfo=dt.UTC))) == day("2021-01-01")


def test_local_date_int_and_datetime_agree():
    moment = dt.datetime(2020, 3, 1, 0, 0, 1, tzinfo=TZ)
    assert local_date(micros(moment)) == local_date(moment)


# Epoch microseconds.


def test_epoch_micros_of_epoch():
    assert epoch_micros(dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) == 0


def test_epoch_micros_naive_is_local():
    assert epoch_micros(dt.datetime(2020, 1, 6, 9)) == epoch_micros(
        dt.datetime(2020, 1, 6, 1, tzinfo=dt.UTC)
    )


def test_epoch_micros_keeps_microseconds():
    assert epoch_micros(dt.datetime(2020, 1, 6, 9, 0, 0, 123_456, tzinfo=TZ)) % 1_000_000 == 123_456


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2020, 1, 6, 9, tzinfo=TZ),
        dt.datetime(2020, 2, 29, 23, 59, 59, 999_999, tzinfo=TZ),
        dt.datetime(2019, 12, 31, 16, 0, tzinfo=dt.UTC),
        dt.datetime(2004, 1, 1, tzinfo=TZ),
    ],
    ids=str,
)
def test_round_trip(moment):
    assert from_epoch_micros(epoch_micros(moment)) == moment


def test_round_trip_in_old_summer_time():
    moment = dt.datetime(1988, 7, 1, 12, tzinfo=TZ)
    assert epoch_micros(from_epoch_micros(epoch_micros(moment))) == epoch_micros(moment)


def test_from_epoch_micros_in_shanghai():
    assert from_epoch_micros(0).utcoffset() == dt.timedelta(hours=8)


# Parsing and conversion.


def test_parse_local_without_offset():
    assert parse_local("2020-01-06 09:00") == dt.datetime(2020, 1, 6, 9, tzinfo=TZ)


def test_parse_local_with_offset():
    assert parse_local("2020-01-06T01:00:00+00:00") == dt.datetime(2020, 1, 6, 9, tzinfo=TZ)


def test_parse_local_keeps_instant():
    assert epoch_micros(parse_local("2020-01-06T01:00:00Z")) == epoch_micros(
        dt.datetime(2020, 1, 6, 1, tzinfo=dt.UTC)
    )


def test_parse_local_rejects_garbage():
    with pytest.raises(ValueError):
        parse_local("6 January 2020")


def test_to_local_converts_aware():
    assert to_local(dt.datetime(2020, 1, 6, 1, tzinfo=dt.UTC)).hour == 9


@pytest.mark.parametrize(("year", "days"), [(2019, 365), (2020, 366), (2100, 365), (2000, 366)])
def test_days_in_year(year, days):
    assert days_in_year(year) == days
