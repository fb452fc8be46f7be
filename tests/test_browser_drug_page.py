"""The drug page in a real headless Chromium: a claim's words, its span in the text, the co-medication box."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import Server

#: names to check and the verdict each gets against Baclotop (the last one is in no vocabulary)
COMEDICATIONS = {
    "oxycodone": "interacts",
    "ibuprofen": "no-interaction-recorded",
    "frobnizolam": "not-known",
}


@pytest.fixture
def page(server: Server, browser: Browser) -> Iterator[Page]:
    """A page that fails its test if a request left the service or a Content Security Policy refused one."""
    opened = browser.new_page()
    outside: list[str] = []
    refused: list[str] = []
    opened.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None)
    opened.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield opened
    opened.close()
    assert outside == [], "the pages work without any network beyond the service"
    assert refused == [], "the pages need nothing a Content Security Policy of 'self' forbids"


def test_a_quote_opens_on_its_span_in_the_text(server: Server, page: Page) -> None:
    page.goto(server.url + "/entity/baclotop")
    indications = page.locator("table", has=page.locator("th", has_text="condition"))
    labelled = indications.locator("tr", has_text="labelled indication").filter(has_text="multiple sclerosis")
    expect(labelled).to_have_count(1)
    expect(labelled).to_contain_text("Ozobax label")
    expect(labelled).to_contain_text("US tablet label")
    row = indications.locator("tr", has_text="used for (no approval stated)").first
    quote = row.locator("blockquote").first
    expect(quote).to_be_hidden()
    row.locator("summary", has_text="source's words").click()
    expect(quote).to_be_visible()
    words = quote.inner_text()
    row.locator("a", has_text="see it in the text").first.click()
    expect(page).to_have_url(re.compile(r"/source/monograph\.txt\?view=html#char=\d+,\d+$"))
    expect(page.locator("mark#span")).to_have_text(words)
    expect(page.locator("mark#span")).to_be_in_viewport()
    expect(page.locator("#span-status")).to_contain_text("characters")
    page.evaluate("location.hash = '#char=0,8'")  # another span: marked again, the first one gone
    expect(page.locator("mark")).to_have_count(1)
    expect(page.locator("mark#span")).to_have_text(page.locator("#source-text").inner_text()[:8])
    page.evaluate("location.hash = '#char=9,3'")
    expect(page.locator("#span-status")).to_have_text("no span 9,3 in this text")
    expect(page.locator("mark")).to_have_count(0)


def test_the_comedication_box_gives_one_verdict_per_name(server: Server, page: Page) -> None:
    page.goto(server.url + "/entity/baclotop")
    page.click("#comedication-form button")
    expect(page.locator("#comedication-status")).to_have_text("give at least one name, one a line")
    page.fill("#comedication-names", "\n".join(COMEDICATIONS) + "\n\n")
    page.click("#comedication-form button")
    rows = page.locator("#comedication-results tbody tr")
    expect(rows).to_have_count(len(COMEDICATIONS))
    for index, (name, verdict) in enumerate(COMEDICATIONS.items()):
        expect(rows.nth(index).locator("td").nth(0)).to_have_text(name)
        expect(rows.nth(index).locator("td").nth(1)).to_have_text(verdict)
    expect(rows.nth(0)).to_contain_text("additive CNS depression")
    expect(rows.nth(0).locator("td").nth(3)).to_contain_text("oxycodone ->")
    expect(page.locator("#comedication-status")).to_have_text(f"{len(COMEDICATIONS)} verdict(s)")
