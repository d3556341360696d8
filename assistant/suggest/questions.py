"""Signals -> ranked, cited scrutiny questions in plain English.

Good questions (the Centre for Governance and Scrutiny's guidance) name the indicator,
the figure, the target or benchmark and the trend, then ask what is being done, by when,
and how the committee will know it worked. Each question here is written from one
signal's own facts, so every figure it states is in the passages it cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language.sentences import lower_first, upper_first
from assistant.suggest.signals import Signal
from assistant.types import Citation, Hit, Passage, SourceDocument

THEMES = (
    "performance",
    "finance",
    "workforce",
    "children's experience and voice",
    "partnership",
    "leadership and governance",
    "risk",
)

# First match wins, most specific first.
_THEME_WORDS = [
    ("finance", r"budget|overspend|£|savings?|\bcosts?\b|\bspend|forecast|variance|out-?turn|mtfp|financ|invest|placement costs?"),
    ("workforce", r"social workers?|\bagency\b|vacanc|caseloads?|supervision|recruit|retention|\bstaff|workforce|\bisros?\b|"
                  r"learning and development|training programme|turnover|sickness|team managers?|capacity|resilien"),
    ("children's experience and voice", r"voice|\bviews\b|participat|feedback|life story|children and young people say|"
                                        r"quality of visits|dental|health checks?|missing|return home|stability|"
                                        r"\beet\b|education|attendance|\bpeps?\b|accommodation|care leavers?|outcomes? for children|"
                                        r"meet(?:ing)? (?:their|the) needs|sgo|special guardianship|foster"),
    ("partnership", r"partner|multi-agency|\bnhs\b|police|schools?\b|strategy discussion|health services|bscp"),
    ("risk", r"\brisks?\b|unregistered|exploitation|sufficiency|safeguard|harm"),
    ("leadership and governance", r"board|governance|leadership|ofsted|inspection|improvement plan|development (?:plan|programme)|"
                                  r"\bdata\b|mosaic|performance framework|audit|quality assurance|members|stop doing|"
                                  r"good|quality"),
]


def theme_of(text: str) -> str:
    for theme, words in _THEME_WORDS:
        if re.search(words, text, re.I):
            return theme
    return "performance"


@dataclass(frozen=True)
class SuggestedQuestion:
    question: str
    theme: str
    why: str
    severity: float
    citations: tuple[Citation, ...]

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "theme": self.theme,
            "why": self.why,
            "severity": round(self.severity, 3),
            "citations": [c.to_json() for c in self.citations],
        }


@dataclass(frozen=True)
class OfficerQuestion:
    """A line of enquiry the report's authors suggest ('Possible Areas for Investigation')."""

    question: str
    theme: str
    citation: Citation

    def to_json(self) -> dict:
        return {"question": self.question, "theme": self.theme, "citations": [self.citation.to_json()]}


def phrase(signal: Signal) -> tuple[str, str]:
    """(question, why) for a signal, using only the signal's own facts."""
    subject = _subject(signal.subject)
    facts = ", ".join(signal.facts)
    kinds = signal.kinds
    if "overspend" in kinds:
        if signal.statement:
            why = signal.statement
            return (f"The report says \"{_short(signal.statement, 360)}\" What is driving this, what is the "
                    f"recovery plan, and when will members see the position improve?"), why
        why = f"{subject}: {facts}."
        return (f"{subject} shows a {facts}. What is driving the overspend, what is the recovery plan, "
                f"and how will members know it is working?"), why
    if "savings_at_risk" in kinds:
        why = f"{subject}: {facts}."
        return (f"The saving '{subject}' ({facts}) is not on course. What is at risk, what will replace it, "
                f"and when will it be delivered?"), why
    if "cost_growth" in kinds:
        why = f"{subject}: {facts}."
        return (f"Spending on {lower_first(subject)} is {facts}. What is driving the growth and what would "
                f"bring it back under control?"), why
    if signal.statement and "off_target" in kinds:
        why = signal.statement
        return (f"{subject}: the report says \"{_short(signal.statement, 360)}\" What is the plan to reach "
                f"the target, by when, and how will members see progress?"), why
    if "narrative_warning" in kinds:
        why = signal.statement or ""
        return (f"The report says: \"{_short(signal.statement or '')}\" What is being done about this, by when, "
                f"and how will the committee know it has worked?"), why
    why = f"{subject}: {facts}" + (f" (rated {signal.rag})" if signal.rag else "") + "."
    if signal.listed_as:
        why += f" The report lists it under '{signal.listed_as}'."
    ask = _ask(kinds, signal)
    return f"{subject} is {facts}. {ask}", why


def _ask(kinds: list[str], signal: Signal) -> str:
    if signal.response:
        return (f"The report says \"{_short(signal.response)}\" When will this bring it back to target, "
                f"and how will members know it is working?")
    if "off_target" in kinds and "worsening" in kinds:
        return "Why is it getting worse, what is the recovery plan, and when will it reach target?"
    if "off_target" in kinds:
        return "What is the plan to reach the target, and by when?"
    if "behind_comparator" in kinds:
        return "Why is it behind the comparators, and what would close the gap?"
    if "worsening" in kinds:
        return "What is behind the change, and is it a concern?"
    return "What is being done about it, and by when?"


def _subject(name: str) -> str:
    return upper_first(name.strip().rstrip(".:"))


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: text.rfind(" ", 0, limit)] + " …"


def by_theme(questions) -> list[tuple[str, list[SuggestedQuestion]]]:
    """(Theme title, its questions in the order given) for every theme that has any."""
    groups = [(theme, [q for q in questions if q.theme == theme]) for theme in THEMES]
    return [(upper_first(theme), qs) for theme, qs in groups if qs]


def rank(questions: list[SuggestedQuestion], limit: int) -> list[SuggestedQuestion]:
    """Most severe first, but every theme the signals reach gets its best question in
    before any theme gets a third: a chair covers the ground, not just the worst numbers."""
    by_severity = sorted(questions, key=lambda q: q.severity, reverse=True)
    chosen: list[SuggestedQuestion] = []
    per_theme: dict[str, int] = {}
    for rounds in (1, 2):
        for q in by_severity:
            if q in chosen or per_theme.get(q.theme, 0) >= rounds:
                continue
            chosen.append(q)
            per_theme[q.theme] = per_theme.get(q.theme, 0) + 1
    chosen += [q for q in by_severity if q not in chosen]
    return sorted(chosen[:limit], key=lambda q: q.severity, reverse=True)


def citations_for(passages: list[Passage], documents: dict[str, SourceDocument]) -> tuple[Citation, ...]:
    unique = list({p.passage_id: p for p in passages}.values())
    return tuple(
        Citation.from_hit(n, Hit(p, documents[p.doc_id], 1.0), quote=None)
        for n, p in enumerate(unique, start=1)
    )


_OFFICER_SECTION = re.compile(r"possible areas? for investigation|areas? for investigation|members may wish to ask", re.I)


def is_officer_section(passage: Passage) -> bool:
    return bool(_OFFICER_SECTION.search(f"{passage.heading or ''} {passage.text[:120]}"))


def officer_questions(passages: list[Passage], documents: dict[str, SourceDocument]) -> list[OfficerQuestion]:
    found = []
    for passage in passages:
        if passage.kind == "table_row" or not is_officer_section(passage):
            continue
        citation = citations_for([passage], documents)[0]
        for line in passage.text.split("\n"):
            line = line.strip().lstrip("-").strip()
            if line.endswith("?"):
                found.append(OfficerQuestion(line, theme_of(line), citation))
    return found
