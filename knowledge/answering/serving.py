"""Serving answers: "how many users can an L40S serve Llama 3.1 8B at 8k context?" — the sequences of that
context vLLM (or SGLang, when named) holds at once, and the throughput at that concurrency."""

from __future__ import annotations

from knowledge.answering.situation import Draft, Situation
from knowledge.answering.wording import RUNTIME_LABELS, hardware, is_budget, memory_fields, precision_label, tokens
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import to_gib
from knowledge.estimator.precision import resolve
from knowledge.estimator.serving import Engine, serve
from knowledge.i18n import gib, number, t


def serving(sit: Situation) -> Draft:
    lang = sit.lang
    assert sit.model is not None
    if sit.gpu is None or is_budget(sit.gpu):
        return Draft(title=t(lang, "serve.no_gpu", model=sit.model.name))
    runtime = sit.query.runtime
    engine: Engine = "sglang" if runtime == "sglang" else "vllm"
    said: list[str] = []
    if runtime not in (None, "vllm", "sglang"):
        said.append(t(lang, "adjusted.serve_engine", runtime=RUNTIME_LABELS.get(runtime, runtime)))
    asked = sit.query.precision
    gguf = asked is not None and resolve(asked).kind == "gguf"
    job = sit.job(task="inference", precision=None if gguf else asked, runtime="vllm", batch=1)
    served = serve(job, engine)
    where = hardware(lang, sit.gpu, sit.count)
    names = {
        "model": sit.model.name,
        "hardware": where,
        "engine": "SGLang" if engine == "sglang" else "vLLM",
        "context": number(served.context_tokens, lang, 0),
        "precision": precision_label(lang, estimate(job).job.precision),
    }
    if gguf:  # vLLM and SGLang serve 16-bit, FP8, AWQ or GPTQ checkpoints, not GGUF files
        said.append(
            t(
                lang,
                "adjusted.serve_gguf",
                engine=names["engine"],
                precision=precision_label(lang, asked),
                used=names["precision"],
            )
        )
    result = estimate(job.model_copy(update={"batch": max(served.sequences, 1)}))
    draft = Draft(title="", lines=said, estimate=result, fields=memory_fields(lang, result))
    draft.concurrent_sequences = served.sequences
    if served.sequences == 0:
        draft.title = t(lang, "serve.none", **names)
    else:
        draft.title = t(lang, "serve.title", sequences=number(served.sequences, lang, 0), **names)
        draft.tokens_per_s = served.tokens_per_s
        draft.lines.append(
            t(
                lang,
                "serve.throughput",
                tps=number(served.tokens_per_s, lang, 0),
                each=number(served.tokens_per_s / served.sequences, lang, 1),
            )
        )
    key = "serve.pool_vllm" if engine == "vllm" else "serve.pool_sglang"
    draft.lines.append(
        t(
            lang,
            key,
            kv=gib(to_gib(served.kv_bytes), lang),
            kv_tokens=tokens(lang, served.kv_tokens),
            weights=gib(to_gib(served.weights_bytes), lang),
            activations=gib(to_gib(served.activation_bytes + served.overhead_bytes), lang),
            fraction=number(served.memory_fraction, lang, 2),
        )
    )
    return draft
