"""Text folded for matching, the one way every layer does it.

:func:`fold` is how a question is read (lower case, accents and ¿¡ dropped, curly quotes and dashes made plain,
punctuation kept); :func:`name_key` is how a name is looked up (the folded text's words and numbers run
together: "Llama-2 7B", "llama 2 7b" and "LLaMA2-7b" are all ``llama27b``). The catalog's name lookup, the
precision names and question understanding all use these two.
"""

from __future__ import annotations

import re
import unicodedata

_TRANSLATE = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‑": "-", "−": "-", "×": "x"})
# A word or number of a name: "qwen2.5", "0.5b", "v0.3" keep their dot; ".gguf" stands apart.
WORD = re.compile(r"[a-z0-9]+(?:\.[0-9][a-z0-9]*)*")


_PLUS = re.compile(r"(?<=[a-z0-9])\+(?![0-9])")  # "Command R+", "Max+ 395": a name's plus, not "2+2"


def fold(text: str) -> str:
    """Lower-case ASCII-ish text: accents and ¿¡ dropped, curly quotes and dashes made plain, a name's "+" read
    as " plus " ("Command R+" is not Command R)."""
    decomposed = unicodedata.normalize("NFKD", _PLUS.sub(" plus ", text.translate(_TRANSLATE).lower()))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("¿", " ").replace("¡", " ")


def name_key(text: str) -> str:
    """The key a name is looked up by: its folded words and numbers, joined ("RTX 4060 Ti" → ``rtx4060ti``)."""
    return "".join(WORD.findall(fold(text)))
