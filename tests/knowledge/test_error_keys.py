"""Every refusal the knowledge package can raise has its message in English and in Spanish.

The keys are found by reading the source (every ``InvalidQuery(..., key="...")`` and its subclass
``ModelSourceError``), not from a list kept by hand, so a new refusal without a translation fails here.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import knowledge

ROOT = Path(knowledge.__file__).parent
RAISED = ("InvalidQuery", "ModelSourceError")


def _raised_keys() -> dict[str, tuple[Path, frozenset[str]]]:
    """Message id (``invalid.<key>``) → where it is raised and the fields it is given."""
    found: dict[str, tuple[Path, frozenset[str]]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in RAISED):
                continue
            keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
            key = keywords.pop("key", None)
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                found[f"invalid.{key.value.removeprefix('error.')}"] = (path, frozenset(keywords))
    return found


def _messages(lang: str) -> dict[str, str]:
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "knowledge.po").open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle, locale=lang) if m.id and m.string}


KEYS = _raised_keys()


def test_the_source_raises_the_refusals_this_test_knows_of() -> None:
    # A sample read from the source by hand: the estimator's training-precision and runtime checks, the
    # verdict without a GPU, the context far beyond a model's training (answering/context.py).
    assert {"invalid.train_precision", "invalid.gguf_runtime", "invalid.no_gpu", "invalid.context_beyond"} <= set(KEYS)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("key", sorted(KEYS))
def test_every_refusal_has_a_message_in_both_languages(key: str, lang: str) -> None:
    path, given = KEYS[key]
    message = _messages(lang).get(key)
    assert message, f"{path.relative_to(ROOT)} raises {key!r} with no {lang} message in knowledge.po"
    fields = {name for _, name, _, _ in string.Formatter().parse(message) if name}
    assert fields <= given, f"{key} ({lang}) names fields {sorted(fields - given)} the raise does not give"


def test_the_spanish_refusals_are_not_the_english_ones() -> None:
    english, spanish = _messages("en"), _messages("es")
    assert [key for key in KEYS if spanish.get(key) == english.get(key)] == []
