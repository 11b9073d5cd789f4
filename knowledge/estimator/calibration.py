"""Published measurements of real runs, and the estimator's error against each.

The measurements (``knowledge/data/measurements.jsonl``, copied from ``shared/calibration``) carry the
``vrambot estimate`` flags that reproduce each setup. Used by ``benchmarks/calibration.py`` and the site's
method page.
"""

from __future__ import annotations

import argparse
import functools
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from knowledge.estimator.catalog import load_catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import GIB, Job

Metric = Literal["weights", "kv", "allocated", "device", "per_gpu", "oom", "note"]
_DATA = Path(__file__).parent.parent / "data" / "measurements.jsonl"


class Measurement(BaseModel):
    """One published measurement: the setup (as `vrambot estimate` flags), the figure and its tolerance."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    id: str
    model: str
    args: tuple[str, ...]
    metric: Metric
    measured_gib: float
    tol: float
    source: str
    note: str = ""


class Comparison(BaseModel):
    """A measurement beside vrambot's estimate of the same quantity."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    measurement: Measurement
    estimate_gib: float
    error: float  # (estimate - measured) / measured

    @property
    def within(self) -> bool:
        return abs(self.error) <= self.measurement.tol


@functools.cache
def measurements() -> tuple[Measurement, ...]:
    lines = _DATA.read_text(encoding="utf-8").splitlines()
    return tuple(Measurement.model_validate(json.loads(line)) for line in lines if line.strip())


def _parser() -> argparse.ArgumentParser:
    """The subset of `vrambot estimate` flags that measurements use."""
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("--task", default="inference")
    parser.add_argument("--precision")
    parser.add_argument("--runtime")
    parser.add_argument("--context", type=int)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--optimizer", default="adamw")
    parser.add_argument("--lora-rank", type=int, default=16)
    parser.add_argument("--kv-precision")
    parser.add_argument("--gpu")
    parser.add_argument("--gpus", type=int, default=1)
    parser.add_argument("--checkpointing", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--flash-attention", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--chunked-loss", action=argparse.BooleanOptionalAction, default=True)
    return parser


def job_for(measurement: Measurement) -> Job:
    """The Job that a measurement's flags describe."""
    flags = _parser().parse_args(list(measurement.args))
    catalog = load_catalog()
    model = catalog.find_model(measurement.model)
    context = flags.context
    if context is not None and context > model.architecture.max_context_tokens:
        # A run cannot have read more tokens than the model's positions; such a figure is approximate.
        context = model.architecture.max_context_tokens
    return Job(
        model=model,
        task=flags.task,
        precision=flags.precision,
        runtime=flags.runtime,
        context_tokens=context,
        batch=flags.batch,
        optimizer=flags.optimizer,
        lora_rank=flags.lora_rank,
        kv_precision=flags.kv_precision,
        checkpointing=flags.checkpointing,
        flash_attention=flags.flash_attention,
        chunked_loss=flags.chunked_loss,
        gpu=catalog.find_gpu(flags.gpu) if flags.gpu else None,
        gpus=flags.gpus,
    )


def compare(measurement: Measurement) -> Comparison | None:
    """The estimate of what was measured (None for reference notes)."""
    if measurement.metric == "note":
        return None
    result = estimate(job_for(measurement))
    memory = result.memory
    figures = {
        "weights": memory.weights_bytes,
        "kv": memory.kv_cache_bytes,
        "allocated": result.per_gpu_bytes - memory.overhead_bytes // result.job.gpus,
        "device": result.per_gpu_bytes,
        "per_gpu": result.per_gpu_bytes,
        "oom": result.per_gpu_bytes,
    }
    value = figures[measurement.metric] / GIB
    return Comparison(
        measurement=measurement,
        estimate_gib=round(value, 3),
        error=round((value - measurement.measured_gib) / measurement.measured_gib, 4),
    )


def comparisons() -> list[Comparison]:
    """Every measurement that is a figure to fit, compared."""
    return [c for m in measurements() if (c := compare(m)) is not None]
