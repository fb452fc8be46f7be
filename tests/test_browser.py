"""The query page in a real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from .conftest import Server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        running = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield running
        running.close()


def test_run_an_example_and_follow_a_link(server: Server, browser: Browser) -> None:
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None)
    page.goto(server.url + "/")
    page.select_option("#examples", "cq-01-ingredient-and-brands")
    expect(page.locator("#query")).to_have_value(re.compile("ActiveIngredientStatement"))
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("row(s)")
    expect(page.locator("#results tbody tr").first).to_be_visible()
    expect(page.locator("#results")).to_contain_text("Baclotop")
    expect(page.locator("#downloads a")).to_have_count(4)
    page.locator("#results a", has_text="https://w3id.org/baclokg/entity/baclotop").first.click()
    expect(page).to_have_url(server.url + "/entity/baclotop")
    expect(page.locator("h1")).to_have_text("Baclotop")
    expect(page.locator("section.card")).to_contain_text("GABA-B receptor")
    expect(page.locator("svg.graph")).to_be_visible()
    assert outside == [], "the page works without any network beyond the service"


def test_a_bad_query_shows_the_error(server: Server, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(server.url + "/")
    page.fill("#query", "SELECT * WHERE { ?s ?p }")
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("invalid SPARQL")
