"""Security headers on every response; framing is allowed only for the embed pages; the read-only
data (the API, the JSON twins of pages, oEmbed, maps) open to other sites' scripts (CORS, no credentials)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTMX_VERSION = "2.0.11"
HTMX_CDN = f"https://unpkg.com/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
# Subresource Integrity of the pinned file; tests check the npm copy has the same bytes.
HTMX_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"

def _csp(cdn: bool) -> str:
    scripts = "'self' https://unpkg.com" if cdn else "'self'"
    return (f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; ")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, htmx_cdn: bool = False) -> None:
        self.app = app
        self.csp = _csp(htmx_cdn)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        embed = path.startswith("/embed/") or path.startswith("/maps/")
        shared = path.startswith(("/api/", "/maps/", "/oembed")) or path.endswith(".json")

        async def add(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"strict-origin-when-cross-origin"),
                    (b"content-security-policy",
                     (self.csp + ("frame-ancestors *" if embed else "frame-ancestors 'none'")).encode()),
                ]
                if not embed:
                    headers.append((b"x-frame-options", b"DENY"))
                if shared:
                    headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add)
