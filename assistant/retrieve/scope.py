"""Which documents a search may return.

Three things narrow it, all applied inside retrieval (never by hiding results afterwards):
the member's filters, who may see a restricted paper, and the council a question names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from assistant.access import visible
from assistant.errors import AssistantError
from assistant.language.councils import councils_named, place_name
from assistant.language.vocabulary import content_terms
from assistant.retrieve.snapshot import Snapshot
from assistant.types import Filters, Hit, SourceDocument

NO_COUNCIL = "\x00no council held\x00"  # a council filter no document matches


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]
    compared: tuple[str, ...] = ()  # councils set side by side, each searched on its own
    note: str | None = None  # what the scope left out that the question asked about


@dataclass(frozen=True)
class Scope:
    filters: Filters
    compared: tuple[str, ...] = ()
    note: str | None = None


def make_filters(council: str | None = None, doc_ids=(), kind: str | None = None,
                 date_from: str | date | None = None, date_to: str | date | None = None,
                 groups=()) -> Filters:
    """Filters from what a member chose (the CLI's options, the web page's controls):
    blanks mean 'any'; a date that is not YYYY-MM-DD is a plain error."""
    return Filters(
        council=council or None,
        doc_ids=tuple(d for d in doc_ids if d),
        kind=kind or None,
        date_from=_date(date_from, "Meetings from"),
        date_to=_date(date_to, "Meetings to"),
        groups=tuple(groups),
    )


def _date(value: str | date | None, label: str) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AssistantError(f"{label}: '{text}' is not a date like 2024-01-31.") from None


def allowed_doc_ids(filters: Filters, documents: list[SourceDocument]) -> list[str]:
    """Of the committed `documents`, those a search with these filters may return."""
    return [d.doc_id for d in documents if matches(d, filters) and visible(d, filters.groups)]


def matches(document: SourceDocument, filters: Filters) -> bool:
    if filters.council and filters.council.lower() not in (document.council or "").lower():
        return False
    if filters.doc_ids and document.doc_id not in filters.doc_ids:
        return False
    if filters.kind and document.kind != filters.kind:
        return False
    if filters.date_from or filters.date_to:
        if not document.meeting_date:
            return False
        if filters.date_from and document.meeting_date < filters.date_from.isoformat():
            return False
        if filters.date_to and document.meeting_date > filters.date_to.isoformat():
            return False
    return True


def scope(question: str, filters: Filters, snapshot: Snapshot) -> Scope:
    """The filters a question is searched with, the councils it compares (if any), and
    what the member should know when the scope leaves out what they asked about."""
    mentioned = tuple(councils_named(question))
    held = tuple(c for c in mentioned if c in snapshot.councils(filters.groups))
    if filters.council:  # a council filter set by the member wins over any council the question names
        return _within_the_filter(filters, held)
    if len(held) > 1:
        return Scope(filters, compared=held)
    scoped = _scope_to_named_council(filters, mentioned, held, snapshot)
    if scoped.council == NO_COUNCIL:
        return Scope(scoped, note=f"The library holds no papers from {' or '.join(mentioned)}.")
    return Scope(scoped)


def _within_the_filter(filters: Filters, held: tuple[str, ...]) -> Scope:
    """A question about a council the member's filter leaves out is not answered from the
    filtered council's papers (its figure would be a wrong answer): nothing is searched,
    and the member is told why ('Filtered to Barnsley Council: North Somerset Council's
    papers were not searched.')."""
    others = [c for c in held if filters.council.lower() not in c.lower()]
    if not others:
        return Scope(filters)
    note = f"Filtered to {filters.council}: {' and '.join(others)}'s papers were not searched."
    if len(others) == len(held):  # the filtered council is not asked about at all
        return Scope(replace(filters, council=NO_COUNCIL), note=note)
    return Scope(filters, note=note)


def _scope_to_named_council(filters: Filters, mentioned: tuple[str, ...], held: tuple[str, ...],
                            snapshot: Snapshot) -> Filters:
    """'...in Barnsley?' means Barnsley's papers: a figure from another council would be
    a wrong answer, not a near miss. Only when exactly one council is named; councils
    we hold no papers for are ordinary words (Torbay is quoted in North Somerset's
    papers)."""
    if len(held) == 1:
        return replace(filters, council=held[0])
    if mentioned and not held and not any(_in_papers(c, snapshot.idf(filters.groups)) for c in mentioned):
        return replace(filters, council=NO_COUNCIL)  # e.g. Kent: nothing we hold speaks of it
    return filters


def _in_papers(council: str, idf) -> bool:
    return all(term in idf for term in content_terms(place_name(council)))
