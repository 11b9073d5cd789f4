"""Spanish names and descriptions for the slash commands (es-ES and es-419), from the command table's
messages (``chat.po``).

Each localizable string is a :class:`~discord.app_commands.locale_str` whose English text comes from the
English catalog and whose ``key`` extra names the message; the translator returns the Spanish message.
"""

from __future__ import annotations

from discord import Locale, app_commands

from bot.chat.language import messages, t
from knowledge.i18n import Language

SPANISH_LOCALES = frozenset({Locale.spain_spanish, Locale.latin_american_spanish})


def localized(key: str) -> app_commands.locale_str:
    """A command, option or choice string: English text, translated by :class:`PoTranslator`."""
    return app_commands.locale_str(t("en", key), key=key)


def language_of(locale: Locale) -> Language | None:
    """The catalog language for a Discord locale that gets its own translation, else None."""
    return "es" if locale in SPANISH_LOCALES else None


class PoTranslator(app_commands.Translator):
    """Looks localizable strings up by their ``key`` in the Spanish catalog."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        lang = language_of(locale)
        key = string.extras.get("key")
        if lang is None or not isinstance(key, str) or key not in messages().ids(lang):
            return None
        return t(lang, key)
