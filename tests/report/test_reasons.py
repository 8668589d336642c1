"""Every reason a script step can end with has a sentence in Chinese and English."""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from twin.devices.banking import FILE_STATUSES
from twin.i18n import catalogue
from twin.ledger.results import TransferResult
from twin.report.labels import STEP_REASON_KEYS, reason_text
from twin.report.outcomes import script

ROOT = Path(__file__).resolve().parents[2]


def _strings(node: ast.AST) -> set[str]:
    """Return the string constants ``node`` may evaluate to (a constant or either branch of ``a if c else b``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def _runner_reasons() -> set[str]:
    """Read the reasons the script runner writes itself: ``outcome(..., reason)``, ``reason = ...``, ``rejected[...] = ...``."""
    found: set[str] = set()
    for path in (ROOT / "twin" / "sim" / "script").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "outcome":
                if len(node.args) >= 4:
                    found |= _strings(node.args[3])
            elif isinstance(node, ast.Assign):
                target = node.targets[0]
                named = isinstance(target, ast.Name) and target.id == "reason"
                rejected = isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == "rejected"
                if named or rejected:
                    found |= _strings(node.value)
    return found


def _issuer_reasons() -> set[str]:
    """Read the reasons the issuer returns (a string, or the last item of a returned tuple); ``ok`` is no reason."""
    found: set[str] = set()
    tree = ast.parse((ROOT / "twin" / "authorization" / "issuer.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and node.value is not None:
            value = node.value.elts[-1] if isinstance(node.value, ast.Tuple) and node.value.elts else node.value
            found |= _strings(value)
    return found - {"ok"}


REASONS = sorted(
    _runner_reasons()
    | _issuer_reasons()
    | set(FILE_STATUSES)
    | {result.value for result in TransferResult if result is not TransferResult.OK}
)


def test_walk_finds_known_reasons():
    assert {"no_card", "duplicate_period", "no_row_paid", "application_rejected", "branch_closed"} <= set(REASONS)


@pytest.mark.parametrize("reason", REASONS)
def test_step_reason_has_both_languages(reason):
    key = next((p.format(reason) for p in STEP_REASON_KEYS if p.format(reason) in catalogue()), None)
    assert key is not None, f"no sentence for the step reason {reason!r}"
    assert {"zh", "en"} <= set(catalogue()[key])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_duplicate_period_explained(lang):
    assert reason_text("duplicate_period", lang, card_request=False) is not None


def _script_table(step: dict, lang: str = "zh") -> str:
    run = SimpleNamespace(metrics={"script": [step], "expectations": []})
    return str(script(run, lang))


def test_empty_list_of_step_left_out():
    step = {"index": 0, "do": "open_welfare_account", "reason": "not_opened",
            "detail": {"opened": [], "rejected": {"m1": "no_card"}}}
    assert "开户: ," not in _script_table(step)


def test_rejected_member_reason_explained():
    step = {"index": 0, "do": "open_welfare_account", "reason": "not_opened",
            "detail": {"opened": [], "rejected": {"m1": "no_card"}}}
    assert "(no_card)" not in _script_table(step)


@pytest.mark.parametrize("reason", ["no_row_paid", "card_not_active", "etc_not_signed", "application_rejected"])
def test_script_table_explains_reason(reason):
    table = _script_table({"index": 0, "do": "disburse", "reason": reason, "detail": {}}, "en")
    assert f"<code>{reason}</code><br>" in table
