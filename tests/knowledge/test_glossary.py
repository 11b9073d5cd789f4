"""One glossary per language names tasks, precisions and memory components on every surface; a Spanish answer,
on every surface, shows no English label."""

from __future__ import annotations

import re

import pytest

from bot.discord_bot.render import answer_embed
from bot.slack_bot.render import render
from knowledge import ask
from knowledge.glossary import component_name, glossary, precision_name, task_name


def test_both_languages_name_the_same_terms() -> None:
    """Every term has an English and a Spanish name."""
    assert glossary().ids("en") == glossary().ids("es")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (lambda lang: task_name("qlora", lang), {"en": "QLoRA fine-tuning", "es": "ajuste fino con QLoRA"}),
        (
            lambda lang: precision_name("nf4_dq", lang),
            {"en": "NF4 + double quantization", "es": "NF4 + doble cuantización"},
        ),
        (lambda lang: precision_name("q4_k_m", lang), {"en": "Q4_K_M", "es": "Q4_K_M"}),
        (lambda lang: component_name("kv_cache", lang), {"en": "KV cache", "es": "Caché KV"}),
    ],
    ids=["task", "translated-precision", "format-name", "component"],
)
def test_terms_in_each_language(name, expected) -> None:
    """A format name such as Q4_K_M is the same in both languages; words are translated."""
    assert {lang: name(lang) for lang in ("en", "es")} == expected


# English words that must never label anything in a Spanish answer (from the English glossary and the
# renderers' own labels), matched as whole words.
ENGLISH = {
    term
    for term in (glossary()("en", key) for key in glossary().ids("en"))
    if term != glossary()("es", next(k for k in glossary().ids("en") if glossary()("en", k) == term))
}
ENGLISH |= {"Assumptions", "Suggestion", "Options", "More", "See on the site", "Weights", "Yes", "Not as asked"}

QUESTIONS_ES = [
    "¿Puede una RTX 4060 correr Llama 3 8B?",
    "¿Cuánta VRAM necesito para entrenar Llama 2 7B?",
    "¿Qué GPU necesito para hacer QLoRA a Llama 3 70B?",
    "¿Qué tan rápido corre Llama 3 8B en una RTX 4090?",
    "¿Qué modelos caben en una RTX 3060?",
    "háblame de la RTX 4090",
    "compara la RTX 3090 y la RTX 4090",
]


def _english_labels(text: str) -> set[str]:
    return {word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)}


@pytest.mark.parametrize("question", QUESTIONS_ES)
def test_spanish_answer_has_no_english_label_on_any_surface(question: str) -> None:
    """The CLI text, the Discord embed and the Slack blocks of a Spanish answer carry only Spanish labels."""
    answer = ask(question)
    assert answer.language == "es"
    surfaces = {
        "cli": answer.text,
        "discord": str(answer_embed(answer)),
        "slack": str(render(answer).blocks) + render(answer).text,
    }
    for surface, text in surfaces.items():
        assert _english_labels(text) == set(), surface
