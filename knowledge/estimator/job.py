"""What an estimate is asked about (:class:`Job`) and what it answers (:class:`Estimate`).

Figures are computed in bytes; the ``*_gib`` properties show them in GiB (2**30 bytes).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, computed_field

from knowledge.estimator.catalog import Gpu, Model

Task = Literal["inference", "full_finetune", "pretrain", "lora", "qlora"]
Runtime = Literal[
    "transformers", "llama.cpp", "vllm", "sglang", "mlx", "unsloth", "torchtune", "litgpt", "axolotl"
]
Optimizer = Literal["adamw", "adamw_8bit", "sgd", "adafactor"]
ZeroStage = Literal[0, 1, 2, 3]

TASKS: tuple[Task, ...] = ("inference", "full_finetune", "pretrain", "lora", "qlora")
TRAINING_TASKS: frozenset[Task] = frozenset({"full_finetune", "pretrain", "lora", "qlora"})
RUNTIMES: tuple[Runtime, ...] = get_args(Runtime)  # each has a profile in knowledge/data/runtimes.yaml
OPTIMIZERS: tuple[Optimizer, ...] = ("adamw", "adamw_8bit", "sgd", "adafactor")
GIB = 2**30


def to_gib(value: int | float) -> float:
    return round(value / GIB, 3)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Job(_Frozen):
    """A model, a task and a setup. ``None`` fields take the defaults of the task and runtime."""

    model: Model
    task: Task = "inference"
    precision: str | None = None  # weights precision; None: fp16/bf16 inference, mixed bf16 training, nf4 QLoRA
    context_tokens: int | None = None  # None: 4096 (or the model's maximum) for inference, 2048 for training
    batch: int = Field(default=1, ge=1, le=4096)
    runtime: Runtime | None = None  # None: llama.cpp for GGUF, MLX for MLX types, else transformers
    optimizer: Optimizer = "adamw"
    lora_rank: int = Field(default=16, ge=1, le=4096)
    lora_targets: tuple[str, ...] | None = None  # q, k, v, o, gate, up, down; None: the runtime's default
    checkpointing: bool | None = None  # None: the runtime's default (transformers: on for LoRA/QLoRA only)
    # Checkpoints in system RAM (Unsloth's use_gradient_checkpointing="unsloth") rather than on the GPU (True, and
    # every other runtime); None: the runtime's default.
    checkpoint_offload: bool | None = None
    flash_attention: bool = True
    chunked_loss: bool | None = None  # training: chunked cross-entropy vs a plain fp32 loss; None: the runtime's
    kv_precision: str | None = None  # None: the weights' 16-bit type
    # GGUF: the storage type of the output head (and of a tied token embedding), as llama-quantize's
    # --output-tensor-type sets it ("q8_0"); None: the quantizer's default for the precision (Q6_K in most mixes).
    output_tensor_type: str | None = None
    gpu: Gpu | None = None
    gpus: int = Field(default=1, ge=1, le=4096)
    zero_stage: ZeroStage | None = None  # training on several GPUs; None: ZeRO-3 (FSDP full shard)
    training_tokens: int | None = Field(default=None, ge=1)  # for the training time


class Memory(_Frozen):
    """The whole job's memory, by component, in bytes."""

    weights_bytes: int
    kv_cache_bytes: int
    activations_bytes: int
    gradients_bytes: int
    optimizer_bytes: int
    overhead_bytes: int

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern
    @property
    def total_bytes(self) -> int:
        return (
            self.weights_bytes
            + self.kv_cache_bytes
            + self.activations_bytes
            + self.gradients_bytes
            + self.optimizer_bytes
            + self.overhead_bytes
        )

    def gib(self) -> dict[str, float]:
        """Each component in GiB, keyed ``weights_gib`` ... ``total_gib``."""
        return {
            "weights_gib": to_gib(self.weights_bytes),
            "kv_cache_gib": to_gib(self.kv_cache_bytes),
            "activations_gib": to_gib(self.activations_bytes),
            "gradients_gib": to_gib(self.gradients_bytes),
            "optimizer_gib": to_gib(self.optimizer_bytes),
            "overhead_gib": to_gib(self.overhead_bytes),
            "total_gib": to_gib(self.total_bytes),
        }


class Assumption(_Frozen):
    """One assumption of an estimate: a message id of the knowledge catalog and its fields."""

    key: str
    fields: dict[str, str | int | float] = {}


class Estimate(_Frozen):
    """The answer to a :class:`Job`: memory by component, per GPU, system RAM, fit and speed."""

    job: Job  # with every default resolved (precision, context, checkpointing, kv_precision, zero_stage)
    memory: Memory
    per_gpu_bytes: int  # what each GPU holds (equal to the total on one GPU)
    ram_bytes: int  # system RAM the job needs (loading, offload, optimizer on CPU)
    reserved_per_gpu_bytes: int | None = None  # what the runtime takes regardless (vLLM's 90 % pre-allocation)
    fits: bool | None  # None when no GPU was given; True only with the runtime's headroom margin left free
    headroom_bytes: int | None = None  # what each GPU has left (negative: missing), within the runtime's limit
    margin_bytes: int | None = None  # the free memory the runtime needs for a plain "yes"
    unsupported: str | None = None  # why the runtime cannot run this precision on this GPU (a reason key)
    host_weights_bytes: int = 0  # weights the runtime keeps in system RAM (llama.cpp's token embedding)
    tokens_per_s: float | None = None  # decode, inference only
    prefill_tokens_per_s: float | None = None
    training_hours: float | None = None  # when training_tokens is given
    bound: Literal["memory_bandwidth", "compute"] | None = None
    assumptions: tuple[Assumption, ...] = ()

    @property
    def total_gib(self) -> float:
        return to_gib(self.memory.total_bytes)

    @property
    def tight(self) -> bool:
        """It fits the GPU, but with less free memory than the runtime's margin."""
        return (
            self.unsupported is None
            and self.headroom_bytes is not None
            and self.margin_bytes is not None
            and 0 <= self.headroom_bytes < self.margin_bytes
        )

    @property
    def headroom_gib(self) -> float | None:
        return None if self.headroom_bytes is None else to_gib(self.headroom_bytes)

    @property
    def per_gpu_gib(self) -> float:
        return to_gib(self.per_gpu_bytes)

    @property
    def ram_gib(self) -> float:
        return to_gib(self.ram_bytes)
