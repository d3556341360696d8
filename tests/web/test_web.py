"""The web UI, driven end to end in a real headless Chromium (Debian's package, through
Playwright) against the real app on 127.0.0.1, over a real index of the corpus (fixtures
in conftest.py, shared steps in browsing.py).
"""

from __future__ import annotations

import re

import pytest
from browsing import (
    UPLOAD,
    WATCH_PROGRESS_JS,
    ask,
    cards,
    last_answer,
    library,
    readme_shot,
    shot,
    signed_in,
)
from files import free_port, make_pdf

pytestmark = pytest.mark.browser


def test_question_gets_answer_and_citation_card(page):
    ask(page, "What was the re-referral rate in Barnsley at the end of October 2023?")
    shot(page, "1-ask")
    assert "28.4%" in last_answer(page)
    assert "[1]" in last_answer(page)
    first = cards(page)[0]
    assert first["source"] == "barnsley-osc-2024-01-09-csc-performance-oct-2023.txt"
    assert first["section"] == "3.11"
    assert "Children's Social Care Performance Report" in first["text"]
    assert "2024-01-09" in first["text"] and "section 3.11" in first["text"]
    assert first["marked"] == 1  # the quoted sentence is highlighted
    assert "28.4%" in page.input_value("#plain textarea")  # copyable with references


def test_example_questions_are_whole_and_each_is_answered(page):
    examples = page.locator("#examples button").all_inner_texts()
    assert len(examples) >= 3, examples
    assert any("Barnsley" in e for e in examples) and any("North Somerset" in e for e in examples)
    for example in examples:
        assert example[0].isupper() and example.endswith("?") and "…" not in example and "..." not in example
    for n, example in enumerate(examples):
        before = page.locator("#chat [data-testid='bot']").count()
        page.locator("#examples button").nth(n).click()
        page.wait_for_function(
            "n => document.querySelectorAll(\"#chat [data-testid='bot']\").length > n", arg=before)
        assert "do not say" not in last_answer(page), example
        assert page.locator("#sources article.card").count() >= 1 and "Closest passages" not in page.inner_text("#sources")
    shot(page, "2-example")


def test_council_filter_constrains_sources(page):
    page.get_by_text("Filters (apply").click()
    page.click("#council input")
    page.get_by_role("option", name="North Somerset Council").click()
    ask(page, "What is the re-referral rate?")
    shot(page, "3-council-filter")
    sources = {c["source"] for c in cards(page)}
    assert sources == {"north-somerset-cyps-panel-2024-02-22-public-document-pack.txt"}
    ask(page, "And what is the target for dental checks for children in care?")  # follow-up keeps filter
    assert {c["source"] for c in cards(page)} == sources


def test_a_filter_in_a_closed_panel_is_shown_and_can_be_removed(page):
    page.get_by_text("Filters (apply").click()
    page.click("#council input")
    page.get_by_role("option", name="Barnsley Council").click()
    page.get_by_text("Filters (apply").click()  # closed again: the filter is out of sight
    chip = page.locator("#active-filters button.chip")
    chip.wait_for()
    assert chip.inner_text().startswith("Council: Barnsley Council")
    ask(page, "What is the re-referral rate in North Somerset?", expect_sources=False)
    shot(page, "3b-hidden-filter")
    assert "Filtered to Barnsley Council: North Somerset Council's papers were not searched" in last_answer(page)
    assert "28.4%" not in last_answer(page)  # Barnsley's rate is not North Somerset's
    chip.click()
    page.wait_for_function("() => !document.querySelector('#active-filters button.chip')")
    ask(page, "What is the re-referral rate in North Somerset?")
    assert "Filtered to" not in last_answer(page)
    assert {c["source"] for c in cards(page)} == {"north-somerset-cyps-panel-2024-02-22-public-document-pack.txt"}


def test_unanswerable_question_says_so_and_shows_closest(page):
    ask(page, "What is the youth reoffending rate in Barnsley?")
    shot(page, "4-abstain")
    assert "do not say" in last_answer(page)
    assert "Closest passages" in page.inner_text("#sources")
    assert cards(page)
    ask(page, "How many children were excluded from school in Kent in 2023?", expect_sources=False)
    assert "do not say" in last_answer(page)
    assert "holds no papers from Kent County Council" in last_answer(page)
    assert "holds no papers from Kent County Council" in page.inner_text("#sources")
    assert "filters" not in page.inner_text("#sources")  # none are on


def test_upload_pdf_then_ask_about_it(page, tmp_path):
    pdf = make_pdf(tmp_path / "Wessex fostering update.pdf", [[
        "Wessex Council Children's Scrutiny Committee 14 March 2024",
        "Fostering Recruitment Update",
        "1.1 The service recruited 17 new foster households in the year to February 2024.",
        "1.2 The target for the year was 25 new foster households.",
    ]])
    page.get_by_role("tab", name="Library").click()
    page.set_input_files(UPLOAD, str(pdf))
    page.wait_for_selector("#ingest-report li:has-text('added')", timeout=60_000)
    shot(page, "5-upload-pdf")
    assert "Wessex fostering update.pdf" in page.inner_text("#library")
    page.get_by_role("tab", name="Ask").click()
    ask(page, "How many new foster households were recruited in Wessex?")
    shot(page, "6-ask-uploaded")
    assert "17" in last_answer(page)
    assert cards(page)[0]["source"] == "Wessex fostering update.pdf"


# Share of yellow (highlighted) pixels inside and outside the boxes the page view says
# it highlighted, read from the image itself as the browser decoded it.
HIGHLIGHT_PIXELS_JS = """img => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const boxes = JSON.parse(img.dataset.boxes);
  const inBox = (x, y) => boxes.some(([x0, y0, x1, y1]) => x >= x0 && x < x1 && y >= y0 && y < y1);
  let inside = 0, insideYellow = 0, outside = 0, outsideYellow = 0;
  for (let y = 0; y < canvas.height; y += 2) for (let x = 0; x < canvas.width; x += 2) {
    const i = 4 * (y * canvas.width + x);
    const yellow = data[i] > 200 && data[i + 1] > 180 && data[i + 2] < 140;
    if (inBox(x, y)) { inside++; insideYellow += yellow; } else { outside++; outsideYellow += yellow; }
  }
  return {boxes: boxes.length, inside: insideYellow / Math.max(inside, 1), outside: outsideYellow / outside};
}"""


def test_a_pdf_citation_opens_its_page_with_the_quote_highlighted(page, tmp_path):
    pdf = make_pdf(tmp_path / "Mercia adoption report.pdf", [
        ["Mercia Council Children's Scrutiny Committee 9 May 2024", "Adoption Performance Report",
         "1.1 This report sets out adoption performance for the year."],
        ["Page 2 of the report", "2.1 The average time from entering care to moving in with an adoptive",
         "family was 412 days in 2023-24, against a national average of 480 days.",
         "2.2 Eleven children were adopted in the year."],
    ])
    page.get_by_role("tab", name="Library").click()
    page.set_input_files(UPLOAD, str(pdf))
    page.wait_for_selector("#ingest-report li:has-text('Mercia adoption report.pdf')", timeout=60_000)
    page.get_by_role("tab", name="Ask").click()
    ask(page, "How long did Mercia children wait between entering care and moving in with an adoptive family?")
    assert "412 days" in last_answer(page)
    page.locator("#sources article.card").first.get_by_role("button", name=re.compile("View page 2")).click()
    image = page.locator("#page-view img")
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    shot(page, "6b-page-view")
    readme_shot(page, "ask-with-page-view")
    assert "page 2 of 2" in page.inner_text("#page-view") and "highlighted" in page.inner_text("#page-view")
    pixels = image.evaluate(HIGHLIGHT_PIXELS_JS)
    assert pixels["boxes"] >= 1
    assert pixels["inside"] > 0.4, pixels  # the quoted lines are yellow ...
    assert pixels["outside"] < 0.01, pixels  # ... and nothing else on the page is
    download = page.locator("#original")
    assert "Mercia adoption report.pdf" in download.inner_text()


def test_upload_progress_goes_through_each_stage_beside_the_library(page, tmp_path):
    paper = tmp_path / "long-paper.txt"
    paragraphs = [f"{n // 10 + 1}.{n % 10 + 1} The panel heard that {n + 3} families were supported in week {n}."
                  for n in range(400)]
    paper.write_text("Wessex Council Scrutiny Panel 3 June 2024\n\nFamily Support Report\n\n" + "\n\n".join(paragraphs))
    page.get_by_role("tab", name="Library").click()
    page.evaluate(WATCH_PROGRESS_JS)
    page.set_input_files(UPLOAD, str(paper))
    page.wait_for_selector("#ingest-report li:has-text('long-paper.txt')", timeout=120_000)
    seen = " ".join(page.evaluate("window.progressSeen"))
    assert "reading and finding its passages" in seen
    embedding = [int(n) for n in re.findall(r"embedding (\d+) of \d+ passages", seen)]
    assert len(set(embedding)) >= 2 and embedding == sorted(embedding), embedding  # it advances
    assert page.locator("#library table").is_visible()


def test_corrupt_upload_is_reported_and_nothing_is_lost(page, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n this is not really a pdf \x00\x01\x02")
    page.get_by_role("tab", name="Library").click()
    page.wait_for_selector("#library tbody tr")  # the library is drawn after the tab opens: count it then
    rows_before = page.locator("#library tbody tr").count()
    page.set_input_files(UPLOAD, str(broken))
    page.wait_for_selector("#ingest-report li:has-text('broken.pdf')", timeout=60_000)
    shot(page, "7-corrupt-upload")
    report = page.inner_text("#ingest-report")
    assert "was not added" in report
    assert "Traceback" not in page.content()
    assert page.locator("#library tbody tr").count() == rows_before
    page.get_by_role("tab", name="Ask").click()
    ask(page, "What was the re-referral rate in Barnsley at the end of October 2023?")
    assert "28.4%" in last_answer(page)


def test_every_control_has_a_label(page):
    page.get_by_text("Filters (apply").click()
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select, button')]
            .filter(el => el.offsetParent !== null)
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.getAttribute('aria-labelledby') && !el.innerText.trim() && !el.title)
            .map(el => el.outerHTML.slice(0, 120))"""
    )
    assert unlabelled == []


def test_page_only_talks_to_the_app(browser, app_url):
    """No CDN fonts, analytics or update checks: every request the page makes is local."""
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(app_url)
    page.wait_for_selector("#question textarea")
    ask(page, "What was the re-referral rate in Barnsley at the end of October 2023?")
    context.close()
    outside = [u for u in requested if not u.startswith(app_url) and not u.startswith("data:")]
    assert requested and outside == []


def test_keyboard_only_question(page):
    page.focus("#question textarea")
    page.keyboard.type("What was the re-referral rate in Barnsley at the end of October 2023?")
    page.keyboard.press("Enter")
    page.wait_for_selector("#sources article.card")
    assert "28.4%" in last_answer(page)


def test_usable_at_200_percent_zoom(browser, app_url):
    """A 1280-pixel screen at 200 % zoom is a 640-CSS-pixel page: nothing may need sideways scrolling."""
    context = browser.new_context(viewport={"width": 640, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#question textarea")
    ask(page, "What was the re-referral rate in Barnsley at the end of October 2023?")
    shot(page, "8-zoom-200")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0


def test_remove_a_document_from_the_library(page, tmp_path, web_assistant):
    note = tmp_path / "remove-me.txt"
    note.write_text("Wessex Council Scrutiny Panel 1 May 2024\n\n1.1 The panel noted 9 new adopters.\n")
    page.get_by_role("tab", name="Library").click()
    page.set_input_files(UPLOAD, str(note))
    page.wait_for_selector("#ingest-report li:has-text('remove-me.txt')", timeout=60_000)
    assert "remove-me.txt" in page.inner_text("#library")
    page.click("#remove-file input")
    page.get_by_role("option", name="remove-me.txt").click()
    stored = web_assistant.settings.upload_dir / "remove-me.txt"
    assert stored.is_file()
    page.click("#remove")
    page.wait_for_selector("#remove-report:has-text('Removed')")
    shot(page, "9-removed")
    readme_shot(page, "library")
    assert "remove-me.txt" not in page.inner_text("#library")
    assert "uploaded file was deleted" in page.inner_text("#remove-report")
    assert not stored.exists()  # the paper is really gone
    assert page.inner_text("#ingest-report") == ""  # the last action's message, not an old one


def test_prepare_for_a_meeting_and_download_the_briefing(page, tmp_path):
    from docx import Document

    page.get_by_role("tab", name="Prepare for a meeting").click()
    page.click("#prepare-for input")
    page.get_by_role("option", name=re.compile(r"Report: Children's Social Care Performance Report .*Barnsley")).click()
    page.click("#suggest")
    page.wait_for_selector("#prepare-detail .suggestion", timeout=60_000)
    detail = page.inner_text("#prepare-detail")
    assert "28.4%" in detail and "Lines of enquiry suggested by the report's authors" in detail
    assert page.locator("#prepare-detail article.card[data-section='3.11']").count() >= 1
    boxes = page.locator("#prepare-questions input[type=checkbox]")
    total = boxes.count()
    assert total >= 5 and boxes.nth(0).is_checked()
    kept_out = page.locator("#prepare-questions label").nth(0).inner_text().split(": ", 1)[1]
    boxes.nth(0).uncheck()
    page.click("#make-briefing")
    link = page.locator("#briefing-files a[download='scrutiny-briefing.docx']")
    link.wait_for(timeout=60_000)
    shot(page, "10-prepare")
    readme_shot(page, "prepare")
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "briefing.docx"
    download.value.save_as(path)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "Suggested questions" in text and "Glossary" in text
    assert kept_out.split(".")[0] not in text  # the unticked question is left out
    assert text.count("?") >= total - 1



def test_markup_in_a_question_is_shown_as_text_never_run(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> What was the re-referral rate in Barnsley?"
    ask(page, hostile)
    shot(page, "10-markup-question")
    assert dialogs == []
    assert page.locator("#chat script, #chat img[src='x']").count() == 0
    assert "28.4%" in last_answer(page)


def test_an_over_long_question_gets_a_plain_message(page):
    ask(page, "How many children? " * 600, expect_sources=False)
    assert "at most 1,000 characters" in last_answer(page)
    assert "Traceback" not in page.content()


# --- with a language model (a scripted OpenAI-protocol server on 127.0.0.1) --------------

@pytest.fixture(scope="module")
def llm_app(corpus_assistant, embedder):
    """The app with a model that streams slowly; `reply` picks what the model does next."""
    from llm_server import (
        Reply,
        ScriptedLLM,
        assistant_using,
        first_sentence,
        passages_in,
    )

    from assistant.web.app import serve

    reply = {"mode": "invents"}

    def script(request):
        if reply["mode"] == "fails":
            return Reply(status=500)
        opening = first_sentence(passages_in(request)[1])
        return Reply(f"{opening} [1]. A year earlier it was 31.9% [1].", chunk_words=2, chunk_delay=0.15)

    with ScriptedLLM(script) as server:
        assistant = assistant_using(corpus_assistant, server.url)
        port = free_port()
        app = serve(assistant, "127.0.0.1", port, block=False)
        yield f"http://127.0.0.1:{port}/", reply
        app.close()


@pytest.fixture
def llm_page(browser, llm_app):
    url, reply = llm_app
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    yield page, reply
    context.close()


def test_written_answer_streams_after_its_sources_and_is_checked(llm_page):
    page, reply = llm_page
    reply["mode"] = "invents"
    page.fill("#question textarea", "What was the re-referral rate in Barnsley at the end of October 2023?")
    page.click("#ask")
    # the sources are on the page while the answer is still being written
    page.wait_for_selector("#sources article.card")
    assert "Checked against the papers" not in last_answer(page)
    shot(page, "12-llm-streaming")
    page.wait_for_selector("#chat [data-testid='bot']:has-text('backed by their citations')")
    shot(page, "13-llm-checked")
    answer = last_answer(page)
    assert "28.4%" in answer and "[1]" in answer
    assert "31.9" not in answer  # the invented figure never reached the page
    assert "1 of 2 sentences" in answer and "left out" in answer
    assert "31.9" not in page.input_value("#plain textarea")


def test_failing_model_shows_the_quoted_answer_with_a_notice(llm_page):
    page, reply = llm_page
    reply["mode"] = "fails"
    ask(page, "What was the re-referral rate in Barnsley at the end of October 2023?")
    page.wait_for_selector("#chat [data-testid='bot']:has-text('could not be used')")
    answer = last_answer(page)
    assert "28.4%" in answer and "HTTP 500" in answer
    assert "Traceback" not in page.content() and "Error" not in page.inner_text("body")


# --- sign-in and restricted papers ------------------------------------------------------

def test_sign_in_is_required_and_wrong_passwords_fail(browser, secured_app):
    context = browser.new_context()
    page = context.new_page()
    page.goto(secured_app)
    assert page.locator("#question").count() == 0  # nothing but the sign-in form
    page.get_by_label("username").fill("alice")
    page.get_by_label("password").fill("not-her-password")
    page.get_by_role("button", name="Login").click()
    page.wait_for_timeout(1000)
    assert page.locator("#question").count() == 0
    context.close()


def test_a_restricted_paper_is_seen_only_by_its_group(browser, secured_app):
    question = "What is the weekly cost of the Hilltop residential placement?"
    context, bob = signed_in(browser, secured_app, "bob")
    ask(bob, question)
    shot(bob, "14-restricted-bob")
    assert "12,345" not in bob.content()
    assert "hilltop" not in library(bob).lower()
    bob.get_by_role("tab", name="Prepare for a meeting").click()
    bob.click("#prepare-for input")
    assert "Hilltop" not in bob.inner_text("body")
    context.close()

    context, alice = signed_in(browser, secured_app, "alice")
    ask(alice, question)
    shot(alice, "15-restricted-alice")
    assert "£12,345" in last_answer(alice)
    assert "restricted to cabinet" in library(alice)
    context.close()


def test_a_paper_uploaded_as_restricted_is_never_served_to_another_group(browser, secured_app, tmp_path):
    paper = tmp_path / "Wessex secure placements.txt"
    paper.write_text("Wessex Council Children's Scrutiny Committee 14 March 2024\nSecure Placements\n\n"
                     "1.1 The council paid £9,876 per week for the Ridgeway secure placement.\n", "utf-8")
    question = "How much a week does the Ridgeway secure placement cost?"
    context, olivia = signed_in(browser, secured_app, "olivia")  # an officer
    olivia.get_by_role("tab", name="Library").click()
    olivia.locator("#upload-restricted").get_by_label("Only these groups (exempt, Part 2)").check()
    olivia.locator("#upload-groups").get_by_role("textbox").fill("cabinet")
    olivia.set_input_files(UPLOAD, str(paper))
    olivia.wait_for_selector("#ingest-report li:has-text('added')", timeout=60_000)
    shot(olivia, "16-upload-restricted")
    assert "secure placements" not in olivia.inner_text("#library").lower()  # officers are not cabinet
    context.close()

    context, bob = signed_in(browser, secured_app, "bob")
    ask(bob, question)
    assert "9,876" not in bob.content()
    assert "secure placements" not in library(bob).lower()
    context.close()

    context, alice = signed_in(browser, secured_app, "alice")
    ask(alice, question)
    assert "£9,876" in last_answer(alice)
    assert "restricted to cabinet" in library(alice)
    context.close()
