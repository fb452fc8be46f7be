"""The Content Security Policy of every HTML page: the browser loads and sends nothing beyond this service.

>>> POLICY.startswith("default-src 'self'")
True
>>> "unsafe-inline" in POLICY or "unsafe-eval" in POLICY or "script-src" in POLICY
False
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["POLICY", "STYLE_HASHES", "ContentSecurityPolicy"]

#: The two ``<style>`` elements the vendored YASGUI's column-resizer adds (the table's grip rules when a
#: result table is drawn; the drag cursor while a column is resized), allowed by their SHA-256 and nothing
#: else: no 'unsafe-inline'. tests/test_csp.py checks them against static/yasgui/yasgui.min.js.
STYLE_HASHES = (
    "sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=",  # " .grip-resizable{table-layout:fixed;} ..."
    "sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg=",  # "*{cursor:col-resize!important}"
)
#: ``default-src 'self'``: scripts, styles, images, fonts and fetches only from this service, and no
#: inline script (page data travels in ``<script type="application/json">`` blocks, which never run).
#: ``base-uri`` and ``form-action`` do not fall back to ``default-src``, so they are stated too.
POLICY = (
    "default-src 'self'; style-src 'self' "
    + " ".join(f"'{h}'" for h in STYLE_HASHES)
    + "; base-uri 'self'; form-action 'self'"
)


class ContentSecurityPolicy:
    """ASGI middleware: adds :data:`POLICY` to every ``text/html`` response that has no policy of its own."""

    def __init__(self, app: ASGIApp, policy: str = POLICY) -> None:
        self.app = app
        self.policy = policy.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower(): value for name, value in headers}
                html = names.get(b"content-type", b"").lower().startswith(b"text/html")
                if html and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", self.policy))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_policy)
