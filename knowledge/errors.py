"""Errors raised by the knowledge package.

Every error carries a message that names the problem and the fix, in the user's language where the
caller gave one. The hierarchy::

    KnowledgeError
    ├── CatalogError        a data file is malformed (names the file, the entry and the field)
    ├── UnknownModel        no catalog model matches a name (with close matches)
    ├── UnknownGpu          no catalog GPU matches a name (with close matches)
    └── InvalidQuery        a parameter is out of range or inconsistent (context, batch, precision, ...)
        └── ModelSourceError    a model outside the catalog could not be read: a Hub repo (unknown, gated,
                                unreachable) or a GGUF file (unreadable), or its config cannot be estimated
"""

from __future__ import annotations


class KnowledgeError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""


class CatalogError(KnowledgeError):
    """A catalog data file failed validation."""


class UnknownName(KnowledgeError):
    """A model or GPU name that matches nothing in the catalog."""

    kind = "name"

    def __init__(self, name: str, suggestions: tuple[str, ...] = ()) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(
            f"Unknown {self.kind} {name!r}.{hint} Run `vrambot {self.kind}s` to list the catalog."
        )


class UnknownModel(UnknownName):
    """No catalog model matches the name."""

    kind = "model"


class UnknownGpu(UnknownName):
    """No catalog GPU matches the name."""

    kind = "gpu"


class InvalidQuery(KnowledgeError):
    """A parameter of an estimate is out of range or inconsistent."""

    def __init__(self, message: str, *, key: str = "", **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(message)


class ModelSourceError(InvalidQuery):
    """A Hub repo or a GGUF file could not give a model; ``key`` says why (``error.hub_not_found``, ...)."""
