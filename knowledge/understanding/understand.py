"""From a question typed in English or Spanish to a :class:`~knowledge.answer_model.Query`.

``understand("¿Puedo correr LLaMA 7B en una RTX 4060?")`` finds the language, the models and GPUs (in the
catalog, tolerant of how people type), the task, precision, context, batch and token counts, then the intent.
A follow-up ("what about a 3090?", "¿y con QLoRA?") takes what it leaves out from the previous turn.
Nothing here raises on what a person types: what is not understood becomes the ``unknown`` intent, a name no
catalog entry agrees with (``name_agreement``) is kept whole as typed so that the answer says it is unknown, a name
taken loosely is recorded in ``Query.readings`` to be said, and a quantity that means nothing ("0B", "-5 GB")
in ``Query.oddities`` to be refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.answer_model import Answer, Intent, Oddity, Query, Reading, Settings
from knowledge.estimator.catalog import Catalog, Gpu, load_catalog
from knowledge.folding import fold
from knowledge.i18n import Language
from knowledge.understanding import lexicon as lx
from knowledge.understanding import quantities as qty
from knowledge.understanding import settings
from knowledge.understanding.hub_refs import find_hub_reference
from knowledge.understanding.name_agreement import resolve_model, settle
from knowledge.understanding.name_search import Found, Index, find, index, representative, split_multipliers, tokenize

MAX_CHARS = 1000  # what is read of a question; a chat question is far shorter
_MEMORY_UNIT = r"(?:gb|gib|gbs|g|gigs?|gigas?|gigabytes?)"
# "4060 Ti 16GB", "4060 Ti de 16 gigas", "3060 (8 GB)", "la 4060 Ti de 16" (no unit: only a size the card is sold in)
_SYSTEM_RAM = r"(?!\s?" + _MEMORY_UNIT + r"?\s*(?:of |de )?(?:system |del sistema )?ram\b)"  # not the card's memory
_MEMORY_AFTER_GPU = re.compile(
    r"^\s*[(,]?\s*(?:(?:de|with|con|of|w/|la de|el de|version de)\s+)?(\d{1,4})(?![\d.])" + _SYSTEM_RAM
    + r"\s?(" + _MEMORY_UNIT + r")?\b"
)
_MEMORY_BEFORE_GPU = re.compile(r"(?<![\w.])(\d{1,4})\s?" + _MEMORY_UNIT + r"\s+(?:de\s+)?$")
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
    size_typed: str = ""  # a bare size as typed ("70b")
    readings: list[Reading] = field(default_factory=list)
    oddities: list[Oddity] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)

    def odd(self, kind: str, value: float, start: int, end: int) -> bool:
        """Record a quantity out of its bounds (or with a minus sign); True when it was one."""
        sign = qty.negative(self.folded, start)
        oddity = qty.check(kind, value, self.folded[start - sign : end].strip(), negative_sign=sign)
        if oddity is not None and oddity not in self.oddities:
            self.oddities.append(oddity)
        return oddity is not None


def understand(text: str, previous: Query | Answer | None = None, catalog: Catalog | None = None) -> Query:
    """The :class:`Query` a question asks; ``previous`` fills what a follow-up leaves out."""
    reading = read(text, catalog or load_catalog())
    before = _as_query(previous) if previous is not None else None
    if before is not None and _is_follow_up(reading, before):
        return _merge(text, reading, before, catalog or load_catalog())
    return _finish(text, reading, reading.language or "en")


def read(text: str, catalog: Catalog) -> _Reading:
    """Everything one question says on its own."""
    raw = qty.superscripts(text[:MAX_CHARS])
    hub = find_hub_reference(raw)
    if hub is not None:  # a Hub repo names its model exactly: no catalog name or size is read inside it
        raw = raw[: hub.start] + " " * (hub.end - hub.start) + raw[hub.end :]
    folded = split_multipliers(qty.expand(fold(raw)))
    idx = index(catalog)
    tokens = tokenize(folded)
    settled = settle(find(tokens, idx, folded), tokens, folded, idx)
    found = [s.found for s in settled]
    reading = _Reading(folded=folded, language=_language(raw, folded), intent="unknown", explicit_intent=False)
    reading.taken = [(f.start, f.end) for f in found]
    reading.readings = [Reading(typed=s.found.text, id=s.found.id) for s in settled if s.loose and s.found.id]
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
    masked = _masked(reading)  # counts are read around the names, never inside another name ("3090 4090")
    for item in (f for f in found if f.kind == "gpu"):
        name = _variant(reading, item, idx) if item.id is not None else item.text
        if name not in gpus:
            gpus.append(name)
        if reading.gpu_count is None:
            reading.gpu_count = _count(reading, masked, item)
    reading.gpus = tuple(gpus)
    reading.gpu = gpus[0] if gpus else None
    _memory_figures(reading)
    machine = lx.MACHINE.search(_masked(reading)) if reading.gpu is None else None
    if machine is not None:  # a machine the catalog lacks: an unknown GPU, never a budget of its whole memory
        reading.gpu, reading.gpus = machine.group(), (machine.group(),)
        reading.taken.append(machine.span())
    if reading.gpu is None:
        _budget(reading, idx)


def _variant(reading: _Reading, item: Found, idx: Index) -> str:
    """The card with the memory the question gives ("una 4060 Ti de 16 gigas" → the 16 GB card), never one that
    contradicts it: a memory the card is not sold with makes an unknown GPU ("rtx 4090 48gb")."""
    assert item.id is not None
    gpu = idx.catalog.gpu(item.id)
    after = _MEMORY_AFTER_GPU.match(reading.folded[item.end :])
    before = _MEMORY_BEFORE_GPU.search(reading.folded[max(0, item.start - 16) : item.start])
    if after and (after.group(2) or idx.sibling(gpu, float(after.group(1)))):
        memory, span = float(after.group(1)), (item.end, item.end + after.end())
    elif before:
        memory, span = float(before.group(1)), (item.start - len(before.group()), item.start)
    else:
        if idx.has_variants(gpu) and not idx.names_memory(gpu, item.text):  # "a 4060 Ti": the 8 GB one, said
            reading.readings.append(Reading(typed=item.text, id=gpu.id))
        return gpu.id
    reading.taken.append(span)
    sibling = idx.sibling(gpu, memory)
    if sibling is not None:
        return sibling.id
    if memory <= 0 or abs(gpu.memory_gib - memory) < 0.5:
        return gpu.id
    return f"{item.text} {memory:g}gb"


def _count(reading: _Reading, masked: str, item: Found) -> int | None:
    start = max(0, item.start - 24)
    before = lx.COUNT_BEFORE.search(masked[start : item.start])
    if before:
        digits = before.group(1) or before.group(2)
        count = int(digits) if digits else lx.NUMBER_WORDS[before.group(3)]
        at = start + before.start()
        return None if reading.odd("count", count, at, item.end) else count
    after = lx.COUNT_AFTER.match(masked[item.end :])
    if after:
        count = int(after.group(1) or after.group(2))
        return None if reading.odd("count", count, item.start, item.end + after.end()) else count
    return None


def _memory_figures(reading: _Reading) -> None:
    """Memory figures that mean nothing ("0 GB", "-5 GB", "99999999 GB"), wherever they are."""
    for match in lx.MEMORY.finditer(_masked(reading)):
        value = qty.number(match.group(1))
        if value is not None:
            reading.odd("memory", value, match.start(), match.end())
    for match in lx.TB_MEMORY.finditer(_masked(reading)):
        value = qty.number(match.group(1))
        if value is not None:
            reading.odd("memory", value * 1024, match.start(), match.end())


def _budget(reading: _Reading, idx: Index) -> None:
    """ "8GB of VRAM", "24 GB", "a Mac with 64GB": a memory budget (an Apple GPU when a Mac is named)."""
    sizes = [(m, qty.number(m.group(1))) for m in lx.MEMORY.finditer(_masked(reading))]
    tb = [(m, qty.number(m.group(1))) for m in lx.TB_MEMORY.finditer(_masked(reading))]
    sizes += [(m, size * 1024 if size is not None else None) for m, size in tb]
    usable = [
        (m, size)
        for m, size in sizes
        if size is not None and 0 < size <= qty.MAX_MEMORY_GIB and not qty.negative(reading.folded, m.start())
    ]
    if not usable:
        return
    match, size = usable[0]
    reading.taken.append((match.start(), match.end()))
    if lx.MAC.search(reading.folded):
        mac = _mac(idx.catalog.gpus, size)
        if mac is not None:
            reading.gpu, reading.gpus = mac.id, (mac.id,)
            return
    if lx.UNIFIED.search(reading.folded):  # shared with the system: the GPU may use only part of it
        reading.oddities.append(Oddity(kind="unified_budget", typed=match.group(), value=size))
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
    for written in lx.SIZE.finditer(reading.folded):  # "llama 0B", "a -7b model": a size that means nothing
        value = qty.number(written.group(1))
        if value is not None:
            reading.odd("size", value, written.start(), written.end())
    match = lx.SIZE.search(_masked(reading))
    if match:
        reading.taken.append((match.start(), match.end()))
        size = qty.number(match.group(1))
        if reading.model is None and size is not None and 0 < size <= qty.MAX_SIZE_B:
            reading.model_size_b, reading.size_typed = size, match.group().strip()


# --- settings -------------------------------------------------------------------------------------------
def _settings(reading: _Reading) -> None:
    folded = reading.folded
    for task, pattern in lx.TASK_WORDS:
        if pattern.search(folded):
            reading.asked.task = task
            break
    reading.asked.runtime = settings.runtime(folded)
    kv = settings.kv_precision(folded, reading.asked.runtime)
    if kv is not None:  # "a q8_0 KV cache" sets the cache, not the weights
        reading.asked.kv_precision, (start, end) = kv
        reading.taken.append((start, end))
        folded = folded[:start] + " " * (end - start) + folded[end:]
    training = reading.asked.task not in (None, "inference")
    reading.asked.precision = settings.weight_precision(folded, training)
    reading.asked.lora_targets = settings.lora_targets(folded)
    if reading.asked.lora_targets is not None and reading.asked.task not in ("lora", "qlora"):
        reading.asked.task = "lora"  # "LoRA on q,v" is a LoRA fine-tune
    for optimizer, pattern in lx.OPTIMIZER_WORDS:
        if pattern.search(folded):
            reading.asked.optimizer = optimizer  # type: ignore[assignment]  # the table holds Optimizer names
            break
    for context in lx.CONTEXT.finditer(_masked(reading)):  # masked: "4090 context" is a GPU, not a length
        number, scale = (context.group(1), context.group(2)) if context.group(1) else context.group(3, 4)
        start = context.start(1) if context.group(1) else context.start(3)
        tokens = _scaled(number, scale or "", binary=True)
        if tokens is not None and not reading.odd("context", int(tokens), start, context.end()):
            reading.asked.context_tokens = int(tokens)
        reading.taken.append((context.start(), context.end()))
        break
    batch = lx.BATCH.search(folded)
    if batch:
        value = int(batch.group(1) or batch.group(2))
        start = batch.start(1) if batch.group(1) else batch.start(2)
        if not reading.odd("batch", value, start, batch.end()):
            reading.asked.batch = value
    for match in lx.TRAIN_TOKENS.finditer(_masked(reading)):
        tokens = _scaled(match.group(1), match.group(2) or "")
        if tokens is not None and tokens >= 1e6:
            if not reading.odd("tokens", tokens, match.start(), match.end()):
                reading.asked.training_tokens = int(tokens)
            break


def _scaled(number: str, scale: str, *, binary: bool = False) -> float | None:
    """ "1.5" "b" → 1.5e9; "8" "k" → 8,192 tokens of context (``binary``), "2,048" → 2048."""
    value = qty.number(number)
    if value is None:
        return None
    if binary and scale == "k":
        return value * 1024
    return value * lx.SCALE.get(scale, 1)


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
    if lx.SPEED.search(text) and not lx.HOW_MUCH_MEMORY.search(text):
        return "speed", True  # with nothing named, a follow-up ("how fast?", "¿y cuánto tarda?") or unanswerable
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
    named = reading.model is not None or reading.model_size_b is not None or reading.gpu is not None
    if reading.intent == "speed" and not named and reading.vram_gib is None:
        return True  # "how fast?" after any answer: the speed of what was just answered
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


def _family_size(reading: _Reading, before: Query, catalog: Catalog) -> None:
    """ "what about the 70B?" after Llama 3.1 8B: the 70B of the family under discussion (Llama 3.1 70B), said."""
    if reading.model is not None or reading.model_size_b is None or not before.model:
        return
    idx = index(catalog)
    previous, _ = resolve_model(before.model, idx)
    if previous is None:
        return
    family = tuple(m.id for m in catalog.models if m.family == previous.family)
    chosen = representative(catalog, reading.model_size_b, among=family)
    if chosen is not None:
        reading.model, reading.models, reading.model_size_b = chosen.id, (chosen.id,), None
        reading.readings.append(Reading(typed=reading.size_typed, id=chosen.id))


def _merge(text: str, reading: _Reading, before: Query, catalog: Catalog) -> Query:
    _family_size(reading, before, catalog)
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
        readings=reading.readings,
        oddities=reading.oddities,
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
        readings=tuple(reading.readings),
        oddities=tuple(reading.oddities),
    )
