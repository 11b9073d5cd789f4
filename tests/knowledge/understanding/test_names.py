"""Never a silent swap (issue 10, item 1): a name is the catalog model only when family, version, size and variant
agree; a slip of a letter is taken and said; a memory size picks the card sold with it; a bare size takes a current
model, or the family under discussion, and says which.

Expected values are decided by hand from the model cards: Mistral Large 2 is a 123B dense model (mistral.ai,
2024-07); DeepSeek-R1-Distill-Qwen-32B is Qwen2.5-32B fine-tuned (32.8B); Qwen3-235B-A22B has 235B parameters,
22B active; Qwen2.5-Coder-32B is 32.8B; Phi-4-mini is 3.8B; Llama 3.2 11B Vision is 10.7B with its vision tower;
gpt-oss-20b has 21B parameters (3.6B active). None of them is in the catalog of this branch: each must be reported
unknown, or, once the catalog has it, be exactly that model (its size and its distinguishing word).
"""

from __future__ import annotations

import pytest

from knowledge import Answer, ask, load_catalog
from knowledge.understanding.understand import understand

# question, the words the right model's name must hold, its size in billions of parameters
NOT_A_SWAP = [
    ("Can a 3090 run Mistral Large 2?", ("large",), 123.0),
    ("¿Puede una 3090 correr Mistral Large 2?", ("large",), 123.0),
    ("DeepSeek-R1-Distill-Qwen-32B on a 4090", ("distill", "qwen"), 32.8),
    ("¿DeepSeek-R1-Distill-Qwen-32B cabe en una 4090?", ("distill", "qwen"), 32.8),
    ("Qwen3-235B-A22B on a 4090", ("235b",), 235.0),
    ("¿Cuánta VRAM necesita Qwen3-235B-A22B?", ("235b",), 235.0),
    ("can a 4090 run Qwen2.5-Coder-32B", ("coder",), 32.8),
    ("¿puede una 4090 correr Qwen2.5-Coder-32B?", ("coder",), 32.8),
    ("can a 4060 run Phi-4-mini", ("mini",), 3.8),
    ("¿puede una 4060 correr Phi-4-mini?", ("mini",), 3.8),
    ("can a 4090 run Llama 3.2 11B Vision", ("vision",), 10.7),
    ("¿puede una 4090 correr Llama 3.2 11B Vision?", ("vision",), 10.7),
    ("can a 4090 run gpt-oss-20b", ("oss",), 21.0),
    ("¿puede una 4090 correr gpt-oss-20b?", ("oss",), 21.0),
]


def _is_that_model_or_unknown(answer: Answer, words: tuple[str, ...], size_b: float) -> None:
    if answer.error == "unknown_model":
        return
    assert answer.model is not None, answer.text
    name = answer.model.name.lower().replace("-", " ")
    assert all(word in name for word in words), f"answered for {answer.model.name}: {answer.text}"
    assert abs(answer.model.params_b - size_b) <= 0.1 * size_b, answer.text


@pytest.mark.parametrize(("question", "words", "size_b"), NOT_A_SWAP, ids=[q for q, _, _ in NOT_A_SWAP])
def test_a_model_not_in_the_catalog_is_never_answered_as_another(
    question: str, words: tuple[str, ...], size_b: float
) -> None:
    """A model the catalog lacks is reported unknown (never a different model answered with confidence)."""
    _is_that_model_or_unknown(ask(question), words, size_b)


@pytest.mark.parametrize(
    ("question", "typed", "language"),
    [
        ("Can a 3090 run Mistral Large 2?", "mistral large 2", "en"),
        ("¿DeepSeek-R1-Distill-Qwen-32B cabe en una 4090?", "deepseek r1 distill qwen 32b", "es"),
        ("can a 4090 run gpt-oss-20b", "gpt oss 20b", "en"),
    ],
)
def test_the_unknown_answer_names_the_model_as_typed_and_close_ones(question: str, typed: str, language: str) -> None:
    """The unknown answer quotes the whole name, in the question's language, with close known models, and offers
    the Hub lookup by its id."""
    answer = ask(question)
    if answer.error != "unknown_model":
        pytest.skip("the catalog now has this model")
    assert typed in answer.text and answer.language == language
    assert ("Did you mean" if language == "en" else "¿Quisiste decir") in answer.text
    assert "Hugging Face Hub" in answer.text and ("(org/name)" if language == "en" else "(org/nombre)") in answer.text


@pytest.mark.parametrize("question", ["can a 4060 run phi 3 mini 128k", "¿puede una 4060 correr Phi-3-mini-128k?"])
def test_a_context_variant_is_another_model(question: str) -> None:
    """Phi-3-mini-128k (RoPE-scaled to 131,072 tokens) is not Phi-3 mini 4k: unknown, or exactly that model."""
    answer = ask(question)
    assert answer.error == "unknown_model" or (answer.model is not None and "128k" in answer.model.name.lower())


def test_a_context_length_after_a_name_stays_a_context() -> None:
    """ "llama 3.1 8b 128k" and "llama 3 8b 32k context" name Llama models; the length is not part of the name."""
    assert understand("can a 4090 run llama 3.1 8b 128k").model == "llama-3.1-8b"
    assert understand("llama 3 8b 32k context on a 4090").context_tokens == 32768


def test_gpt_oss_20b_is_not_the_model_20b() -> None:
    """ "gpt-oss-20b" is one name, never a bare size "20B"."""
    query = understand("can a 4090 run gpt-oss-20b")
    assert query.model_size_b is None and query.model is not None and "oss" in query.model


def test_the_closest_known_models_share_the_family_and_size() -> None:
    """ "DeepSeek-R1-Distill-Qwen-32B" suggests DeepSeek R1 and a 32B Qwen, not unrelated models."""
    answer = ask("DeepSeek-R1-Distill-Qwen-32B on a 4090")
    if answer.error != "unknown_model":
        pytest.skip("the catalog now has this model")
    assert "DeepSeek R1" in answer.text and ("Qwen3 32B" in answer.text or "Qwen2.5 32B" in answer.text)


@pytest.mark.parametrize(
    ("question", "model", "note"),
    [
        ("can a 4090 run quen 2.5 14b", "qwen2.5-14b", 'Taking "quen 2.5 14b" as Qwen2.5 14B.'),
        ("¿puede una 4090 correr quen 2.5 14b?", "qwen2.5-14b", 'Entiendo "quen 2.5 14b" como Qwen2.5 14B.'),
        ("can a 3090 run mixtrl 8x7b", "mixtral-8x7b", 'Taking "mixtrl 8x7b" as Mixtral 8x7B.'),
        ("¿una 3090 puede con mistrall 7b?", "mistral-7b-v0.3", 'Entiendo "mistrall 7b" como Mistral 7B v0.3.'),
    ],
)
def test_a_slip_of_a_letter_is_taken_and_said(question: str, model: str, note: str) -> None:
    """A typo-level difference finds the model, and the answer says which it was taken as."""
    answer = ask(question)
    assert answer.model is not None and answer.model.id == model
    assert note in answer.text


@pytest.mark.parametrize(
    ("question", "model"),
    [
        ("can a 4090 run Llama-3.1-8B-Instruct", "llama-3.1-8b"),  # instruct and base are one model
        ("can a 4090 run meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b"),
        ("can a 4090 run mistral-7b-instruct-v0.2", "mistral-7b-v0.2"),
        ("run mistral-7b-v0.3.Q4_K_M.gguf on a 4060", "mistral-7b-v0.3"),  # a format word is a setting
        ("can a 4090 run gemma-2-9b-it", "gemma-2-9b"),
        ("¿cabe Qwen2.5-14B-Instruct en una 4090?", "qwen2.5-14b"),
        ("llama 3 8b large context on a 4090", "llama-3-8b"),  # "large" describes the context, not the model
        ("¿llama 3 8b small batch en una 4090?", "llama-3-8b"),
        ("ollama run qwen2.5:7b on a 3060", "qwen2.5-7b"),  # an ollama tag
    ],
)
def test_base_instruct_and_format_words_keep_the_model(question: str, model: str) -> None:
    """Words that do not make another model (instruct, chat, it, a quantization) keep the model found."""
    assert understand(question).model == model


@pytest.mark.parametrize(
    ("question", "gpu"),
    [
        ("¿puede una 4060 Ti de 16 gigas correr llama 3 8b?", "rtx-4060-ti-16gb"),
        ("can a 16GB 4060 Ti run llama 3 8b", "rtx-4060-ti-16gb"),
        ("¿una 3060 de 8 gigas corre llama 3 8b?", "rtx-3060-8gb"),
        ("can a 3060 with 8 GB run llama 3 8b", "rtx-3060-8gb"),
        ("¿Mac Studio M2 Ultra de 192 gigas corre llama 3 70b?", "apple-m2-ultra-192gb"),
        ("can an M2 Ultra with 192GB run llama 3 70b", "apple-m2-ultra-192gb"),
        ("la 4060 ti de 16 corre llama 3 8b?", "rtx-4060-ti-16gb"),  # no unit: a size the card is sold in
        ("can a 3060 with 8 GB of RAM run llama 3 8b", "rtx-3060-12gb"),  # system RAM, not the card's
    ],
)
def test_a_memory_size_picks_the_card_sold_with_it(question: str, gpu: str) -> None:
    """The memory a question gives picks that variant of the card, never one that contradicts it."""
    assert understand(question).gpu == gpu


@pytest.mark.parametrize("question", ["can a 4090 with 48GB run llama 3 70b", "¿una 4090 de 48 GB corre llama 3 70b?"])
def test_a_memory_the_card_is_not_sold_with_is_an_unknown_gpu(question: str) -> None:
    """A 4090 "with 48 GB" does not exist: an unknown GPU, never the 24 GB card answered as if it had 48."""
    answer = ask(question)
    assert answer.error == "unknown_gpu" and "48" in answer.title


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        ("can a 4090 run llama 3.1 8b", "what about the 70B?"),
        ("¿puede una 4090 correr llama 3.1 8b?", "¿y el de 70B?"),
    ],
)
def test_a_bare_size_in_a_follow_up_stays_in_the_family(first: str, follow_up: str) -> None:
    """ "What about the 70B?" after Llama 3.1 8B is Llama 3.1 70B (not Llama 2 70B), and the answer says so."""
    answer = ask(follow_up, previous=ask(first))
    assert answer.model is not None and answer.model.id == "llama-3.1-70b"
    assert "Llama 3.1 70B" in answer.text.split("\n")[1]


# Bare sizes: the entry the catalog marks ``size_default: true`` for that size wins; without one, the documented
# rule (entities.CURRENT_FAMILIES) takes a model sold as that size, newest family first. Hand-picked from the
# release dates: Qwen2.5 7B (2024-09) is the newest "7B"; Llama 3.3 70B (2024-12) the newest "70B"; Qwen3 8B
# (2025-04) the newest "8B"; Llama 2 13B (2023-07) the only general "13B".
@pytest.mark.parametrize(
    ("question", "size", "model"),
    [
        ("can a 4090 run a 7B", "7b", "qwen2.5-7b"),
        ("¿puede una 4090 correr un modelo de 7B?", "7b", "qwen2.5-7b"),
        ("how much vram for a 70b model", "70b", "llama-3.3-70b"),
        ("¿cuánta VRAM necesita un modelo de 70B?", "70b", "llama-3.3-70b"),
        ("can a 4060 run an 8B", "8b", "qwen3-8b"),
        ("¿Cuánta VRAM necesito para entrenar un modelo de 13B?", "13b", "llama-2-13b"),
    ],
)
def test_a_bare_size_takes_a_current_model_and_says_which(question: str, size: str, model: str) -> None:
    """ "A 7B" is the catalog's model of that size (never LLaMA 1 or Llama 2 when a newer one exists), named."""
    marked = [m.id for m in load_catalog().models if getattr(m, "size_default", False) and size in m.id.split("-")]
    answer = ask(question)
    assert answer.model is not None and answer.model.id == (marked[0] if marked else model)
    assert answer.model.name in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "can an rtx 4060 super run llama 3 8b",  # sold as 4060, 4060 Ti, 4070 Super: no 4060 Super
        "¿puede una rtx 4060 super correr llama 3 8b?",
    ],
)
def test_a_card_variant_that_does_not_exist_is_unknown(question: str) -> None:
    """ "RTX 4060 Super" is not answered as the RTX 4060: an unknown card, with the real ones close to it."""
    answer = ask(question)
    if answer.error is None:
        assert answer.gpu is not None and "super" in answer.gpu.name.lower()
        return
    assert answer.error == "unknown_gpu" and "rtx 4060 super" in answer.title and "RTX 4060" in answer.title


@pytest.mark.parametrize(
    "question",
    [
        "can a Ryzen AI Max+ 395 with 128GB run llama 3 70b",
        "¿puede un DGX Spark correr llama 3 70b?",
        "can a jetson agx orin 64gb run llama 3 8b",
    ],
)
def test_a_machine_the_catalog_lacks_is_never_a_bare_budget(question: str) -> None:
    """A unified-memory machine not in the catalog is an unknown machine, never "128 GiB of VRAM"."""
    answer = ask(question)
    assert answer.gpu is None or answer.gpu.id is not None, answer.text  # never the bare-budget stand-in
    if answer.error is not None:
        assert answer.error == "unknown_gpu"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("I have 128 GB of unified memory, can I run llama 3 70b?", "en"),
        ("tengo 128 GB de memoria unificada, ¿puedo correr llama 3 70b?", "es"),
    ],
)
def test_unified_memory_alone_is_questioned(question: str, language: str) -> None:
    """128 GB of unified memory is not 128 GiB of VRAM: the answer asks for the machine, in the user's language."""
    answer = ask(question)
    assert answer.error == "invalid_query" and answer.memory is None and answer.language == language
    assert "128" in answer.title and ("Mac Studio" in answer.title)


@pytest.mark.parametrize(
    ("question", "note"),
    [
        ("can a 4060 ti run llama 3 8b", 'Taking "4060 ti" as GeForce RTX 4060 Ti 8GB.'),
        ("¿puede una 4060 ti correr llama 3 8b?", 'Entiendo "4060 ti" como GeForce RTX 4060 Ti 8GB.'),
    ],
)
def test_a_card_sold_in_several_sizes_says_which_it_took(question: str, note: str) -> None:
    """With no memory given, the answer says which variant of the card it answered for."""
    assert note in ask(question).text
