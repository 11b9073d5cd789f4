"""User-facing text in English and Spanish, kept in gettext message catalogs (``locales/*/LC_MESSAGES``).

Messages are looked up by a symbolic id (``verdict.yes``) and formatted with named fields. Catalogs are
read with Babel once and cached; numbers are written as Babel's CLDR data writes them for each language
("19.2" in English, "19,2" in Spanish), without loading that data at every start.
Adapters keep their own catalogs (``bot/locales``) and load them with :class:`Messages` too.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Literal

from knowledge.estimator.data_files import cached

Language = Literal["en", "es"]
LANGUAGES: tuple[Language, ...] = ("en", "es")
LOCALES = Path(__file__).parent / "locales"


def language_of_locale(locale: str | None, default: Language = "en") -> Language:
    """Map a platform locale ("es-ES", "es-419", "en-US") to a supported language."""
    if not locale:
        return default
    return "es" if locale.lower().startswith("es") else "en"


class Messages:
    """One domain's messages in every language, loaded once from ``<root>/<lang>/LC_MESSAGES/<domain>.po``
    (then read from the cache keyed by the files' hash: parsing them costs more than answering)."""

    def __init__(self, root: Path, domain: str) -> None:
        files = [root / lang / "LC_MESSAGES" / f"{domain}.po" for lang in LANGUAGES]
        self._tables: dict[str, dict[str, str]] = cached(
            [*files, Path(__file__)], lambda: _read_tables(files), kind=f"messages-{domain}"
        )

    def ids(self, lang: Language) -> frozenset[str]:
        return frozenset(self._tables[lang])

    def __call__(self, lang: Language, key: str, /, **fields: object) -> str:
        """The message ``key`` in ``lang`` with its fields filled; English if a translation is missing."""
        template = self._tables[lang].get(key) or self._tables["en"].get(key)
        if template is None:
            raise KeyError(f"no message {key!r} in any catalog; add it to the .po files")
        return template.format(**fields)


def _read_tables(files: list[Path]) -> dict[str, dict[str, str]]:
    from babel.messages.pofile import read_po  # here: a start from the cache parses no .po file

    tables: dict[str, dict[str, str]] = {}
    for lang, path in zip(LANGUAGES, files, strict=True):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        tables[lang] = {
            str(message.id): str(message.string)
            for message in catalog
            if message.id and isinstance(message.string, str) and message.string
        }
    return tables


@functools.cache
def messages() -> Messages:
    """The knowledge package's own messages (answers, assumptions, errors)."""
    return Messages(LOCALES, "knowledge")


def t(lang: Language, key: str, /, **fields: object) -> str:
    """Shorthand for ``messages()(lang, key, **fields)``."""
    return messages()(lang, key, **fields)


# Decimal and grouping marks (CLDR, as Babel gives them for en_US and es_ES with the pattern "#,##0.#"):
# "1,234.5" in English, "1.234,5" in Spanish.
_MARKS: dict[Language, tuple[str, str]] = {"en": (".", ","), "es": (",", ".")}


def number(value: float, lang: Language, digits: int = 1) -> str:
    """A number as the language writes it, with at most ``digits`` decimals ("19,2" in Spanish).

    Written as Babel writes ``round(value, digits)`` with the pattern "#,##0.#" (the float's shortest decimal
    form, rounded half to even at ``digits``, trailing zeros dropped), without loading Babel's locale data.
    """
    rounded = round(value, digits)
    if not math.isfinite(rounded):  # infinity and NaN: Babel's own symbols
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return format_decimal(rounded, format=pattern, locale="es_ES" if lang == "es" else "en_US")
    exact = Decimal(repr(abs(rounded))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    whole, _, fraction = format(exact, ",f").partition(".")
    fraction = fraction.rstrip("0")
    decimal_mark, group_mark = _MARKS[lang]
    text = whole.replace(",", group_mark) + (decimal_mark + fraction if fraction else "")
    return ("-" if math.copysign(1.0, rounded) < 0 else "") + text


def gib(value: float, lang: Language) -> str:
    """A memory figure in GiB as the language writes it ("19.2 GiB", "19,2 GiB")."""
    return f"{number(value, lang)} GiB"
