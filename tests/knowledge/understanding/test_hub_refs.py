"""Hugging Face repo ids and URLs in questions: read as the exact model named, never swapped for a catalog one."""

from __future__ import annotations

import pytest

from knowledge.answering.respond import ask
from knowledge.understanding.hub_refs import find_hub_reference, hub_reference
from knowledge.understanding.understand import understand


@pytest.mark.parametrize(
    ("text", "repo"),
    [
        ("can a 4090 run Qwen/Qwen2.5-Coder-32B?", "Qwen/Qwen2.5-Coder-32B"),
        ("https://huggingface.co/meta-llama/Llama-3.1-8B/tree/main on a 3090", "meta-llama/Llama-3.1-8B"),
        ("¿cabe hf.co/google/gemma-3-4b-it.", "google/gemma-3-4b-it"),
        ("openai/gpt-oss-20b en una 3090", "openai/gpt-oss-20b"),
        ("fp16/bf16 on an A100/H100", None),
        ("training/inference of llama 3 8b", None),
        ("3090/4090 for qwen 7b", None),
        ("see https://huggingface.co/datasets/org/data", None),
    ],
)
def test_repo_ids_in_free_text(text, repo):
    found = find_hub_reference(text)
    assert (found.repo if found else None) == repo


@pytest.mark.parametrize(
    ("argument", "repo"),
    [
        ("org/name", "org/name"),
        ("https://huggingface.co/org/name/", "org/name"),
        ("Llama 2 7B", None),
        ("a/b/c", None),
    ],
)
def test_a_whole_argument(argument, repo):
    assert hub_reference(argument) == repo


def test_a_repo_outside_the_catalog_is_kept_as_typed():
    """Qwen2.5-Math-7B is not Qwen2.5 7B: the repo id is the model, no size or family is read inside it."""
    query = understand("can a 4090 run Qwen/Qwen2.5-Math-7B?")
    assert query.model == "Qwen/Qwen2.5-Math-7B" and query.model_size_b is None
    assert query.gpu == "rtx-4090" and query.intent == "fit"


def test_a_catalog_models_base_repo_is_the_catalog_model():
    """Qwen2.5-Coder-32B (base) and -Instruct are one catalog model, and not Qwen2.5 32B."""
    assert understand("can a 4090 run Qwen/Qwen2.5-Coder-32B?").model == "qwen2.5-coder-32b"


def test_the_catalogs_source_repo_is_the_catalog_model():
    """meta-llama/Llama-3.1-8B is where the catalog's Llama 3.1 8B comes from."""
    assert understand("can a 4090 run https://huggingface.co/meta-llama/Llama-3.1-8B").model == "llama-3.1-8b"


def test_without_a_resolver_a_hub_model_is_unknown():
    """knowledge alone does no I/O: a repo the catalog lacks is an unknown model, named as typed."""
    answer = ask("can a 4090 run acme/Unknown-7B?")
    assert answer.error == "unknown_model" and "acme/Unknown-7B" in answer.text
