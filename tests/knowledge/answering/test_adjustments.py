"""A setting that cannot be honoured is said, with what was estimated instead, never changed in silence.

The rules (knowledge.answering.situation.reconcile): a fine-tune on quantized weights is QLoRA (Dettmers et al.,
2023: LoRA adapters over a frozen 4-bit model); QLoRA needs a bitsandbytes or GPTQ base; training runs on PyTorch;
llama.cpp runs GGUF and 16-bit weights and GGUF runs only on llama.cpp; a runtime vrambot does not model is
estimated on the default one. Each holds for a typed question and for a query built by a slash command.
"""

from __future__ import annotations

import pytest

from knowledge import Query, answer, ask


def test_a_4_bit_fine_tune_is_qlora_and_the_answer_says_so() -> None:
    result = ask("can I fine tune llama 2 7b in 4-bit on a 3060")
    assert (result.task, result.precision) == ("qlora", "nf4_dq")  # QLoRA's base: NF4 with double quantization
    said = [line for line in result.lines if "QLoRA" in line and "not as full fine-tuning" in line]
    assert len(said) == 1, result.lines


def test_a_slash_command_lora_on_a_gguf_type_is_said_in_spanish() -> None:
    query = Query(
        text="", intent="fit", model="llama-3.1-8b", gpu="rtx-4090", task="lora", precision="q4_k_m", language="es"
    )
    result = answer(query)
    assert result.error is None
    assert (result.task, result.precision) == ("qlora", "nf4_dq")
    assert result.lines[0].startswith("Afinar pesos Q4_K_M es QLoRA")
    assert "no como ajuste fino con LoRA" in result.lines[0]


def test_qlora_on_a_gguf_type_is_estimated_on_nf4_and_said() -> None:
    result = ask("can a 3090 qlora llama 3 8b in q4_k_m")
    assert (result.task, result.precision) == ("qlora", "nf4_dq")
    assert result.lines[0] == (
        "QLoRA trains on a bitsandbytes or GPTQ base, not Q4_K_M: estimated on NF4 + double quantization."
    )


@pytest.mark.parametrize(
    ("question", "runtime", "said"),
    [
        # GGUF runs only on llama.cpp: the vLLM asked for cannot load a Q4_K_M file.
        (
            "can a 4090 run llama 3 8b in q4_k_m with vllm",
            "llama.cpp",
            "Q4_K_M is a GGUF type that only llama.cpp runs, not vLLM: estimated on llama.cpp.",
        ),
        # llama.cpp has no GPTQ kernels: the figures are transformers'.
        (
            "¿Puedo correr Llama 3 8B con llama.cpp en GPTQ en una 4090?",
            "transformers",
            "llama.cpp no ejecuta GPTQ de 4 bits: estimado en transformers.",
        ),
        # vLLM serves; it does not train.
        (
            "¿cuánta memoria para entrenar llama 3 8b con lora en vllm?",
            "transformers",
            "vLLM no ejecuta ajuste fino con LoRA: estimado en transformers (PyTorch).",
        ),
    ],
)
def test_a_runtime_that_cannot_run_the_job_is_said(question: str, runtime: str, said: str) -> None:
    result = ask(question)
    assert result.query is not None and result.query.runtime == runtime
    assert said in result.lines


@pytest.mark.parametrize(
    "question",
    ["can a 4090 run llama 3 8b in q4_k_m with llama.cpp", "can a 4090 fine-tune llama 3 8b with lora in transformers"],
)
def test_a_consistent_question_says_nothing_about_its_settings(question: str) -> None:
    result = ask(question)
    assert not [line for line in result.lines if "estimated on" in line or "does not" in line]


def test_serving_a_gguf_type_is_estimated_on_16_bit_and_said() -> None:
    # vLLM loads safetensors checkpoints (16-bit, FP8, AWQ, GPTQ); a Q4_K_M file is llama.cpp's. Llama 3.1 8B is
    # released in bf16 (its config.json torch_dtype), so that is the checkpoint vLLM serves.
    result = ask("how many users can an L40S serve llama 3.1 8b in q4_k_m at 8k context")
    assert result.intent == "serve"
    assert result.precision == "bf16"
    assert result.lines[0] == "vLLM serves 16-bit, FP8, AWQ or GPTQ checkpoints, not Q4_K_M files: estimated at BF16."


def test_serving_on_another_runtime_is_said_to_be_vllm() -> None:
    result = ask("¿cuántos usuarios puede servir una L40S con llama 3.1 8b con ollama?")
    assert result.intent == "serve"
    assert result.lines[0] == "El servicio concurrente se estima para vLLM, no para llama.cpp."


def test_a_training_framework_named_is_the_one_estimated() -> None:
    """Unsloth has a runtime profile: "with unsloth" is estimated on Unsloth, with nothing to adjust."""
    result = ask("how much vram to fine-tune llama 3 8b with unsloth")
    assert result.query.runtime == "unsloth"
    assert not [line for line in result.lines if "does not model" in line]
