"""Make the README's pictures (``make screenshots``): the query page and the drug page, as people see them.

Starts ``baclokg serve`` on a free loopback port (its on-disk store in a temporary folder), opens the
pages in Debian's headless chromium through Playwright at a fixed window size, and writes
``docs/query-page.png`` (an example query run, its rows shown) and ``docs/drug-page.png`` (Baclotop's
card with one claim's words open). The test suite never runs this; the pictures are committed.

Run with ``python3 tools/screenshots.py [--out docs]``; needs the test extras (playwright) and chromium.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, ViewportSize, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
#: the window the pictures are taken in (CSS pixels)
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
#: the example the query page runs for its picture
EXAMPLE = "cq-05-adverse-effects"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--font-render-hinting=none",
    "--disable-background-networking",
]


#: the port the service is started on: the query page shows its endpoint's address, so a fixed one keeps
#: the picture the same from run to run
PORT = 8765


def _serve(cache: Path, port: int) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            sys.exit(f"port {port} is taken; give another with --port")
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "baclokg.cli", "serve", "--port", str(port), "--workers", "2"],
        env={**os.environ, "BACLOKG_CACHE": str(cache)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"baclokg serve ended with status {process.returncode} before it answered")
        try:
            if httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    sys.exit("baclokg serve did not answer within 120 s")


def query_page(page: Page, url: str, out: Path) -> None:
    """The query editor with an example run and its first rows."""
    page.goto(url + "/")
    page.select_option("#examples", EXAMPLE)
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".tabPanel.active .yasr table.dataTable tbody tr")
    expect(rows.first).to_be_visible(timeout=30_000)
    page.mouse.move(0, 0)
    varies = [  # the time the query took, and the settings button's focus ring (it may still be fading)
        page.get_by_text(re.compile(r"results? in [0-9.]+ seconds?")),
        page.locator(".tabPanel.active .tabContextButton"),
    ]
    page.screenshot(path=str(out / "query-page.png"), animations="disabled", mask=varies)


def drug_page(page: Page, url: str, out: Path) -> None:
    """Baclotop's page: the card, one claim with the source's words shown."""
    page.goto(url + "/entity/baclotop")
    row = page.locator("tr", has_text="used for (no approval stated)").first
    row.locator("summary", has_text="source's words").click()
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(out / "drug-page.png"), animations="disabled")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the pictures [docs]")
    parser.add_argument("--port", type=int, default=PORT, help=f"the service's port [{PORT}]")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        process, url = _serve(Path(folder), args.port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
                context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, locale="en-GB")
                for take in (query_page, drug_page):
                    page = context.new_page()
                    take(page, url, args.out)
                    page.close()
                browser.close()
        finally:
            process.terminate()
            process.wait(10)
    for name in ("query-page.png", "drug-page.png"):
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
