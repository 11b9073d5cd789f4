# vrambot's chat bots: `vrambot serve` (Discord and Slack, whichever tokens are set), or any other
# subcommand given as the container's command (`vrambot slack --http`, `vrambot discord --shard-ids 0,1 ...`).
# Settings come from the environment (see README: Running the bots). /health and /metrics answer on port 3000
# (Slack's HTTP port, or its --health-port in Socket Mode; set DISCORD_HEALTH_PORT=3000 for `vrambot discord`).

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY knowledge ./knowledge
COPY bot ./bot
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[discord,slack]"

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DISCORD_HEALTH_HOST=0.0.0.0
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "vrambot[discord,slack]==0.1.0" \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin vrambot
USER 10001
WORKDIR /home/vrambot
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/health', timeout=2)"]
CMD ["vrambot", "serve", "--host", "0.0.0.0", "--port", "3000", "--health-port", "3000"]
