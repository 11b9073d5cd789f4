"""Hugging Face Hub references in what people type: ``org/name`` or ``https://huggingface.co/org/name``.

A URL is always a reference. A bare ``org/name`` is one when it reads like a repo id rather than a choice
written with a slash ("fp16/bf16", "A100/H100", "training/inference"): both parts hold a letter, neither is a
precision or everyday word, and they are not two hardware-like names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PART = r"[A-Za-z0-9][\w.-]{0,95}"
_URL = re.compile(
    rf"(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|models/)(?P<repo>{_PART}/{_PART})"
    r"(?:/[^\s]*)?",
    re.IGNORECASE,
)
_BARE = re.compile(rf"(?<![\w/.:@-])(?P<repo>(?P<org>{_PART})/(?P<name>{_PART}))(?![\w/])")
_HARDWARE_LIKE = re.compile(r"^[a-z]{0,6}-?\d{1,5}[a-z]{0,4}$")  # a100, h100, rtx4090, 3090ti, m2
_WORDS = frozenset(
    {
        "fp32", "fp16", "bf16", "fp8", "fp4", "int8", "int4", "nf4", "gptq", "awq", "gguf", "mlx",
        "yes", "no", "and", "or", "y", "o", "si", "inference", "training", "train", "run", "tokens", "token",
        "gb", "gib", "vram", "ram", "cpu", "gpu", "gpus", "lora", "qlora", "s", "sec", "second",
    }
)


@dataclass(frozen=True)
class HubReference:
    """A repo id found in text, and where (character offsets in that text)."""

    repo: str
    start: int
    end: int


def _clean(repo: str) -> str:
    return repo.rstrip(".").removesuffix(".git")


def _plausible(org: str, name: str) -> bool:
    org_l, name_l = org.lower(), name.lower()
    if not re.search(r"[a-z]", org_l) or not re.search(r"[a-z]", name_l) or len(org) < 2 or len(name) < 2:
        return False
    if org_l in _WORDS or name_l in _WORDS:
        return False
    return not (_HARDWARE_LIKE.match(org_l) and _HARDWARE_LIKE.match(name_l))


def find_hub_reference(text: str) -> HubReference | None:
    """The first Hub repo named in free text, if any."""
    url = _URL.search(text)
    if url is not None:
        return HubReference(_clean(url.group("repo")), url.start(), url.end())
    for match in _BARE.finditer(text):
        repo = _clean(match.group("repo"))
        org, _, name = repo.partition("/")
        if _plausible(org, name):
            return HubReference(repo, match.start(), match.start() + len(repo))
    return None


def hub_reference(name: str) -> str | None:
    """The repo id when a whole argument is a Hub reference ("org/name" or its URL), else None."""
    name = name.strip().rstrip("/")
    url = _URL.fullmatch(name)
    if url is not None:
        return _clean(url.group("repo"))
    bare = _BARE.fullmatch(name)
    if bare is not None and re.search(r"[A-Za-z]", bare.group("name")):
        return _clean(bare.group("repo"))
    return None
