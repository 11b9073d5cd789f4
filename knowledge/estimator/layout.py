"""Deployable multi-GPU layouts: how a job is split over several GPUs, and what the split costs in speed.

Each runtime profile says how its engine spreads a model (``inference.multi_gpu`` in data/runtimes.yaml).
Engines with tensor parallelism (vLLM, SGLang) split each layer over ``t`` GPUs of one node, where ``t``
divides the attention heads and the KV heads divide ``t`` or ``t`` divides them (vLLM ``config/model.py`` and
``QKVParallelLinear``); GPUs beyond one node become pipeline stages (vLLM docs,
``serving/parallelism_scaling``: TP inside a node, PP across nodes); transformers is laid out the same way
(``tp_plan="auto"``). llama.cpp (``-sm layer``, its default), LitGPT and MLX split layers: each GPU holds whole
layers, their KV cache and its own compute buffer, and a single stream runs the GPUs one after another, so
decoding is no faster than on one GPU (llama.cpp ``docs/multi-gpu.md``). Training shards states with
ZeRO-3/FSDP over data-parallel GPUs, whole nodes beyond one node.

Decode time per step = bytes each GPU reads / (efficiency x bandwidth), summed over pipeline stages, plus two
all-reduces per layer under tensor parallelism and one hand-over per stage boundary; so speed never grows
faster than the GPU count. Link figures are in ``data/interconnect.yaml`` with their derivation.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, PositiveFloat, PositiveInt

from knowledge.estimator.architecture import Architecture
from knowledge.estimator.catalog import Gpu
from knowledge.estimator.data_files import cached
from knowledge.estimator.runtimes import profile

Split = Literal["single", "tensor", "layer", "data"]
_DATA = Path(__file__).parent.parent / "data" / "interconnect.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class LinkKind(_Frozen):
    allreduce_latency_us: PositiveFloat
    pipeline_hop_us: PositiveFloat


class Fabric(_Frozen):
    gpu: str
    link: str
    link_gb_s: PositiveFloat
    source: str


class PcieGeneration(_Frozen):
    gpu: str
    generation: Literal[3, 4, 5]
    source: str


class Interconnect(_Frozen):
    links: dict[str, LinkKind]
    inter_node_hop_us: PositiveFloat
    gpus_per_node: PositiveInt
    fabric: tuple[Fabric, ...]
    pcie_gb_s_by_generation: dict[int, PositiveFloat]
    pcie_generation: tuple[PcieGeneration, ...]


@functools.cache
def interconnect() -> Interconnect:
    """``data/interconnect.yaml``, validated once (then read from the cache keyed by the file's hash)."""
    return cached([_DATA, Path(__file__)], _read_interconnect, kind="interconnect")


def _read_interconnect() -> Interconnect:
    import yaml  # here, not at the top: a start from the cache reads no YAML

    return Interconnect.model_validate(yaml.safe_load(_DATA.read_text(encoding="utf-8")))


class Link(_Frozen):
    """How one GPU reaches the others in its node."""

    kind: str  # "nvlink", "infinity_fabric" or "pcie"
    gb_s: float  # one direction
    allreduce_latency_us: float
    pipeline_hop_us: float


def link(gpu: Gpu) -> Link:
    """The GPU-to-GPU link of a GPU: its fabric when it has one, else PCIe of its generation."""
    data = interconnect()
    fabric = next((f for f in data.fabric if f.gpu == gpu.id), None)
    if fabric is not None:
        kind, gb_s = fabric.link, fabric.link_gb_s
    else:
        named = next((p.generation for p in data.pcie_generation if p.gpu == gpu.id), None)
        year = gpu.release_year or 2020
        generation = named or (3 if year < 2020 else 4 if year < 2024 else 5)
        kind, gb_s = "pcie", data.pcie_gb_s_by_generation[generation]
    costs = data.links[kind]
    return Link(
        kind=kind,
        gb_s=gb_s,
        allreduce_latency_us=costs.allreduce_latency_us,
        pipeline_hop_us=costs.pipeline_hop_us,
    )


class Layout(_Frozen):
    """How ``gpus`` GPUs share a job: ``tensor`` x ``pipeline`` (inference) or data parallel (training)."""

    gpus: PositiveInt
    split: Split
    tensor: PositiveInt = 1  # tensor-parallel degree (inside one node)
    pipeline: PositiveInt = 1  # pipeline stages (llama.cpp's layer split counts each GPU as a stage)
    nodes: PositiveInt = 1


def node_size() -> int:
    return interconnect().gpus_per_node


def tensor_degrees(arch: Architecture, node: int | None = None) -> tuple[int, ...]:
    """Tensor-parallel degrees an engine deploys for a model: divisors of the attention heads, up to one node,
    with the KV heads divided evenly or replicated (vLLM ``QKVParallelLinear``)."""
    limit = node or node_size()
    heads, kv = arch.attention_heads, arch.kv_heads
    return tuple(
        t
        for t in range(1, limit + 1)
        if heads % t == 0 and (arch.mla is not None or kv % t == 0 or t % kv == 0)
    )


def splits_layers(runtime: str | None) -> bool:
    """Whether ``runtime`` gives each GPU whole layers that run one after another (no tensor parallelism)."""
    if runtime is None:
        return False
    rules = profile(runtime).inference
    return rules is not None and rules.multi_gpu == "layers"


def inference_layout(arch: Architecture, runtime: str | None, gpus: int) -> Layout:
    """The layout an engine uses for ``gpus`` GPUs: the largest tensor degree that divides the count (within
    one node), the rest as pipeline stages; runtimes that split layers give every GPU its own stage."""
    if gpus == 1:
        return Layout(gpus=1, split="single")
    node = node_size()
    nodes = math.ceil(gpus / node)
    if splits_layers(runtime):
        return Layout(gpus=gpus, split="layer", pipeline=gpus, nodes=nodes)
    tensor = max(t for t in tensor_degrees(arch) if gpus % t == 0)
    pipeline = gpus // tensor
    return Layout(gpus=gpus, split="tensor" if tensor > 1 else "layer", tensor=tensor, pipeline=pipeline, nodes=nodes)


def training_layout(gpus: int) -> Layout:
    if gpus == 1:
        return Layout(gpus=1, split="single")
    return Layout(gpus=gpus, split="data", nodes=math.ceil(gpus / node_size()))


def deployable_counts(arch: Architecture, runtime: str | None, training: bool, limit: int) -> Iterator[int]:
    """GPU counts worth proposing, smallest first: for tensor-parallel inference the tensor degrees of one
    node, then whole nodes (tensor x pipeline); for runtimes that split layers, and for training, any count of
    one node, then whole nodes."""
    node = node_size()
    if training or splits_layers(runtime):
        first: tuple[int, ...] = tuple(range(1, node + 1))
        step = node
    else:
        first = tensor_degrees(arch)
        step = first[-1]
    for count in first:
        if count > limit:
            return
        yield count
    count = step * 2
    while count <= limit:
        yield count
        count += step


def kv_share(arch: Architecture, layout: Layout) -> float:
    """The share of the whole KV cache one GPU holds: KV heads split by the tensor degree (replicated once it
    exceeds them; MLA's latent is replicated), layers split by the pipeline stages."""
    heads = arch.kv_heads
    by_tensor = 1.0 if arch.mla is not None else math.ceil(heads / layout.tensor) / heads
    return by_tensor / layout.pipeline


def communication_seconds(arch: Architecture, layout: Layout, gpu: Gpu, batch: int) -> float:
    """Time one decode step spends talking between GPUs: two all-reduces of the hidden state per layer under
    tensor parallelism (latency plus the ring's 2(t-1)/t share of the message), and one hand-over per
    pipeline-stage boundary (between nodes over the network)."""
    if layout.gpus == 1:
        return 0.0
    data = interconnect()
    fabric = link(gpu)
    seconds = 0.0
    if layout.tensor > 1:
        message = arch.hidden_size * batch * 2  # bf16 hidden state of each sequence
        ring = 2 * (layout.tensor - 1) / layout.tensor * message / (fabric.gb_s * 1e9)
        seconds += 2 * arch.layers * (fabric.allreduce_latency_us * 1e-6 + ring)
    boundaries = layout.pipeline - 1
    between_nodes = layout.nodes - 1
    seconds += (boundaries - between_nodes) * fabric.pipeline_hop_us * 1e-6
    seconds += between_nodes * data.inter_node_hop_us * 1e-6
    return seconds


def decode_tokens_per_s(
    read_bytes_per_gpu: float, layout: Layout, arch: Architecture, gpu: Gpu, batch: int, efficiency: float
) -> float:
    """Tokens per second of a decode step on a layout: each pipeline stage in turn reads its GPUs' share
    (the tensor-parallel GPUs of a stage read theirs at the same time), plus communication."""
    reading = layout.pipeline * read_bytes_per_gpu / (efficiency * gpu.memory_bandwidth_gb_s * 1e9)
    return batch / (reading + communication_seconds(arch, layout, gpu, batch))
