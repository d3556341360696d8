"""Suggested scrutiny questions for a report or a meeting, each cited.

    passages -> indicators (table rows, prose figures)  [indicators.py]
             -> signals (off target, RED, worsening, overspend, warnings)  [signals.py]
             -> ranked questions with theme, why and citations  [questions.py]
    the committee's last minutes -> what was promised, looked for in the new papers  [promises.py]

Officer-written lines of enquiry ('Possible Areas for Investigation') are shown apart and
labelled; they are never fed to generation, so the evaluation can compare against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from assistant.language.figures import ungrounded
from assistant.language.remits import Remit, committee_remit, remit_named
from assistant.suggest.promises import Promise, promised_last_time
from assistant.suggest.questions import (
    VOICE_THEME,
    Candidate,
    OfficerQuestion,
    SuggestedQuestion,
    is_officer_section,
    officer_questions,
    rank,
    theme_of,
    with_voice,
    written,
)
from assistant.suggest.remit import another_services, signal_remits, within_remit
from assistant.suggest.distinct import one_per_indicator
from assistant.suggest.signals import Signal, signals_for, voice_signals
from assistant.types import Grounding, Passage, SourceDocument


@dataclass(frozen=True)
class Suggestions:
    documents: tuple[SourceDocument, ...]
    questions: tuple[SuggestedQuestion, ...]
    officer_questions: tuple[OfficerQuestion, ...]
    notice: str | None = None  # how a language model was (or could not be) used
    remit_note: str | None = None  # what was left out of a whole-council paper, and why
    remit: str | None = None  # the remit whole-council papers were kept to (None: every service)
    grounding: Grounding = Grounding()  # the checks on a language model's questions, if one wrote them
    promises: tuple[Promise, ...] = ()  # what the committee's last minutes record as promised
    promised_at: SourceDocument | None = None  # those minutes

    @property
    def notes(self) -> list[str]:
        """What the member should know about how these questions were chosen and written."""
        return [note for note in (self.remit_note, self.notice) if note]

    def to_json(self) -> dict:
        docs = [_document_json(d) for d in self.documents]
        return {
            "document": docs[0] if len(docs) == 1 else None,
            "documents": docs,
            "questions": [q.to_json() for q in self.questions],
            "officer_questions": [q.to_json() for q in self.officer_questions],
            "notice": self.notice,
            "remit": self.remit_note,
            "grounding": self.grounding.to_json(),
            "promises": [p.to_json() for p in self.promises],
            "promised_at": _document_json(self.promised_at) if self.promised_at else None,
        }


def _document_json(d: SourceDocument) -> dict:
    keys = ("doc_id", "source", "title", "council", "committee", "meeting_date", "kind")
    return {k: getattr(d, k) for k in keys}


def suggest_questions(
    documents: list[SourceDocument], passages: list[Passage], max_questions: int = 12,
    remit: str | None = None, library: list[SourceDocument] = (),
    passages_of: Callable[[list[str]], list[Passage]] = lambda doc_ids: [],
) -> Suggestions:
    """Questions for these documents, from their passages (in reading order); from a
    whole-council paper, only those within `remit` (a name in language/remits.toml). The
    same council's earlier reports in the `library` (their passages read by `passages_of`)
    extend each indicator's series."""
    by_id = {d.doc_id: d for d in (*library, *documents)}
    signals: list[Signal] = []
    reports: list[Passage] = []
    officer: list[OfficerQuestion] = []
    wanted, left_out = meeting_remit(documents) or remit_named(remit), 0
    papers = []  # (its passages, its points within the remit, how many were cut, another service's)
    for document in documents:
        own = [p for p in passages if p.doc_id == document.doc_id]
        officer += officer_questions(own, by_id)
        if document.kind != "report":
            continue  # minutes, agendas and work programmes are read for what was promised
        usable = [p for p in own if not is_officer_section(p)]
        series = earlier_reports(document, library)
        earlier_rows = [p for p in passages_of(sorted(series)) if p.kind == "table_row"]
        found = signals_for(usable, earlier_rows)
        remits = signal_remits(found, usable) if wanted else []
        papers.append((usable, *within_remit(found, remits, document, wanted),
                       another_services(remits, document, wanted)))
    theirs = not all(foreign for *_, foreign in papers)  # a meeting all of other services' papers is not cut
    for usable, kept, cut, foreign in papers:
        if theirs and foreign:
            left_out += len(kept) + cut
            continue
        reports += usable
        signals += kept
        left_out += cut
    candidates = [Candidate(s, _theme(s)) for s in one_per_indicator(signals)]
    candidates += [Candidate(s, VOICE_THEME) for s in voice_signals(reports)[:1]]
    ranked = with_voice(rank(candidates, max_questions), candidates)
    questions = [q for q in written(ranked, by_id) if not ungrounded(q.question, [c.text for c in q.citations])]
    note = f"Kept to {wanted.name}: {left_out} point{'s' * (left_out != 1)} about other services left out." \
        if left_out else None
    return Suggestions(tuple(documents), tuple(questions), tuple(officer), remit_note=note,
                       remit=wanted.name if wanted else None)


def meeting_remit(documents: list[SourceDocument]) -> Remit | None:
    """The remit the meeting's committee names ('Corporate Parenting Panel': children's
    services), which whole-council papers in its pack are kept to; None when no paper says,
    or when its papers come from committees of different remits (a Cabinet meeting's)."""
    named = {r.key: r for r in (committee_remit(d.committee) for d in documents) if r is not None}
    return next(iter(named.values())) if len(named) == 1 else None


def meetings(documents: list[SourceDocument]) -> list[list[SourceDocument]]:
    """Every meeting's papers (a council's papers of one date, whatever spelling of the
    committee's name each uses), newest first; then each paper with no council or date alone."""
    by_meeting: dict[tuple[str, str], list[SourceDocument]] = {}
    for d in documents:
        if d.council and d.meeting_date:
            by_meeting.setdefault((d.council, d.meeting_date), []).append(d)
    dated = [papers for _, papers in sorted(by_meeting.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True)]
    return dated + [[d] for d in documents if not (d.council and d.meeting_date)]


def earlier_reports(document: SourceDocument, library: list[SourceDocument]) -> set[str]:
    """The ids of the same council's reports from before this one's meeting."""
    if not (document.council and document.meeting_date):
        return set()
    return {d.doc_id for d in library if d.kind == "report" and d.council == document.council
            and d.meeting_date and d.meeting_date < document.meeting_date}


def _theme(signal: Signal) -> str:
    if signal.money:
        return "finance"
    theme = theme_of(" ".join(filter(None, [signal.subject, signal.area, signal.statement])))
    return "risk" if theme == "performance" and "risk" in signal.kinds else theme


__all__ = ["Suggestions", "SuggestedQuestion", "OfficerQuestion", "Promise", "meetings", "suggest_questions",
           "promised_last_time"]
