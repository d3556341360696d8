"""What the browser tests share: where Chromium is, how to ask on the page and read it back.

Screenshots of every step go to test-artifacts/web/.
"""

from __future__ import annotations

import os
from pathlib import Path

from files import ROOT

CHROMIUM = Path(os.environ.get("ASSISTANT_TEST_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts" / "web"
SCREENSHOTS = ROOT / "docs" / "screenshots"  # the README's pictures, remade by every browser test run
UPLOAD = "input[type=file][data-testid$='upload-button']"  # the library's upload button's file input
# Offline: nothing but the app may be resolved (Chromium otherwise calls Google at start-up).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]



def browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None



def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def readme_shot(page, name: str) -> None:
    """The screen as a member sees it, for the README (kept current by the tests)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def ask(page, question: str, expect_sources: bool = True) -> None:
    before = page.locator("#chat [data-testid='bot']").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(
        "n => document.querySelectorAll(\"#chat [data-testid='bot']\").length > n", arg=before
    )
    if expect_sources:
        page.wait_for_selector("#sources article.card")


def cards(page) -> list[dict]:
    return [
        {"source": c.get_attribute("data-source"), "section": c.get_attribute("data-section"),
         "text": c.inner_text(), "marked": c.locator("mark").count()}
        for c in page.locator("#sources article.card").all()
    ]


def last_answer(page) -> str:
    return page.locator("#chat [data-testid='bot']").last.inner_text()



def signed_in(browser, url: str, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    page.get_by_label("username").fill(name)
    page.get_by_label("password").fill(f"{name}-password")
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#question textarea")
    return context, page


# Every text shown where the upload's progress is, as it changes.
WATCH_PROGRESS_JS = """() => {
  window.progressSeen = [];
  const target = document.querySelector('#ingest-report').parentElement;
  new MutationObserver(() => window.progressSeen.push(target.innerText)).observe(
    target, {subtree: true, childList: true, characterData: true});
}"""


def library(page) -> str:
    """The Library tab's list, once it has loaded (the page loads it after the first paint)."""
    page.get_by_role("tab", name="Library").click()
    page.wait_for_selector("#library table")
    return page.inner_text("#library")
