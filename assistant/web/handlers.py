"""What each control of the page does: one call into `Assistant`, then formatting.

`Handlers` holds no page: its methods take and return plain values and Gradio updates, so
each can be called directly (tests do) as well as wired to the page (app.py). None lets
an exception reach the page: a library error becomes its message, anything else a plain
apology (and a log line).
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import tempfile
import threading
from pathlib import Path

import gradio as gr  # at module level: the `request: gr.Request` hints are resolved here
from gradio.utils import get_upload_folder

from assistant.access import DEFAULT_GROUPS, checked_groups, declare, split_groups
from assistant.answer.render import as_plain_text
from assistant.briefing import write_briefing
from assistant.corrections import EDITABLE
from assistant.errors import AssistantError
from assistant.pipeline import Assistant, Progress
from assistant.retrieve import make_filters
from assistant.web import render

log = logging.getLogger(__name__)

ALL = ""  # the 'no filter' choice in every dropdown
FILTERS = ("council", "report", "kind", "date_from", "date_to")  # the Ask tab's filters, as laid out
SORRY = "Something went wrong while answering. Please try again; if it keeps happening, tell the scrutiny officer."
OFFICERS = DEFAULT_GROUPS[0]
OFFICERS_ONLY = "Only scrutiny officers (the 'officers' group) can change the library."
PUBLIC, RESTRICTED = "public", "restricted"  # who may see a file: the access choices' values
_UNSAFE = re.compile(r"[^\w.\- ()]+")


class Handlers:
    def __init__(self, assistant: Assistant, users: dict | None = None):
        """`users`: from the users file; without one, everyone sees public papers only."""
        self.assistant = assistant
        self.users = users or {}
        self._writing = threading.Lock()  # one ingest or removal at a time; asks read committed state

    def viewer(self, request: gr.Request | None) -> tuple[str, ...]:
        """The groups of whoever is signed in (none without a users file: public papers only)."""
        user = self.users.get(getattr(request, "username", None) or "")
        return user.groups if user else ()

    # --- Ask ---------------------------------------------------------------------------

    def ask(self, text, history, asked, council, report, kind, date_from, date_to, request: gr.Request):
        """Streams (chat, sources, plain text, question box, questions asked): the sources
        as soon as they are found, then each checked sentence."""
        history, asked = list(history or []), list(asked or [])
        text = " ".join((text or "").split())
        if not text:  # said, not silently ignored
            gr.Info("Type a question first, or choose one of the example questions.")
            yield history, gr.skip(), gr.skip(), text, asked
            return
        try:
            filters = make_filters(council, (report,), kind, date_from, date_to, groups=self.viewer(request))
            active = "; ".join(label for _, label in self.active_filters(council, report, kind, date_from, date_to))
            for answer in self.assistant.answers(text, filters, history=asked):
                if answer.complete:
                    asked.append(answer.searched_for or text)
                plain_text = as_plain_text(answer) if answer.complete else ""
                yield (history + render.turn(text, render.reply(answer, active)),
                       render.sources_html(answer, filtered=bool(active)), plain_text, "", asked)
        except AssistantError as exc:
            yield history + render.turn(text, html.escape(str(exc))), render.sources_html(None), "", "", asked
        except Exception:  # noqa: BLE001  (the page must never show a traceback)
            log.exception("ask failed")
            yield history + render.turn(text, SORRY), render.sources_html(None), "", "", asked

    def view(self, event: gr.EventData, request: gr.Request):
        """(the passage where it sits, the original file to download) for a card's 'View page'."""
        groups = self.viewer(request)
        try:
            view = self.assistant.view(sent(event, "passage"), sent(event, "quote") or None, groups)
        except AssistantError as exc:
            said = html.escape(str(exc))
            return f"<p>{said[:1].upper()}{said[1:]}.</p>", gr.DownloadButton(visible=False)
        except Exception:  # noqa: BLE001
            log.exception("view failed")
            return f"<p>{SORRY}</p>", gr.DownloadButton(visible=False)
        original = self.assistant.original(view.source)
        if original is None:
            return render.view_html(view), gr.DownloadButton(visible=False)
        return render.view_html(view), gr.DownloadButton(f"Download {view.source}", value=str(served_copy(original)),
                                                         visible=True)

    def active_filters(self, *values: str) -> list[tuple[str, str]]:
        """(filter, 'Council: Barnsley Council') for each filter set, in FILTERS' order."""
        chosen = dict(zip(FILTERS, values))
        if chosen.get("report"):
            document = self.assistant.snapshot.documents.get(chosen["report"])
            chosen["report"] = (document.title or document.source) if document else chosen["report"]
        return [(name, f"{render.FILTER_LABELS[name]}: {value.strip()}")
                for name, value in chosen.items() if value and value.strip()]

    def chips(self, *values: str) -> str:
        return render.filter_chips(self.active_filters(*values))

    @staticmethod
    def example(event: gr.EventData) -> str:
        """The example question clicked, into the question box (then asked)."""
        return sent(event, "question")

    @staticmethod
    def drop_filter(event: gr.EventData):
        """A chip was clicked: that filter back to 'any', the others as they are."""
        name = sent(event, "filter")
        return tuple(ALL if f == name else gr.skip() for f in FILTERS)

    @staticmethod
    def clear():
        return [], render.sources_html(None), "", "", []

    # --- Library -----------------------------------------------------------------------

    def _officers_only(self, request: gr.Request | None, groups: tuple[str, ...]):
        """Without a users file the app is one officer's own; with one, only the officers'
        group adds, removes, corrects or restricts papers. The refusal a library change
        gives anyone else (None: go on)."""
        if not self.users or OFFICERS in self.viewer(request):
            return None
        return (OFFICERS_ONLY, *self.refresh(groups))

    def ingest(self, files, access, restricted_to, request: gr.Request, progress=gr.Progress()):
        """(report, *refreshed lists) after adding the uploaded files, restricted to the
        groups given when `access` is RESTRICTED."""
        groups = self.viewer(request)
        if refused := self._officers_only(request, groups):
            return refused
        try:
            allowed = checked_groups(split_groups(restricted_to or ""))
        except AssistantError as exc:
            return (f"Nothing was added: {html.escape(str(exc))}.", *self.refresh(groups))
        paths = store_uploads(files or [], self.assistant.settings.upload_dir)
        if not paths:
            return ("Choose one or more files first.", *self.refresh(groups))
        for path in paths:  # before reading: the paper is never public for a moment
            declare(path, access == RESTRICTED, list(allowed))
        progress(0.0, desc=f"File 1 of {len(paths)}: waiting for the library")

        def advanced(at: Progress) -> None:
            progress(at.fraction, desc=str(at))

        with self._writing:
            try:
                done = self.assistant.ingest(paths, on_progress=advanced)
            except AssistantError as exc:  # e.g. another ingest holds the index
                return (f"Nothing was added: {html.escape(str(exc))}.", *self.refresh(groups))
            except Exception:  # noqa: BLE001
                log.exception("ingest failed")
                return (f"Ingest stopped: {SORRY} Nothing already in the library was lost.", *self.refresh(groups))
        for result in done:
            if result.status == "skipped":
                Path(result.path).unlink(missing_ok=True)  # keep only what the library holds
        report = render.ingest_markdown(done)
        if access == RESTRICTED:
            report += (f"\n\nRestricted to {', '.join(allowed or DEFAULT_GROUPS)}: only members of "
                       "those groups see these papers.")
        return (report, *self.refresh(groups))

    @staticmethod
    def clear_messages():
        """The library's four messages, cleared as its next action starts."""
        return "", "", "", ""

    def remove(self, source, request: gr.Request):
        groups = self.viewer(request)
        if refused := self._officers_only(request, groups):
            return refused
        if not source:
            return ("Choose a file to remove.", *self.refresh(groups))
        uploaded = self.assistant.uploaded_copy(source).is_file()
        with self._writing:
            try:
                removed = self.assistant.remove(source)
            except AssistantError as exc:
                return (f"Nothing was removed: {html.escape(str(exc))}.", *self.refresh(groups))
        message = f"Removed **{html.escape(source)}**" if removed else f"{html.escape(source)} is not in the library"
        message += "; its uploaded file was deleted from the server." if uploaded else "."
        return (message, *self.refresh(groups))

    def correction_form(self, doc_id, request: gr.Request):
        """The chosen paper's details as read, for the officer to correct."""
        document = next((d for d in self.assistant.documents(self.viewer(request)) if d.doc_id == doc_id), None)
        return tuple(getattr(document, key) or "" for key in EDITABLE) if document else ("",) * len(EDITABLE)

    def correct(self, doc_id, title, meeting_date, kind, committee, council, request: gr.Request):
        """(report, *refreshed lists) after an officer's correction of a paper's details."""
        values = (title, meeting_date, kind, committee, council)  # EDITABLE's order, as laid out
        groups = self.viewer(request)
        if refused := self._officers_only(request, groups):
            return refused
        if not doc_id or doc_id not in {d.doc_id for d in self.assistant.documents(groups)}:
            return ("Choose a paper to correct.", *self.refresh(groups))
        with self._writing:
            try:
                document = self.assistant.correct(doc_id, **dict(zip(EDITABLE, values)))
            except AssistantError as exc:
                return (f"Nothing was changed: {html.escape(str(exc))}.", *self.refresh(groups))
        message = (f"Corrected **{html.escape(document.title or document.source)}**; kept if the file is "
                   "indexed again.")
        return (message, *self.refresh(groups))

    def access_form(self, source, request: gr.Request):
        """(public or restricted, its groups) of the chosen file, as they stand."""
        documents = [d for d in self.assistant.documents(self.viewer(request)) if d.source == source]
        if not documents or not documents[0].restricted:
            return PUBLIC, ""
        return RESTRICTED, ", ".join(documents[0].groups)

    def set_access(self, source, access, restricted_to, request: gr.Request):
        """(report, *refreshed lists) after an officer confirms or changes who may see a file."""
        groups = self.viewer(request)
        if refused := self._officers_only(request, groups):
            return refused
        if not source or source not in {d.source for d in self.assistant.documents(groups)}:
            return ("Choose a file first.", *self.refresh(groups))
        with self._writing:
            try:
                given = self.assistant.set_access(source, access == RESTRICTED, tuple(split_groups(restricted_to or "")))
            except AssistantError as exc:
                return (f"Nothing was changed: {html.escape(str(exc))}.", *self.refresh(groups))
        said = f"restricted to {html.escape(', '.join(given))}" if given else "public: every member may see it"
        return (f"**{html.escape(source)}** is now {said}.", *self.refresh(groups))

    def load(self, request: gr.Request):
        return self.refresh(self.viewer(request))

    def refresh(self, groups: tuple[str, ...] = ()):
        """New choices for everything that lists documents: filters, removal, library,
        examples, preparation, correction, what the Ask tab says is loaded, and access."""
        entries = self.assistant.library(groups)
        councils = sorted({e.document.council for e in entries if e.document.council})
        return (
            gr.Dropdown(choices=[("All councils", ALL), *[(c, c) for c in councils]]),
            gr.Dropdown(choices=[("All reports", ALL), *render.report_choices(entries)]),
            gr.Dropdown(choices=sorted({e.document.source for e in entries}), value=None),
            render.library_html(entries),
            render.examples_html(self.examples(groups)),
            gr.Dropdown(choices=render.preparation_choices([e.document for e in entries]), value=None),
            gr.Dropdown(choices=render.report_choices(entries)),
            render.loaded(entries),
            gr.Dropdown(choices=sorted({e.document.source for e in entries}), value=None),
        )

    def examples(self, groups: tuple[str, ...] = ()) -> list[str]:
        try:
            return self.assistant.example_questions(groups=groups)
        except AssistantError:
            return []

    # --- Prepare for a meeting -----------------------------------------------------------

    def suggest(self, choice, request: gr.Request):
        """(suggestions kept for the briefing, the checkboxes, the evidence shown)."""
        if not choice:
            return None, gr.CheckboxGroup(choices=[], value=[]), "Choose a report or a meeting first."
        try:
            suggestions = self.assistant.suggest(render.doc_ids_for(choice), groups=self.viewer(request))
        except AssistantError as exc:
            return None, gr.CheckboxGroup(choices=[], value=[]), html.escape(str(exc))
        except Exception:  # noqa: BLE001
            log.exception("suggest failed")
            return None, gr.CheckboxGroup(choices=[], value=[]), SORRY
        choices = render.suggestion_choices(suggestions)
        return (suggestions, gr.CheckboxGroup(choices=choices, value=[value for _, value in choices]),
                render.suggestions_html(suggestions))

    @staticmethod
    def briefing(suggestions, keep) -> list[str] | None:
        """The Word and Markdown briefing with the questions ticked."""
        if suggestions is None:
            return None
        kept = set(keep or [])
        chosen = [q for q in suggestions.questions if q.question in kept]
        folder = served_folder("briefing-")
        return [str(write_briefing(suggestions, chosen, folder / f"scrutiny-briefing.{ext}")) for ext in ("docx", "md")]


def sent(event: gr.EventData, key: str) -> str:
    """What the page's script sent with an event (render.py's `trigger(..., {key: ...})`):
    text from the browser, used only to look things up, never trusted as a path or markup."""
    return str((getattr(event, "_data", None) or {}).get(key) or "")


def served_folder(prefix: str) -> Path:
    """A new folder Gradio will serve files from (only its own temporary folder, or the
    working directory, are); the random name keeps one member's files from another."""
    Path(get_upload_folder()).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=get_upload_folder()))


def served_copy(path: Path) -> Path:
    """A copy of a paper's file to download (never the library's own file)."""
    copy = served_folder("original-") / path.name
    shutil.copyfile(path, copy)
    return copy


def store_uploads(files: list[str], folder: Path) -> list[Path]:
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
