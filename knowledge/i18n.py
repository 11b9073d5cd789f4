"""User-facing text in English and Spanish, kept in gettext message catalogs (``locales/*/LC_MESSAGES``).

Messages are looked up by a symbolic id (``verdict.yes``) and formatted with named fields. Catalogs are
read with Babel, which also formats numbers for each language ("19.2" in English, "19,2" in Spanish).
Adapters keep their own catalogs (``bot/locales``) and load them with :class:`Messages` too.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from babel.messages.pofile import read_po
from babel.numbers import format_decimal

Language = Literal["en", "es"]
LANGUAGES: tuple[Language, ...] = ("en", "es")
LOCALES = Path(__file__).parent / "locales"


def language_of_locale(locale: str | None, default: Language = "en") -> Language:
    """Map a platform locale ("es-ES", "es-419", "en-US") to a supported language."""
    if not locale:
        return default
    return "es" if locale.lower().startswith("es") else "en"


class Messages:
    """One domain's messages in every language, loaded once from ``<root>/<lang>/LC_MESSAGES/<domain>.po``."""

    def __init__(self, root: Path, domain: str) -> None:
        self._tables: dict[str, dict[str, str]] = {}
        for lang in LANGUAGES:
            path = root / lang / "LC_MESSAGES" / f"{domain}.po"
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
            self._tables[lang] = {
                str(message.id): str(message.string)
                for message in catalog
                if message.id and isinstance(message.string, str) and message.string
            }

    def ids(self, lang: Language) -> frozenset[str]:
        return frozenset(self._tables[lang])

    def __call__(self, lang: Language, key: str, /, **fields: object) -> str:
        """The message ``key`` in ``lang`` with its fields filled; English if a translation is missing."""
        template = self._tables[lang].get(key) or self._tables["en"].get(key)
        if template is None:
            raise KeyError(f"no message {key!r} in any catalog; add it to the .po files")
        return template.format(**fields)


@functools.cache
def messages() -> Messages:
    """The knowledge package's own messages (answers, assumptions, errors)."""
    return Messages(LOCALES, "knowledge")


def t(lang: Language, key: str, /, **fields: object) -> str:
    """Shorthand for ``messages()(lang, key, **fields)``."""
    return messages()(lang, key, **fields)


def number(value: float, lang: Language, digits: int = 1) -> str:
    """A number as the language writes it, with at most ``digits`` decimals ("19,2" in Spanish)."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(round(value, digits), format=pattern, locale="es_ES" if lang == "es" else "en_US")


def gib(value: float, lang: Language) -> str:
    """A memory figure in GiB as the language writes it ("19.2 GiB", "19,2 GiB")."""
    return f"{number(value, lang)} GiB"
