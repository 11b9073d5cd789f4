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
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from knowledge.estimator.catalog import Catalog, Gpu, Model, catalog_files, closest_key, is_loaded
from knowledge.estimator.data_files import cached
from knowledge.folding import WORD, fold
from knowledge.understanding.lexicon import GPU_PREFIX

_HUB_ORG = re.compile(r"(?<![\w/.-])[a-z][a-z0-9_.-]{2,}/(?=[a-z][a-z0-9_.-]*\d)")
_SIZE_WORD = re.compile(r"(\d+(?:\.\d+)?)b")
_LETTERS = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_MULTIPLIER = re.compile(r"(?<![\w.])(\d{1,2})\s?[x*]\s?(?=[a-z]{0,5}\s?\d{2,4}(?![\d.]*\s?b\b)(?!\d))")
_MEMORY_SUFFIX = re.compile(r"\s*\(?\b\d+(?:\.\d+)?\s?gb\)?", re.IGNORECASE)
_MAX_SPAN = 6
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
    loose: bool = False  # found fuzzily (a slip, or a family and a size with no version): the answer says so


def tokenize(folded: str) -> list[Token]:
    """Tokens of folded text, with "2x4090" split into "2 x 4090" and a plural "s" dropped from "3090s"."""
    tokens: list[Token] = []
    for match in WORD.finditer(folded):
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


def _alpha_prefix(word: str) -> str:
    """The letters a word starts with: "qwen2.5" → "qwen", "llama3" → "llama"."""
    match = _LETTERS.match(word)
    return match.group() if match else ""


@dataclass
class _Table:
    names: dict[str, str] = field(default_factory=dict)  # compact name → id
    anchors: set[str] = field(default_factory=set)  # first words that start a name ("llama", "rtx")


@dataclass
class _Tables:
    """What :class:`Index` derives from a catalog's names, by id: cheap to pickle, so kept in the cache."""

    models: _Table
    gpus: _Table
    model_prefixes: dict[str, list[str]]  # family-word prefix ("qwen") → model ids
    siblings: dict[str, tuple[str, ...]]  # a card's name without its memory size → GPU ids


def _table(items: Iterable[Model] | Iterable[Gpu]) -> _Table:
    table = _Table()
    for item in items:
        for name in (item.id, item.name, *item.aliases):
            words = tokenize(fold_name(name))
            key = "".join(w.text + ("s" if w.plural else "") for w in words)  # a name's "s" is its own: L40S
            if key:
                table.names.setdefault(key, item.id)
            if words and not words[0].text.isdigit():
                table.anchors.add(words[0].text)
                prefix = _alpha_prefix(words[0].text)
                if len(prefix) >= 3:
                    table.anchors.add(prefix)
    return table


def _tables(catalog: Catalog) -> _Tables:
    gpus = _table(catalog.gpus)
    gpus.anchors |= GPU_PREFIX
    prefixes: dict[str, list[str]] = {}
    for model in catalog.models:
        for name in (model.name, model.family, *model.aliases):
            words = tokenize(fold_name(name))
            if words:
                prefix = _alpha_prefix(words[0].text)
                if len(prefix) >= 3 and model.id not in prefixes.setdefault(prefix, []):
                    prefixes[prefix].append(model.id)
    siblings: dict[str, tuple[str, ...]] = {}
    for gpu in catalog.gpus:
        base = _MEMORY_SUFFIX.sub("", gpu.name).strip().lower()
        siblings[base] = (*siblings.get(base, ()), gpu.id)
    return _Tables(_table(catalog.models), gpus, prefixes, siblings)


class Index:
    """Name tables of one catalog, built once (for the shipped catalog, read from the cache: see :func:`index`)."""

    def __init__(self, catalog: Catalog, tables: _Tables | None = None) -> None:
        self.catalog = catalog
        tables = tables or _tables(catalog)
        self.models, self.gpus = tables.models, tables.gpus
        self.model_prefixes: dict[str, list[Model]] = {
            prefix: [catalog.model(i) for i in ids] for prefix, ids in tables.model_prefixes.items()
        }
        self._siblings: dict[str, tuple[Gpu, ...]] = {
            base: tuple(catalog.gpu(i) for i in ids) for base, ids in tables.siblings.items()
        }

    def has_variants(self, gpu: Gpu) -> bool:
        """Whether the card is sold with more than one memory size (RTX 4060 Ti 8GB and 16GB)."""
        return len(self._siblings.get(_MEMORY_SUFFIX.sub("", gpu.name).strip().lower(), ())) > 1

    @staticmethod
    def names_memory(gpu: Gpu, typed: str) -> bool:
        """Whether the words typed give the card's memory ("4060 ti de 16", "a100 80gb")."""
        sold = _MEMORY_SUFFIX.search(gpu.name)
        if sold is None:
            return False
        memory = _DIGITS.search(sold.group())
        words = tokenize(typed)[1:]
        return memory is not None and any(w.text in (memory.group(), memory.group() + "gb") for w in words)

    def sibling(self, gpu: Gpu, memory_gib: float) -> Gpu | None:
        """The same card sold with ``memory_gib`` ("RTX 3060" → "RTX 3060 12GB"), if the catalog has it."""
        base = _MEMORY_SUFFIX.sub("", gpu.name).strip().lower()
        for other in self._siblings.get(base, ()):
            if abs(other.memory_gib - memory_gib) < 0.5:
                return other
        return None


@functools.lru_cache(maxsize=8192)
def fold_name(text: str) -> str:
    """A catalog name or typed text folded the way questions are."""
    return split_multipliers(fold(text))


@functools.lru_cache(maxsize=4)
def index(catalog: Catalog) -> Index:
    """The name index of ``catalog``; the shipped catalog's tables come from the cache keyed by its data and code."""
    if is_loaded(catalog):
        code = sorted(Path(__file__).parent.glob("*.py"))  # how names are folded and tokenized
        return Index(catalog, cached([*catalog_files(), *code], lambda: _tables(catalog), kind="index"))
    return Index(catalog)


def find(tokens: list[Token], idx: Index, folded: str = "") -> list[Found]:
    """Every model and GPU named in the tokens: exact names first (longest first), then fuzzy ones.

    ``folded`` (the text the tokens come from) lets a fuzzy name run over the words joined to it ("gpt-oss-20b").
    """
    taken = [False] * len(tokens)
    found: list[Found] = []
    keys = [t.text for t in tokens]
    for length in range(min(_MAX_SPAN, len(tokens)), 0, -1):
        for first in range(len(tokens) - length + 1):
            last = first + length
            if any(taken[first:last]):
                continue
            key = "".join(keys[first:last])
            # "L40S" is a name, "4090s" a plural: the word with its "s" first, then without.
            spellings = (key + "s", key) if tokens[last - 1].plural else (key,)
            for kind, table in (("gpu", idx.gpus), ("model", idx.models)):
                hit = next((table.names[k] for k in spellings if k in table.names), None)
                if hit is not None and kind == "gpu" and _counts_something(tokens, last):
                    continue  # "a 10 million tokens", "a 40 gb card": a quantity, not the A10 or A40
                if hit is not None:
                    found.append(_found(kind, hit, tokens, first, last))
                    taken[first:last] = [True] * length
                    break
    found.extend(_fuzzy(tokens, taken, idx, folded))
    return sorted(found, key=lambda f: f.first)


_QUANTITY_WORDS = frozenset(
    {"k", "m", "b", "t", "thousand", "million", "billion", "mil", "millon", "millones", "tokens", "token", "gb",
     "gib", "gigas", "gigs", "tb", "params", "parameters", "parametros", "users", "usuarios"}
)  # fmt: skip


def _counts_something(tokens: list[Token], last: int) -> bool:
    """Whether the number a name ends with is followed by a unit or a scale ("a 10 million ...")."""
    return last < len(tokens) and tokens[last - 1].text.isdigit() and tokens[last].text in _QUANTITY_WORDS


def _found(kind: str, item_id: str | None, tokens: list[Token], first: int, last: int, loose: bool = False) -> Found:
    return Found(
        loose=loose,
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


def _joined(folded: str, left: Token, right: Token) -> bool:
    return bool(folded) and folded[left.end : right.start] in ("-", "_", ".")


def _fuzzy(tokens: list[Token], taken: list[bool], idx: Index, folded: str) -> list[Found]:
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
        while (
            last < len(tokens)
            and not taken[last]
            and last - i < 6
            and (
                _looks_like_suffix(tokens[last].text)
                or (kind == "model" and _joined(folded, tokens[last - 1], tokens[last]))
            )
        ):
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
        found.append(_found(kind, hit, tokens, i, last, loose=hit is not None))
        taken[i:last] = [True] * (last - i)
        i = last
    return found


@functools.lru_cache(maxsize=8192)
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
        if hit is not None or near_word(prefix, idx.models.anchors):
            return "model"
    return None


def near_word(word: str, words: Iterable[str]) -> bool:
    """A slip of one letter in a word of four letters or more ("quen" for "qwen"), with the same first letter."""
    if len(word) < 4:
        return False
    return any(len(w) >= 4 and w[0] == word[0] and Levenshtein.distance(word, w, score_cutoff=1) <= 1 for w in words)


def _looks_like_suffix(word: str) -> bool:
    return bool(
        re.fullmatch(
            r"\d+(?:\.\d+)?[bmk]?|v\d+(?:\.\d+)*|\d+x\d+b|x\d+b|ti|super|xt|xtx|max|pro|ultra|mini|nvl|sxm"
            r"|pcie|instruct|chat|it|hf|base|coder|code|\d+gb|ada",
            word,
        )
    )


def _closest(key: str, table: _Table) -> str | None:
    close = closest_key(key, table.names.keys())
    return None if close is None else table.names[close]


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
    if not models or not sizes or sizes[-1] <= 0:
        return None  # no size, or one that means nothing ("llama 0b": refused by the answer)
    chosen = representative(idx.catalog, sizes[-1], among=tuple(m.id for m in models))
    return chosen.id if chosen is not None else None


# Families in release order, newest first, for a bare size ("a 7B", "the 70B") until the catalog records release
# dates and marks the entry that wins a size (``size_default``); code models come last (they stand for no general
# size), then families not listed, in catalog order.
CURRENT_FAMILIES: tuple[str, ...] = (
    "qwen3", "llama-3.3", "phi-4", "deepseek-v3", "qwen2.5", "llama-3.2", "llama-3.1", "gemma-2", "mistral",
    "mixtral", "llama-3", "phi-3", "tinyllama", "llama-2", "falcon", "phi", "llama", "gpt-j", "gpt-3", "gpt-2",
    "codellama", "starcoder",
)  # fmt: skip
_SIZE_TOLERANCE = 0.15  # "a 7B" is any model within 15 % of 7 billion parameters
# Words of a specialised model: it stands for no bare size ("a 7B" is not Qwen2.5-Coder 7B).
_SPECIALISED = frozenset({"coder", "code", "codellama", "starcoder", "vision", "vl", "distill", "math", "guard"})


_SOLD_AS: dict[str, frozenset[str]] = {}  # model id → the sizes it is sold as ("8b"), computed once


def _nominal(model: Model, size_b: float) -> bool:
    """Whether the model is sold as that size: "8b" in its name, id or aliases (Llama 3.1 8B for "an 8B")."""
    sold = _SOLD_AS.get(model.id)
    if sold is None:
        names = (model.name, model.id, *model.aliases)
        sold = _SOLD_AS[model.id] = frozenset(
            t.text for n in names for t in tokenize(fold_name(n)) if _SIZE_WORD.fullmatch(t.text)
        )
    return f"{size_b:g}b" in sold


@functools.lru_cache(maxsize=1024)
def representative(catalog: Catalog, size_b: float, among: tuple[str, ...] | None = None) -> Model | None:
    """The model that stands for "a 7B", "un modelo de 13B" or "the 70B" (``among``: the ids of the family under
    discussion).

    Among models sold as that size or within 15 % of it: the entry the catalog marks as the default of its size
    (``size_default``) if any; else models sold as that size ("8B" in the name) first, then the newest (by the
    ``released`` date once entries have one, by :data:`CURRENT_FAMILIES` until then), dense before
    mixture-of-experts, then the closest size. Specialised models (coder, vision, distills) come only when no
    general model has that size.
    """
    if size_b <= 0:
        return None
    pool = catalog.models if among is None else tuple(catalog.model(model_id) for model_id in among)
    candidates = [m for m in pool if _nominal(m, size_b) or abs(m.params_b - size_b) / size_b <= _SIZE_TOLERANCE]
    general = [m for m in candidates if not _specialised(m)]  # a coder or vision model stands for no bare size
    candidates = general or candidates
    if not candidates:
        return None
    marked = [m for m in candidates if getattr(m, "size_default", False) and _nominal(m, size_b)]
    if marked:
        return marked[0]
    generation = _generations(candidates)

    def rank(model: Model) -> tuple[bool, int, bool, float]:
        return not _nominal(model, size_b), generation[model.id], model.is_moe, abs(model.params_b - size_b)

    return min(candidates, key=rank)


def _specialised(model: Model) -> bool:
    return any(t.text in _SPECIALISED for t in tokenize(fold_name(model.name)))


def _generations(models: list[Model]) -> dict[str, int]:
    """Newest first: by the catalog's ``released`` date where entries have one, else by :data:`CURRENT_FAMILIES`."""
    released = {m.id: str(getattr(m, "released", None) or "") for m in models}
    if any(released.values()):
        order = sorted(models, key=lambda m: released[m.id], reverse=True)
        return {m.id: position for position, m in enumerate(order)}
    last = len(CURRENT_FAMILIES)
    return {m.id: CURRENT_FAMILIES.index(m.family) if m.family in CURRENT_FAMILIES else last for m in models}


_GENERIC_GPU_WORDS = frozenset({"nvidia", "geforce", "amd", "radeon", "intel", "apple", "gb", "the"})


@functools.lru_cache(maxsize=4)
def _gpu_vocabularies(idx: Index) -> tuple[tuple[Gpu, frozenset[str], str, str], ...]:
    """Each GPU with the words of its names, its folded name and its model number, computed once."""
    table = []
    for gpu in idx.catalog.gpus:
        vocabulary = frozenset(t.text for name in (gpu.name, *gpu.aliases) for t in tokenize(fold_name(name)))
        folded = fold_name(gpu.name)
        table.append((gpu, vocabulary, folded, "".join(_DIGITS.findall(folded))))
    return tuple(table)


@functools.lru_cache(maxsize=1024)
def closest_gpus(typed: str, idx: Index, limit: int = 3) -> tuple[str, ...]:
    """Display names of the GPUs closest to an unknown one: most words in common, the closest model number, then
    the closest spelling; none when no word is shared ("dgx spark" is like no card in the catalog: naming one would
    mislead)."""
    folded = fold_name(typed)
    words = {t.text for t in tokenize(folded)} - _GENERIC_GPU_WORDS
    digits = "".join(_DIGITS.findall(folded))
    ranked: list[tuple[int, float, float, str]] = []
    for gpu, vocabulary, name, number in _gpu_vocabularies(idx):
        shared = len(words & vocabulary)
        if shared:
            close = fuzz.ratio(digits, number) if digits else 0.0
            ranked.append((shared, close, fuzz.WRatio(folded, name), gpu.name))
    return tuple(name for *_, name in sorted(ranked, reverse=True)[:limit])
