"""What the stand-in saw: interactions and their replies, channel messages, and every REST request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
EPHEMERAL = 1 << 6


@dataclass
class Reply:
    """One reply to an interaction: the initial callback, an edit of the original, or a followup."""

    kind: str  # "callback", "edit", "followup"
    type: int | None  # callback type: 4 message, 5 deferred, 8 autocomplete result
    data: Json
    ephemeral: bool
    after_s: float  # seconds after the interaction was dispatched

    @property
    def embeds(self) -> list[Json]:
        return list(self.data.get("embeds") or [])

    @property
    def embed(self) -> Json:
        return self.embeds[0]

    @property
    def choices(self) -> list[Json]:
        return list(self.data.get("choices") or [])


@dataclass
class InteractionRecord:
    id: str
    token: str
    payload: Json
    dispatched_at: float
    replies: list[Reply] = field(default_factory=list)
    rejected: list[tuple[int, Json]] = field(default_factory=list)  # (status, body) Discord answered
    original_deleted: bool = False

    @property
    def initial(self) -> Reply | None:
        return next((r for r in self.replies if r.kind == "callback"), None)

    @property
    def visible(self) -> Reply | None:
        """The answer the user ends up seeing (None while only a "thinking..." defer is shown)."""
        shown = [
            r for r in self.replies if r.type != 5 and (r.data.get("content") or r.data.get("embeds") or r.choices)
        ]
        if not shown:
            return None
        last = shown[-1]
        initial = self.initial
        if last.kind == "edit" and initial is not None and initial.type == 5:
            return Reply(last.kind, last.type, last.data, initial.ephemeral, last.after_s)
        return last


@dataclass
class Request:
    method: str
    path: str  # after the API base, e.g. /channels/1/messages
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    status: int = 0
