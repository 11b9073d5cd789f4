"""Answering: verdicts, figures from the estimator, recommendations, follow-ups, help, unknowns and errors."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge import Answer, Job, Query, answer, ask, load_catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import to_gib
from knowledge.estimator.verdicts import assess, gpus_needed
from knowledge.i18n import gib, t

CATALOG = load_catalog()


def job(model: str, gpu: str | None = None, **fields: Any) -> Job:
    return Job(model=CATALOG.find_model(model), gpu=CATALOG.find_gpu(gpu) if gpu else None, **fields)


# question -> the verdict (checked against the estimator's own verdict for the same job below)
VERDICTS = [
    ("Can an RTX 4090 run Llama 3 8B?", "yes"),
    ("can an h100 run llama 3 8b", "yes"),
    ("can a 3060 run phi-2", "yes"),
    ("can a 1060 run gpt-2", "yes"),
    ("can two 4090s run llama 2 70b in 4-bit", "yes"),
    ("can a 4090 fine-tune llama 3 8b with qlora", "yes"),
    ("can a 4090 fine-tune llama 3 8b with lora", "yes"),
    ("can 24gb run llama 3 8b", "yes"),
    # "4-bit" reads as GPTQ, which has no Apple kernels: the change is a 4-bit type that runs there (Q4_K_M).
    ("can a mac with 64gb run llama 3 70b in 4-bit", "with_changes"),
    ("¿Puede una 4090 correr Llama 3 8B?", "yes"),
    # TRL + PEFT: NF4 base (~5.7 GB with its 16-bit embeddings), embeddings and head upcast to fp32 (+2.1 GB for a
    # 128k vocabulary), checkpointing and TRL's chunked loss (no full logits): ~9.8 GiB of 11.8 GiB, room kept.
    ("¿Puedo entrenar Llama 3 8B con QLoRA en una 3060?", "yes"),
    ("can a 3060 run mistral 7b", "with_changes"),
    ("can a 3090 fine-tune llama 2 13b with lora", "with_changes"),
    ("can a 4060 train a 7B?", "with_changes"),
    ("can an a100 80gb fine-tune llama 2 7b", "with_changes"),
    ("can a t4 run llama 2 13b", "with_changes"),
    ("¿Puedo correr Mixtral en una RTX 3090?", "with_changes"),
    ("¿Me sirve una 3060 para afinar Mistral 7B?", "with_changes"),
    ("¿puedo usar llama 2 7b en una 4060 con contexto de 4k?", "with_changes"),
    ("can a 4060 run llama 3 70b", "no"),
    ("can a gtx 1060 train llama 2 70b", "no"),
    ("can my 4090 run llama 2 70b", "no"),
    ("can a 4060 run deepseek v3", "no"),
    ("can an m1 run llama 3 70b", "no"),
    ("¿Cabe Llama 3.1 70B en una RTX 4090?", "no"),
    ("¿Puede una RTX 4060 correr DeepSeek R1?", "no"),
]


@pytest.mark.parametrize(("question", "verdict"), VERDICTS, ids=[q[:60] for q, _ in VERDICTS])
def test_fit_verdicts(question: str, verdict: str) -> None:
    """A fit question gets the verdict the estimator gives for that job, with its memory as asked."""
    reply = ask(question)
    assert (reply.intent, reply.verdict) == ("fit", verdict)
    assert reply.model is not None and reply.gpu is not None and reply.memory is not None
    gpu = CATALOG.gpu(reply.gpu.id) if reply.gpu.id else None
    if gpu is not None:
        asked = job(reply.model.id, gpu.id, task=reply.task, precision=reply.precision, gpus=reply.gpu.count)
        assert assess(asked).verdict == verdict
        assert reply.memory.total_gib == pytest.approx(estimate(asked).total_gib)
    if verdict == "yes":
        assert reply.suggestion is None
    else:
        assert reply.suggestion, reply.text
        assert reply.suggestion in reply.text


def test_training_a_7b_on_a_4060_names_full_training_and_qlora() -> None:
    """ "Can a 4060 train a 7B?": full training needs over 100 GiB (16 bytes a parameter); with no framework named,
    QLoRA with Unsloth on shorter sequences fits the 8 GB card, and the answer says it leaves transformers."""
    reply = ask("Can a 4060 train a 7B?")
    assert reply.model is not None and reply.task == "full_finetune" and reply.verdict == "with_changes"
    full = estimate(job(reply.model.id, "rtx-4060", task="full_finetune"))
    assert full.total_gib > 16 * 7e9 / 2**30  # 104 GiB of weights, gradients and AdamW states alone
    assert gib(full.total_gib, "en") in reply.text
    assert reply.suggestion is not None and "Unsloth" in reply.suggestion and "QLoRA" in reply.suggestion
    assert reply.model.name in reply.text  # which model stands for "a 7B" is said


def test_with_changes_names_the_cheapest_change_and_its_memory() -> None:
    """The suggestion is the estimator's cheapest change, with that change's memory."""
    reply = ask("Can an RTX 4070 run Llama 2 13B?")
    verdict = assess(job("llama-2-13b", "rtx-4070"))
    assert verdict.change is not None
    precision = verdict.change.job.precision
    assert precision is not None
    assert precision.upper() in (reply.suggestion or "").upper()
    assert gib(to_gib(verdict.change.estimate.memory.total_bytes), "en") in (reply.suggestion or "")


def test_no_says_what_would_fit_in_the_askers_class_of_machine() -> None:
    """A "no" names hardware that does hold the job, of the asker's kind: a 4090 owner hears of desktop cards in
    one machine (Llama 2 70B in FP16 is ~128 GiB: 8 × 24 GiB RTX 4090 with tensor parallel 8, as 64 heads
    allow), not of a server card; the estimator agrees it fits there."""
    reply = ask("can my 4090 run llama 2 70b")
    assert reply.verdict == "no" and reply.suggestion
    assert "8× GeForce RTX 4090" in reply.suggestion
    assert estimate(job("llama-2-70b", "RTX 4090", gpus=8)).fits
    assert not any(g.name in reply.suggestion for g in CATALOG.gpus if g.form_factor == "server")


def test_a_mac_user_hears_of_a_mac() -> None:
    """A Mac mini M4 (16 GB) cannot hold Llama 3.1 70B (~141 GiB in FP16); what would hold it is a Mac with
    more memory (an M2 Ultra's 192 GB at its 75 % GPU share = 144 GiB), never an MI300X."""
    reply = ask("can my Mac mini M4 16GB run Llama 3.1 70B?")
    assert reply.verdict == "no" and reply.suggestion
    assert "Apple" in reply.suggestion and "MI300X" not in reply.suggestion


def test_requirements_total_breakdown_and_other_precisions() -> None:
    """Requirements give the estimator's total and breakdown, and the other precisions one line each."""
    reply = ask("How much VRAM does Llama 3 8B need?")
    expected = estimate(job("llama-3-8b"))
    assert reply.intent == "requirements" and reply.verdict is None
    assert reply.memory is not None and reply.memory.total_gib == expected.total_gib
    assert reply.memory.ram_gib == expected.ram_gib
    names = [f.name for f in reply.fields]
    assert names[:2] == ["Weights", "KV cache"] and "Total" in names and "System RAM" in names
    for precision in ("int8", "q4_k_m"):
        other = estimate(job("llama-3-8b", precision=precision))
        assert gib(other.total_gib, "en") in reply.text


def test_requirements_for_training_list_the_other_methods() -> None:
    """Training requirements list the other methods (LoRA, QLoRA) with their memory."""
    reply = ask("¿Cuánta VRAM necesito para entrenar Llama 2 7B?")
    assert reply.language == "es" and reply.task == "full_finetune"
    for task in ("lora", "qlora"):
        other = estimate(job("llama-2-7b", task=task))
        assert {"lora": "ajuste fino con LoRA", "qlora": "ajuste fino con QLoRA"}[task] in reply.text
        assert gib(other.total_gib, "es") in reply.text
    assert reply.fields[0].name == "Pesos"


def test_recommend_gpu_lists_the_cheapest_that_fit() -> None:
    """Recommended GPUs fit (per the estimator), in price order, and no cheaper GPU that trains well (matrix units,
    native bf16, CUDA or ROCm) fits."""
    reply = ask("What GPU do I need to fine-tune Llama 2 7B with LoRA?")
    assert reply.intent == "recommend_gpu" and reply.recommendations
    plain = job("llama-2-7b", task="lora")
    prices = []
    for line in reply.recommendations:
        gpu = CATALOG.gpu(line.id)
        assert estimate(plain.model_copy(update={"gpu": gpu})).fits
        prices.append(gpu.price_usd or 0)
    assert prices == sorted(prices)
    for gpu in CATALOG.gpus:
        trains_well = gpu.tensor_cores and gpu.bf16 and gpu.backend in ("cuda", "rocm")
        if gpu.price_usd and gpu.price_usd < prices[0] and trains_well:
            assert not estimate(plain.model_copy(update={"gpu": gpu})).fits, gpu.id


def test_how_many_gpus_is_the_fewest_deployable_layout_that_fits() -> None:
    """ "How many H100s ..." gives the count the estimator needs in a layout engines deploy: 405B in FP16 is
    about 756 GiB of weights, more than one node of 8 × 80 GiB = 640 GiB, so two nodes, tensor parallel 8
    (128 heads / 8 = 16 per GPU) × pipeline 2; one node does not fit."""
    reply = ask("How many H100s to run Llama 3.1 405B in fp16?")
    assert reply.gpu is not None and reply.gpu.id == "h100-sxm"
    plain = job("llama-3.1-405b", precision="fp16")
    h100 = CATALOG.gpu("h100-sxm")
    assert reply.gpu.count == gpus_needed(plain, h100) == 16
    assert "2 nodes, tensor parallel 8 × pipeline 2" in reply.text
    assert not estimate(plain.model_copy(update={"gpu": h100, "gpus": 8})).fits


def test_recommend_model_lists_the_largest_that_fit() -> None:
    """The recommended models fit the GPU, and no larger catalog model fits at that precision."""
    reply = ask("What's the largest model I can run on a 4090?")
    assert reply.intent == "recommend_model" and reply.recommendations
    gpu = CATALOG.gpu("rtx-4090")
    seen: set[str | None] = set()
    for line in reply.recommendations:
        chosen = CATALOG.model(line.id)
        fields = {"precision": line.precision, "gpu": gpu}
        assert estimate(Job(model=chosen, **fields)).fits
        if line.precision not in seen:  # the first line of each precision is the largest that fits
            seen.add(line.precision)
            for bigger in CATALOG.models:
                if bigger.params > chosen.params:
                    assert not estimate(Job(model=bigger, **fields)).fits, (line.precision, bigger.id)
    assert {line.precision for line in reply.recommendations} >= {"fp16", "q4_k_m"}


def test_speed_gives_the_estimators_tokens_per_second_and_its_bound() -> None:
    """Speed answers give tokens/s from the estimator and say that memory bandwidth bounds it."""
    reply = ask("How fast is Llama 3 8B on an RTX 4090?")
    expected = estimate(job("llama-3-8b", "rtx-4090"))
    assert reply.tokens_per_s == expected.tokens_per_s
    assert "bandwidth" in reply.text


def test_training_time_for_a_token_count() -> None:
    """ "How long to train ... on 1B tokens" gives the estimator's hours for that many tokens."""
    reply = ask("how long to fine-tune llama 2 7b with qlora on 1B tokens on an a100")
    expected = estimate(job("llama-2-7b", "a100-80gb", task="qlora", training_tokens=1_000_000_000))
    assert reply.intent == "speed" and reply.training_hours == expected.training_hours


def test_model_and_gpu_info() -> None:
    """Info answers give the catalog's figures."""
    model = ask("How big is Falcon 7B?")
    assert model.model is not None and model.model.params_b == pytest.approx(CATALOG.model("falcon-7b").params_b, 1e-3)
    gpu = ask("¿Cuánta memoria tiene la RTX 4090?")
    assert gpu.gpu is not None and gpu.gpu.vram_gib == 24 and "24 GiB" in gpu.title
    assert gpu.memory is None and gpu.verdict is None


def test_compare_gpus_prefers_more_memory() -> None:
    """Comparing two GPUs for LLMs, the one with more memory is called the better one."""
    reply = ask("Which is better for LLMs, an RTX 4080 or an RTX 3090?")
    assert reply.intent == "compare" and reply.gpu is not None and reply.gpu.id == "rtx-3090"
    assert "GeForce RTX 4080" in reply.text and "GeForce RTX 3090" in reply.text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_help_examples_are_questions_vrambot_answers(lang: str) -> None:
    """Help lists example questions in the user's language, and each of them is understood."""
    reply = ask("help" if lang == "en" else "ayuda")
    assert reply.intent == "help" and reply.language == lang and reply.error is None
    examples = [t(lang, f"help.example.{n}") for n in range(1, 7)]
    for example in examples:
        assert example in reply.text
        answered = ask(example)
        assert answered.intent not in ("help", "unknown") and answered.error is None, example
        assert answered.language == lang


@pytest.mark.parametrize(
    "question", ["¿Cuál es la capital de Francia?", "What's the weather today?", "how do I train my dog", ""]
)
def test_unknown_suggests_a_question_vrambot_answers(question: str) -> None:
    """An unknown question is not an error: it says so and suggests a close question that is understood."""
    reply = ask(question)
    assert reply.intent == "unknown" and reply.error is None and reply.suggestion
    assert reply.suggestion in reply.text
    assert ask(reply.suggestion).intent not in ("help", "unknown")


@pytest.mark.parametrize(
    ("question", "error", "suggested"),
    [
        ("Can a 4090 run Llama 9 70B?", "unknown_model", "70B"),
        ("¿Puede una RTX 9090 correr Llama 3 8B?", "unknown_gpu", "RTX"),
        ("can a 4090 run a 9000B model", "unknown_model", "B"),
    ],
)
def test_unknown_names_say_did_you_mean(question: str, error: str, suggested: str) -> None:
    """A model or GPU named but not in the catalog gives an error answer with close names, in the user's language."""
    reply = ask(question)
    assert reply.error == error and reply.verdict is None
    did_you_mean = t(reply.language, "error.did_you_mean", suggestions="").split("{")[0].strip(" ?")
    assert did_you_mean.rstrip("?") in reply.text and suggested in reply.text


def test_a_refused_setup_is_an_error_answer_in_the_users_language() -> None:
    """A context over the model's maximum is explained, not raised."""
    reply = ask("¿Puedo correr Llama 2 7B con contexto de 32k en una 4090?")
    assert reply.error == "invalid_query" and reply.language == "es"
    assert "4.096" in reply.text


def test_follow_up_changes_the_gpu() -> None:
    """ "What about a 3090?" keeps the model and task of the previous turn."""
    first = ask("Can an RTX 4060 run Llama 3 8B?")
    second = ask("what about a 3090?", previous=first)
    assert second.model is not None and second.model.id == "llama-3-8b"
    assert second.gpu is not None and second.gpu.id == "rtx-3090"
    assert (second.intent, second.task, second.verdict) == ("fit", "inference", "yes")


def test_follow_up_in_spanish_changes_the_method() -> None:
    """ "¿y con QLoRA?" keeps the model and GPU and answers for QLoRA, in Spanish."""
    first = ask("¿Puedo entrenar Llama 3 8B en una RTX 4060?")
    second = ask("¿y con QLoRA?", previous=first)
    assert second.model is not None and second.model.id == "llama-3-8b"
    assert second.gpu is not None and second.gpu.id == "rtx-4060"
    assert (second.task, second.language) == ("qlora", "es")


def test_follow_up_changes_the_model_and_adds_hardware() -> None:
    """A follow-up naming a model swaps it; one naming a GPU turns requirements into a verdict."""
    first = ask("How much VRAM does Llama 3 8B need?")
    on_gpu = ask("and on a 4060?", previous=first)
    assert (on_gpu.intent, on_gpu.gpu and on_gpu.gpu.id) == ("fit", "rtx-4060")
    other = ask("what about mistral 7b?", previous=on_gpu)
    assert other.model is not None and other.model.id == "mistral-7b-v0.3"
    assert other.gpu is not None and other.gpu.id == "rtx-4060"


def test_a_new_question_is_not_a_follow_up() -> None:
    """A complete question after another is answered on its own."""
    first = ask("Can an RTX 4060 run Llama 3 8B?")
    second = ask("How big is Falcon 7B?", previous=first)
    assert (second.intent, second.gpu) == ("model_info", None)


def test_answer_takes_a_query_built_by_hand() -> None:
    """knowledge.answer answers a Query from a slash command's options, with no text to parse."""
    reply = answer(Query(intent="fit", language="es", model="llama-3-8b", gpu="rtx-4090", task="qlora"))
    assert (reply.verdict, reply.language, reply.task) == ("yes", "es", "qlora")


@pytest.mark.parametrize(
    "question",
    [q for q, _ in VERDICTS[:6]]
    + ["How much VRAM for Mixtral 8x7B at 4-bit?", "¿Qué GPU necesito para usar LLaMA 65B?", "ayuda", "rtx 4090"],
)
def test_every_answer_is_one_chat_message(question: str) -> None:
    """Text fits a chat message; one assumptions line; a link to the site page of the model or GPU."""
    reply = ask(question)
    assert len(reply.text) < 1500 and reply.title in reply.text
    assert reply.assumptions and "\n" not in reply.assumptions
    assert reply.url is not None and reply.url.startswith("http") and reply.url in reply.text
    if reply.model is not None:
        assert reply.model.id in reply.url
    elif reply.gpu is not None and reply.gpu.id is not None:
        assert reply.gpu.id in reply.url


def test_spanish_answers_write_numbers_the_spanish_way() -> None:
    """Spanish answers use a decimal comma and Spanish labels."""
    reply = ask("¿Cuánta VRAM necesita Llama 3 8B?")
    assert reply.memory is not None
    assert gib(reply.memory.total_gib, "es") in reply.text and "," in gib(reply.memory.total_gib, "es")
    assert reply.text.startswith("Llama 3 8B necesita")


def test_answers_are_answers() -> None:
    """ask returns the Answer model the bots render."""
    assert isinstance(ask("help"), Answer)


def test_server_sized_jobs_also_offer_several_desktop_cards() -> None:
    """When only server GPUs hold a job alone, the answer also says how many desktop cards would."""
    reply = ask("What GPU do I need to run Llama 2 70B?")
    several = [r for r in reply.recommendations if r.count > 1]
    assert several and several[0].id == "rtx-4090"
    assert several[0].count == gpus_needed(job("llama-2-70b"), CATALOG.gpu("rtx-4090"))
    assert all(CATALOG.gpu(r.id).segment == "datacenter" for r in reply.recommendations if r.count == 1)


def test_follow_up_on_a_query() -> None:
    """A previous Query (a slash command's options) works as the previous turn too."""
    previous = Query(intent="fit", language="es", model="llama-3-8b", gpu="rtx-4090", task="full_finetune")
    reply = ask("¿y con QLoRA?", previous=previous)
    assert (reply.task, reply.verdict, reply.language) == ("qlora", "yes", "es")


@pytest.mark.parametrize(
    "fields",
    [{"batch": -1}, {"training_tokens": 0, "task": "qlora"}, {"context_tokens": -5}, {"gpu_count": 100_000}],
    ids=["negative batch", "zero tokens", "negative context", "absurd gpu count"],
)
def test_a_hand_built_query_out_of_range_is_an_error_answer(fields: dict[str, Any]) -> None:
    """A slash command passing a value out of range gets an error answer naming it, not an exception."""
    reply = answer(Query(intent="fit", model="llama-3-8b", gpu="rtx-4090", **fields))
    assert reply.error == "invalid_query" and reply.text


def test_public_api() -> None:
    """knowledge exports ask and answer."""
    import knowledge

    assert {"ask", "answer", "Answer", "Query"} <= set(knowledge.__all__)


def test_a_layer_splitting_runtime_is_named_in_the_layout() -> None:
    """LitGPT runs several GPUs one layer block after another, like llama.cpp: the answer names LitGPT, not
    llama.cpp, and promises no speed-up (in both languages)."""
    en = ask("can 2x 4090 run llama 3 8b with litgpt")
    es = ask("¿puede 2x 4090 correr llama 3 8b con litgpt?")
    assert "LitGPT splits the layers over 2 GPUs" in en.text and "llama.cpp" not in en.text
    assert "LitGPT reparte las capas entre 2 GPUs" in es.text
