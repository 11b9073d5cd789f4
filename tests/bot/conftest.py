"""Fixtures shared by the bots' tests: a real redis-server."""

from tests.bot.redis_server import redis_server

__all__ = ["redis_server"]
