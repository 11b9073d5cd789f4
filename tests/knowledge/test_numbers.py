"""Numbers in answers are written as each language writes them, exactly as Babel's CLDR rules would write them."""

from __future__ import annotations

import random

import pytest
from babel.numbers import format_decimal

from knowledge.i18n import Language, gib, number


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (19.25, "en", 1, "19.2"),  # round(19.25, 1) is 19.2: the float 19.25 is stored a hair below .25
        (19.25, "es", 1, "19,2"),  # Spanish: decimal comma
        (1234.56, "en", 1, "1,234.6"),  # English groups thousands with a comma
        (1234.56, "es", 1, "1.234,6"),  # Spanish with a dot (the explicit pattern "#,##0.#" groups from 1,000)
        (1234567.8, "es", 0, "1.234.568"),
        (2.0, "en", 1, "2"),  # trailing zeros dropped: "#" digits are optional
        (0.04, "en", 1, "0"),
        (-1234.5, "en", 1, "-1,234.5"),
        (0.25, "es", 2, "0,25"),
    ],
)
def test_numbers_by_hand(value: float, lang: Language, digits: int, expected: str) -> None:
    assert number(value, lang, digits) == expected


def test_gib_is_a_number_and_the_unit() -> None:
    assert gib(17.14, "en") == "17.1 GiB"
    assert gib(17.14, "es") == "17,1 GiB"


def test_numbers_match_babel_everywhere() -> None:
    """Babel (CLDR data for en_US and es_ES) is the independent reference for thousands of values."""
    generator = random.Random(7)
    values = [generator.uniform(-1e7, 1e7) for _ in range(500)] + [generator.uniform(0, 100) for _ in range(500)]
    values += [round(generator.uniform(0, 100), 3) for _ in range(500)] + [0.0, -0.0, 0.05, 0.95, 1e16]
    for value in values:
        for digits in (0, 1, 2):
            pattern = "#,##0" + ("." + "#" * digits if digits else "")
            for lang, locale in (("en", "en_US"), ("es", "es_ES")):
                expected = format_decimal(round(value, digits), format=pattern, locale=locale)
                assert number(value, lang, digits) == expected, (value, digits, lang)
