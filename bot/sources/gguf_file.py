"""Read a GGUF file's header (metadata and tensor list) without reading its tensor data.

The header is parsed as a stream from the file's start, with the ``gguf`` package's constants (value
types, ggml tensor types and their block layouts in ``GGML_QUANT_SIZES``, the file types), and reading stops
at the end of the tensor list: a 40 GiB file costs a few megabytes of reads (mostly the tokenizer, whose
arrays are skipped rather than kept). A model split into parts (``-00001-of-00003.gguf``) is read from the
headers of all its parts. Turning the header into a model is :func:`knowledge.estimator.from_gguf.gguf_model`.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import IO, Any

from gguf import GGML_QUANT_SIZES, GGUF_MAGIC, GGMLQuantizationType, GGUFValueType, LlamaFileType

from knowledge.errors import ModelSourceError
from knowledge.estimator.catalog import Model
from knowledge.estimator.from_gguf import GgufArray, GgufHeader, GgufTensor, gguf_model

_CHUNK = 1 << 20
_KEPT_ARRAY_ITEMS = 4096  # numeric arrays up to this length are kept (per-layer head counts); longer are skipped
_SCALARS: dict[GGUFValueType, str] = {
    GGUFValueType.UINT8: "B",
    GGUFValueType.INT8: "b",
    GGUFValueType.UINT16: "H",
    GGUFValueType.INT16: "h",
    GGUFValueType.UINT32: "I",
    GGUFValueType.INT32: "i",
    GGUFValueType.FLOAT32: "f",
    GGUFValueType.BOOL: "?",
    GGUFValueType.UINT64: "Q",
    GGUFValueType.INT64: "q",
    GGUFValueType.FLOAT64: "d",
}
_PART = re.compile(r"^(?P<stem>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


class _Truncated(Exception):
    """The file ends inside its header."""


class _Stream:
    """Sequential little- or big-endian reads over a file, a chunk at a time."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.buffer = b""
        self.position = 0
        self.order = "<"

    def read(self, size: int) -> bytes:
        while len(self.buffer) - self.position < size:
            chunk = self.handle.read(max(_CHUNK, size))
            if not chunk:
                raise _Truncated
            self.buffer = self.buffer[self.position :] + chunk
            self.position = 0
        data = self.buffer[self.position : self.position + size]
        self.position += size
        return data

    def skip(self, size: int) -> None:
        available = len(self.buffer) - self.position
        if size <= available:
            self.position += size
            return
        self.handle.seek(size - available, 1)
        self.buffer, self.position = b"", 0

    def scalar(self, code: str) -> Any:
        return struct.unpack(self.order + code, self.read(struct.calcsize(code)))[0]

    def string(self) -> str:
        return self.read(self.scalar("Q")).decode("utf-8", errors="replace")


def _value(stream: _Stream, kind: GGUFValueType) -> Any:
    if kind == GGUFValueType.STRING:
        return stream.string()
    if kind == GGUFValueType.ARRAY:
        item = GGUFValueType(stream.scalar("I"))
        length = stream.scalar("Q")
        if item in _SCALARS and length <= _KEPT_ARRAY_ITEMS:
            return [stream.scalar(_SCALARS[item]) for _ in range(length)]
        if item in _SCALARS:
            stream.skip(length * struct.calcsize(_SCALARS[item]))
        else:
            for _ in range(length):  # strings (the tokenizer's tokens and merges), or nested arrays
                _skip(stream, item)
        return GgufArray(item_type=item.name, length=length)
    return stream.scalar(_SCALARS[kind])


def _skip(stream: _Stream, kind: GGUFValueType) -> None:
    if kind == GGUFValueType.STRING:
        stream.skip(stream.scalar("Q"))
    elif kind == GGUFValueType.ARRAY:
        _value(stream, kind)
    else:
        stream.skip(struct.calcsize(_SCALARS[kind]))


def _tensor(stream: _Stream) -> GgufTensor:
    name = stream.string()
    dims = stream.scalar("I")
    shape = tuple(stream.scalar("Q") for _ in range(dims))
    kind = GGMLQuantizationType(stream.scalar("I"))
    stream.scalar("Q")  # offset of the data: never followed
    block_size, block_bytes = GGML_QUANT_SIZES[kind]
    return GgufTensor(name=name, type_name=kind.name, shape=shape, block_size=block_size, block_bytes=block_bytes)


def _parse(handle: IO[bytes]) -> tuple[dict[str, Any], tuple[GgufTensor, ...]]:
    stream = _Stream(handle)
    if struct.unpack("<I", stream.read(4))[0] != GGUF_MAGIC:
        raise ValueError("it does not start with the GGUF magic number")
    version = stream.scalar("I")
    if version & 0xFFFF == 0:  # written on a big-endian machine
        stream.order = ">"
        version = struct.unpack(">I", struct.pack("<I", version))[0]
    if version not in (2, 3):
        raise ValueError(f"it is GGUF version {version}; vrambot reads versions 2 and 3")
    tensor_count, kv_count = stream.scalar("Q"), stream.scalar("Q")
    metadata: dict[str, Any] = {}
    for _ in range(kv_count):
        key = stream.string()
        metadata[key] = _value(stream, GGUFValueType(stream.scalar("I")))
    tensors = tuple(_tensor(stream) for _ in range(tensor_count))
    return metadata, tensors


def _read_one(path: Path, shown: str) -> tuple[dict[str, Any], tuple[GgufTensor, ...]]:
    try:
        with path.open("rb") as handle:
            return _parse(handle)
    except FileNotFoundError:
        raise ModelSourceError(
            f"No file {shown}. Give the path of a .gguf file.", key="error.gguf_missing", file=shown
        ) from None
    except (_Truncated, ValueError, KeyError, OSError, struct.error) as error:
        reason = str(error) if isinstance(error, ValueError) and str(error) else "its header is cut short or damaged"
        raise ModelSourceError(
            f"{shown} is not a GGUF file vrambot can read: {reason}. Check the file (a complete download).",
            key="error.gguf_invalid",
            file=shown,
            reason=reason,
        ) from None


def read_header(path: str | Path) -> GgufHeader:
    """The metadata and tensor list of a GGUF file (all parts of a split model), never its tensor data."""
    path = Path(path)
    metadata, tensors = _read_one(path, path.name)
    parts = metadata.get("split.count")
    if isinstance(parts, int) and parts > 1:
        match = _PART.match(path.name)
        if match is None:
            raise ModelSourceError(
                f"{path.name} is one of {parts} parts but is not named NAME-00001-of-{parts:05d}.gguf; "
                "give the first part with the others beside it.",
                key="error.gguf_parts",
                file=path.name,
                parts=parts,
            )
        tensors = ()
        for index in range(1, parts + 1):
            part = path.with_name(f"{match['stem']}-{index:05d}-of-{parts:05d}.gguf")
            part_metadata, part_tensors = _read_one(part, part.name)
            tensors += part_tensors
            if index == 1:
                metadata = part_metadata  # the first part holds the model's metadata
    file_type = metadata.get("general.file_type")
    name = None
    if isinstance(file_type, int):
        try:
            name = LlamaFileType(file_type).name
        except ValueError:
            name = None
    return GgufHeader(metadata=metadata, tensors=tensors, file_type=name)


def is_gguf_path(name: str) -> bool:
    """Whether a model argument names a GGUF file rather than a catalog model or a Hub repo."""
    return name.lower().endswith(".gguf")


def gguf_file_model(path: str | Path) -> Model:
    """The model a GGUF file holds, with its exact weights (one line ModelSourceError when it cannot be read)."""
    path = Path(path)
    return gguf_model(read_header(path), path.name)
