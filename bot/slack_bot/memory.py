"""The key of a Slack conversation: a thread is ``(team, channel, thread_ts)``; a DM uses an empty ``thread_ts``.

The memory itself is the adapters' shared :class:`bot.memory.ConversationMemory`.
"""

from __future__ import annotations

from typing import NamedTuple


class ThreadKey(NamedTuple):
    team: str
    channel: str
    thread_ts: str
