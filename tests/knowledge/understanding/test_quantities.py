"""Input that means nothing gets an answer, not an exception or a misread (issue 12, item 4).

Sizes of zero, negative memory, exponent notation, absurd contexts and GPU counts are refused in the user's
language, saying what else was understood; exponent notation is worked out, never cut to its last digits.
"""

from __future__ import annotations

import pytest

from knowledge import ask
from knowledge.understanding.quantities import expand, number
from knowledge.understanding.understand import understand


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("10^9", "1000000000"),  # 10 to the 9th
        ("2^20", "1048576"),  # 2**20 = 1,048,576
        ("2**20", "1048576"),
        ("1e6", "1000000"),
        ("2.5e3", "2500"),
        ("3x10^9", "3000000000"),
        ("10^-3", "0.001"),
    ],
)
def test_exponent_notation_is_worked_out(typed: str, written: str) -> None:
    """ "10^9", "2^20", "1e6" are the numbers they write, not 9, 20 or 6."""
    assert expand(typed) == written


@pytest.mark.parametrize(
    ("typed", "value"),
    [("10,000,000", 10_000_000), ("10.000", 10_000), ("1,5", 1.5), ("2.5", 2.5), ("0.001", 0.001), ("8", 8)],
)
def test_numbers_as_people_write_them(typed: str, value: float) -> None:
    """Thousands separators in either language, decimal commas and points."""
    assert number(typed) == value


@pytest.mark.parametrize(
    ("question", "context"),
    [
        ("llama 3.1 8b with 2^20 tokens of context on an h100", 1_048_576),
        ("llama 3.1 8b with 1e5 tokens of context on an h100", 100_000),
        ("llama 3.1 8b with 100,000 tokens of context on an h100", 100_000),
        ("¿llama 3.1 8b con 100.000 tokens de contexto en una h100?", 100_000),
        ("llama 3.1 8b with a 10 million token context on an h100", 10_000_000),
    ],
)
def test_a_context_in_any_notation_is_read_whole(question: str, context: int) -> None:
    """A long context is read whole (2^20 is 1,048,576 tokens, not 20)."""
    assert understand(question).context_tokens == context


# question → the kind of nonsense, and words the refusal must hold (the value understood, what else was understood)
REFUSED = [
    ("can llama 0B run on a 4090", "zero_size", "0 parameters", "GeForce RTX 4090"),
    ("¿puede llama 0B correr en una 4090?", "zero_size", "0 parámetros", "GeForce RTX 4090"),
    ("can a 4090 run a 0b model", "zero_size", "0 parameters", "GeForce RTX 4090"),
    ("llama 3 8b with 10^9 tokens of context on a 4090", "huge_context", "1,000,000,000", "Llama 3 8B"),
    ("¿llama 3 8b con 10^9 tokens de contexto en una 4090?", "huge_context", "1.000.000.000", "Llama 3 8B"),
    ("can -5 GB run llama 3 8b", "negative", "-5 gb", "Llama 3 8B"),
    ("¿puedo correr llama 3 8b con -5 GB?", "negative", "-5 gb", "Llama 3 8B"),
    ("can 0 4090s run llama 3 8b", "zero_count", "0 GPUs", "Llama 3 8B"),
    ("¿pueden 0 4090 correr llama 3 8b?", "zero_count", "0 GPU", "Llama 3 8B"),
    ("can 99999 4090s run llama 3 8b", "huge_count", "99,999", "Llama 3 8B"),
    ("can 0gb of vram run llama 3 8b", "zero_memory", "0 GB", "Llama 3 8B"),
    ("llama 3 8b on a 4090 with batch 0", "zero_batch", "0", "GeForce RTX 4090"),
    ("train llama 3 8b on 1e20 tokens on a 4090", "huge_tokens", "training tokens", "GeForce RTX 4090"),
]


@pytest.mark.parametrize(("question", "kind", "value", "understood"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_quantity_that_means_nothing_is_refused_with_what_was_understood(
    question: str, kind: str, value: str, understood: str
) -> None:
    """The answer refuses the quantity in the question's language and says what else it understood."""
    query = understand(question)
    assert [o.kind for o in query.oddities][:1] == [kind]
    answer = ask(question)
    assert answer.error == "invalid_query" and answer.verdict is None and answer.memory is None
    assert value in answer.title and understood in answer.title
    assert ("Understood so far" if query.language == "en" else "Entendí") in answer.title


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("llama 3 8b with a 10 million token context on a 4090", "en"),
        ("¿llama 3 8b con 10.000.000 tokens de contexto en una 4090?", "es"),
    ],
)
def test_a_ten_million_token_context_is_refused_not_dropped(question: str, language: str) -> None:
    """10 million tokens of context on Llama 3 8B (trained on 8,192) is refused, never answered at 4,096."""
    answer = ask(question)
    assert answer.error == "invalid_query" and answer.language == language
    assert ("8,192" if language == "en" else "8.192") in answer.title


def test_a_sound_question_has_no_oddity() -> None:
    """Ordinary numbers (a count, a size, a context, a budget) are read and not refused."""
    query = understand("can 2 4090s run llama 3 8b with 8k context and batch 4")
    assert query.oddities == () and (query.gpu_count, query.context_tokens, query.batch) == (2, 8192, 4)
