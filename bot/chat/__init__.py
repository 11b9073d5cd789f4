"""The chat core shared by every chat platform (Discord, Slack): everything but event and message mapping.

- :mod:`bot.chat.settings`: one pydantic-settings base (``<PLATFORM>_*`` and ``VRAMBOT_*`` variables, ``.env``).
- :mod:`bot.chat.state`: de-duplication, conversation memory (bounded by bytes) and cooldown, O(1) per event,
  in the process or shared by many workers through Redis (:mod:`bot.chat.redis_state`).
- :mod:`bot.chat.core`: :class:`~bot.chat.core.Chat`, what an adapter calls: claim, cooldown, ask, remember.
- :mod:`bot.chat.language`: language fallback and the apology and cooldown messages, in the user's language.
- :mod:`bot.chat.logs`: one log-redaction filter (messages and tracebacks), plain or JSON lines.
- :mod:`bot.chat.health`: one ``/health`` shape and Prometheus ``/metrics`` (:mod:`bot.chat.metrics`).
- :mod:`bot.chat.commands`: the command table, from which Discord's slash commands and Slack's ``/vram``
  sub-commands are generated.
- :mod:`bot.chat.lifecycle`: graceful shutdown: stop taking work, finish what was acknowledged, exit 0.

It may import ``knowledge`` (top-level names), aiohttp, redis and prometheus-client; never a platform SDK.
"""
