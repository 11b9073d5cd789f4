"""Prometheus metrics of the chat adapters, served at ``/metrics`` on the health port.

- ``vrambot_answers_total{platform, intent}``: answers delivered, by intent (``error`` kinds included).
- ``vrambot_answer_seconds{platform}``: time to compute an answer (histogram).
- ``vrambot_refusals_total{platform, reason}``: requests refused before answering (bad signature, stale,
  too large, malformed, cooldown, duplicate).
- ``vrambot_errors_total{platform}``: answers that failed and got an apology.
- ``vrambot_in_flight{platform}``: answers being computed or delivered now.

One registry per process; ``vrambot serve`` shares it between platforms (the label tells them apart).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)
ANSWERS = Counter("vrambot_answers", "Answers delivered, by intent", ["platform", "intent"], registry=REGISTRY)
ANSWER_SECONDS = Histogram(
    "vrambot_answer_seconds",
    "Seconds to compute an answer",
    ["platform"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
REFUSALS = Counter("vrambot_refusals", "Requests refused before answering", ["platform", "reason"], registry=REGISTRY)
ERRORS = Counter("vrambot_errors", "Answers that failed (the user got an apology)", ["platform"], registry=REGISTRY)
IN_FLIGHT = Gauge("vrambot_in_flight", "Answers being computed or delivered", ["platform"], registry=REGISTRY)
CONTENT_TYPE = CONTENT_TYPE_LATEST


def exposition() -> bytes:
    """The registry in Prometheus' text format."""
    return generate_latest(REGISTRY)
