"""`vrambot serve` with both bots' tokens: Discord and Slack answer from one process, one event loop."""

from __future__ import annotations

import pytest

from tests.bot.slack_bot.payloads import APP_TOKEN, BOT_TOKEN, event_callback, mention, socket_envelope
from tests.bot.slack_bot.standin import SlackStandIn
from tests.bot.slack_bot.test_slack_cli import free_port, vrambot, wait_healthy

discord_standin = pytest.importorskip("tests.bot.discord_bot.standin.server")


async def test_serve_runs_discord_and_slack_together(slack: SlackStandIn) -> None:
    """Both bots come up healthy in one `vrambot serve`; a Discord mention and a Slack mention are both answered."""
    discord = discord_standin.DiscordStandIn()
    await discord.start()
    try:
        slack_health, discord_health = free_port(), free_port()
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": slack.api_url,
            "DISCORD_TOKEN": discord.token,
            "DISCORD_API_URL": discord.api_url,
            "DISCORD_GATEWAY_URL": discord.gateway_url,
            "DISCORD_GUILD_READY_TIMEOUT": "0.05",
            "DISCORD_HEALTH_PORT": str(discord_health),
        }
        async with vrambot("serve", "--health-port", str(slack_health), env=env) as app:
            await wait_healthy(f"http://127.0.0.1:{slack_health}/health", app)
            await wait_healthy(f"http://127.0.0.1:{discord_health}/health", app)
            event = mention("can a 4060 run llama 2 7b?")
            await slack.push(socket_envelope(event_callback(event)))
            await discord.say("can a 4060 run llama 2 7b?")
            await slack.wait_for(lambda: len(slack.posts()) == 1)
            await slack.wait_for(lambda: any(discord.bot_messages(channel) for channel in list(discord.channels)))
            assert slack.posts()[0]["thread_ts"] == event["ts"]
        logged = "".join(app.stderr)
        assert "running discord, slack" in logged
        for secret in (BOT_TOKEN, APP_TOKEN, discord.token):
            assert secret not in logged
    finally:
        await discord.stop()
