"""The answer messages (knowledge.po): both languages have every message, with the same fields."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import get_args

import pytest

from knowledge.answer_model import OddityKind
from knowledge.i18n import messages

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
ANSWERING = sorted((KNOWLEDGE / "answering").glob("*.py"))
LITERAL_KEY = re.compile(r"""\bt\(\s*(?:lang|sit\.lang|query\.language|[a-z_.]+),\s*"([a-z_.0-9]+)\"""")
# Keys built at run time, spelled out: every value the code can put in them.
BUILT = [
    *(f"suggest.{kind}" for kind in ("precision", "checkpointing", "optimizer", "lora", "qlora", "context")),
    "suggest.context_training",
    *(f"help.example.{n}" for n in range(1, 7)),
    *(f"unknown.example.{key}" for key in ("empty", "budget", "speed", "training", "fit")),
    *(f"basis.{key}" for key in ("catalog", "gpu_info", "help", "unknown")),
    *(f"error.unknown_{kind}" for kind in ("model", "gpu")),
    "invalid.context_max",
    "invalid.context_range",
    "invalid.context_beyond",
    *(f"odd.{kind}" for kind in get_args(OddityKind)),
]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _used_keys() -> set[str]:
    keys = set(BUILT)
    for module in ANSWERING:
        keys |= set(LITERAL_KEY.findall(module.read_text(encoding="utf-8")))
    return keys


def test_both_languages_have_the_same_messages() -> None:
    """Every message exists in English and in Spanish."""
    assert messages().ids("en") == messages().ids("es")


@pytest.mark.parametrize("key", sorted(messages().ids("en")))
def test_translations_take_the_same_fields(key: str) -> None:
    """A translation fills the same {fields} as the English message."""
    en = messages()._tables["en"][key]
    es = messages()._tables["es"][key]
    assert _fields(en) == _fields(es)


def test_every_key_the_answers_use_exists() -> None:
    """Each message id the answering modules ask for is in the catalog."""
    used = _used_keys()
    assert len(used) > 80
    assert used <= messages().ids("en"), sorted(used - messages().ids("en"))
