"""The data directory: strict YAML reading, and a cache of the validated catalog keyed by the files' hash.

``VRAMBOT_DATA_DIR`` points at another data directory (operators adding entries); by default the package's
own ``knowledge/data``. YAML is read strictly: a key given twice in one mapping is an error naming the file,
the line and the key (PyYAML would keep the last one silently).

Parsing and validating several hundred entries costs more than the rest of a cold `vrambot ask`, so the
validated objects are pickled once into the user's cache directory (``VRAMBOT_CACHE_DIR``, else
``$XDG_CACHE_HOME/vrambot`` or ``~/.cache/vrambot``), under a name made of the SHA-256 of every data file,
of the modules that define the pickled classes, and the Python and pydantic versions: any edit to the data or
to those classes makes a new key, so a stale cache is never read. A cache that cannot be read or written is
ignored (the catalog is then parsed as usual).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic.version import VERSION as PYDANTIC_VERSION  # pickled pydantic objects: a new version, a new key

from knowledge.errors import CatalogError

PACKAGE_DATA = Path(__file__).parent.parent / "data"
CACHE_FORMAT = "1"  # bump when the pickled objects change shape without a data change
T = TypeVar("T")


def data_dir() -> Path:
    """Where the catalog's files are read from: ``VRAMBOT_DATA_DIR`` or the package's data."""
    chosen = os.environ.get("VRAMBOT_DATA_DIR")
    return Path(chosen).expanduser() if chosen else PACKAGE_DATA


@functools.cache
def _strict_loader() -> type[Any]:
    """A safe loader that refuses a key given twice in one mapping (PyYAML imported here: a start from the cache
    reads no YAML)."""
    import yaml

    base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it

    class StrictLoader(base):  # type: ignore[misc]  # PyYAML's loaders are untyped
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    line = key_node.start_mark.line + 1
                    raise CatalogError(f"line {line}: key {key!r} is given twice. Keep one.")
                seen.add(key)
            mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
            return mapping

    return StrictLoader


def read_yaml(path: Path) -> Any:
    """A YAML file's content, strictly: an unreadable file or a duplicate key names the file and the fix."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogError(f"{path.name}: cannot read it ({error.strerror}). Check {path}.") from None
    try:
        return yaml.load(text, Loader=_strict_loader())  # a SafeLoader subclass
    except CatalogError as error:
        raise CatalogError(f"{path.name}: {error}") from None
    except yaml.YAMLError as error:
        raise CatalogError(f"{path.name}: not valid YAML ({error}). Fix the file and retry.") from None


def _cache_dir() -> Path:
    chosen = os.environ.get("VRAMBOT_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vrambot"


def _key(files: list[Path]) -> str:
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{sys.version_info[:2]}|{PYDANTIC_VERSION}".encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def cached(files: list[Path], build: Callable[[], T], kind: str = "catalog") -> T:
    """``build()``'s result, from the cache when these exact files were built before (else built and stored).

    ``files`` are the data files and the source files of the classes ``build()`` returns; ``kind`` names the
    cache file (``catalog``, ``index``...), so that different results of the same files do not collide.
    """
    try:
        target = _cache_dir() / f"{kind}-{_key(files)}.pickle"
    except OSError:
        return build()  # a data file went missing: let build() name it
    with contextlib.suppress(Exception):  # a damaged or foreign cache file is only a slower start
        loaded: T = pickle.loads(target.read_bytes())  # our own file, written below
        return loaded
    value = build()
    import tempfile  # here: only a first start writes the cache

    with contextlib.suppress(OSError, pickle.PicklingError):
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=target.parent, delete=False) as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(out.name, target)
    return value
