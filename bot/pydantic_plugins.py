"""Pydantic's plugin discovery, skipped in the `vrambot` command (it costs a tenth of a cold start).

The first time pydantic builds a validator it imports ``importlib.metadata`` (with ``email``, ``zipfile``,
``csv``...) and scans every installed package for ``pydantic`` entry points: about 25 ms of CPU, a tenth of a
cold `vrambot ask`, for plugins vrambot never uses. The command therefore runs with ``PYDANTIC_DISABLE_PLUGINS``
set to ``__all__`` unless the environment sets it, and in that case (only) stands in for pydantic's loader module
with one whose ``get_plugins`` returns no plugin, which is what pydantic's own returns for that setting, without
the import. Anyone who wants a plugin sets ``PYDANTIC_DISABLE_PLUGINS`` (to ``""``, or a list of names) and gets
pydantic's own loader.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterable

_LOADER = "pydantic.plugin._loader"  # the module pydantic imports inside create_schema_validator (pydantic 2.7+)
_DISABLED = ("__all__", "1", "true")  # the values for which pydantic's get_plugins returns no plugin


def _no_plugins() -> Iterable[object]:
    return ()


def skip_discovery() -> None:
    """Disable pydantic plugins for this process unless the environment says otherwise (call before pydantic
    builds its first validator)."""
    setting = os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if setting in _DISABLED and _LOADER not in sys.modules:
        loader = types.ModuleType(_LOADER, "pydantic's plugin loader when every plugin is disabled: no plugins")
        loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
        sys.modules[_LOADER] = loader
