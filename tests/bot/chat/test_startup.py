"""Fail fast on data: every bot loads and validates the catalog before it connects or listens."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import knowledge.estimator.catalog as catalog_module

# The real command, with the catalog read from a copy of the data directory that the test breaks
# (VRAMBOT_DATA_DIR does this for operators; here the module's directory is pointed at the copy).
LAUNCH = (
    "import sys, pathlib, knowledge.estimator.catalog as c; c.DATA_DIR = pathlib.Path(sys.argv.pop(1)); "
    "from bot.cli import main; main()"
)


def broken_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(catalog_module.DATA_DIR, data)
    gpus = data / "gpus.yaml"
    gpus.write_text(gpus.read_text(encoding="utf-8") + "\n  - this is: [not valid\n", encoding="utf-8")
    return data


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["slack", "--http", "--port", "0"], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}),
        (["discord"], {"DISCORD_TOKEN": "standin.token"}),
        (["serve"], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}),
    ],
    ids=["slack", "discord", "serve"],
)
def test_a_broken_catalog_stops_the_bot_before_it_connects(
    tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    """One line naming the catalog problem, exit 2, no traceback, and no connection attempted
    (the API URLs point at a closed port: trying them would log 'unreachable')."""
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH, str(broken_data(tmp_path)), *args],
        env={
            "PATH": "/usr/bin:/bin",
            "LANG": "en_US.UTF-8",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",
            "DISCORD_API_URL": "http://127.0.0.1:9/api/v10",
            **env,
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"vrambot {args[0]}: The catalog does not load, so vrambot will not start:")
    assert "Traceback" not in result.stderr and "unreachable" not in result.stderr.lower()
