"""`vrambot slack`: run the Slack app in Socket Mode (default) or HTTP mode (``--http --port N``).

The catalog is loaded and validated before it connects or listens (`vrambot`'s group does it for every
command), and it stops gracefully on SIGTERM or SIGINT (:mod:`bot.chat.lifecycle`): exit 0 once every
acknowledged answer is delivered.
"""

from __future__ import annotations

import asyncio

import click

from bot.chat.lifecycle import Lifecycle, run_until_stopped
from bot.chat.logs import configure_logging
from bot.slack_bot.settings import SettingsError, load_settings, operator_language

LOG_LEVELS = click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False)


@click.command("slack")
@click.option("--http", "http_mode", is_flag=True, help="Serve Slack's HTTP requests (needs SLACK_SIGNING_SECRET).")
@click.option(
    "--host", default="0.0.0.0", show_default=True, help="The address to listen on (HTTP mode, or the health endpoint)."
)
@click.option("--port", type=click.IntRange(0, 65535), default=3000, show_default=True, help="HTTP mode: the port.")
@click.option(
    "--health-port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Socket Mode: serve GET /health on this port (HTTP mode serves it on --port).",
)
@click.option("--log-level", type=LOG_LEVELS, default="INFO", show_default=True)
def slack(http_mode: bool, host: str, port: int, health_port: int | None, log_level: str) -> None:
    """Run the Slack app.

    Socket Mode needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN; HTTP mode (--http) needs SLACK_BOT_TOKEN and
    SLACK_SIGNING_SECRET and serves Slack at /slack/events and a health check at /health.
    SLACK_API_URL changes the Web API base URL (default https://slack.com/api/).
    """
    lang = operator_language()
    try:
        settings = load_settings("http" if http_mode else "socket")
    except SettingsError as error:
        click.echo(f"vrambot slack: {error.message(lang)}", err=True)
        raise SystemExit(2) from None
    configure_logging(log_level, settings.secrets(), json_lines=settings.log_json)
    from bot.slack_bot import runtime  # slack-bolt loads only when the app runs

    async def main(lifecycle: Lifecycle) -> None:
        if http_mode:
            await runtime.run_http(settings, host=host, port=port, lifecycle=lifecycle)
        else:
            await runtime.run_socket_mode(settings, health_host=host, health_port=health_port, lifecycle=lifecycle)

    try:
        asyncio.run(run_until_stopped(Lifecycle(settings.drain_seconds), main))
    except SettingsError as error:
        click.echo(f"vrambot slack: {error.message(lang)}", err=True)
        raise SystemExit(2) from None
