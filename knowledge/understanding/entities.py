"""Models and GPUs named in free text, found in the catalog the way people type them.

The text is split into tokens ("llama-2-13b" → ``llama 2 13b``); every run of up to six tokens is looked up
in the catalog's names and aliases (longest first), then runs that start at a family word ("lama", "mixtrl")
or a GPU word ("rtx", "a100") are matched fuzzily. A fuzzy match may fix letters, never numbers: "lama 2 7b" is
Llama 2 7B, but "llama 9 70b" is an unknown model (with suggestions), not Llama 3 70B.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from knowledge.estimator.catalog import Catalog, Gpu, Model
from knowledge.understanding.lexicon import GPU_PREFIX, fold

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*")
_HUB_ORG = re.compile(r"(?<![\w/.-])[a-z][a-z0-9_.-]{2,}/(?=[a-z][a-z0-9_.-]*\d)")
_SIZE_WORD = re.compile(r"(\d+(?:\.\d+)?)b")
_LETTERS = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_MULTIPLIER = re.compile(r"(?<![\w.])(\d{1,2})\s?[x*]\s?(?=[a-z]{0,5}\s?\d{2,4}(?![\d.]*\s?b\b)(?!\d))")
_MEMORY_SUFFIX = re.compile(r"\s*\(?\b\d+(?:\.\d+)?\s?gb\)?", re.IGNORECASE)
_LINKERS = frozenset({"de", "with", "con", "of", "w", "la", "el", "the", "version", "variant", "edition"})
_MAX_SPAN = 6
_FUZZY_CUTOFF = 86.0
# Words that name a family in the text but are also everyday words: matched only exactly, never fuzzily.
_COMMON = frozenset({"phi", "a", "an", "on", "in", "is", "it", "mi", "me"})


@dataclass(frozen=True)
class Token:
    text: str  # folded
    start: int  # character offsets in the folded text
    end: int
    plural: bool = False  # "3090s"


@dataclass(frozen=True)
class Found:
    """A catalog entry (or an unknown name) found at tokens [first, last)."""

    kind: str  # "model" or "gpu"
    id: str | None  # None: named but not in the catalog
    text: str  # the words as typed (folded)
    first: int
    last: int
    start: int  # character offsets in the folded text
    end: int
    plural: bool = False


def tokenize(folded: str) -> list[Token]:
    """Tokens of folded text, with "2x4090" split into "2 x 4090" and a plural "s" dropped from "3090s"."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(folded):
        word = match.group()
        plural = False
        if len(word) > 2 and word.endswith("s") and word[-2].isdigit():
            word, plural = word[:-1], True
        tokens.append(Token(word, match.start(), match.end(), plural))
    return tokens


def split_multipliers(folded: str) -> str:
    """ "2x4090" → "2 x 4090", "8xh100" → "8 x h100"; "8x7b" (Mixtral) is left alone. A Hugging Face
    organisation ("meta-llama/Llama-3.1-8B") is dropped: the model's own name follows it."""
    return _MULTIPLIER.sub(lambda m: f"{m.group(1)} x ", _HUB_ORG.sub(" ", folded))


def _digits(text: str) -> tuple[str, ...]:
    return tuple(_DIGITS.findall(text))


def _alpha_prefix(word: str) -> str:
    """The letters a word starts with: "qwen2.5" → "qwen", "llama3" → "llama"."""
    match = _LETTERS.match(word)
    return match.group() if match else ""


@dataclass
class _Table:
    names: dict[str, str] = field(default_factory=dict)  # compact name → id
    anchors: set[str] = field(default_factory=set)  # first words that start a name ("llama", "rtx")


class Index:
    """Name tables of one catalog, built once."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.models = self._table(catalog.models)
        self.gpus = self._table(catalog.gpus)
        self.gpus.anchors |= GPU_PREFIX
        self.model_prefixes: dict[str, list[Model]] = {}
        for model in catalog.models:
            for name in (model.name, model.family, *model.aliases):
                words = tokenize(_fold(name))
                if words:
                    prefix = _alpha_prefix(words[0].text)
                    if len(prefix) >= 3 and model not in self.model_prefixes.setdefault(prefix, []):
                        self.model_prefixes[prefix].append(model)
        self._siblings: dict[str, tuple[Gpu, ...]] = {}
        for gpu in catalog.gpus:
            base = _MEMORY_SUFFIX.sub("", gpu.name).strip().lower()
            self._siblings[base] = (*self._siblings.get(base, ()), gpu)

    @staticmethod
    def _table(items: Iterable[Model] | Iterable[Gpu]) -> _Table:
        table = _Table()
        for item in items:
            for name in (item.id, item.name, *item.aliases):
                words = tokenize(_fold(name))
                key = "".join(w.text for w in words)
                if key:
                    table.names.setdefault(key, item.id)
                if words and not words[0].text.isdigit():
                    table.anchors.add(words[0].text)
                    prefix = _alpha_prefix(words[0].text)
                    if len(prefix) >= 3:
                        table.anchors.add(prefix)
        return table

    def sibling(self, gpu: Gpu, memory_gib: float) -> Gpu | None:
        """The same card sold with ``memory_gib`` ("RTX 3060" → "RTX 3060 12GB"), if the catalog has it."""
        base = _MEMORY_SUFFIX.sub("", gpu.name).strip().lower()
        for other in self._siblings.get(base, ()):
            if abs(other.memory_gib - memory_gib) < 0.5:
                return other
        return None


def _fold(text: str) -> str:
    return split_multipliers(fold(text))


@functools.lru_cache(maxsize=4)
def index(catalog: Catalog) -> Index:
    return Index(catalog)


def find(tokens: list[Token], idx: Index) -> list[Found]:
    """Every model and GPU named in the tokens: exact names first (longest first), then fuzzy ones."""
    taken = [False] * len(tokens)
    found: list[Found] = []
    keys = [t.text for t in tokens]
    for length in range(min(_MAX_SPAN, len(tokens)), 0, -1):
        for first in range(len(tokens) - length + 1):
            last = first + length
            if any(taken[first:last]):
                continue
            key = "".join(keys[first:last])
            for kind, table in (("gpu", idx.gpus), ("model", idx.models)):
                hit = table.names.get(key)
                if hit is not None:
                    found.append(_found(kind, hit, tokens, first, last))
                    taken[first:last] = [True] * length
                    break
    found.extend(_fuzzy(tokens, taken, idx))
    return sorted(found, key=lambda f: f.first)


def _found(kind: str, item_id: str | None, tokens: list[Token], first: int, last: int) -> Found:
    return Found(
        kind=kind,
        id=item_id,
        text=" ".join(t.text for t in tokens[first:last]),
        first=first,
        last=last,
        start=tokens[first].start,
        end=tokens[last - 1].end,
        plural=tokens[last - 1].plural,
    )


def _is_gpu_number(word: str) -> bool:
    return bool(re.fullmatch(r"[a-z]{0,2}\d{3,4}[a-z]{0,2}", word)) and not word.endswith("b")


def _fuzzy(tokens: list[Token], taken: list[bool], idx: Index) -> list[Found]:
    """Names typed with a slip, and names that look like a model or GPU but are not in the catalog."""
    found: list[Found] = []
    i = 0
    while i < len(tokens):
        if taken[i]:
            i += 1
            continue
        word = tokens[i].text
        kind = _anchor_kind(word, idx)
        if kind is None:
            i += 1
            continue
        last = i + 1  # extend over version and size words: "llama 9 70b", "rtx 9090 ti"
        while last < len(tokens) and not taken[last] and last - i < 4 and _looks_like_suffix(tokens[last].text):
            last += 1
        span = tokens[i:last]
        text = " ".join(t.text for t in span)
        if kind == "gpu" and not any(ch.isdigit() for ch in text):
            i = last
            continue  # "an amd card", "a mac": a word alone with no model number names no GPU
        table = idx.gpus if kind == "gpu" else idx.models
        hit = _closest("".join(t.text for t in span), table)
        if hit is None and kind == "model":
            hit = _by_family_and_size(span, idx)
        if hit is None and kind == "model" and not any(ch.isdigit() for ch in text):
            i = last  # a family word alone with no close name ("gemini"): not treated as a model
            continue
        if hit is None and kind == "gpu" and word not in idx.gpus.anchors:
            i = last  # a bare number that names no GPU ("8192", "100m"): not treated as a GPU
            continue
        found.append(_found(kind, hit, tokens, i, last))
        taken[i:last] = [True] * (last - i)
        i = last
    return found


def _anchor_kind(word: str, idx: Index) -> str | None:
    if word in _COMMON or len(word) < 3:
        return None
    if word in idx.gpus.anchors or _is_gpu_number(word):
        return "gpu"
    if word in idx.models.anchors:
        return "model"
    prefix = _alpha_prefix(word)
    if len(prefix) >= 4:
        hit = process.extractOne(prefix, idx.models.anchors, scorer=fuzz.ratio, score_cutoff=80)
        if hit is not None:
            return "model"
    return None


def _looks_like_suffix(word: str) -> bool:
    return bool(
        re.fullmatch(
            r"\d+(?:\.\d+)?[bmk]?|v\d+(?:\.\d+)*|\d+x\d+b|x\d+b|ti|super|xt|xtx|max|pro|ultra|mini|nvl|sxm"
            r"|pcie|instruct|chat|it|hf|base|coder|code|\d+gb|ada",
            word,
        )
    )


def _closest(key: str, table: _Table) -> str | None:
    digits = _digits(key)
    best = process.extract(key, table.names.keys(), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=5)
    for name, _score, _ in best:
        if _digits(name) == digits:
            return table.names[name]
    return None


def _by_family_and_size(span: list[Token], idx: Index) -> str | None:
    """ "qwen 7b" → the newest Qwen of about 7B; "llama 13b" → a Llama of about 13B.

    Only a family word and a size: a version that matched nothing ("llama 9 70b", "qwen3 8b") is an unknown model.
    """
    versions = [t for t in span[1:] if any(ch.isdigit() for ch in t.text) and not _SIZE_WORD.fullmatch(t.text)]
    if versions or any(ch.isdigit() for ch in span[0].text):
        return None
    prefix = _alpha_prefix(span[0].text)
    models = idx.model_prefixes.get(prefix)
    if models is None:
        match = process.extractOne(prefix, idx.model_prefixes.keys(), scorer=fuzz.ratio, score_cutoff=80)
        models = idx.model_prefixes[match[0]] if match else None
    sizes = [float(m.group(1)) for t in span if (m := _SIZE_WORD.fullmatch(t.text))]
    if not models:
        return None
    if not sizes:
        return None
    size = sizes[-1]
    close = [m for m in models if abs(m.params_b - size) / size < 0.15]
    if not close:
        return None
    defaults = [m for m in close if m.size_default]  # the current model of that size, never a coder or distill
    if defaults:
        return defaults[0].id
    best = min(abs(m.params_b - size) for m in close)
    return [m for m in close if abs(m.params_b - size) - best < 0.3][-1].id


def representative(catalog: Catalog, size_b: float) -> Model | None:
    """A catalog model of about ``size_b`` billion parameters, to stand for "a 7B" or "un modelo de 13B".

    Among models within 15 % of the size, dense models come first, then the closest size; ties go to the
    one listed first in the catalog (the best-known family of that size).
    """
    candidates = [m for m in catalog.models if abs(m.params_b - size_b) / size_b <= 0.15]
    if not candidates:
        return None
    return min(candidates, key=lambda m: (m.is_moe, round(abs(m.params_b - size_b) / size_b, 1)))
