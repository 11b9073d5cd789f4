"""vrambot's Slack app (slack-bolt): ``/vram``, mentions answered in threads, DMs; Socket Mode or HTTP.

Run it with ``vrambot slack`` (see :mod:`bot.slack_bot.cli`) or next to the other bots with
``vrambot serve``, which awaits :func:`bot.slack_bot.runtime.start`.
"""
