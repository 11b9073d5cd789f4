"""A stand-in for the Hugging Face Hub's HTTP API on 127.0.0.1, for the real ``huggingface_hub`` client.

It speaks the endpoints the client calls to read a model: ``GET /api/models/{repo}`` (and
``/api/models/{repo}/revision/{rev}``) with the JSON the Hub returns (id, sha, siblings, the safetensors
parameter summary, gated), and ``HEAD``/``GET /{repo}/resolve/{rev}/{file}`` with the headers
``hf_hub_download`` requires (``X-Repo-Commit``, ``ETag``, ``Content-Length``), byte ranges for safetensors
headers (``Range: bytes=0-100000`` → 206), and the Hub's error codes (``X-Error-Code: RepoNotFound``,
``GatedRepo``, ``EntryNotFound``). A repo marked gated answers 401 to file requests without the right
``Authorization: Bearer`` token, as the Hub does for a user who has not been granted access.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "hf_standin_token"
_API = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+?)(?:/revision/(?P<rev>[^/]+))?/?$")
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")


def safetensors_file(tensors: dict[str, tuple[str, list[int]]]) -> bytes:
    """A safetensors file's header (8-byte length, JSON) for tensors {name: (dtype, shape)}; no data follows."""
    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        size = {"BF16": 2, "F16": 2, "F32": 4}[dtype]
        for dim in shape:
            size *= dim
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw


@dataclass
class Repo:
    """One model repo: its files, the Hub's safetensors summary (or none), and whether it is gated."""

    files: dict[str, bytes]
    safetensors_total: int | None = None
    gated: bool = False
    sha: str = "5f" * 20

    @classmethod
    def with_config(cls, config: dict[str, Any], **kwargs: Any) -> Repo:
        return cls(files={"config.json": json.dumps(config).encode(), "README.md": b"# model\n"}, **kwargs)


@dataclass
class HubStandIn:
    """The server, its repos, and every request it saw (method, path, headers)."""

    repos: dict[str, Repo]
    stall: bool = False  # accept connections and never answer (a hung Hub)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_HEAD(self) -> None:
                standin._serve(self, body=False)

            def do_GET(self) -> None:
                standin._serve(self, body=True)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.stop_stalling = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.stop_stalling.set()
        self.server.shutdown()
        self.server.server_close()

    # -- responses ----------------------------------------------------------------------------------------

    def _send(
        self, handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], payload: bytes, body: bool
    ) -> None:
        handler.send_response(status)
        handler.close_connection = True  # no keep-alive: a closed stand-in is gone for the client too
        for name, value in {**headers, "Content-Length": str(len(payload)), "Connection": "close"}.items():
            handler.send_header(name, value)
        handler.end_headers()
        if body:
            handler.wfile.write(payload)

    def _error(self, handler: BaseHTTPRequestHandler, status: int, code: str, message: str, body: bool) -> None:
        headers = {"X-Error-Code": code, "X-Error-Message": message, "Content-Type": "application/json"}
        self._send(handler, status, headers, json.dumps({"error": message}).encode(), body)

    def _serve(self, handler: BaseHTTPRequestHandler, *, body: bool) -> None:
        path = handler.path.split("?", 1)[0]
        self.requests.append((handler.command, path, dict(handler.headers.items())))
        if self.stall:
            self.stop_stalling.wait(30)
            return
        api, resolve = _API.match(path), _RESOLVE.match(path)
        match = api or resolve
        repo = self.repos.get(match["repo"]) if match else None
        if match is None or repo is None:
            self._error(handler, 404, "RepoNotFound", "Repository not found", body)
        elif api is not None:
            self._send(handler, 200, {"Content-Type": "application/json"}, self._info(match["repo"], repo), body)
        elif repo.gated and handler.headers.get("Authorization") != f"Bearer {TOKEN}":
            message = f"Access to model {match['repo']} is restricted. You must have access to it."
            self._error(handler, 401, "GatedRepo", message, body)
        elif match["file"] not in repo.files:
            headers = {"X-Error-Code": "EntryNotFound", "X-Error-Message": "Entry not found", "X-Repo-Commit": repo.sha}
            self._send(handler, 404, headers, b"{}", body)
        else:
            self._file(handler, repo, repo.files[match["file"]], body)

    def _info(self, name: str, repo: Repo) -> bytes:
        info: dict[str, Any] = {
            "_id": "0" * 24,
            "id": name,
            "modelId": name,
            "author": name.split("/")[0],
            "sha": repo.sha,
            "lastModified": "2026-11-01T00:00:00.000Z",
            "private": False,
            "gated": "manual" if repo.gated else False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": ["transformers", "safetensors"],
            "library_name": "transformers",
            "siblings": [{"rfilename": file} for file in repo.files],
        }
        if repo.safetensors_total is not None:
            info["safetensors"] = {"parameters": {"BF16": repo.safetensors_total}, "total": repo.safetensors_total}
        return json.dumps(info).encode()

    def _file(self, handler: BaseHTTPRequestHandler, repo: Repo, content: bytes, body: bool) -> None:
        headers = {
            "X-Repo-Commit": repo.sha,
            "ETag": f'"{hashlib.sha1(content).hexdigest()}"',
            "Content-Type": "application/octet-stream",
            "Accept-Ranges": "bytes",
        }
        wanted = re.match(r"bytes=(\d+)-(\d*)", handler.headers.get("Range", ""))
        if wanted is None:
            self._send(handler, 200, headers, content, body)
            return
        start = int(wanted.group(1))
        end = min(int(wanted.group(2) or len(content) - 1), len(content) - 1)
        headers["Content-Range"] = f"bytes {start}-{end}/{len(content)}"
        self._send(handler, 206, headers, content[start : end + 1], body)
