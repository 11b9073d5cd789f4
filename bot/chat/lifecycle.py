"""Graceful shutdown for every long-running command (`vrambot slack`, `vrambot discord`, `vrambot serve`).

On SIGTERM or SIGINT a bot stops taking new work (closes its listener or socket, or refuses new events),
finishes every answer it already acknowledged for up to ``VRAMBOT_DRAIN_SECONDS`` (default 20), closes its
connections and the process exits 0. Slack does not retry an acknowledged slash command, so an answer
dropped at shutdown would be lost for good.

The handlers are installed with ``loop.add_signal_handler``, which replaces whatever disposition the
process inherited: a bot started in the background with SIGINT ignored (``nohup``, ``&`` in a
non-interactive shell) still stops on SIGINT. A second signal while draining stops waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

log = logging.getLogger("vrambot.lifecycle")
T = TypeVar("T")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
SWITCH_INTERVAL_S = 0.001


class Lifecycle:
    """A stop request shared by the bots of one process, and the answers they have in flight."""

    def __init__(self, drain_seconds: float = 20.0) -> None:
        self.drain_seconds = drain_seconds
        self.stopping = asyncio.Event()
        self._hurry = asyncio.Event()
        self._in_flight: set[asyncio.Task[object]] = set()

    def stop(self, why: str = "asked to") -> None:
        """Ask every bot to stop (a signal handler calls it); a second call stops waiting for answers."""
        if self.stopping.is_set():
            log.warning("second stop request (%s): not waiting for %d answers", why, len(self._in_flight))
            self._hurry.set()
            return
        log.info("stopping (%s): no new work; finishing %d answers", why, len(self._in_flight))
        self.stopping.set()

    def track(self) -> None:
        """Count the current task as an acknowledged answer until it ends (call before acknowledging)."""
        task = asyncio.current_task()
        if task is not None and task not in self._in_flight:
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    def adopt(self, task: asyncio.Future[object]) -> None:
        """Count ``task`` (work acknowledged before it started) until it ends."""
        if isinstance(task, asyncio.Task) and not task.done():
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def drain(self) -> bool:
        """Wait until no answer is in flight, at most ``drain_seconds``; True when all finished."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.drain_seconds
        current = asyncio.current_task()
        while True:
            pending = {task for task in self._in_flight if task is not current and not task.done()}
            if not pending:
                return True
            left = deadline - loop.time()
            if left <= 0 or self._hurry.is_set():
                log.warning("stopped with %d answers unfinished", len(pending))
                return False
            hurry = asyncio.ensure_future(self._hurry.wait())
            await asyncio.wait({*pending, hurry}, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            hurry.cancel()


@contextlib.contextmanager
def stop_on_signals(lifecycle: Lifecycle) -> Iterator[None]:
    """While inside, SIGTERM and SIGINT call ``lifecycle.stop`` (whatever the inherited disposition was)."""
    # Answers compute in a thread; a shorter GIL switch interval (5 ms by default) lets the event loop take the
    # GIL back sooner, so acknowledgements do not queue behind an answer being computed.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, lifecycle.stop, sig.name)
    try:
        yield
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


async def run_until_stopped(lifecycle: Lifecycle, main: Callable[[Lifecycle], Awaitable[T]]) -> T:
    """Run ``main(lifecycle)`` with the stop signals wired to ``lifecycle``; ``main`` returns once drained."""
    with stop_on_signals(lifecycle):
        return await main(lifecycle)
