"""From a question typed in English or Spanish to a :class:`~knowledge.answer_model.Query`.

``understand("¿Puedo correr LLaMA 7B en una RTX 4060?")`` finds the language, the models and GPUs (in the
catalog, tolerant of how people type), the task, precision, context, batch and token counts, then the intent.
A follow-up ("what about a 3090?", "¿y con QLoRA?") takes what it leaves out from the previous turn.
Nothing here raises on what a person types: what is not understood becomes the ``unknown`` intent, and a
name that matches nothing in the catalog is kept as typed so that the answer can say "did you mean ...?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.answer_model import Answer, Intent, Query, Settings
from knowledge.errors import InvalidQuery
from knowledge.estimator.catalog import Catalog, Gpu, load_catalog
from knowledge.i18n import Language
from knowledge.understanding import lexicon as lx
from knowledge.understanding.entities import Found, Index, find, index, split_multipliers, tokenize
from knowledge.understanding.hub_refs import find_hub_reference

MAX_CHARS = 1000  # what is read of a question; a chat question is far shorter
_MEMORY_AFTER_GPU = re.compile(
    r"^\s*[(,]?\s*(?:(?:de|with|con|of|w/|la de|el de|version de)\s+)?(\d{1,3})\s?(?:gb|gib|g)\b"
)
_HOW_MANY_GAP = 16  # characters between "how many" and the GPU it counts ("how many H100s")


@dataclass
class _Reading:
    """What one question says, before a follow-up merges it with the previous turn."""

    folded: str
    language: Language | None
    intent: Intent
    explicit_intent: bool  # the intent came from words, not from which entities happen to be present
    model: str | None = None
    model_size_b: float | None = None
    models: tuple[str, ...] = ()
    gpu: str | None = None
    gpus: tuple[str, ...] = ()
    gpu_count: int | None = None
    vram_gib: float | None = None
    asked: Settings = field(default_factory=Settings)  # the job's settings this question gives
    taken: list[tuple[int, int]] = field(default_factory=list)


def understand(text: str, previous: Query | Answer | None = None, catalog: Catalog | None = None) -> Query:
    """The :class:`Query` a question asks; ``previous`` fills what a follow-up leaves out."""
    reading = read(text, catalog or load_catalog())
    before = _as_query(previous) if previous is not None else None
    if before is not None and _is_follow_up(reading, before):
        return _merge(text, reading, before)
    return _finish(text, reading, reading.language or "en")


def read(text: str, catalog: Catalog) -> _Reading:
    """Everything one question says on its own."""
    raw = text[:MAX_CHARS]
    hub = find_hub_reference(raw)
    if hub is not None:  # a Hub repo names its model exactly: no catalog name or size is read inside it
        raw = raw[: hub.start] + " " * (hub.end - hub.start) + raw[hub.end :]
    folded = split_multipliers(lx.fold(raw))
    idx = index(catalog)
    found = find(tokenize(folded), idx)
    reading = _Reading(folded=folded, language=_language(raw, folded), intent="unknown", explicit_intent=False)
    reading.taken = [(f.start, f.end) for f in found]
    _machine(reading)
    _hardware(reading, found, idx)
    _models(reading, found, idx)
    if hub is not None:
        known = catalog.find_repo(hub.repo)  # a catalog model read from that repo, else the repo itself
        reading.model = known.id if known is not None else hub.repo
        reading.models = (reading.model, *(m for m in reading.models if m != reading.model))
        reading.model_size_b = None
    _settings(reading)
    reading.intent, reading.explicit_intent = _intent(reading, found)
    return reading


# --- language -------------------------------------------------------------------------------------------
def _language(raw: str, folded: str) -> Language | None:
    spanish = len(lx.SPANISH_WORDS.findall(folded)) + 2 * len(lx.SPANISH_MARKS.findall(raw))
    english = len(lx.ENGLISH_WORDS.findall(folded))
    if spanish == english:
        return None
    return "es" if spanish > english else "en"


# --- entities -------------------------------------------------------------------------------------------
def _masked(reading: _Reading) -> str:
    """The folded text with what is already understood (names, sizes) blanked out."""
    chars = list(reading.folded)
    for start, end in reading.taken:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _machine(reading: _Reading) -> None:
    """System RAM ("with 64GB of RAM") and money ("under $800", "con 600 euros"), read before VRAM sizes."""
    ram = lx.SYSTEM_RAM.search(_masked(reading))
    if ram and not lx.MAC.search(reading.folded) and 0 < int(ram.group(1)) <= 8192:
        reading.asked.ram_gib = float(ram.group(1))
        reading.taken.append((ram.start(), ram.end()))
    money = lx.MONEY.search(_masked(reading))
    if money:
        before, amount, thousands, after = money.group(1), money.group(2), money.group(3), money.group(6)
        digits = amount or money.group(4)
        scale = 1000 if (thousands or money.group(5)) else 1
        value = float(re.sub(r"[.,](?=\d{3}(?!\d))", "", digits).replace(",", ".")) * scale
        if 0 < value <= 10_000_000:
            reading.asked.budget = value
            reading.asked.currency = "EUR" if (before or after or "") in lx.EURO_WORDS else "USD"
            reading.taken.append((money.start(), money.end()))


def _hardware(reading: _Reading, found: list[Found], idx: Index) -> None:
    gpus: list[str] = []
    for item in (f for f in found if f.kind == "gpu"):
        name = item.text
        if item.id is not None:
            gpu = idx.catalog.gpu(item.id)
            after = _MEMORY_AFTER_GPU.match(reading.folded[item.end :])
            if after:
                reading.taken.append((item.end, item.end + after.end()))
                gpu = idx.sibling(gpu, float(after.group(1))) or gpu
            name = gpu.id
        if name not in gpus:
            gpus.append(name)
        if reading.gpu_count is None:
            reading.gpu_count = _count(reading.folded, item)
    reading.gpus = tuple(gpus)
    reading.gpu = gpus[0] if gpus else None
    if reading.gpu is None:
        _budget(reading, idx)


def _count(folded: str, item: Found) -> int | None:
    before = lx.COUNT_BEFORE.search(folded[max(0, item.start - 24) : item.start])
    if before:
        digits = before.group(1) or before.group(2)
        count = int(digits) if digits else lx.NUMBER_WORDS[before.group(3)]
        return count if 1 <= count <= 1024 else None
    after = lx.COUNT_AFTER.match(folded[item.end :])
    if after:
        count = int(after.group(1) or after.group(2))
        return count if 1 <= count <= 1024 else None
    return None


def _budget(reading: _Reading, idx: Index) -> None:
    """ "8GB of VRAM", "24 GB", "a Mac with 64GB": a memory budget (an Apple GPU when a Mac is named)."""
    sizes = [(m, float(m.group(1).replace(",", "."))) for m in lx.MEMORY.finditer(_masked(reading))]
    sizes += [(m, float(m.group(1).replace(",", ".")) * 1024) for m in lx.TB_MEMORY.finditer(_masked(reading))]
    sizes = [(m, size) for m, size in sizes if 0 < size <= 100_000]
    if not sizes:
        return
    match, size = sizes[0]
    reading.taken.append((match.start(), match.end()))
    if lx.MAC.search(reading.folded):
        mac = _mac(idx.catalog.gpus, size)
        if mac is not None:
            reading.gpu, reading.gpus = mac.id, (mac.id,)
            return
    reading.vram_gib = size


def _mac(gpus: tuple[Gpu, ...], memory_gib: float) -> Gpu | None:
    """The newest Apple silicon sold with that much unified memory."""
    apple = [g for g in gpus if g.vendor == "apple" and abs(g.memory_gib - memory_gib) < 0.5]
    return max(apple, key=lambda g: g.release_year or 0, default=None)


def _models(reading: _Reading, found: list[Found], idx: Index) -> None:
    names: list[str] = []
    for item in (f for f in found if f.kind == "model"):
        name = item.id or item.text
        if name not in names:
            names.append(name)
    reading.models = tuple(names)
    reading.model = names[0] if names else None
    match = lx.SIZE.search(_masked(reading))
    if match:
        reading.taken.append((match.start(), match.end()))
        size = float(match.group(1).replace(",", "."))
        if reading.model is None and 0 < size <= 10_000:
            reading.model_size_b = size


# --- settings -------------------------------------------------------------------------------------------
def _settings(reading: _Reading) -> None:
    folded = reading.folded
    for task, pattern in lx.TASK_WORDS:
        if pattern.search(folded):
            reading.asked.task = task
            break
    reading.asked.precision = _precision(folded)
    if reading.asked.precision in ("gptq", "nf4") and reading.asked.task in ("lora", "qlora", "full_finetune"):
        reading.asked.task, reading.asked.precision = "qlora", None  # "fine-tune in 4-bit" is QLoRA, on its default NF4
    for runtime, pattern in lx.RUNTIME_WORDS:
        if pattern.search(folded):
            reading.asked.runtime = runtime  # type: ignore[assignment]  # the table holds Runtime names
            break
    for optimizer, pattern in lx.OPTIMIZER_WORDS:
        if pattern.search(folded):
            reading.asked.optimizer = optimizer  # type: ignore[assignment]  # the table holds Optimizer names
            break
    for context in lx.CONTEXT.finditer(_masked(reading)):  # masked: "4090 context" is a GPU, not a length
        number, scale = (context.group(1), context.group(2)) if context.group(1) else context.group(3, 4)
        tokens = _scaled(number, scale or "", binary=True)
        if tokens is not None and 1 <= tokens <= 100_000_000:
            reading.asked.context_tokens = int(tokens)
        reading.taken.append((context.start(), context.end()))
        break
    batch = lx.BATCH.search(folded)
    if batch:
        value = int(batch.group(1) or batch.group(2))
        if 1 <= value <= 4096:
            reading.asked.batch = value
    for match in lx.TRAIN_TOKENS.finditer(_masked(reading)):
        tokens = _scaled(match.group(1), match.group(2) or "")
        if tokens is not None and tokens >= 1e6:
            reading.asked.training_tokens = int(tokens)
            break


def _scaled(number: str, scale: str, *, binary: bool = False) -> float | None:
    """ "1.5" "b" → 1.5e9; "8" "k" → 8,192 tokens of context (``binary``), "2,048" → 2048."""
    try:
        value = float(number.replace(",", ".")) if scale else float(number.replace(",", "").replace(".", ""))
    except ValueError:
        return None
    if binary and scale == "k":
        return value * 1024
    return value * lx.SCALE.get(scale, 1)


def _precision(folded: str) -> str | None:
    from knowledge.estimator.precision import resolve

    match = lx.PRECISION.search(folded)
    if match is None:
        if lx.QUANTIZED.search(folded):
            return "q4_k_m" if any(p.search(folded) for _, p in lx.RUNTIME_WORDS[:1]) else "gptq"
        return None
    word, bits = match.group(1), match.group(2)
    if bits is not None:
        return lx.BITS_TO_PRECISION.get(bits)
    if word is None:
        return lx.PRECISION_PHRASES.get(match.group().strip())
    word = lx.GGUF_SHORT.get(word, word)
    try:
        return resolve(word).id
    except InvalidQuery:
        return None


# --- intent ---------------------------------------------------------------------------------------------
def _intent(reading: _Reading, found: list[Found]) -> tuple[Intent, bool]:
    """The intent and whether words (not just the entities present) decided it."""
    text = reading.folded
    has_model = reading.model is not None or reading.model_size_b is not None
    has_hardware = reading.gpu is not None or reading.vram_gib is not None
    entities = has_model or has_hardware
    if lx.HELP_ALONE.match(text) or (lx.HELP_PHRASE.search(text) and not entities):
        return "help", True
    if (len(reading.gpus) >= 2 or len(reading.models) >= 2) and lx.COMPARE.search(text):
        return "compare", True
    if lx.SPEED.search(text) and entities and not lx.HOW_MUCH_MEMORY.search(text):
        return "speed", True
    if lx.RECOMMEND_MODEL.search(text) and reading.model is None:
        return "recommend_model", True
    if lx.SERVING.search(text) and has_model:
        return "serve", True
    if (lx.RECOMMEND_GPU.search(text) and (has_model or not has_hardware)) or _how_many_gpus(text, found):
        return "recommend_gpu", True
    if reading.gpu is not None and not has_model:
        return "gpu_info", bool(lx.GPU_INFO.search(text) or lx.REQUIREMENTS.search(text))
    if has_model and not has_hardware and lx.MODEL_INFO.search(text) and not _asks_memory(text):
        return "model_info", True
    if has_model and _asks_memory(text):
        return "requirements", True
    if has_model and has_hardware:
        return "fit", bool(lx.FIT.search(text))
    if has_model:
        if lx.FIT.search(text) or lx.MEMORY_WORDS.search(text) or reading.asked.task or reading.asked.precision:
            return "requirements", bool(lx.FIT.search(text))
        return "model_info", False
    if reading.vram_gib is not None and (lx.FIT.search(text) or reading.asked.task is not None):
        return "recommend_model", False
    return "unknown", False


def _asks_memory(text: str) -> bool:
    return bool(lx.REQUIREMENTS.search(text))


def _how_many_gpus(text: str, found: list[Found]) -> bool:
    gpus = [f for f in found if f.kind == "gpu"]
    return any(0 <= f.start - m.end() <= _HOW_MANY_GAP for m in lx.HOW_MANY.finditer(text) for f in gpus)


# --- follow-ups -----------------------------------------------------------------------------------------
def _as_query(previous: Query | Answer) -> Query:
    if isinstance(previous, Query):
        return previous
    resolved = previous.query
    counted = previous.intent == "recommend_gpu"  # there the GPU count is the answer, not what was asked
    return Query(
        text=previous.question,
        language=previous.language,
        intent=previous.intent,
        model=resolved.model_id,
        gpu=resolved.gpu_id,
        gpu_count=resolved.gpus if resolved.gpus > 1 and not counted else None,
        vram_gib=resolved.vram_gib,
        **resolved.asked_settings().asked(),
    )


def _is_follow_up(reading: _Reading, before: Query) -> bool:
    if reading.intent == "help" or before.intent in ("help", "unknown"):
        return False
    if lx.FOLLOW_UP.match(reading.folded):
        return True
    says_something = any(
        value is not None
        for value in (
            reading.gpu,
            reading.vram_gib,
            reading.asked.task,
            reading.asked.precision,
            reading.asked.context_tokens,
            reading.asked.batch,
            reading.asked.training_tokens,
            reading.model,
            reading.model_size_b,
        )
    )
    return says_something and not reading.explicit_intent and reading.intent != "compare"


def _merge(text: str, reading: _Reading, before: Query) -> Query:
    new_model = reading.model is not None or reading.model_size_b is not None
    new_hardware = reading.gpu is not None or reading.vram_gib is not None
    merged = _Reading(
        folded=reading.folded,
        language=reading.language or before.language,
        intent=reading.intent if reading.explicit_intent else before.intent,
        explicit_intent=True,
        model=reading.model if new_model else before.model,
        model_size_b=reading.model_size_b if new_model else before.model_size_b,
        models=reading.models if new_model else before.models,
        gpu=reading.gpu if new_hardware else before.gpu,
        gpus=reading.gpus if new_hardware else before.gpus,
        gpu_count=reading.gpu_count if new_hardware or reading.gpu_count else before.gpu_count,
        vram_gib=reading.vram_gib if new_hardware else before.vram_gib,
        asked=Settings(**reading.asked.keep(before.settings())),
    )
    if merged.intent in ("requirements", "model_info") and new_hardware:
        merged.intent = "fit"  # "how much for X?" then "what about a 3090?": does it fit there?
    if merged.intent == "gpu_info" and new_model:
        merged.intent = "fit"
    return _finish(text, merged, merged.language or "en")


def _finish(text: str, reading: _Reading, language: Language) -> Query:
    intent = reading.intent
    has_hardware = reading.gpu is not None or reading.vram_gib is not None
    if intent == "fit" and not has_hardware:
        intent = "requirements"  # "Can I run GPT-3 175B at home?": say what it takes
    return Query(
        text=text,
        language=language,
        intent=intent,
        model=reading.model,
        model_size_b=reading.model_size_b,
        models=reading.models,
        gpu=reading.gpu,
        gpus=reading.gpus,
        gpu_count=reading.gpu_count,
        vram_gib=reading.vram_gib,
        **reading.asked.asked(),
    )
