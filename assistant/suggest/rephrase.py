"""With a language model configured: the signal-based questions rephrased (and merged),
plus a few on the narrative, each checked like an answer sentence.

The model sees the draft questions and the numbered passages they rest on (and a few
narrative passages that raise warnings). A question it writes is kept only if it cites
passages it was given and every figure in it is in those passages; if none survives,
or the model fails, the drafts are kept as they were, with a notice.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answer.grounding import check_sentence, evidence, without_citations
from assistant.llm import LLMFailure, complete
from assistant.llm.prompts import rephrase_messages
from assistant.suggest.questions import (
    SuggestedQuestion,
    citations_for,
    is_officer_section,
    is_one_short_question,
    theme_of,
)
from assistant.suggest.narrative import WARNING
from assistant.types import Grounding, Hit, Passage, SentenceCheck, SourceDocument

NARRATIVE_PASSAGES = 4  # extra warning paragraphs offered for new questions (CPU models read slowly)
_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])?\s*(.+\?.*)$")


def rephrase(suggestions, passages: list[Passage], llm, timeout: float, max_questions: int):
    """`suggestions`: the drafts; `passages`: every passage of their documents."""
    documents = {d.doc_id: d for d in suggestions.documents}
    offered = _offered_passages(suggestions, passages, documents)
    hits = [Hit(p, documents[p.doc_id], 1.0) for p in offered]
    number = {p.passage_id: n for n, p in enumerate(offered, start=1)}
    drafts = [(q.question, tuple(number[_passage_id(c, offered)] for c in q.citations)) for q in suggestions.questions]
    try:
        reply = complete(llm, rephrase_messages(drafts, hits), timeout)
    except LLMFailure as failure:
        return replace(suggestions, notice=f"The language model could not be used ({failure.reason}); "
                                            "these questions are the assistant's own drafts.")
    evidence_of = {n: evidence(h) for n, h in enumerate(hits, start=1)}
    # a model's long or many-part question is not kept: the same form as the drafts' (issue 15)
    checks = [check_sentence(line, evidence_of) for line in _question_lines(reply)
              if is_one_short_question(without_citations(line))]
    written = [_question(c, offered, documents, suggestions.questions) for c in checks if c.status == "supported"]
    grounding = Grounding(tuple(checks), fallback=not written)
    if not written:
        return replace(suggestions, grounding=grounding,
                       notice="Nothing the language model wrote could be checked against the papers; "
                              "these questions are the assistant's own drafts.")
    return replace(suggestions, questions=tuple(written[:max_questions]), grounding=grounding,
                   notice=f"Rephrased by the language model; every figure was checked against the passages cited "
                          f"(dropped {len(checks) - len(written)} of the {len(checks)} questions it wrote).")


def _offered_passages(suggestions, passages: list[Passage], documents) -> list[Passage]:
    cited = [p for q in suggestions.questions for c in q.citations for p in passages if _same(p, c)]
    cited = list({p.passage_id: p for p in cited}.values())
    warnings = [
        p for p in passages
        if p.kind == "paragraph" and p.doc_id in documents and p not in cited
        and not is_officer_section(p) and WARNING.search(p.text)
    ]
    return cited + warnings[:NARRATIVE_PASSAGES]


def _same(passage: Passage, citation) -> bool:
    return passage.doc_id == citation.doc_id and passage.text == citation.text


def _passage_id(citation, offered: list[Passage]) -> str:
    return next(p.passage_id for p in offered if _same(p, citation))


def _question_lines(reply: str) -> list[str]:
    return [m.group(1).strip() for line in reply.splitlines() if (m := _LINE.match(line))]


def _question(check: SentenceCheck, offered: list[Passage], documents: dict[str, SourceDocument],
              drafts) -> SuggestedQuestion:
    passages = [offered[n - 1] for n in check.cited]
    citations = citations_for(passages, documents)
    texts = {c.text for c in citations}
    based_on = [q for q in drafts if texts & {c.text for c in q.citations}]
    text = without_citations(check.text)
    if based_on:
        return SuggestedQuestion(text, based_on[0].theme, based_on[0].why,
                                 max(q.severity for q in based_on), citations)
    return SuggestedQuestion(text, theme_of(" ".join([text, *texts])),
                             "Raised by the language model from the passage cited.", 0.2, citations)
