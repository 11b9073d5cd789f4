"""The Slack app: a slack-bolt ``AsyncApp`` that answers ``/vram``, mentions and direct messages.

It holds no domain logic: each question goes to ``knowledge.ask(question, previous=...)`` and the
``Answer`` is laid out by :mod:`bot.slack_bot.render`.

- ``/vram <question>``: acknowledged at once, then answered through the command's ``response_url``:
  in the channel, except help and usage errors, which only the asker sees.
- ``@vrambot <question>`` in a channel, or any message in a DM: answered in the thread of that
  message; a later turn in the same thread is read as a follow-up of the previous one.
- Each event is answered once (deduplicated by ``event_id`` and by message); a failure is logged with
  the event id, the user gets a short apology in their language, and the app keeps running.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.commands import BY_NAME, parse_text
from bot.chat.core import Chat, knowledge_ask, make_state
from bot.slack_bot.incoming import question_text
from bot.slack_bot.render import OPEN_SITE_ACTION, SlackMessage, error_message, messages, render
from bot.slack_bot.settings import SettingsError, SlackSettings
from knowledge import Answer

log = logging.getLogger("vrambot.slack")

AskFn = Callable[[str, Answer | None], Answer]
COMMAND = "/vram"
RATE_LIMIT_RETRIES = 3
REJECTED_TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type"}
)


def make_client(settings: SlackSettings) -> AsyncWebClient:
    """The Web API client: the bot token, ``SLACK_API_URL``, and retries on 429 (honouring Retry-After)."""
    token = settings.bot_token.get_secret_value() if settings.bot_token is not None else None
    client = AsyncWebClient(token=token, base_url=settings.api_url, logger=logging.getLogger("vrambot.slack.api"))
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


class SlackBot:
    """The Bolt app with its listeners, its event deduplication and its per-thread memory."""

    def __init__(self, settings: SlackSettings, *, ask: AskFn = knowledge_ask, chat: Chat | None = None) -> None:
        self.settings = settings
        self.chat = chat or Chat(make_state(settings), platform="slack", ask=ask)
        secret = settings.signing_secret.get_secret_value() if settings.signing_secret is not None else ""
        self.app = AsyncApp(
            name="vrambot",
            client=make_client(settings),
            signing_secret=secret,
            logger=logging.getLogger("vrambot.slack.bolt"),
            # shown on a slash command when auth.test fails (Slack unreachable): both languages, as
            # the question has not been read yet
            user_facing_authorize_error_message="\n".join(
                messages()(lang, "error.auth_unavailable") for lang in ("en", "es")
            ),
        )
        self.app.middleware(self._dedupe_events)
        self.app.command(COMMAND)(self._on_command)
        self.app.event("app_mention")(self._on_mention)
        self.app.event("message")(self._on_message)
        self.app.action(OPEN_SITE_ACTION)(self._on_open_site)
        self.app.error(self._on_error)

    async def close(self) -> None:
        """Close the chat state (Redis) and the Web API client's session."""
        await self.chat.close()
        session = getattr(self.app.client, "session", None)
        if session is not None and not session.closed:
            await session.close()

    async def verify_token(self) -> None:
        """Check ``SLACK_BOT_TOKEN`` with ``auth.test`` before serving.

        A token Slack rejects is a :class:`SettingsError`; an unreachable Web API is only logged, since
        Bolt calls ``auth.test`` again on the first request.
        """
        try:
            await self.app.client.auth_test()
        except SlackApiError as error:
            code = str(error.response.get("error", "")) if error.response.status_code == 200 else ""
            if code in REJECTED_TOKEN_ERRORS:
                raise SettingsError("cli.token_rejected", error=code) from None
            log.warning(messages()("en", "cli.unreachable", url=self.settings.api_url, reason=_describe(error)))
        except Exception as error:
            log.warning(messages()("en", "cli.unreachable", url=self.settings.api_url, reason=_describe(error)))

    # ---- listeners -------------------------------------------------------------------------------

    async def _dedupe_events(
        self, req: AsyncBoltRequest, resp: BoltResponse, body: dict[str, Any], next: Callable[[], Any]
    ) -> BoltResponse:
        """Let an event's first delivery through; acknowledge repeats (Slack's retries) without answering."""
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not await self.chat.claim(f"event:{event_id}"):
            retry = (req.headers.get("x-slack-retry-num") or ["-"])[0]
            log.info("event %s already taken (retry %s); not answering it again", event_id, retry)
            return BoltResponse(status=200, body="")
        await next()
        return resp

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        # Acknowledged (here, or already by the HTTP layer): a shutdown waits for this answer. New work stops at
        # the door instead (the listener closes, the socket disconnects), never after an acknowledgement.
        self.chat.lifecycle.track()
        await ack()
        ref = f"command {command.get('trigger_id', '?')}"
        trigger = command.get("trigger_id")
        if isinstance(trigger, str) and not await self.chat.claim(f"command:{trigger}"):
            log.info("%s already taken; not answering it again", ref)
            return
        text = question_text(str(command.get("text", "")))
        lang = functools.partial(self.chat.language, text)  # read only when a notice needs it
        user = str(command.get("user_id") or "")
        notice = await self.chat.cooldown(f"slack:{command.get('team_id', '')}:{user}", lang) if user else None
        if notice is not None:
            await self._respond(respond, error_message(notice), ephemeral=True, ref=ref)
            return
        try:
            answer = await self._answer_command(text)
        except Exception:
            log.exception("could not answer %s", ref)
            await self._respond(respond, error_message(self.chat.apology(lang(), ref)), ephemeral=True, ref=ref)
            return
        ephemeral = answer.intent == "help" or answer.error is not None
        if await self._respond(respond, render(answer), ephemeral=ephemeral, ref=ref):
            self.chat.answered(answer)

    async def _answer_command(self, text: str) -> Answer:
        """``/vram <sub-command> option:value …`` from the command table, else the text as a question."""
        parsed = parse_text(text)
        if parsed is None or parsed[0] is BY_NAME["ask"]:
            question = str(parsed[1]["question"]) if parsed is not None else text
            return await self.chat.ask(question or "help", None)
        command, values, lang = parsed
        return await self.chat.run(command, values, lang or self.chat.language(text))

    async def _on_mention(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await self._answer_in_thread(event, body, client, context, direct=False)

    async def _on_message(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """Direct messages only; in channels vrambot answers when mentioned (``app_mention``)."""
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        await self._answer_in_thread(event, body, client, context, direct=True)

    async def _on_open_site(self, ack: AsyncAck) -> None:
        """The site button is a link; Slack still sends the click, which only needs acknowledging."""
        await ack()

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """Anything a listener did not handle: logged with the event id (or trigger id); the app goes on."""
        ref = body.get("event_id") or body.get("trigger_id") or "?"
        log.error("unhandled error for event %s: %s", ref, type(error).__name__, exc_info=error)

    # ---- answering -------------------------------------------------------------------------------

    async def _answer_in_thread(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        *,
        direct: bool,
    ) -> None:
        self.chat.lifecycle.track()  # Bolt acknowledged the event already: a shutdown waits for this answer
        event_id = str(body.get("event_id", "?"))
        channel, ts = str(event.get("channel", "")), str(event.get("ts", ""))
        if not channel or not ts:
            return
        message_key = f"message:{channel}:{ts}"  # a DM that mentions vrambot can arrive twice
        if not await self.chat.claim(message_key):
            return
        team = str(context.team_id or body.get("team_id") or "")
        thread_ts = str(event.get("thread_ts") or ts)
        thread = conversation_key(team, channel, thread_ts)
        dm = conversation_key(team, channel, "") if direct else None
        previous = await self.chat.previous(thread)
        if previous is None and dm is not None and "thread_ts" not in event:
            previous = await self.chat.previous(dm)  # a new DM message continues the DM's last question
        text = question_text(str(event.get("text", "")), context.bot_user_id)
        lang = functools.partial(self.chat.language, text, previous.language if previous is not None else None)
        user = str(event.get("user") or "")
        notice = await self.chat.cooldown(f"slack:{team}:{user}", lang) if user else None
        if notice is not None:
            await self._post(client, channel, thread_ts, error_message(notice), ref=event_id)
            return
        try:
            answer = await self.chat.ask(text or "help", previous)
        except Exception:
            log.exception("could not answer event %s", event_id)
            message = error_message(self.chat.apology(lang(), event_id))
            await self._post(client, channel, thread_ts, message, ref=event_id)
            return
        # Remember the turn before posting it: a follow-up typed as soon as the answer shows must find it.
        await self.chat.remember(thread, answer)
        await self.chat.remember(dm, answer)
        if await self._post(client, channel, thread_ts, render(answer), ref=event_id):
            self.chat.answered(answer)
        else:  # let a retry from Slack try again
            await self.chat.release(message_key)
            await self.chat.release(f"event:{event_id}")

    async def _post(
        self, client: AsyncWebClient, channel: str, thread_ts: str, message: SlackMessage, *, ref: str
    ) -> bool:
        try:
            await client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        except Exception as error:
            log.error("could not post the answer to event %s: %s", ref, _describe(error))
            return False
        return True

    async def _respond(self, respond: AsyncRespond, message: SlackMessage, *, ephemeral: bool, ref: str) -> bool:
        try:
            result = await respond(
                text=message.text,
                blocks=message.blocks,
                response_type="ephemeral" if ephemeral else "in_channel",
                unfurl_links=False,
                unfurl_media=False,
            )
        except Exception as error:
            log.error("could not send the answer to %s: %s", ref, _describe(error))
            return False
        if result.status_code != 200:
            log.error("could not send the answer to %s: response_url answered %s", ref, result.status_code)
            return False
        return True


def _describe(error: Exception) -> str:
    """An error in one line, without request headers (which carry the token)."""
    response = getattr(error, "response", None)
    data = getattr(response, "data", None)
    if isinstance(data, dict) and "error" in data:
        return f"{type(error).__name__}: {data['error']} (HTTP {getattr(response, 'status_code', '?')})"
    return f"{type(error).__name__}: {error}"


def conversation_key(team: str, channel: str, thread_ts: str) -> str:
    """A thread is (team, channel, thread_ts); a DM's ongoing conversation has an empty thread_ts."""
    return f"slack:{team}:{channel}:{thread_ts}"


def build_app(settings: SlackSettings, *, ask: AskFn = knowledge_ask) -> AsyncApp:
    """The Bolt app for ``settings`` (the Web API at ``settings.api_url``)."""
    return SlackBot(settings, ask=ask).app
