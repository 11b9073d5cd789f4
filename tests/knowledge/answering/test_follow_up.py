"""A follow-up keeps every setting of the previous turn that the new question does not change, and the
answer carries the query it was answered for (catalog ids and every setting used)."""

from __future__ import annotations

from knowledge import ask


def test_follow_up_keeps_runtime_and_batch() -> None:
    """ "with vllm at batch size 8" then "what about a 3090?" stays on vLLM at batch 8."""
    first = ask("can a 4090 run llama 3 8b with vllm at batch size 8")
    second = ask("what about a 3090?", previous=first)
    assert (first.query.runtime, first.query.batch) == ("vllm", 8)
    assert second.query.gpu_id == "rtx-3090"
    assert second.query.model_id == "llama-3-8b"
    assert (second.query.runtime, second.query.batch) == ("vllm", 8)


def test_follow_up_keeps_optimizer_and_context() -> None:
    """A training question's optimizer and sequence length survive a change of GPU."""
    first = ask("can a 4090 full fine-tune llama 3 8b with adafactor at 1024 tokens of context")
    second = ask("and on an A100 80GB?", previous=first)
    assert second.query.gpu_id == "a100-80gb"
    assert second.query.optimizer == "adafactor"
    assert second.query.context_tokens == 1024
    assert second.query.task == "full_finetune"


def test_new_setting_replaces_only_itself() -> None:
    """A follow-up that names a precision changes the precision and keeps the runtime."""
    first = ask("can a 4090 run llama 3 8b with vllm at batch size 8")
    second = ask("what about in 8-bit?", previous=first)
    assert second.query.precision == "int8"
    assert (second.query.runtime, second.query.batch) == ("vllm", 8)


def test_query_reports_defaults_as_defaults() -> None:
    """Settings the question left out are reported with the value used and listed as defaults."""
    answer = ask("can a 4060 run llama 3 8b")
    # Inference defaults (README): 16-bit weights, 4,096 tokens of context, batch 1.
    assert answer.query.context_tokens == 4096
    assert answer.query.batch == 1
    assert {"context_tokens", "precision"} <= set(answer.query.defaults)
    assert "optimizer" not in answer.query.model_dump(exclude_none=True)  # no optimizer in inference


def test_default_does_not_stick_to_a_follow_up() -> None:
    """A default of one turn is not carried as if asked: inference then "fine-tune it" trains in mixed bf16."""
    first = ask("can an A100 80GB run llama 3 8b")
    second = ask("and full fine-tune it?", previous=first)
    assert second.query.task == "full_finetune"
    assert second.query.precision == "mixed"
