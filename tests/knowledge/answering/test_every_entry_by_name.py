"""Every model and machine of the catalog answers by its own name, in English and in Spanish: never a swap
(the L40 is not the L40S, a name's trailing "s" is not a plural)."""

from __future__ import annotations

import pytest

from knowledge import ask, load_catalog

CATALOG = load_catalog()


@pytest.mark.parametrize("model", CATALOG.models, ids=lambda m: m.id)
def test_each_model_is_answered_for_itself(model) -> None:
    for question in (f"can a 4090 run {model.name}?", f"¿puede una RTX 4090 correr {model.name}?"):
        answer = ask(question)
        assert answer.model is not None and answer.model.id == model.id, question


@pytest.mark.parametrize("gpu", CATALOG.gpus, ids=lambda g: g.id)
def test_each_machine_is_answered_for_itself(gpu) -> None:
    for question in (f"can a {gpu.name} run llama 3.1 8b?", f"¿puede una {gpu.name} correr llama 3.1 8b?"):
        answer = ask(question)
        assert answer.gpu is not None and answer.gpu.id == gpu.id, question


def test_a_plural_still_counts_cards() -> None:
    """ "two 4090s" is two RTX 4090 cards; "an L40S" is one L40S."""
    two = ask("can two 4090s run llama 3 70b?")
    assert two.gpu is not None and (two.gpu.id, two.gpu.count) == ("rtx-4090", 2)
    assert ask("can an L40S run llama 3.1 8b?").gpu.id == "l40s"
    assert ask("can an L40 run llama 3.1 8b?").gpu.id == "l40"
