"""A front end whose extra is not installed says which extra to install, in one line (exit 2)."""

from __future__ import annotations

import subprocess
import sys


def test_missing_discord_extra_is_one_line_with_the_fix() -> None:
    """Without discord.py, `vrambot discord` names the missing module and `pip install 'vrambot[discord]'`."""
    code = (
        "import sys; sys.modules['discord'] = None  # as if discord.py were not installed\n"
        "from bot.cli import main; main(['discord', '--dump-commands'])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "pip install 'vrambot[discord]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_answering_needs_no_front_end_library() -> None:
    """`vrambot ask` works with discord.py, slack-bolt, Jinja2 and MkDocs all missing (`dev.py run` installs none)."""
    code = (
        "import sys\n"
        "for name in ('discord', 'slack_bolt', 'slack_sdk', 'aiohttp', 'jinja2', 'mkdocs', 'pydantic_settings'):\n"
        "    sys.modules[name] = None\n"
        "from bot.cli import main; main(['ask', 'can a 4090 run llama 3 8b'])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Llama 3 8B" in done.stdout
