"""The slash-command payload (what `sync` sends), its Spanish localizations, choices and autocomplete."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.discord_bot import commands
from bot.discord_bot.cli import command_payload
from bot.discord_bot.messages import messages
from knowledge.estimator.catalog import load_catalog
from knowledge.estimator.job import TASKS
from knowledge.estimator.precision import PRECISION_IDS

from .standin import rules

EXPECTED = {
    "ask": ("preguntar", ["question"]),
    "fit": ("cabe", ["model", "gpu", "task", "precision", "context"]),
    "vram": ("vram", ["model", "task", "precision", "context"]),
    "gpu": ("gpu", ["name"]),
    "model": ("modelo", ["name"]),
    "help": ("ayuda", []),
}


@pytest.fixture(scope="module")
def payload() -> list[dict[str, Any]]:
    return asyncio.run(command_payload())


def by_name(payload: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {command["name"]: command for command in payload}


def test_payload_passes_discord_validation(payload: list[dict[str, Any]]) -> None:
    """Discord would accept the commands: names, lengths, option order, choices, localizations."""
    assert rules.command_errors(payload) == []


def test_every_command_and_option_is_there(payload: list[dict[str, Any]]) -> None:
    """/ask, /fit, /vram, /gpu, /model and /help, with their options in order."""
    commands_ = by_name(payload)
    assert set(commands_) == set(EXPECTED)
    for name, (_es, options) in EXPECTED.items():
        assert [o["name"] for o in commands_[name].get("options", [])] == options, name


@pytest.mark.parametrize("locale", ["es-ES", "es-419"])
def test_spanish_localizations(payload: list[dict[str, Any]], locale: str) -> None:
    """Both Spanish locales get Spanish command names, and every description and option is localized."""
    for command in payload:
        assert command["name_localizations"][locale] == EXPECTED[command["name"]][0]
        assert command["description_localizations"][locale] != command["description"]
        for option in command.get("options", []):
            assert option["name_localizations"][locale]
            assert option["description_localizations"][locale] != option["description"]
    fit = by_name(payload)["fit"]
    assert [o["name_localizations"][locale] for o in fit["options"]] == [
        "modelo", "gpu", "tarea", "precisión", "contexto"
    ]  # fmt: skip


def test_fit_requires_model_and_gpu_and_offers_choices(payload: list[dict[str, Any]]) -> None:
    """Model and GPU autocomplete; task and precision are fixed choices; context is a bounded integer."""
    options = {o["name"]: o for o in by_name(payload)["fit"]["options"]}
    assert options["model"]["required"] and options["model"]["autocomplete"]
    assert options["gpu"]["required"] and options["gpu"]["autocomplete"]
    assert [c["value"] for c in options["task"]["choices"]] == list(TASKS)
    assert options["task"]["choices"][0]["name_localizations"]["es-ES"] == "Inferencia (correrlo)"
    assert not options["precision"].get("autocomplete")
    assert options["context"]["type"] == 4 and options["context"]["min_value"] == 1


def test_precision_choices_are_known_precisions() -> None:
    """Every offered precision is one the estimator knows."""
    assert set(commands.PRECISIONS) <= set(PRECISION_IDS)


def test_catalogs_have_the_same_messages_in_both_languages() -> None:
    """No message exists in only one language."""
    assert messages().ids("en") == messages().ids("es")


@pytest.mark.parametrize("current", ["", "llama", "7b", "qwen 2.5", "zzzz", "x" * 500], ids=repr)
def test_model_autocomplete_within_limits(current: str) -> None:
    """At most 25 model choices, names 1-100 characters, values are catalog ids."""
    choices = commands.model_choices(current)
    assert 1 <= len(choices) <= 25
    assert all(1 <= len(c.name) <= 100 and len(c.value) <= 100 for c in choices)
    ids = {m.id for m in load_catalog().models}
    assert {c.value for c in choices} <= ids


def test_model_autocomplete_puts_the_typed_model_first() -> None:
    """Typing part of a name brings that model to the top."""
    model = load_catalog().models[0]
    assert commands.model_choices(model.name[:-1])[0].value == model.id


@pytest.mark.parametrize("current", ["", "4060", "rtx 3090", "a100 80", "m2 max", "x" * 500], ids=repr)
def test_gpu_autocomplete_within_limits(current: str) -> None:
    """At most 25 GPU choices with their memory, names within 100 characters."""
    choices = commands.gpu_choices(current)
    assert 1 <= len(choices) <= 25
    assert all(1 <= len(c.name) <= 100 and "GiB" in c.name for c in choices)


def test_gpu_autocomplete_ranks_the_typed_card_first() -> None:
    """ "4060" suggests an RTX 4060 first."""
    assert "4060" in commands.gpu_choices("4060")[0].name
