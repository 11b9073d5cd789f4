"""The chat core: what every adapter calls between receiving an event and sending the reply.

An adapter maps its platform's events onto :class:`Chat` and its replies back onto messages; everything
else lives here: which event was already taken (:meth:`Chat.claim`), the cooldown, checked before any
answer is computed (:meth:`Chat.cooldown`), the conversation's previous turn (:meth:`Chat.previous`,
:meth:`Chat.remember`), answering off the event loop with the language fallback (:meth:`Chat.ask`,
:meth:`Chat.run`), metrics, and the apology when answering fails.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from pydantic import ValidationError

from bot.chat import metrics
from bot.chat.commands import Command, to_query
from bot.chat.language import apology, cooldown_notice, detected_language, reply_language, t
from bot.chat.lifecycle import Lifecycle
from bot.chat.settings import ChatSettings
from bot.chat.state import ChatState, LocalState, whole_seconds
from knowledge import Answer
from knowledge.i18n import Language

log = logging.getLogger("vrambot.chat")

AskFn = Callable[[str, Answer | None], Answer]
MAX_REMEMBERED_QUESTION = 500  # characters of a question kept in memory (a follow-up needs its settings, not prose)
# Answers are CPU-bound Python: more threads only take the GIL from the event loop, which must keep acknowledging
# within Slack's and Discord's 3 seconds. One thread computes answers, one at a time, for every platform.
ANSWERS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vrambot-answer")
# Parts of an answer a follow-up never reads: left out of the remembered turn to keep it small.
_DISPLAY_ONLY = ("lines", "fields", "recommendations", "assumptions", "suggestion", "memory", "url")


def knowledge_ask(question: str, previous: Answer | None) -> Answer:
    """``knowledge.ask`` with models outside the catalog read from the Hugging Face Hub ("org/name")."""
    from bot.sources.resolve import resolve_model
    from knowledge import ask

    return ask(question, previous=previous, resolve_model=resolve_model)


def turn_bytes(answer: Answer) -> bytes:
    """``answer`` as the conversation remembers it: its question capped, display-only parts left out."""
    fields = Answer.model_fields
    exclude = {name for name in _DISPLAY_ONLY if name in fields and not fields[name].is_required()}
    slim = answer.model_copy(update={"question": answer.question[:MAX_REMEMBERED_QUESTION], "text": ""})
    return slim.model_dump_json(exclude=exclude).encode()


def turn_of(data: bytes) -> Answer | None:
    try:
        return Answer.model_validate_json(data)
    except ValidationError:  # written by another version of vrambot: read as a new question
        return None


def make_state(settings: ChatSettings) -> ChatState:
    """Redis when ``VRAMBOT_REDIS_URL`` is set (in-process while it is away), else in the process."""
    local = LocalState(
        cooldown_rate=settings.cooldown_rate,
        cooldown_per=settings.cooldown_per,
        memory_size=settings.memory_size,
        memory_bytes=settings.memory_bytes,
        memory_ttl=settings.memory_ttl,
    )
    url = settings.redis_url_value()
    if url is None:
        return local
    from bot.chat.redis_state import RedisState

    return RedisState(
        url,
        local,
        cooldown_rate=settings.cooldown_rate,
        cooldown_per=settings.cooldown_per,
        memory_ttl=settings.memory_ttl,
        memory_bytes=settings.memory_bytes,
    )


class Chat:
    """One platform's view of the chat core."""

    def __init__(
        self, state: ChatState, *, platform: str, ask: AskFn = knowledge_ask, lifecycle: Lifecycle | None = None
    ) -> None:
        self.state = state
        self.platform = platform
        self._ask = ask
        self.lifecycle = lifecycle or Lifecycle()

    @property
    def accepting(self) -> bool:
        """False once a stop was asked for: new events are not taken."""
        return not self.lifecycle.stopping.is_set()

    def refused(self, reason: str) -> None:
        metrics.REFUSALS.labels(self.platform, reason).inc()

    async def claim(self, key: str) -> bool:
        """True for the first delivery of ``key`` (an event or message id); repeats are refused."""
        fresh = await self.state.claim(key)
        if not fresh:
            self.refused("duplicate")
        return fresh

    async def release(self, key: str) -> None:
        await self.state.release(key)

    async def cooldown(self, user: str, lang: Language | Callable[[], Language]) -> str | None:
        """The polite notice when ``user`` asks too fast (before any answer is computed), else None.

        ``lang`` may be a function, called only when a notice is due (reading a question's language costs a parse).
        """
        wait = await self.state.hit(user)
        if not wait:
            return None
        self.refused("cooldown")
        return cooldown_notice(lang() if callable(lang) else lang, whole_seconds(wait))

    async def previous(self, conversation: str | None) -> Answer | None:
        if conversation is None:
            return None
        data = await self.state.recall(conversation)
        return turn_of(data) if data is not None else None

    async def remember(self, conversation: str | None, answer: Answer) -> None:
        if conversation is not None and answer.error is None:
            await self.state.remember(conversation, turn_bytes(answer))

    async def ask(self, question: str, previous: Answer | None, *, fallback: Language | None = None) -> Answer:
        """Answer free text off the event loop; a question with no language of its own follows ``fallback``."""

        def work() -> Answer:
            if previous is None and fallback is not None and detected_language(question) is None:
                return self._ask_in(question, fallback)
            return self._ask(question, previous)

        return await self._timed(work)

    async def run(self, command: Command, values: dict[str, object], lang: Language) -> Answer:
        """Answer a command with options (not ``ask``) in ``lang``."""
        from bot.sources.resolve import resolve_model
        from knowledge import answer as answer_query

        query = to_query(command, values, lang)
        return await self._timed(lambda: answer_query(query, resolve_model=resolve_model))

    def language(self, text: str, *fallbacks: Language | None) -> Language:
        return reply_language(text, *fallbacks)

    def stopping_notice(self, lang: Language) -> str:
        """What a user reads when their question arrives while the bot is shutting down."""
        self.refused("stopping")
        return t(lang, "chat.stopping")

    def apology(self, lang: Language, ref: object) -> str:
        metrics.ERRORS.labels(self.platform).inc()
        return apology(lang, ref)

    def answered(self, answer: Answer) -> None:
        metrics.ANSWERS.labels(self.platform, answer.error or answer.intent).inc()

    async def close(self) -> None:
        await self.state.close()

    def _ask_in(self, question: str, lang: Language) -> Answer:
        from bot.sources.resolve import resolve_model
        from knowledge import answer as answer_query
        from knowledge.understanding.understand import understand

        query = understand(question, None).model_copy(update={"language": lang})
        return answer_query(query, resolve_model=resolve_model)

    async def _timed(self, work: Callable[[], Answer]) -> Answer:
        started = time.perf_counter()
        gauge = metrics.IN_FLIGHT.labels(self.platform)
        gauge.inc()
        try:
            return await asyncio.get_running_loop().run_in_executor(ANSWERS, work)
        finally:
            gauge.dec()
            metrics.ANSWER_SECONDS.labels(self.platform).observe(time.perf_counter() - started)
