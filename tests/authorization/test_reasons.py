"""Every reason the core can return has a sentence in the message catalogue."""

import ast
from pathlib import Path

from twin import i18n
from twin.authorization import codes
from twin.authorization.pin import PinProblem
from twin.ledger import TransferResult

SOURCES = Path(codes.__file__).parent
CODE_NAMES = {"C", "_C", "ResponseCode"}


def literal_reasons() -> set[str]:
    """Collect reason literals: ``(C.X, "reason")`` pairs, ``Response(code, "reason")`` calls and
    the ``(None, "reason")`` answers of the issuer's PIN policy."""
    reasons = set()
    for path in sorted(SOURCES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple) and len(node.elts) == 2:
                first, second = node.elts
                is_code = isinstance(first, ast.Attribute) and getattr(first.value, "id", "") in CODE_NAMES
                is_pin_answer = isinstance(first, ast.Constant) and first.value is None
                if isinstance(second, ast.Constant) and isinstance(second.value, str):
                    if is_code or (is_pin_answer and second.value.startswith("new_pin_")):
                        reasons.add(second.value)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Response" and len(node.args) >= 2:
                reason = node.args[1]
                if isinstance(reason, ast.Constant) and isinstance(reason.value, str):
                    reasons.add(reason.value)
    return reasons


def every_reason() -> set[str]:
    pin_policy = {f"new_pin_{problem.value}" for problem in PinProblem}
    ledger = {codes.ledger_decline(result)[1] for result in TransferResult if result is not TransferResult.OK}
    return literal_reasons() | pin_policy | ledger


def test_scan_finds_reasons():
    reasons = literal_reasons()
    assert {"approved", "pin_incorrect", "welfare_cash_forbidden", "card_not_activated", "atc_replay",
            "new_pin_is_initial", "system_malfunction"} <= reasons


def test_every_reason_has_a_sentence():
    catalogue = i18n.catalogue()
    missing = sorted(reason for reason in every_reason() if f"authorization.reason.{reason}" not in catalogue)
    assert missing == []


def test_catalogue_has_no_stale_reasons():
    listed = {key.removeprefix("authorization.reason.") for key in i18n.catalogue()
              if key.startswith("authorization.reason.")}
    assert sorted(listed - every_reason()) == []


def test_reason_in_both_languages():
    assert i18n.t("authorization.reason.welfare_cash_forbidden", "zh") == "福利专用账户不能取现"
    assert i18n.t("authorization.reason.welfare_cash_forbidden", "en") == "The welfare account pays no cash"
