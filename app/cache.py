"""A pure-ASGI layer that answers repeated GETs from memory, with ETag/304 and gzip.

Every GET response of the atlas is a pure function of the read-only database and the URL (plus
the HX-Request header that selects a fragment), so it is rendered once and its bytes kept.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_ENTRIES = 20_000
MAX_BODY = 4 * 1024 * 1024
COMPRESSIBLE = ("text/", "application/json", "image/svg+xml", "application/javascript")


@dataclass(frozen=True)
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    gz: bytes | None
    etag: bytes
    # the complete header lists, built once: a cache hit only picks one and sends it
    plain: list[tuple[bytes, bytes]]
    zipped: list[tuple[bytes, bytes]]
    not_modified: list[tuple[bytes, bytes]]


def _entry(status: int, headers: list[tuple[bytes, bytes]], body: bytes, gz: bytes | None, etag: bytes) -> Entry:
    base = list(headers)
    if gz is not None:
        base.append((b"vary", b"Accept-Encoding"))
    if status == 200:
        base.append((b"etag", etag))
    plain = [*base, (b"content-length", str(len(body)).encode())]
    zipped = [*base, (b"content-encoding", b"gzip"), (b"content-length", str(len(gz)).encode())] if gz else plain
    keep = (b"cache-control", b"vary")
    not_modified = [(b"etag", etag)] + [h for h in base if h[0].lower() in keep]
    return Entry(status, headers, body, gz, etag, plain, zipped, not_modified)


class ResponseCache:
    def __init__(self, app: ASGIApp, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled
        self.entries: OrderedDict[bytes, Entry] = OrderedDict()

    def clear(self) -> None:
        self.entries.clear()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not self.enabled:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        hx = headers.get(b"hx-request", b"") + b"|" + headers.get(b"hx-target", b"")
        key = scope["path"].encode() + b"?" + scope["query_string"] + b"|" + hx
        entry = self.entries.get(key)
        if entry is None:
            entry = await self._render(scope, receive, send, key)
            if entry is None:
                return
        await self._answer(entry, headers, scope["method"] == "HEAD", send)

    async def _render(self, scope: Scope, receive: Receive, send: Send, key: bytes) -> Entry | None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app({**scope, "method": "GET"}, receive, capture)
        body = b"".join(chunks)
        hdrs = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length", b"etag")]
        status = start.get("status", 500)
        ctype = dict(hdrs).get(b"content-type", b"").decode()
        gz = gzip.compress(body, 6, mtime=0) if ctype.startswith(COMPRESSIBLE) and len(body) > 512 else None
        etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        entry = _entry(status, hdrs, body, gz if gz and len(gz) < len(body) else None, etag)
        if status == 200 and len(body) <= MAX_BODY:
            self.entries[key] = entry
            if len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)
        return entry

    @staticmethod
    async def _answer(entry: Entry, req: dict[bytes, bytes], head: bool, send: Send) -> None:
        inm = req.get(b"if-none-match")
        if inm and entry.status == 200 and entry.etag in [t.strip() for t in inm.split(b",")]:
            await send({"type": "http.response.start", "status": 304, "headers": entry.not_modified})
            await send({"type": "http.response.body", "body": b""})
            return
        if entry.gz is not None and b"gzip" in req.get(b"accept-encoding", b""):
            body, hdrs = entry.gz, entry.zipped
        else:
            body, hdrs = entry.body, entry.plain
        await send({"type": "http.response.start", "status": entry.status, "headers": hdrs})
        await send({"type": "http.response.body", "body": b"" if head else body})
