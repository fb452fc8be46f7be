"""The query page (the vendored YASGUI) in a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from .conftest import Server

VOCAB = "https://w3id.org/baclokg/vocab/"
#: the editor of the tab shown, and its run button
EDITOR = ".tabPanel.active .CodeMirror"
RUN = ".tabPanel.active .yasqe_queryButton"
RESULTS = ".tabPanel.active .yasr"


@dataclass
class Watched:
    """A page with every request that left the service and every Content Security Policy complaint."""

    page: Page
    outside: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@pytest.fixture
def watched(server: Server, browser: Browser) -> Iterator[Watched]:
    opened = browser.new_page()
    seen = Watched(opened)

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            seen.refused.append(message.text)

    # every page of the context (a result opens in a new tab), every request
    opened.context.on(
        "request", lambda r: seen.outside.append(r.url) if not r.url.startswith(server.url) else None
    )
    opened.context.on("console", console)
    yield seen
    opened.close()


def type_into_editor(page: Page, text: str) -> None:
    """Replace the shown tab's query by typing, key by key, as a person does."""
    page.locator(EDITOR).click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def test_complete_run_an_example_and_follow_a_link(server: Server, watched: Watched) -> None:
    page = watched.page
    response = page.goto(server.url + "/")
    assert response is not None
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    # completion from BacloKG's own vocabulary as one types: a class after `a`, then a property
    type_into_editor(page, f"PREFIX bkg: <{VOCAB}>\nSELECT * WHERE {{\n?s a bkg:DrugPr")
    # the completer answers as one types: press Enter only once its list is drawn with a choice picked
    expect(page.locator(".CodeMirror-hints .CodeMirror-hint-active")).to_have_text("bkg:DrugProduct")
    page.keyboard.press("Enter")
    expect(page.locator(EDITOR)).to_contain_text("?s a bkg:DrugProduct")
    page.keyboard.type(" ;\nbkg:sourceK")
    page.keyboard.press("Control+Space")  # ask, as one may: the list drawn while typing can close on a key
    expect(page.locator(".CodeMirror-hints")).to_have_text("bkg:sourceKey")
    page.keyboard.press("Escape")
    expect(page.locator(EDITOR)).to_contain_text("?s a bkg:DrugProduct ;")
    # an example opens in a tab of its own, its parameter shown and bound to its default
    page.select_option("#examples", "cq-01-ingredient-and-brands")
    expect(page.locator(".tabPanel.active")).to_be_visible()
    expect(page.locator("#params")).to_contain_text("?drug (iri, default bkge:baclotop)")
    expect(page.locator(EDITOR)).to_contain_text("VALUES (?drug)")
    page.click(RUN)
    rows = page.locator(f"{RESULTS} table.dataTable tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Baclotop monograph, introduction")
    expect(page.locator("#downloads a")).to_have_text(["SPARQL JSON", "SPARQL XML", "CSV", "TSV"])
    expect(page.locator("#downloads a").first).to_have_attribute(
        "href", re.compile(r"^/sparql\?format=json&")
    )
    # a result IRI links to its page on this service
    link = rows.first.locator("a.iri", has_text="bkge:baclotop").first
    expect(link).to_have_attribute("href", "/entity/baclotop")
    with page.expect_popup() as opened:  # YASR opens a result's page in a new tab, keeping the results
        link.click()
    entity = opened.value
    expect(entity).to_have_url(server.url + "/entity/baclotop")
    expect(entity.locator("h1")).to_have_text("Baclotop")
    entity.close()
    assert watched.outside == [], "the page works without any network beyond the service"
    assert watched.refused == [], "the page needs nothing its Content Security Policy forbids"


def test_a_query_the_service_refuses_shows_its_reason(server: Server, watched: Watched) -> None:
    page = watched.page
    page.goto(server.url + "/")
    type_into_editor(page, "SELECT * WHERE { ?s ?p ?o } LIMIT 1 OFFSET -1")
    page.click(RUN)
    expect(page.locator(f"{RESULTS} .errorResult")).to_contain_text("invalid SPARQL")
    assert watched.outside == []
