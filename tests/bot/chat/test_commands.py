"""The command table declared once: text commands (Slack's /vram sub-commands) and Discord's slash commands."""

from __future__ import annotations

import pytest

from bot.chat.commands import BY_NAME, COMMANDS, parse_text, to_query


@pytest.mark.parametrize(
    ("text", "name", "values", "lang"),
    [
        ("fit model:llama-2-7b gpu:rtx-4060", "fit", {"model": "llama-2-7b", "gpu": "rtx-4060"}, "en"),
        (
            "fit model:llama 2 7b gpu:rtx 4060 task:qlora context:8,192",
            "fit",
            {"model": "llama 2 7b", "gpu": "rtx 4060", "task": "qlora", "context": 8192},
            "en",
        ),
        ("cabe modelo:mistral-7b gpu:rtx-3090", "fit", {"model": "mistral-7b", "gpu": "rtx-3090"}, "es"),
        ("vram model:llama-2-13b precision:q4_k_m", "vram", {"model": "llama-2-13b", "precision": "q4_k_m"}, None),
        ("gpu name:rtx 4090", "gpu", {"name": "rtx 4090"}, None),  # "gpu" is the same word in both languages
        ("modelo nombre:mixtral", "model", {"name": "mixtral"}, "es"),
        ("help", "help", {}, "en"),
        ("ayuda", "help", {}, "es"),
        ("ask can a 4060 run llama?", "ask", {"question": "can a 4060 run llama?"}, "en"),
    ],
)
def test_text_commands_follow_the_table(text: str, name: str, values: dict[str, object], lang: str | None) -> None:
    """`<command> option:value ...` in English or Spanish names; a value runs to the next option name."""
    parsed = parse_text(text)
    assert parsed is not None
    assert (parsed[0].name, parsed[1], parsed[2]) == (name, values, lang)


@pytest.mark.parametrize(
    "text",
    [
        "can a 4060 run llama 2 7b?",  # a question
        "gpu for llama 70b?",  # starts with a command name but is a question
        "fit model:llama-2-7b",  # fit without its required gpu
        "fit model:llama gpu:4090 task:juggling",  # a task that is not one of the choices
        "vram model:llama context:lots",  # a context that is not a number
        "help me",
        "",
    ],
)
def test_anything_else_is_a_question(text: str) -> None:
    assert parse_text(text) is None


def test_a_command_becomes_the_query_it_asks() -> None:
    """/fit's options fill the query's fields; the query's text is the command as typed."""
    query = to_query(BY_NAME["fit"], {"model": "llama-2-7b", "gpu": "rtx-4060", "task": "qlora", "context": 2048}, "es")
    assert (query.intent, query.model, query.gpu, query.task, query.context_tokens, query.language) == (
        "fit",
        "llama-2-7b",
        "rtx-4060",
        "qlora",
        2048,
        "es",
    )
    assert query.text == "/fit model:llama-2-7b gpu:rtx-4060 task:qlora context:2048"


def test_discord_slash_commands_are_generated_from_the_table() -> None:
    """Every table entry is a slash command with the same options, required ones first, Spanish names attached."""
    import asyncio

    from bot.discord_bot.cli import command_payload

    payload = {command["name"]: command for command in asyncio.run(command_payload())}
    assert list(payload) == [command.name for command in COMMANDS] == ["ask", "fit", "vram", "gpu", "model", "help"]
    fit = payload["fit"]["options"]
    assert [(o["name"], o["required"]) for o in fit] == [
        ("model", True),
        ("gpu", True),
        ("task", False),
        ("precision", False),
        ("context", False),
    ]
    assert payload["fit"]["name_localizations"]["es-ES"] == "cabe"
    assert fit[4]["type"] == 4 and fit[4]["min_value"] == 1 and fit[4]["max_value"] == 10_000_000
    assert [c["value"] for c in fit[2]["choices"]] == ["inference", "full_finetune", "pretrain", "lora", "qlora"]
    assert fit[0]["autocomplete"] is True and payload["help"].get("options", []) == []
