"""`vrambot estimate MODEL [options]`: the memory breakdown and speed of one setup."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click

from bot.sources.resolve import model_argument
from knowledge.errors import KnowledgeError
from knowledge.estimator.catalog import load_catalog
from knowledge.estimator.estimate import estimate as run_estimate
from knowledge.estimator.estimate import lora_targets as parse_lora_targets
from knowledge.estimator.job import OPTIMIZERS, RUNTIMES, TASKS, Estimate, Job, to_gib
from knowledge.estimator.runtimes import runtime_id

EXIT_USAGE = 2


def fail(message: str) -> NoReturn:
    """Print a one-line error (problem and fix) and exit with status 2, never a traceback."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _positive(name: str, value: int | None, maximum: int) -> None:
    if value is not None and not 0 < value <= maximum:
        fail(f"--{name} must be between 1 and {maximum:,}; got {value}. Pass a positive number.")


def build_job(
    model: str,
    *,
    task: str = "inference",
    precision: str | None = None,
    context: int | None = None,
    batch: int = 1,
    gpu: str | None = None,
    gpus: int = 1,
    runtime: str | None = None,
    optimizer: str = "adamw",
    lora_rank: int = 16,
    lora_targets: str | None = None,
    checkpointing: bool | None = None,
    flash_attention: bool = True,
    chunked_loss: bool | None = None,
    kv_precision: str | None = None,
    zero: int | None = None,
    training_tokens: int | None = None,
    checkpoint_offload: bool | None = None,
    output_tensor_type: str | None = None,
) -> Job:
    """A Job from command-line values; raises KnowledgeError for unknown names or bad values."""
    catalog = load_catalog()
    fields: dict[str, Any] = {
        "model": model_argument(model),
        "task": task,
        "precision": precision,
        "context_tokens": context,
        "batch": batch,
        "runtime": runtime_id(runtime) if runtime else None,
        "optimizer": optimizer,
        "lora_rank": lora_rank,
        "lora_targets": parse_lora_targets(lora_targets) if lora_targets else None,
        "checkpointing": checkpointing,
        "flash_attention": flash_attention,
        "chunked_loss": chunked_loss,
        "checkpoint_offload": checkpoint_offload,
        "output_tensor_type": output_tensor_type,
        "kv_precision": kv_precision,
        "gpu": catalog.find_gpu(gpu) if gpu else None,
        "gpus": gpus,
        "zero_stage": zero,
        "training_tokens": training_tokens,
    }
    return Job(**fields)


def to_json(result: Estimate) -> dict[str, Any]:
    """The estimate as the JSON object `vrambot estimate --json` prints."""
    job = result.job
    gpu = job.gpu
    from knowledge.answering.assumptions import assumption_lines

    memory = result.memory.gib()
    memory["per_gpu_gib"] = result.per_gpu_gib
    memory["ram_gib"] = result.ram_gib
    return {
        "model": {"id": job.model.id, "name": job.model.name, "params_b": round(job.model.params_b, 3)},
        "task": job.task,
        "precision": job.precision,
        "context": job.context_tokens,
        "batch": job.batch,
        "runtime": job.runtime,
        "optimizer": job.optimizer if job.task != "inference" else None,
        "memory": memory,
        "gpu": None if gpu is None else {"id": gpu.id, "name": gpu.name, "vram_gib": gpu.memory_gib, "count": job.gpus},
        "gpus": job.gpus,
        "fits": result.fits,
        "tight": result.tight,
        "host_weights_gib": to_gib(result.host_weights_bytes),  # weights the runtime keeps in system RAM
        "headroom_gib": result.headroom_gib,
        "margin_gib": None if result.margin_bytes is None else to_gib(result.margin_bytes),
        "cannot_run": result.unsupported,
        "lora_targets": list(job.lora_targets) if job.lora_targets else None,
        "reserved_per_gpu_gib": None
        if result.reserved_per_gpu_bytes is None
        else to_gib(result.reserved_per_gpu_bytes),
        "tokens_per_s": result.tokens_per_s,
        "prefill_tokens_per_s": result.prefill_tokens_per_s,
        "training_hours": result.training_hours,
        "assumptions": assumption_lines(result, "en"),
    }


def _print(result: Estimate) -> None:
    from rich.console import Console
    from rich.table import Table

    from knowledge.answering.assumptions import assumption_lines

    data = to_json(result)
    job = result.job
    console = Console()
    title = f"{job.model.name}: {job.task} in {job.precision} ({job.runtime})"
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("component")
    table.add_column("GiB", justify="right")
    labels = {
        "weights_gib": "weights",
        "kv_cache_gib": "KV cache",
        "activations_gib": "activations",
        "gradients_gib": "gradients",
        "optimizer_gib": "optimizer states",
        "overhead_gib": "overhead (CUDA context, allocator)",
    }
    for key, label in labels.items():
        if data["memory"][key]:
            table.add_row(label, f"{data['memory'][key]:.2f}")
    table.add_row("[bold]total[/bold]", f"[bold]{data['memory']['total_gib']:.2f}[/bold]")
    if job.gpus > 1:
        table.add_row(f"per GPU (x{job.gpus})", f"{data['memory']['per_gpu_gib']:.2f}")
    table.add_row("system RAM", f"{data['memory']['ram_gib']:.2f}")
    console.print(table)
    if job.gpu is not None:
        verdict = "fits" if result.fits else "does NOT fit"
        if result.unsupported:
            verdict = "cannot run there (see the assumptions)"
        elif result.tight:
            verdict = f"only just fits ({result.headroom_gib:g} GiB left, below the runtime's margin)"
        console.print(f"{job.gpu.name} ({job.gpu.usable_memory_gib:g} GiB usable): {verdict}")
    if result.tokens_per_s is not None:
        console.print(f"decode ≈ {result.tokens_per_s:g} tokens/s, prefill ≈ {result.prefill_tokens_per_s:g} tokens/s")
    if result.training_hours is not None:
        console.print(f"training time ≈ {result.training_hours:g} hours")
    console.print("Assumptions: " + "; ".join(assumption_lines(result, "en")), style="dim")


@click.command()
@click.argument("model")
@click.option("--task", type=click.Choice(TASKS), default="inference", show_default=True)
@click.option("--precision", help="fp16, bf16, fp32, fp8, int8, nf4, nf4_dq, gptq, awq, q4_k_m, ... or mixed.")
@click.option("--context", type=int, help="Tokens of context (training: sequence length).")
@click.option("--batch", type=int, default=1, show_default=True, help="Sequences at once (training: micro-batch).")
@click.option("--gpu", help="A GPU from `vrambot gpus`.")
@click.option("--gpus", type=int, default=1, show_default=True, help="Split the job over this many GPUs.")
@click.option(
    "--runtime",
    type=click.Choice([*RUNTIMES, "ollama"], case_sensitive=False),
    help="transformers (PEFT/TRL when training), llama.cpp (alias ollama), vllm, sglang, mlx, unsloth, torchtune, "
    "litgpt, axolotl. Default: llama.cpp for GGUF types, mlx for MLX types, else transformers.",
)
@click.option("--optimizer", type=click.Choice(OPTIMIZERS), default="adamw", show_default=True)
@click.option("--lora-rank", type=int, default=16, show_default=True)
@click.option("--lora-targets", help="LoRA targets: all, attention, or a list such as q,v (default: the runtime's).")
@click.option(
    "--checkpointing/--no-checkpointing", default=None, help="Activation checkpointing (default: on for LoRA/QLoRA)."
)
@click.option("--flash-attention/--no-flash-attention", default=True, show_default=True)
@click.option(
    "--chunked-loss/--no-chunked-loss", default=None, help="Training: chunked cross-entropy (default: the runtime's)."
)
@click.option(
    "--checkpoint-offload/--no-checkpoint-offload",
    default=None,
    help="Training: keep activation checkpoints in system RAM (default: the runtime's; Unsloth does).",
)
@click.option(
    "--output-tensor-type",
    help="GGUF: storage type of the output head and a tied embedding, as llama-quantize sets it (e.g. q8_0).",
)
@click.option("--kv-precision", help="fp16, bf16, fp8, q8_0, q4_0 (default: 16-bit).")
@click.option("--zero", type=click.IntRange(0, 3), help="ZeRO stage when training on several GPUs (default 3).")
@click.option("--training-tokens", type=int, help="Tokens to train on, for the training time.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def estimate(
    model: str,
    task: str,
    precision: str | None,
    context: int | None,
    batch: int,
    gpu: str | None,
    gpus: int,
    runtime: str | None,
    optimizer: str,
    lora_rank: int,
    lora_targets: str | None,
    checkpointing: bool | None,
    flash_attention: bool,
    chunked_loss: bool | None,
    checkpoint_offload: bool | None,
    output_tensor_type: str | None,
    kv_precision: str | None,
    zero: int | None,
    training_tokens: int | None,
    as_json: bool,
) -> None:
    """Estimate the memory (and speed, with --gpu) of MODEL for a task."""
    _positive("context", context, 10_000_000)
    _positive("batch", batch, 4096)
    _positive("gpus", gpus, 4096)
    _positive("lora-rank", lora_rank, 4096)
    _positive("training-tokens", training_tokens, 10**15)
    try:
        job = build_job(
            model,
            task=task,
            precision=precision,
            context=context,
            batch=batch,
            gpu=gpu,
            gpus=gpus,
            runtime=runtime,
            optimizer=optimizer,
            lora_rank=lora_rank,
            lora_targets=lora_targets,
            checkpointing=checkpointing,
            flash_attention=flash_attention,
            chunked_loss=chunked_loss,
            checkpoint_offload=checkpoint_offload,
            output_tensor_type=output_tensor_type,
            kv_precision=kv_precision,
            zero=zero,
            training_tokens=training_tokens,
        )
        result = run_estimate(job)
    except KnowledgeError as error:
        fail(str(error))
    if as_json:
        click.echo(json.dumps(to_json(result), ensure_ascii=False, indent=2))
    else:
        _print(result)
