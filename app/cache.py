"""A pure-ASGI layer that answers repeated GETs from memory, with ETag/304 and gzip.

Every GET response of the atlas is a pure function of the read-only database and the URL (plus
the htmx target that selects a fragment), so it is rendered once and its bytes kept. What a
client sends cannot grow it: the store is bounded by bytes and evicts the least recently used;
the key is the path with its query parameters sorted, and the htmx target only when it names a
fragment the atlas has; the data downloads are streamed from disk and never kept.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode

import anyio.to_thread
from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BYTES = 64 * 1024 * 1024  # the whole store: every page and map of the atlas fits several times
MAX_BODY = 4 * 1024 * 1024
# the fragments htmx may ask for (pages.py): any other HX-Target gets the whole page, from one key
FRAGMENTS = (b"panel", b"lookup-results", b"results")
NEVER = ("/downloads/",)  # big files: streamed from disk each time
COMPRESSIBLE = ("text/", "application/json", "image/svg+xml", "application/javascript")
# gzip level 6 spends 250 ms on a 1.5 MB lookup page for 15 % fewer bytes than level 1 (28 ms):
# big bodies take the fast level, and only when a client that accepts gzip first asks for them
BIG = 256 * 1024


@dataclass(frozen=True)
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    gz: bytes | None
    etag: bytes
    compressible: bool
    # the complete header lists, built once: a cache hit only picks one and sends it
    plain: list[tuple[bytes, bytes]]
    zipped: list[tuple[bytes, bytes]]
    not_modified: list[tuple[bytes, bytes]]


def _entry(status: int, headers: list[tuple[bytes, bytes]], body: bytes, gz: bytes | None, etag: bytes,
           compressible: bool) -> Entry:
    base = list(headers)
    if compressible:
        base.append((b"vary", b"Accept-Encoding"))
    if status == 200:
        base.append((b"etag", etag))
    plain = [*base, (b"content-length", str(len(body)).encode())]
    # the gzip bytes are another representation: their own strong ETag
    zbase = [(k, _gz_tag(v) if k == b"etag" else v) for k, v in base]
    zipped = [*zbase, (b"content-encoding", b"gzip"), (b"content-length", str(len(gz)).encode())] if gz else plain
    keep = (b"cache-control", b"vary")
    not_modified = [(b"etag", etag)] + [h for h in base if h[0].lower() in keep]
    return Entry(status, headers, body, gz, etag, compressible, plain, zipped, not_modified)


def _gzip(body: bytes) -> bytes:
    return gzip.compress(body, 1 if len(body) > BIG else 6, mtime=0)


class ResponseCache:
    def __init__(self, app: ASGIApp, enabled: bool = True, max_bytes: int = MAX_BYTES,
                 params: Callable[[Scope], frozenset[str] | None] | None = None) -> None:
        self.app = app
        self.enabled = enabled
        self.params = params  # the parameters a request's route declares: the rest is dropped
        self.entries: LRUCache[bytes, Entry] = LRUCache(maxsize=max_bytes, getsizeof=_size)

    @property
    def size(self) -> int:
        return int(self.entries.currsize)

    def clear(self) -> None:
        self.entries.clear()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not self.enabled \
                or scope["path"].startswith(NEVER) or any(k == b"x-atlas-export" for k, _ in scope["headers"]):
            # the exporter's pages differ (no htmx): rendered for it alone, neither read nor kept
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if self.params is not None and scope["query_string"]:
            known = self.params(scope)
            if known is not None:  # the known parameters kept as the client wrote them (commas and all)
                kept = [part for part in scope["query_string"].split(b"&")
                        if unquote_plus(part.split(b"=", 1)[0].decode("latin-1")) in known]
                scope = {**scope, "query_string": b"&".join(kept)}
        key = cache_key(scope["path"], scope["query_string"], headers)
        entry = self.entries.get(key)
        if entry is None:
            entry = await self._render(scope, receive, send, key)
            if entry is None:
                return
        if entry.compressible and entry.gz is None and accepts_gzip(headers.get(b"accept-encoding", b"")):
            # compressed once, on the first request that can use it (off the event loop when big)
            gz = _gzip(entry.body) if len(entry.body) <= BIG else await anyio.to_thread.run_sync(_gzip, entry.body)
            entry = _entry(entry.status, entry.headers, entry.body, gz, entry.etag, True)
            if key in self.entries:
                self.entries[key] = entry
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
        compressible = ctype.startswith(COMPRESSIBLE) and len(body) > 512
        etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        entry = _entry(status, hdrs, body, None, etag, compressible)
        if status == 200 and len(body) <= MAX_BODY:
            self.entries[key] = entry
        return entry

    @staticmethod
    async def _answer(entry: Entry, req: dict[bytes, bytes], head: bool, send: Send) -> None:
        zipped = entry.gz is not None and len(entry.gz) < len(entry.body) \
            and accepts_gzip(req.get(b"accept-encoding", b""))
        inm = req.get(b"if-none-match")
        if inm and entry.status == 200 and etag_matches(inm, entry.etag, zipped):
            hdrs = entry.not_modified if not zipped else [(b"etag", _gz_tag(entry.etag))] + entry.not_modified[1:]
            await send({"type": "http.response.start", "status": 304, "headers": hdrs})
            await send({"type": "http.response.body", "body": b""})
            return
        if zipped:
            body, hdrs = entry.gz or b"", entry.zipped
        else:
            body, hdrs = entry.body, entry.plain
        await send({"type": "http.response.start", "status": entry.status, "headers": hdrs})
        await send({"type": "http.response.body", "body": b"" if head else body})


def _size(e: Entry) -> int:
    return len(e.body) + len(e.gz or b"") + 512  # the header lists and the key, roughly


def _gz_tag(etag: bytes) -> bytes:
    return etag[:-1] + b'-gz"'


def cache_key(path: str, query: bytes, headers: dict[bytes, bytes]) -> bytes:
    """The path with its parameters in one order (a=1&b=2 and b=2&a=1 are one page) and the htmx
    fragment when it is one the atlas serves."""
    pairs = sorted(parse_qsl(query.decode("latin-1"), keep_blank_values=True))
    target = headers.get(b"hx-target", b"") if headers.get(b"hx-request") == b"true" else b""
    frag = target if target in FRAGMENTS else b""
    return path.encode() + b"?" + urlencode(pairs).encode() + b"|" + frag


def accepts_gzip(value: bytes) -> bool:
    """Accept-Encoding names gzip (or *) with a q-value above zero."""
    for part in value.decode("latin-1").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            q = 1.0
            for p in params.split(";"):
                k, _, v = p.strip().partition("=")
                if k.strip().lower() == "q":
                    try:
                        q = float(v)
                    except ValueError:
                        q = 0.0
            return q > 0
    return False


def etag_matches(header: bytes, etag: bytes, zipped: bool) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored; * matches."""
    mine = _gz_tag(etag) if zipped else etag
    for tag in header.split(b","):
        tag = tag.strip()
        if tag == b"*" or tag.removeprefix(b"W/") == mine:
            return True
    return False
