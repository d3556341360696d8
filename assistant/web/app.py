"""The page: three tabs laid out, wired to `Handlers`, served on this machine only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

import gradio as gr
import torch
from starlette.middleware import Middleware

from assistant.access import check_password, load_users
from assistant.ingest import SUPPORTED_SUFFIXES
from assistant.pipeline import Assistant
from assistant.types import DocumentKind
from assistant.web import render
from assistant.web.handlers import ALL, OFFICERS, PUBLIC, RESTRICTED, Handlers
from assistant.web.signin import Attempts, Sessions, SignInGuard

KINDS = get_args(DocumentKind)


@dataclass(frozen=True)
class Page:
    """Every control the handlers read or write, as laid out by the three tab builders."""

    filters_on: gr.HTML
    chat: gr.Chatbot
    question: gr.Textbox
    ask_button: gr.Button
    clear_button: gr.Button
    examples: gr.HTML
    council: gr.Dropdown
    report: gr.Dropdown
    kind: gr.Dropdown
    date_from: gr.Textbox
    date_to: gr.Textbox
    plain: gr.Textbox
    copy_button: gr.Button
    sources: gr.HTML
    page_view: gr.HTML
    original: gr.DownloadButton
    asked: gr.State
    prep_for: gr.Dropdown
    prep_button: gr.Button
    prep_keep: gr.CheckboxGroup
    brief_button: gr.Button
    brief_files: gr.File
    prep_detail: gr.HTML
    prep_page_view: gr.HTML
    prep_original: gr.DownloadButton
    prep_state: gr.State
    loaded: gr.Markdown
    library: gr.HTML
    upload: gr.UploadButton
    ingest_report: gr.Markdown
    to_remove: gr.Dropdown
    remove_button: gr.Button
    remove_report: gr.Markdown
    to_correct: gr.Dropdown
    correction: tuple  # title, meeting date, kind, committee, council: in EDITABLE's order
    correct_button: gr.Button
    correct_report: gr.Markdown
    upload_access: tuple  # public or restricted, and to which groups, for the papers added
    to_access: gr.Dropdown
    access: tuple  # the same pair, for a file in the library
    access_button: gr.Button
    access_report: gr.Markdown


def build_app(assistant: Assistant, users: dict | None = None) -> gr.Blocks:
    """`users`: from the users file; without one, everyone sees public papers only."""
    handlers = Handlers(assistant, users)
    with gr.Blocks(title="Scrutiny Assistant", analytics_enabled=False) as app:
        gr.Markdown("# Scrutiny Assistant\n" + render.introduction(assistant.settings.llm))
        loaded = gr.Markdown(elem_id="loaded")  # which councils' papers, on the first screen
        with gr.Tab("Ask"):
            ask = _ask_tab(handlers.examples())
        with gr.Tab("Prepare for a meeting"):
            prepare = _prepare_tab()
        with gr.Tab("Library"):
            library = _library_tab()
        _wire(app, Page(**ask, **prepare, **library, loaded=loaded), handlers)
    return app


def _ask_tab(examples: list[str]) -> dict:
    with gr.Row(elem_id="ask-row"):
        with gr.Column(scale=3, elem_id="ask-main"):
            filters_on = gr.HTML(elem_id="active-filters", js_on_load=render.CHIPS_JS)
            chat = gr.Chatbot(label="Conversation", elem_id="chat", height=420, buttons=["copy"])
            question = gr.Textbox(
                label="Your question", placeholder="e.g. What is the re-referral rate and the target?",
                elem_id="question", lines=1, max_lines=4,  # Enter asks
            )
            with gr.Row():
                ask_button = gr.Button("Ask", variant="primary", elem_id="ask")
                clear_button = gr.Button("New conversation", elem_id="clear")
            examples = gr.HTML(render.examples_html(examples), elem_id="examples", js_on_load=render.EXAMPLES_JS)
            with gr.Accordion("Filters (apply to every question until changed)", open=False):
                council = gr.Dropdown(label="Council", elem_id="council")
                report = gr.Dropdown(label="Report", elem_id="report")
                kind = gr.Dropdown(label="Document kind", choices=[("Any", ALL), *[(k, k) for k in KINDS]],
                                   value=ALL, elem_id="kind")
                with gr.Row():
                    date_from = gr.Textbox(label="Meetings from (YYYY-MM-DD)", elem_id="date-from")
                    date_to = gr.Textbox(label="Meetings to (YYYY-MM-DD)", elem_id="date-to")
            # Editable and without Gradio's own copy icon so that screen readers get its
            # label (Gradio labels neither a disabled textarea nor one sharing its <label>
            # with a button); nothing reads it back.
            plain = gr.Textbox(label="Answer with references, as plain text", lines=6,
                               interactive=True, elem_id="plain")
            copy_button = gr.Button("Copy answer with references", elem_id="copy", size="sm")
        with gr.Column(scale=2, elem_id="ask-side"):
            page_view, original = _page_view("page-view", "original")
            sources = gr.HTML(render.sources_html(None), elem_id="sources", js_on_load=render.VIEW_BUTTONS_JS)
    asked = gr.State([])  # earlier questions as searched for, so follow-ups can be read
    return dict(filters_on=filters_on, chat=chat, question=question, ask_button=ask_button, clear_button=clear_button,
                examples=examples, council=council, report=report, kind=kind, date_from=date_from,
                date_to=date_to, plain=plain, copy_button=copy_button, sources=sources,
                page_view=page_view, original=original, asked=asked)


def _page_view(view_id: str, original_id: str) -> tuple[gr.HTML, gr.DownloadButton]:
    """Where a cited passage is shown on its page, and the download of its paper."""
    view = gr.HTML(elem_id=view_id)
    original = gr.DownloadButton("Download the paper", visible=False, elem_id=original_id, size="sm")
    return view, original


def _prepare_tab() -> dict:
    gr.Markdown(
        "Questions to ask, written from the figures and warnings in the papers; each cites "
        "the passage it rests on. Tick the ones to keep, then download a briefing."
    )
    with gr.Row():
        prep_for = gr.Dropdown(label="Report or meeting", elem_id="prepare-for", scale=3)
        prep_button = gr.Button("Suggest questions", variant="primary", elem_id="suggest", scale=1)
    with gr.Row():
        with gr.Column(scale=2):
            prep_keep = gr.CheckboxGroup(label="Questions to keep (grouped by theme)", elem_id="prepare-questions")
            brief_button = gr.Button("Make the briefing (Word and Markdown)", elem_id="make-briefing")
            brief_files = gr.File(label="Briefing", file_count="multiple", interactive=False,
                                  elem_id="briefing-files", visible=False)
        with gr.Column(scale=3):  # each question with its evidence, beside the choice of questions
            prep_page_view, prep_original = _page_view("prepare-page-view", "prepare-original")
            prep_detail = gr.HTML(elem_id="prepare-detail", js_on_load=render.VIEW_BUTTONS_JS)
    prep_state = gr.State(None)
    return dict(prep_for=prep_for, prep_button=prep_button, prep_keep=prep_keep, brief_button=brief_button,
                brief_files=brief_files, prep_detail=prep_detail, prep_page_view=prep_page_view,
                prep_original=prep_original, prep_state=prep_state)


def _library_tab() -> dict:
    library = gr.HTML(elem_id="library")
    upload_access = _who_may_see("Who may see the papers you add", "upload")
    # One button: choosing the files adds them (a drop zone's extra buttons and unlabelled
    # parts fail WCAG checks, and a second "add" step was one more thing to miss).
    upload = gr.UploadButton(
        "Add committee papers (PDF, DOCX, TXT, HTML, MD)", file_count="multiple", variant="primary",
        file_types=sorted(SUPPORTED_SUFFIXES), type="filepath", elem_id="upload",
    )
    ingest_report = gr.Markdown(elem_id="ingest-report")
    with gr.Row():
        to_remove = gr.Dropdown(label="File to remove", elem_id="remove-file")
        remove_button = gr.Button("Remove from the library", variant="stop", elem_id="remove")
    remove_report = gr.Markdown(elem_id="remove-report")
    with gr.Accordion("Correct a paper's details (title, meeting date, kind, committee, council)", open=False):
        to_correct = gr.Dropdown(label="Paper to correct", elem_id="correct-paper")
        with gr.Row():
            title = gr.Textbox(label="Title", elem_id="correct-title", scale=3)
            meeting_date = gr.Textbox(label="Meeting date (YYYY-MM-DD)", elem_id="correct-date")
            kind = gr.Dropdown(label="Kind", choices=list(KINDS), elem_id="correct-kind")
        with gr.Row():
            committee = gr.Textbox(label="Committee", elem_id="correct-committee")
            council = gr.Textbox(label="Council", elem_id="correct-council")
        correct_button = gr.Button("Save the correction", elem_id="correct")
    correct_report = gr.Markdown(elem_id="correct-report")
    with gr.Accordion("Who may see a file (confirm or change a restriction)", open=False):
        to_access = gr.Dropdown(label="File", elem_id="access-file")
        access = _who_may_see("Who may see its papers", "access")
        access_button = gr.Button("Save who may see it", elem_id="access")
    access_report = gr.Markdown(elem_id="access-report")
    return dict(library=library, upload=upload, ingest_report=ingest_report,
                to_remove=to_remove, remove_button=remove_button, remove_report=remove_report,
                to_correct=to_correct, correction=(title, meeting_date, kind, committee, council),
                correct_button=correct_button, correct_report=correct_report, upload_access=upload_access,
                to_access=to_access, access=access, access_button=access_button, access_report=access_report)


def _who_may_see(label: str, elem_prefix: str) -> tuple[gr.Radio, gr.Textbox]:
    """Public, or restricted (exempt, Part 2) to named groups."""
    with gr.Row():
        choice = gr.Radio([("Every member (public)", PUBLIC), ("Only these groups (exempt, Part 2)", RESTRICTED)],
                          value=PUBLIC, label=label, elem_id=f"{elem_prefix}-restricted")
        groups = gr.Textbox(label="Groups, comma-separated (restricted papers)", value=OFFICERS,
                            elem_id=f"{elem_prefix}-groups")
    return choice, groups


def _wire(app: gr.Blocks, page: Page, handlers: Handlers) -> None:
    refreshed = [page.council, page.report, page.to_remove, page.library, page.examples, page.prep_for,
                 page.to_correct, page.loaded, page.to_access]
    messages = [page.ingest_report, page.remove_report, page.correct_report, page.access_report]
    ask_inputs = [page.question, page.chat, page.asked, page.council, page.report, page.kind,
                  page.date_from, page.date_to]
    ask_outputs = [page.chat, page.sources, page.plain, page.question, page.asked]
    filters = [page.council, page.report, page.kind, page.date_from, page.date_to]  # FILTERS' order
    for control in filters:
        control.change(handlers.chips, filters, page.filters_on)
    page.filters_on.click(handlers.drop_filter, None, filters)
    page.ask_button.click(handlers.ask, ask_inputs, ask_outputs, api_name="ask")  # bench/load.py calls it
    page.question.submit(handlers.ask, ask_inputs, ask_outputs)
    page.examples.click(handlers.example, None, page.question).then(handlers.ask, ask_inputs, ask_outputs)
    page.copy_button.click(None, page.plain, None, js="(text) => navigator.clipboard.writeText(text)")
    page.clear_button.click(handlers.clear, None, ask_outputs)
    for cards, view, original in [(page.sources, page.page_view, page.original),
                                  (page.prep_detail, page.prep_page_view, page.prep_original)]:
        cards.click(handlers.view, None, [view, original]).then(
            None, js=f"() => document.getElementById('{view.elem_id}').scrollIntoView({{block: 'start'}})")
    page.prep_button.click(handlers.suggest, page.prep_for, [page.prep_state, page.prep_keep, page.prep_detail])
    page.brief_button.click(handlers.briefing, [page.prep_state, page.prep_keep], page.brief_files).then(
        lambda files: gr.File(visible=bool(files)), page.brief_files, page.brief_files)
    # progress shows in the report's place, never over the library table
    page.upload.upload(handlers.clear_messages, None, messages).then(
        handlers.ingest, [page.upload, *page.upload_access], [page.ingest_report, *refreshed],
        show_progress_on=[page.ingest_report])
    page.remove_button.click(handlers.clear_messages, None, messages).then(
        handlers.remove, page.to_remove, [page.remove_report, *refreshed], show_progress_on=[page.remove_report])
    page.to_correct.change(handlers.correction_form, page.to_correct, list(page.correction))
    page.correct_button.click(handlers.clear_messages, None, messages).then(
        handlers.correct, [page.to_correct, *page.correction], [page.correct_report, *refreshed],
        show_progress_on=[page.correct_report])
    page.to_access.change(handlers.access_form, page.to_access, list(page.access))
    page.access_button.click(handlers.clear_messages, None, messages).then(
        handlers.set_access, [page.to_access, *page.access], [page.access_report, *refreshed],
        show_progress_on=[page.access_report])
    app.load(handlers.load, None, refreshed)


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860, block: bool = True) -> gr.Blocks:
    """Warm the model and index, then listen. Returns the running app when not blocking."""
    # Many members' one-line questions at once, not one big batch: one thread per query
    # embedding serves ~40% more questions a second on 2 cores (bench/load.py); uploads
    # embedded here are slower for it, and `assistant ingest` is unaffected.
    torch.set_num_threads(1)
    assistant.retriever  # noqa: B018  (loads passages, BM25 and the model before the first visitor)
    assistant.index.embedder.embed_query("warm up")
    assistant.llm  # noqa: B018  (a misconfigured model is reported now, not at the first question)
    users = load_users(assistant.settings.users) if assistant.settings.users else {}
    app = build_app(assistant, users)
    # System fonts only: the default theme fetches Google Fonts, which a council network
    # (or no network) blocks, delaying the first paint.
    theme = gr.themes.Base(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]).set(
        # WCAG AA contrast (4.5:1) for white on the primary buttons and the selected tab's blue
        button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white", color_accent="*primary_700",
    )
    app.queue(default_concurrency_limit=4)
    app.launch(
        server_name=host, server_port=port, share=False, show_error=False,
        prevent_thread_lock=not block, quiet=True, theme=theme, css=render.CSS, footer_links=[],
        auth=(lambda name, password: check_password(users.get(name), password)) if users else None,
        auth_message="Scrutiny Assistant: sign in with the account your scrutiny officer gave you.",
        ssr_mode=False, app_kwargs={"middleware": _middleware(assistant.settings, users)},
    )
    return app


def _middleware(settings, users: dict) -> list[Middleware]:
    signing_in = [Middleware(SignInGuard, attempts=Attempts(), sessions=Sessions(settings.session_hours * 3600))]
    return [Middleware(PageHead), *(signing_in if users else [])]


SAY_WHY_REFUSED = b"""<script>
(() => {
  const plainFetch = window.fetch;
  window.fetch = async (...args) => {
    const response = await plainFetch(...args);
    const url = String((args[0] && args[0].url) || args[0]);
    if (response.status === 429 && /\\/login\\/?$/.test(url)) {
      const { detail } = await response.clone().json();
      let note = document.getElementById("sign-in-refused");
      if (!note) {
        note = document.createElement("p");
        note.id = "sign-in-refused";
        note.setAttribute("role", "alert");
        const button = [...document.querySelectorAll("button")].find((b) => /log ?in/i.test(b.textContent));
        (button ? button.parentElement : document.body).prepend(note);
      }
      note.textContent = detail;
    }
    return response;
  };
})();
</script>"""


class PageHead:
    """Gives the page a <title> before its script does: Gradio's sign-in page never gets
    one (the title comes with the app's settings, which a signed-out visitor is not
    sent), and a page without a title fails WCAG 2.4.2 and leaves screen readers guessing.
    Also the script that says why a sign-in was refused (SignInGuard's 429), which
    Gradio's form would pass over in silence."""

    HEAD = b"<head><title>Scrutiny Assistant</title>" + SAY_WHY_REFUSED

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] not in ("/", ""):
            return await self.app(scope, receive, send)
        start, body = {}, []

        async def titled(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = b"".join(body)
            if b"<title" not in page:
                page = page.replace(b"<head>", self.HEAD, 1)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, titled)
