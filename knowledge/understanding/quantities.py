"""The numbers a question gives, read whole and checked against what can mean something.

A number is read as typed, however long ("10,000,000 tokens of context"), with exponent notation worked out
("10^9", "2**20", "1e6", "3x10^9", "10⁹"), so that an absurd value is refused rather than cut to its last
digits or dropped for a default. :func:`check` turns a value out of its bounds into an
:class:`~knowledge.answer_model.Oddity`, which the answer refuses, saying what it understood.
"""

from __future__ import annotations

import math
import re
from typing import Final

from knowledge.answer_model import Oddity, OddityKind
from knowledge.estimator.estimate import MAX_CONTEXT
from knowledge.estimator.verdicts import MAX_GPUS

# Bounds beyond which a quantity describes nothing that exists (or nothing vrambot answers for).
MAX_SIZE_B: Final = 100_000.0  # 100 trillion parameters: far beyond the largest model (about 2 trillion)
MAX_MEMORY_GIB: Final = 100_000.0  # about 100 TiB: beyond any single machine a question could name
MAX_CONTEXT_TOKENS: Final = MAX_CONTEXT  # the estimator's bound (10 million tokens, the longest trained context)
MAX_BATCH: Final = 4096  # the Job's bound
MAX_TRAINING_TOKENS: Final = 1e15  # a thousand trillion: over fifty times the largest published pre-training run
_LARGEST_WRITTEN = 10**18  # exponents beyond this are written as this (still refused as too large)

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPERSCRIPT_RUN = re.compile(r"(\d)([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)")
_TIMES_TEN = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?[x*]\s?10\s?(?:\^|\*\*)\s?(-?\d{1,4})(?![\d.])")
_POWER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:\^|\*\*)\s?(-?\d{1,4})(?![\d.])")
_SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)e([+-]?\d{1,4})(?![\w.])")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*")


def superscripts(text: str) -> str:
    """ "10⁹" → "10^9" (before folding, which would make it "109")."""
    return _SUPERSCRIPT_RUN.sub(lambda m: f"{m.group(1)}^{m.group(2).translate(_SUPERSCRIPT)}", text)


def _written(value: float) -> str:
    if value >= _LARGEST_WRITTEN:
        return str(_LARGEST_WRITTEN)
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0")


def _power(base: str, exponent: str) -> float:
    value, exp = float(base), int(exponent)
    if value > 1 and exp * math.log10(value) > 18:
        return float(_LARGEST_WRITTEN)
    try:
        return value**exp
    except (OverflowError, ZeroDivisionError):
        return 0.0


def expand(folded: str) -> str:
    """Exponent notation written out: "10^9" → "1000000000", "1e6" → "1000000", "3x10^9" → "3000000000"."""
    folded = _TIMES_TEN.sub(lambda m: _written(float(m.group(1)) * _power("10", m.group(2))), folded)
    folded = _POWER.sub(lambda m: _written(_power(m.group(1), m.group(2))), folded)
    return _SCIENTIFIC.sub(lambda m: _written(float(m.group(1)) * _power("10", m.group(2))), folded)


def number(text: str) -> float | None:
    """A number as people write it: "1,5" and "2.5" are decimals, "10,000,000" and "10.000" are thousands."""
    if _THOUSANDS.fullmatch(text):
        return float(re.sub(r"[.,]", "", text))
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def negative(folded: str, start: int) -> bool:
    """Whether the number starting at ``start`` has a minus sign of its own ("-5 gb", not "llama-2-7b")."""
    if start < 1 or folded[start - 1] != "-":
        return False
    return start < 2 or not folded[start - 2].isalnum()


def check(kind: str, value: float, typed: str, *, negative_sign: bool = False) -> Oddity | None:
    """The oddity of a ``kind`` of quantity ("size", "memory", "count", "context", "batch", "tokens"), if any."""
    if negative_sign and value > 0:
        return Oddity(kind="negative", typed=typed, value=-value)
    limits: dict[str, tuple[float, OddityKind | None, OddityKind]] = {
        "size": (MAX_SIZE_B, "zero_size", "huge_size"),
        "memory": (MAX_MEMORY_GIB, "zero_memory", "huge_memory"),
        "count": (MAX_GPUS, "zero_count", "huge_count"),
        "context": (MAX_CONTEXT_TOKENS, "zero_context", "huge_context"),
        "batch": (MAX_BATCH, "zero_batch", "huge_batch"),
        "tokens": (MAX_TRAINING_TOKENS, None, "huge_tokens"),
    }
    limit, zero, huge = limits[kind]
    if value <= 0 and zero is not None:
        return Oddity(kind=zero, typed=typed, value=value)
    if value > limit:
        return Oddity(kind=huge, typed=typed, value=value)
    return None


LIMITS: Final[dict[OddityKind, float]] = {
    "huge_size": MAX_SIZE_B,
    "huge_memory": MAX_MEMORY_GIB,
    "huge_count": MAX_GPUS,
    "huge_context": MAX_CONTEXT_TOKENS,
    "huge_batch": MAX_BATCH,
    "huge_tokens": MAX_TRAINING_TOKENS,
}
