"""Masking of personal data before anything reaches a report or the terminal.

``metrics.json`` refers to people by actor id (``m1``), not by name, but a step's
detail comes from the engine and may grow. Every value shown from it passes
through :func:`mask_detail` or :func:`mask_text`: names keep their first
character, card numbers their first 6 and last 4 digits, ID numbers their first
and last 4 characters.
"""

from __future__ import annotations

import re

from twin.pan import mask_pan
from twin.population.identity import mask_id_number, mask_name

__all__ = ["mask_detail", "mask_text", "PERSONAL_KEYS"]

#: Detail keys that hold personal data, and how each is masked.
PERSONAL_KEYS = {
    "name": mask_name,
    "member_name": mask_name,
    "holder": mask_name,
    "pan": mask_pan,
    "card": mask_pan,
    "card_number": mask_pan,
    "account_number": mask_pan,
    "id_number": mask_id_number,
}

# A resident ID number (17 digits and a digit or X), or a run of 13 to 19
# digits that may be a card or account number, standing alone.
_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_CARD_NUMBER = re.compile(r"(?<![0-9])[0-9]{13,19}(?![0-9])")


def mask_text(value: str) -> str:
    """Mask every ID number and card-like digit run in a text."""
    masked = _ID_NUMBER.sub(lambda match: mask_id_number(match.group()), value)
    return _CARD_NUMBER.sub(lambda match: mask_pan(match.group()), masked)


def mask_detail(detail: object) -> object:
    """Return a copy of a step's detail with personal values masked, at any depth."""
    if isinstance(detail, dict):
        masked = {}
        for key, value in detail.items():
            rule = PERSONAL_KEYS.get(str(key))
            if rule is not None and isinstance(value, str):
                masked[key] = rule(value)
            else:
                masked[key] = mask_detail(value)
        return masked
    if isinstance(detail, list):
        return [mask_detail(value) for value in detail]
    if isinstance(detail, str):
        return mask_text(detail)
    return detail
