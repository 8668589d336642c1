"""The message catalogue: every user-facing text in Simplified Chinese and English.

Messages live in ``messages/*.yaml`` beside this module, one file per area
(``cli``, ``scenario``, ``report``, ``tui`` ...). Each entry is::

    run.finished:
      zh: 运行结束，用时 {seconds} 秒
      en: Run finished in {seconds} s

and is looked up as ``"<file>.<key>"``, for example ``t("cli.run.finished",
seconds=3)``. Chinese is the default language; ``TWIN_LANG=en`` or
:func:`set_language` switches to English. Together the files form one catalogue,
and a test checks that every entry has both languages.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from string import Formatter

import yaml

__all__ = [
    "LANGUAGES",
    "MessageKeyError",
    "catalogue",
    "get_language",
    "set_language",
    "normalize_language",
    "t",
]

LANGUAGES = ("zh", "en")
_MESSAGES_DIR = Path(__file__).with_name("messages")
_language: str | None = None


class MessageKeyError(KeyError):
    """A message key that the catalogue does not contain."""


def normalize_language(value: str | None) -> str | None:
    """Map ``zh``, ``zh_CN``, ``zh-CN.UTF-8``, ``en``, ``en_US`` ... to ``zh`` or ``en``."""
    if not value:
        return None
    head = value.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return head if head in LANGUAGES else None


def set_language(language: str | None) -> None:
    """Choose the language for later messages; ``None`` goes back to ``TWIN_LANG``."""
    global _language
    if language is not None and normalize_language(language) is None:
        raise ValueError(f"unknown language {language!r}; expected one of: zh, en")
    _language = normalize_language(language)


def get_language() -> str:
    """Return the language in force: the one set, else ``TWIN_LANG``, else Chinese."""
    if _language is not None:
        return _language
    return normalize_language(os.environ.get("TWIN_LANG")) or "zh"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Load every message file into one mapping of ``area.key`` to its translations."""
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(_MESSAGES_DIR.glob("*.yaml")):
        area = path.stem
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            entries[f"{area}.{key}"] = dict(texts)
    return entries


def t(key: str, lang: str | None = None, /, **values: object) -> str:
    """Return the message ``key`` in ``lang`` (or the language in force), filled with ``values``."""
    entry = catalogue().get(key)
    if entry is None:
        raise MessageKeyError(f"message {key!r} is not in the catalogue (twin/i18n/messages)")
    language = normalize_language(lang) or get_language()
    text = entry.get(language) or entry["zh"]
    if not values:
        return text
    return text.format(**values)


def placeholders(text: str) -> set[str]:
    """Return the names of the ``{placeholders}`` in a message text."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}
