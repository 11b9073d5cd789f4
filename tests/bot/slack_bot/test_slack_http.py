"""The real Bolt app in HTTP mode, end to end: signed requests over HTTP in, answers to the stand-in out."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import pytest

import knowledge
from bot.chat.state import LocalState
from bot.slack_bot.render import render
from tests.bot.slack_bot.conftest import HttpApp
from tests.bot.slack_bot.payloads import (
    CHANNEL,
    DM_CHANNEL,
    SIGNING_SECRET,
    as_json,
    direct_message,
    event_callback,
    mention,
    new_ts,
    signed_headers,
    slash_command,
)
from tests.bot.slack_bot.standin import UNKNOWN_CHANNEL, SlackStandIn

FIT_EN = "can a 4060 train a 7B?"
FIT_ES = "¿Puede una RTX 4060 correr Llama 2 7B?"


async def test_slash_command_is_acked_then_answered_in_the_channel(http_app: HttpApp, slack: SlackStandIn) -> None:
    """`/vram <question>`: an empty 200 at once, then the whole answer, visible to the channel, on response_url."""
    response = await http_app.command(FIT_EN, response_id="fit")
    assert response.status == 200
    await slack.wait_for(lambda: len(slack.posted) == 1)
    posted = slack.posted[0]
    expected = render(knowledge.ask(FIT_EN))
    assert posted.response_id == "fit"
    assert posted.body["response_type"] == "in_channel"
    assert posted.body["text"] == expected.text and posted.body["blocks"] == expected.blocks
    assert "4060" in posted.body["text"]


@pytest.mark.parametrize("question", ["help", "", "ayuda"], ids=["help", "empty", "ayuda"])
async def test_help_is_shown_only_to_the_asker(http_app: HttpApp, slack: SlackStandIn, question: str) -> None:
    """`/vram help` (or nothing) answers ephemerally with what vrambot can do."""
    await http_app.command(question, response_id="help")
    await slack.wait_for(lambda: len(slack.posted) == 1)
    body = slack.posted[0].body
    assert body["response_type"] == "ephemeral"
    assert knowledge.ask(question or "help").intent == "help"


async def test_usage_error_is_shown_only_to_the_asker(http_app: HttpApp, slack: SlackStandIn) -> None:
    """A question naming a GPU or model that does not exist gets an ephemeral answer that names the problem."""
    candidates = ["can an rtx 9999 run llama 2 7b?", "can a 4060 run gpt-9 ultra?", "can a zzqx-9000 run llama 2 7b?"]
    question = next((q for q in candidates if knowledge.ask(q).error is not None), None)
    assert question is not None, "knowledge answers none of these unknown names with an error"
    await http_app.command(question, response_id="err")
    await slack.wait_for(lambda: len(slack.posted) == 1)
    assert slack.posted[0].body["response_type"] == "ephemeral"
    assert slack.posted[0].body["text"] == render(knowledge.ask(question)).text


async def test_spanish_question_is_answered_in_spanish(http_app: HttpApp, slack: SlackStandIn) -> None:
    """A question in Spanish gets the Spanish answer and the Spanish button."""
    await http_app.command(FIT_ES, response_id="es")
    await slack.wait_for(lambda: len(slack.posted) == 1)
    body = slack.posted[0].body
    answer = knowledge.ask(FIT_ES)
    assert answer.language == "es"
    assert body["text"] == render(answer).text
    buttons = [b for b in body["blocks"] if b["type"] == "actions"]
    assert all(b["elements"][0]["text"]["text"] == "Ver en el sitio" for b in buttons)


async def test_mention_is_answered_in_its_thread_and_a_follow_up_uses_the_previous_turn(
    http_app: HttpApp, slack: SlackStandIn
) -> None:
    """@vrambot at the top level: the answer threads under it; a mention in that thread continues the conversation."""
    first = mention(FIT_EN)
    assert (await http_app.event(first)).status == 200
    await slack.wait_for(lambda: len(slack.posts()) == 1)
    post = slack.posts()[0]
    assert post["channel"] == CHANNEL and post["thread_ts"] == first["ts"]
    assert post["text"] == render(knowledge.ask(FIT_EN)).text

    follow_up = mention("what about a 3090?", thread_ts=first["ts"])
    await http_app.event(follow_up)
    await slack.wait_for(lambda: len(slack.posts()) == 2)
    post = slack.posts()[1]
    assert post["thread_ts"] == first["ts"]
    expected = knowledge.ask("what about a 3090?", previous=knowledge.ask(FIT_EN))
    assert post["text"] == render(expected).text
    assert post["text"] != render(knowledge.ask("what about a 3090?")).text  # the context changed the answer


async def test_a_mention_inside_another_thread_starts_fresh(http_app: HttpApp, slack: SlackStandIn) -> None:
    """Memory is per thread: a follow-up in an unrelated thread has no previous turn."""
    await http_app.event(mention(FIT_EN))
    await slack.wait_for(lambda: len(slack.posts()) == 1)
    other = mention("what about a 3090?", thread_ts=new_ts())
    await http_app.event(other)
    await slack.wait_for(lambda: len(slack.posts()) == 2)
    assert slack.posts()[1]["thread_ts"] == other["thread_ts"]
    assert slack.posts()[1]["text"] == render(knowledge.ask("what about a 3090?")).text


async def test_direct_messages_need_no_mention_and_keep_context(http_app: HttpApp, slack: SlackStandIn) -> None:
    """In a DM, a question and an un-mentioned follow-up in its thread are both answered, in context."""
    first = direct_message(FIT_ES)
    await http_app.event(first)
    await slack.wait_for(lambda: len(slack.posts()) == 1)
    assert slack.posts()[0]["channel"] == DM_CHANNEL and slack.posts()[0]["thread_ts"] == first["ts"]

    await http_app.event(direct_message("¿y con una 4090?", thread_ts=first["ts"]))
    await slack.wait_for(lambda: len(slack.posts()) == 2)
    expected = knowledge.ask("¿y con una 4090?", previous=knowledge.ask(FIT_ES))
    assert slack.posts()[1]["thread_ts"] == first["ts"]
    assert slack.posts()[1]["text"] == render(expected).text


async def test_bot_and_edited_messages_are_not_answered(http_app: HttpApp, slack: SlackStandIn) -> None:
    """vrambot does not answer other bots, its own messages or message edits (no loops)."""
    from_bot = {**direct_message("can a 4060 run a 7B?"), "bot_id": "BOTHER", "subtype": "bot_message"}
    edited = {**direct_message("can a 4060 run a 7B?"), "subtype": "message_changed"}
    for event in (from_bot, edited):
        assert (await http_app.event(event)).status == 200
    await http_app.event(direct_message(FIT_EN))  # a real one, to know the others were processed first
    await slack.wait_for(lambda: len(slack.posts()) == 1)
    assert slack.posts()[0]["text"] == render(knowledge.ask(FIT_EN)).text


async def test_url_verification_and_health(http_app: HttpApp) -> None:
    """Slack's URL check gets its challenge back; /health answers 200."""
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
    response = await http_app.post(body, signed_headers(body), "application/json")
    assert response.status == 200
    async with http_app.session.post(
        f"{http_app.url}/slack/events", data=body, headers={"Content-Type": "application/json", **signed_headers(body)}
    ) as again:
        assert (await again.json())["challenge"] == "c-123"
    async with http_app.session.get(f"{http_app.url}/health") as health:
        assert health.status == 200 and (await health.json())["status"] == "ok"


# ---- security ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tamper",
    ["bad-signature", "missing-signature", "missing-timestamp", "old-timestamp", "other-secret"],
)
@pytest.mark.parametrize("kind", ["command", "event"])
async def test_unsigned_or_stale_requests_are_rejected(
    http_app: HttpApp, slack: SlackStandIn, tamper: str, kind: str
) -> None:
    """Bad signature, no signature, or a timestamp over 5 minutes old: 401, and nothing is posted."""
    if kind == "command":
        body, content_type = slash_command(FIT_EN, slack.response_url("x")), "application/x-www-form-urlencoded"
    else:
        body, content_type = as_json(event_callback(mention(FIT_EN))), "application/json"
    headers = signed_headers(body)
    if tamper == "bad-signature":
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    elif tamper == "missing-signature":
        del headers["X-Slack-Signature"]
    elif tamper == "missing-timestamp":
        del headers["X-Slack-Request-Timestamp"]
    elif tamper == "old-timestamp":
        headers = signed_headers(body, timestamp=int(time.time()) - 301)
    else:
        headers = signed_headers(body, secret="not-our-secret")
    response = await http_app.post(body, headers, content_type)
    assert response.status == 401
    # a valid request afterwards is answered, so the rejected one had its chance to post
    await http_app.command("help", response_id="after")
    await slack.wait_for(lambda: len(slack.posted) == 1)
    assert [p.response_id for p in slack.posted] == ["after"]
    assert slack.posts() == []


async def test_a_retried_event_is_answered_once(http_app: HttpApp, slack: SlackStandIn) -> None:
    """Slack's retries (same event_id, X-Slack-Retry-Num) are acknowledged but not answered again."""
    event = mention(FIT_EN)
    first = await http_app.event(event, event_id="EvREPLAY1")
    retries = [
        await http_app.event(event, event_id="EvREPLAY1", extra_headers={"X-Slack-Retry-Num": str(n)})
        for n in (1, 2, 3)
    ]
    assert first.status == 200 and all(r.status == 200 for r in retries)
    await http_app.event(mention("help"))  # processed after the retries
    await slack.wait_for(lambda: len(slack.posts()) == 2)
    assert [p["thread_ts"] for p in slack.posts()].count(event["ts"]) == 1


async def test_a_replayed_slash_command_is_answered_once(http_app: HttpApp, slack: SlackStandIn) -> None:
    """The same signed command sent twice (same trigger_id) posts one answer."""
    body = slash_command(FIT_EN, slack.response_url("once"), trigger_id="111.aaa")
    for _ in range(2):
        response = await http_app.post(body, signed_headers(body), "application/x-www-form-urlencoded")
        assert response.status == 200
    await http_app.command("help", response_id="after")
    await slack.wait_for(lambda: len(slack.posted) == 2)
    assert sorted(p.response_id for p in slack.posted) == ["after", "once"]


async def test_a_dm_delivered_as_two_events_is_answered_once(http_app: HttpApp, slack: SlackStandIn) -> None:
    """The same message arriving as app_mention and message.im (two event ids) gets one answer."""
    dm = direct_message(f"<@UBOT0001> {FIT_EN}")
    as_mention = {**dm, "type": "app_mention"}
    as_mention.pop("channel_type")
    await http_app.event(dm)
    await http_app.event(as_mention)
    await http_app.event(mention("help"))
    await slack.wait_for(lambda: len(slack.posts()) == 2)
    assert [p["thread_ts"] for p in slack.posts()].count(dm["ts"]) == 1


# ---- faults ------------------------------------------------------------------------------------


async def test_rate_limited_post_is_retried_after_retry_after_and_delivered_once(
    http_app: HttpApp, slack: SlackStandIn
) -> None:
    """429 with Retry-After: the app waits, retries, and the answer appears exactly once."""
    slack.rate_limit("chat.postMessage", retry_after=1)
    event = mention(FIT_EN)
    await http_app.event(event)
    await slack.wait_for(lambda: len(slack.posts()) == 1)
    attempts = slack.calls_to("chat.postMessage", ok_only=False)
    assert [a.status for a in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0  # Slack's Retry-After is honoured
    assert slack.posts()[0]["thread_ts"] == event["ts"]


async def test_web_api_down_is_logged_and_the_app_keeps_serving(
    http_app: HttpApp, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """With Slack's Web API answering 503, the failure is logged with the event id; later events are answered."""
    caplog.set_level(logging.INFO, logger="vrambot")
    await http_app.event(mention("help"))  # the app is up and has verified its token
    await slack.wait_for(lambda: len(slack.posts()) == 1)
    slack.down = True
    await http_app.event(mention(FIT_EN), event_id="EvDOWN1")
    await slack.wait_for(lambda: "EvDOWN1" in caplog.text)
    assert "could not post the answer to event EvDOWN1" in caplog.text
    async with http_app.session.get(f"{http_app.url}/health") as health:
        assert health.status == 200
    slack.down = False
    later = mention(FIT_EN)
    assert (await http_app.event(later)).status == 200
    await slack.wait_for(lambda: len(slack.posts()) == 2)
    assert slack.posts()[1]["thread_ts"] == later["ts"]


async def test_a_failed_delivery_lets_slacks_retry_answer(
    http_app: HttpApp, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """If the answer could not be posted, Slack's retry of that event is answered, not dropped as a repeat."""
    caplog.set_level(logging.INFO, logger="vrambot")
    await http_app.command("help")  # the app is up and has verified its token
    await slack.wait_for(lambda: len(slack.posted) == 1)
    slack.down = True
    event = mention(FIT_EN)
    await http_app.event(event, event_id="EvAGAIN1")
    await slack.wait_for(lambda: "could not post the answer to event EvAGAIN1" in caplog.text)
    slack.down = False
    await http_app.event(event, event_id="EvAGAIN1", extra_headers={"X-Slack-Retry-Num": "1"})
    await slack.wait_for(lambda: len(slack.posts()) == 1)
    assert slack.posts()[0]["thread_ts"] == event["ts"]


async def test_a_slack_error_is_logged_with_the_event_id(
    http_app: HttpApp, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """chat.postMessage refusing (channel_not_found) is logged with the event id and Slack's error code."""
    caplog.set_level(logging.INFO, logger="vrambot")
    await http_app.event(mention(FIT_EN, channel=UNKNOWN_CHANNEL), event_id="EvGONE1")
    await slack.wait_for(lambda: "EvGONE1" in caplog.text)
    assert "EvGONE1" in caplog.text and "channel_not_found" in caplog.text
    await http_app.event(mention(FIT_EN))
    await slack.wait_for(lambda: len(slack.posts()) == 1)


MALFORMED = {
    "invalid-utf8": (b"\xff\xfe{not utf-8", "application/json"),
    "truncated-json": (b'{"type": "event_callback", "event": {', "application/json"),
    "json-array": (b"[1, 2, 3]", "application/json"),
    "event-not-object": (
        json.dumps({**event_callback(mention(FIT_EN), event_id="EvBROKEN1"), "event": ["not", "an", "event"]}).encode(),
        "application/json",
    ),
    "bad-payload": (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
    "deep-nesting": (b'{"a": ' * 200 + b"1" + b"}" * 200, "application/json"),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
async def test_a_signed_but_malformed_request_gets_400_and_the_app_keeps_serving(
    http_app: HttpApp, slack: SlackStandIn, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    """Signed junk is refused with 400 and one short WARNING line naming why, with no traceback."""
    caplog.set_level(logging.INFO)
    body, content_type = MALFORMED[case]
    async with http_app.session.post(
        f"{http_app.url}/slack/events", data=body, headers={"Content-Type": content_type, **signed_bytes(body)}
    ) as response:
        assert response.status == 400
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelno >= logging.ERROR]
    refusals = [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(refusals) == 1 and ": 400 " in refusals[0]
    await http_app.event(mention(FIT_EN))
    await slack.wait_for(lambda: len(slack.posts()) == 1)


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}, b"token=x", 401),
        ({"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=00"}, b"token=x", 401),
        ({}, b"x" * 1_000_000, 413),
    ],
    ids=["timestamp-word", "timestamp-exponent", "one-megabyte"],
)
async def test_unsigned_junk_is_refused_before_parsing_and_logged_briefly(
    http_app: HttpApp, caplog: pytest.LogCaptureFixture, headers: dict[str, str], body: bytes, status: int
) -> None:
    """A non-numeric timestamp is 401; a 1 MB body is 413; twenty of them log at most five short lines."""
    caplog.set_level(logging.INFO)
    for _ in range(20):
        async with http_app.session.post(
            f"{http_app.url}/slack/events",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        ) as response:
            assert response.status == status
    logged = [r.getMessage() for r in caplog.records if r.name.startswith(("vrambot", "slack_bolt", "aiohttp"))]
    assert 1 <= len(logged) <= 5  # rate-limited: LOG_BURST lines per minute
    assert sum(len(line) for line in logged) < 1000  # short lines; never the body
    assert "xxxxxxxx" not in caplog.text


def signed_bytes(body: bytes) -> dict[str, str]:
    """Slack's signature over raw bytes (the helper in payloads signs text)."""
    stamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest}


async def test_metrics_count_answers_by_intent_and_refusals(http_app: HttpApp, slack: SlackStandIn) -> None:
    """/metrics (Prometheus text) on the health port: one more fit answer and one more bad-signature refusal."""

    async def sample(name: str) -> float:
        async with http_app.session.get(f"{http_app.url}/metrics") as response:
            assert response.status == 200 and response.content_type == "text/plain"
            text = await response.text()
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + " "))

    answered = 'vrambot_answers_total{intent="fit",platform="slack"}'
    refused = 'vrambot_refusals_total{platform="slack",reason="signature"}'
    before = (await sample(answered), await sample(refused))
    await http_app.command(FIT_EN)
    await slack.wait_for(lambda: len(slack.posted) == 1)
    body = slash_command(FIT_EN, slack.response_url("x"))
    response = await http_app.post(body, {**signed_headers(body), "X-Slack-Signature": "v0=" + "0" * 64}, "text/plain")
    assert response.status == 401
    assert (await sample(answered), await sample(refused)) == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("fit model:llama-2-7b gpu:rtx-4060 task:qlora", ("Llama 2 7B", "RTX 4060", "QLoRA")),
        ("cabe modelo:llama-2-7b gpu:rtx-4060", ("Llama 2 7B", "RTX 4060", "inferencia")),
        ("gpu name:rtx-4090", ("RTX 4090", "24")),
    ],
    ids=["fit-options", "fit-spanish", "gpu"],
)
async def test_vram_sub_commands_come_from_the_command_table(
    http_app: HttpApp, slack: SlackStandIn, text: str, says: tuple[str, ...]
) -> None:
    """`/vram fit model:… gpu:… task:qlora` is Discord's /fit with the same options, in the names' language."""
    await http_app.command(text, response_id="sub")
    await slack.wait_for(lambda: len(slack.posted) == 1)
    shown = slack.posted[0].body["text"]
    assert all(word in shown for word in says), shown


async def test_a_user_asking_too_fast_gets_a_cooldown_notice_only_they_see(
    http_app: HttpApp, slack: SlackStandIn
) -> None:
    """1 question per 60 s: the second /vram within the minute is told, privately, to wait 60 s; not answered."""
    http_app.bot.chat.state = LocalState(cooldown_rate=1, cooldown_per=60)
    await http_app.command(FIT_EN, response_id="first")
    await http_app.command("¿y con una 4090?", response_id="second")
    await slack.wait_for(lambda: len(slack.posted) == 2)
    second = next(p for p in slack.posted if p.response_id == "second")
    assert second.body["response_type"] == "ephemeral"
    assert second.body["text"] == "Vas un poco rápido. Vuelve a intentarlo en 60 s, por favor."
