"""Runtime profiles: each runtime's distinctive rule, with its expected value worked out by hand.

Architecture figures of Llama 3 / 3.1 8B (estimators.md §f): 32 layers, hidden 4,096, FFN 14,336, 32 heads,
8 KV heads, head_dim 128, vocabulary 128,256, untied embeddings; 8,030,261,248 parameters.
"""

from __future__ import annotations

import pytest

from knowledge import CatalogError, Job, load_catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.runtimes import RuntimeTable, _check, profile, runtime_id, table

GIB = 2**30
MIB = 2**20
EMBEDDING = 128_256 * 4_096  # 525,336,576 parameters, and the same again for the untied head
NORMS = 32 * 2 * 4_096 + 4_096  # two RMSNorms per layer and the final one: 266,240


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def job(catalog, model: str = "Llama 3.1 8B", **fields) -> Job:
    gpu = fields.pop("gpu", None)
    return Job(model=catalog.find_model(model), gpu=catalog.find_gpu(gpu) if gpu else None, **fields)


def test_every_runtime_named_in_the_issue_has_a_profile_and_ollama_is_llama_cpp():
    ids = {p.id for p in table().runtimes}
    assert ids == {"transformers", "llama.cpp", "vllm", "sglang", "mlx", "unsloth", "torchtune", "litgpt", "axolotl"}
    assert runtime_id("Ollama") == "llama.cpp" and runtime_id("LM Studio") == "llama.cpp"
    assert all(p.sources for p in table().runtimes)


def test_a_profile_naming_an_unknown_precision_is_refused_with_its_runtime_named():
    raw = table().model_dump()
    raw["runtimes"][2]["ladder"]["inference"] = ["fp8", "int3"]
    with pytest.raises(CatalogError, match=r"vllm.*ladder.*int3"):
        _check(RuntimeTable.model_validate(raw))


def test_transformers_qlora_keeps_embeddings_head_and_norms_in_fp32(catalog):
    """PEFT's prepare_model_for_kbit_training casts every non-quantized parameter to fp32: 2 more bytes each
    than Unsloth, which keeps them in 16-bit. (2 x 525,336,576 + 266,240) x 2 = 2,101,878,784 bytes."""
    hf = estimate(job(catalog, task="qlora", runtime="transformers", lora_targets=("q", "v")))
    unsloth = estimate(job(catalog, task="qlora", runtime="unsloth", lora_targets=("q", "v")))
    assert hf.memory.weights_bytes - unsloth.memory.weights_bytes == (2 * EMBEDDING + NORMS) * 2


def test_every_fine_tuning_stack_checkpoints_by_default(catalog):
    """TRL's SFTConfig (training with transformers) sets gradient_checkpointing=True, unlike TrainingArguments;
    torchtune's configs and Axolotl's enable it too."""
    assert estimate(job(catalog, task="full_finetune", runtime="transformers")).job.checkpointing is True
    assert estimate(job(catalog, task="full_finetune", runtime="torchtune")).job.checkpointing is True
    assert estimate(job(catalog, task="full_finetune", runtime="axolotl")).job.checkpointing is True


def test_llama_cpp_keeps_the_token_embedding_in_system_ram(catalog):
    """Q4_K_M stores token_embd in Q4_K (144 bytes per 256 weights = 4.5 bits): 525,336,576 x 4.5 / 8 =
    295,501,824 bytes = 281.81 MiB, the "CPU buffer size = 281.81 MiB" of the llama-cpp-python log
    (developer0hye/llama-3-korean-bllossom-8b-q4-docker README)."""
    result = estimate(job(catalog, "Llama 3 8B", precision="q4_k_m", runtime="llama.cpp"))
    assert result.host_weights_bytes == 295_501_824
    assert round(result.host_weights_bytes / MIB, 2) == 281.81


def test_llama_cpp_wants_one_gib_free(catalog):
    """--fit keeps --fit-target 1024 MiB free per device (tools/server/README.md)."""
    result = estimate(job(catalog, precision="q4_k_m", runtime="llama.cpp", gpu="RTX 4060"))
    assert result.margin_bytes == 1024 * MIB


def test_vllm_takes_ninety_percent_of_the_card(catalog):
    """gpu_memory_utilization = 0.9 of the memory CUDA reports (vllm/config/cache.py), whatever the model needs."""
    gpu = catalog.find_gpu("A100 80GB")
    result = estimate(job(catalog, runtime="vllm", gpu="A100 80GB"))
    assert result.reserved_per_gpu_bytes == int(0.9 * gpu.usable_memory_bytes)
    assert result.headroom_bytes == int(0.9 * gpu.usable_memory_bytes) - result.per_gpu_bytes


def test_sglang_keeps_a_reserve_for_activations_and_graphs(catalog):
    """server_args.py (#10975): reserved = 512 + 1.5 x max(2048, 2048) + 2 x 24 = 3,632 MiB on a 24 GiB card, so
    mem_fraction_static leaves what CUDA reports minus 3,632 MiB for the weights and the KV pool."""
    gpu = catalog.find_gpu("RTX 4090")
    result = estimate(job(catalog, runtime="sglang", gpu="RTX 4090"))
    assert result.reserved_per_gpu_bytes == gpu.usable_memory_bytes - 3_632 * MIB


def test_mlx_four_bit_is_four_and_a_half_bits_and_runs_only_on_apple(catalog):
    """MLX affine 4-bit, groups of 64 with a 16-bit scale and bias: 4 + 32/64 = 4.5 bits for every weight but
    the norms (MLX docs, mlx.core.quantize): 8,029,995,008 x 4.5 / 8 + 266,240 x 2 = 4,517,404,672 bytes."""
    mac = estimate(job(catalog, runtime="mlx", gpu="Apple M2 Max (64 GB)"))
    assert mac.job.precision == "mlx_4bit"
    assert mac.memory.weights_bytes == 4_517_404_672
    assert mac.fits is True
    cuda = estimate(job(catalog, runtime="mlx", gpu="RTX 4090"))
    assert cuda.fits is False and cuda.unsupported == "runtime_backend"


def test_unsloth_offloads_checkpoints_to_ram_and_fuses_the_loss(catalog):
    """use_gradient_checkpointing="unsloth" keeps the 32 layer inputs (32 x 2048 x 4096 x 2 = 536,870,912 bytes)
    in system RAM; the fused loss keeps only the 16-bit logits, 2048 x 128,256 x 2 = 525,336,576 bytes, larger
    than one recomputed layer (167,936 x 2048 = 343,932,928 bytes)."""
    unsloth = estimate(job(catalog, task="lora", runtime="unsloth"))
    torchtune = estimate(job(catalog, task="lora", runtime="torchtune"))
    assert unsloth.memory.activations_bytes == 525_336_576
    assert unsloth.ram_bytes - torchtune.ram_bytes == 536_870_912


def test_litgpt_adapts_query_and_value_only(catalog):
    """LitGPT's defaults (lora_query, lora_value): rank 16 x (4096 + 4096 + 4096 + 1024) x 32 layers = 6,815,744."""
    result = estimate(job(catalog, task="lora", runtime="litgpt"))
    assert result.job.lora_targets == ("q", "v")
    assert result.job.checkpointing is False
    assert any(a.key == "assume.lora" and a.fields["trained_m"] == 6.8 for a in result.assumptions)


def test_inference_runtimes_do_not_train(catalog):
    from knowledge import InvalidQuery

    with pytest.raises(InvalidQuery, match="vLLM does not train"):
        estimate(job(catalog, task="lora", runtime="vllm"))


def test_gpus_without_bf16_train_in_fp16_mixed_precision(catalog):
    """V100 (compute capability 7.0) has no bf16: mixed precision is fp16 with loss scaling, the same 16 bytes
    per parameter (runtimes.md §6: HF TrainingArguments(bf16=True) refuses pre-Ampere GPUs)."""
    v100 = estimate(job(catalog, "Llama 3.2 1B", task="full_finetune", gpu="V100 32GB"))
    a100 = estimate(job(catalog, "Llama 3.2 1B", task="full_finetune", gpu="A100 80GB"))
    assert (v100.job.precision, a100.job.precision) == ("mixed_fp16", "mixed")
    assert v100.memory.optimizer_bytes == a100.memory.optimizer_bytes
    assert profile("transformers").training is not None


def test_pytorch_runtimes_want_half_a_gib_or_five_percent_free(catalog):
    """transformers' margin is max(0.5 GiB, 5 % of usable memory): on an 8 GiB RTX 4060 (7.75 GiB usable) 5 % is
    0.39 GiB, so 0.5 GiB; on an A100 80GB (78.8 GiB usable, ECC on) 5 % is 3.94 GiB."""
    small = estimate(job(catalog, "Llama 3.2 1B", gpu="RTX 4060"))
    assert small.margin_bytes == GIB // 2
    a100 = catalog.find_gpu("A100 80GB")
    big = estimate(job(catalog, "Llama 3.2 1B", gpu="A100 80GB"))
    assert big.margin_bytes == int(0.05 * a100.usable_memory_bytes)
    assert round(big.margin_bytes / GIB, 2) == round(0.05 * a100.usable_memory_gib, 2)
