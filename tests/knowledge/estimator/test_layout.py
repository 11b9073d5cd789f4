"""Deployable multi-GPU layouts: tensor degrees that divide the heads, nodes of 8, llama.cpp's layer split,
training savers before more GPUs, and decode speeds that pay for communication."""

from __future__ import annotations

import pytest

from knowledge import Job, ask, load_catalog
from knowledge.estimator import layout as lay
from knowledge.estimator.estimate import estimate
from knowledge.estimator.verdicts import gpus_needed

CATALOG = load_catalog()
GB = 1e9


def job(model: str, gpu: str | None = None, **fields: object) -> Job:
    return Job(model=CATALOG.find_model(model), gpu=CATALOG.find_gpu(gpu) if gpu else None, **fields)  # type: ignore[arg-type]


class TestTensorDegrees:
    def test_degrees_divide_the_heads_and_stay_in_one_node(self) -> None:
        """Llama 3 70B: 64 heads, 8 KV heads → 1, 2, 4, 8 (3, 5, 6, 7 do not divide 64; 16 leaves the node)."""
        assert lay.tensor_degrees(CATALOG.find_model("Llama 3 70B").architecture) == (1, 2, 4, 8)

    def test_ninety_six_heads_allow_three_and_six(self) -> None:
        """GPT-3 175B: 96 heads (= KV heads) → divisors of 96 up to 8: 1, 2, 3, 4, 6, 8."""
        assert lay.tensor_degrees(CATALOG.find_model("GPT-3 175B").architecture) == (1, 2, 3, 4, 6, 8)

    def test_sixteen_gpus_are_two_nodes_of_tensor_8_by_pipeline_2(self) -> None:
        layout = lay.inference_layout(CATALOG.find_model("Llama 3.1 405B").architecture, "vllm", 16)
        assert (layout.tensor, layout.pipeline, layout.nodes) == (8, 2, 2)

    def test_llama_cpp_splits_layers(self) -> None:
        layout = lay.inference_layout(CATALOG.find_model("Llama 3 70B").architecture, "llama.cpp", 2)
        assert (layout.split, layout.tensor, layout.pipeline) == ("layer", 1, 2)

    def test_each_runtime_profile_says_how_it_splits(self) -> None:
        """LitGPT's multi-GPU generation (generate/sequentially.py) and MLX give each GPU whole layers like
        llama.cpp; vLLM and SGLang use tensor parallelism: 64 heads over 2 GPUs is tensor 2."""
        arch = CATALOG.find_model("Llama 3 70B").architecture
        for runtime in ("litgpt", "mlx", "llama.cpp"):
            assert (lay.inference_layout(arch, runtime, 2).split, lay.inference_layout(arch, runtime, 2).tensor) == (
                "layer",
                1,
            ), runtime
        for runtime in ("vllm", "sglang", "transformers"):
            assert lay.inference_layout(arch, runtime, 2).tensor == 2, runtime

    def test_deployable_counts_skip_what_no_engine_runs(self) -> None:
        """A 64-head model: 1, 2, 4, 8 in one node, then whole nodes 16, 24, 32 (never 9, 10, 11 or 17)."""
        counts = list(lay.deployable_counts(CATALOG.find_model("Llama 3 70B").architecture, "vllm", False, 32))
        assert counts == [1, 2, 4, 8, 16, 24, 32]


class TestDecodeSpeed:
    def test_two_3090s_with_llama_cpp_are_no_faster_than_one(self) -> None:
        """70B Q4_K_M on 2 × RTX 3090 (llama.cpp layer split): each token reads the 42.47 GB of weights less the
        token embedding llama.cpp keeps in RAM (128,256 × 8,192 × 4.5 bits / 8 = 0.591 GB), plus 80 layers × 2 × 8
        KV heads × 128 × 4,096 tokens × 2 B = 1.342 GB of KV, one GPU after the other: 0.65 × 936 GB/s /
        43.22 GB = 14.1 tok/s (plus a 90 µs hand-over). Published: 16.95 tok/s with Ollama
        (shared/reference/runtimes.md §9); the old answer was 56."""
        result = estimate(job("Llama 3.1 70B", "RTX 3090", precision="q4_k_m", gpus=2))
        seconds = (43.81 - 0.591) * GB / (0.65 * 936 * GB) + 90e-6
        assert result.tokens_per_s == pytest.approx(1 / seconds, rel=0.01)
        assert 12 < (result.tokens_per_s or 0) < 20

    def test_eight_h100s_at_fp8_pay_for_all_reduces(self) -> None:
        """70B FP8 on 8 × H100 SXM, tensor parallel 8: each GPU reads 72.656 GB / 8 = 9.082 GB of weights and
        1.342 GB / 8 = 0.168 GB of KV: 9.250 GB / (0.65 × 3,350 GB/s) = 4.248 ms; 80 layers × 2 all-reduces ×
        (12 µs + 2 × 7/8 × 16 KiB / 450 GB/s) = 1.930 ms; 1 / 6.178 ms = 162 tok/s (the old answer was 1,883)."""
        result = estimate(job("Llama 3.1 70B", "H100 SXM", precision="fp8", gpus=8))
        seconds = 9.250 * GB / (0.65 * 3350 * GB) + 160 * (12e-6 + 2 * 7 / 8 * 16384 / (450 * GB))
        assert result.tokens_per_s == pytest.approx(1 / seconds, rel=0.01)

    @pytest.mark.parametrize("gpu", ["H100 SXM", "RTX 4090"])
    def test_speed_never_grows_faster_than_the_gpu_count(self, gpu: str) -> None:
        one = estimate(job("Llama 3.1 70B", gpu, precision="fp8" if gpu == "H100 SXM" else "awq", runtime="vllm"))
        for count in (2, 4, 8):
            many = estimate(
                job("Llama 3.1 70B", gpu, precision=one.job.precision, runtime="vllm", gpus=count)
            )
            assert (many.tokens_per_s or 0) < count * (one.tokens_per_s or 0)
            assert (many.tokens_per_s or 0) > (one.tokens_per_s or 0)


class TestHowMany:
    def test_full_fine_tune_of_70b_takes_two_nodes_not_43(self) -> None:
        """With activation checkpointing (tried before adding GPUs) and ZeRO-3, states are 70,553,706,496 ×
        16 B / N: N = 8 gives 131 GiB per GPU (> 80), so the next deployable count, 16 = two nodes of 8, holding
        65.7 GiB of states each. Without checkpointing the old answer was 43."""
        h100 = CATALOG.find_gpu("H100 SXM")
        assert gpus_needed(job("Llama 3.1 70B", task="full_finetune"), h100) == 16
        reply = ask("How many H100s to full fine-tune Llama 3.1 70B?")
        assert reply.gpu is not None and reply.gpu.count == 16
        assert "activation checkpointing on" in reply.text

    def test_gpt3_in_spanish_is_five_nodes_not_715(self) -> None:
        """GPT-3 175B: 16 B × ~175e9 / 32 GPUs = 87.5e9 B = 81.5 GiB of states (> 80 GiB); 40 GPUs (5 nodes)
        hold 70e9 B = 65 GiB each. 8-bit AdamW (2 + 2 + 4 + 2 = 10 B/param) needs fewer."""
        reply = ask("¿Cuántas H100 para entrenar GPT-3 175B?")
        assert reply.gpu is not None and reply.gpu.count == 40
        assert "5 nodos" in reply.text and "AdamW de 8 bits" in reply.text

    def test_the_layout_is_said_in_both_languages(self) -> None:
        en = ask("How many H100s to run Llama 3.1 405B in fp16?")
        es = ask("¿Cuántas H100 para correr Llama 3.1 405B en fp16?")
        assert "2 nodes, tensor parallel 8 × pipeline 2" in en.text
        assert "2 nodos, paralelismo de tensores 8 × pipeline 2" in es.text


def test_three_gpus_for_64_heads_are_three_pipeline_stages() -> None:
    """3 does not divide Llama 3 70B's 64 heads, so vLLM runs 3 GPUs as tensor parallel 1 × pipeline 3, in one
    node; each GPU holds a third of the layers and their KV cache."""
    layout = lay.inference_layout(CATALOG.find_model("Llama 3 70B").architecture, "vllm", 3)
    assert (layout.tensor, layout.pipeline, layout.nodes) == (1, 3, 1)
    reply = ask("can 3 A100s run Llama 3 70B in fp16 with vllm?")
    assert "split over 3 GPUs of one node: tensor parallel 1 × pipeline 3" in reply.text
