"""Understanding questions typed in English and Spanish: language, intent, catalog entities and settings."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.answer_model import Query
from knowledge.understanding.understand import understand


def case(question: str, **expected: Any) -> Any:
    return pytest.param(question, expected, id=question[:60])


def check(query: Query, expected: dict[str, Any]) -> None:
    got = {key: getattr(query, key) for key in expected}
    assert got == expected, query.model_dump(exclude_defaults=True)


# question -> the fields of the Query it must produce (only the fields listed are checked)
ENGLISH = [
    case("Can an RTX 4070 run Llama 2 13B?", intent="fit", model="llama-2-13b", gpu="rtx-4070", task="inference"),
    case("can my 3090 train llama 3 8b", intent="fit", model="llama-3-8b", gpu="rtx-3090", task="full_finetune"),
    case("will llama 3.1 8b fit on a 4060", intent="fit", model="llama-3.1-8b", gpu="rtx-4060"),
    case("Does Mistral 7B fit in an RTX 3060 12GB?", intent="fit", model="mistral-7b-v0.3", gpu="rtx-3060-12gb"),
    case("is a 3060 enough for llama2 7b", intent="fit", model="llama-2-7b", gpu="rtx-3060-12gb"),
    case("CAN A 4090 RUN MIXTRAL?", intent="fit", model="mixtral-8x7b", gpu="rtx-4090", language="en"),
    case("can i run llama-2-70b on 2x4090", intent="fit", model="llama-2-70b", gpu="rtx-4090", gpu_count=2),
    case("can two 3090s run llama 2 70b", intent="fit", gpu="rtx-3090", gpu_count=2, model="llama-2-70b"),
    case("Can 4 A100s fine-tune Llama 2 70B?", intent="fit", gpu="a100-80gb", gpu_count=4, task="full_finetune"),
    case("can 8xH100 pretrain llama 3 70b from scratch", gpu="h100-sxm", gpu_count=8, task="pretrain"),
    case("can an a100 40gb serve llama 3 70b in int4", gpu="a100-40gb", precision="gptq", task="inference"),
    case("can an a100 80gb run qwen2.5 72b", gpu="a100-80gb", model="qwen2.5-72b"),
    case("can my rtx 4060 ti 16gb run gemma 2 27b", gpu="rtx-4060-ti-16gb", model="gemma-2-27b"),
    case("Can a 4060 Ti run Phi-3 mini?", gpu="rtx-4060-ti-8gb", model="phi-3-mini", intent="fit"),
    case("can a GTX 1080 Ti run tinyllama", gpu="gtx-1080-ti", model="tinyllama-1.1b"),
    case("can a 7900 xtx run llama 3 8b", gpu="rx-7900-xtx", model="llama-3-8b"),
    case("can my M2 Max 96GB run llama 3 70b", gpu="apple-m2-max-96gb", model="llama-3-70b"),
    case("can a Mac with 64GB run Mixtral?", model="mixtral-8x7b", vram_gib=None, intent="fit"),
    case("can a 4060 train a 7B?", intent="fit", model_size_b=7.0, gpu="rtx-4060", task="full_finetune"),
    case("can a 4090 fine-tune a 13B model with LoRA", model_size_b=13.0, task="lora"),
    case("Can I QLoRA llama 2 13b on a 3060?", task="qlora", model="llama-2-13b", gpu="rtx-3060-12gb"),
    case("can I fine tune llama 2 7b in 4-bit on a 3060", task="full_finetune", precision="nf4_dq"),
    case("lora llama 3 8b 4090", task="lora", model="llama-3-8b", gpu="rtx-4090", intent="fit"),
    case("run mistral 7b q4_k_m on 4060", precision="q4_k_m", model="mistral-7b-v0.3", gpu="rtx-4060"),
    case("can a 3060 run llama 3 8b at 8-bit", precision="int8"),
    case("llama 3 8b in fp16 on an rtx 4080?", precision="fp16", gpu="rtx-4080"),
    case("can a 4090 run llama 3 70b at 4 bits", precision="gptq"),
    case("can a 4090 run llama 2 13b in q5", precision="q5_k_m"),
    case("4090 llama 3 8b bf16", precision="bf16"),
    case("can a 4070 run llama 3 8b with 32k context", context_tokens=32768),
    case("mistral 7b 4090 context of 16k tokens", context_tokens=16384),
    case("llama 3 8b on 4090 with a context window of 8192", context_tokens=8192),
    case("can a 4090 serve llama 3 8b with batch size 8", batch=8, task="inference"),
    case("can a 4090 handle 16 concurrent users of llama 3 8b", batch=16),
    case("can 4090 run llama 3 8b with vllm", runtime="vllm"),
    case("can my 3060 run llama 3 8b in ollama", runtime="llama.cpp"),
    case("fine-tune llama 3 8b on a 4090 with 8-bit adam", optimizer="adamw_8bit", task="full_finetune"),
    case("How much VRAM does LLaMA 7B need?", intent="requirements", model="llama-7b"),
    case("how much memory do I need for llama 3 70b", intent="requirements", model="llama-3-70b"),
    case("How much VRAM for Mixtral 8x7B at 4-bit?", intent="requirements", model="mixtral-8x7b", precision="gptq"),
    case("VRAM requirements for Falcon 40B", intent="requirements", model="falcon-40b"),
    case("how many GB to fine-tune gemma 2 9b", intent="requirements", task="full_finetune", model="gemma-2-9b"),
    case("memory needed to train Qwen2.5 7B with QLoRA", intent="requirements", task="qlora", model="qwen2.5-7b"),
    case("Can I run GPT-3 175B at home?", intent="requirements", model="gpt-3-175b", task="inference"),
    case("how much vram for a 70b model", intent="requirements", model_size_b=70.0),
    case("what gpu do i need to fine-tune llama 2 7b with lora?", intent="recommend_gpu", task="lora"),
    case("Which GPU should I buy for Llama 3 8B?", intent="recommend_gpu", model="llama-3-8b"),
    case("best gpu for running mixtral", intent="recommend_gpu", model="mixtral-8x7b"),
    case("How many H100s to run Llama 3.1 405B in fp16?", intent="recommend_gpu", gpu="h100-sxm", precision="fp16"),
    case("how many 4090s do I need for llama 2 70b", intent="recommend_gpu", gpu="rtx-4090"),
    case("how many GPUs to train a 70B model from scratch", intent="recommend_gpu", task="pretrain"),
    case("What's the largest model I can fine-tune with QLoRA on 24GB?", intent="recommend_model", vram_gib=24.0),
    case("what models can I run on a 4060", intent="recommend_model", gpu="rtx-4060"),
    case("what can I run with 12 GB of VRAM", intent="recommend_model", vram_gib=12.0),
    case("biggest llm for my 3090", intent="recommend_model", gpu="rtx-3090"),
    case("I have 8GB of VRAM, what can I train with LoRA?", intent="recommend_model", vram_gib=8.0, task="lora"),
    case("How much memory does the RTX 4060 Ti have?", intent="gpu_info", gpu="rtx-4060-ti-8gb"),
    case("rtx 4090 specs", intent="gpu_info", gpu="rtx-4090"),
    case("what is the memory bandwidth of an H100?", intent="gpu_info", gpu="h100-sxm"),
    case("tell me about the A6000", intent="gpu_info", gpu="rtx-a6000"),
    case("3090", intent="gpu_info", gpu="rtx-3090"),
    case("How big is Falcon 7B?", intent="model_info", model="falcon-7b"),
    case("how many parameters does mixtral 8x22b have", intent="model_info", model="mixtral-8x22b"),
    case("what is deepseek v3", intent="model_info", model="deepseek-v3"),
    case("llama 3.2 3b", intent="model_info", model="llama-3.2-3b"),
    case("How many tokens per second can I get from Mistral 7B on an RTX 4060?", intent="speed", gpu="rtx-4060"),
    case("how fast is llama 3 8b on a 4090", intent="speed", model="llama-3-8b"),
    case("tok/s of qwen2.5 14b on 3090", intent="speed", model="qwen2.5-14b"),
    case("how long to train llama 2 7b on 1B tokens on 8 A100s", intent="speed", training_tokens=1_000_000_000),
    case(
        "how long does it take to fine-tune a 7b on 4090 with 100M tokens", intent="speed", training_tokens=100_000_000
    ),
    case("Which is better for LLMs, an RTX 4080 or an RTX 3090?", intent="compare", gpus=("rtx-4080", "rtx-3090")),
    case("4090 vs 3090 for llama", intent="compare", gpus=("rtx-4090", "rtx-3090")),
    case("llama 3 8b vs mistral 7b", intent="compare", models=("llama-3-8b", "mistral-7b-v0.3")),
    case("compare the A100 and the H100", intent="compare"),
    case("help", intent="help", language="en"),
    case("/help", intent="help"),
    case("what can you do?", intent="help"),
    case("hello", intent="help"),
    case("Is 16GB enough for Llama 3 8B?", intent="fit", vram_gib=16.0, model="llama-3-8b"),
    case("is my rtx 3070 good enough for llama 2 7b inference", intent="fit", gpu="rtx-3070", task="inference"),
    case("Would Llama 3 70B run on dual 3090s?", intent="fit", gpu="rtx-3090", gpu_count=2),
    case("I have a 4070 Ti Super, can I fine-tune Mistral 7B?", gpu="rtx-4070-ti-super", task="full_finetune"),
    case("Can I train Llama 3 8B on a single A100?", intent="fit", gpu="a100-80gb", gpu_count=1),
    case("Does a 5090 run deepseek r1?", intent="fit", gpu="rtx-5090", model="deepseek-r1"),
    case("is llama 3.1 405b runnable on 8 h100s", intent="fit", gpu_count=8, model="llama-3.1-405b"),
    case("What LLMs can my RTX 3060 handle?", intent="recommend_model", gpu="rtx-3060-12gb"),
    case("Which local LLM is best for 8GB VRAM?", intent="recommend_model", vram_gib=8.0),
    case("how much ram do i need to run llama 3 8b", intent="requirements", task="inference"),
    case("How much GPU memory does it take to train GPT-2 from scratch?", intent="requirements", task="pretrain"),
    case("How much VRAM do I need to fine-tune Llama 3 70B with QLoRA?", intent="requirements", task="qlora"),
    case("what's the vram usage of mixtral 8x7b q4_k_m", intent="requirements", precision="q4_k_m"),
    case("How many A100 80GB GPUs to pretrain a 7B model?", intent="recommend_gpu", gpu="a100-80gb"),
    case("Best GPU under $500 for LLMs?", intent="recommend_gpu"),
    case("rtx 4090 vs rtx 5090 for AI", intent="compare", gpus=("rtx-4090", "rtx-5090")),
    case("tokens per second for llama 70b on 2x3090 in q4", intent="speed", gpu_count=2, precision="q4_k_m"),
    case("What's the weather like today?", intent="unknown", language="en"),
    case("", intent="unknown"),
]

SPANISH = [
    case("¿Puedo correr LLaMA 7B en una RTX 4060?", intent="fit", model="llama-7b", gpu="rtx-4060", language="es"),
    case("puedo correr llama 7b en una rtx 4060", intent="fit", model="llama-7b", language="es"),
    case("¿Alcanza una RTX 4080 para hacer QLoRA de Mistral 7B?", intent="fit", task="qlora", gpu="rtx-4080"),
    case("¿Cabe Llama 3.1 70B en una RTX 4090?", intent="fit", model="llama-3.1-70b", gpu="rtx-4090", language="es"),
    case("¿Me sirve una 3060 para usar Mistral?", intent="fit", model="mistral-7b-v0.3", task="inference"),
    case(
        "¿Puedo entrenar un modelo de 7B desde cero con dos RTX 4090?", task="pretrain", gpu_count=2, model_size_b=7.0
    ),
    case("¿se puede afinar llama 2 13b en una 3090?", task="full_finetune", intent="fit", language="es"),
    case("ajuste fino de gemma 2 9b en una 4090", task="full_finetune", model="gemma-2-9b"),
    case("¿Puedo entrenar Llama 3 8B con LoRA en una 4070?", task="lora", gpu="rtx-4070"),
    case("¿Puede una 4060 correr Llama 3 8B en 4 bits?", precision="gptq", language="es"),
    case("¿puedo correr mixtral con cuantización q4_k_m en 2x3090?", precision="q4_k_m", gpu_count=2),
    case("¿Corre Llama 3 8B en una 4070 con contexto de 8k?", context_tokens=8192, language="es"),
    case("¿Cuánta VRAM necesito para entrenar un modelo de 13B?", intent="requirements", model_size_b=13.0),
    case("cuanta vram necesito para entrenar un modelo de 13b", intent="requirements", language="es"),
    case("¿Cuánta RAM necesito para correr Falcon 40B?", intent="requirements", model="falcon-40b", task="inference"),
    case("¿Cuánta memoria ocupa Llama 2 70B en fp16?", intent="requirements", precision="fp16"),
    case("requisitos de Qwen2.5 32B para inferencia", intent="requirements", model="qwen2.5-32b"),
    case("¿Qué GPU necesito para usar LLaMA 65B?", intent="recommend_gpu", model="llama-65b", task="inference"),
    case("¿Cuántas A100 hacen falta para entrenar LLaMA 65B?", intent="recommend_gpu", gpu="a100-80gb"),
    case("¿Qué tarjeta me recomiendas para afinar Mistral 7B con QLoRA?", intent="recommend_gpu", task="qlora"),
    case("¿cuantas 4090 necesito para llama 3 70b?", intent="recommend_gpu", gpu="rtx-4090", language="es"),
    case("¿Qué modelos puedo correr con 12 GB?", intent="recommend_model", vram_gib=12.0, language="es"),
    case("¿Cuál es el modelo más grande que puedo correr en una RTX 4090?", intent="recommend_model", gpu="rtx-4090"),
    case("¿Qué puedo entrenar con QLoRA en mi 3060?", intent="recommend_model", task="qlora"),
    case("¿Cuánta memoria tiene la RTX 4060 Ti?", intent="gpu_info", gpu="rtx-4060-ti-8gb", language="es"),
    case("especificaciones de la H100", intent="gpu_info", gpu="h100-sxm"),
    case("háblame de la RTX 5090", intent="gpu_info", gpu="rtx-5090"),
    case("¿Cuántos parámetros tiene LLaMA 30B?", intent="model_info", model="llama-30b", language="es"),
    case("¿Qué tan grande es Mixtral 8x7B?", intent="model_info", model="mixtral-8x7b"),
    case("¿Qué tan rápido corre Llama 3 8B en una RTX 4090?", intent="speed", gpu="rtx-4090", language="es"),
    case("¿Cuántos tokens por segundo da Mistral 7B en una 3060?", intent="speed", gpu="rtx-3060-12gb"),
    case("¿Cuánto tarda entrenar Llama 2 7B con 1B tokens en 8 A100?", intent="speed", gpu_count=8),
    case("¿Cuál es mejor para IA, la RTX 4060 o la RTX 3060 de 12 GB?", intent="compare"),
    case("4090 o 3090 para llama", intent="compare", gpus=("rtx-4090", "rtx-3090")),
    case("comparar llama 3 8b y qwen2.5 7b", intent="compare", models=("llama-3-8b", "qwen2.5-7b")),
    case("¿Qué GPU me compro para correr modelos de 13B?", intent="recommend_gpu", model_size_b=13.0),
    case("¿Cuántos GB de VRAM necesita Mixtral?", intent="requirements", model="mixtral-8x7b"),
    case("¿Se puede hacer fine-tuning de Llama 3 8B con 24 GB?", intent="fit", vram_gib=24.0, task="full_finetune"),
    case("¿Mi 3060 de 12GB puede con Qwen2.5 14B?", intent="fit", gpu="rtx-3060-12gb", model="qwen2.5-14b"),
    case("¿Cuál es la mejor GPU para entrenar modelos de lenguaje?", intent="recommend_gpu", language="es"),
    case(
        "¿Cuánto tarda en entrenarse un modelo de 1B desde cero con 10B tokens en una 4090?",
        intent="speed",
        training_tokens=10_000_000_000,
        task="pretrain",
    ),
    case("¿Cuántas RTX 3090 necesito para Llama 2 70B en 4 bits?", intent="recommend_gpu", precision="gptq"),
    case("dime cuanta vram usa llama 3 8b con contexto de 32k", intent="requirements", context_tokens=32768),
    case("¿Qué es Mixtral?", intent="model_info", model="mixtral-8x7b", language="es"),
    case("¿qué tal la RTX 4060 para IA?", intent="gpu_info", gpu="rtx-4060"),
    case(
        "¿Es mejor la 4060 Ti de 16GB o la 3060 de 12GB?", intent="compare", gpus=("rtx-4060-ti-16gb", "rtx-3060-12gb")
    ),
    case("¿Con una Mac M2 Max de 96 GB puedo correr Llama 3 70B?", intent="fit", gpu="apple-m2-max-96gb"),
    case("quiero entrenar un modelo de 7B con LoRA, ¿qué necesito?", intent="requirements", task="lora"),
    case("¿Y SI USO UNA 4090 PARA CORRER LLAMA 3 8B?", intent="fit", gpu="rtx-4090", language="es"),
    case("ayuda", intent="help", language="es"),
    case("¿Qué puedes hacer?", intent="help", language="es"),
    case("hola", intent="help"),
    case("¿Cuál es la capital de Francia?", intent="unknown", language="es"),
]


@pytest.mark.parametrize(("question", "expected"), ENGLISH)
def test_english_questions(question: str, expected: dict[str, Any]) -> None:
    """English questions, however phrased, give the intent, entities and settings they ask about."""
    check(understand(question), expected)


@pytest.mark.parametrize(("question", "expected"), SPANISH)
def test_spanish_questions(question: str, expected: dict[str, Any]) -> None:
    """Spanish questions, with or without accents and ¿¡, give the intent, entities and settings."""
    check(understand(question), expected)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Can a 4090 run Llama 3 8B?", "en"),
        ("¿Puede una 4090 correr Llama 3 8B?", "es"),
        ("puede una 4090 correr llama 3 8b", "es"),
        ("PUEDO CORRER LLAMA 3 8B EN UNA 4090", "es"),
        ("¡hola!", "es"),
        ("what about the 4090", "en"),
    ],
)
def test_language_follows_the_question(question: str, language: str) -> None:
    """The answer language is the question's, whatever the case or accents."""
    assert understand(question).language == language


@pytest.mark.parametrize(
    ("question", "model"),
    [
        ("can a 4090 run lama 2 7b", "llama-2-7b"),
        ("can a 4090 run mistrall 7b", "mistral-7b-v0.3"),
        ("can a 4090 run mixtrl", "mixtral-8x7b"),
        ("can a 4090 run LLaMA-2-13B-chat-hf", "llama-2-13b"),
        ("can a 4090 run meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b"),
        ("can a 4090 run qwen 7b", "qwen2.5-7b"),
        ("can a 4090 run GPT-2", "gpt2"),
        ("can a 4090 run codellama 34b", "codellama-34b"),
    ],
)
def test_model_names_as_people_type_them(question: str, model: str) -> None:
    """Slips of the keyboard, hub ids and missing versions still find the catalog model."""
    assert understand(question).model == model


@pytest.mark.parametrize(
    ("question", "typed"),
    [
        ("can a 4090 run llama 9 70b", "llama 9 70b"),
        ("Can I run GPT-4 on my 4090?", "gpt 4"),
    ],
)
def test_unknown_model_names_are_kept_as_typed(question: str, typed: str) -> None:
    """A model name that is not in the catalog is kept as typed, never swapped for a different model."""
    assert understand(question).model == typed


def test_unknown_gpu_names_are_kept_as_typed() -> None:
    """A GPU name that is not in the catalog is kept as typed, so the answer can suggest close names."""
    assert understand("can an rtx 9090 run llama 3 8b").gpu == "rtx 9090"


@pytest.mark.parametrize(
    ("question", "size"),
    [
        ("how much vram for a 7B", 7.0),
        ("un modelo de 13B", 13.0),
        ("can a 3090 train a 1.5b model", 1.5),
        ("can a 4090 run a 30 billion parameter model", 30.0),
    ],
)
def test_a_bare_size_names_a_model_size(question: str, size: float) -> None:
    """ "a 7B" and "un modelo de 13B" give a size, not a model name."""
    query = understand(question)
    assert (query.model, query.model_size_b) == (None, size)


@pytest.mark.parametrize(
    ("question", "vram"),
    [("what can I run on 8GB of VRAM", 8.0), ("can 24 GB run llama 3 8b", 24.0), ("con 16gb de vram", 16.0)],
)
def test_a_bare_memory_budget(question: str, vram: float) -> None:
    """A memory figure with no GPU named is a budget."""
    query = understand(question)
    assert (query.gpu, query.vram_gib) == (None, vram)


def test_a_mac_with_memory_is_apple_silicon_with_that_memory() -> None:
    """ "a Mac with 64GB" is an Apple GPU sold with 64 GB of unified memory."""
    query = understand("can a Mac with 64GB run Mixtral?")
    assert query.gpu is not None and query.gpu.startswith("apple-") and query.gpu.endswith("64gb")


def test_memory_after_a_gpu_picks_that_variant() -> None:
    """ "la RTX 3060 de 8 GB" is the 8 GB card, not the 12 GB one."""
    assert understand("¿puedo usar la RTX 3060 de 8 GB para llama 3 8b?").gpu == "rtx-3060-8gb"


def test_a_long_question_is_read_without_error() -> None:
    """Questions far longer than a chat message are read (their start) without failing."""
    query = understand("can a 4090 run llama 3 8b " + "please " * 600)
    assert (query.intent, query.model) == ("fit", "llama-3-8b")
