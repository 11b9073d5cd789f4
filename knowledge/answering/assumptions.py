"""An estimate's assumptions as text, in English or Spanish (message catalog domain ``assumptions``)."""

from __future__ import annotations

import functools

from knowledge.estimator.job import Assumption, Estimate
from knowledge.glossary import precision_name
from knowledge.i18n import LOCALES, Language, Messages, number

# The assumptions worth a place in a chat answer's one-line summary, in order.
_SHORT = (
    "assume.hub",
    "assume.hub_differs",
    "assume.hub_config",
    "assume.gguf_file",
    "assume.cannot.runtime_precision",
    "assume.cannot.runtime_backend",
    "assume.cannot.runtime_old_gpu",
    "assume.cannot.precision_backend",
    "assume.cannot.precision_old_gpu",
    "assume.cannot.precision_no_fp8",
    "assume.no_bf16_training_no_fa2",
    "assume.no_bf16_training",
    "assume.no_bf16_no_fa2",
    "assume.no_bf16",
    "assume.no_fa2",
    "assume.runtime",
    "assume.inference",
    "assume.training",
    "assume.mixed",
    "assume.mixed_fp16",
    "assume.pure",
    "assume.lora",
    "assume.tensor_parallel",
    "assume.tensor_pipeline",
    "assume.tensor_pipeline_one_node",
    "assume.layer_split",
    "assume.zero",
    "assume.vllm",
    "assume.sglang",
    "assume.unified",
    "assume.weight_only",
)


@functools.cache
def _messages() -> Messages:
    return Messages(LOCALES, "assumptions")


_PRECISION_FIELDS = frozenset({"precision", "base"})  # fields that hold a precision id, named by the glossary


def _format(assumption: Assumption, lang: Language) -> str:
    fields = {
        key: number(value, lang, 2)
        if isinstance(value, float)
        else precision_name(str(value), lang)
        if key in _PRECISION_FIELDS
        else value
        for key, value in assumption.fields.items()
    }
    return _messages()(lang, assumption.key, **fields)


def assumption_lines(result: Estimate, lang: Language) -> list[str]:
    """Every assumption of the estimate, one sentence each."""
    return [_format(a, lang) for a in result.assumptions]


def assumption_summary(result: Estimate, lang: Language) -> str:
    """The few assumptions that matter most, joined into one short line."""
    chosen = [a for key in _SHORT for a in result.assumptions if a.key == key]
    if result.job.kv_precision not in (None, "fp16", "bf16"):  # a KV cache set apart from the weights ("q8_0 KV")
        chosen += [a for a in result.assumptions if a.key == "assume.kv"]
    return "; ".join(_format(a, lang) for a in chosen)
