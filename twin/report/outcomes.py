"""Sections on what was checked: the ledger audit, the expectations and the script steps."""

from __future__ import annotations

from twin.i18n import t
from twin.report.html import Markup, badge, note, pairs, section, table, text
from twin.report.labels import message_or, reason_text
from twin.report.masking import mask_detail, mask_text
from twin.report.units import format_amount, format_count, format_expected, format_outcome

__all__ = ["audit", "expectations", "script", "step_place"]

_MOST_PROBLEMS = 50
#: Step detail keys shown in the "with" column of the script table, in this order.
_DETAIL_KEYS = ("member", "merchant", "union", "accepted", "opened", "rejected", "section", "file_id", "balance", "discount")
_DETAIL_AMOUNTS = ("balance", "discount")


def audit(run, lang: str) -> Markup:
    """Build the ledger audit: the verdict, what was counted and each broken invariant."""
    ledger = run.metrics.get("ledger", {})
    ok = bool(ledger.get("ok"))
    verdict = badge(t("report.status.ledger_ok" if ok else "report.status.ledger_problems", lang), ok)
    rows = [
        (t("report.audit.accounts", lang), format_count(ledger.get("accounts", 0))),
        (t("report.audit.transfers", lang), format_count(ledger.get("transfers", 0))),
        (t("report.audit.holds", lang), format_count(ledger.get("holds", 0))),
        (t("report.audit.total_debits_posted", lang), format_amount(ledger.get("total_debits_posted", 0), lang)),
        (t("report.audit.total_credits_posted", lang), format_amount(ledger.get("total_credits_posted", 0), lang)),
    ]
    problems = ledger.get("problems", [])
    body = [Markup(f'<div class="badges">{verdict}</div>'), pairs(rows)]
    if problems:
        headers = [t(f"report.audit.{key}", lang) for key in ("rule", "detail", "transfer_id", "account_id")]
        shown = [
            [Markup(f"<code>{text(problem.get('rule', ''))}</code>"), mask_text(str(problem.get("detail", ""))),
             problem.get("transfer_id") or "—", problem.get("account_id") or "—"]
            for problem in problems[:_MOST_PROBLEMS]
        ]
        body.append(table(headers, shown))
        if len(problems) > _MOST_PROBLEMS:
            body.append(note(t("report.more_rows", lang, count=len(problems) - _MOST_PROBLEMS)))
    return section("ledger", t("report.section.ledger", lang), *body, intro=t("report.intro.ledger", lang))


def expectations(run, lang: str) -> Markup:
    """Build the table of every expectation with its outcome, failures marked."""
    results = run.metrics.get("expectations", [])
    title = t("report.section.expectations", lang)
    if not results:
        return section("expectations", title, note(t("report.no_expectations", lang)))
    headers = [t(f"report.expectation.{key}", lang) for key in ("where", "field", "expected", "actual", "result")]
    rows = []
    classes = []
    for result in results:
        field = result.get("field", "")
        ok = bool(result.get("ok"))
        rows.append(
            [
                step_place(result, lang),
                Markup(f"<code>{text(field)}</code>"),
                format_expected(field, result.get("expected"), lang),
                format_outcome(field, result.get("actual"), lang),
                t("report.pass" if ok else "report.fail", lang),
            ]
        )
        classes.append("pass" if ok else "fail")
    failed = classes.count("fail")
    summary = t("report.expectations_summary", lang, held=len(results) - failed, total=len(results))
    return section("expectations", title, note(summary), Markup('<div class="wide">'),
                   table(headers, rows, row_classes=classes), Markup("</div>"))


def script(run, lang: str) -> Markup | None:
    """Build the table of script steps; None for a run without a script."""
    steps = run.metrics.get("script", [])
    if not steps:
        return None
    keys = ("index", "at", "do", "with", "amount", "response", "reason", "account", "result")
    headers = [t(f"report.step.{key}", lang) for key in keys]
    checked = {result.get("step") for result in run.metrics.get("expectations", []) if result.get("scope") == "step"}
    rows = []
    classes = []
    for step in steps:
        detail = mask_detail(step.get("detail") or {})
        reason = step.get("reason", "")
        explanation = reason_text(reason, lang, card_request=bool(step.get("response")))
        reason_cell = Markup(f"<code>{text(reason)}</code>" + (f"<br>{text(explanation)}" if explanation else ""))
        amount = step.get("amount")
        account = step.get("paid_from") or step.get("paid_to")
        ok = bool(step.get("ok", True))
        if step.get("index") in checked:
            verdict = t("report.pass" if ok else "report.fail", lang)
        else:
            verdict = t("report.not_checked", lang)
        rows.append(
            [
                _step_label(step),
                str(step.get("at", ""))[:16].replace("T", " "),
                message_or(f"report.action.{step.get('do')}", str(step.get("do")), lang),
                _with(detail, lang),
                format_amount(amount, lang) if isinstance(amount, int) and amount else "",
                step.get("response") or "",
                reason_cell,
                message_or(f"common.account.{account}", account, lang) if account else "",
                verdict,
            ]
        )
        if step.get("index") not in checked:
            classes.append("")
        else:
            classes.append("pass" if ok else "fail")
    return section("script", t("report.section.script", lang), Markup('<div class="wide">'),
                   table(headers, rows, numeric=(0, 4), row_classes=classes), Markup("</div>"),
                   intro=t("report.intro.script", lang))


def step_place(result: dict, lang: str) -> str:
    """Say where an expectation sits: ``script[11] (p1)`` for a step, or the whole run."""
    if result.get("scope") != "step" or result.get("step") is None:
        return t("report.expectation.run", lang)
    place = f"script[{result['step']}]"
    return f"{place} ({result['step_id']})" if result.get("step_id") else place


# Private interface


def _why(reason: object, lang: str) -> str:
    """Explain why one member of a step was turned away (``no_card`` reads 该会员没有工会卡)."""
    return reason_text(str(reason), lang, card_request=False) or str(reason)


def _step_label(step: dict) -> str:
    return f"{step.get('index')} ({step['id']})" if step.get("id") else str(step.get("index", ""))


def _with(detail: dict, lang: str) -> str:
    """List the parties and figures of a step (member, merchant, balance ...) from its detail."""
    parts = []
    for key in _DETAIL_KEYS:
        value = detail.get(key)
        if value is None or value == "" or (key == "discount" and not value):
            continue
        if key in _DETAIL_AMOUNTS and isinstance(value, int):
            value = format_amount(value, lang)
        elif isinstance(value, list):
            if not value:
                continue
            value = " ".join(str(item) for item in value)
        elif isinstance(value, dict):
            if not value:
                continue
            value = " ".join(f"{name} ({_why(why, lang)})" for name, why in value.items())
        parts.append(f"{message_or(f'report.detail.{key}', key, lang)}: {value}")
    return ", ".join(parts)
