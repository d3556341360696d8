"""Suggested questions scored with checks that can be computed (issue 15), for every
meeting in the library: the same `Assistant.suggest` the Prepare tab and the CLI call.

Each question: at most MAX_WORDS words, one question (one sentence ending in its only
'?'), every figure in its citations, no markup, framed (a figure with its target, trend,
comparator or budget, or the report's own words quoted verbatim). Each meeting: no two
questions about one indicator, at least MIN_THEMES themes where the papers reach that
many, a question on what children say where the papers allow one, nothing outside the
committee's remit from a whole-council paper.
"""

from __future__ import annotations

import re
from collections import defaultdict

from assistant.language.figures import has_figure, ungrounded
from assistant.language.remits import committee_remit, remit_of
from assistant.language.sentences import normalise
from assistant.suggest import Suggestions, meetings
from assistant.suggest.questions import SuggestedQuestion, is_one_short_question
from assistant.suggest.signals import likeness

MIN_THEMES = 4
FULL_LIST = 8  # questions a meeting must have for its themes to count
MARKUP = re.compile(r"<[A-Za-z!/][^<>]*>|\*\*|picture text|\^\{")
FRAME = re.compile(r"\btarget\b|\bfrom\b|\bbelow\b|\babove\b|\bforecast\b|\boverspend|\bsaving\b|\bsince\b|"
                   r"\bon the risk register\b|\bunchanged\b|\b(?:RED|AMBER) rating\b", re.I)
QUOTED = re.compile(r'"(?:… )?(.+?)(?: …)?"')
VOICE_ASKS = {"voice", "listen"}


def form_problems(q: SuggestedQuestion) -> list[str]:
    """What is wrong with one question's form, in words; empty when nothing is."""
    evidence = [c.text for c in q.citations]
    problems = []
    if not is_one_short_question(q.question):
        problems.append(f"not one short question: {len(q.question.split())} words, {q.question.count('?')} '?'")
    if ungrounded(q.question, evidence):
        problems.append("ungrounded: " + ", ".join(ungrounded(q.question, evidence)))
    if MARKUP.search(q.question):
        problems.append("markup")
    if not _framed(q, evidence):
        problems.append("no frame: neither a figure with its target, trend or comparator nor the report's words")
    return problems


def _framed(q: SuggestedQuestion, evidence: list[str]) -> bool:
    quoted = QUOTED.search(q.question)
    if quoted:
        return normalise(quoted.group(1)) in normalise(" ".join(evidence))
    return bool(FRAME.search(q.question)) and (has_figure(q.question) or "risk register" in q.question)


def duplicate_indicators(questions: list[SuggestedQuestion]) -> list[tuple[str, str]]:
    """Pairs of questions about one indicator: the same table row first cited, or rows
    naming one indicator."""
    rows = [(q, q.citations[0].text.split(" — ")[0]) for q in questions if q.citations and " — " in q.citations[0].text]
    return [(a.question, b.question) for i, (a, label_a) in enumerate(rows) for b, label_b in rows[i + 1:]
            if a.citations[0].passage_id == b.citations[0].passage_id or likeness(label_a, label_b) >= 0.9]


def outside_remit(suggestions: Suggestions) -> list[str]:
    """Questions from a whole-council paper whose own words belong to another remit than
    the one it was kept to."""
    if not suggestions.remit_note or not suggestions.remit:
        return []
    committees = {d.doc_id: d.committee for d in suggestions.documents}
    whole_council = [q for q in suggestions.questions if q.citations and committee_remit(committees.get(q.citations[0].doc_id)) is None]
    return [q.question for q in whole_council
            if (r := remit_of(f"{q.question} {q.citations[0].text}")) and r.name != suggestions.remit]


def score_meeting(suggestions: Suggestions) -> dict:
    questions = list(suggestions.questions)
    themes = {q.theme for q in questions}
    return {
        "documents": [d.source + (f" ({d.title})" if d.title else "") for d in suggestions.documents],
        "questions": len(questions),
        "form_problems": {q.question: p for q in questions if (p := form_problems(q))},
        "duplicates": duplicate_indicators(questions),
        "themes": sorted(themes),
        "voice": any(q.ask in VOICE_ASKS for q in questions),
        "voice_possible": bool(questions) and any(q.theme == "children's experience and voice" for q in questions),
        "outside_remit": outside_remit(suggestions),
        "promises": len(suggestions.promises),
    }


def suggestion_quality(assistant, max_questions: int = 12) -> dict:
    """Every meeting's (and every undated report's) suggestions, checked."""
    rows = [score_meeting(assistant.suggest([d.doc_id for d in papers], max_questions=max_questions))
            for papers in meetings(assistant.documents())]
    rows = [r for r in rows if r["questions"]]
    asked = sum(r["questions"] for r in rows)
    full = [r for r in rows if r["questions"] >= FULL_LIST]
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        for problems in r["form_problems"].values():
            for problem in problems:
                counts[problem.split(":")[0]] += 1
    return {
        "meetings": len(rows),
        "questions": asked,
        "well_formed_share": round(1 - sum(len(r["form_problems"]) for r in rows) / max(asked, 1), 4),
        "problems": dict(counts),
        "duplicate_pairs": sum(len(r["duplicates"]) for r in rows),
        # of the meetings with questions enough to cover four themes (a paper on one parking
        # scheme raises one or two)
        "themes_met_share": round(sum(len(r["themes"]) >= MIN_THEMES for r in full) / max(len(full), 1), 4),
        "voice_share": round(sum(r["voice"] for r in rows if r["voice_possible"]) /
                             max(sum(r["voice_possible"] for r in rows), 1), 4),
        "outside_remit": sum(len(r["outside_remit"]) for r in rows),
        "rows": rows,
    }
