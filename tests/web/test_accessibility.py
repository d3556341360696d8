"""WCAG 2.2 AA, checked by axe-core (npm registry, `make test` installs it) inside the
real page, in every state a member meets, on a 1280x800 screen and a 390x844 phone.

Only serious and critical violations fail the test; every finding is written to
test-artifacts/web/axe-*.json for a person to read.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from browsing import ARTIFACTS, UPLOAD, WATCH_PROGRESS_JS, ask, shot
from files import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
RUN_AXE_JS = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values:
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
}"""


@pytest.fixture(scope="module")
def axe_script() -> str:
    if not AXE.exists():
        reason = f"{AXE} is missing (run `make test`, which installs it with npm ci)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text("utf-8")


def serious_violations(page, axe_script: str, state: str) -> list[dict]:
    page.add_script_tag(content=axe_script)
    found = page.evaluate(RUN_AXE_JS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{state}.json").write_text(json.dumps(found, indent=1), "utf-8")
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture(params=list(VIEWPORTS))
def sized_page(request, browser, app_url):
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url)
    page.wait_for_selector("#question textarea")
    yield request.param, page
    context.close()


def test_every_state_of_the_page_passes_axe(sized_page, axe_script, tmp_path):
    size, page = sized_page
    found = {}

    def check(state: str) -> None:
        shot(page, f"axe-{size}-{state}")
        found[state] = serious_violations(page, axe_script, f"{size}-{state}")

    check("start")
    ask(page, "What was the re-referral rate in Barnsley at the end of October 2023?")
    check("answer")
    page.locator("#sources button.view-page").first.click()
    page.wait_for_selector("#page-view .page-view")
    check("answer-in-context")
    ask(page, "What is the youth reoffending rate in Barnsley?")
    check("abstention")

    page.get_by_role("tab", name="Prepare for a meeting").click()
    page.click("#prepare-for input")
    page.get_by_role("option", name=re.compile(r"Report: Children's Social Care Performance Report .*Barnsley")).click()
    page.click("#suggest")
    page.wait_for_selector("#prepare-detail .suggestion", timeout=60_000)
    check("prepare")

    page.get_by_role("tab", name="Library").click()
    paper = tmp_path / f"axe-{size}.txt"
    paper.write_text(f"Wessex Council Scrutiny Panel 3 June 2024\n\nFamily Support Report ({size})\n\n" + "\n\n".join(
        f"{n // 10 + 1}.{n % 10 + 1} The panel heard that {n} families were supported." for n in range(1500)))
    page.evaluate(WATCH_PROGRESS_JS)
    page.set_input_files(UPLOAD, str(paper))
    page.wait_for_function("() => window.progressSeen.join(' ').includes('embedding')", timeout=60_000)
    check("upload-in-progress")
    page.wait_for_selector(f"#ingest-report li:has-text('axe-{size}.txt')", timeout=120_000)
    check("library")
    assert {state: v for state, v in found.items() if v} == {}


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_sign_in_page_passes_axe(browser, secured_app, axe_script, size):
    context = browser.new_context(viewport=VIEWPORTS[size])
    page = context.new_page()
    page.goto(secured_app)
    page.get_by_label("username").wait_for()
    shot(page, f"axe-{size}-sign-in")
    violations = serious_violations(page, axe_script, f"{size}-sign-in")
    context.close()
    assert violations == []


FOCUS_SHOWN_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return {what: el.outerHTML.slice(0, 80), shown: ring || style.boxShadow !== 'none'};
}"""


def test_every_control_shows_where_the_focus_is(page):
    ask(page, "What was the re-referral rate in Barnsley at the end of October 2023?")
    page.focus("#question textarea")
    seen, unseen = set(), []
    for _ in range(30):  # the question box, buttons, examples, filters, sources' buttons ...
        focused = page.evaluate(FOCUS_SHOWN_JS)
        if not focused["what"].startswith("<body"):  # between the page's last control and the browser's
            seen.add(focused["what"])
            if not focused["shown"]:
                unseen.append(focused["what"])
        page.keyboard.press("Tab")
    assert len(seen) >= 10 and unseen == []


def test_on_a_phone_the_sources_sit_under_the_answer(browser, app_url):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#question textarea")
    ask(page, "What was the re-referral rate in Barnsley at the end of October 2023?")
    shot(page, "phone-answer")
    chat, sources = page.locator("#chat").bounding_box(), page.locator("#sources").bounding_box()
    question = page.locator("#question").bounding_box()
    context.close()
    gap = sources["y"] - (chat["y"] + chat["height"])
    assert 0 <= gap < 120, gap  # straight under the conversation ...
    assert sources["y"] < question["y"]  # ... before anything else
