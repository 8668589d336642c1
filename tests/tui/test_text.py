"""Texts of the UI: catalogue lookups, reasons, amounts, times and translated key bindings."""

import datetime as dt

from textual.binding import Binding
from textual.widget import Widget

from tui.text import (
    explain_reason,
    localize_bindings,
    moment_text,
    percent,
    signed_yuan,
    tr,
    transfer_phase,
    yuan,
)
from twin.calendar import to_local


def test_title_in_both_languages():
    assert tr("zh", "app.title") == "江西省工会会员服务卡数字孪生"
    assert tr("en", "app.title") == "Jiangxi union member service card twin"


def test_unknown_reason_shown_by_name():
    assert explain_reason("en", "no_such_rule") == "no_such_rule"


def test_runner_outcome_explained():
    assert explain_reason("en", "card_replaced", card_request=False).startswith("A new card replaces the lost one")


def test_closure_outcome_before_decline():
    assert explain_reason("zh", "card_closed", card_request=False).startswith("卡片已销户：")


def test_amounts():
    assert yuan(123456) == "1,234.56"
    assert yuan(None) == "—"
    assert signed_yuan(-30000) == "-300.00"
    assert signed_yuan(100) == "+1.00"
    assert percent(0.625) == "62.5%"


def test_moment_with_weekday():
    moment = to_local(dt.datetime(2020, 1, 17, 11, 0))
    assert moment_text("zh", moment) == "2020-01-17 11:00 周五"
    assert moment_text("en", moment) == "2020-01-17 11:00 Fri"


def test_transfer_phases():
    assert transfer_phase(3) == "pending"
    assert transfer_phase(4) == "posted"
    assert transfer_phase(8) == "voided"
    assert transfer_phase(8 | 16) == "expired"
    assert transfer_phase(0) is None


class Keyed(Widget):
    BINDINGS = [Binding("n", "next", "key.next_step"), Binding("x", "other", "Not a key")]


def test_bindings_translated():
    widget = Keyed()
    localize_bindings(widget, "en")
    descriptions = {key: binding.description for key, binding in widget._bindings}
    assert descriptions == {"n": "Next step", "x": "Not a key"}


def test_class_bindings_unchanged():
    widget = Keyed()
    localize_bindings(widget, "zh")
    assert Keyed.BINDINGS[0].description == "key.next_step"

