"""Pure functions from pipeline objects to what the page shows (HTML and Markdown).

Everything from a paper or a member is escaped: papers and questions can contain markup.
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

from assistant.answer.render import notes, where
from assistant.briefing import acronyms_used
from assistant.pipeline import FileResult, LibraryEntry
from assistant.suggest import Suggestions, meetings
from assistant.suggest.questions import by_theme
from assistant.types import Answer, Citation, SourceDocument
from assistant.view import InContext, PageView, shows_pages

CSS = """
/* a visible focus ring on every control (WCAG 2.4.7, 2.4.11) */
textarea:focus-visible, input:focus-visible, button:focus-visible, select:focus-visible, a:focus-visible,
[role="tab"]:focus-visible, [tabindex]:focus-visible { outline: 3px solid #1d4ed8 !important; outline-offset: 2px; }
.card { border: 1px solid #6b7280; border-radius: 6px; padding: .75rem 1rem; margin: 0 0 .75rem; background: #fff; color: #111827; }
.card h3 { font-size: 1rem; margin: 0 0 .25rem; }
.card .meta { font-size: .9rem; color: #374151; margin: 0 0 .5rem; }
.card blockquote { margin: 0; padding-left: .75rem; border-left: 4px solid #1d4ed8; white-space: pre-wrap; }
.card mark { background: #fde68a; color: #111827; }
.card .view-page { margin-top: .5rem; }
.library { width: 100%; border-collapse: collapse; font-size: .9rem; }
.library caption { text-align: left; padding: .25rem 0 .5rem; }
.library th, .library td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #d1d5db; overflow-wrap: break-word; }
@media (max-width: 760px) {  /* a phone: each paper a block of labelled lines, nothing off-screen */
  .library thead { display: none; }
  .library tr { display: block; border: 1px solid #6b7280; border-radius: 6px; margin-bottom: .5rem; padding: .25rem; }
  .library td { display: block; border: 0; padding: .1rem .25rem; }
  .library td::before { content: attr(data-label) ": "; font-weight: 600; }
}
/* the library's messages show an action's progress in their place: room for it, no inner scrolling */
#ingest-report, #remove-report, #correct-report { min-height: 3.5rem; overflow: visible !important; }
@media (max-width: 760px) {  /* a phone: the sources straight under the conversation, then the question */
  #ask-row { flex-direction: column; }
  #ask-main { display: contents; }
  #ask-main > * { order: 4; } #ask-main > #active-filters { order: 1; } #ask-main > #chat { order: 2; }
  #ask-side { order: 3; }
}
.examples { display: flex; flex-direction: column; align-items: flex-start; gap: .35rem; }
.examples p { margin: 0; font-size: .9rem; }
.examples .example { text-align: left; border: 1px solid #6b7280; border-radius: 6px; padding: .3rem .6rem; background: #fff; color: #111827; }
.filters-on { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.filters-on .chip { border: 1px solid #1d4ed8; border-radius: 999px; padding: .15rem .75rem; background: #eff6ff; color: #1e3a8a; }
.page-view img { max-width: 100%; height: auto; border: 1px solid #6b7280; }
.page-view blockquote { margin: .5rem 0; padding-left: .75rem; border-left: 4px solid #d1d5db; white-space: pre-wrap; }
.page-view blockquote.cited { border-left-color: #1d4ed8; background: #fef3c7; }
"""
FILTER_LABELS = {"council": "Council", "report": "Report", "kind": "Kind", "date_from": "Meetings from",
                 "date_to": "Meetings to"}


def sends_clicks(selector: str, **sent: str) -> str:
    """A gr.HTML's js_on_load: a click on one of its buttons matching `selector` reaches the
    server as the component's click event, carrying `sent` (name -> the button's property)."""
    fields = ", ".join(f"{name}: button.{prop}" for name, prop in sent.items())
    return f"""element.addEventListener('click', (event) => {{
  const button = event.target.closest('{selector}');
  if (button) trigger('click', {{{fields}}});
}});"""


CHIPS_JS = sends_clicks("button.chip", filter="dataset.filter")
EXAMPLES_JS = sends_clicks("button.example", question="innerText")
VIEW_BUTTONS_JS = sends_clicks("button.view-page", passage="dataset.passage", quote="dataset.quote")

LIBRARY_HEADERS = ["Title", "Council", "Committee", "Meeting date", "Kind", "Passages", "Added", "File", "Access"]


def turn(question: str, reply: str) -> list[dict]:
    """A question and its (already escaped) reply. Chat bubbles render Markdown and HTML,
    so the member's words are escaped: markup in a question shows as typed, never runs."""
    return [{"role": "user", "content": html.escape(question)}, {"role": "assistant", "content": reply}]


def introduction(llm_setting: str) -> str:
    if llm_setting == "none":
        how = "Every answer quotes the papers and cites the report and section it came from."
    else:
        how = ("A language model writes the answers; every sentence is checked against the report "
               "and section it cites, and anything the papers do not back is left out.")
    return f"Ask about the committee papers. {how} When the papers do not answer, it says so."


def reply(answer: Answer, filtered_to: str = "") -> str:
    """The chat bubble: the answer, then (in italics) how it was made and checked, and,
    when the papers did not answer, the filters that narrowed the search."""
    text = html.escape(answer.text)  # papers can contain markup too
    if not answer.complete:
        return (text + " …") if text else "_Writing the answer; each sentence is checked against the papers…_"
    said = notes(answer)
    if answer.abstained and filtered_to and not any(n.startswith("Filtered to") for n in said):
        said.append(f"Filtered to {filtered_to}: papers outside the filters were not searched.")
    return "\n\n".join([text, *(f"_{html.escape(note)}_" for note in said)])


def examples_html(questions: list[str]) -> str:
    """Whole example questions, each a button that asks it."""
    if not questions:
        return ""
    buttons = "".join(f'<button type="button" class="example">{html.escape(q)}</button>' for q in questions)
    return f'<div class="examples" role="group" aria-label="Example questions"><p>Example questions these papers answer:</p>{buttons}</div>'


def filter_chips(active: list[tuple[str, str]]) -> str:
    """The filters in force, each a button that removes it: a filter hidden in a closed
    panel must not silently narrow every answer."""
    if not active:
        return ""
    chips = "".join(f'<button type="button" class="chip" data-filter="{name}" aria-label="Remove the filter '
                    f'{html.escape(label)}">{html.escape(label)} ✕</button>' for name, label in active)
    return f'<div class="filters-on" role="status"><span>Filters on:</span>{chips}</div>'


def sources_html(answer: Answer | None, filtered: bool = False) -> str:
    """The cards of an answer's sources; `filtered`: the member has filters on."""
    if answer is None:
        return '<section aria-label="Sources"><h2>Sources</h2><p>Sources for each answer appear here.</p></section>'
    heading = "Closest passages (they do not answer the question)" if answer.abstained else "Sources"
    empty = answer.notice or ("No passages matched the filters." if filtered else "No passages matched the question.")
    cards = "".join(card(c) for c in answer.citations) or f"<p>{html.escape(empty)}</p>"
    return f'<section aria-label="Sources"><h2>{heading}</h2>{cards}</section>'


def card(c: Citation) -> str:
    meta = " · ".join(html.escape(x) for x in [c.council, c.meeting_date and f"meeting {c.meeting_date}", where(c)] if x)
    return (
        f'<article class="card" data-n="{c.n}" data-source="{html.escape(c.source)}" '
        f'data-section="{html.escape(c.section or "")}">'
        f"<h3>[{c.n}] {html.escape(c.title or c.source)}</h3>"
        f'<p class="meta">{meta}</p><blockquote>{highlight(c.text, c.quote)}</blockquote>{view_button(c)}</article>'
    )


def view_button(c: Citation) -> str:
    """'View page 12' for a PDF, 'Show in context' for other papers."""
    if not c.passage_id:
        return ""
    label = f"View page {c.page_label or c.page}" if c.page and shows_pages(c.source) else "Show in context"
    return (f'<button type="button" class="view-page" data-passage="{html.escape(c.passage_id)}" '
            f'data-quote="{html.escape(c.quote or "")}" aria-label="{label} of source {c.n}">{label}</button>')


def view_html(view: PageView | InContext | None) -> str:
    """A cited passage where it sits in its paper (see assistant/view.py)."""
    if view is None:
        return ""
    if isinstance(view, InContext):
        return _in_context_html(view)
    image = base64.b64encode(view.png).decode("ascii")
    found = ("the quoted words are highlighted" if view.boxes
             else "the quoted words could not be picked out on this page")
    caption = f"{html.escape(view.source)}, {view.label}: {found}."
    return (
        f'<figure class="page-view" data-page="{view.page}"><figcaption>{caption}</figcaption>'
        f'<img src="data:image/png;base64,{image}" width="{view.width}" height="{view.height}" '
        f"data-boxes='{json.dumps(view.boxes)}' alt=\"Page {view.page} of {html.escape(view.source)}\"></figure>"
    )


def _in_context_html(view: InContext) -> str:
    paragraphs = "".join(
        f'<blockquote{" class=cited" if p.passage_id == view.passage_id else ""}>'
        f'{html.escape((p.section + " ") if p.section and not p.text.startswith(p.section) else "")}'
        f"{html.escape(p.text)}</blockquote>"
        for p in view.passages
    )
    note = f"<p><em>{html.escape(view.note)}</em></p>" if view.note else ""
    title = html.escape(view.document.title or view.document.source)
    return f'<section class="page-view in-context"><h3>In context: {title}</h3>{note}{paragraphs}</section>'


def highlight(text: str, quote: str | None) -> str:
    """The passage, escaped, with the sentence or row the answer quoted marked."""
    escaped = html.escape(text)
    if not quote:
        return escaped
    marked = html.escape(quote)
    if marked in escaped:
        return escaped.replace(marked, f"<mark>{marked}</mark>", 1)
    return escaped


def library_html(entries: list[LibraryEntry]) -> str:
    """The library as a table that wraps at 1280 px and becomes labelled blocks on a phone."""
    if not entries:
        return "<p>The library is empty: add committee papers below.</p>"
    head = "".join(f'<th scope="col">{h}</th>' for h in LIBRARY_HEADERS)
    rows = "".join(
        "<tr>" + "".join(f'<td data-label="{h}">{html.escape(str(v if v is not None else ""))}</td>'
                         for h, v in zip(LIBRARY_HEADERS, row)) + "</tr>"
        for row in library_rows(entries)
    )
    return (f'<table class="library"><caption>{html.escape(loaded(entries))}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def loaded(entries: list[LibraryEntry]) -> str:
    """'Papers loaded: Barnsley Council (4 papers, 3 meetings, 2023-09-12 to 2024-01-09); ...'"""
    if not entries:
        return "No papers are loaded yet: add them on the Library tab."
    by_council: dict[str, list[SourceDocument]] = {}
    for e in entries:
        by_council.setdefault(e.document.council or "council not read", []).append(e.document)
    said = []
    for council, documents in sorted(by_council.items()):
        dates = sorted({d.meeting_date for d in documents if d.meeting_date})
        span = f", {dates[0]} to {dates[-1]}" if len(dates) > 1 else (f", {dates[0]}" if dates else "")
        meetings = f", {len(dates)} meeting{'s' if len(dates) != 1 else ''}" if dates else ""
        said.append(f"{council} ({len(documents)} paper{'s' if len(documents) != 1 else ''}{meetings}{span})")
    return "Papers loaded: " + "; ".join(said) + "."


def library_rows(entries: list[LibraryEntry]) -> list[list]:
    return [[e.document.title, e.document.council, e.document.committee, e.document.meeting_date,
             e.document.kind, e.passages, (e.added or "")[:16].replace("T", " "), e.document.source,
             access_label(e.document)]
            for e in entries]


def access_label(document: SourceDocument) -> str:
    if not document.restricted:
        return "public"
    return f"restricted to {', '.join(document.groups)}" + (f" ({document.access_note})" if document.access_note else "")


def report_choices(entries: list[LibraryEntry]) -> list[tuple[str, str]]:
    return [(f"{e.document.title or e.document.source} ({e.document.meeting_date or 'date unknown'})",
             e.document.doc_id) for e in entries]


def preparation_choices(documents: list[SourceDocument]) -> list[tuple[str, str]]:
    """Every meeting (all its papers together), newest first, then every report, each named
    with its council."""
    whole = []
    for papers in (m for m in meetings(documents) if m[0].council and m[0].meeting_date):
        committee = _most_common([p.committee for p in papers if p.committee])
        name = ", ".join(x for x in [papers[0].council, committee, papers[0].meeting_date] if x)
        count = f"{len(papers)} paper{'s' if len(papers) != 1 else ''}"
        whole.append((f"Meeting: {name} ({count})", "meeting:" + ",".join(p.doc_id for p in papers)))
    reports = [(f"Report: {d.title or d.source}, {d.council or 'council not read'} ({d.meeting_date or 'date unknown'})",
                f"doc:{d.doc_id}") for d in documents if d.kind == "report"]
    return whole + reports


def _most_common(names: list[str]) -> str | None:
    return max(set(names), key=lambda n: (names.count(n), n)) if names else None


def doc_ids_for(choice: str) -> list[str]:
    """'doc:ID' or 'meeting:ID,ID,...' (the preparation choices' values) -> document ids."""
    return [i for i in choice.partition(":")[2].split(",") if i]


def suggestion_choices(suggestions: Suggestions) -> list[tuple[str, str]]:
    """(label, value) for each question, grouped by theme; the value is the question."""
    return [(f"{title}: {q.question}", q.question)
            for title, in_theme in by_theme(suggestions.questions) for q in in_theme]


def suggestions_html(suggestions: Suggestions) -> str:
    parts = [f"<p class='notice'><em>{html.escape(note)}</em></p>" for note in suggestions.notes]
    for title, in_theme in by_theme(suggestions.questions):
        parts.append(f"<h3>{html.escape(title)}</h3>")
        for q in in_theme:
            cards = "".join(card(c) for c in q.citations)
            parts.append(f"<div class='suggestion'><p><strong>{explained(q.question)}</strong></p>"
                         f"<p class='why'>Why: {explained(q.why)}</p>{cards}</div>")
    terms = acronyms_used([q.question + " " + q.why for q in suggestions.questions])
    if terms:
        items = "".join(f"<li><strong>{html.escape(a)}</strong>: {html.escape(m)}</li>" for a, m in terms)
        parts.append(f"<h3>Terms used</h3><ul class='glossary'>{items}</ul>")
    if suggestions.promised_at:
        parts.append(promises_html(suggestions))
    if suggestions.officer_questions:
        items = "".join(f"<li>{html.escape(q.question)}</li>" for q in suggestions.officer_questions)
        parts.append("<h3>Lines of enquiry suggested by the report's authors</h3>"
                     f"<p>Written by officers in the report itself, not by the assistant.</p><ul id='officer-questions'>{items}</ul>")
    return "".join(parts) or "<p>The papers raise nothing the assistant could turn into a specific question.</p>"


def promises_html(suggestions: Suggestions) -> str:
    """What the committee's last minutes record as promised, each with its minute and, where
    the new papers mention it, that passage."""
    minutes = suggestions.promised_at
    items = []
    for promise in suggestions.promises:
        cards = card(promise.citation) + (card(promise.evidence) if promise.evidence else "")
        status = ("<strong class='promise-mentioned'>Mentioned in the new papers</strong> (check it was done)"
                  if promise.status == "mentioned" else "<strong class='promise-missing'>Not reported in the new papers</strong>")
        who = f"{html.escape(promise.who)}: " if promise.who else ""
        when = f" <em>By when: {html.escape(promise.by_when)}</em>" if promise.by_when else ""
        items.append(f"<li class='promise'><p>{who}{explained(promise.what)}{when}</p><p>{status}</p>{cards}</li>")
    body = f"<ul id='promises'>{''.join(items)}</ul>" if items else "<p>The minutes record no undertakings the assistant could find.</p>"
    return (f"<h3>What was promised last time</h3><p>From {html.escape(minutes.title or minutes.source)} "
            f"({html.escape(minutes.meeting_date or 'date unknown')}).</p>{body}")


def explained(text: str) -> str:
    """The text, escaped, with each acronym the glossary knows marked up with its meaning
    (shown on hover; the 'Terms used' list says them all for keyboards and phones)."""
    escaped = html.escape(text)
    for acronym, meaning in acronyms_used([text]):
        escaped = re.sub(rf"\b{re.escape(acronym)}(s?)\b",
                         lambda m, a=acronym, t=meaning: f'<abbr title="{html.escape(t)}">{a}{m.group(1)}</abbr>', escaped)
    return escaped


def ingest_markdown(results: list[FileResult]) -> str:
    lines = []
    for r in results:
        name = html.escape(Path(r.path).name)
        if r.status == "skipped":
            lines.append(f"- ❌ **{name}** was not added: {html.escape(r.reason or 'unreadable')}")
        elif r.status == "unchanged":
            lines.append(f"- **{name}** is already in the library, unchanged.")
        else:
            lines.append(f"- ✅ **{name}** {r.status}: {html.escape(r.found())}. You can ask about it now.")
    return "\n".join(lines)
