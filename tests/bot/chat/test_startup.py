"""Fail fast on data: every bot loads and validates the catalog before it connects or listens."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

KNOWLEDGE_DATA = Path(__file__).resolve().parents[3] / "knowledge" / "data"


def broken_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(KNOWLEDGE_DATA, data)
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
    """VRAMBOT_DATA_DIR with a broken gpus.yaml: the file named, a failure status, no traceback, no connection
    (the API URLs point at a closed port: trying them would log 'unreachable')."""
    result = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "VRAMBOT_DATA_DIR": str(broken_data(tmp_path)),
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
    assert result.returncode != 0
    assert "gpus.yaml" in result.stderr and "Fix the file" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "unreachable" not in result.stderr.lower()
    assert "listening" not in result.stderr and "connected" not in result.stderr
