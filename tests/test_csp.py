"""Every HTML page carries the Content Security Policy; other answers do not need it."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from baclokg.service.csp import POLICY, STYLE_HASHES, ContentSecurityPolicy

from .conftest import Server

YASGUI = Path(__file__).resolve().parents[1] / "baclokg" / "service" / "static" / "yasgui" / "yasgui.min.js"


def style_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@pytest.mark.parametrize(
    ("path", "html"),
    [
        ("/", True),
        ("/entity/baclotop", True),
        ("/page?iri=CHEBI:2972", True),
        ("/graph/monograph", True),
        ("/entity/baclotop?format=turtle", False),
        ("/sparql?query=ASK{}", False),
        ("/static/app.js", False),
    ],
)
def test_html_pages_and_only_they_carry_the_policy(server: Server, path: str, html: bool) -> None:
    response = httpx.get(server.url + path, headers={"Accept": "text/html"} if html else {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html") == html
    assert response.headers.get("content-security-policy") == (POLICY if html else None)


def test_a_page_with_its_own_policy_keeps_it() -> None:
    async def own(_: Request) -> Response:
        return HTMLResponse("<p>x</p>", headers={"Content-Security-Policy": "default-src 'none'"})

    async def ask() -> httpx.Response:
        app = ContentSecurityPolicy(Starlette(routes=[Route("/", own)]))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client:
            return await client.get("/")

    assert asyncio.run(ask()).headers["content-security-policy"] == "default-src 'none'"


def test_the_allowed_styles_are_the_ones_yasgui_adds() -> None:
    """The hashes name the two <style> texts of the vendored build; a refresh that changes them fails here."""
    bundle = YASGUI.read_text(encoding="utf-8")
    grips = re.findall(r"createStyle\(\w+,`([^`]*)`\)", bundle)
    assert len(grips) == 1
    assert "dragCursor:`col-resize`" in bundle
    texts = [grips[0], "*{cursor:col-resize!important}"]
    assert sorted(style_hash(t) for t in texts) == sorted(STYLE_HASHES)
    assert style_hash("*{color:red}") not in POLICY
