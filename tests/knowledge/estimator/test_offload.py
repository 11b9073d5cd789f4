"""Offload to system RAM: llama.cpp layers, MoE experts and DeepSpeed ZeRO-Offload, only when RAM is stated."""

from __future__ import annotations

import pytest

from knowledge import Job, ask, load_catalog
from knowledge.estimator.verdicts import assess

CATALOG = load_catalog()
GIB = 2**30
GB = 1e9


def job(model: str, gpu: str, **fields: object) -> Job:
    return Job(model=CATALOG.find_model(model), gpu=CATALOG.find_gpu(gpu), **fields)  # type: ignore[arg-type]


def test_qwen3_moe_on_a_12_gb_card_keeps_experts_in_ram() -> None:
    """Qwen3 30B-A3B at Q4_K_M is ~18.5 GB (30.5 B × ~4.85 bits), more than 12 GiB; its routed experts are
    48 × 128 × 3 × 2,048 × 768 = 29.0 B parameters, so attention, head and KV fit the GPU and the experts of
    some blocks go to RAM. Speed lies between reading all 3.3 B active parameters (~2.0 GB) from RAM,
    0.65 × 89.6 / 2.0 = 29 tok/s, and from the GPU, 0.65 × 360 / 2.0 = 117 tok/s."""
    fit = assess(job("Qwen3 30B-A3B", "RTX 3060 12GB"), 64 * GIB)
    assert fit.verdict == "with_changes" and fit.change is not None and fit.change.offload is not None
    plan = fit.change.offload
    assert plan.kind == "experts" and fit.change.job.precision == "q4_k_m"
    assert plan.gpu_bytes <= 11 * GIB  # 12 GiB less llama.cpp's 1,024 MiB --fit margin
    assert plan.ram_bytes <= 64 * GIB
    assert 29 < (fit.change.estimate.tokens_per_s or 0) < 117


def test_a_70b_on_one_24_gb_card_offloads_layers() -> None:
    """Llama 3.1 70B Q4_K_M on an RTX 4090: a block is (42.47 − 0.59 embeddings − 0.86 head) GB / 80 =
    0.513 GB plus 1.342 GB / 80 = 0.017 GB of KV = 0.530 GB. GPU room: 25.77 GB − 1.07 margin − 0.54 CUDA
    context − ~0.35 compute buffer − 0.86 head ≈ 22.95 GB → 43 blocks. A token reads 0.86 + 43 × 0.530 =
    23.6 GB at llama.cpp's 89.5 % of 1,008 GB/s (26 ms), 37 × 0.530 = 19.6 GB at 65 % of 89.6 GB/s (336 ms) and
    llama.cpp's 96 µs × 80 layers (7.7 ms): 2.7 tok/s."""
    fit = assess(job("Llama 3.1 70B", "RTX 4090"), 64 * GIB)
    assert fit.change is not None and fit.change.offload is not None
    assert fit.change.offload.kind == "layers"
    assert 42 <= fit.change.offload.gpu_layers <= 44
    seconds = (0.862 + 43 * 0.5295) * GB / (0.895 * 1008 * GB) + 37 * 0.5295 * GB / (0.65 * 89.6 * GB) + 80 * 96e-6
    assert fit.change.estimate.tokens_per_s == pytest.approx(1 / seconds, rel=0.05)


def test_no_offload_without_stated_ram() -> None:
    fit = assess(job("Llama 3.1 70B", "RTX 4090"))
    assert fit.change is None or fit.change.kind != "offload"


def test_full_fine_tune_offloads_optimizer_states_when_ram_allows() -> None:
    """DeepSpeed ZeRO-Offload on one GPU: RAM = P × max(4, 16) × 1.5 = 8,030,261,248 × 24 = 192.7 GB (+ the
    2 GiB process); GPU = 2 × P = 16.1 GB of bf16 weights plus activations. 256 GiB of RAM holds it, 128 GiB
    (137.4 GB) does not, and LoRA is next."""
    fit = assess(job("Llama 3.1 8B", "RTX 4090", task="full_finetune"), 256 * GIB)
    assert fit.change is not None and fit.change.offload is not None
    assert fit.change.offload.ram_bytes == pytest.approx(8_030_261_248 * 24 + 2 * GIB, rel=1e-6)
    smaller = assess(job("Llama 3.1 8B", "RTX 4090", task="full_finetune"), 128 * GIB)
    assert smaller.change is not None and smaller.change.kind == "lora"


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("can I run qwen3 30b-a3b on an rtx 3060 with 64gb of ram", ("--n-cpu-moe", "tokens/s", "GiB of RAM")),
        ("¿Puedo correr Qwen3 30B-A3B en una RTX 3060 con 64 gigas de RAM?", ("--n-cpu-moe", "tokens/s", "de RAM")),
        ("¿Puedo correr Llama 3.1 70B en una 4090 con 64 gigas de RAM?", ("-ngl", "RAM del sistema")),
    ],
)
def test_the_offload_is_a_with_changes_answer_with_its_speed(question: str, words: tuple[str, ...]) -> None:
    reply = ask(question)
    assert reply.verdict == "with_changes"
    assert reply.suggestion is not None and all(w in reply.suggestion for w in words)


def test_a_no_without_stated_ram_says_what_offload_would_need() -> None:
    """The verdict stays "no" (the GPU alone cannot), and the answer adds the llama.cpp offload with the RAM it
    needs: 70B Q4_K_M keeps ~37 of 80 blocks (37 × 0.53 GB ≈ 19.6 GB) plus 0.59 GB of embeddings in RAM."""
    reply = ask("can a 4090 run Llama 3.1 70B?")
    assert reply.verdict == "no"
    assert "of system RAM to spare" in reply.text and "-ngl" in reply.text
    es = ask("¿Puede una 4090 correr Llama 3.1 70B?")
    assert "de RAM del sistema libres" in es.text
