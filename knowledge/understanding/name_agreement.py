"""A model named in text, read whole, and the catalog entry that agrees with it — or none: never a silent swap.

A name runs over every word joined to it without a space ("DeepSeek-R1-Distill-Qwen-32B") and over the words
that follow it and tell models apart: versions, sizes and variants ("Mistral Large 2", "Llama 3.2 11B Vision",
"Phi-4 mini"). A catalog entry is the model named only when the name's family, version, size and variant words
are all among the entry's own words (its id, name, aliases and family). Base and instruct are one model, so
"instruct", "chat", "it", "base" and format words ("gguf", "awq", "q4_k_m") are not compared; "coder",
"vision", "distill" and an active size ("a22b") are. A slip of a letter ("quen", "mixtrl") is accepted and the
answer says which entry it was taken as; a number never is: "llama 9 70b" is an unknown model.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from knowledge.errors import UnknownModel
from knowledge.estimator.catalog import Catalog, Model, catalog_files, is_loaded
from knowledge.estimator.data_files import cached
from knowledge.understanding.name_search import Found, Index, Token, find, fold_name, tokenize

# Words that make a different model: always part of a name they follow, and always compared.
VARIANTS = frozenset(
    {
        "large", "small", "medium", "mini", "nano", "tiny", "micro", "nemo", "coder", "code", "vision", "vl",
        "distill", "moe", "reasoning", "thinking", "think", "oss", "scout", "maverick", "turbo", "plus", "air",
        "next", "omni", "math", "guard", "preview", "flash", "lite", "ultra", "super", "python", "embed", "audio",
    }
)  # fmt: skip
# Words a name may carry that do not make another model: base and instruct are one model; formats are a setting.
_IGNORABLE = re.compile(
    r"instruct|chat|it|hf|base|v|b|gguf|ggml|awq|gptq|exl2|mlx|bnb|nf4|int[48]|fp(?:4|8|16|32)|bf16|mxfp4"
    r"|q\d(?:_[a-z0-9]+)*|iq\d(?:_[a-z0-9]+)*|\d+bit|latest|official|hub|model|version"
)
# Format words end a name: "mistral-7b-q4_k_m" is Mistral 7B in Q4_K_M ("q4_k_m" is a setting, not a model).
_FORMAT = re.compile(r"i?q\d|gguf|ggml|awq|gptq|exl2|mlx|bnb|nf4|int[48]|fp(?:4|8|16|32)|bf16|mxfp4|\d+bit|safetensors")
_PART = re.compile(r"a\d+(?:\.\d+)?b(?![a-z])|\d+(?:\.\d+)*[bkm](?![a-z])|[a-z]+|\d+(?:\.\d+)*")
_SIZE_PART = re.compile(r"(\d+(?:\.\d+)?)b")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_TAG = re.compile(r"v\d+(?:\.\d+)*|a\d+(?:\.\d+)?b|e\d+b|r\d+|\d+x\d+(?:\.\d+)?b|x\d+b")
_JOINERS = frozenset({"-", "_", "."})
_MAX_WORDS = 10
_SIZE_TOLERANCE = 0.1  # "qwen2.5 8b" is taken (and said) as Qwen2.5 7B (7.6 B): a size within 10 %


@dataclass(frozen=True)
class Settled:
    """A model mention read whole, and the entry it names (None: not in the catalog), loose when said."""

    found: Found
    loose: bool  # taken despite a slip (a letter, a size within 10 %, a version left out): the answer says so


def parts(text: str) -> list[str]:
    """The words and numbers of a name: "qwen2.5-coder-32b" → qwen, 2.5, coder, 32b."""
    return [part for token in tokenize(fold_name(text)) for part in _PART.findall(token.text)]


@functools.lru_cache(maxsize=4)
def _vocabularies(idx: Index) -> dict[str, frozenset[str]]:
    """Each model's name words by id; the shipped catalog's come from the cache keyed by its data and code."""
    if is_loaded(idx.catalog):
        code = sorted(Path(__file__).parent.glob("*.py"))  # how names are split into words
        return cached([*catalog_files(), *code], lambda: _words_of(idx.catalog), kind="vocabularies")
    return _words_of(idx.catalog)


def _words_of(catalog: Catalog) -> dict[str, frozenset[str]]:
    return {
        model.id: frozenset(p for name in (model.id, model.name, model.family, *model.aliases) for p in parts(name))
        for model in catalog.models
    }


@functools.lru_cache(maxsize=8192)
def _typo(word: str, vocabulary: frozenset[str]) -> bool:
    """A slip of the keyboard in a family word ("quen" for "qwen", "mistrall"): letters only, same first letter."""
    if len(word) < 4 or not word.isalpha():
        return False
    allowed = 1 if len(word) <= 6 else 2
    return any(
        w[0] == word[0] and w.isalpha() and Levenshtein.distance(word, w, score_cutoff=allowed) <= allowed
        for w in vocabulary
    )


def agreement(words: list[str], model: Model, vocabulary: frozenset[str]) -> str | None:
    """ "exact", "loose" (a slip or a size within 10 %), or None when a word names another model."""
    loose = False
    for part in words:
        if part in vocabulary or _IGNORABLE.fullmatch(part):
            continue
        size = _SIZE_PART.fullmatch(part)
        if size and abs(float(size.group(1)) - model.params_b) <= _SIZE_TOLERANCE * model.params_b:
            loose = True
            continue
        if _typo(part, vocabulary):
            loose = True
            continue
        return None
    return "loose" if loose else "exact"


def _name_word(word: str, has_size: bool, after_distill: bool, idx: Index) -> bool:
    """Whether a word after a model's name still belongs to it."""
    if word in VARIANTS or _IGNORABLE.fullmatch(word) or _TAG.fullmatch(word):
        return True
    if _SIZE_PART.fullmatch(word):
        return not has_size
    if _NUMBER.fullmatch(word):
        return not has_size and len(word) <= 4  # a version ("mistral large 2"), not a count after the size
    return after_distill and word in idx.models.anchors  # "deepseek r1 distill llama 70b"


_CONTEXT_WORDS = frozenset({"context", "contexto", "ctx", "tokens", "token", "window", "ventana", "de", "of"})


# "a large context", "small batch": a variant-like word before one of these describes a setting, not the model.
_SETTING_NOUNS = frozenset(
    {"context", "contexto", "ctx", "batch", "batches", "lote", "window", "ventana", "prompt", "prompts", "memory",
     "memoria", "vram", "sequence", "sequences", "secuencia", "secuencias", "dataset", "datos"}
)  # fmt: skip


def _describes_a_setting(tokens: list[Token], at: int) -> bool:
    return at + 1 < len(tokens) and tokens[at + 1].text in _SETTING_NOUNS and tokens[at].text in VARIANTS


def _context_tag(tokens: list[Token], at: int) -> bool:
    """ "phi 3 mini 128k": a context variant in the name, unless a context length follows ("32k context")."""
    if not re.fullmatch(r"\d+k", tokens[at].text):
        return False
    return at + 1 >= len(tokens) or tokens[at + 1].text not in _CONTEXT_WORDS


def _joined(folded: str, left: Token, right: Token) -> bool:
    gap = folded[left.end : right.start]
    return gap == "" or gap in _JOINERS


def _span(tokens: list[Token], folded: str, item: Found, gpu: list[bool], idx: Index) -> tuple[int, int]:
    """The tokens a model's name runs over, from the ones it was found at."""
    first, last = item.first, item.last
    # A family told apart by context length ("Phi-3 mini 4k" and "128k") reads "128k" as part of the name.
    vocabulary = _vocabularies(idx).get(item.id or "", frozenset())
    by_context = any(re.fullmatch(r"\d+k", word) for word in vocabulary)
    while first > 0 and not gpu[first - 1] and _joined(folded, tokens[first - 1], tokens[first]):
        first -= 1
    while True:
        if last < len(tokens) and (gpu[last] or _FORMAT.fullmatch(tokens[last].text)):
            return first, last
        if _joined(folded, tokens[last - 1], tokens[last]) if last < len(tokens) else False:
            last += 1
            continue
        words = [t.text for t in tokens[first:last]]
        has_size = any(_SIZE_PART.fullmatch(w) for w in words)
        if (
            last < len(tokens)
            and last - first < _MAX_WORDS
            and not gpu[last]
            and not _describes_a_setting(tokens, last)
            and (
                _name_word(tokens[last].text, has_size, words[-1] == "distill", idx)
                or (by_context and _context_tag(tokens, last))
            )
        ):
            last += 1
            continue
        return first, last


def _best(words: list[str], typed: str, idx: Index) -> tuple[str, str] | None:
    """The catalog entry every word of a name agrees with, closest first: (id, "exact" or "loose")."""
    vocabularies = _vocabularies(idx)
    agreeing: list[tuple[int, float, str, str]] = []
    for model in idx.catalog.models:
        how = agreement(words, model, vocabularies[model.id])
        if how is not None:
            score = max(fuzz.ratio(typed, fold_name(name)) for name in (model.name, *model.aliases))
            agreeing.append((how == "exact", score, model.id, how))
    if not agreeing:
        return None
    _, _, model_id, how = max(agreeing)
    return model_id, how


# Words that make another card: "RTX 4060 Super" is no RTX 4060, "4090 Laptop" no desktop 4090.
GPU_VARIANTS = frozenset(
    {"ti", "super", "xt", "xtx", "gre", "max", "pro", "ultra", "laptop", "mobile", "notebook", "portatil", "d",
     "sxm", "pcie", "nvl", "ada", "blackwell"}
)  # fmt: skip


def _gpu_variant(item: Found, tokens: list[Token], idx: Index) -> Settled:
    """A card name followed by a variant word its entry lacks is an unknown card, never the plain one."""
    words: list[str] = []
    last = item.last
    while last < len(tokens) and tokens[last].text in GPU_VARIANTS and len(words) < 3:
        words.append(tokens[last].text)
        last += 1
    if item.id is None or not words:
        return Settled(item, loose=item.loose)
    gpu = idx.catalog.gpu(item.id)
    vocabulary = {t.text for name in (gpu.id, gpu.name, *gpu.aliases) for t in tokenize(fold_name(name))}
    if all(word in vocabulary for word in words):
        return Settled(item, loose=item.loose)
    text = " ".join(t.text for t in tokens[item.first : last])
    unknown = Found(
        kind="gpu", id=None, text=text, first=item.first, last=last, start=item.start, end=tokens[last - 1].end
    )
    return Settled(unknown, loose=False)


def settle(found: list[Found], tokens: list[Token], folded: str, idx: Index) -> list[Settled]:
    """Each model mention read whole and checked against its entry; GPUs pass through unchanged."""
    gpu = [False] * len(tokens)
    for item in found:
        if item.kind == "gpu":
            gpu[item.first : item.last] = [True] * (item.last - item.first)
    spans: list[tuple[int, int, Found]] = []
    for item in sorted((f for f in found if f.kind == "model"), key=lambda f: f.first):
        first, last = _span(tokens, folded, item, gpu, idx)
        if spans and first < spans[-1][1]:  # overlaps the previous name: one name ("...-distill-qwen-32b")
            first0, last0, item0 = spans[-1]
            spans[-1] = (first0, max(last, last0), item0)
        else:
            spans.append((first, last, item))
    settled = [_gpu_variant(f, tokens, idx) for f in found if f.kind == "gpu"]
    vocabularies = _vocabularies(idx)
    for first, last, item in spans:
        typed = " ".join(t.text for t in tokens[first:last])
        words = [p for t in tokens[first:last] for p in _PART.findall(t.text)]
        how = None
        if item.id is not None:
            how = agreement(words, idx.catalog.model(item.id), vocabularies[item.id])
        model_id = item.id
        if how is None:
            best = _best(words, typed, idx)
            model_id, how = best if best is not None else (None, None)
        whole = Found(
            kind="model",
            id=model_id,
            text=typed,
            first=first,
            last=last,
            start=tokens[first].start,
            end=tokens[last - 1].end,
            plural=tokens[last - 1].plural,
        )
        settled.append(Settled(whole, loose=model_id is not None and (item.loose or how == "loose")))
    return sorted(settled, key=lambda s: s.found.first)


@functools.lru_cache(maxsize=8192)
def closest_models(typed: str, idx: Index, limit: int = 3) -> tuple[str, ...]:
    """Display names of the catalog models closest to an unknown name: the same family, most words in common,
    then the nearest size, then the closest spelling ("deepseek r1 distill qwen 32b" → DeepSeek R1, Qwen3 32B)."""
    words = [p for p in parts(typed) if not _IGNORABLE.fullmatch(p)]
    sizes = [float(m.group(1)) for p in words if (m := _SIZE_PART.fullmatch(p))]
    vocabularies = _vocabularies(idx)
    folded = fold_name(typed)

    family = next((w for w in words if w.isalpha()), "")

    def rank(model: Model) -> tuple[bool, int, float, float]:
        vocabulary = vocabularies[model.id]
        shared = sum(1 for w in words if w in vocabulary or _typo(w, vocabulary))
        distance = abs(math.log(max(sizes[-1], 0.01) / model.params_b)) if sizes else 0.0
        same_family = family in vocabulary or _typo(family, vocabulary)
        return same_family, shared, -distance, fuzz.WRatio(folded, fold_name(model.name))

    ranked = sorted(idx.catalog.models, key=rank, reverse=True)
    return tuple(model.name for model in ranked[:limit])


@functools.lru_cache(maxsize=8192)
def resolve_model(name: str, idx: Index) -> tuple[Model | None, bool]:
    """The catalog model a name on its own refers to (a slash command's option, a follow-up's name), and whether
    it was taken loosely; (None, False) when no entry agrees with every word of it."""
    model_id = idx.models.names.get("".join(t.text for t in tokenize(fold_name(name))))
    if model_id is not None:
        return idx.catalog.model(model_id), False
    folded = fold_name(name)
    tokens = tokenize(folded)
    for item in settle(find(tokens, idx, folded), tokens, folded, idx):
        if (
            item.found.kind == "model"
            and item.found.id is not None
            and item.found.last - item.found.first == len(tokens)
        ):
            return idx.catalog.model(item.found.id), item.loose
    return None, False


def find_model(name: str, idx: Index) -> tuple[Model, bool]:
    """:func:`resolve_model`, raising :class:`UnknownModel` with the closest known models when none agrees."""
    model, loose = resolve_model(name, idx)
    if model is None:
        raise UnknownModel(name, closest_models(name, idx))
    return model, loose
