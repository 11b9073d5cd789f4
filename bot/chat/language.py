"""The language of a chat reply, and the core's own messages (apology, cooldown), from ``bot/locales/*/chat.po``.

An answer follows its question's language. A question with no language of its own ("4060 llama 2 7b?")
falls back to the conversation's previous language, then to the platform's hint (the user's or the
server's locale), then English. The core's messages are written in the same language as the answer would be.
"""

from __future__ import annotations

import functools
from pathlib import Path

from knowledge.i18n import Language, Messages
from knowledge.understanding.understand import read

LOCALES = Path(__file__).resolve().parent.parent / "locales"


@functools.cache
def messages() -> Messages:
    return Messages(LOCALES, "chat")


def t(lang: Language, key: str, /, **fields: object) -> str:
    """The chat core's message ``key`` in ``lang``."""
    return messages()(lang, key, **fields)


def detected_language(text: str) -> Language | None:
    """The language ``text`` is written in, when it says (a Spanish or English word), else None."""
    if not text.strip():
        return None
    try:
        from knowledge import load_catalog

        return read(text, load_catalog()).language
    except Exception:  # the language is a courtesy: never let it fail a reply
        return None


def reply_language(text: str, *fallbacks: Language | None) -> Language:
    """The question's own language, else the first fallback given, else English."""
    found = detected_language(text)
    if found is not None:
        return found
    return next((lang for lang in fallbacks if lang is not None), "en")


def apology(lang: Language, ref: object) -> str:
    """What a user reads when answering failed on our side: sorry, the reference logged, try again."""
    return t(lang, "chat.apology", ref=ref)


def cooldown_notice(lang: Language, seconds: int) -> str:
    return t(lang, "chat.cooldown", seconds=seconds)
