"""End to end: each slash command through the stand-in's gateway, answered on its REST API by the real bot."""

from __future__ import annotations

from typing import Any

import pytest

import knowledge
from bot.discord_bot import render
from knowledge.answer_model import Query
from knowledge.answering.respond import answer

from .conftest import RunningBot, StartBot
from .standin.server import DiscordStandIn

FIT = {"model": "llama-2-7b", "gpu": "rtx-4060"}


def knowledge_answer(language: str = "en", **query: Any) -> knowledge.Answer:
    return answer(Query(language=language, **query))


@pytest.mark.parametrize(
    ("command", "options", "query"),
    [
        ("fit", FIT, {"intent": "fit", "model": "llama-2-7b", "gpu": "rtx-4060", "task": "inference"}),
        (
            "fit",
            {**FIT, "task": "qlora", "precision": "nf4", "context": 2048},
            {"intent": "fit", "model": "llama-2-7b", "gpu": "rtx-4060", "task": "qlora", "precision": "nf4",
             "context_tokens": 2048},
        ),
        ("vram", {"model": "mixtral-8x7b"}, {"intent": "requirements", "model": "mixtral-8x7b", "task": "inference"}),
        ("gpu", {"name": "rtx-3090"}, {"intent": "gpu_info", "gpu": "rtx-3090"}),
        ("model", {"name": "qwen2.5-7b"}, {"intent": "model_info", "model": "qwen2.5-7b"}),
    ],
    ids=["fit", "fit-qlora-options", "vram", "gpu", "model"],
)  # fmt: skip
async def test_slash_command_answers_with_the_knowledge_embed(
    standin: DiscordStandIn, running: RunningBot, command: str, options: dict[str, Any], query: dict[str, Any]
) -> None:
    """The reply is a public embed built from knowledge's answer to the options, within the deadline."""
    record = await standin.interact(command, options)
    reply = await standin.reply_to(record)
    expected = knowledge_answer(**query)
    assert reply.kind == "callback" and reply.type == 4 and not reply.ephemeral
    assert reply.after_s < standin.deadline_s
    assert reply.embed["title"] == render.answer_embed(expected)["title"]
    assert reply.embed["color"] == render.colour_of(expected)
    assert reply.data["allowed_mentions"] == {"parse": []}
    assert record.rejected == []


async def test_fit_shows_verdict_breakdown_assumptions_and_link(standin: DiscordStandIn, running: RunningBot) -> None:
    """/fit's embed says whether it fits (by colour), shows the breakdown, the assumptions and the site link."""
    reply = await standin.reply_to(await standin.interact("fit", FIT))
    embed = reply.embed
    assert embed["color"] in (render.COLOURS["yes"], render.COLOURS["with_changes"], render.COLOURS["no"])
    assert embed["color"] != render.COLOURS["yes"]  # Llama 2 7B at 16-bit does not fit in 8 GiB
    assert embed["url"].startswith("https://") and "llama-2-7b" in embed["url"]
    assert embed["footer"]["text"]
    assert embed.get("fields")


async def test_ask_understands_free_text(standin: DiscordStandIn, running: RunningBot) -> None:
    """/ask answers what knowledge.ask answers for the question."""
    question = "can an rtx 3090 run mistral 7b?"
    reply = await standin.reply_to(await standin.interact("ask", {"question": question}))
    assert reply.embed["title"] == render.answer_embed(knowledge.ask(question))["title"]
    assert not reply.ephemeral


async def test_ask_follow_up_in_the_same_channel_keeps_context(standin: DiscordStandIn, running: RunningBot) -> None:
    """A second /ask by the same user is read as a follow-up of the first."""
    first = "can a 4060 run llama 2 13b?"
    await standin.reply_to(await standin.interact("ask", {"question": first}))
    reply = await standin.reply_to(await standin.interact("ask", {"question": "what about a 3090?"}))
    expected = knowledge.ask("what about a 3090?", previous=knowledge.ask(first))
    assert reply.embed["title"] == render.answer_embed(expected)["title"]
    assert expected.model is not None and expected.model.id == "llama-2-13b"


async def test_help_lists_commands(standin: DiscordStandIn, running: RunningBot) -> None:
    """/help shows the commands and knowledge's examples."""
    reply = await standin.reply_to(await standin.interact("help"))
    assert reply.embed["fields"][0]["name"] == "Commands"
    assert "/fit" in reply.embed["fields"][0]["value"]


async def test_unknown_gpu_is_an_ephemeral_error_with_did_you_mean(
    standin: DiscordStandIn, running: RunningBot
) -> None:
    """A typo in a GPU name is answered only to the user, in red, with close matches."""
    record = await standin.interact("fit", {"model": "llama-2-7b", "gpu": "rtx 4065"})
    reply = await standin.reply_to(record)
    expected = knowledge_answer(intent="fit", model="llama-2-7b", gpu="rtx 4065", task="inference")
    assert expected.error == "unknown_gpu"
    assert reply.ephemeral
    assert reply.embed["color"] == render.COLOURS["error"]
    assert reply.embed["title"] == "Can't answer that as asked"
    assert reply.embed["description"] == expected.title
    assert "Did you mean" in reply.embed["description"] and "RTX 4060" in reply.embed["description"]


async def test_unknown_model_error_follows_the_user_locale(standin: DiscordStandIn, running: RunningBot) -> None:
    """The usage error speaks the user's language: "¿Quisiste decir ...?" for a Spanish client."""
    record = await standin.interact("model", {"name": "llama 9 7b"}, locale="es-ES", user=standin.bruno)
    reply = await standin.reply_to(record)
    assert reply.ephemeral
    assert reply.embed["title"] == "No puedo responder eso tal como está"
    assert "¿Quisiste decir" in reply.embed["description"] and "Llama 2 7B" in reply.embed["description"]


async def test_spanish_locale_gets_a_spanish_reply(standin: DiscordStandIn, running: RunningBot) -> None:
    """A user whose Discord is in Spanish (es-419) gets the answer in Spanish."""
    reply = await standin.reply_to(await standin.interact("fit", FIT, locale="es-419", user=standin.bruno))
    spanish = knowledge_answer("es", intent="fit", task="inference", **FIT)
    english = knowledge_answer("en", intent="fit", task="inference", **FIT)
    assert spanish.title != english.title
    assert reply.embed["title"] == render.answer_embed(spanish)["title"]
    help_reply = await standin.reply_to(await standin.interact("help", locale="es-ES", user=standin.bruno))
    assert help_reply.embed["fields"][0]["name"] == "Comandos"


async def test_autocomplete_offers_at_most_25_catalog_models(standin: DiscordStandIn, running: RunningBot) -> None:
    """Typing "llam" in /fit model: suggests Llama models, never more than 25, names within 100 characters."""
    record = await standin.interact("fit", {"model": "llam", "gpu": ""}, focused="model")
    reply = await standin.reply_to(record)
    assert reply.type == 8
    assert 1 <= len(reply.choices) <= 25
    assert all(1 <= len(c["name"]) <= 100 for c in reply.choices)
    assert "llama" in reply.choices[0]["value"]
    assert record.rejected == []


async def test_autocomplete_for_gpus(standin: DiscordStandIn, running: RunningBot) -> None:
    """Typing "4060" in /gpu name: suggests the RTX 4060 first, with its memory."""
    reply = await standin.reply_to(await standin.interact("gpu", {"name": "4060"}, focused="name"))
    assert reply.choices[0]["value"] == "rtx-4060"
    assert "GiB" in reply.choices[0]["name"]


async def test_slow_answers_are_deferred_then_edited(standin: DiscordStandIn, start_bot: StartBot) -> None:
    """When the answer is not ready at once, the bot defers (type 5) and then edits the original."""
    await start_bot(defer_after=0)
    record = await standin.interact("vram", {"model": "llama-3.1-70b"})
    reply = await standin.reply_to(record)
    assert record.initial is not None and record.initial.type == 5
    assert reply.kind == "edit" and not reply.ephemeral
    assert reply.embed["title"]


async def test_deferred_usage_error_is_still_ephemeral(standin: DiscordStandIn, start_bot: StartBot) -> None:
    """A usage error found after deferring replaces the public placeholder with an ephemeral message."""
    await start_bot(defer_after=0)
    record = await standin.interact("model", {"name": "gpt-17 turbo max"})
    reply = await standin.reply_to(record)
    assert record.original_deleted
    assert reply.kind == "followup" and reply.ephemeral


async def test_cooldown_answers_politely_and_only_to_that_user(standin: DiscordStandIn, start_bot: StartBot) -> None:
    """Past the per-user rate the user is told, privately and in their language, when to retry."""
    await start_bot(cooldown_rate=1, cooldown_per=60)
    await standin.reply_to(await standin.interact("gpu", {"name": "rtx-4090"}, user=standin.bruno, locale="es-ES"))
    reply = await standin.reply_to(
        await standin.interact("gpu", {"name": "rtx-4090"}, user=standin.bruno, locale="es-ES")
    )
    assert reply.ephemeral
    assert "Vuelve a intentarlo en" in reply.embed["description"]
    other = await standin.reply_to(await standin.interact("gpu", {"name": "rtx-4090"}, user=standin.alice))
    assert not other.ephemeral


async def test_ask_without_language_words_follows_the_user_locale(standin: DiscordStandIn, running: RunningBot) -> None:
    """A question with no language of its own ("4060 llama 2 7b?") is answered in the user's locale."""
    reply = await standin.reply_to(await standin.interact("ask", {"question": "4060 llama 2 7b?"}, locale="es-ES"))
    english = knowledge.ask("4060 llama 2 7b?")
    assert english.language == "en"
    assert reply.embed["title"] != render.answer_embed(english)["title"]
    assert reply.embed["footer"]["text"].startswith("Supuestos:")


async def test_what_a_user_typed_is_echoed_escaped(standin: DiscordStandIn, running: RunningBot) -> None:
    """A model name with a masked link, a code fence and @everyone comes back as typed, not as markdown or a ping."""
    typed = "[free gpu](https://evil.example) ```x``` @everyone"
    reply = await standin.reply_to(await standin.interact("model", {"name": typed}))
    shown = reply.embed.get("description", "") + "".join(f["value"] for f in reply.embed.get("fields", []))
    assert "\\[free gpu](https://evil.example)" in shown  # Discord shows the brackets, links nothing
    assert "\\`\\`\\`x\\`\\`\\`" in shown and "@\u200beveryone" in shown and "@everyone" not in shown
