"""Published measurements of real runs, and the estimator's error against each.

The measurements (``knowledge/data/measurements.jsonl``, copied from ``shared/calibration`` with their
sources) carry the ``vrambot estimate`` flags that reproduce each setup, the runtime among them. Where a row's
note states a setting its flags leave out (the runtime that produced it, the LoRA targets, "peak reserved"
rather than "allocated"), the copy says so in its flags or metric. Used by ``benchmarks/calibration.py`` and
the site's method page; errors are reported per runtime.
"""

from __future__ import annotations

import argparse
import functools
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from knowledge.errors import UnknownModel
from knowledge.estimator.catalog import load_catalog
from knowledge.estimator.estimate import estimate, lora_targets
from knowledge.estimator.job import GIB, Job
from knowledge.estimator.runtimes import profile

Metric = Literal["weights", "kv", "allocated", "reserved", "device", "per_gpu", "oom", "note"]
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
    runtime: str  # the runtime the estimate used
    estimate_gib: float
    error: float  # (estimate - measured) / measured
    verdict_yes: bool | None = None  # out-of-memory rows: whether vrambot would say "yes"

    @property
    def within(self) -> bool:
        if self.measurement.metric == "oom":
            return self.verdict_yes is False  # a run that ran out of memory must never get "yes"
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
    parser.add_argument("--lora-targets")
    parser.add_argument("--kv-precision")
    parser.add_argument("--output-tensor-type")
    parser.add_argument("--gpu")
    parser.add_argument("--gpus", type=int, default=1)
    parser.add_argument("--checkpointing", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--checkpoint-offload", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--flash-attention", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--chunked-loss", action=argparse.BooleanOptionalAction, default=None)
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
        lora_targets=lora_targets(flags.lora_targets) if flags.lora_targets else None,
        kv_precision=flags.kv_precision,
        output_tensor_type=flags.output_tensor_type,
        checkpointing=flags.checkpointing,
        checkpoint_offload=flags.checkpoint_offload,
        flash_attention=flags.flash_attention,
        chunked_loss=flags.chunked_loss,
        gpu=catalog.find_gpu(flags.gpu) if flags.gpu else None,
        gpus=flags.gpus,
    )


def compare(measurement: Measurement) -> Comparison | None:
    """The estimate of what was measured (None for reference notes and models not in the catalog)."""
    if measurement.metric == "note":
        return None
    try:
        job = job_for(measurement)
    except UnknownModel:
        return None
    result = estimate(job)
    memory = result.memory
    gpus = result.job.gpus
    context = int(profile(result.job.runtime or "transformers").cuda_context_gib * GIB)
    figures = {
        "weights": memory.weights_bytes + result.host_weights_bytes * gpus,
        "kv": memory.kv_cache_bytes,
        "allocated": memory.total_bytes - memory.overhead_bytes,  # summed over the GPUs of a split job
        "reserved": result.per_gpu_bytes - context,
        "device": result.per_gpu_bytes,
        "per_gpu": result.per_gpu_bytes,
        "oom": result.per_gpu_bytes,
    }
    value = figures[measurement.metric] / GIB
    return Comparison(
        measurement=measurement,
        runtime=result.job.runtime or "",
        estimate_gib=round(value, 3),
        error=round((value - measurement.measured_gib) / measurement.measured_gib, 4),
        verdict_yes=None if measurement.metric != "oom" else bool(result.fits),
    )


def comparisons() -> list[Comparison]:
    """Every measurement that is a figure to fit and whose model is in the catalog, compared."""
    return [c for m in measurements() if (c := compare(m)) is not None]


def skipped() -> list[Measurement]:
    """Measurements of models the catalog does not have yet (reported, not compared)."""
    catalog = load_catalog()
    missing = []
    for m in measurements():
        if m.metric == "note":
            continue
        try:
            catalog.find_model(m.model)
        except UnknownModel:
            missing.append(m)
    return missing
