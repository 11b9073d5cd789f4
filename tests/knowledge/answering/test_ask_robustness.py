"""Nothing a person types makes ``knowledge.ask`` raise: arbitrary text, long text, emoji, other languages,
mixed case, injection-looking text, and follow-ups on top of any of them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge import Answer, ask, load_catalog
from knowledge.answer_model import INTENTS

CATALOG = load_catalog()
_VOCABULARY = (  # question words in both languages, settings and numbers, to build near-questions
    "can could how much many what which run train fine-tune lora qlora serve use need vram memory gpu on with "
    "puedo puede cuanta cuantas correr entrenar afinar usar necesito memoria en con una un de desde cero ¿ ? ¡ ! "
    "vs or o better mejor fast rapido tokens per second por segundo context contexto batch lote bits bit fp16 "
    "int4 int8 q4_k_m gguf ollama vllm a the el la 2x x two dos 8gb 24 gb 80gb 1b 7b 13b 70b 405b 32k 8k "
    "mac m2 max apple rtx gtx radeon help ayuda what about y and"
)
WORDS = [
    *_VOCABULARY.split(),
    *(m.name for m in CATALOG.models[:20]),
    *(g.name for g in CATALOG.gpus[:20]),
]
fragments = st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join)
shouted = st.tuples(fragments, st.booleans()).map(lambda pair: pair[0].upper() if pair[1] else pair[0].title())


def _well_formed(answer: Answer, question: str) -> None:
    assert isinstance(answer, Answer)
    assert answer.question == question
    assert answer.language in ("en", "es") and answer.intent in INTENTS
    assert 0 < len(answer.text) <= 1500 and answer.title
    assert answer.url


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(question: str) -> None:
    """Any unicode text gets an Answer (usually "unknown"), never an exception."""
    _well_formed(ask(question), question)


@settings(max_examples=150, deadline=None)
@given(st.one_of(fragments, shouted))
def test_near_questions_never_raise(question: str) -> None:
    """Jumbles of question words, settings and catalog names, in any case, get an Answer."""
    _well_formed(ask(question), question)


@settings(max_examples=60, deadline=None)
@given(st.one_of(fragments, st.text(max_size=80)), st.one_of(fragments, st.text(max_size=80)))
def test_follow_ups_on_anything_never_raise(first: str, second: str) -> None:
    """A follow-up to any previous answer gets an Answer."""
    _well_formed(ask(second, previous=ask(first)), second)


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "a" * 4000,
        "can a 4090 run llama 3 8b " * 150,
        "🚀🔥🤖 " * 300,
        "🦙 on a 4090?",
        "能在RTX 4090上运行Llama 3 8B吗？",
        "هل يمكن تشغيل لاما على 4090؟",
        "Kann eine RTX 4090 Llama 3 8B ausführen?",
        "CaN a 4O9O RuN LlAmA 3 8b?",
        "'; DROP TABLE gpus; --",
        "<script>alert('x')</script> can a 4090 run llama 3 8b",
        "{model} {gpu} {0} %s %d ${jndi:ldap://x}",
        "can a {gpu} run {model}?",
        "\x00\x1b[31m\u202e can a 4090 run llama",
        "9" * 500 + "gb",
        "llama 3 8b with 99999999999k context on 99999 4090s batch 99999",
        "train llama 3 8b on 999999999999999 tokens on a 4090",
        "can 0 4090s run llama 3 8b with 0gb",
        "can a 4090 run a 0b model",
        "¿¿¿???",
        "y",
        "x" * 10 + " vs " + "y" * 10,
    ],
    ids=lambda q: repr(q[:30]),
)
def test_hostile_and_odd_text(question: str) -> None:
    """Empty, very long, emoji, other languages, mixed case and injection-looking text get an Answer."""
    reply = ask(question)
    _well_formed(reply, question)
    assert "{" not in reply.title  # no message template left unfilled
