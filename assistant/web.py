"""The web UI: a thin Gradio layer over `Assistant` (ask, ingest, remove, library).

Everything a handler does is one call into the pipeline plus formatting; the CLI and the
evaluation call the same methods. Handlers never let an exception reach the page: a
library error becomes its message, anything else a plain apology (and a log line).
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import tempfile
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import get_args

from assistant import _offline  # noqa: F401, I001  (before gradio: analytics and hub calls off)

import gradio as gr  # at module level: handlers' `request: gr.Request` hints are resolved here

from assistant.access import check_password, load_users
from assistant.answer.render import as_plain_text, notes, where
from assistant.errors import AssistantError
from assistant.ingest import SUPPORTED_SUFFIXES
from assistant.pipeline import Assistant, FileResult
from assistant.suggest.questions import by_theme
from assistant.types import Answer, Citation, DocumentKind, Filters

log = logging.getLogger(__name__)

ALL = ""  # the 'no filter' choice in every dropdown
KINDS = get_args(DocumentKind)
SORRY = "Something went wrong while answering. Please try again; if it keeps happening, tell the scrutiny officer."

CSS = """
.card { border: 1px solid #6b7280; border-radius: 6px; padding: .75rem 1rem; margin: 0 0 .75rem; background: #fff; color: #111827; }
.card h3 { font-size: 1rem; margin: 0 0 .25rem; }
.card .meta { font-size: .9rem; color: #374151; margin: 0 0 .5rem; }
.card blockquote { margin: 0; padding-left: .75rem; border-left: 4px solid #1d4ed8; white-space: pre-wrap; }
.card mark { background: #fde68a; color: #111827; }
"""


def build_app(assistant: Assistant, users: dict | None = None):
    """`users`: from the users file; without one, everyone sees public papers only."""

    users = users or {}

    lock = threading.Lock()  # one ingest or removal at a time; asks read committed state

    with gr.Blocks(title="Scrutiny Assistant", analytics_enabled=False) as app:
        gr.Markdown("# Scrutiny Assistant\n" + _introduction(assistant))
        with gr.Tab("Ask"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="Conversation", elem_id="chat", height=420, buttons=["copy"])
                    question = gr.Textbox(
                        label="Your question", placeholder="e.g. What is the re-referral rate and the target?",
                        elem_id="question", lines=1, max_lines=4,  # Enter asks
                    )
                    with gr.Row():
                        ask_button = gr.Button("Ask", variant="primary", elem_id="ask")
                        clear_button = gr.Button("New conversation", elem_id="clear")
                    examples = gr.Dataset(
                        label="Example questions from these papers", components=[question],
                        samples=[[q] for q in _examples(assistant)], elem_id="examples",
                    )
                    with gr.Accordion("Filters (apply to every question until changed)", open=False):
                        council = gr.Dropdown(label="Council", elem_id="council")
                        report = gr.Dropdown(label="Report", elem_id="report")
                        kind = gr.Dropdown(label="Document kind", choices=[("Any", ALL), *[(k, k) for k in KINDS]],
                                           value=ALL, elem_id="kind")
                        with gr.Row():
                            date_from = gr.Textbox(label="Meetings from (YYYY-MM-DD)", elem_id="date-from")
                            date_to = gr.Textbox(label="Meetings to (YYYY-MM-DD)", elem_id="date-to")
                    # Editable and without Gradio's own copy icon so that screen readers get
                    # its label (Gradio labels neither a disabled textarea nor one sharing its
                    # <label> with a button); nothing reads it back.
                    plain = gr.Textbox(label="Answer with references, as plain text", lines=6,
                                       interactive=True, elem_id="plain")
                    copy_button = gr.Button("Copy answer with references", elem_id="copy", size="sm")
                with gr.Column(scale=2):
                    sources = gr.HTML(_sources_html(None), elem_id="sources")
            asked = gr.State([])  # earlier questions as searched for, so follow-ups can be read

        with gr.Tab("Prepare for a meeting"):
            gr.Markdown(
                "Questions to ask, written from the figures and warnings in the papers; each cites "
                "the passage it rests on. Tick the ones to keep, then download a briefing."
            )
            with gr.Row():
                prep_for = gr.Dropdown(label="Report or meeting", elem_id="prepare-for", scale=3)
                prep_button = gr.Button("Suggest questions", variant="primary", elem_id="suggest", scale=1)
            prep_keep = gr.CheckboxGroup(label="Questions to keep (grouped by theme)", elem_id="prepare-questions")
            brief_button = gr.Button("Make the briefing (Word and Markdown)", elem_id="make-briefing")
            brief_files = gr.File(label="Briefing", file_count="multiple", interactive=False, elem_id="briefing-files")
            prep_detail = gr.HTML(elem_id="prepare-detail")
            prep_state = gr.State(None)

        with gr.Tab("Library"):
            library = gr.Dataframe(
                headers=["Title", "Council", "Committee", "Meeting date", "Kind", "Passages", "Added", "File", "Access"],
                label="Documents in the index", interactive=False, elem_id="library", wrap=True,
            )
            upload = gr.File(
                label="Add committee papers (PDF, DOCX, TXT, HTML, MD)", file_count="multiple",
                file_types=sorted(SUPPORTED_SUFFIXES), type="filepath", elem_id="upload",
            )
            ingest_button = gr.Button("Add to the library", variant="primary", elem_id="ingest")
            ingest_report = gr.Markdown(elem_id="ingest-report")
            with gr.Row():
                to_remove = gr.Dropdown(label="File to remove", elem_id="remove-file")
                remove_button = gr.Button("Remove from the library", variant="stop", elem_id="remove")
            remove_report = gr.Markdown(elem_id="remove-report")

        filters = [council, report, kind, date_from, date_to]
        refreshed = [council, report, to_remove, library, examples, prep_for]

        def viewer(request: gr.Request | None) -> tuple[str, ...]:
            """The groups of whoever is logged in (none without a users file: public papers only)."""
            user = users.get(getattr(request, "username", None) or "")
            return user.groups if user else ()

        def on_ask(text, history, asked, council, report, kind, date_from, date_to, request: gr.Request):
            """Streams: the sources as soon as they are found, then each checked sentence."""
            history, asked = list(history or []), list(asked or [])
            text = " ".join((text or "").split())
            if not text:
                yield history, gr.skip(), gr.skip(), text, asked
                return
            try:
                filters = replace(_filters(council, report, kind, date_from, date_to), groups=viewer(request))
                for answer in assistant.answers(text, filters, history=asked):
                    if answer.complete:
                        asked.append(answer.searched_for or text)
                    plain_text = as_plain_text(answer) if answer.complete else ""
                    yield history + _turn(text, _reply(answer)), _sources_html(answer), plain_text, "", asked
            except AssistantError as exc:
                yield history + _turn(text, html.escape(str(exc))), _sources_html(None), "", "", asked
            except Exception:  # noqa: BLE001  (the page must never show a traceback)
                log.exception("ask failed")
                yield history + _turn(text, SORRY), _sources_html(None), "", "", asked

        def on_ingest(files, request: gr.Request, progress=gr.Progress()):
            groups = viewer(request)
            paths = _store_uploads(files or [], assistant.settings.upload_dir)
            if not paths:
                return ("Choose one or more files first.", *_refresh(assistant, groups))
            done: list[FileResult] = []
            progress((0, len(paths)), desc="Reading and indexing")

            def file_done(result: FileResult) -> None:
                done.append(result)
                progress((len(done), len(paths)))

            with lock:
                try:
                    assistant.ingest(paths, on_file=file_done)
                except AssistantError as exc:  # e.g. another ingest holds the index
                    return (f"Nothing was added: {html.escape(str(exc))}.", *_refresh(assistant, groups))
                except Exception:  # noqa: BLE001
                    log.exception("ingest failed")
                    return (f"Ingest stopped: {SORRY} Nothing already in the library was lost.", *_refresh(assistant, groups))
            for result in done:
                if result.status == "skipped":
                    Path(result.path).unlink(missing_ok=True)  # keep only what the library holds
            return (_ingest_markdown(done), *_refresh(assistant, groups))

        def on_remove(source, request: gr.Request):
            groups = viewer(request)
            if not source:
                return ("Choose a file to remove.", *_refresh(assistant, groups))
            with lock:
                try:
                    removed = assistant.remove(source)
                except AssistantError as exc:
                    return (f"Nothing was removed: {html.escape(str(exc))}.", *_refresh(assistant, groups))
            message = f"Removed **{html.escape(source)}**." if removed else f"{html.escape(source)} is not in the library."
            return (message, *_refresh(assistant, groups))

        def on_suggest(choice, request: gr.Request):
            if not choice:
                return None, gr.CheckboxGroup(choices=[], value=[]), "Choose a report or a meeting first."
            try:
                suggestions = assistant.suggest(_doc_ids_for(choice), groups=viewer(request))
            except AssistantError as exc:
                return None, gr.CheckboxGroup(choices=[], value=[]), html.escape(str(exc))
            except Exception:  # noqa: BLE001
                log.exception("suggest failed")
                return None, gr.CheckboxGroup(choices=[], value=[]), SORRY
            choices = [(f"{title}: {q.question}", q.question)
                       for title, in_theme in by_theme(suggestions.questions) for q in in_theme]
            return (suggestions, gr.CheckboxGroup(choices=choices, value=[value for _, value in choices]),
                    _suggestions_html(suggestions))

        def on_briefing(suggestions, keep):
            if suggestions is None:
                return None
            from gradio.utils import get_upload_folder

            from assistant.briefing import write_briefing

            kept = set(keep or [])
            chosen = [q for q in suggestions.questions if q.question in kept]
            # Gradio serves only files under its own temporary folder (or the working directory).
            Path(get_upload_folder()).mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(prefix="briefing-", dir=get_upload_folder()))
            return [str(write_briefing(suggestions, chosen, folder / f"scrutiny-briefing.{ext}")) for ext in ("docx", "md")]

        prep_button.click(on_suggest, prep_for, [prep_state, prep_keep, prep_detail])
        brief_button.click(on_briefing, [prep_state, prep_keep], brief_files)

        ask_inputs = [question, chat, asked, *filters]
        ask_outputs = [chat, sources, plain, question, asked]
        ask_button.click(on_ask, ask_inputs, ask_outputs)
        question.submit(on_ask, ask_inputs, ask_outputs)
        examples.click(lambda sample: sample[0], examples, question).then(on_ask, ask_inputs, ask_outputs)
        copy_button.click(None, plain, None, js="(text) => navigator.clipboard.writeText(text)")
        clear_button.click(lambda: ([], _sources_html(None), "", "", []), None, ask_outputs)
        ingest_button.click(on_ingest, upload, [ingest_report, *refreshed]).then(lambda: None, None, upload)
        remove_button.click(on_remove, to_remove, [remove_report, *refreshed])
        def on_load(request: gr.Request):
            return _refresh(assistant, viewer(request))

        app.load(on_load, None, refreshed)
    return app


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860, block: bool = True):
    """Warm the model and index, then listen. Returns the running app when not blocking."""

    import torch

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
    theme = gr.themes.Base(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    app.queue(default_concurrency_limit=4)
    app.launch(
        server_name=host, server_port=port, share=False, show_error=False,
        prevent_thread_lock=not block, quiet=True, theme=theme, css=CSS, footer_links=[],
        auth=(lambda name, password: check_password(users.get(name), password)) if users else None,
        auth_message="Scrutiny Assistant: sign in with the account your scrutiny officer gave you.",
        ssr_mode=False,
    )
    return app


# --- helpers: pure functions from pipeline objects to what the page shows ---------------

def _turn(question: str, reply: str) -> list[dict]:
    """A question and its (already escaped) reply. Chat bubbles render Markdown and HTML,
    so the member's words are escaped: markup in a question shows as typed, never runs."""
    return [{"role": "user", "content": html.escape(question)}, {"role": "assistant", "content": reply}]


def _introduction(assistant: Assistant) -> str:
    if assistant.settings.llm == "none":
        how = "Every answer quotes the papers and cites the report and section it came from."
    else:
        how = ("A language model writes the answers; every sentence is checked against the report "
               "and section it cites, and anything the papers do not back is left out.")
    return f"Ask about the committee papers. {how} When the papers do not answer, it says so."


def _reply(answer: Answer) -> str:
    """The chat bubble: the answer, then (in italics) how it was made and checked."""
    text = html.escape(answer.text)  # papers can contain markup too
    if not answer.complete:
        return (text + " …") if text else "_Writing the answer; each sentence is checked against the papers…_"
    return "\n\n".join([text, *(f"_{html.escape(note)}_" for note in notes(answer))])


def _filters(council, doc_id, kind, date_from, date_to) -> Filters:
    return Filters(
        council=council or None,
        doc_ids=(doc_id,) if doc_id else (),
        kind=kind or None,
        date_from=_date(date_from, "Meetings from"),
        date_to=_date(date_to, "Meetings to"),
    )


def _date(text: str | None, label: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AssistantError(f"{label}: '{text}' is not a date like 2024-01-31.") from None


def _sources_html(answer: Answer | None) -> str:
    if answer is None:
        return '<section aria-label="Sources"><h2>Sources</h2><p>Sources for each answer appear here.</p></section>'
    heading = "Closest passages (they do not answer the question)" if answer.abstained else "Sources"
    cards = "".join(_card(c) for c in answer.citations) or "<p>No passages matched the filters.</p>"
    return f'<section aria-label="Sources"><h2>{heading}</h2>{cards}</section>'


def _card(c: Citation) -> str:
    meta = " · ".join(html.escape(x) for x in [c.council, c.meeting_date and f"meeting {c.meeting_date}", where(c)] if x)
    return (
        f'<article class="card" data-n="{c.n}" data-source="{html.escape(c.source)}" '
        f'data-section="{html.escape(c.section or "")}">'
        f"<h3>[{c.n}] {html.escape(c.title or c.source)}</h3>"
        f'<p class="meta">{meta}</p><blockquote>{_highlight(c.text, c.quote)}</blockquote></article>'
    )


def _highlight(text: str, quote: str | None) -> str:
    """The passage, escaped, with the sentence or row the answer quoted marked."""
    escaped = html.escape(text)
    if not quote:
        return escaped
    marked = html.escape(quote)
    if marked in escaped:
        return escaped.replace(marked, f"<mark>{marked}</mark>", 1)
    return escaped


def _refresh(assistant: Assistant, groups: tuple[str, ...] = ()):
    """New choices for everything that lists documents: filters, removal, library, examples."""

    entries = assistant.library(groups)
    councils = sorted({e.document.council for e in entries if e.document.council})
    reports = [(f"{e.document.title or e.document.source} ({e.document.meeting_date or 'date unknown'})",
                e.document.doc_id) for e in entries]
    files = sorted({e.document.source for e in entries})
    rows = [[e.document.title, e.document.council, e.document.committee, e.document.meeting_date,
             e.document.kind, e.passages, (e.added or "")[:16].replace("T", " "), e.document.source,
             _access_label(e.document)]
            for e in entries]
    return (
        gr.Dropdown(choices=[("All councils", ALL), *[(c, c) for c in councils]]),
        gr.Dropdown(choices=[("All reports", ALL), *reports]),
        gr.Dropdown(choices=files, value=None),
        rows,
        gr.Dataset(samples=[[q] for q in _examples(assistant, groups)]),
        gr.Dropdown(choices=_preparation_choices([e.document for e in entries]), value=None),
    )


def _access_label(document) -> str:
    if not document.restricted:
        return "public"
    return f"restricted to {', '.join(document.groups)}" + (f" ({document.access_note})" if document.access_note else "")


def _preparation_choices(documents) -> list[tuple[str, str]]:
    """Every report, then every meeting (all its papers together)."""
    reports = [(f"Report: {d.title or d.source} ({d.meeting_date or 'date unknown'})", f"doc:{d.doc_id}")
               for d in documents if d.kind == "report"]
    meetings: dict[tuple, list[str]] = {}
    for d in documents:
        if d.council and d.meeting_date:
            meetings.setdefault((d.council, d.committee or "", d.meeting_date), []).append(d.doc_id)
    whole = [(f"Meeting: {c} {m} {day} ({len(ids)} papers)", "meeting:" + ",".join(ids))
             for (c, m, day), ids in sorted(meetings.items(), key=lambda kv: kv[0][2], reverse=True)]
    return reports + whole


def _doc_ids_for(choice: str) -> list[str]:
    """'doc:ID' or 'meeting:ID,ID,...' (the dropdown's values) -> document ids."""
    return [i for i in choice.partition(":")[2].split(",") if i]


def _suggestions_html(suggestions) -> str:
    parts = [f"<p class='notice'><em>{html.escape(suggestions.notice)}</em></p>"] if suggestions.notice else []
    for title, in_theme in by_theme(suggestions.questions):
        parts.append(f"<h3>{html.escape(title)}</h3>")
        for q in in_theme:
            cards = "".join(_card(c) for c in q.citations)
            parts.append(f"<div class='suggestion'><p><strong>{html.escape(q.question)}</strong></p>"
                         f"<p class='why'>Why: {html.escape(q.why)}</p>{cards}</div>")
    if suggestions.officer_questions:
        items = "".join(f"<li>{html.escape(q.question)}</li>" for q in suggestions.officer_questions)
        parts.append("<h3>Lines of enquiry suggested by the report's authors</h3>"
                     f"<p>Written by officers in the report itself, not by the assistant.</p><ul id='officer-questions'>{items}</ul>")
    return "".join(parts) or "<p>The papers raise nothing the assistant could turn into a specific question.</p>"


def _examples(assistant: Assistant, groups: tuple[str, ...] = ()) -> list[str]:
    try:
        return assistant.example_questions(groups=groups)
    except AssistantError:
        return []


_UNSAFE = re.compile(r"[^\w.\- ()]+")


def _store_uploads(files: list[str], folder: Path) -> list[Path]:
    """Copy uploads (Gradio's temporary copies, which keep the original file name) into the
    library folder under a safe name: no paths, no odd characters."""
    folder.mkdir(parents=True, exist_ok=True)
    stored = []
    for upload in map(Path, files):
        # no leading dot (hidden, and never ingested) or dash (read as an option by shell tools)
        target = folder / (_UNSAFE.sub("_", upload.name).lstrip(" .-").rstrip(" .") or "upload")
        shutil.copyfile(upload, target)
        stored.append(target)
    return stored


def _ingest_markdown(results: list[FileResult]) -> str:
    lines = []
    for r in results:
        name = html.escape(Path(r.path).name)
        if r.status == "skipped":
            lines.append(f"- ❌ **{name}** was not added: {html.escape(r.reason or 'unreadable')}")
        elif r.status == "unchanged":
            lines.append(f"- **{name}** is already in the library, unchanged.")
        else:
            lines.append(f"- ✅ **{name}** {r.status}: {r.documents} document(s), {r.passages} passages. "
                         "You can ask about it now.")
    return "\n".join(lines)
