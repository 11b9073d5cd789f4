"""Runtime profiles (``knowledge/data/runtimes.yaml``): what each engine or training framework accepts, how it
spends memory beyond the weights, the headroom it needs, and where each precision runs.

Validated by pydantic at load: every precision, KV type and ladder step a profile names must exist, and a
bad file fails with a message naming the runtime and the field.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledge.errors import CatalogError
from knowledge.estimator.catalog import Backend, Gpu
from knowledge.estimator.data_files import cached
from knowledge.folding import name_key

_DATA = Path(__file__).parent.parent / "data" / "runtimes.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Headroom(_Frozen):
    margin_gib: float = Field(ge=0)
    margin_share: float = Field(ge=0, lt=1)


class InferenceRules(_Frozen):
    activations: Literal["prefill", "compute_buffer", "chunked"]
    prefill_chunk_tokens: int | None = Field(default=None, gt=0)
    ubatch_tokens: int | None = Field(default=None, gt=0)
    dequantize_layer: bool = False
    awq_fused_cache_tokens: int | None = Field(default=None, gt=0)
    token_embd_on_cpu: bool = False
    multi_gpu: Literal["tensor", "layers"]
    preallocate: Literal["none", "utilization", "static_fraction"] = "none"
    utilization: float | None = Field(default=None, gt=0, le=1)
    cuda_graphs_gib: float = Field(default=0.0, ge=0)
    reserved_base_mib: int | None = Field(default=None, ge=0)
    cuda_graph_max_bs: int | None = Field(default=None, ge=0)


class TrainingRules(_Frozen):
    checkpointing_full: bool
    checkpointing_adapters: bool
    checkpoint_offload: bool
    loss_kept_bytes: float = Field(ge=0)
    loss_peak_bytes: float = Field(ge=0)
    loss_chunks: int = Field(gt=0)
    kbit_fp32_upcast: bool
    lora_targets: tuple[Literal["q", "k", "v", "o", "gate", "up", "down"], ...] = Field(min_length=1)


class Speed(_Frozen):
    decode_efficiency: float = Field(gt=0, le=1)
    prefill_efficiency: float = Field(gt=0, le=1)
    training_mfu: float = Field(ge=0, le=1)


class Ladder(_Frozen):
    inference: tuple[str, ...] = ()
    lossy: tuple[str, ...] = ()
    kv: tuple[str, ...] = ()
    leave_for: str | None = None  # the runtime a step may switch to, always said in the answer


class Profile(_Frozen):
    """One runtime's declaration."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    tasks: tuple[Literal["inference", "full_finetune", "pretrain", "lora", "qlora"], ...]
    precision_kinds: tuple[Literal["float", "fp8", "bnb", "gptq", "gguf", "mlx"], ...]
    kv_types: tuple[str, ...]
    backends: tuple[Backend, ...]
    min_compute_capability: float | None = None
    cuda_context_gib: float = Field(ge=0)
    allocator_reserve_share: float = Field(ge=0, lt=1)
    headroom: Headroom
    inference: InferenceRules | None = None
    training: TrainingRules | None = None
    speed: Speed
    ladder: Ladder = Ladder()
    sources: tuple[str, ...]

    @property
    def trains(self) -> bool:
        return self.training is not None


class Support(_Frozen):
    backends: tuple[Backend, ...]
    min_cc: float | None = None
    needs: Literal["fp8"] | None = None


class RuntimeTable(_Frozen):
    runtimes: tuple[Profile, ...]
    support: dict[str, Support]


def _check(table: RuntimeTable) -> None:
    from knowledge.estimator.precision import KV_IDS, PRECISION_IDS

    ids = {p.id for p in table.runtimes}
    for p in table.runtimes:
        where = f"runtimes.yaml: runtime {p.id!r}"
        for kv in p.kv_types:
            if kv not in KV_IDS:
                raise CatalogError(f"{where}, field 'kv_types': unknown KV type {kv!r}.")
        for step in (*p.ladder.inference, *p.ladder.lossy):
            if step not in PRECISION_IDS:
                raise CatalogError(f"{where}, field 'ladder': unknown precision {step!r}.")
        for kv in p.ladder.kv:
            if kv not in p.kv_types:
                raise CatalogError(f"{where}, field 'ladder.kv': {kv!r} is not in its kv_types.")
        if p.ladder.leave_for is not None and p.ladder.leave_for not in ids:
            raise CatalogError(f"{where}, field 'ladder.leave_for': no runtime {p.ladder.leave_for!r}.")
        if "inference" in p.tasks and p.inference is None:
            raise CatalogError(f"{where}: it runs inference but declares no 'inference' rules.")
        if set(p.tasks) - {"inference"} and p.training is None:
            raise CatalogError(f"{where}: it trains but declares no 'training' rules.")
        rules = p.inference
        if rules is not None and rules.preallocate == "utilization" and rules.utilization is None:
            raise CatalogError(f"{where}, field 'inference.utilization': needed by preallocate: utilization.")


@functools.cache
def table() -> RuntimeTable:
    """The runtime profiles, validated once (then read from the cache keyed by the file's hash)."""
    return cached([_DATA, Path(__file__)], _read_table, kind="runtimes")


def _read_table() -> RuntimeTable:
    import yaml  # here, not at the top: a start from the cache reads no YAML

    try:
        raw: Any = yaml.load(_DATA.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        loaded = RuntimeTable.model_validate(raw)
    except (OSError, yaml.YAMLError) as error:
        raise CatalogError(f"runtimes.yaml: cannot read it ({error}). Fix the file.") from error
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise CatalogError(f"runtimes.yaml: field {location!r}: {first['msg']}. Fix that field.") from error
    _check(loaded)
    return loaded


def profiles() -> tuple[Profile, ...]:
    return table().runtimes


RUNTIME_IDS: tuple[str, ...] = tuple(p.id for p in profiles())


@functools.cache
def _by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for p in profiles():
        for name in (p.id, p.name, *p.aliases):
            names.setdefault(name_key(name), p.id)
    return names


def runtime_id(name: str) -> str | None:
    """The runtime a name refers to ("ollama" is llama.cpp, "HF" transformers), or None."""
    return _by_name().get(name_key(name))


@functools.cache
def profile(runtime: str) -> Profile:
    return next(p for p in profiles() if p.id == runtime)


# --- what a GPU can do: the catalog's capability fields (knowledge/data/gpus.yaml, each with its source) -----


def backend(gpu: Gpu) -> Backend:
    return gpu.backend


def compute_capability(gpu: Gpu) -> float | None:
    """NVIDIA compute capability (7.0 for a V100); None for other vendors."""
    return float(gpu.compute_capability) if gpu.compute_capability else None


def has_bf16(gpu: Gpu) -> bool:
    return gpu.bf16


def has_fp8(gpu: Gpu) -> bool:
    return gpu.fp8


def has_flash_attention_2(gpu: Gpu) -> bool:
    return gpu.flash_attention_2


def trains_well(gpu: Gpu) -> bool:
    """A card to recommend for training: matrix units, native bf16, and PyTorch's first-class backends."""
    return gpu.tensor_cores and gpu.bf16 and gpu.backend in ("cuda", "rocm")


def short_name(gpu: Gpu) -> str:
    """ "NVIDIA V100 16GB" → "V100", "GeForce RTX 2080 Ti" → "RTX 2080 Ti": the name people say."""
    words = [w for w in gpu.name.split() if w not in ("NVIDIA", "GeForce", "AMD", "Intel", "Tesla")]
    if len(words) > 1 and words[-1].upper().endswith("GB") and words[-1][:-2].isdigit():
        words = words[:-1]
    return " ".join(words) or gpu.name


def _support(precision_id: str, kind: str, runtime: str) -> Support | None:
    rules = table().support
    for key in (f"{precision_id}@{runtime}", precision_id, f"{kind}@{runtime}", kind):
        if key in rules:
            return rules[key]
    return None


def unsupported(runtime: str, precision_id: str, kind: str, gpu: Gpu | None) -> str | None:
    """Why ``runtime`` cannot run ``precision_id`` on ``gpu`` (a short reason key), or None when it can."""
    rules = profile(runtime)
    if kind not in rules.precision_kinds:
        return "runtime_precision"
    if gpu is None or gpu.id == "budget":  # a bare memory budget: no hardware to check
        return None
    where = backend(gpu)
    if where not in rules.backends:
        return "runtime_backend"
    cc = compute_capability(gpu)
    if where == "cuda" and cc is not None and rules.min_compute_capability and cc < rules.min_compute_capability:
        return "runtime_old_gpu"
    support = _support(precision_id, kind, runtime)
    if support is None or where not in support.backends:
        return "precision_backend"
    if where == "cuda" and cc is not None and support.min_cc is not None and cc < support.min_cc:
        return "precision_old_gpu"
    if support.needs == "fp8" and not has_fp8(gpu):
        return "precision_no_fp8"
    return None


def margin_bytes(runtime: str, usable_bytes: int) -> int:
    """Memory a job must leave free on each GPU to get a plain "yes" under this runtime."""
    room = profile(runtime).headroom
    return int(max(room.margin_gib * 2**30, room.margin_share * usable_bytes))
