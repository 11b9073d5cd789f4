"""Socket Mode, end to end: the app opens a connection through apps.connections.open and answers over it."""

from __future__ import annotations

import asyncio
import contextlib

import knowledge
from bot.slack_bot import runtime
from bot.slack_bot.render import render
from bot.slack_bot.settings import SlackSettings
from tests.bot.slack_bot.payloads import APP_TOKEN, CHANNEL, event_callback, mention, socket_envelope
from tests.bot.slack_bot.standin import SlackStandIn

QUESTION = "how much VRAM do I need to run llama 2 13b?"


async def test_socket_mode_connects_and_answers_a_mention_in_its_thread(
    settings: SlackSettings, slack: SlackStandIn
) -> None:
    """The app asks for a websocket URL with the app token, connects, acks the envelope and answers in the thread."""
    app_task = asyncio.create_task(runtime.run_socket_mode(settings))
    try:
        await slack.wait_for(lambda: slack.socket_connections == 1)
        opened = slack.calls_to("apps.connections.open")
        assert [call.authorization for call in opened] == [f"Bearer {APP_TOKEN}"]

        event = mention(QUESTION)
        envelope = socket_envelope(event_callback(event))
        await slack.push(envelope)
        await slack.wait_for(lambda: len(slack.posts()) == 1)
        assert envelope["envelope_id"] in [ack["envelope_id"] for ack in slack.socket_acks]
        post = slack.posts()[0]
        assert post["channel"] == CHANNEL and post["thread_ts"] == event["ts"]
        assert post["text"] == render(knowledge.ask(QUESTION)).text
        assert all(
            call.authorization == f"Bearer {settings.secrets()[0]}" for call in slack.calls_to("chat.postMessage")
        )

        await slack.push(envelope)  # Slack redelivers an envelope it thinks was not acked
        follow_up = mention("and with 4-bit?", thread_ts=event["ts"])
        await slack.push(socket_envelope(event_callback(follow_up)))
        await slack.wait_for(lambda: len(slack.posts()) == 2)
        assert [p["thread_ts"] for p in slack.posts()] == [event["ts"], event["ts"]]
        expected = knowledge.ask("and with 4-bit?", previous=knowledge.ask(QUESTION))
        assert slack.posts()[1]["text"] == render(expected).text
        assert app_task.done() is False
    finally:
        app_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await app_task


async def test_socket_mode_reconnects_after_slack_drops_the_connection(
    settings: SlackSettings, slack: SlackStandIn
) -> None:
    """Slack closes websockets routinely; the app opens a new one and keeps answering."""
    app_task = asyncio.create_task(runtime.run_socket_mode(settings))
    try:
        await slack.wait_for(lambda: slack.socket_connections == 1)
        await slack.drop_sockets()
        await slack.wait_for(lambda: slack.socket_connections == 2, timeout=15)
        event = mention(QUESTION)
        await slack.push(socket_envelope(event_callback(event)))
        await slack.wait_for(lambda: len(slack.posts()) == 1)
        assert slack.posts()[0]["thread_ts"] == event["ts"]
    finally:
        app_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await app_task
