"""The words people use to ask about models and GPUs, in English and Spanish, as compiled patterns.

Patterns run on text folded by :func:`knowledge.folding.fold`: lower case, accents removed ("cuánta" →
"cuanta"), punctuation kept, so Spanish typed with or without accents matches the same pattern. Nothing here
is shown to users; the answers' words live in the message catalogs (``knowledge/locales``).
"""

# fmt: off
from __future__ import annotations

import re
from typing import Final

from knowledge.estimator.job import Task


def _words(*alternatives: str) -> re.Pattern[str]:
    """A pattern matching any alternative as whole words (of folded, lower-case text)."""
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])")


# --- language -------------------------------------------------------------------------------------------
# Function words that tell the two languages apart (product names are neutral).
SPANISH_WORDS: Final = _words(
    r"puedo", r"puede", r"podria", r"pueden", r"cuanta", r"cuanto", r"cuantas", r"cuantos", r"necesito",
    r"necesita", r"necesitas", r"que", r"para", r"con", r"una", r"un", r"el", r"la", r"los", r"las", r"del", r"de",
    r"y", r"o", r"es", r"en", r"mi", r"correr", r"entrenar", r"usar", r"modelo", r"modelos", r"tiene", r"cual",
    r"cuales", r"mejor", r"hace", r"hacen", r"falta", r"ayuda", r"alcanza", r"rapido", r"tarjeta", r"memoria",
    r"tengo", r"cabe", r"entra", r"sirve", r"hola", r"grande", r"tarda", r"parametros", r"si", r"afinar",
    r"ajuste", r"fino", r"desde", r"cero", r"contexto", r"bits", r"capital", r"como", r"donde", r"hacer", r"sobre",
    r"ejecutar", r"inferencia", r"recomiendas", r"dame", r"dime", r"quiero", r"sera", r"seria", r"mas", r"segundo",
    r"por", r"horas", r"tiempo", r"entrenamiento", r"tokens por segundo",
)
ENGLISH_WORDS: Final = _words(
    r"can", r"could", r"how", r"much", r"many", r"what", r"which", r"need", r"needs", r"run", r"does", r"do",
    r"is", r"the", r"with", r"my", r"of", r"to", r"and", r"or", r"on", r"an", r"a", r"for", r"train", r"use",
    r"model", r"models", r"have", r"has", r"better", r"fast", r"big", r"help", r"enough", r"fit", r"fits", r"i",
    r"it", r"at", r"about", r"largest", r"biggest", r"best", r"tell", r"me", r"would", r"will", r"memory", r"in",
    r"from", r"scratch", r"per", r"second", r"hours", r"long", r"time", r"get", r"if", r"you", r"this",
)
SPANISH_MARKS: Final = re.compile(r"[¿¡ñáéíóúü]", re.IGNORECASE)

# --- follow-ups ("what about a 3090?", "¿y con QLoRA?") -------------------------------------------------
FOLLOW_UP: Final = re.compile(
    r"^\W*(?:what about|how about|and (?:with|on|for|if|what about|at|in)?|what if|and|same (?:with|on|for)|"
    r"now (?:with|on|for)|with|on|at|in|using|instead|"
    r"y (?:con|en|si|para|a|que tal|usando|sin)?|y|que tal (?:con|en|si)?|y que tal|"
    r"con|en|usando|a|sin|mismo con|igual con|ahora con|y ahora)(?![\w])"
)

# --- help and greetings ---------------------------------------------------------------------------------
HELP_ALONE: Final = re.compile(
    r"^\W*(?:/?help|/?ayuda|\?+|h|commands?|comandos?|menu|start|/start|info|hola|hello|hi|hey|buenas|"
    r"buenos dias|buenas tardes|usage|uso|instrucciones|ejemplos?|examples?)\W*$"
)
HELP_PHRASE: Final = _words(
    r"what can you (?:do|answer|tell me)", r"what do you (?:do|know)", r"how (?:do i|to) use (?:you|this|vrambot)",
    r"how does (?:this|it|vrambot) work", r"que (?:puedes|sabes) (?:hacer|responder)",
    r"como (?:te uso|se usa|funciona)", r"que haces", r"who are you", r"quien eres", r"help me", r"ayudame",
    r"necesito ayuda", r"i need help",
)

# --- intents --------------------------------------------------------------------------------------------
COMPARE: Final = _words(
    r"vs\.?", r"versus", r"compare[ds]?", r"comparing", r"comparison", r"compara[rs]?", r"comparacion", r"better",
    r"mejor(?:es)?", r"faster", r"mas rapid[oa]", r"difference", r"diferencias?", r"or", r"o", r"u", r"cual elijo",
    r"which one", r"cual de",
)
SPEED: Final = _words(
    r"tokens? (?:per|a|/) ?(?:second|sec|s)", r"tok/s", r"tokens/s", r"t/s", r"tps", r"how fast",
    r"how quick(?:ly)?", r"speed", r"throughput", r"latency", r"que tan rapid[oa]", r"cuan rapid[oa]", r"rapidez",
    r"velocidad", r"tokens por segundo", r"how long", r"how many hours", r"how much time",
    r"cuanto (?:tiempo|tarda|demora)", r"cuantas horas", r"training time", r"tiempo de entrenamiento",
    r"tarda(?:ria)?", r"demora(?:ria)?", r"takes? to train", r"gpu hours", r"horas de gpu", r"rapido", r"fast",
)
RECOMMEND_MODEL: Final = _words(
    r"(?:what|which|largest|biggest|best|strongest|largest possible|most capable) (?:\w+ ){0,3}(?:models?|llms?)",
    r"models? (?:can|could|will|would|should) i", r"what can i (?:run|train|fine-?tune|use|serve|load|fit)",
    r"what (?:will|would|could) (?:run|fit)", r"que (?:\w+ ){0,2}modelos?", r"cual(?:es)? (?:\w+ ){0,2}modelos?",
    r"modelos? (?:puedo|podria|se puede|caben|entran|corren)", r"(?:el )?modelo mas (?:grande|potente)",
    r"el mayor modelo", r"mejor(?:es)? modelos?", r"que puedo (?:correr|usar|entrenar|ejecutar|afinar)",
    r"que (?:llms?|ias?) puedo",
)
RECOMMEND_GPU: Final = _words(
    r"(?:what|which) (?:\w+ ){0,2}(?:gpus?|cards?|graphics cards?|hardware|accelerators?|setup)",
    r"how many (?:\w+ ){0,2}(?:gpus?|cards?)", r"recommend(?:ed)? (?:a |me a )?(?:gpu|card)", r"best gpus?",
    r"que (?:\w+ ){0,2}(?:gpus?|tarjetas?|graficas?|placas?|hardware)",
    r"cual(?:es)? (?:\w+ ){0,2}(?:gpus?|tarjetas?)", r"cuant[ao]s (?:\w+ ){0,2}(?:gpus?|tarjetas?|graficas?)",
    r"mejor(?:es)? (?:gpus?|tarjetas?)", r"what do i need to", r"what should i buy",
    r"que (?:necesito|compro) para", r"que me recomiendas", r"hacen? falta", r"se necesitan",
)
HOW_MANY: Final = _words(r"how many", r"cuant[ao]s", r"hacen falta", r"se necesitan", r"number of", r"numero de")
GPU_INFO: Final = _words(
    r"how much (?:memory|vram|ram|gpu memory) (?:does|do|has|is (?:in|on)) (?:the |a |an |my )?",
    r"cuanta (?:memoria|vram|ram) tiene", r"specs?", r"specifications?", r"especificaciones", r"bandwidth",
    r"ancho de banda", r"tflops", r"flops", r"price", r"precio", r"cuesta", r"cost", r"tell me about",
    r"hablame de", r"info(?:rmation|rmacion)?", r"what is", r"que es", r"have", r"tiene", r"how good is",
    r"que tal es", r"datos de",
)
MODEL_INFO: Final = _words(
    r"how big", r"how large", r"how many param(?:eter)?s?", r"cuantos parametros", r"que tan grande", r"tamano",
    r"size of", r"what is", r"que es", r"tell me about", r"hablame de", r"info(?:rmation|rmacion)?", r"layers",
    r"capas", r"context length", r"contexto maximo", r"max(?:imum)? context", r"architecture", r"arquitectura",
    r"parameters?", r"parametros", r"params", r"how big is", r"cuanto pesa", r"que tamano",
)
REQUIREMENTS: Final = _words(
    r"how much (?:\w+ ){0,2}(?:vram|memory|ram|gpu memory|gpu ram|gb|gigs?)", r"how many (?:gb|gigs?|gigabytes)",
    r"cuant[ao]s? (?:\w+ ){0,2}(?:vram|memoria|ram|gb|gigas?)", r"requirements?", r"requisitos", r"requerimientos",
    r"need(?:s|ed)?", r"required", r"requires?", r"necesit[oaeo]s?", r"necesitan", r"requiere", r"memory usage",
    r"uso de memoria", r"consum(?:e|o|ption)", r"ocupa", r"takes up", r"footprint",
)
HOW_MUCH_MEMORY: Final = _words(
    r"how much (?:\w+ ){0,2}(?:vram|memory|ram)", r"cuant[ao]s? (?:\w+ ){0,2}(?:vram|memoria|ram|gb)",
)
MEMORY_WORDS: Final = _words(r"vram", r"memory", r"memoria", r"ram", r"gb", r"gib")
FIT: Final = _words(
    r"can", r"could", r"will", r"would", r"does", r"do", r"is", r"fits?", r"enough", r"handle", r"possible",
    r"able to", r"puedo", r"puede", r"podria", r"podre", r"pueden", r"alcanza", r"basta", r"cabe", r"caben",
    r"entra", r"es suficiente", r"suficiente", r"sirve", r"aguanta", r"da para", r"corre", r"funciona",
    r"se puede", r"es posible", r"run", r"correr",
)


# --- tasks ----------------------------------------------------------------------------------------------
TASK_WORDS: Final[tuple[tuple[Task, re.Pattern[str]], ...]] = (
    ("qlora", _words(r"q-?lora")),
    ("lora", _words(r"lora", r"peft", r"adapters?", r"adaptador(?:es)?")),
    (
        "pretrain",
        _words(
            r"from scratch",
            r"desde cero",
            r"pre-?train(?:ing|ed)?",
            r"pre-?entrena(?:r|miento|do)?",
            r"de cero",
            r"from zero",
        ),
    ),
    (
        "full_finetune",
        _words(
            r"full(?:y)? fine-?tun(?:e|ing|ed)?",
            r"full (?:parameter )?(?:training|train)",
            r"full ft",
            r"fine-?tun(?:e|ing|ed)?",
            r"fine tun(?:e|ing)",
            r"finetun(?:e|ing)",
            r"ft",
            r"sft",
            r"afina(?:r|do|miento)?",
            r"ajuste fino",
            r"ajustar",
            r"reentrenar",
            r"train(?:ing|ed)?",
            r"entrena(?:r|miento|rlo|rla|do)?",
            r"full",
            r"completo",
        ),
    ),
    (
        "inference",
        _words(
            r"run(?:ning|s)?",
            r"use",
            r"using",
            r"serve",
            r"serving",
            r"host(?:ing)?",
            r"load",
            r"infer(?:ence)?",
            r"chat with",
            r"deploy",
            r"correr(?:lo|la)?",
            r"corre",
            r"usar(?:lo|la)?",
            r"ejecutar(?:lo|la)?",
            r"inferencia",
            r"servir",
            r"cargar",
            r"desplegar",
            r"mover",
            r"inference",
            r"generate",
            r"generar",
        ),
    ),
)

# --- quantities -----------------------------------------------------------------------------------------
NUMBER_WORDS: Final[dict[str, int]] = {
    "zero": 0,
    "one": 1,
    "a single": 1,
    "single": 1,
    "two": 2,
    "a pair of": 2,
    "pair of": 2,
    "a couple of": 2,
    "couple of": 2,
    "dual": 2,
    "three": 3,
    "four": 4,
    "quad": 4,
    "five": 5,
    "six": 6,
    "eight": 8,
    "ten": 10,
    "sixteen": 16,
    "una": 1,
    "uno": 1,
    "un": 1,
    "sola": 1,
    "solo": 1,
    "dos": 2,
    "un par de": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "ocho": 8,
    "diez": 10,
    "dieciseis": 16,
}
_COUNT_WORD = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
# "2x", "2 x", "x2" (after the name), "two", "dos". Up to five digits, so that "99999 4090s" is read (and refused).
COUNT_BEFORE: Final = re.compile(
    r"(?:(?<![\w.])(\d{1,5})\s?(?:x|\*)\s?|(?<![\w.])(\d{1,5})\s+|(?<!\w)(" + _COUNT_WORD + r")\s+)$"
)
COUNT_AFTER: Final = re.compile(r"^(?:s)?\s?(?:x\s?(\d{1,5})|\*\s?(\d{1,5}))(?!\w)")

# Numbers are read whole, however long ("1000000b", "10,000,000 tokens of context"), so that an absurd one is
# refused rather than cut to its last digits; ``knowledge.understanding.quantities`` checks each against its bounds.
SIZE: Final = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d{1,2})?)\s?(?:b(?![a-z])|bn\b|billion(?: param(?:eter)?s?)?|mil millones"
    r"|b params)(?!\s?(?:tokens?|de tokens))"
)
MEMORY: Final = re.compile(r"(?<![\w.])(\d+(?:[.,]\d{1,2})?)\s?(?:gb|gib|gigs?|gigas?|gigabytes?|g)(?![a-z])")
TB_MEMORY: Final = re.compile(r"(?<![\w.])(\d+(?:[.,]\d{1,2})?)\s?(?:tb|tib|terabytes?)(?![a-z])")
_CONTEXT_SCALE = r"(k|m|thousand|mil|millon(?:es)?|million)?"
CONTEXT: Final = re.compile(
    r"(?:(?<![\w.])(\d+(?:[.,]\d{1,3})*)\s?" + _CONTEXT_SCALE + r"[\s-]?(?:tokens? (?:of |de )?|de )?"
    r"(?:context(?:o)?|ctx|window|ventana)"
    r"|(?:context(?:o)?|ctx|window|ventana|seq(?:uence)?s?|secuencias?)(?:\s(?:window|length|size|len|de contexto))?"
    r"\s?(?:of|de|=|:)?\s?(?:a |an |de |la )?(\d+(?:[.,]\d{1,3})*)\s?" + _CONTEXT_SCALE + r"(?![a-z\d]))"
)
BATCH: Final = re.compile(
    r"(?:batch(?: size)?|lote|tamano de lote|micro-?batch|bs)\s?(?:of|de|=|:)?\s?(\d+)(?!\d)"
    r"|(?<![\w.])(\d+)\s(?:concurrent (?:users|requests)|usuarios|users|requests|sequences|secuencias)"
)
TRAIN_TOKENS: Final = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d{1,3})*)\s?(k|m|b|t|mil millones|millones|billion|million|trillion)?\s?"
    r"(?:of |de )?tokens?(?! (?:per|por|a|/) ?s)"
)
SCALE: Final[dict[str, float]] = {
    "": 1,
    "k": 1e3,
    "thousand": 1e3,
    "mil": 1e3,
    "m": 1e6,
    "million": 1e6,
    "millon": 1e6,
    "millones": 1e6,
    "b": 1e9,
    "billion": 1e9,
    "mil millones": 1e9,
    "t": 1e12,
    "trillion": 1e12,
}

# --- precision and runtime ------------------------------------------------------------------------------
PRECISION: Final = re.compile(
    r"(?<![\w])(?:(fp32|fp16|bf16|fp8|f16|f32|float32|float16|bfloat16|int8|int4|nf4|gptq|awq|"
    r"iq[1-4]_[a-z]{1,3}|q[2-8]_[0-1k](?:_[sml])?|q[2-8]k(?:m|s|l)?|q[2-8])"
    r"|(\d{1,2})[\s-]?bits?|half precision|media precision|full precision|precision completa)(?![\w])"
)
BITS_TO_PRECISION: Final[dict[str, str]] = {"32": "fp32", "16": "fp16", "8": "int8", "4": "gptq"}
PRECISION_PHRASES: Final[dict[str, str]] = {
    "half precision": "fp16",
    "media precision": "fp16",
    "full precision": "fp32",
    "precision completa": "fp32",
}
GGUF_SHORT: Final[dict[str, str]] = {
    "q8": "q8_0",
    "q6": "q6_k",
    "q5": "q5_k_m",
    "q4": "q4_k_m",
    "q3": "q3_k_m",
    "q2": "q2_k",
}
QUANTIZED: Final = _words(r"quantized", r"quantised", r"cuantizad[oa]", r"quant")
RUNTIME_WORDS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("llama.cpp", _words(r"llama\.?cpp", r"gguf", r"ollama", r"lm ?studio", r"koboldcpp", r"jan")),
    ("vllm", _words(r"vllm")),
    ("sglang", _words(r"sglang", r"sg ?lang")),
    ("mlx", _words(r"mlx(?:[ -]lm)?")),
    ("unsloth", _words(r"unsloth")),
    ("torchtune", _words(r"torchtune", r"torch ?tune")),
    ("litgpt", _words(r"lit-?gpt")),
    ("axolotl", _words(r"axolotl")),
    ("transformers", _words(r"transformers", r"hugging ?face", r"pytorch", r"bitsandbytes", r"trl", r"hf trainer")),
)
# --- KV cache and LoRA targets ----------------------------------------------------------------------------
KV_CACHE: Final = _words(
    r"kv[ -]?cache", r"k/v[ -]?cache", r"key[ -]value cache", r"cache kv", r"cache de kv", r"cache (?:del )?kv",
    r"kv", r"cache[ -]type(?:[ -][kv])?", r"ctk", r"ctv",
)
# "with a q8_0 KV cache" (the type just before) or "KV cache in 8 bits", "caché KV en q4_0" (just after)
KV_LINK_AFTER: Final = re.compile(r"^\s?(?:in|en|at|a|=|:|of|de|with|con|type|tipo|como)?\s?(?:el |la |an? )?$")
KV_8_BIT: Final[dict[str, str]] = {"8": "q8_0", "4": "q4_0", "16": "fp16", "32": "fp32"}  # bits → KV type
LORA_TARGETS: Final = re.compile(
    r"(?:q-?lora|lora|adapters?|adaptador(?:es)?)(?:[^.?!;]{0,24}?)\s(?:on|en|sobre|to|for|targets?|targeting|"
    r"target modules|modules|modulos|in|over|para)\s(?:the |las |los |la |el |only |solo )?"
    r"((?:(?:q|k|v|o|gate|up|down)(?:_proj)?(?![a-z])(?:\s?(?:,|/|\+|&|and|y)\s?|\s)?)+"
    r"|all(?: the)?(?: linear)?(?: layers)?|every linear layer|todas(?: las)?(?: capas)?(?: lineales)?|"
    r"attention(?: layers)?|atencion|la atencion|mlp)"
)
LORA_MODULE: Final = re.compile(r"(?<![a-z])(q|k|v|o|gate|up|down)(?:_proj)?(?![a-z])")
OPTIMIZER_WORDS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("adamw_8bit", _words(r"(?:adamw?[ _-]?8[ -]?bit|8[ -]?bit adamw?|paged adamw?)")),
    ("sgd", _words(r"sgd")),
    ("adafactor", _words(r"adafactor")),
    ("adamw", _words(r"adamw?")),
)

# --- the machine around the GPU, money, serving (added by the layouts branch) -------------------------
# "with 64GB of RAM", "64 GB system RAM", "32 gigas de RAM", "con 32 GB de memoria RAM": system RAM, not VRAM.
SYSTEM_RAM: Final = re.compile(
    r"(?<![\w.])(\d{1,4})\s?(?:gb|gib|gigs?|gigas?|gigabytes?|g)\s?(?:of |de )?(?:system |sistema )?"
    r"(?:ddr\d ?)?(?:memoria )?(?:ram|ddr\d)(?![a-z])(?! ?(?:de )?(?:la )?(?:gpu|video|vram))"
)
# "$800", "under 800 dollars", "con 600 euros", "por menos de 500 dolares", "1.5k usd", "€600"
MONEY: Final = re.compile(
    r"(?:(?<![\w])(us\$|\$|€)\s?(\d{1,3}(?:[.,]\d{3})+|\d{1,6}(?:[.,]\d{1,2})?)\s?(k)?(?![\w])"
    r"|(?<![\w.])(\d{1,3}(?:[.,]\d{3})+|\d{1,6}(?:[.,]\d{1,2})?)\s?(k)?\s?"
    r"(\$|usd|us dollars|dollars?|dolares|bucks|€|eur|euros?)(?![\w]))"
)
EURO_WORDS: Final = frozenset({"€", "eur", "euro", "euros"})
# "how many users can an L40S serve", "cuantos usuarios a la vez": concurrent sequences under vLLM/SGLang.
SERVING: Final = _words(
    r"how many (?:concurrent |simultaneous |parallel )?(?:users|requests|sequences|people|clients|conversations|chats)",
    r"cuant[ao]s (?:usuarios|peticiones|solicitudes|secuencias|personas|clientes|conversaciones|chats)",
    r"(?:max(?:imum)? )?concurrency", r"concurrencia", r"concurrent (?:users|requests|sequences)",
    r"usuarios (?:a la vez|simultaneos|concurrentes|en paralelo)",
)

# --- hardware words -------------------------------------------------------------------------------------
MAC: Final = _words(r"mac(?:book)?(?: pro| air| studio| mini)?", r"apple silicon", r"imac")
GPU_PREFIX: Final = frozenset(
    {"rtx", "gtx", "rx", "radeon", "geforce", "quadro", "tesla", "titan", "instinct", "arc", "nvidia", "amd"}
)
# Machines that are not a card. When the catalog lacks the one named, it is an unknown GPU (with close names),
# never a bare memory budget: "a Ryzen AI Max+ 395 with 128GB" is not 128 GiB of dedicated VRAM.
MACHINE: Final = _words(
    r"dgx spark", r"gb10", r"ryzen ai max\+?(?: pro)?(?: \d{3})?", r"ryzen ai \d{3}", r"strix halo",
    r"jetson(?: agx)?(?: orin| thor| nano)*", r"agx (?:orin|thor)",
)
UNIFIED: Final = _words(
    r"unified(?: memory| ram)?", r"memoria unificada", r"ram unificada", r"shared (?:memory|ram)", r"memoria compartida"
)
