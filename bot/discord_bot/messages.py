"""The Discord adapter's own text (command metadata, errors, labels), from ``bot/locales/*/discord.po``."""

from __future__ import annotations

import functools
from pathlib import Path

from knowledge.i18n import Language, Messages

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "discord"


@functools.cache
def messages() -> Messages:
    return Messages(LOCALES, DOMAIN)


def t(lang: Language, key: str, /, **fields: object) -> str:
    """The message ``key`` in ``lang`` with its fields filled in."""
    return messages()(lang, key, **fields)
