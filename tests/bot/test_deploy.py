"""The container image and the compose file: linted, and their steps are the project's own.

No Docker daemon runs here, so the Dockerfile is linted with hadolint (its PyPI wheel, a dev dependency) and
read step by step; the compose file is checked as the structure Docker Compose reads.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
HADOLINT = Path(sys.executable).with_name("hadolint")
HEALTH_PORT = "3000"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in joined.splitlines() if line.strip()]


def test_the_dockerfile_passes_hadolint() -> None:
    """hadolint's rules (pinned versions, no root, no cache left behind, exec-form CMD) find nothing."""
    result = subprocess.run([str(HADOLINT), "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_the_image_installs_our_wheel_runs_vrambot_serve_and_checks_the_health_port() -> None:
    """Slim Python; our wheel at pyproject's version; a non-root user; `vrambot serve`; health on port 3000."""
    steps = instructions()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    bases = [args.split()[0] for keyword, args in steps if keyword == "FROM"]
    assert bases and all(re.fullmatch(r"python:3\.1[1-9]-slim", base) for base in bases)
    runs = [args for keyword, args in steps if keyword == "RUN"]
    assert any('pip wheel --no-cache-dir --wheel-dir /wheels ".[discord,slack]"' in run for run in runs)
    assert any(f'--no-index --find-links /wheels "vrambot[discord,slack]=={version}"' in run for run in runs)
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users and users[-1] not in ("0", "root")
    health = next(args for keyword, args in steps if keyword == "HEALTHCHECK")
    assert f"http://127.0.0.1:{HEALTH_PORT}/health" in health
    cmd = shlex.split(next(args for keyword, args in steps if keyword == "CMD").strip("[]").replace(",", " "))
    assert cmd[:2] == ["vrambot", "serve"] and cmd[cmd.index("--port") + 1] == HEALTH_PORT
    assert ("STOPSIGNAL", "SIGTERM") in steps  # vrambot drains on SIGTERM (bot/chat/lifecycle.py)


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return data


def test_compose_runs_two_slack_workers_the_discord_bot_redis_and_the_site() -> None:
    """Slack (HTTP, 2 replicas) and Discord from this image, sharing Redis, health on 3000, behind nginx."""
    services = compose()["services"]
    assert set(services) == {"slack", "discord", "redis", "proxy"}
    for name in ("slack", "discord"):
        service = services[name]
        assert service["build"] == "." and service["command"][0] == "vrambot"
        assert service["environment"]["VRAMBOT_REDIS_URL"] == "redis://redis:6379/0"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert service["stop_grace_period"] == "30s"  # longer than VRAMBOT_DRAIN_SECONDS (20)
        assert service["expose"] == [HEALTH_PORT]
    slack = services["slack"]["command"]
    assert slack[1:3] == ["slack", "--http"] and slack[slack.index("--port") + 1] == HEALTH_PORT
    assert services["slack"]["deploy"]["replicas"] == 2
    assert services["discord"]["command"] == ["vrambot", "discord"]
    assert services["discord"]["environment"]["DISCORD_HEALTH_PORT"] == HEALTH_PORT
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_the_proxy_sends_slack_to_the_workers_and_serves_the_built_site() -> None:
    """nginx's config (mounted from deploy/) routes /slack/events to slack:3000; the site is build/site."""
    proxy = compose()["services"]["proxy"]
    mounts = dict(volume.rsplit(":", 1)[0].split(":", 1) for volume in proxy["volumes"])
    assert mounts == {"./build/site": "/usr/share/nginx/html", "./deploy/nginx.conf": "/etc/nginx/conf.d/default.conf"}
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "location = /slack/events" in nginx
    assert f"set $slack http://slack:{HEALTH_PORT};" in nginx and "root /usr/share/nginx/html;" in nginx
    assert proxy["depends_on"]["slack"]["condition"] == "service_healthy"
